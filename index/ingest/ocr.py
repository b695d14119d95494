"""Page images -> lines of text with their boxes and a confidence: RapidOCR, offline.

The detection and recognition models ship inside the pinned ``rapidocr`` wheel and are loaded
from there by path, so nothing is ever downloaded. Boxes are grouped into lines after undoing a
slight skew (a page scanned 1-2° off); a page turned sideways or upside down is turned back when
reading it that way is clearly better. Computation only: the cache is ``index.ingest.scans``.
"""

from __future__ import annotations

import math
import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from statistics import median
from typing import Any

import numpy as np

from .layout import TextLine

OCR_DPI = 200  # PDF pages are rendered at this resolution to be read
MAX_SIDE = 4000  # pixels: larger photos are scaled down first (A4 at 300 dpi is 3508)
LOW_CONFIDENCE = 0.90  # a page read with a lower mean character score gets a note
_MODELS = ("PP-OCRv6_det_small.onnx", "PP-OCRv6_rec_small.onnx")
_GLYPH_SHARE = 0.75  # a detection box is this much taller than its glyphs (unclip ratio)
_LOCK = threading.Lock()  # the engine keeps per-call settings: one page at a time


class OcrUnavailableError(RuntimeError):
    """The OCR models are not where the pinned rapidocr wheel puts them."""


