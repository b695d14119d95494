"""The vocabulary of clause numbering: Chinese numerals and the labels that start a clause.

OWNER: clause tree. Other stages use ``starts_with_label`` to avoid joining a numbered line onto
the previous one.
"""

from __future__ import annotations

import re

CN_DIGITS = "零〇一二三四五六七八九两"
CN_NUM = "[零〇一二三四五六七八九十百千两]+"
_CN_VALUE = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}

# A label at the start of a line: 第X章/节/条/條/款, 一、, （一）, (1), 1., 1.1, 1.1.1, １－１ ...
LABEL_START_RE = re.compile(
    rf"""^\s*(?:
        第\s*(?:{CN_NUM}|\d+)\s*[章节節条條款部分篇]   # 第三章 第十二条 第2条
      | {CN_NUM}\s*[、．.]                         # 一、
      | [（(]\s*(?:{CN_NUM}|\d+)\s*[）)]            # （一） (1)
      | \d+(?:\s*[.．]\s*\d+)+                     # 1.1 1.1.1
      | \d+\s*[、．.](?!\d)                         # 1、 1.
      | \d+\s*[－-]\s*\d+(?!\d)                     # 1-1 (full-width normalised or not)
    )""",
    re.VERBOSE,
)


def starts_with_label(line: str) -> bool:
    """True when ``line`` begins with something that looks like a clause number."""
    return LABEL_START_RE.match(line) is not None


def cn_to_int(text: str) -> int | None:
    """Value of a Chinese numeral ("十二" -> 12, "一百零五" -> 105) or of ASCII digits."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if not text or any(c not in _CN_VALUE and c not in "十百千" for c in text):
        return None
    total, section, digit = 0, 0, 0
    for ch in text:
        if ch in _CN_VALUE:
            digit = _CN_VALUE[ch]
        else:
            unit = {"十": 10, "百": 100, "千": 1000}[ch]
            section += (digit or 1) * unit
            digit = 0
    total += section + digit
    return total
