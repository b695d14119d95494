"""Ruled tables on a page image -> rows of cells, so that a scanned table reads like a typed one.

A table is found by its rules, as pdfplumber finds one in a PDF: long horizontal runs of ink
of about the same extent, with vertical runs (walls) standing between each pair of them. The
walls of a band between two rules tell its cells; a wall missing in one band is a merged cell,
and a rule that stops short of one side of the table leaves the cells it does not cross merged
with the band above (a category spanning rows). OCR's words then fall into the cells their
centres are in. Array code over an ink mask already turned level (the frame OCR's boxes are
grouped in, ``index.ingest.boxes``); the two functions that take a page image (``ink_mask``,
``ink_skew``) level its light and turn it with Pillow.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .tables import merged_label

INK = 170  # grey level (0-255) under which a pixel is ink: a blurred thin rule stays under it
MIN_RULE = 0.15  # share of the page's width a horizontal rule spans at least
MIN_BAND = 20  # pixels between two rules for a band of cells (closer rules are one double rule)
_FILL = 0.9  # share of ink along a rule or a wall (a scanned rule has gaps)
_MARGIN = 4  # pixels of a band left out at its top and bottom (the rules' thickness)
_ALIGN = 0.02  # share of the page's width by which the rules of one table may differ at the ends
_THIN = 0.006  # share of the page's width a rule or a wall is thick at most (a shadow is not)


@dataclass(frozen=True)
class Grid:
    """A ruled table: its horizontal rules (y, top to bottom), its column boundaries (x, left
    to right) and, for each band between two rules, the boundaries that stand in it."""

    rules: tuple[float, ...]
    bounds: tuple[float, ...]
    standing: tuple[frozenset[int], ...]  # per band: indices into ``bounds``
    # per band: the columns (as ``cell_of`` names them) whose cell goes on from the band above
    joined: tuple[frozenset[int], ...] = ()

    @property
    def top(self) -> float:
        """The top rule's y."""
        return self.rules[0]

    @property
    def bottom(self) -> float:
        """The bottom rule's y."""
        return self.rules[-1]

    @property
    def x0(self) -> float:
        """The left border's x."""
        return self.bounds[0]

    @property
    def x1(self) -> float:
        """The right border's x."""
        return self.bounds[-1]

    def cell_of(self, x: float, y: float) -> tuple[int, int] | None:
        """(band, column) of the cell holding the point, the column being that of the cell's
        first boundary (a merged cell is named by its leftmost column); None outside."""
        if not (self.top < y < self.bottom and self.x0 < x < self.x1):
            return None
        band = int(np.searchsorted(self.rules, y)) - 1
        column = 0
        for k in sorted(self.standing[band]):
            if self.bounds[k] < x and k < len(self.bounds) - 1:
                column = k
        return self._first_band(band, column), column

    def _first_band(self, band: int, column: int) -> int:
        """The band where the cell of ``column`` in ``band`` starts (merged down from above)."""
        while band > 0 and self.joined and column in self.joined[band]:
            band -= 1
        return band

    def rows(self, texts: Mapping[tuple[int, int], str]) -> list[list[str | None]]:
        """The table's rows of cells, given the text of each cell by (band, column) as
        ``cell_of`` names it: a cell covered by the merged cell before it is None, an empty
        cell "". A cell merged down from the band above gives its label to a row with a value of
        its own (``merged_label``: a category, not a remark), else it is empty."""
        out = []
        for band, standing in enumerate(self.standing):
            joined = self.joined[band] if self.joined else frozenset()
            row: list[str | None] = []
            for k in range(len(self.bounds) - 1):
                row.append(texts.get((band, k), "") if k == 0 or k in standing else None)
            if any(v for k, v in enumerate(row) if k not in joined):
                for k in joined:  # a label merged down names this row too (tables.py)
                    if row[k] is not None:
                        row[k] = merged_label(texts.get((self._first_band(band, k), k))) or ""
            out.append(row)
        return out


def find_grids(ink: np.ndarray) -> list[Grid]:
    """The ruled tables of a page (``ink``: a boolean mask, rows of pixels, turned level), top
    to bottom: two bands at least, each with two walls at least (its left and right border),
    and two cells side by side in one band at least (a framed page is not a table)."""
    width = ink.shape[1]
    thin = max(12, int(_THIN * width))
    rules = _horizontal_rules(ink, max(40, int(MIN_RULE * width)), thin)
    tol = _ALIGN * width
    grids: list[Grid] = []
    k = 0
    while k < len(rules) - 1:
        y, x0, x1 = rules[k]
        used = [y]
        bands: list[list[float]] = []
        spans: list[tuple[float, float]] = []  # how far each rule below a band reaches
        for y2, a, b in rules[k + 1:]:
            ends = (abs(a - x0) <= tol, abs(b - x1) <= tol)  # a rule short of one side: merges
            if not any(ends) or a < x0 - tol or b > x1 + tol or y2 - used[-1] < MIN_BAND:
                break
            walls = _walls(ink, int(used[-1]) + _MARGIN, int(y2) - _MARGIN, x0 - tol, x1 + tol,
                           thin)
            if len(walls) < 2:
                break
            used.append(y2)
            bands.append(walls)
            spans.append((a, b))
        while spans and not _across(spans[-1], x0, x1, tol):  # a table ends at a rule across it
            used.pop()
            bands.pop()
            spans.pop()
        if len(bands) >= 2 and max(len(walls) for walls in bands) >= 3:
            grids.append(_grid(used, bands, spans, tol))
            k += len(used) - 1
        else:
            k += 1
    return grids


