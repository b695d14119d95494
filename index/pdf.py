"""PDF sources: text page by page (pdfplumber), broken lines rejoined, page furniture dropped.

Works on character geometry rather than punctuation: a line reaching the text block's right
margin continues on the next line; running headers/footers and page numbers are recognised by
their position (first/last line of a page, repeated on most pages) and their shape.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
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
_FURNITURE_ZONE = 0.12  # share of the page height at top and bottom where furniture lives


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


def extract_pdf(path: Path) -> Document:
    """Read a PDF into one Page per page (1-based numbers), text joined into paragraphs."""
    raw_pages = _read_lines(path)
    if not any(lines for lines in raw_pages):
        raise EmptySourceError(
            str(path), f"{path.name}: scanned PDF: no text layer, OCR is not supported yet"
        )
    furniture = _repeated_furniture(raw_pages)
    right = _doc_right_margin(raw_pages)
    left = _doc_left_margin(raw_pages)
    pages = []
    for number, lines in enumerate(raw_pages, 1):
        body = [ln for ln in lines if not _is_furniture(ln, lines, furniture)]
        text = "\n".join(_join_lines(body, left, right))
        pages.append(Page(number, text.replace("\f", "\n")))
    return Document(source=str(path), kind="pdf", pages=tuple(pages))


def _read_lines(path: Path) -> list[list[_Line]]:
    """Lines of every page with their geometry; typed errors for encrypted/corrupt/huge files."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    name = path.name
    try:
        pdf = pdfplumber.open(path)
    except PDFPasswordIncorrect as err:
        raise UnreadableSourceError(
            str(path), f"{name}: encrypted PDF: it needs a password, save an unprotected copy"
        ) from err
    except Exception as err:  # pdfminer raises many unrelated types for broken files
        if _is_password_error(err):
            raise UnreadableSourceError(
                str(path), f"{name}: encrypted PDF: it needs a password, save an unprotected copy"
            ) from err
        raise UnreadableSourceError(str(path), f"{name}: corrupt or truncated PDF") from err
    try:
        with pdf:
            if len(pdf.pages) > MAX_PAGES:
                raise UnsupportedFormatError(
                    str(path), f"{name}: {len(pdf.pages)} pages, more than the {MAX_PAGES} we read"
                )
            return [_page_lines(page) for page in pdf.pages]
    except UnsupportedFormatError:
        raise
    except Exception as err:
        if _is_password_error(err):
            raise UnreadableSourceError(
                str(path), f"{name}: encrypted PDF: it needs a password, save an unprotected copy"
            ) from err
        raise UnreadableSourceError(str(path), f"{name}: corrupt or truncated PDF") from err


def _is_password_error(err: BaseException) -> bool:
    text = f"{type(err).__name__} {err}".lower()
    return "password" in text or "encrypt" in text


def _page_lines(page: Any) -> list[_Line]:
    """Text lines of one page, letter-spacing undone and off-line stray glyphs removed."""
    lines = []
    for raw in page.extract_text_lines(return_chars=True, strip=True):
        chars = [c for c in raw["chars"] if c.get("text")]
        chars = _drop_stray_chars(chars)
        if not chars:
            continue
        text = _chars_text(chars)
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
            )
        )
    return lines


