"""Page images -> lines of text with their boxes, ruled tables with their cells, and a
confidence: RapidOCR, offline.

The detection and recognition models ship inside the pinned ``rapidocr`` wheel and are loaded
from there by path, so nothing is ever downloaded. Boxes are grouped into lines after undoing a
slight skew (``index.ingest.boxes``), the words of a ruled table into its cells
(``index.ingest.grids``); a photographed sheet is flattened first (``index.ingest.sheets``); a
page turned sideways or upside down is turned back when reading it that way is clearly
better. Computation only: the cache is ``index.ingest.scans``.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from statistics import median
from typing import Any

import numpy as np

from .boxes import Box, OcrLine, group_boxes, level_boxes, skew_angle
from .grids import Grid, find_grids, ink_mask, ink_skew
from .layout import TextLine
from .sheets import find_sheet, flattened
from .tables import PAGE_FOOT, TableReader

OCR_DPI = 200  # PDF pages are rendered at this resolution to be read
MAX_SIDE = 4000  # pixels: larger photos are scaled down first (A4 at 300 dpi is 3508)
LOW_CONFIDENCE = 0.90  # a page read with a lower mean character score gets a note
_MODELS = ("PP-OCRv6_det_small.onnx", "PP-OCRv6_rec_small.onnx")
_GLYPH_SHARE = 0.75  # a detection box is this much taller than its glyphs (unclip ratio)
_LOCK = threading.Lock()  # the engine keeps per-call settings: one page at a time


class OcrUnavailableError(RuntimeError):
    """The OCR models are not where the pinned rapidocr wheel puts them."""


@dataclass(frozen=True)
class ScanTable:
    """A ruled table read from a page image: where it stands (pixels), the height and mean
    score of its words, and its rows of cells (None: covered by the merged cell before it)."""

    x0: float
    x1: float
    top: float
    bottom: float
    line_height: float
    score: float
    rows: tuple[tuple[str | None, ...], ...]

    def as_json(self) -> dict[str, Any]:
        """Plain JSON for the OCR cache."""
        return {"box": [self.x0, self.x1, self.top, self.bottom],
                "line_height": self.line_height, "score": self.score,
                "rows": [list(r) for r in self.rows]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ScanTable:
        """The table ``as_json`` wrote."""
        x0, x1, top, bottom = (float(v) for v in data["box"])
        rows = tuple(tuple(None if c is None else str(c) for c in r) for r in data["rows"])
        return cls(x0, x1, top, bottom, float(data["line_height"]), float(data["score"]), rows)


@dataclass(frozen=True)
class OcrPage:
    """What was read from one page image: its lines in reading order and their confidence."""

    width: int
    height: int
    lines: tuple[OcrLine, ...]  # outside the tables
    confidence: float  # mean recognition score per character, 1.0 for a page without text
    tables: tuple[ScanTable, ...] = ()

    def as_json(self) -> dict[str, Any]:
        """Plain JSON for the OCR cache."""
        return {"width": self.width, "height": self.height, "confidence": self.confidence,
                "lines": [[ln.text, ln.x0, ln.x1, ln.top, ln.bottom, ln.score]
                          for ln in self.lines],
                "tables": [t.as_json() for t in self.tables]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OcrPage:
        """The page ``as_json`` wrote."""
        lines = tuple(OcrLine(str(t), float(a), float(b), float(c), float(d), float(s))
                      for t, a, b, c, d, s in data["lines"])
        tables = tuple(ScanTable.from_json(t) for t in data.get("tables", ()))
        return cls(int(data["width"]), int(data["height"]), lines, float(data["confidence"]),
                   tables)

    @property
    def low_confidence(self) -> bool:
        """Read with a mean score under ``LOW_CONFIDENCE``."""
        return self.confidence < LOW_CONFIDENCE

    def text_lines(self, scale: float = 1.0, reader: TableReader | None = None) -> list[TextLine]:
        """The lines as layout sees them, coordinates times ``scale`` (pixels -> points), each
        table's rows (``列名：值；…``) where it stands. ``reader`` carries a table's header over
        to the next page, as for typed PDFs (pages read in order)."""
        out = []
        for ln in self.lines:
            size = (ln.bottom - ln.top) * _GLYPH_SHARE * scale
            out.append(TextLine(ln.text, ln.x0 * scale, ln.x1 * scale, ln.top * scale,
                                ln.bottom * scale, size, ln.x1 * scale))
        if not self.tables:
            return out
        reader = reader or TableReader()
        for table in self.tables:
            size = table.line_height * _GLYPH_SHARE * scale
            goes_on = table.bottom >= PAGE_FOOT * self.height
            for k, text in enumerate(reader.read(table.rows, goes_on=goes_on)):
                at = table.top * scale + k * 0.01  # in order, above any line below its top
                out.append(TextLine(text, table.x0 * scale, table.x1 * scale, at,
                                    at + table.line_height * scale, size, table.x1 * scale,
                                    fixed=True))
        return sorted(out, key=lambda ln: ln.top)


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


def reads_otherwise(image: Any) -> bool:
    """Whether this reader reads a page image otherwise than the OCR cache's earlier formats
    did, without OCR: it holds a ruled table (``grids``) or shows a photographed sheet, which
    is now flattened (``sheets``)."""
    rgb = _scaled(image)
    return find_sheet(np.asarray(rgb.convert("L"))) is not None or \
        bool(find_grids(ink_mask(rgb, ink_skew(rgb))))


def _prepare(image: Any) -> Any:
    """RGB, at most ``MAX_SIDE`` pixels on the long side, a photographed sheet flattened."""
    return flattened(_scaled(image))


def _scaled(image: Any) -> Any:
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
    # Tables are looked for on the page turned level by its ink: a table's short cells can
    # leave too few wide boxes to tell the skew. The boxes are turned as the ink was then.
    ink_angle = ink_skew(image)
    grids = find_grids(ink_mask(image, ink_angle))
    angle = ink_angle if grids else skew_angle(quads)
    boxes = level_boxes(quads, list(texts), [float(s) for s in scores], angle)
    tables, boxes = _tables(grids, boxes)
    chars = sum(len(t) for t in texts)
    confidence = sum(len(t) * float(s) for t, s in zip(texts, scores, strict=True)) / chars
    lines = tuple(group_boxes(boxes))
    page = OcrPage(image.width, image.height, lines, round(confidence, 4), tables)
    return page, upright


def _tables(grids: list[Grid], boxes: list[Box]) -> tuple[tuple[ScanTable, ...], list[Box]]:
    """Each ruled table with the words in its cells (a cell's lines joined with a space), and
    the boxes outside every table."""
    out: list[ScanTable] = []
    for grid in grids:
        cells: dict[tuple[int, int], list[Box]] = {}
        rest = []
        for box in boxes:
            at = grid.cell_of((box[2] + box[3]) / 2, (box[0] + box[1]) / 2)
            if at is None:
                rest.append(box)
            else:
                cells.setdefault(at, []).append(box)
        if not cells:
            continue
        boxes = rest
        inside = [b for cell in cells.values() for b in cell]
        chars = sum(len(b[4]) for b in inside) or 1
        rows = grid.rows({at: " ".join(ln.text for ln in group_boxes(cell))
                          for at, cell in cells.items()})
        out.append(ScanTable(
            grid.x0, grid.x1, grid.top, grid.bottom,
            line_height=median(b[1] - b[0] for b in inside),
            score=round(sum(len(b[4]) * b[5] for b in inside) / chars, 4),
            rows=tuple(tuple(r) for r in rows)))
    return tuple(out), boxes
