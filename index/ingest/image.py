"""Image sources (a photo or scan of a contract: PNG, JPEG, TIFF ...) -> pages read by OCR.

Each frame of a multi-page TIFF is a page. A phone photo is turned upright by its EXIF
orientation first. Lines are joined into paragraphs by the same geometry as PDF text.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import EmptySourceError, UnreadableSourceError, UnsupportedFormatError
from ..limits import MAX_PAGES
from ..models import Document, Page
from .layout import page_layout, page_texts
from .scans import OcrOptions, read_scans
from .tables import TableReader

MAX_PIXELS = 60_000_000  # a page image larger than this is refused (a decompression bomb?)
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp", ".gif"})


def extract_image(path: Path, ocr: OcrOptions) -> Document:
    """Read every page of an image file by OCR into one Page each (numbered from 1)."""
    results = sorted(read_scans(path, _frames(path), ocr).items())
    reader = TableReader()  # a table's header carries over to the next page
    bodies = [page.text_lines(reader=reader) for _, page in results]
    texts = page_texts(bodies, [page_layout([body]) for body in bodies])
    pages = [Page(number, text) for (number, _), text in zip(results, texts, strict=True)]
    notes = [f"page {number} read with low confidence" for number, page in results
             if page.low_confidence]
    if not any(p.text.strip() for p in pages):
        raise EmptySourceError(str(path), "no text found in the image")
    return Document(source=str(path), kind="image", pages=tuple(pages), notes=tuple(notes))


def _frames(path: Path) -> list[tuple[int, Callable[[], Any]]]:
    """(page number, a function loading that frame upright) for each frame of the image."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(path) as im:
            count = getattr(im, "n_frames", 1)
            if im.width * im.height > MAX_PIXELS:
                raise UnsupportedFormatError(
                    str(path), f"image too large ({im.width}x{im.height} pixels, the limit is "
                               f"{MAX_PIXELS // 1_000_000} megapixels)")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as err:
        raise UnreadableSourceError(str(path), "not a readable image") from err
    if count > MAX_PAGES:
        raise UnsupportedFormatError(
            str(path), f"{count} pages, more than the {MAX_PAGES} we read")

    def frame(k: int) -> Callable[[], Any]:
        def load() -> Any:
            with Image.open(path) as im:
                im.seek(k)
                return ImageOps.exif_transpose(im).convert("RGB")
        return load

    return [(k + 1, frame(k)) for k in range(count)]
