"""Chinese numerals both ways, and what a clause number looks like at a line start.

The one numeral parser: the clause tree, Word's automatic numbering, clause lookups and
questions all read and write 十二 / 一百零五 / 第三条 through here.
"""

from __future__ import annotations

import re

CN_DIGITS = "零一二三四五六七八九"
CN_NUM = "[零〇一二三四五六七八九十百千两]+"
_CN_VALUE = {c: i for i, c in enumerate(CN_DIGITS)} | {"〇": 0, "两": 2}
_CN_VALUE |= {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")}  # the capitals of amounts
_CN_VALUE |= {"貳": 2, "參": 3, "陸": 6}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "拾": 10, "佰": 100, "仟": 1000}
_CN_BIG = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}

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
    """Value of a Chinese numeral ("十二" -> 12, "一百零五" -> 105, "一万五千" -> 15000, the
    capitals of amounts: "壹拾万" -> 100000) or of ASCII digits."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if not text or any(c not in _CN_VALUE and c not in _CN_UNITS and c not in _CN_BIG
                       for c in text):
        return None
    total, section, digit = 0, 0, 0
    for ch in text:
        if ch in _CN_VALUE:
            digit = _CN_VALUE[ch]
        elif ch in _CN_UNITS:
            section += (digit or 1) * _CN_UNITS[ch]
            digit = 0
        else:  # 万, 亿: everything read so far is counted in them
            big = _CN_BIG[ch]
            total = (total + section + digit) * big if big > 10**4 else total + (
                section + digit or 1) * big
            section, digit = 0, 0
    return total + section + digit


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


# Quantities written in words or digits ("三个月", "3个月", "90天", "百分之五", "5%") read as one
# canonical token each, so a question and a clause that state the same amount match in BM25.
_AMOUNT = r"(?:\d+(?:\.\d+)?|[零〇一二三四五六七八九十百千两]+|半)"
_DAYS = {"天": 1, "日": 1, "周": 7, "星期": 7, "个星期": 7, "月": 30, "个月": 30, "年": 360}
_DURATION_RE = re.compile(
    rf"({_AMOUNT})\s*(个工作日|工作日|个星期|星期|个月|小时|天|日|周|月|年)(?:半)?"
)
_PERCENT_RE = re.compile(rf"百分之({_AMOUNT})|(\d+(?:\.\d+)?)\s*[%％]|千分之({_AMOUNT})")
# Sums of money: 5000元, 5,000元, 1.5万元, 十万元, 人民币壹拾万元整; a bare 10万 ends a phrase.
_CN_MONEY = f"[{''.join(_CN_VALUE)}{''.join(_CN_UNITS)}{''.join(_CN_BIG)}]+"  # cn_to_int reads them
_MONEY_RE = re.compile(
    rf"(?<!\d)(?<!\d[.,])(\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|{_CN_MONEY})\s*([万亿])?"
    r"\s*[元块圆]|(?<!\d)(?<!\d[.,])(\d+(?:\.\d+)?)\s*([万亿])(?=$|[\s,.;:!?，。；：！？吗呢吧啊么])")


def _amount(text: str) -> float | None:
    if text == "半":
        return 0.5
    if text[0].isdigit():
        return float(text)
    value = cn_to_int(text)
    return float(value) if value is not None else None


def _fmt(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.12g}"


def quantity_tokens(text: str) -> list[str]:
    """Canonical tokens of the durations, percentages and sums of money in ``text``
    (half-width): "三个月", "3个月" and "90天" all give "q:90d"; "十个工作日" gives "q:10wd";
    "两小时" "q:2h"; "百分之五" and "5%" give "q:5%"; "十万元", "10万元", "100,000元" and
    "壹拾万元" give "q:100000元". Dates ("2024年") and clause numbers are not read."""
    out: list[str] = []
    for m in _DURATION_RE.finditer(text):
        value, unit = _amount(m.group(1)), m.group(2)
        date_part = unit in ("年", "月", "日") and (
            (m.group(1)[0].isdigit() and value is not None and value >= 1000)
            or text[m.start() - 1 : m.start()] in ("年", "月")
            or text[m.end() : m.end() + 1].isdigit())
        if value is None or date_part:
            continue  # 2024年, 3月15日: a date, not a duration
        if unit.endswith("工作日"):
            out.append(f"q:{_fmt(value)}wd")
        elif unit == "小时":
            out.append(f"q:{_fmt(value)}h")
        else:
            days = value * _DAYS[unit] + (_DAYS[unit] / 2 if m.group(0).endswith("半") else 0)
            out.append(f"q:{_fmt(days)}d")
    for m in _PERCENT_RE.finditer(text):
        if m.group(3) is not None:  # 千分之三 -> 0.3%
            value = _amount(m.group(3))
            if value is not None:
                out.append(f"q:{_fmt(value / 10)}%")
            continue
        value = _amount(m.group(1)) if m.group(1) else float(m.group(2))
        if value is not None:
            out.append(f"q:{_fmt(value)}%")
    for m in _MONEY_RE.finditer(text):
        number, big = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        if not number[0].isdigit() and not any(c in _CN_VALUE or c in "十拾" for c in number):
            continue  # 万元, 千元: a unit ("金额（万元）"), not a sum
        value = float(number.replace(",", "")) if number[0].isdigit() else cn_to_int(number)
        if value is not None:
            out.append(f"q:{_fmt(value * _CN_BIG.get(big or '', 1))}元")
    return out