@dataclass(frozen=True)
class OcrLine:
    """One line of text read from a page image, its box in pixels and its mean score."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    score: float


@dataclass(frozen=True)
class OcrPage:
    """What was read from one page image: its lines in reading order and their confidence."""

    width: int
    height: int
    lines: tuple[OcrLine, ...]
    confidence: float  # mean recognition score per character, 1.0 for a page without text

    def as_json(self) -> dict[str, Any]:
        """Plain JSON for the OCR cache."""
        return {"width": self.width, "height": self.height, "confidence": self.confidence,
                "lines": [[ln.text, ln.x0, ln.x1, ln.top, ln.bottom, ln.score]
                          for ln in self.lines]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OcrPage:
        """The page ``as_json`` wrote."""
        lines = tuple(OcrLine(str(t), float(a), float(b), float(c), float(d), float(s))
                      for t, a, b, c, d, s in data["lines"])
        return cls(int(data["width"]), int(data["height"]), lines, float(data["confidence"]))

    @property
    def low_confidence(self) -> bool:
        """Read with a mean score under ``LOW_CONFIDENCE``."""
        return self.confidence < LOW_CONFIDENCE

    def text_lines(self, scale: float = 1.0) -> list[TextLine]:
        """The lines as layout sees them, coordinates times ``scale`` (pixels -> points)."""
        out = []
        for ln in self.lines:
            size = (ln.bottom - ln.top) * _GLYPH_SHARE * scale
            out.append(TextLine(ln.text, ln.x0 * scale, ln.x1 * scale, ln.top * scale,
                                ln.bottom * scale, size, ln.x1 * scale))
        return out


def engine_version() -> str:
    """The OCR engine and its models, as cached results record them."""
    from importlib.metadata import version

    return f"rapidocr {version('rapidocr')} {'+'.join(_MODELS)}"


@lru_cache(maxsize=1)
def _engine(threads: int | None = None) -> Any:
    """RapidOCR with the wheel's own models by path (no download code path), on ``threads``
    cores (None: every core; a build's worker process, one core of several, asks for 1)."""
    import rapidocr

    models = Path(rapidocr.__file__).parent / "models"
    missing = [m for m in _MODELS if not (models / m).is_file()]
    if missing:
        raise OcrUnavailableError(f"the OCR models are missing ({', '.join(missing)}): "
                                  "reinstall rapidocr")
    return rapidocr.RapidOCR(params={
        "Global.log_level": "error",
        "Global.use_cls": False,  # whole pages are turned instead (read_page)
        "Det.model_path": str(models / _MODELS[0]),
        "Rec.model_path": str(models / _MODELS[1]),
        "EngineConfig.onnxruntime.intra_op_num_threads": max(1, threads or os.cpu_count() or 1),
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
    })


def read_page(image: Any, *, threads: int | None = None) -> OcrPage:
    """Read one page image (a PIL image) on ``threads`` cores (None: all). A page whose text
    runs vertically is turned a quarter, and a page read with low confidence is also tried
    upside down; the better reading is kept."""
    image = _prepare(image)
    page, upright = _read(image, threads)
    if not upright:
        page = max((_read(image.rotate(a, expand=True), threads)[0] for a in (90, 270)),
                   key=_quality)
    if page.lines and page.low_confidence:
        turned = _read(image.rotate(180), threads)[0]
        page = max(page, turned, key=_quality)
    return page


def _prepare(image: Any) -> Any:
    """RGB, at most ``MAX_SIDE`` pixels on the long side."""
    image = image.convert("RGB")
    side = max(image.size)
    if side > MAX_SIDE:
        k = MAX_SIDE / side
        image = image.resize((max(1, round(image.width * k)), max(1, round(image.height * k))))
    return image


def _quality(page: OcrPage) -> float:
    """Characters read, weighted by how sure the reading is (to pick a page's orientation)."""
    return page.confidence * sum(len(ln.text) for ln in page.lines)


def _read(image: Any, threads: int | None) -> tuple[OcrPage, bool]:
    """The page as read in this orientation, and whether its text runs horizontally."""
    with _LOCK:
        result = _engine(threads)(np.asarray(image))
    boxes = getattr(result, "boxes", None)
    texts = getattr(result, "txts", None) or ()
    scores = getattr(result, "scores", None) or ()
    if boxes is None or not texts:
        return OcrPage(image.width, image.height, (), 1.0), True
    quads = np.asarray(boxes, dtype=np.float64).reshape(-1, 4, 2)
    widths = np.hypot(*(quads[:, 1] - quads[:, 0]).T)
    heights = np.hypot(*(quads[:, 3] - quads[:, 0]).T)
    upright = len(quads) < 5 or float(np.median(heights / np.maximum(widths, 1.0))) < 1.5
    lines = group_lines(quads, list(texts), [float(s) for s in scores])
    chars = sum(len(t) for t in texts)
    confidence = sum(len(t) * float(s) for t, s in zip(texts, scores, strict=True)) / chars
    return OcrPage(image.width, image.height, tuple(lines), round(confidence, 4)), upright


def skew_angle(quads: np.ndarray) -> float:
    """The page's skew in radians: the median slope of the top edges of wide boxes."""
    d = quads[:, 1] - quads[:, 0]
    heights = np.hypot(*(quads[:, 3] - quads[:, 0]).T)
    wide = np.hypot(d[:, 0], d[:, 1]) >= 2 * heights
    if not wide.any():
        return 0.0
    return float(np.median(np.arctan2(d[wide, 1], d[wide, 0])))


def group_lines(quads: np.ndarray, texts: list[str], scores: list[float]) -> list[OcrLine]:
    """Boxes (N x 4 corners, clockwise from top-left) -> lines top to bottom, each left to
    right; boxes far apart on a line are joined with a space (a blank in a form)."""
    angle = skew_angle(quads)
    cos, sin = math.cos(-angle), math.sin(-angle)
    xs = quads[:, :, 0] * cos - quads[:, :, 1] * sin  # turned so the text runs level
    ys = quads[:, :, 0] * sin + quads[:, :, 1] * cos
    boxes = sorted(
        ((float(ys[i].min()), float(ys[i].max()), float(xs[i].min()), float(xs[i].max()),
          texts[i], scores[i]) for i in range(len(texts)) if texts[i].strip()),
        key=lambda b: (b[0] + b[1]) / 2,
    )
    rows: list[list[tuple[float, float, float, float, str, float]]] = []
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


def _line(row: list[tuple[float, float, float, float, str, float]]) -> OcrLine:
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
