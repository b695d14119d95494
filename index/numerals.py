"""Chinese numerals both ways, and what a clause number looks like at a line start.

The one numeral parser: the clause tree, Word's automatic numbering, clause lookups and
questions all read and write 十二 / 一百零五 / 第三条 through here.
"""

from __future__ import annotations

import re

CN_DIGITS = "零一二三四五六七八九"
CN_NUM = "[零〇一二三四五六七八九十百千两]+"
_CN_VALUE = {c: i for i, c in enumerate(CN_DIGITS)} | {"〇": 0, "两": 2}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}

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
    """True when ``line`` begins with something that looks like a clause number; reading
    stages use it to never join a numbered line onto the previous one."""
    return LABEL_START_RE.match(line) is not None


def cn_to_int(text: str) -> int | None:
    """Value of a Chinese numeral ("十二" -> 12, "一百零五" -> 105) or of ASCII digits."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if not text or any(c not in _CN_VALUE and c not in _CN_UNITS for c in text):
        return None
    section, digit = 0, 0
    for ch in text:
        if ch in _CN_VALUE:
            digit = _CN_VALUE[ch]
        else:
            section += (digit or 1) * _CN_UNITS[ch]
            digit = 0
    return section + digit


def int_to_cn(n: int, digits: str = CN_DIGITS, units: str = "十百千") -> str:
    """12 -> "十二", 20 -> "二十", 105 -> "一百零五" (as Word's chineseCounting prints it);
    ``digits``/``units`` give other styles (壹贰叁 / 拾佰仟). 10,000 and above stay digits."""
    if n >= 10000:
        return str(n)
    if n < 10:
        return digits[n]
    out = ""
    parts = [(n // 1000, units[2]), (n // 100 % 10, units[1]), (n // 10 % 10, units[0])]
    zero = False
    for d, unit in parts:
        if d:
            if zero and out:
                out += digits[0]
            out += digits[d] + unit
            zero = False
        elif out:
            zero = True
    last = n % 10
    if last:
        if zero:
            out += digits[0]
        out += digits[last]
    if 10 <= n < 20 and digits == CN_DIGITS:
        out = out[1:]  # "一十二" -> "十二"
    return out
