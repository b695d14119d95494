"""Clause labels: the numbering family a line starts with (第X条, 一、, （一）, 1.1 …), its value.

Numerals themselves are read by ``index.numerals``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from ..numerals import CN_NUM, cn_to_int

Family = str  # "part" "chapter" "section" "article" "cn" "cn_paren" "num_paren" "circled"
#               "dot1".."dot4" (1. / 1.1 / 1.1.1 / 1.1.1.1) "dash2".."dash4" (1-1 / 1-1-1)
#               "annex" (附件一 heading line) "letter" (A. heading of a section of an annex)

ITEM_FAMILIES = frozenset({"cn_paren", "num_paren", "circled"})
CHAPTER_FAMILIES = frozenset({"part", "chapter", "section", "annex"})
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_FW_DIGITS = str.maketrans("０１２３４５６７８９．－", "0123456789.-")

# What may follow a number that is a quantity, a date or a reference rather than a label.
_NOT_AFTER_NUMBER = re.compile(
    r"[%％‰倍米元月号號个個周週万千百条條款次份件页頁度吨噸]|年(?!度)|日(?!期)|[项項](?!目)"
    r"|天(?![：:])|小时|公里|平方|km|kg|cm|mm|m\b|M\b"
)  # but "1.1.4 日期和期限", "3.2 项目经理", "5.1 年度计划", "1.1.4.7 天：…" are headings
# What may follow "第X条" when it is a reference ("第九条第1项", "第三条规定的") not a heading.
_NOT_AFTER_ARTICLE = re.compile(r"(?:第|所|规定|規定|约定|約定|项下|項下|之|的|至|、|和|及|或)")

# After a bare number, only a short heading makes it a label ("1 一般约定": Word numbering "%1";
# "6 电梯：" in a list of 1. 2. … whose sixth item lost its dot).
_BARE_HEADING_RE = re.compile(r"^[ \t\u3000]+[^\d\s.．。，,；;：:]{2,30}[：:]?$")

# Page furniture that PDF extraction glues to a line start: "— 3 —", or a bare page number
# directly before a Chinese label ("2（一）委托费用", "4商品房买卖合同").
_FOOTER_RE = re.compile(r"^\s*[—\-－]\s*\d{1,3}\s*[—\-－]\s*")
_PAGE_GLUE_RE = re.compile(
    rf"^\s*\d{{1,3}}(?=第\s*(?:{CN_NUM}|\d+)\s*[章节節条條部篇]|[（(]\s*{CN_NUM}\s*[）)]|{CN_NUM}、)"
)

_LABEL_RES: list[tuple[Family, re.Pattern[str]]] = [
    # 附件三, 附件十一. …, 附件1A; not 附件1.2 (a reference) nor half a numeral (附件十|一)
    ("annex", re.compile(rf"^附\s*件\s*({CN_NUM}|\d+)(?![\d、零〇一二三四五六七八九十百千两])"
                         r"(?![.．]\d)[A-ZＡ-Ｚ]?")),
    ("annex", re.compile(r"^附\s*件\s*[：:]?\s*$")),  # "附件" alone: the one annex
    ("part", re.compile(rf"^第\s*({CN_NUM}|\d+)\s*(?:部分|篇)")),
    ("chapter", re.compile(rf"^第\s*({CN_NUM}|\d+)\s*章")),
    ("section", re.compile(rf"^第\s*({CN_NUM}|\d+)\s*[节節]")),
    ("article", re.compile(rf"^第\s*({CN_NUM}|\d+)\s*[条條]")),
    ("cn", re.compile(rf"^({CN_NUM})\s*[、．.](?![\d０-９])")),
    # OCR may read one bracket twice: "（(三）"
    ("cn_paren", re.compile(rf"^[（(]{{1,2}}\s*({CN_NUM})\s*[）)]")),
    ("num_paren", re.compile(r"^[（(]{1,2}\s*(\d{1,2})\s*[）)]")),
    ("circled", re.compile(rf"^([{_CIRCLED}])")),
    ("dash", re.compile(r"^(\d{1,2}(?:[-－]\d{1,2}){1,3})(?![\d\-－.．])")),
    ("dot", re.compile(r"^(\d{1,3}(?:[.．]\d{1,3}){0,3})(?:[.．、](?![\d０-９])|(?=[^\d.．]|$))")),
]


# A paragraph that opens with an ordinal that numbers no clause: one of several ways or sections
# ("第 2 种方式：…", "B．初始培训服务"). Read from the line's first characters, NFKC (Ｂ．-> B.).
_ORDINAL_RE = re.compile(rf"^\s*(?:第\s*({CN_NUM}|\d+)\s*种|([A-Z])\s*[.、](?![\d]))")


def ordinal_of(line: str) -> tuple[str, int] | None:
    """The kind and value of the ordinal ``line`` opens with ("第 2 种方式" -> ("种", 2),
    "B．初始培训服务" -> ("letter", 2)), or None."""
    m = _ORDINAL_RE.match(unicodedata.normalize("NFKC", line[:16]))
    if m is None:
        return None
    if m.group(2):
        return "letter", ord(m.group(2)) - ord("A") + 1
    value = int(m.group(1)) if m.group(1).isdigit() else cn_to_int(m.group(1))
    return ("种", value) if value else None


# What a heading never holds and a sentence does: the punctuation of the clause tree's tests
# whether a short line is a title (of a clause, a table of contents' entry, a lettered section).
SENTENCE_PUNCT = re.compile(r"[。；;，,：:！!？?]")
TITLE_MAX = 24  # longest heading title ("维护响应时间")


def letter_heading(line: str) -> Label | None:
    """The letter of a lettered section's heading line ("Ａ．安装及初始改制" -> A, value 1) as a
    label of the "letter" family, or None: a letter and its mark before a short heading."""
    m = _ORDINAL_RE.match(unicodedata.normalize("NFKC", line[:16]))
    if m is None or not m.group(2):
        return None
    rest = line[m.end():]
    heading = rest.strip()
    if not 0 < len(heading) <= TITLE_MAX or SENTENCE_PUNCT.search(heading):
        return None
    end = m.end() + len(rest) - len(rest.lstrip())
    return Label("letter", (ord(m.group(2)) - ord("A") + 1,), m.group(2), end)


@dataclass(frozen=True)
class Label:
    """A clause number found at a line start: its family, numeric value and normalised text."""

    family: Family
    value: tuple[int, ...]
    text: str  # id as written, digits half-width, no spaces or trailing punctuation
    end: int  # offset in the line where the label (and its punctuation) ends


def annex_of_part(label: Label) -> str | None:
    """The annex a lettered part belongs to: 附件一 for 附件一A (None for any other label)."""
    letter = label.text[-1]
    if label.family != "annex" or not (letter.isascii() and letter.isalpha()):
        return None
    return label.text[:-1]


def strip_page_furniture(line: str) -> str:
    """Drop a page footer ("— 3 —") or a glued page number from the start of ``line``."""
    line = _FOOTER_RE.sub("", line)
    return _PAGE_GLUE_RE.sub("", line)


# Characters of a line a label is read from: the longest label with its spacing and the words
# that decide it (a 40-character annex heading) fit many times over. Reading a window, not the
# line, keeps parsing linear in a line's length and keeps long lines out of the cache below.
LABEL_WINDOW = 200


def parse_label(line: str) -> Label | None:
    """The numbering label ``line`` starts with, or None (quantities, dates, references).

    Only the first LABEL_WINDOW characters are read (``label_at`` reads one inside a line)."""
    return _parse_window(line[:LABEL_WINDOW], len(line) > LABEL_WINDOW)


def label_at(text: str, at: int) -> Label | None:
    """The label starting at offset ``at`` of ``text`` (its ``end`` counted from ``at``), read
    without copying the rest of ``text``."""
    return _parse_window(text[at : at + LABEL_WINDOW], len(text) - at > LABEL_WINDOW)


@lru_cache(maxsize=65536)  # the clause splitter asks about the same lines several times
def _parse_window(line: str, cut: bool) -> Label | None:
    """``parse_label`` of a line's first characters; ``cut``: the line goes on after them."""
    s = line.translate(_FW_DIGITS)
    lead = len(s) - len(s.lstrip())
    s = s[lead:]
    for family, rx in _LABEL_RES:
        m = rx.match(s)
        if m is None:
            continue
        rest = s[m.end():]
        label = _make_label(family, m, rest, cut)
        if label is None:
            return None
        end = lead + m.end()
        while end < len(line) and line[end] in " \t\u3000:：、.．︰":
            end += 1
        return Label(label.family, label.value, label.text, end)
    return None