def ink_mask(image: Any, angle: float) -> np.ndarray:
    """The page's ink as a boolean mask, turned by -``angle`` about the origin: the frame of
    ``index.ingest.boxes.level_boxes``."""
    from PIL import Image

    grey = _levelled(image.convert("L"), 8).rotate(
        math.degrees(angle), resample=Image.Resampling.BILINEAR, center=(0, 0), fillcolor=255)
    return np.asarray(grey) < INK


def _levelled(grey: Any, step: int) -> Any:
    """``grey`` (a PIL image) with each pixel divided by the brightness of the paper around it
    (the brightest of 5 × 5 blocks of ``step`` pixels, about 40 pixels of a page at 200 dpi):
    in a photo lit from one side the paper's shade is darker than ``INK`` and was taken for
    ink, so that no rule was found; a scan's white paper is as it was."""
    from PIL import Image, ImageFilter

    paper = grey.reduce(step).filter(ImageFilter.MaxFilter(5)).resize(
        grey.size, Image.Resampling.BILINEAR)
    ratio = np.asarray(grey, np.float32) * 255.0 / np.maximum(np.asarray(paper, np.float32), 1.0)
    return Image.fromarray(np.clip(ratio, 0, 255).astype(np.uint8))


def ink_skew(image: Any) -> float:
    """The page's skew in radians told by its ink: the turn (within 5°, as far off as a phone
    photo often is; to 0.05°) that makes the rows of a quarter-size copy sharpest, rules and
    lines of text alike."""
    from PIL import Image

    small = _levelled(image.convert("L").reduce(4), 2)

    def sharpness(degrees: float) -> float:
        turned = small.rotate(degrees, resample=Image.Resampling.BILINEAR, center=(0, 0),
                              fillcolor=255)
        profile = (np.asarray(turned) < INK).sum(axis=1).astype(np.float64)
        return float(profile @ profile)

    coarse = max(np.arange(-5.0, 5.01, 0.25), key=sharpness)
    return math.radians(float(max(np.arange(coarse - 0.25, coarse + 0.26, 0.05), key=sharpness)))


def _horizontal_rules(ink: np.ndarray, length: int,
                      thin: int) -> list[tuple[float, float, float]]:
    """(y, x0, x1) of every horizontal run of ink at least ``length`` pixels long and at most
    ``thin`` rows thick (adjacent pixel rows of one rule merged)."""
    sums = np.cumsum(ink, axis=1, dtype=np.int32)
    window = sums[:, length:] - sums[:, :-length] >= _FILL * length
    found: list[list[float]] = []
    for y in np.flatnonzero(window.any(axis=1)):
        xs = np.flatnonzero(window[y])
        x0, x1 = float(xs[0]), float(xs[-1] + length)
        if found and y - found[-1][3] <= 2:
            rule = found[-1]
            rule[1], rule[2], rule[3] = min(rule[1], x0), max(rule[2], x1), float(y)
            rule[4] += 1
            rule[0] += (y - rule[0]) / rule[4]
        else:
            found.append([float(y), x0, x1, float(y), 1.0])
    return [(r[0], r[1], r[2]) for r in found if r[4] <= thin]


def _walls(ink: np.ndarray, top: int, bottom: int, x0: float, x1: float,
           thin: int) -> list[float]:
    """x of each vertical rule standing all the way from ``top`` to ``bottom``, at most
    ``thin`` pixels wide."""
    left, right = max(0, int(x0)), min(ink.shape[1], int(x1) + 1)
    if bottom - top < MIN_BAND - 2 * _MARGIN or right <= left:
        return []
    columns = np.flatnonzero(ink[top:bottom, left:right].mean(axis=0) >= _FILL) + left
    walls: list[list[int]] = []
    for x in columns.tolist():
        if walls and x - walls[-1][-1] <= 2:
            walls[-1].append(x)
        else:
            walls.append([x])
    return [sum(w) / len(w) for w in walls if len(w) <= thin]


def _across(span: tuple[float, float], x0: float, x1: float, tol: float) -> bool:
    """Whether a rule reaching from ``span[0]`` to ``span[1]`` crosses the table."""
    return abs(span[0] - x0) <= tol and abs(span[1] - x1) <= tol


def _grid(rules: list[float], bands: list[list[float]], spans: list[tuple[float, float]],
          tol: float) -> Grid:
    """The grid of one table: the walls of all bands clustered into column boundaries, and
    the cells a rule stopping short does not cross, merged with the band above."""
    clusters: list[list[float]] = []
    for x in sorted(x for walls in bands for x in walls):
        if clusters and x - clusters[-1][-1] <= tol:
            clusters[-1].append(x)
        else:
            clusters.append([x])
    bounds = np.array([sum(c) / len(c) for c in clusters])
    standing = tuple(frozenset(int(np.abs(bounds - x).argmin()) for x in walls)
                     for walls in bands)
    middles = (bounds[:-1] + bounds[1:]) / 2
    joined = (frozenset(), *(frozenset(int(k) for k in np.flatnonzero(
        (middles < a) | (middles > b))) for a, b in spans[:-1]))
    return Grid(tuple(rules), tuple(float(b) for b in bounds), standing, joined)
