"""Glyphs of one PDF text line -> its text: spacing from glyph gaps, letter-spacing undone,
stray page-number digits dropped. Used by ``index.ingest.pdf``; ``undo_letter_spacing`` also
by DOCX.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise
from statistics import median
from typing import Any

from ..text import HAN, HAN_COMPAT

_CJK = HAN + HAN_COMPAT
_CJK_RE = re.compile(f"[{_CJK}]")
_LETTER_SPACED_TOKEN_RE = re.compile(rf"^[{_CJK}\u3000-\u303f\uff00-\uffef]$")
_COLONS = ("：", ":")
_CALLED = re.compile(r"[（(][^（()）]{1,8}[）)](?=[：:]?$)")  # "方（甲方）：" -> "方："
_NARROW = "\u2009"  # marks a space from a gap under 0.8 glyph between CJK glyphs


def overlaps_body(digits: list[dict[str, Any]], lines: list[list[dict[str, Any]]]) -> bool:
    """Digits smaller than, and vertically within, a body line that spans them horizontally."""
    top = min(c["top"] for c in digits)
    bottom = max(c["bottom"] for c in digits)
    size = max(c["size"] for c in digits)
    for other in lines:
        if other is digits or len(other) < 4:
            continue
        osize = median(c["size"] for c in other)
        if size > 0.85 * osize:
            continue
        otop = min(c["top"] for c in other)
        obottom = max(c["bottom"] for c in other)
        inside = min(c["x0"] for c in other) < digits[0]["x0"] < max(c["x1"] for c in other)
        if inside and top < obottom + 0.3 * osize and bottom > otop - 0.3 * osize:
            return True
    return False


def text_right_edge(chars: list[dict[str, Any]]) -> float:
    """Right edge of the text proper: "职责为　　　　。" ends at "为", not at the lone "。"."""
    glyphs = sorted((c for c in chars if not c["text"].isspace()), key=lambda c: c["x0"])
    if not glyphs:
        return 0.0
    x1 = float(glyphs[-1]["x1"])
    for k in range(len(glyphs) - 1, max(0, len(glyphs) - 4), -1):
        if glyphs[k]["text"].isalnum() or _CJK_RE.match(glyphs[k]["text"]):
            break
        tail = "".join(g["text"] for g in glyphs[k:])
        if glyphs[k]["x0"] - glyphs[k - 1]["x1"] > glyphs[k]["size"]:
            # a blank then a sentence end or closing bracket: a form field, not running text
            ends = any(ch in "。；！？：）)」】" for ch in tail)
            return float(glyphs[k - 1]["x1"]) if ends else x1
    return x1


def split_stray_chars(
    chars: list[dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Split off digits merged into a body line that sit off its baseline or use another size.

    A page number printed in the margin can be clustered into the nearest text line and end
    up inside a word ("违9约金"); its size or vertical position betrays it.
    """
    if len(chars) < 4:
        return chars, []
    size = median(c["size"] for c in chars)
    base = median(c["bottom"] for c in chars)
    kept: list[dict[str, Any]] = []
    stray: list[dict[str, Any]] = []
    for c in chars:
        off = c["text"].isdigit() and (
            abs(c["size"] - size) > 0.15 * size or abs(c["bottom"] - base) > 0.6 * size
        )
        (stray if off else kept).append(c)
    return kept, stray


def chars_text(chars: list[dict[str, Any]], strays: Sequence[dict[str, Any]] = ()) -> str:
    """Characters left to right; spaces decided by the gaps between glyphs, not by space chars.

    A gap wider than a sixth of a glyph (half a glyph next to punctuation) is a space, except
    letter-spacing: a run of similar gaps (under 0.8 glyph) between CJK glyphs ("甲 方 出 租").
    """
    glyphs = sorted((c for c in chars if not c["text"].isspace()), key=lambda c: c["x0"])
    if not glyphs:
        return ""
    gaps: list[float | None] = []  # gap / size before glyph i+1, None unless between CJK
    spaced: list[bool] = []
    for a, b in pairwise(glyphs):
        gap = b["x0"] - a["x1"]
        gap -= sum(  # room left by a dropped stray digit is not a space
            h["x1"] - h["x0"]
            for h in strays
            if h["x0"] >= a["x1"] - 0.5 and h["x1"] <= b["x0"] + 0.5 and _same_row(h, a)
        )
        size = max(a["size"], b["size"], 1.0)
        punct = not (_word_char(a["text"][-1:]) and _word_char(b["text"][:1]))
        spaced.append(gap > max((0.5 if punct else 0.15) * size, 1.0))
        cjk_pair = _is_cjk_like(a["text"][-1:]) and _is_cjk_like(b["text"][:1])
        gaps.append(gap / size if cjk_pair and gap < 0.8 * size else None)
    out = [glyphs[0]["text"]]
    for i, glyph in enumerate(glyphs[1:]):
        if spaced[i] and not _letter_spacing(gaps, i):
            out.append(_NARROW if gaps[i] is not None else " ")
        out.append(glyph["text"])
    return _merge_lone_glyphs("".join(out))


