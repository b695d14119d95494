"""PDF sources: text page by page (pdfplumber), broken lines rejoined, page furniture dropped.

Works on character geometry rather than punctuation: a line reaching the text block's right
margin continues on the next line; running headers/footers and page numbers are recognised by
their position (first/last line of a page, repeated on most pages) and their shape.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from statistics import median
from typing import Any

from .errors import EmptySourceError, UnreadableSourceError, UnsupportedFormatError
from .models import Document, Page
from .numbering import starts_with_label

MAX_PAGES = 500

# Bare page numbers: "12", "— 3 —", "- 3 -", "第 3 页", "第3页 共22页", "3/22", "Page 3 of 22".
PAGE_NUMBER_RE = re.compile(
    r"""^\s*(?:
        [—\-－–~·]*\s*\d{1,4}\s*[—\-－–~·]*
      | 第\s*\d{1,4}\s*[页頁](?:\s*[,，/]?\s*共\s*\d{1,4}\s*[页頁])?
      | \d{1,4}\s*/\s*\d{1,4}
      | (?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?
      | 共\s*\d{1,4}\s*[页頁]\s*第\s*\d{1,4}\s*[页頁]
    )\s*$""",
    re.VERBOSE | re.IGNORECASE,
)
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RE = re.compile(f"[{_CJK}]")
_LETTER_SPACED_TOKEN_RE = re.compile(rf"^[{_CJK}\u3000-\u303f\uff00-\uffef]$")
_SENTENCE_END = tuple("。！？；：!?;:")
_CID_RE = re.compile(r"\(cid:\d+\)")
_NARROW = "\u2009"  # marks a space from a gap under 0.8 glyph between CJK glyphs
_FURNITURE_ZONE = 0.12  # share of the page height at top and bottom where furniture lives


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    text_x1: float = 0.0  # right edge of the running text, before a blank and closing punctuation


def extract_pdf(path: Path) -> Document:
    """Read a PDF into one Page per page (1-based numbers), text joined into paragraphs."""
    raw_pages = _read_lines(path)
    if not any(lines for lines in raw_pages):
        raise EmptySourceError(
            str(path), f"{path.name}: scanned PDF: no text layer, OCR is not supported yet"
        )
    texts = "".join(ln.text for lines in raw_pages for ln in lines)
    if len(_CID_RE.findall(texts)) * 6 > len(texts):  # "(cid:123)" glyphs with no Unicode
        raise UnreadableSourceError(
            str(path), f"{path.name}: the PDF's fonts have no Unicode mapping: text unreadable"
        )
    furniture = _repeated_furniture(raw_pages)
    layout = _layout(raw_pages)
    pages = []
    for number, lines in enumerate(raw_pages, 1):
        body = [ln for ln in lines if not _is_furniture(ln, lines, furniture)]
        text = "\n".join(_join_lines(body, layout))
        pages.append(Page(number, text.replace("\f", "\n")))
    return Document(source=str(path), kind="pdf", pages=tuple(pages))


def _read_lines(path: Path) -> list[list[_Line]]:
    """Lines of every page with their geometry; typed errors for encrypted/corrupt/huge files."""
    import pdfplumber

    try:
        with pdfplumber.open(path) as pdf:
            if len(pdf.pages) > MAX_PAGES:
                raise UnsupportedFormatError(
                    str(path),
                    f"{path.name}: {len(pdf.pages)} pages, more than the {MAX_PAGES} we read",
                )
            return [_page_lines(page) for page in pdf.pages]
    except UnsupportedFormatError:
        raise
    except Exception as err:  # pdfminer raises many unrelated types for broken files
        if _is_password_error(err):
            reason = "encrypted PDF: it needs a password, save an unprotected copy"
        else:
            reason = "corrupt or truncated PDF"
        raise UnreadableSourceError(str(path), f"{path.name}: {reason}") from err


def _is_password_error(err: BaseException) -> bool:
    """pdfplumber wraps pdfminer's PDFPasswordIncorrect/PDFEncryptionError; look inside."""
    seen: list[object] = [err]
    while seen:
        e = seen.pop()
        text = f"{type(e).__name__} {e}".lower()
        if "password" in text or "encrypt" in text:
            return True
        if isinstance(e, BaseException):
            seen.extend(a for a in e.args if isinstance(a, BaseException))
            if e.__cause__ is not None:
                seen.append(e.__cause__)
    return False


def _page_lines(page: Any) -> list[_Line]:
    """Text lines of one page, letter-spacing undone and stray page-number digits removed."""
    raws = [
        [c for c in raw["chars"] if c.get("text")]
        for raw in page.extract_text_lines(return_chars=True, strip=True)
    ]
    kept: list[list[dict[str, Any]]] = []
    strays: list[dict[str, Any]] = []
    for chars in raws:
        body, stray = _split_stray_chars(chars)
        kept.append(body)
        strays.extend(stray)
    body_lines = []
    for chars in kept:
        if chars and all(c["text"].isdigit() for c in chars) and _overlaps_body(chars, kept):
            strays.extend(chars)  # a small digit line printed over a body line
        elif chars:
            body_lines.append(chars)
    lines = []
    for chars in body_lines:
        text = _chars_text(chars, strays)
        text = undo_letter_spacing(text).strip()
        if not text:
            continue
        lines.append(
            _Line(
                text=text,
                x0=min(c["x0"] for c in chars),
                x1=max(c["x1"] for c in chars),
                top=min(c["top"] for c in chars),
                bottom=max(c["bottom"] for c in chars),
                size=median(c["size"] for c in chars),
                text_x1=_text_right_edge(chars),
            )
        )
    return lines


def _overlaps_body(digits: list[dict[str, Any]], lines: list[list[dict[str, Any]]]) -> bool:
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


def _text_right_edge(chars: list[dict[str, Any]]) -> float:
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
            return float(glyphs[k - 1]["x1"]) if any(ch in tail for ch in "。；！？") else x1
    return x1


def _split_stray_chars(
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


def _chars_text(chars: list[dict[str, Any]], strays: Sequence[dict[str, Any]] = ()) -> str:
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
    """"注 意 事 项" -> "注意事项": a line made only of lone CJK glyphs separated by spaces.

    A text-level fallback (date blanks "年 月 日" stay); the geometric rule in ``_chars_text``
    handles letter-spacing inside longer lines.
    """
    tokens = [t for t in line.split(" ") if t]
    if len(tokens) < 2 or not all(_CJK_RE.fullmatch(t) for t in tokens):
        return line
    if set(tokens) <= set("年月日"):
        return line
    return "".join(tokens)


def _is_cjk_like(ch: str) -> bool:
    return bool(ch) and bool(_LETTER_SPACED_TOKEN_RE.match(ch))


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _repeated_furniture(pages: list[list[_Line]]) -> dict[str, float]:
    """Header/footer texts (digits masked) at a page's top or bottom on most pages -> their top."""
    if len(pages) < 3:
        return {}
    tops: dict[str, list[float]] = {}
    for lines in pages:
        for ln in {id(x): x for x in lines[:2] + lines[-2:]}.values():
            tops.setdefault(_furniture_key(ln.text), []).append(ln.top)
    need = max(3, int(0.5 * len(pages)))
    out = {}
    for key, seen in tops.items():
        if len(key) > 60 or len(seen) < need:
            continue
        where = median(seen)
        if sum(1 for t in seen if abs(t - where) <= 4) >= need:
            out[key] = where
    return out


def _is_furniture(line: _Line, lines: list[_Line], repeated: dict[str, float]) -> bool:
    """A page number or a running header/footer at the page's top or bottom."""
    edge = lines[:2] + lines[-2:]
    if not any(line is ln for ln in edge):
        return False
    page_h = max(max(ln.bottom for ln in lines), 1.0)
    in_zone = line.top < _FURNITURE_ZONE * page_h or line.bottom > (1 - _FURNITURE_ZONE) * page_h
    if PAGE_NUMBER_RE.match(line.text) and (line is lines[-1] or line is lines[0] or in_zone):
        return True
    where = repeated.get(_furniture_key(line.text))
    return where is not None and abs(line.top - where) <= 4


@dataclass(frozen=True)
class _Layout:
    """The text block: left and right margins, and whether paragraphs start indented."""

    left: float
    right: float
    indented: bool


def _layout(pages: list[list[_Line]]) -> _Layout:
    """Margins where most long lines start and end; indentation if many lines start 2 glyphs in."""
    long_lines = [ln for lines in pages for ln in lines if len(ln.text) >= 10]
    if not long_lines:
        return _Layout(0.0, 0.0, False)
    ends = sorted(ln.x1 for ln in long_lines)
    right = ends[int(0.9 * (len(ends) - 1))]
    left = float(Counter(round(ln.x0) for ln in long_lines).most_common(1)[0][0])
    indented = sum(
        1 for ln in long_lines if 1.5 * ln.size <= ln.x0 - left <= 2.5 * ln.size
    ) >= max(3, 0.05 * len(long_lines))
    return _Layout(left, right, indented)


def _join_lines(lines: list[_Line], layout: _Layout) -> list[str]:
    """Rejoin lines the layout broke: a line that reaches the right margin continues below."""
    out: list[str] = []
    prev: _Line | None = None
    for ln in lines:
        if prev is not None and out and _continues(prev, ln, layout):
            out[-1] = _glue(out[-1], ln.text)
        else:
            out.append(ln.text)
        prev = ln
    return out


def _continues(prev: _Line, line: _Line, layout: _Layout) -> bool:
    """Whether ``line`` continues the paragraph of ``prev`` (geometry first, then punctuation)."""
    if starts_with_label(line.text):
        return False
    if prev.text_x1 < layout.right - 1.5 * prev.size:  # ends well short of the margin
        return False
    if line.top - prev.bottom > 1.5 * max(prev.size, line.size):  # a blank line between
        return False
    if line.x0 > layout.left + 1.5 * line.size:  # an indented line starts a paragraph
        return False
    # Without first-line indents to mark paragraph starts, a full line ending a sentence is
    # taken as the end of its paragraph.
    return layout.indented or not prev.text.endswith(_SENTENCE_END)


def _glue(a: str, b: str) -> str:
    if a[-1:].isascii() and a[-1:].isalnum() and b[:1].isascii() and b[:1].isalnum():
        return f"{a} {b}"
    return a + b
