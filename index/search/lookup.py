"""Finding clauses by number as users type them (/clause 7.2, 第7.2条, 第十二條, 12 all find
their clause), and listing the contracts in reach."""

from __future__ import annotations

import re
from pathlib import Path

from ..models import ContractInfo, Hit
from ..numerals import CN_NUM, cn_to_int, int_to_cn
from ..text import normalize_text
from .generation import LoadedGeneration
from .reach import Collections, Reach

_NUMBER_RE = re.compile(rf"第?([\d.]+|{CN_NUM})([条款章节])?")


def clause_number_forms(number: str) -> set[str]:
    """Forms a clause number may take: "第7.2条" -> "7.2"; "第十二條" -> "第十二条", "12"."""
    raw = normalize_text(number).replace(" ", "")
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


def numbered_clauses(gen: LoadedGeneration, reach: Reach, number: str, contract: str | None,
                     collections: Collections) -> list[Hit]:
    """Clauses of ``gen`` numbered ``number`` (in ``contract`` when given, within reach of
    ``collections``), in index order, each with its sub-clauses."""
    forms = clause_number_forms(number)
    keys = reach.keys(collections)
    return list(reach.with_context((
        Hit(c, gen.titles.get(c.contract, c.contract), 1.0)
        for c in gen.clauses
        if (contract is None or c.contract == contract)
        and (keys is None or c.contract in keys)
        and normalize_text(c.clause).replace(" ", "") in forms
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
