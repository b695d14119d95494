"""Positioned text lines of a page -> paragraphs: the geometry both PDF text layers and OCR use.

A line reaching the text block's right margin continues on the next line unless a label, a blank
line or an indent says a new paragraph starts. Coordinates are in any unit (PDF points, image
pixels) as long as a page's lines share it; ``size`` is the glyph height in that unit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from statistics import median

from ..numerals import starts_with_label
from .sentences import continues_sentence

_SENTENCE_END = tuple("。！？；：!?;:")
_ALIGN_LINES = 3  # long lines a page needs for its text block's left edge to be told


@dataclass(frozen=True)
class TextLine:
    """One line of a page with its box (top-left origin) and glyph size."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    text_x1: float = 0.0  # right edge of the running text, before a blank and closing punctuation
    fixed: bool = False  # a line of its own, never joined to another (a table row)


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


def aligned(pages: Sequence[Sequence[TextLine]]) -> list[list[TextLine]]:
    """The pages' lines moved sideways so that their text blocks line up: each page imaged on
    its own (a sheet a scanner shifted, each photo of an album framed anew) has its margins
    elsewhere, and one layout over them took lines ending at one page's margin for lines
    ending short of another's. A block's left edge is where its long lines start furthest
    left (its right edge is not: a form's lines stop short of it); a page with fewer than
    ``_ALIGN_LINES`` long lines is left where it is."""
    edges = [_left_edge(lines) for lines in pages]
    known = [e for e in edges if e is not None]
    if not known:
        return [list(lines) for lines in pages]
    to = median(known)
    return [list(lines) if e is None or e == to else [_moved(ln, to - e) for ln in lines]
            for lines, e in zip(pages, edges, strict=True)]


def _left_edge(lines: Sequence[TextLine]) -> float | None:
    """Where the page's long lines start furthest left (the second furthest: one line set out
    in the margin does not count), or None with too few to tell."""
    starts = sorted(ln.x0 for ln in lines if len(ln.text) >= 10)
    return starts[1] if len(starts) >= _ALIGN_LINES else None


def _moved(line: TextLine, dx: float) -> TextLine:
    """``line`` moved ``dx`` to the right (its running text's right edge with it)."""
    return replace(line, x0=line.x0 + dx, x1=line.x1 + dx, text_x1=line.text_x1 + dx)


def page_texts(bodies: Sequence[Sequence[TextLine]], layouts: Sequence[Layout]) -> list[str]:
    """The text of each page, its lines joined into paragraphs. A page whose last paragraph
    does not go on at the top of the next page ends with a line break (so "项目：电视费" at
    the foot of one page and "项目：电话费" at the top of the next stay two lines); one that
    goes on does not, and the clause tree joins it across the page break."""
    texts: list[str] = []
    carry = ""  # the paragraph going on from the page before
    for k, (body, layout) in enumerate(zip(bodies, layouts, strict=True)):
        paras = join_lines(body, layout, carry=carry)
        text = "\n".join(paras)
        following = bodies[k + 1] if k + 1 < len(bodies) else ()
        last = (carry + paras[-1]) if len(paras) == 1 else (paras[-1] if paras else "")
        carry = ""
        if body and following:
            if page_continues(body[-1], last, following[0], layouts[k]):
                carry = last
            else:
                text += "\n"
        texts.append(text)
    return texts


def join_lines(lines: Sequence[TextLine], layout: Layout, *, carry: str = "") -> list[str]:
    """Rejoin lines the layout broke: a line that reaches the right margin continues below, and
    so does a sentence left open at a line's end (a line ending short of the margin, as in text
    set in a box of its own: "买受人未收到交" / "付通知书的"). ``carry`` is the paragraph the
    first line goes on with (from the page before), for reading its sentence."""
    out: list[str] = []
    prev: TextLine | None = None
    for ln in lines:
        context = carry + out[-1] if len(out) == 1 else (out[-1] if out else "")
        if prev is not None and out and (continues(prev, ln, layout)
                                         or _sentence_goes_on(prev, ln, context, layout)):
            out[-1] = glue(out[-1], ln.text)
        else:
            out.append(ln.text)
        prev = ln
    return out


def continues(prev: TextLine, line: TextLine, layout: Layout) -> bool:
    """Whether ``line`` continues the paragraph of ``prev`` (geometry first, then punctuation)."""
    if prev.fixed or line.fixed or starts_with_label(line.text):
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


def page_continues(last: TextLine, paragraph: str, first: TextLine, layout: Layout) -> bool:
    """Whether the paragraph ending a page (its last line ``last``, its text ``paragraph``)
    goes on with the first line of the next page: by the same geometry as within a page (the
    gap between the pages aside), or by the text (a sentence left open)."""
    if last.fixed or first.fixed or starts_with_label(first.text):
        return False
    reaches = last.text_x1 >= layout.right - 1.5 * last.size
    indented = first.x0 > layout.left + 1.5 * first.size
    if reaches and not indented and (layout.indented or not last.text.endswith(_SENTENCE_END)):
        return True
    return continues_sentence(paragraph, first.text)


def _sentence_goes_on(prev: TextLine, line: TextLine, paragraph: str, layout: Layout) -> bool:
    """The text says the paragraph goes on though the geometry did not (a line set short or
    indented by a blank in a form): no table row, no more than a blank line between."""
    if prev.fixed or line.fixed:
        return False
    if line.top - prev.bottom > 2.5 * max(prev.size, line.size):
        return False
    return continues_sentence(paragraph, line.text)


def glue(a: str, b: str) -> str:
    """Join two pieces of one paragraph: a space only between two Latin letters or digits."""
    if a[-1:].isascii() and a[-1:].isalnum() and b[:1].isascii() and b[:1].isalnum():
        return f"{a} {b}"
    return a + b
