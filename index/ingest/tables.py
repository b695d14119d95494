"""Tables -> lines of text that stay inside their clause: ``列名：值；列名：值`` per row.

PDF tables (pdfplumber's table finder), DOCX tables and tables drawn with box-drawing
characters in text files all end here as rows of cells. The first row of labels is the header;
each later row pairs its filled cells with their column names. A row with one cell across the
table is a title ("卧室"); a header met again (a table continued on the next page) is dropped;
a table that is only a header (an empty form) keeps its column names. Without a header, a short
label cell followed by a filled cell reads ``label：value``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..text import HAN

_SENTENCE_PUNCT = re.compile(r"[。；;，,！!？?]")
_CJK_GAP = re.compile(rf"(?<=[{HAN}（）()])[\s\u3000]+(?=[{HAN}（）()])")
_LABEL_MAX = 15  # characters of a column name or a field label
BOX_START = frozenset("┌├└│┃║╔╠╚╟┏┠┗╒╞╘╓╙┣┡┢")  # a line of a drawn table starts so
_BOX_BAR = re.compile(r"[│┃║]")
_BOX_RULE = re.compile(r"[─━═┄┅┈┉]")  # a rule between rows (a letter on it is vertical text)
_BOX_ANY = re.compile(r"[\u2500-\u257f]")  # any box-drawing character: a wall, a rule, a joint
_HAN_ONLY = re.compile(rf"^[{HAN}]+$")
_COLON = ("：", ":", "︰")
PAGE_FOOT = 0.88  # share of a page's height: a table reaching below it may go on over the page
_BRACKETED = re.compile(r"^[（(【\[].*[）)】\]]$")


def clean_cell(text: str | None) -> str:
    """A cell's text on one line: line breaks and padding inside Chinese words dropped."""
    if not text:
        return ""
    text = _CJK_GAP.sub("", text.strip())
    return re.sub(r"[\s\u3000]+", " ", text)


def is_label(cell: str) -> bool:
    """A column name or field label: short, no sentence punctuation."""
    return 0 < len(cell) <= _LABEL_MAX and not _SENTENCE_PUNCT.search(cell)


def merged_label(text: str | None) -> str | None:
    """How the rows below say a cell merged down over them: a label (a category over several
    rows) by its text; a longer text (a remark) is said in its first row only (None)."""
    cell = clean_cell(text)
    return cell if is_label(cell) else None


@dataclass
class TableReader:
    """Turns the rows of a table, or of a table continued over pages, into text lines."""

    header: list[str | None] | None = None  # column names, None where a name spans two
    filled: bool = False  # a data row came after the header
    fresh: bool = True  # no row of the current table read yet: labels there are a header
    lines: list[str] = field(default_factory=list)

    def add(self, row: Sequence[str | None]) -> None:
        """One row; a ``None`` cell is covered by the merged cell before it."""
        raw = [None if c is None else clean_cell(c) for c in row]
        cells = [c for c in raw if c is not None]
        values = [c for c in cells if c]
        fresh, self.fresh = self.fresh, False
        if not values:
            return
        if len(cells) == 1:  # a title across the table
            self._close_header()
            self.lines.append(values[0])
            self.header = None
            return
        names = None if self.header is None else [c for c in self.header if c is not None]
        if cells == names:
            return  # the header again, on a new page
        if _is_header(cells) and (self.header is None or fresh):
            self._close_header()
            self.header, self.filled = raw, False
            return
        pairs = None if self.header is None else _pairs(self.header, raw)
        if pairs is None:
            self.lines.append(_plain_row(cells))
        else:
            self.lines.append("；".join(f"{n}：{v}" if n else v for n, v in pairs if v))
            self.filled = True

    def read(self, rows: Sequence[Sequence[str | None]], *, goes_on: bool) -> list[str]:
        """The lines of one table on a page. One that ``goes_on`` (it reaches the page's foot)
        keeps its header for the next page's first table, which may continue it."""
        self.new_table()
        for row in rows:
            self.add(row)
        return self.take() if goes_on else self.finish()

    def new_table(self) -> None:
        """The next rows are another table (a header of its own may start it); one that
        starts with data rows continues the header of the table before (a page break)."""
        self.fresh = True

    def take(self) -> list[str]:
        """The lines made so far (then forgotten); the header stays for the rows to come."""
        out, self.lines = self.lines, []
        return out

    def finish(self) -> list[str]:
        """The remaining lines (a header without data rows is kept as its column names)."""
        self._close_header()
        return self.take()

    def _close_header(self) -> None:
        if self.header is not None and not self.filled:
            self.lines.append("；".join(c for c in self.header if c))
        self.filled = True


