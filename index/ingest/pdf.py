"""PDF sources: text page by page (pdfplumber), broken lines rejoined, page furniture dropped.

Works on character geometry rather than punctuation: a line reaching the text block's right
margin continues on the next line; running headers/footers and page numbers are recognised by
their position (first/last line of a page, repeated on most pages) and their shape.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path
from statistics import median
from typing import Any

from ..errors import EmptySourceError, UnreadableSourceError, UnsupportedFormatError
from ..limits import MAX_PAGES
from ..models import Document, Page
from .layout import TextLine, aligned, page_layout, page_texts
from .ocr import MAX_SIDE, OCR_DPI
from .pdf_glyphs import (
    chars_text,
    overlaps_body,
    split_stray_chars,
    text_right_edge,
    undo_letter_spacing,
)
from .scans import OcrOptions, read_scans
from .symbols import symbols_in_pdf_chars
from .tables import PAGE_FOOT, TableReader, merged_label

# Bare page numbers: "12", "— 3 —", "- 3 -", "第 3 页", "第3页 共22页", "3/22", "Page 3 of 22";
# OCR reads a dash as 一 at times ("-3一").
PAGE_NUMBER_RE = re.compile(
    r"""^\s*(?:
        [—\-－–~·一]*\s*\d{1,4}\s*[—\-－–~·一]*
      | 第\s*\d{1,4}\s*[页頁](?:\s*[,，/]?\s*共\s*\d{1,4}\s*[页頁])?
      | \d{1,4}\s*/\s*\d{1,4}
      | (?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?
      | 共\s*\d{1,4}\s*[页頁]\s*第\s*\d{1,4}\s*[页頁]
    )\s*$""",
    re.VERBOSE | re.IGNORECASE,
)
_CID_RE = re.compile(r"\(cid:\d+\)")
_FURNITURE_ZONE = 0.12  # share of the page height at top and bottom where furniture lives
_SCAN_MAX_CHARS = 20  # a page with fewer characters of text over an image is a scan
_SCAN_MIN_IMAGE_SHARE = 0.25  # of the page area covered by images
# A page mostly covered by an image, with a line or two of text stamped on it (an e-signing
# service's envelope id, a file number), is a scan too: a typed page has far more text.
_STAMPED_MAX_CHARS = 200
_STAMPED_MIN_IMAGE_SHARE = 0.6


def extract_pdf(path: Path, ocr: OcrOptions | None = None) -> Document:
    """Read a PDF into one Page per page (1-based numbers), text joined into paragraphs.

    A page without a text layer but with an image on it (a scan) is read by OCR, also inside a
    PDF whose other pages have text; its lines then go through the same joining as text lines.
    """
    raw_pages, scanned = _read_lines(path)
    notes = []
    results = read_scans(path, [(n, _renderer(path, n)) for n in scanned], ocr or OcrOptions())
    scanned_tables = TableReader()  # a scanned table's header carries over to its next page
    for number, result in sorted(results.items()):
        raw_pages[number - 1] = result.text_lines(72 / OCR_DPI, scanned_tables)
        if result.low_confidence:
            notes.append(f"page {number} read with low confidence")
    if not any(lines for lines in raw_pages):
        reason = "scanned PDF: OCR found no text" if scanned else "the PDF holds no text"
        raise EmptySourceError(str(path), reason)
    all_text = "".join(ln.text for lines in raw_pages for ln in lines)
    if len(_CID_RE.findall(all_text)) * 6 > len(all_text):  # "(cid:123)" glyphs with no Unicode
        raise UnreadableSourceError(
            str(path), "the PDF's fonts have no Unicode mapping: text unreadable"
        )
    # each scanned page was imaged on its own (shifted by a scanner, framed anew in a photo)
    for number, lines in zip(results, aligned([raw_pages[n - 1] for n in results]), strict=True):
        raw_pages[number - 1] = lines
    furniture = _repeated_furniture(raw_pages)
    # scans and text pages have margins of their own
    layouts = {
        kind: page_layout([p for n, p in enumerate(raw_pages, 1) if (n in results) == kind])
        for kind in (False, True)
    }
    bodies = [[ln for ln in lines if not _is_furniture(ln, lines, furniture)]
              for lines in raw_pages]
    texts = page_texts(bodies, [layouts[n in results] for n in range(1, len(bodies) + 1)])
    pages = tuple(Page(n, text.replace("\f", "\n")) for n, text in enumerate(texts, 1))
    return Document(source=str(path), kind="pdf", pages=pages, notes=tuple(notes))


def _read_lines(path: Path) -> tuple[list[list[TextLine]], list[int]]:
    """Lines of every page with their geometry, and the numbers of the pages that are scans
    (no text layer, an image or drawing instead); typed errors for encrypted/corrupt/huge
    files."""
    import pdfplumber

    # pdfminer logs every repaired xref or odd font as a warning; a broken file is reported
    # once, as our own error.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        with pdfplumber.open(path) as pdf:
            if len(pdf.pages) > MAX_PAGES:
                raise UnsupportedFormatError(
                    str(path),
                    f"{len(pdf.pages)} pages, more than the {MAX_PAGES} we read",
                )
            reader = TableReader()  # a table's header carries over to its next page
            pages = [_page_lines_and_tables(page, reader) for page in pdf.pages]
            scanned = [n for n, (page, lines) in enumerate(zip(pdf.pages, pages, strict=True), 1)
                       if _is_scan(page, lines)]
            return pages, scanned
    except UnsupportedFormatError:
        raise
    except Exception as err:  # pdfminer raises many unrelated types for broken files
        if _is_password_error(err):
            reason = "encrypted PDF: it needs a password, save an unprotected copy"
        else:
            reason = "corrupt or truncated PDF"
        raise UnreadableSourceError(str(path), reason) from err


def _is_scan(page: Any, lines: list[TextLine]) -> bool:
    """A scanned page: next to no text (a page number at most) over images that cover much of
    it, a line or two of text (a signing service's stamp) over an image that covers most of
    it, or no text at all but something drawn (text drawn as outlines). A blank page, or a
    cover page with a few words of text, is not read by OCR."""
    chars = sum(len(ln.text) for ln in lines)
    if chars >= _STAMPED_MAX_CHARS:
        return False
    if chars == 0 and (page.curves or page.rects or page.lines):
        return True
    area = float(page.width * page.height) or 1.0
    covered = 0.0
    for im in page.images:
        w = min(float(im["x1"]), float(page.width)) - max(float(im["x0"]), 0.0)
        h = min(float(im["bottom"]), float(page.height)) - max(float(im["top"]), 0.0)
        covered += max(w, 0.0) * max(h, 0.0)
    share = covered / area
    if chars >= _SCAN_MAX_CHARS:
        return share >= _STAMPED_MIN_IMAGE_SHARE
    return share >= _SCAN_MIN_IMAGE_SHARE


def _renderer(path: Path, number: int) -> Callable[[], Any]:
    """A function rendering page ``number`` for OCR (at OCR_DPI, the long side capped)."""
    def render() -> Any:
        import pypdfium2 as pdfium

        doc = pdfium.PdfDocument(str(path))
        try:
            page = doc[number - 1]
            scale = min(OCR_DPI / 72, MAX_SIDE / max(page.get_width(), page.get_height(), 1.0))
            return page.render(scale=scale).to_pil()
        finally:
            doc.close()

    return render


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


def _page_lines_and_tables(page: Any, reader: TableReader) -> list[TextLine]:
    """The page's text lines, with each ruled table (pdfplumber's finder: two columns and
    two rows at least) replaced by its rows, ``列名：值；列名：值``, where it stands."""
    symbols_in_pdf_chars(page.chars)
    tables = [t for t in page.find_tables()
              if len(t.rows) >= 2 and max(len(r.cells) for r in t.rows) >= 2]
    if not tables:
        return _page_lines(page)
    rest = page
    for table in tables:
        rest = rest.outside_bbox(table.bbox)
    lines = _page_lines(rest)
    size = median([ln.size for ln in lines]) if lines else 10.0
    for table in tables:
        x0, top, x1, bottom = table.bbox
        done = reader.read(_merged_down(table), goes_on=bottom >= PAGE_FOOT * page.height)
        for k, text in enumerate(done):
            at = top + k * 0.01  # in order, above any line below the table's top
            lines.append(TextLine(text, x0, x1, at, at + size, size, x1, fixed=True))
    return sorted(lines, key=lambda ln: ln.top)


def _merged_down(table: Any) -> list[list[str | None]]:
    """The rows of a pdfplumber table, each cell merged down from a row above filled in (in a
    row with a value of its own): with its text when it is a label (``merged_label``), else
    empty. pdfplumber gives None there, as for a cell merged from the left, which stays None."""
    rows = [list(row) for row in table.extract()]
    boxes = [row.cells for row in table.rows]
    for r in range(1, len(rows)):
        tops = [box[1] for box in boxes[r] if box is not None]
        own = any(rows[r])
        for c in range(len(rows[r])):
            above = next((k for k in range(r - 1, -1, -1)
                          if c < len(boxes[k]) and boxes[k][c] is not None), None)
            if rows[r][c] is None and tops and above is not None and \
                    boxes[above][c][3] > min(tops) + 1:
                label = merged_label(rows[above][c]) if own else None
                rows[r][c] = label or ""
    return rows


def _page_lines(page: Any) -> list[TextLine]:
    """Text lines of one page, letter-spacing undone and stray page-number digits removed."""
    raws = [
        [c for c in raw["chars"] if c.get("text")]
        for raw in page.extract_text_lines(return_chars=True, strip=True)
    ]
    kept: list[list[dict[str, Any]]] = []
    strays: list[dict[str, Any]] = []
    for chars in raws:
        body, stray = split_stray_chars(chars)
        kept.append(body)
        strays.extend(stray)
    body_lines = []
    for chars in kept:
        if chars and all(c["text"].isdigit() for c in chars) and overlaps_body(chars, kept):
            strays.extend(chars)  # a small digit line printed over a body line
        elif chars:
            body_lines.append(chars)
    lines = []
    for chars in body_lines:
        text = chars_text(chars, strays)
        text = undo_letter_spacing(text).strip()
        if not text:
            continue
        lines.append(
            TextLine(
                text=text,
                x0=min(c["x0"] for c in chars),
                x1=max(c["x1"] for c in chars),
                top=min(c["top"] for c in chars),
                bottom=max(c["bottom"] for c in chars),
                size=median(c["size"] for c in chars),
                text_x1=text_right_edge(chars),
            )
        )
    return lines


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _repeated_furniture(pages: list[list[TextLine]]) -> dict[str, float]:
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


def _is_furniture(line: TextLine, lines: list[TextLine], repeated: dict[str, float]) -> bool:
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
