"""Positioned text lines of a page -> paragraphs: the geometry both PDF text layers and OCR use.

A line reaching the text block's right margin continues on the next line unless a label, a blank
line or an indent says a new paragraph starts. Coordinates are in any unit (PDF points, image
pixels) as long as a page's lines share it; ``size`` is the glyph height in that unit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ..numerals import starts_with_label

_SENTENCE_END = tuple("。！？；：!?;:")


@dataclass
class TextLine:
    """One line of a page with its box (top-left origin) and glyph size."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    text_x1: float = 0.0  # right edge of the running text, before a blank and closing punctuation


@dataclass(frozen=True)
class Layout:
    """The text block: left and right margins, and whether paragraphs start indented."""

    left: float
    right: float
    indented: bool


def page_layout(pages: Sequence[Sequence[TextLine]]) -> Layout:
    """Margins where most long lines start and end; indentation if many lines start 2 glyphs in."""
    long_lines = [ln for lines in pages for ln in lines if len(ln.text) >= 10]
    if not long_lines:
        return Layout(0.0, 0.0, False)
    ends = sorted(ln.x1 for ln in long_lines)
    right = ends[int(0.9 * (len(ends) - 1))]
    left = float(Counter(round(ln.x0) for ln in long_lines).most_common(1)[0][0])
    indented = sum(
        1 for ln in long_lines if 1.5 * ln.size <= ln.x0 - left <= 2.5 * ln.size
    ) >= max(3, 0.05 * len(long_lines))
    return Layout(left, right, indented)


def join_lines(lines: Sequence[TextLine], layout: Layout) -> list[str]:
    """Rejoin lines the layout broke: a line that reaches the right margin continues below."""
    out: list[str] = []
    prev: TextLine | None = None
    for ln in lines:
        if prev is not None and out and continues(prev, ln, layout):
            out[-1] = glue(out[-1], ln.text)
        else:
            out.append(ln.text)
        prev = ln
    return out


def continues(prev: TextLine, line: TextLine, layout: Layout) -> bool:
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


def glue(a: str, b: str) -> str:
    """Join two pieces of one paragraph: a space only between two Latin letters or digits."""
    if a[-1:].isascii() and a[-1:].isalnum() and b[:1].isascii() and b[:1].isalnum():
        return f"{a} {b}"
    return a + b
