"""Image sources (a photo or scan of a contract: PNG, JPEG, TIFF ...) -> pages read by OCR.

Each frame of a multi-page TIFF is a page. A phone photo is turned upright by its EXIF
orientation first. Lines are joined into paragraphs by the same geometry as PDF text.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..errors import EmptySourceError, UnreadableSourceError, UnsupportedFormatError
from ..limits import MAX_PAGES
from ..models import Document, Page
from .layout import page_layout, page_texts
from .ocr import MAX_SIDE
from .scans import OcrOptions, read_scans
from .tables import TableReader

MAX_PIXELS = 60_000_000  # a page image larger than this is refused (a decompression bomb?)
# A JPEG (a phone's 64 or 108 MP photo) is decoded at a fraction of its size (its "draft"), as
# large as OCR reads it: it may be larger, up to what Pillow opens at all.
MAX_JPEG_PIXELS = 170_000_000
_JPEG_FORMATS = ("JPEG", "MPO")
MIN_PICTURE_PIXELS = 250_000  # a smaller picture in a document is a logo or a stamp, not a page
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp", ".gif"})


Frame = tuple[int, Callable[[], Any]]  # (page number, a function loading that page's image)


def extract_image(path: Path, ocr: OcrOptions) -> Document:
    """Read every page of an image file by OCR into one Page each (numbered from 1)."""
    pages, notes = read_pictures(path, _frames(path), ocr)
    if not any(p.text.strip() for p in pages):
        raise EmptySourceError(str(path), "no text found in the image")
    return Document(source=str(path), kind="image", pages=pages, notes=notes)


def read_pictures(path: Path, frames: list[Frame],
                  ocr: OcrOptions) -> tuple[tuple[Page, ...], tuple[str, ...]]:
    """The pages of ``path`` that ``frames`` load, read by OCR (cached by the content of
    ``path``), lines joined into paragraphs; and a note for each page read with low
    confidence."""
    results = sorted(read_scans(path, frames, ocr).items())
    reader = TableReader()  # a table's header carries over to the next page
    bodies = [page.text_lines(reader=reader) for _, page in results]
    texts = page_texts(bodies, [page_layout([body]) for body in bodies])
    pages = tuple(Page(number, text) for (number, _), text in zip(results, texts, strict=True))
    notes = tuple(f"page {number} read with low confidence" for number, page in results
                  if page.low_confidence)
    return pages, notes


def picture_frames(blobs: list[bytes]) -> list[Frame]:
    """Pictures held in a file (a DOCX's), as pages numbered from 1: each loaded upright
    (EXIF), in RGB. A picture too small to be a page (a logo) or too large to read is left
    out."""
    return [(k, _loader(blob)) for k, blob in enumerate(filter(is_page_picture, blobs), 1)]


def is_page_picture(blob: bytes) -> bool:
    """Whether a picture held in a file has the pixels of a page (a smaller one is a logo or
    a stamp) and is not too large to read."""
    from PIL import Image, UnidentifiedImageError

    try:
        with _quiet(), Image.open(io.BytesIO(blob)) as im:
            return MIN_PICTURE_PIXELS <= im.width * im.height <= MAX_PIXELS
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        return False


def _loader(blob: bytes) -> Callable[[], Any]:
    def load() -> Any:
        from PIL import Image, ImageOps

        with _quiet(), Image.open(io.BytesIO(blob)) as im:
            return ImageOps.exif_transpose(im).convert("RGB")
    return load


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Pillow's warning about an image's size silenced: the limits above are checked here."""
    from PIL import Image

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        yield


def _draft_size(width: int, height: int) -> tuple[int, int]:
    """The size a JPEG is decoded at least at: its own scaled to ``MAX_SIDE`` on the long side
    (OCR scales it there anyway), never more than the page limit."""
    k = min(1.0, MAX_SIDE / max(width, height, 1))
    return max(1, round(width * k)), max(1, round(height * k))


def _frames(path: Path) -> list[Frame]:
    """(page number, a function loading that frame upright) for each frame of the image."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with _quiet(), Image.open(path) as im:
            count = getattr(im, "n_frames", 1)
            limit = MAX_JPEG_PIXELS if im.format in _JPEG_FORMATS else MAX_PIXELS
            if im.width * im.height > limit:
                raise UnsupportedFormatError(
                    str(path), f"image too large ({im.width}x{im.height} pixels, the limit is "
                               f"{limit // 1_000_000} megapixels)")
    except Image.DecompressionBombError as err:  # larger than Pillow opens at all
        raise UnsupportedFormatError(
            str(path), f"image too large (the limit is {MAX_PIXELS // 1_000_000} megapixels, "
                       f"{MAX_JPEG_PIXELS // 1_000_000} for a JPEG)") from err
    except (UnidentifiedImageError, OSError) as err:
        raise UnreadableSourceError(str(path), "not a readable image") from err
    if count > MAX_PAGES:
        raise UnsupportedFormatError(
            str(path), f"{count} pages, more than the {MAX_PAGES} we read")

    def frame(k: int) -> Callable[[], Any]:
        def load() -> Any:
            with _quiet(), Image.open(path) as im:
                im.seek(k)
                if im.format in _JPEG_FORMATS:
                    im.draft("RGB", _draft_size(im.width, im.height))
                return ImageOps.exif_transpose(im).convert("RGB")
        return load

    return [(k + 1, frame(k)) for k in range(count)]
