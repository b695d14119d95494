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
# A chapter as users name it: 第三章 (a 一、 chapter's 三 too), a part, 第二部分 (or 第二篇),
# which the parse makes a chapter as it does 第X章, or an annex, 附件一 or 附件1.
_CHAPTER_RE = re.compile(
    rf"\s*(?:第\s*(\d+|{CN_NUM})\s*(章|部分|篇)|附件\s*(\d+|{CN_NUM}))\s*")
_ANNEX_RE = re.compile(rf"\s*附件\s*(\d+|{CN_NUM})(.*)")  # on text with its spaces: 附件2 1
# A clause a question cites (on normalised text): 第十一条 or 第3条, with an optional item
# (第五条第二项, 第五条(二)); or a dotted number, 7.2 or 4.3.1, not an amount (0.3%, 7.5万, 1.5倍).
_CITED_ARTICLE = re.compile(
    rf"第\s*(\d+|{CN_NUM})\s*条(?:\s*第?\s*\(\s*(\d+|{CN_NUM})\s*\)|\s*第\s*(\d+|{CN_NUM})\s*[项款])?")
# An item of a 一、 heading a question cites, 六第6项 (the parse numbers 六's items so): its
# form, else the heading. Not inside a longer number (十六第2项 is 十六's) nor an article's.
_CITED_HEAD_ITEM = re.compile(
    rf"(?<![第\d零〇一二三四五六七八九十百千两])({CN_NUM})\s*第\s*(\d+|{CN_NUM})\s*项")
_CONTINUES = re.compile(rf"\d|{CN_NUM}")  # 附件十一 is not a part of 附件十
# A chapter or an annex a question cites (第七章讲什么, 附件八里保修期多长), on normalised text.
CITED_CHAPTER = re.compile(
    rf"第\s*(?:\d+|{CN_NUM})\s*(?:章|部分|篇)|附件\s*(?:\d+|{CN_NUM})(?!\d|{CN_NUM})")
# A part a clause number follows (第三部分 1.1): ids that repeat in a later part carry it.
_PART_BEFORE = re.compile(rf"第\s*(?:\d+|{CN_NUM})\s*(?:部分|篇)\s*$")
# One cited clause: the forms its number may take, the most precise first.
Citation = tuple[frozenset[str], ...]
_CITED_DOTTED = re.compile(  # then what follows a clause number in a question, not a unit
    r"(?<![\d.])(\d{1,2}(?:\.\d{1,2}){1,3})(?![\d.])"
    r"(?=\s*(?:$|[,;:!?，。；：！？、)）]|[条款项节]|是|说|讲|写|规|怎|中|里|的|有|提|约|内|吗|呢))")


def clause_number_forms(number: str) -> set[str]:
    """Forms a clause number may take: "第7.2条" -> "7.2"; "第十二條" -> "第十二条", "12"."""
    raw = normalize_number(number)
    forms = {raw}
    annex = _ANNEX_RE.fullmatch(normalize_text(number))
    if annex:  # 附件1 is 附件一, 附件一 1 is 附件一1
        value, rest = cn_to_int(annex.group(1)), annex.group(2).replace(" ", "")
        if value is not None:
            forms |= {f"附件{int_to_cn(value)}{rest}", f"附件{value}{rest}"}
        return forms
    m = _NUMBER_RE.fullmatch(raw)
    if m:
        core, unit = m.group(1), m.group(2) or "条"
        forms.add(core)
        value = int(core) if core.isdigit() else (None if core[0].isdigit() else cn_to_int(core))
        if value is not None:
            forms.update({str(value), f"第{value}{unit}", f"第{int_to_cn(value)}{unit}"})
            forms.add(int_to_cn(value))
    return forms