def _merge_lone_glyphs(text: str) -> str:
    """"（现 售）" -> "（现售）": a narrow gap between two lone ideographs is letter-spacing.

    Narrow gaps (marked ``_NARROW``) become spaces elsewhere; date blanks "年 月 日" stay.
    """
    if _NARROW not in text:
        return text
    parts = re.split(f"([ {_NARROW}])", text)
    out = parts[0]
    for k in range(1, len(parts) - 1, 2):
        sep, left, right = parts[k], parts[k - 1], parts[k + 1]
        lone = _lone_ideograph(left) and _lone_ideograph(right)
        out += "" if sep == _NARROW and lone else " "
        out += right
    return out


def _lone_ideograph(token: str) -> bool:
    """A token of one ideograph (not a date blank word) with at most brackets around it."""
    core = token.strip("（）()【】〔〕「」《》“”")
    return len(core) == 1 and bool(_CJK_RE.match(core)) and core not in "年月日"


def _same_row(a: dict[str, Any], b: dict[str, Any]) -> bool:
    slack = 0.5 * b["size"]
    return bool(a["top"] < b["bottom"] + slack and a["bottom"] > b["top"] - slack)


def _word_char(ch: str) -> bool:
    return ch.isalnum() or bool(_CJK_RE.match(ch))


def _letter_spacing(gaps: list[float | None], i: int) -> bool:
    """Gap ``i`` is one of a run of similar CJK-to-CJK gaps."""
    g = gaps[i]
    if g is None:
        return False
    for j in (i - 1, i + 1):
        if 0 <= j < len(gaps):
            h = gaps[j]
            if h is not None and abs(h - g) <= 0.2 and h > 0.1:
                return True
    return False


def undo_letter_spacing(line: str) -> str:
    """"注 意 事 项" -> "注意事项", "出 租 方：" -> "出租方：": a line made only of lone CJK
    glyphs (each with at most brackets or a colon) separated by spaces; the last glyph of a field
    may carry the party it is for and its colon may stand apart: "出 租 方（甲方）：   承 租 方
    （乙方）：" -> "出租方（甲方）： 承租方（乙方）：", "身 份 证 号 码 ：" -> "身份证号码：".

    A text-level fallback (date blanks "年 月 日" stay); the geometric rule in ``chars_text``
    handles letter-spacing inside longer lines.
    """
    tokens: list[str] = []
    for t in line.strip().split(" "):
        if t in _COLONS and tokens:
            tokens[-1] += t  # "身 份 证 号 码 ：": the colon spaced off too
        elif t:
            tokens.append(t)
    if len(tokens) < 2:
        return line
    # a glyph may carry the party its field is for: "出 租 方（甲方）："
    cores = [_CALLED.sub("", t).strip("（）()【】「」《》“”：:") for t in tokens]
    if not all(len(c) == 1 and _CJK_RE.match(c) for c in cores):
        return line
    out = tokens[0]
    for i in range(1, len(tokens)):
        field_end = tokens[i - 1].endswith(_COLONS)  # "地 址： 地 址：" holds two fields
        date_blank = cores[i - 1] in "年月日" and cores[i] in "年月日"
        out += (" " if field_end or date_blank else "") + tokens[i]
    return line if out == " ".join(tokens) else out  # nothing merged: keep the line as it was


def _is_cjk_like(ch: str) -> bool:
    return bool(ch) and bool(_LETTER_SPACED_TOKEN_RE.match(ch))
