"""DOCX sources: body paragraphs and tables in document order, Word automatic numbering rendered.

Many contracts carry their clause numbers (1.1, 第X条) only as Word list numbering, absent from
the paragraph text; we render each numbered paragraph's label back in front of its text.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..errors import EmptySourceError, UnreadableSourceError
from ..models import Document, Page
from .docx_numbering import NumberingRenderer
from .docx_pictures import shown_pictures
from .image import is_page_picture, picture_frames, read_pictures
from .pdf_glyphs import undo_letter_spacing
from .scans import OcrOptions
from .sentences import continues_sentence
from .symbols import has_private_symbols, symbol_char, symbol_text
from .tables import TableReader, merged_label

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_DOCUMENT_XML = 100 * 1024 * 1024  # declared uncompressed size of word/document.xml
MAX_TOTAL_UNCOMPRESSED = 300 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed for any large member
_RATIO_MIN_SIZE = 5 * 1024 * 1024


def extract_docx(path: Path, ocr: OcrOptions | None = None) -> Document:
    """Read a .docx: paragraphs and table rows, one per line, in one Page (number None). The
    pictures of pages pasted into it (scans, ``docx_pictures``) are read by OCR where they
    stand, a Page each, numbered from 1 in document order; the text between them is a Page
    (number None) of its own."""
    check_zip_safety(path)
    try:
        import docx

        document = docx.Document(str(path))
        renderer = NumberingRenderer.from_document(document)
        parts = _text_and_pictures(_body_blocks(document.element.body, renderer, document.part))
    except (UnreadableSourceError, EmptySourceError):
        raise
    except Exception as err:  # python-docx/lxml/zipfile raise many types for broken packages
        raise UnreadableSourceError(str(path), "not a valid DOCX file") from err
    pictures = [part for part in parts if isinstance(part, bytes)]
    if not pictures:
        if not parts:
            raise EmptySourceError(str(path), "the document holds no text")
        return Document(source=str(path), kind="docx", pages=(Page(None, "\n".join(
            part for part in parts if isinstance(part, str))),))
    scans, notes = read_pictures(path, picture_frames(pictures), ocr or OcrOptions())
    read = iter(scans)
    pages = [Page(None, part) if isinstance(part, str) else next(read) for part in parts]
    pages = [page for page in pages if page.text.strip()]
    if not pages:
        raise EmptySourceError(str(path), "the document holds no text (OCR found none in its "
                                          "pictures)")
    return Document(source=str(path), kind="docx", pages=tuple(pages), notes=notes)


Block = tuple[str, bool] | bytes  # a line and whether it is a paragraph's, or a page's picture


def _body_blocks(body: Any, renderer: NumberingRenderer, part: Any) -> Iterator[Block]:
    """The body's lines (``_block_lines``) with the pictures of pages among them: after the
    paragraph or the table that holds them."""
    for child in _content(body):
        yield from _child_lines(child, renderer)
        yield from (blob for blob in shown_pictures(child, part) if is_page_picture(blob))


def _text_and_pictures(blocks: Iterable[Block]) -> list[str | bytes]:
    """The document as runs of text (its lines joined) between the pictures of pages."""
    parts: list[str | bytes] = []
    run: list[tuple[str, bool]] = []
    for block in [*blocks, b""]:
        if isinstance(block, bytes):
            lines = _join_sentences(run)
            text = "\n".join(line for line in lines if line.strip()).replace("\f", "\n")
            parts.extend(p for p in (text, block) if p and (isinstance(p, bytes) or p.strip()))
            run = []
        else:
            run.append(block)
    return parts


def check_zip_safety(path: Path) -> None:
    """Refuse a DOCX whose members would inflate absurdly (zip bomb), before inflating anything."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as err:
        raise UnreadableSourceError(str(path), "not a valid DOCX file") from err
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(1, info.compress_size)
        too_big = info.filename == "word/document.xml" and info.file_size > MAX_DOCUMENT_XML
        if too_big or total > MAX_TOTAL_UNCOMPRESSED or (
            info.file_size > _RATIO_MIN_SIZE and ratio > MAX_RATIO
        ):
            raise UnreadableSourceError(
                str(path),
                "refused: the DOCX would inflate to an absurd size (zip bomb?)",
            )
    if "word/document.xml" not in {i.filename for i in infos}:
        raise UnreadableSourceError(str(path), "not a valid DOCX file")


def _join_sentences(blocks: Iterable[tuple[str, bool]]) -> list[str]:
    """Lines of the document: a paragraph that goes on with a sentence the one before left
    open is joined to it (a paragraph split in mid-sentence: "任何一方合" / "同当事人…")."""
    out: list[str] = []
    prose = False  # the last line came from a paragraph, not a table
    for text, paragraph in blocks:
        for line in text.split("\n"):
            if not line.strip():
                continue
            if out and prose and paragraph and continues_sentence(out[-1], line):
                out[-1] += line.strip()
            else:
                out.append(line)
            prose = paragraph
    return out


def _block_lines(container: Any, renderer: NumberingRenderer) -> Iterator[tuple[str, bool]]:
    """Lines of a body (or table cell) in document order: paragraphs, tables, content controls;
    each with whether it is a paragraph (True) or a table row (False)."""
    for child in _content(container):
        yield from _child_lines(child, renderer)