def number_tiers(number: str) -> tuple[frozenset[str], ...]:
    """The forms of ``number`` (``clause_number_forms``) in the order each contract's clauses
    are tried, the first form a contract has winning there: as typed, with its 第X条 twin in
    the other numerals (第六条, 第6条), then the other way of writing it in the same numerals
    (六 for 第六条, 第6条 for 6), then in the other numerals (6 for 第六条, 六 for 6): 第6条 of
    a contract numbered both 六、 (its agreement) and 6 (its general conditions, which it cites
    as 第 6 条) is the 6, 第六条 the 六."""
    forms = frozenset(clause_number_forms(number))
    raw = normalize_number(number)
    m = _NUMBER_RE.fullmatch(raw)
    core = m.group(1) if m else ""
    value = int(core) if core.isdigit() else (cn_to_int(core) if core and not
                                              core[0].isdigit() else None)
    if m is None or value is None or _ANNEX_RE.fullmatch(raw):
        return (forms,)
    unit = m.group(2) or "条"
    articles = frozenset({f"第{value}{unit}", f"第{int_to_cn(value)}{unit}"})
    own, other = (str(value), int_to_cn(value)) if core.isdigit() else (
        int_to_cn(value), str(value))
    first, second = (articles, frozenset({own})) if raw.startswith("第") else (
        frozenset({own}), articles)
    tiers = (first, second, frozenset({other}))
    rest = forms.difference(*tiers)
    return tuple(t for t in (*tiers, rest) if t & forms)


def _as_written(gen: LoadedGeneration, found: list[int],
                tiers: tuple[frozenset[str], ...]) -> list[int]:
    """Of the clauses ``found``, in each contract those in the first of ``tiers`` it has."""
    def tier(i: int) -> int:
        return next((t for t, forms in enumerate(tiers) if gen.numbers[i] in forms), len(tiers))

    best: dict[str, int] = {}
    for i in found:
        key = gen.clauses[i].contract
        best[key] = min(best.get(key, len(tiers)), tier(i))
    return [i for i in found if tier(i) == best[gen.clauses[i].contract]]


def chapter_forms(number: str) -> frozenset[str]:
    """The chapter labels ``number`` may name (第三章 -> 第三章, 第3章, 三; 第2部分 -> 第二部分,
    第2部分; 附件1 -> 附件一, 附件1); empty when it names no chapter."""
    m = _CHAPTER_RE.fullmatch(normalize_text(number))
    value = cn_to_int(m.group(1) or m.group(3)) if m else None
    if m is None or value is None:
        return frozenset()
    if m.group(3):
        return frozenset({f"附件{int_to_cn(value)}", f"附件{value}"})
    if (unit := m.group(2)) != "章":  # a part: no 一、 chapter is one
        return frozenset({f"第{int_to_cn(value)}{unit}", f"第{value}{unit}"})
    return frozenset({f"第{int_to_cn(value)}章", f"第{value}章", int_to_cn(value)})


def cited_numbers(question: str) -> tuple[Citation, ...]:
    """The clauses ``question`` cites by number, each as the forms its number may take, the
    most precise first: 第五条第二项 is 第五条(二) (or 第5条(2), 第五条第2项 …; in a contract
    numbered 一、, 五's item 五第2项), else 第五条 itself."""
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
        # the article's items as the parse numbers them: 第三条(一), 第三条第1项, and the
        # items of a 一、 heading, 六第6项 (/clause 六第6项 quotes the same item)
        numerals = {a for a in article if not a.startswith("第") and not a[0].isdigit()}
        precise = frozenset({f"{a}({i})" for a in heads for i in items}
                            | {f"{a}第{i}项" for a in heads | numerals for i in items})
        out.append((precise, frozenset(article)))
    for m in _CITED_HEAD_ITEM.finditer(text):
        head, item = m.group(1), m.group(2)
        items = {item, str(v), int_to_cn(v)} if (v := cn_to_int(item)) is not None else {item}
        out.append((frozenset(f"{head}第{i}项" for i in items), frozenset({head})))
    for m in _CITED_DOTTED.finditer(text):
        part = _PART_BEFORE.search(text[:m.start()])  # 第三部分 1.1, else 1.1 (of part two)
        precise = frozenset(normalize_number(f"{label} {m.group(1)}")
                            for label in (chapter_forms(part.group(0)) if part else ()))
        out.append((precise, frozenset({m.group(1)})) if precise else (frozenset({m.group(1)}),))
    return tuple(out)


