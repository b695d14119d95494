"""Clause numbers as users type them: /clause 7.2, 第7.2条, 第十二條, 12 all find their clause."""

from __future__ import annotations

import re

from ..numerals import CN_NUM, cn_to_int, int_to_cn
from ..text import normalize_text

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