def _content(container: Any) -> Iterator[Any]:
    """The children of a body or table cell in document order, those inside content controls
    (``w:sdt``, ``w:customXml``) in their place."""
    for child in container.iterchildren():
        if child.tag in (f"{W}sdt", f"{W}customXml", f"{W}sdtContent"):
            content = child.find(f"{W}sdtContent") if child.tag == f"{W}sdt" else child
            if content is not None:
                yield from _content(content)
        else:
            yield child


def _child_lines(child: Any, renderer: NumberingRenderer) -> Iterator[tuple[str, bool]]:
    """The lines of one paragraph or table (``_block_lines``); nothing for anything else."""
    if child.tag == f"{W}p":
        yield _paragraph_text(child, renderer), True
    elif child.tag == f"{W}tbl":
        yield from ((line, False) for line in _table_lines(child, renderer))


def _paragraph_text(p: Any, renderer: NumberingRenderer) -> str:
    """Visible text of a paragraph with its automatic number in front."""
    parts: list[str] = []
    for node in p.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}delText", f"{W}instrText",
                       f"{W}sym"):
        tag = node.tag
        if tag in (f"{W}t", f"{W}sym"):
            if not _inside(node, p, (f"{W}del", f"{W}txbxContent")):
                parts.append(_symbol(node) if tag == f"{W}sym" else _with_symbols(node))
        elif tag == f"{W}tab" and node.getparent().tag == f"{W}r":
            parts.append("\t")
        elif tag in (f"{W}br", f"{W}cr") and node.get(f"{W}type") in (None, "textWrapping"):
            parts.append("\n")
    text = re.sub(r"[ \t\u00a0\u3000]*\t[ \t\u00a0\u3000]*", " ", "".join(parts))
    text = "\n".join(undo_letter_spacing(ln.strip(" \u00a0\u3000")) for ln in text.split("\n"))
    label = renderer.label_for(p)  # an empty numbered paragraph still advances its list
    if not text.strip():
        return ""
    if label:
        sep = "" if label[-1] in "、）)】]．" else " "
        text = f"{label}{sep}{text}"
    return text.replace("\u00a0", " ").rstrip()


def _symbol(sym: Any) -> str:
    """A ``w:sym`` (a character of a symbol font) as text, or nothing when it is not known."""
    try:
        code = int(sym.get(f"{W}char") or "", 16)
    except ValueError:
        return ""
    return symbol_char(sym.get(f"{W}font"), code) or ""


def _with_symbols(t: Any) -> str:
    """A ``w:t``'s text, its private-use characters drawn by a symbol font as Unicode."""
    text = t.text or ""
    if not has_private_symbols(text):
        return text
    fonts = t.getparent().find(f"{W}rPr/{W}rFonts")
    return symbol_text(None if fonts is None else fonts.get(f"{W}ascii") or fonts.get(f"{W}hAnsi"),
                       text)


def _inside(node: Any, stop: Any, tags: tuple[str, ...]) -> bool:
    parent = node.getparent()
    while parent is not None and parent is not stop:
        if parent.tag in tags:
            return True
        parent = parent.getparent()
    return False


def _table_lines(tbl: Any, renderer: NumberingRenderer) -> Iterator[str]:
    """One line per row, ``列名：值；列名：值`` (index.ingest.tables); a one-cell row (a table
    used for layout) yields its paragraphs as lines.

    A horizontally merged cell (gridSpan) is followed by the columns it covers (as pdfplumber
    gives them), so that every value stays under its column name. A vertically merged cell
    (vMerge) that is a label (a category over several rows) names every row it spans that
    has a value of its own; a longer one (a remark) is said in its first row only. A table
    nested in a cell gives its own rows, after the row that holds it.
    """
    reader = TableReader()
    merged: dict[int, str] = {}  # grid column -> the label merged down over it
    for tr in tbl.iterchildren(f"{W}tr"):
        cells: list[list[str] | None] = []
        nested: list[str] = []  # the rows of tables nested in this row's cells
        blocks: list[tuple[str, bool]] = []  # the last cell's lines, nested rows among them
        own = False  # a value of this row's own, not merged down from above
        column = _int_val(tr.find(f"{W}trPr/{W}gridBefore"))
        for tc in tr.iterchildren(f"{W}tc"):
            vmerge = tc.find(f"{W}tcPr/{W}vMerge")
            if vmerge is not None and vmerge.get(f"{W}val") in (None, "continue"):
                cells.append([merged[column]] if column in merged else [])
            else:
                blocks = list(_block_lines(tc, renderer))
                lines = _join_sentences(block for block in blocks if block[1])
                cells.append(lines)
                nested.extend(line for line, paragraph in blocks if not paragraph)
                own = own or any(line.strip() for line in lines)
                label = merged_label(" ".join(lines)) if vmerge is not None else None
                if label:
                    merged[column] = label
                else:
                    merged.pop(column, None)
            span = max(1, _int_val(tc.find(f"{W}tcPr/{W}gridSpan")))
            cells.extend(None for _ in range(span - 1))
            column += span
        if not own and not nested:
            continue
        if len(cells) == 1 and cells[0] is not None:
            yield from reader.finish()
            reader = TableReader()
            yield from _join_sentences(blocks)  # a layout cell: its lines in their order
            continue
        if own:
            reader.add([None if cell is None else " ".join(cell) for cell in cells])
        if nested:
            yield from reader.take()
            yield from nested
    yield from reader.finish()


def _int_val(element: Any) -> int:
    """The whole number in an element's ``w:val`` (0 when there is none)."""
    value = "" if element is None else str(element.get(f"{W}val", ""))
    return int(value) if value.isdigit() else 0
