"""Finding clauses by number as users type them (/clause 7.2, 第7.2条, 第十二條, 12 all find
their clause) or cite them in a question (第十一条是什么, 7.2怎么规定), and listing the contracts in
reach."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..models import ContractInfo, Hit
from ..numerals import CN_NUM, cn_to_int, int_to_cn
from ..text import normalize_number, normalize_text
from .generation import LoadedGeneration
from .reach import Collections, Reach

_NUMBER_RE = re.compile(rf"第?([\d.]+|{CN_NUM})([条款章节])?")
# A clause a question cites (on normalised text): 第十一条 or 第3条, with an optional item
# (第五条第二项, 第五条(二)); or a dotted number, 7.2 or 4.3.1, not an amount (0.3%, 7.5万, 1.5倍).
_CITED_ARTICLE = re.compile(
    rf"第\s*(\d+|{CN_NUM})\s*条(?:\s*第?\s*\(\s*(\d+|{CN_NUM})\s*\)|\s*第\s*(\d+|{CN_NUM})\s*[项款])?")
# One cited clause: the forms its number may take, the most precise first.
Citation = tuple[frozenset[str], ...]
_CITED_DOTTED = re.compile(  # then what follows a clause number in a question, not a unit
    r"(?<![\d.])(\d{1,2}(?:\.\d{1,2}){1,3})(?![\d.])"
    r"(?=\s*(?:$|[,;:!?，。；：！？、)）]|[条款项节]|是|说|讲|写|规|怎|中|里|的|有|提|约|内|吗|呢))")


def clause_number_forms(number: str) -> set[str]:
    """Forms a clause number may take: "第7.2条" -> "7.2"; "第十二條" -> "第十二条", "12"."""
    raw = normalize_number(number)
    forms = {raw}
    m = _NUMBER_RE.fullmatch(raw)
    if m:
        core, unit = m.group(1), m.group(2) or "条"
        forms.add(core)
        value = int(core) if core.isdigit() else (None if core[0].isdigit() else cn_to_int(core))
        if value is not None:
            forms.update({str(value), f"第{value}{unit}", f"第{int_to_cn(value)}{unit}"})
            forms.add(int_to_cn(value))
    return forms


def cited_numbers(question: str) -> tuple[Citation, ...]:
    """The clauses ``question`` cites by number, each as the forms its number may take, the
    most precise first: 第五条第二项 is 第五条(二) (or 第5条(2) …), else 第五条 itself."""
    text = normalize_text(question)
    out: list[Citation] = []
    for m in _CITED_ARTICLE.finditer(text):
        article = clause_number_forms(f"第{m.group(1)}条")
        item = m.group(2) or m.group(3)
        if item is None:
            out.append((frozenset(article),))
            continue
        items = {item, str(v), int_to_cn(v)} if (v := cn_to_int(item)) is not None else {item}
        heads = {a for a in article if a.startswith("第")}
        precise = frozenset(f"{a}({i})" for a in heads for i in items)
        out.append((precise, frozenset(article)))
    out.extend((frozenset({m.group(1)}),) for m in _CITED_DOTTED.finditer(text))
    return tuple(out)


def cited_clauses(numbers: np.ndarray, citations: Sequence[Citation], mask: np.ndarray,
                  question: str) -> tuple[np.ndarray | None, tuple[str, ...]]:
    """Which clauses in ``mask`` the citations name (for each, its most precise form found
    there; None when none is there), and the numbers no clause in ``mask`` has (第99条 of a
    contract with 30), each as the question writes it (normalised)."""
    out = np.zeros(len(numbers), dtype=bool)
    missing = []
    for forms in citations:
        for form in forms:
            found = mask & np.isin(numbers, list(form))
            if found.any():
                out |= found
                break
        else:
            written = sorted((f for f in forms[-1] if f in question), key=len, reverse=True)
            missing.append(written[0] if written else min(forms[-1], key=len))
    return (out if out.any() else None), tuple(missing)


def numbered_clauses(gen: LoadedGeneration, reach: Reach, number: str, contract: str | None,
                     collections: Collections) -> list[Hit]:
    """Clauses of ``gen`` numbered ``number`` (in ``contract`` when given, within reach of
    ``collections``), in index order, each with its sub-clauses."""
    forms = clause_number_forms(number)
    keys = reach.keys(collections)
    return list(reach.with_context((
        Hit(c, gen.titles.get(c.contract, c.contract), 1.0)
        for c, n in zip(gen.clauses, gen.numbers, strict=True)
        if (contract is None or c.contract == contract)
        and (keys is None or c.contract in keys)
        and n in forms
    ), collections))


def contract_infos(gen: LoadedGeneration, reach: Reach,
                   collections: Collections) -> list[ContractInfo]:
    """The contracts of ``gen`` in reach of ``collections``, in build order."""
    counts: dict[str, int] = {}
    for c in gen.clauses:
        counts[c.contract] = counts.get(c.contract, 0) + 1
    return [
        ContractInfo(key=k, title=c.title, clauses=counts.get(k, 0),
                     parties=dict(c.parties), script=c.script, collection=c.collection,
                     source=Path(c.source).name if c.source else "")
        for k, c in gen.contracts.items() if reach.reaches(k, collections)
    ]
