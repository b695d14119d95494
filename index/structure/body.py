"""Contract text -> the lines of its body: page breaks, lost line breaks, title, front matter, 目录.

OWNER: clause tree. The contract body starts after site notices and numbered lines before the
title, and after front-matter sections (目录, 注意事项, 使用说明, 说明, 名词解释 ...) that end at
the title repeated or at the first party line; a table of contents is dropped, and a heading it
names is cut from the text run into it on the same line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from ..models import PAGE_BREAK
from ..roles import PARTY_ALT, ROLE_ALT
from .closing import drop_notes, is_annex_title, signature_starts
from .numbering import (
    CHAPTER_FAMILIES,
    ITEM_FAMILIES,
    SENTENCE_PUNCT,
    TITLE_MAX,
    Label,
    label_at,
    parse_label,
    strip_page_furniture,
)
from .parties import TITLE_RE

LONG_LINE = 120  # a line this long may have lost its line breaks
_FRONT_HEADINGS = (
    "目录", "目錄", "注意事项", "注意事項", "使用说明", "使用說明", "填写说明", "填寫說明",
    "说明", "說明", "名词解释", "名詞解釋", "专业术语解释", "專業術語解釋", "术语解释", "签约须知",
)
_PARTY_LINE_RE = re.compile(
    rf"^(?:{PARTY_ALT}|{ROLE_ALT}|立契约书人|立契約書人|立约人|立約人|立协议书人|立協議書人)"
    r"\s*[（(：:︰]"
)
# Mid-line labels worth cutting a long line at: chapters, articles, dotted numbers.
_INLINE_RE = re.compile(
    r"第\s*[零〇一二三四五六七八九十百千两\d]+\s*[章条條]|(?<![\d.．])\d{1,3}(?:[.．]\d{1,3}){1,3}"
)
# A label right after a full stop: 十一、, 第十二条, 3.2 (not a number in the next sentence).
_AFTER_STOP_RE = re.compile(
    r"(?<=[。；;！？])[ \t]*(?=[零〇一二三四五六七八九十]{1,3}、"
    r"|第\s*[零〇一二三四五六七八九十百\d]+\s*[章条條]|\d{1,3}(?:\.\d{1,3}){1,3}[ \t])"
)
_REF_BEFORE = re.compile(r"(?:第|按|依|据|據|见|見|照|及|和|与|與|或|至|、)\s*$")


@dataclass
class Line:
    """One non-empty line of the body."""

    text: str
    offset: int  # offset of the line's first character in the whole text
    soft: bool = False  # cut out of a long line: its label must continue a count exactly
    signature: bool = False  # starts the signature block (index.structure.closing)
    annex: bool = False  # titles an unnumbered annex after the signature block


def body_lines(text: str) -> list[Line]:
    """The non-empty lines of the contract body, each with its offset in ``text``; notes after
    the contract left out, the start of its signature block marked."""
    lines = explode_long_lines(split_lines(text))
    lines = lines[body_start(lines):]
    toc = _toc_span(lines)
    if toc is not None:
        lines = split_headings(lines[:toc[0]] + lines[toc[1]:], lines[toc[0]:toc[1]])
    first = next((k for k, ln in enumerate(lines) if (lab := parse_label(ln.text)) is not None
                  and lab.family not in ITEM_FAMILIES), len(lines))
    lines = [lines[k] for k in drop_notes([ln.text for ln in lines], first)]
    starts = signature_starts([ln.text for ln in lines], first)
    for k in starts:
        lines[k].signature = True
    for line in lines[min(starts, default=len(lines)):]:  # till the first numbered annex
        if (label := parse_label(line.text)) is not None and label.family == "annex":
            break
        if is_annex_title(line.text):
            line.annex = True
            line.text = re.sub(r"[\s\u3000]+", "", line.text)  # "房 屋 交 割 清 单"
    return lines


def split_lines(text: str) -> list[Line]:
    """Non-empty stripped lines with their offsets; a page break before a label splits a line."""
    out: list[Line] = []
    pos = 0
    for raw in text.split("\n"):
        pieces = raw.split(PAGE_BREAK)
        cur_text, cur_off = pieces[0], pos
        p = pos + len(pieces[0]) + 1
        for piece in pieces[1:]:
            if not cur_text.strip():  # the page before ended its last line: a fresh start
                cur_text, cur_off = piece, p
            elif _breaks_line(cur_text, strip_page_furniture(piece.strip())):
                _append_line(out, cur_text, cur_off)
                cur_text, cur_off = piece, p
            else:
                cur_text += piece
            p += len(piece) + 1
        _append_line(out, cur_text, cur_off)
        pos += len(raw) + 1
    return out


def _breaks_line(before: str, after: str) -> bool:
    """A page break ends a line when a label follows it, or a sentence or a heading precedes it
    ("第九条 逾期付款责任\f除不可抗力外"); in mid-sentence ("违\f约金") it is dropped."""
    if parse_label(after) is not None:
        return True
    before = strip_page_furniture(before.strip())
    if before.endswith(("。", "；", ";", "：", ":", "！", "？", "!", "?")):
        return True
    label = parse_label(before)
    heading = before[label.end:].strip() if label else ""
    return 0 < len(heading) <= TITLE_MAX and not SENTENCE_PUNCT.search(heading)


def _append_line(out: list[Line], text: str, offset: int) -> None:
    stripped = strip_page_furniture(text.strip())
    if stripped:
        out.append(Line(stripped, offset + max(0, text.find(stripped[:1]))))


def explode_long_lines(lines: list[Line]) -> list[Line]:
    """Cut lines that lost their line breaks at mid-line chapter / article / dotted labels, and
    any line at a label right after a full stop ("…签订。十一、补充协议")."""
    out: list[Line] = []
    for line in lines:
        text = line.text
        starts = [m.start() for m in _AFTER_STOP_RE.finditer(text)]
        if len(text) >= LONG_LINE:
            starts += [m.start() for m in _INLINE_RE.finditer(text)]
        cuts = [0]
        for at in sorted(set(starts)):
            if at == 0 or _REF_BEFORE.search(text[max(0, at - 3):at]):
                continue
            if label_at(text, at) is not None:
                cuts.append(at)
        cuts.append(len(text))
        for a, b in pairwise(cuts):
            piece = text[a:b].strip()
            if piece:
                # a label set apart by a wide blank starts an item as a line of its own would;
                # one glued to the text before must continue its count exactly
                spaced = a > 0 and text[max(0, a - 2):a] == "  "
                out.append(Line(piece, line.offset + a, soft=a > 0 and not spaced))
    return out


def _norm(line: str) -> str:
    return re.sub(r"[\s\u3000]+", "", line)


def _is_title_line(line: str) -> bool:
    return TITLE_RE.match(re.sub(r"^\d{1,3}", "", _norm(line))) is not None


def _is_front_heading(line: str) -> bool:
    s = _norm(line)
    for word in _FRONT_HEADINGS:
        if s == word or (s.endswith(word) and len(s) <= 20 and parse_label(s) is None):
            return True
    return False


def body_start(lines: list[Line]) -> int:
    """Index of the first line of the contract proper: after notices, 目录 and 使用说明."""
    first_main = next(
        (i for i, ln in enumerate(lines) if _main_label(ln.text)), len(lines)
    )
    start = 0
    title = next((i for i in range(first_main) if _is_title_line(lines[i].text)), None)
    if title is not None:
        start = title + 1
    while True:
        front = next(
            (i for i in range(start, first_main) if _is_front_heading(lines[i].text)), None
        )
        if front is None:
            return start
        end = next(
            (
                i
                for i in range(front + 1, len(lines))
                if _is_title_line(lines[i].text) or _PARTY_LINE_RE.match(_norm(lines[i].text))
            ),
            None,
        )
        if end is None:
            return start
        start = end
        first_main = max(
            first_main,
            next((i for i in range(end, len(lines)) if _main_label(lines[i].text)), len(lines)),
        )


def _main_label(line: str) -> bool:
    label = parse_label(line)
    return label is not None and label.family in ("chapter", "article", "part")


def split_headings(lines: list[Line], toc: list[Line]) -> list[Line]:
    """Lines that begin with a heading of the table of contents and go on after a blank with
    their text ("十、签订地点 本合同在 签订。", the line break lost), cut after the heading."""
    headings = {(lab.family, lab.text): _toc_heading(ln.text, lab) for ln in toc
                if (lab := parse_label(ln.text)) is not None}
    out: list[Line] = []
    for line in lines:
        label = parse_label(line.text)
        heading = headings.get((label.family, label.text)) if label else None
        rest = line.text[label.end:] if label else ""
        if (heading and rest.startswith(heading) and rest[len(heading):len(heading) + 1].isspace()
                and rest[len(heading):].strip()):
            assert label is not None
            at = label.end + len(heading)
            text = rest[len(heading):]
            out.append(Line(line.text[:at], line.offset, line.soft, line.signature, line.annex))
            out.append(Line(text.strip(), line.offset + at + len(text) - len(text.lstrip())))
        else:
            out.append(line)
    return out


def _toc_heading(line: str, label: Label) -> str:
    """The heading of a table of contents' entry, without its dot leaders and page number."""
    return re.sub(r"[.．…·\s\d]+$", "", line[label.end:].strip())


