"""Raw contract text -> text fit for the clause splitter: spam repaired, pinyin and site text gone.

Steps, in order: spam-word repair (editable rules), pinyin annotations removed (權(quán) -> 權),
full-width digits and letters folded, lines broken by a page layout rejoined, tables drawn with
box-drawing characters turned into rows, and the hosting site's text after the contract
dropped. What comes before the title is left to ``index.structure.body``, which finds where
the contract starts. Form feeds (page breaks) are kept.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from ..models import PAGE_BREAK
from ..numerals import starts_with_label
from ..roles import PARTY_ALT
from ..text import HAN, to_halfwidth
from .rules import Rule, apply_rules, load_rules
from .sentences import continues_sentence, is_field, is_heading, starts_new_line
from .tables import BOX_START, box_tables

SITE_NOISE_FILE = Path(__file__).resolve().parent.parent / "data" / "site_noise.txt"

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
# A parenthesised pinyin syllable (with a tone mark) right after a CJK character.
_PINYIN_RE = re.compile(
    rf"(?<=[{HAN}])[(（]\s*[a-z{_TONED}]*[{_TONED}][a-z{_TONED}]*\s*[)）]"
)
_SENTENCE_END = tuple("。；;：:！!？?")
_NO_JOIN_NEXT = re.compile(
    rf"^(?:{PARTY_ALT}|合同编号|合同編號|签订|簽訂|日期|地址|电话|電話|第\s*\S{{1,4}}\s*页"
    r"|附\s*件\s*[零〇一二三四五六七八九十\d]|附\s*件\s*$)"
)
_ANNEX = re.compile(r"^附\s*件\s*[零〇一二三四五六七八九十\d]")
_BROKEN_MIN = 18  # a line this long or longer, not ending a sentence, may continue on the next
_MASKED_ID = re.compile(r"\d{2,4}\*{3,}\d{2,4}")
# A listed document of the hosting site: "- 某某制度.docx VIP".
_FILE_ENTRY = re.compile(r"\.(?:docx?|pdf|pptx?|xlsx?|txt|wps)\s*(?:VIP)?\s*$", re.IGNORECASE)
_BULLET = re.compile(r"^[-•·*]\s")
# A web page's footer after a contract copied from it: its copyright line ("© 2020 溫度部落",
# "Copyright © …") and the page's navigation links ("Next", "上一篇"), each a line of its own.
_WEB_FOOTER = re.compile(
    r"^(?:©|copyright\s*(?:©|\(c\)|\d{4}))"
    r"|^(?:next|prev|previous|上一[页頁篇]|下一[页頁篇]|返回[顶頂]部)$",
    re.IGNORECASE,
)


@lru_cache(maxsize=1)
def _site_markers() -> tuple[str, ...]:
    """Generic markers of a document site's page furniture (comments, ratings, related lists)."""
    lines = SITE_NOISE_FILE.read_text(encoding="utf-8").splitlines()
    return tuple(s.strip() for s in lines if s.strip() and not s.startswith("#"))


def clean_text(text: str, rules: Sequence[Rule] | None = None, *, join_lines: bool = True) -> str:
    """Return ``text`` cleaned for parsing; every form feed of the input is still there.

    ``join_lines`` rejoins layout-broken lines; PDF and DOCX extraction already did that with
    geometry and paragraphs, so it is for plain-text sources.
    """
    text = apply_rules(text, load_rules() if rules is None else rules)
    text = remove_pinyin(text)
    text = to_halfwidth(text).replace("\r\n", "\n").replace("\r", "\n")
    if join_lines:
        text = join_broken_lines(text)
    return drop_site_tail(box_tables(text))  # tables drawn with ┌─┐ become rows


def remove_pinyin(text: str) -> str:
    """Drop pinyin annotations after characters: 權(quán) -> 權; real brackets stay."""
    return _PINYIN_RE.sub("", text)


_NOISE_MAX = 300  # characters: a longer line is contract text (one that lost its breaks)


def _is_noise_line(line: str) -> bool:
    stripped = line.strip()
    if not stripped or len(stripped) > _NOISE_MAX:
        return False
    if _MASKED_ID.search(stripped) or _FILE_ENTRY.search(stripped) or _WEB_FOOTER.match(stripped):
        return True
    return any(stripped.startswith(m) or (len(stripped) < 40 and m in stripped)
               for m in _site_markers())


def drop_site_tail(text: str) -> str:
    """Cut the site's text after the contract: from the first site-furniture line in the last
    part of the document on, keeping the form feeds that were in it."""
    lines = text.split("\n")
    numbered = [i for i, line in enumerate(lines) if starts_with_label(line)]
    if numbered:
        start = numbered[len(numbered) // 2]  # only look past the middle of the numbered body
    else:  # a body that lost its line breaks: the longest line is the contract
        start = max(range(len(lines)), key=lambda i: len(lines[i]))
    for i in range(start, len(lines)):
        if _is_noise_line(lines[i]):
            tail = "\n".join(lines[i:])
            return "\n".join(lines[:i]) + PAGE_BREAK * tail.count(PAGE_BREAK)
    return text


def _may_continue(line: str) -> bool:
    stripped = line.strip()
    return (
        len(stripped) >= _BROKEN_MIN
        and stripped[:1] not in BOX_START
        and not stripped.endswith(_SENTENCE_END)
        and not is_field(stripped)
        and not ((starts_with_label(stripped) or _ANNEX.match(stripped)) and is_heading(stripped))
        and not _BULLET.match(stripped)
        and PAGE_BREAK not in line
    )


def _looks_like_heading(line: str) -> bool:
    """A short line without any punctuation is a title or heading, not a continuation."""
    return len(line) < 30 and not re.search(r"[。，,；;：:、！!？?）)]", line)


def join_broken_lines(text: str) -> str:
    """Rejoin a paragraph broken by a page layout (also across blank lines), never before a
    clause label, a party or signature line, a form field or table row, and never across a
    page break; and a sentence left open at a line's end (``continues_sentence``)."""
    out: list[str] = []
    pending_blank = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped:
            pending_blank += 1
            continue
        if out and PAGE_BREAK not in line + out[-1] and stripped[:1] not in BOX_START and (
            (
                _may_continue(out[-1])
                and not starts_with_label(stripped)
                and not _NO_JOIN_NEXT.match(stripped)
                and not _looks_like_heading(stripped)
                and not _BULLET.match(stripped)
                and not starts_new_line(out[-1], stripped)
            )
            or (pending_blank == 0 and continues_sentence(out[-1], stripped))
        ):
            sep = " " if re.search(r"[A-Za-z0-9]$", out[-1]) and stripped[0].isascii() else ""
            out[-1] = out[-1].rstrip() + sep + stripped
        else:
            out.extend([""] * min(pending_blank, 1))
            out.append(line.rstrip())
        pending_blank = 0
    return "\n".join(out)