def _drop_stray_chars(chars: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop digits merged into a body line that sit off its baseline or use another font size.

    A page number printed in the margin can be clustered into the nearest text line and end
    up inside a word ("违9约金"); its size or vertical position betrays it.
    """
    if len(chars) < 4:
        return chars
    size = median(c["size"] for c in chars)
    base = median(c["bottom"] for c in chars)
    kept = []
    for c in chars:
        stray = c["text"].isdigit() and (
            abs(c["size"] - size) > 0.15 * size or abs(c["bottom"] - base) > 0.6 * size
        )
        if not stray:
            kept.append(c)
    return kept


def _chars_text(chars: list[dict[str, Any]]) -> str:
    """Characters left to right, with a space where the gap is wider than a third of a glyph."""
    chars = sorted(chars, key=lambda c: c["x0"])
    out: list[str] = []
    prev: dict[str, Any] | None = None
    for c in chars:
        if prev is not None and c["text"] != " " and out and out[-1] != " ":
            gap = c["x0"] - prev["x1"]
            if gap > 0.3 * max(c["size"], 1.0):
                out.append(" ")
        out.append(c["text"])
        prev = c
    return re.sub(r"\s+", " ", "".join(out))


def undo_letter_spacing(line: str) -> str:
    """"（ 一 ） 甲 方 出 租" -> "（一）甲方出租": drop spaces that letter-space CJK glyphs.

    A space goes when both neighbours are CJK (or full-width punctuation) and one side is a
    lone glyph between spaces, or when most of the line's tokens are lone glyphs.
    """
    tokens = line.split(" ")
    if len(tokens) < 2:
        return line
    lone = [bool(_LETTER_SPACED_TOKEN_RE.match(t)) for t in tokens]
    spaced_line = len(tokens) >= 3 and sum(lone) / len(tokens) >= 0.6
    out = tokens[0]
    for i in range(1, len(tokens)):
        tok = tokens[i]
        if not tok:
            continue
        both_cjk = _is_cjk_like(out[-1:]) and _is_cjk_like(tok[:1])
        if both_cjk and (spaced_line or lone[i] or (lone[i - 1] and len(tokens) >= 2)):
            out += tok
        else:
            out += " " + tok
    return out


def _is_cjk_like(ch: str) -> bool:
    return bool(ch) and bool(_LETTER_SPACED_TOKEN_RE.match(ch))


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _repeated_furniture(pages: list[list[_Line]]) -> set[str]:
    """Header/footer texts (digits masked) seen at a page's top or bottom on most pages."""
    if len(pages) < 3:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        edge = {_furniture_key(ln.text) for ln in lines[:2] + lines[-2:]}
        counts.update(edge)
    need = max(3, int(0.5 * len(pages)))
    return {key for key, n in counts.items() if n >= need and len(key) <= 60}


def _is_furniture(line: _Line, lines: list[_Line], repeated: set[str]) -> bool:
    """A page number or a running header/footer in the page's top or bottom zone."""
    is_edge = line is lines[0] or line is lines[-1] or line in lines[:2] or line in lines[-2:]
    if not is_edge:
        return False
    height = max(ln.bottom for ln in lines) if lines else 0.0
    page_h = max(height, 1.0)
    in_zone = line.top < _FURNITURE_ZONE * page_h or line.bottom > (1 - _FURNITURE_ZONE) * page_h
    if PAGE_NUMBER_RE.match(line.text) and (line is lines[-1] or line is lines[0] or in_zone):
        return True
    return _furniture_key(line.text) in repeated


def _doc_right_margin(pages: list[list[_Line]]) -> float:
    """Right edge of the text block: where most full lines end."""
    ends = sorted(ln.x1 for lines in pages for ln in lines if len(ln.text) >= 10)
    if not ends:
        return 0.0
    return ends[int(0.9 * (len(ends) - 1))]


def _doc_left_margin(pages: list[list[_Line]]) -> float:
    starts = [round(ln.x0) for lines in pages for ln in lines if len(ln.text) >= 10]
    if not starts:
        return 0.0
    return float(Counter(starts).most_common(1)[0][0])


def _join_lines(lines: list[_Line], left: float, right: float) -> list[str]:
    """Rejoin lines the layout broke: a line that reaches the right margin continues below."""
    out: list[str] = []
    prev: _Line | None = None
    for ln in lines:
        if prev is not None and out and _continues(prev, ln, left, right):
            out[-1] = _glue(out[-1], ln.text)
        else:
            out.append(ln.text)
        prev = ln
    return out


def _continues(prev: _Line, line: _Line, left: float, right: float) -> bool:
    if starts_with_label(line.text):
        return False
    if prev.x1 < right - 1.5 * prev.size:  # ends well short of the margin: paragraph end
        return False
    if prev.text.endswith(_SENTENCE_END):
        return False
    if line.top - prev.bottom > 1.5 * max(prev.size, line.size):  # a blank line between
        return False
    return not line.x0 > left + 1.5 * line.size  # an indented line starts a paragraph


def _glue(a: str, b: str) -> str:
    if a[-1:].isascii() and a[-1:].isalnum() and b[:1].isascii() and b[:1].isalnum():
        return f"{a} {b}"
    return a + b