def cited_chapters(question: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """The chapters and annexes ``question`` cites (第七章, 附件八), each as written and as the
    labels it may name (``chapter_forms``)."""
    text = normalize_text(question)
    found = ((m.group(0), chapter_forms(m.group(0))) for m in CITED_CHAPTER.finditer(text)
             if not _heads_a_number(text, m))
    return tuple((written, forms) for written, forms in found if forms)


def _heads_a_number(text: str, cited: re.Match[str]) -> bool:
    """Whether a cited part is the head of a clause number, 第三部分 1.1, not cited itself."""
    after = cited.end() + len(text[cited.end():]) - len(text[cited.end():].lstrip())
    return bool(_PART_BEFORE.search(cited.group(0)) and _CITED_DOTTED.match(text, after))


def cited_chapter_clauses(gen: LoadedGeneration, chapters: Sequence[tuple[str, frozenset[str]]],
                          mask: np.ndarray) -> tuple[np.ndarray | None, tuple[str, ...]]:
    """Which clauses in ``mask`` head the chapters ``chapters`` cites (a chapter's top clauses:
    each is quoted with its sub-clauses), None when none is there; and the chapters no
    contract in ``mask`` has (第九章 of a contract with eight), as written."""
    out = np.zeros(len(gen.clauses), dtype=bool)
    inside = [int(i) for i in np.flatnonzero(mask)]
    missing = []
    for written, forms in chapters:
        found = _chapter_clauses(gen, inside, forms)
        if found:
            out[found] = True
        else:
            missing.append(written.replace(" ", ""))
    return (out if out.any() else None), tuple(missing)


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
    ``collections``), in index order, each with its sub-clauses. A chapter (第三章, 附件一) gives
    its clauses; an item that is not a clause of its own (第五条第二项, 第六條（二）) its clause."""
    keys = reach.keys(collections)
    inside = [i for i, c in enumerate(gen.clauses)
              if (contract is None or c.contract == contract)
              and (keys is None or c.contract in keys)]
    chapters = chapter_forms(number)
    if chapters:
        found = _chapter_clauses(gen, inside, chapters)
    else:
        found = _as_written(gen, [i for i in inside if gen.numbers[i] in
                                  clause_number_forms(number)], number_tiers(number))
        written = normalize_text(number).strip()
        item = not found and (_CITED_ARTICLE.fullmatch(written)
                              or _CITED_HEAD_ITEM.fullmatch(written))
        for forms in (next(iter(cited_numbers(number)), ()) if item else ()):
            found = [i for i in inside if gen.numbers[i] in forms]
            if found:
                break
    return list(reach.with_context((
        Hit(gen.clauses[i], gen.titles.get(gen.clauses[i].contract, gen.clauses[i].contract),
            1.0) for i in found), collections))


def _chapter_clauses(gen: LoadedGeneration, inside: list[int],
                     chapters: frozenset[str]) -> list[int]:
    """Positions among ``inside`` of the chapters named ``chapters``: a chapter that is a
    clause of its own (附件四), else the chapter's top clauses; an annex in parts (附件一A,
    附件一B) gives each part."""
    parent = gen.features.parent
    out = []
    for i in inside:
        n, chapter = gen.numbers[i], normalize_number(gen.clauses[i].chapter or "")
        if n in chapters or (n.startswith("附件") and any(
                n.startswith(f) and not _CONTINUES.match(n, len(f)) for f in chapters)):
            out.append(i)
        elif chapter in chapters and (parent[i] < 0 or normalize_number(
                gen.clauses[int(parent[i])].chapter or "") != chapter):
            out.append(i)
    return out


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