def _toc_span(lines: list[Line]) -> tuple[int, int] | None:
    """Where the table of contents is in ``lines``, or None: heading-only lines up to where
    its first heading comes again (3+ entries when they start with 第X章/部分/条, 5+ for other
    numbers; 2/3 of lines entries). A table of contents comes before the first clause with a
    paragraph of its own (a list of short items in an annex is no table of contents)."""
    first = _first_clause(lines)
    for i, line in enumerate(lines[:first]):
        label = parse_label(line.text)
        if label is None or label.family in ITEM_FAMILIES or not _is_toc_entry(line.text):
            continue
        key = (label.family, label.text)
        again = next(
            (
                k
                for k in range(i + 1, len(lines))
                if (lab := parse_label(lines[k].text)) is not None
                and (lab.family, lab.text) == key
            ),
            None,
        )
        if again is None:
            continue
        entries = sum(_is_toc_entry(ln.text) for ln in lines[i:again])
        least = 3 if label.family in CHAPTER_FAMILIES or label.family == "article" else 5
        if entries >= least and entries * 3 >= (again - i) * 2:
            return i, again
    return None


def _first_clause(lines: list[Line]) -> int:
    """Index of the first clause with text of its own: a chapter, part or article line
    followed by a line of text, or a numbered line that is a sentence itself (１．１３ “技术支持
    服务”指…), which no table of contents has."""
    for k in range(len(lines) - 1):
        label = parse_label(lines[k].text)
        if label is None or label.family in ITEM_FAMILIES:
            continue
        if not _is_toc_entry(lines[k].text):
            return k
        if (label.family in ("chapter", "part", "article", "cn")
                and parse_label(lines[k + 1].text) is None
                and not _is_toc_entry(lines[k + 1].text)):
            return k + 1
    return len(lines)


def _is_toc_entry(line: str) -> bool:
    label = parse_label(line)
    if label is None or label.family in ITEM_FAMILIES:
        return False
    body = _toc_heading(line, label)
    return len(body) <= 60 and not SENTENCE_PUNCT.search(body)