def _make_label(family: Family, m: re.Match[str], rest: str, cut: bool) -> Label | None:
    """The label a match makes given the ``rest`` of the line after it (``cut``: the line goes
    on past ``rest``, so it ends no heading), or None when it is no label."""
    raw = re.sub(r"\s+", "", m.group(0))
    if family == "dot":
        parts = tuple(int(p) for p in re.split(r"[.．]", m.group(1)))
        if parts[0] == 0 or parts[0] > 200 or any(p == 0 for p in parts[1:]):
            return None
        if len(parts) <= 2 and _NOT_AFTER_NUMBER.match(rest.lstrip()):
            return None  # "2.5 天" is an amount; "7.1.6 天线…" (three numbers) is not
        if len(parts) == 1 and raw == m.group(1) and (cut or not _BARE_HEADING_RE.match(rest)):
            return None  # a bare number ("2024年") is not a label: "1." / "1、" needs its mark
        return Label(f"dot{len(parts)}", parts, ".".join(map(str, parts)), 0)
    if family == "dash":
        if _NOT_AFTER_NUMBER.match(rest.lstrip()):
            return None
        parts = tuple(int(p) for p in re.split(r"[-－]", m.group(1)))
        if any(p == 0 for p in parts):
            return None
        return Label(f"dash{len(parts)}", parts, "-".join(map(str, parts)), 0)
    if family == "annex" and not m.groups():
        return Label(family, (0,), "附件", 0)
    if family == "circled":
        n = _CIRCLED.index(m.group(1)) + 1
        return Label(family, (n,), m.group(1), 0)
    value = cn_to_int(m.group(1))
    if value is None or value == 0:
        return None
    if family == "annex":
        # a heading line "附件五 关于…的约定", not a sentence that mentions an annex
        if cut or len(rest) > 40 or re.search(r"[。；;，,]|附\s*件", rest):
            return None
        return Label(family, (value,), raw, 0)
    if family == "article" and _NOT_AFTER_ARTICLE.match(rest):
        return None
    if family in ("chapter", "part", "section", "article"):
        return Label(family, (value,), raw, 0)
    if family == "cn":
        return Label(family, (value,), m.group(1), 0)
    if family == "cn_paren":
        return Label(family, (value,), f"（{m.group(1)}）", 0)
    return Label(family, (value,), f"({value})", 0)  # num_paren
