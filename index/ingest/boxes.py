"""OCR's text boxes -> lines: the page's skew undone, boxes on one level joined left to right.

RapidOCR gives a box (four corners) per run of text it detected. A page scanned 1-2° off has
its lines slope; the boxes are turned level first (``level_boxes``: the frame ruled tables are
found in too, ``index.ingest.grids``), then grouped into lines by how much they overlap in
height. Pure computation over arrays and tuples.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise
from statistics import median

import numpy as np


@dataclass(frozen=True)
class OcrLine:
    """One line of text read from a page image, its box in pixels and its mean score."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    score: float


def skew_angle(quads: np.ndarray) -> float:
    """The page's skew in radians: the median slope of the top edges of wide boxes."""
    d = quads[:, 1] - quads[:, 0]
    heights = np.hypot(*(quads[:, 3] - quads[:, 0]).T)
    wide = np.hypot(d[:, 0], d[:, 1]) >= 2 * heights
    if not wide.any():
        return 0.0
    return float(np.median(np.arctan2(d[wide, 1], d[wide, 0])))


Box = tuple[float, float, float, float, str, float]  # top, bottom, x0, x1, text, score


def level_boxes(quads: np.ndarray, texts: list[str], scores: list[float],
                angle: float) -> list[Box]:
    """Boxes (N x 4 corners, clockwise from top-left) turned by -``angle`` so the text runs
    level, top to bottom; empty ones left out."""
    cos, sin = math.cos(-angle), math.sin(-angle)
    xs = quads[:, :, 0] * cos - quads[:, :, 1] * sin
    ys = quads[:, :, 0] * sin + quads[:, :, 1] * cos
    return sorted(
        ((float(ys[i].min()), float(ys[i].max()), float(xs[i].min()), float(xs[i].max()),
          texts[i], scores[i]) for i in range(len(texts)) if texts[i].strip()),
        key=lambda b: (b[0] + b[1]) / 2,
    )


def group_boxes(boxes: list[Box]) -> list[OcrLine]:
    """Level boxes, top to bottom -> lines, each left to right; boxes far apart on a line are
    joined with a space (a blank in a form)."""
    rows: list[list[Box]] = []
    for box in boxes:
        top, bottom = box[0], box[1]
        for row in reversed(rows[-3:]):
            r_top, r_bottom = min(b[0] for b in row), max(b[1] for b in row)
            overlap = min(bottom, r_bottom) - max(top, r_top)
            if overlap >= 0.5 * min(bottom - top, r_bottom - r_top):
                row.append(box)
                break
        else:
            rows.append([box])
    return [_line(sorted(row, key=lambda b: b[2])) for row in rows]


def _line(row: list[Box]) -> OcrLine:
    height = median(b[1] - b[0] for b in row)
    text = row[0][4].strip()
    for prev, box in pairwise(row):
        gap = box[2] - prev[3]
        word = box[4].strip()
        ascii_pair = text[-1:].isascii() and text[-1:].isalnum() and word[:1].isascii()
        text += (" " if gap > 0.8 * height or ascii_pair else "") + word
    chars = sum(len(b[4]) for b in row) or 1
    return OcrLine(
        text=text, x0=row[0][2], x1=max(b[3] for b in row), top=min(b[0] for b in row),
        bottom=max(b[1] for b in row), score=sum(len(b[4]) * b[5] for b in row) / chars,
    )