def _pairs(header: list[str | None], row: list[str | None]) -> list[tuple[str, str]] | None:
    """(column name, value) of each cell of ``row``, or None when the columns do not match.

    Cells are matched by position when the rows are as wide (a value under a merged name takes
    the name to its left), else in order when they have as many cells once merges are off."""
    if len(header) == len(row):
        names, name = [], ""
        for h in header:
            name = h if h is not None else name
            names.append(name)
        return [(n, v) for n, v in zip(names, row, strict=True) if v is not None]
    heads = [h for h in header if h is not None]
    cells = [c for c in row if c is not None]
    return list(zip(heads, cells, strict=True)) if len(heads) == len(cells) else None


def _is_header(cells: list[str]) -> bool:
    """Column names: three or more cells, each a short label of two characters or more (two
    cells are label and value; "（签章）" is a place to sign, not a name)."""
    return len(cells) >= 3 and all(
        is_label(c) and len(c) >= 2 and not c.endswith(_COLON) and not _BRACKETED.match(c)
        for c in cells)


def _plain_row(cells: list[str]) -> str:
    """A row without column names: ``label：value`` where a label cell is followed by a value."""
    parts: list[str] = []
    k = 0
    while k < len(cells):
        cell = cells[k]
        nxt = cells[k + 1] if k + 1 < len(cells) else ""
        if cell and nxt and is_label(cell) and not nxt.endswith(_COLON):
            parts.append(f"{cell.rstrip(''.join(_COLON))}：{nxt}")
            k += 2
            continue
        if cell:
            parts.append(cell)
        k += 1
    return "；".join(parts)


def table_lines(rows: Sequence[Sequence[str | None]]) -> list[str]:
    """The text lines of one table given as rows of cells."""
    reader = TableReader()
    for row in rows:
        reader.add(row)
    return reader.finish()


def box_tables(text: str) -> str:
    """Text with every table drawn in box-drawing characters replaced by its rows."""
    out: list[str] = []
    block: list[str] = []
    for line in [*text.split("\n"), ""]:
        if line.lstrip(" \u3000")[:1] in BOX_START:
            block.append(line)
            continue
        if block:
            out.extend(table_lines(_box_rows(block)))
            block = []
        out.append(line)
    return "\n".join(out[:-1])


def _box_rows(block: list[str]) -> list[list[str]]:
    """Rows of a drawn table: text lines between rules; lines of one row with the same columns
    are joined cell by cell (a cell written over two lines). A first column merged down over
    rows and written down it, on the rules too (委/托/方 beside a party's rows of a signature
    table), is said once, as a title over its rows."""
    rows: list[list[str]] = []
    joinable = False
    glyphs: list[str] = []  # the first column's text, line by line, since a rule crossed it
    ruled = False  # a rule stood beside the first column without crossing it
    start = 0  # the first row under that rule
    for line in block:
        first = _first_cell(line)
        if first is None:
            _name_down(rows, start, glyphs, ruled)
            glyphs, ruled, start = [], False, len(rows)
        else:
            glyphs.append(first)
        if _BOX_RULE.search(line):
            ruled = ruled or first is not None
            joinable = False
            continue
        cells = [c.strip(" \u3000") for c in _BOX_BAR.split(line.strip(" \u3000"))]
        if cells and not cells[0]:
            cells = cells[1:]  # the left border
        if cells and not cells[-1]:
            cells = cells[:-1]  # the right border
        if joinable and rows and len(rows[-1]) == len(cells):
            rows[-1] = [a + b for a, b in zip(rows[-1], cells, strict=True)]
        else:
            rows.append(cells)
        joinable = True
    _name_down(rows, start, glyphs, ruled)
    return rows


def _first_cell(line: str) -> str | None:
    """The text of a drawn table's line in its first column; None where a rule crosses it."""
    line = line.strip(" \u3000")
    if not _BOX_BAR.match(line):
        return None
    return _BOX_ANY.split(line[1:], maxsplit=1)[0].strip(" \u3000")


def _name_down(rows: list[list[str]], start: int, glyphs: list[str], ruled: bool) -> None:
    """Rows ``start:`` under a first column written down it (``glyphs``, its text line by
    line): the column becomes a title row over them. Only when a rule between the rows stopped
    at the column (it is one merged cell, however many characters a line holds) and it holds
    Chinese only (1/2/3 down a column are values)."""
    label = "".join(glyphs)
    group = rows[start:]
    if not (ruled and len(group) >= 2 and _HAN_ONLY.match(label)
            and all(len(r) >= 2 for r in group)):
        return
    rows[start:] = [[label], *(r[1:] for r in group)]
