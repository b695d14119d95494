"""Scans made inside the tests: pages of the shared real PDFs rendered to images (pypdfium2),
turned and blurred a little as a scanner or a phone does it (Pillow), saved as image-only PDFs,
mixed into PDFs with a text layer, or cropped into photos. (Their fonts are embedded; text
typeset here could not be rendered: the machine has no Chinese font.)"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

SCAN_DPI = 200


def render_page(pdf: Path, number: int, dpi: int = SCAN_DPI) -> Any:
    """Page ``number`` (1-based) of ``pdf`` as a grey PIL image."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        return doc[number - 1].render(scale=dpi / 72).to_pil().convert("L")
    finally:
        doc.close()


def scanned(image: Any, angle: float = 0.8, blur: float = 0.7) -> Any:
    """``image`` as a scanner gives it back: slightly turned and blurred."""
    from PIL import ImageFilter

    turned = image.rotate(angle, expand=True, fillcolor=255, resample=3)
    return turned.filter(ImageFilter.GaussianBlur(blur))


def image_pdf(images: Sequence[Any], out: Path) -> Path:
    """An image-only PDF (no text layer), one page per image at the scan resolution."""
    images[0].save(out, save_all=True, append_images=list(images[1:]), resolution=SCAN_DPI)
    return out


def page_subset(pdf: Path, pages: Sequence[int], out: Path) -> Path:
    """A PDF of some pages of ``pdf`` (1-based numbers), text layer kept."""
    import pypdfium2 as pdfium

    src = pdfium.PdfDocument(str(pdf))
    new = pdfium.PdfDocument.new()
    new.import_pages(src, [p - 1 for p in pages])
    new.save(str(out))
    new.close()
    src.close()
    return out


def crop(image: Any, top: float, bottom: float) -> Any:
    """The band of ``image`` between ``top`` and ``bottom`` (shares of its height)."""
    return image.crop((0, round(top * image.height), image.width, round(bottom * image.height)))


def mixed_pdf(pdf: Path, pages: Sequence[int], scan: int, out: Path) -> Path:
    """``pages`` of ``pdf`` (1-based) with their text layer, except page ``scan``, which is
    replaced by an image-only scan of itself."""
    import pypdfium2 as pdfium

    image_only = image_pdf([scanned(render_page(pdf, scan))], out.with_suffix(".scan.pdf"))
    src, scanned_doc = pdfium.PdfDocument(str(pdf)), pdfium.PdfDocument(str(image_only))
    new = pdfium.PdfDocument.new()
    for number in pages:
        if number == scan:
            new.import_pages(scanned_doc, [0])
        else:
            new.import_pages(src, [number - 1])
    new.save(str(out))
    for doc in (new, src, scanned_doc):
        doc.close()
    return out


def photographed(image: Any, slant: float = 0.1, ground: int = 95) -> Any:
    """``image`` as a phone photographs the page lying on a plain desk of grey ``ground``:
    narrower at the far (top) edge by ``slant`` of its width on each side, a little turned,
    lit from the right, blurred. Also the corners of the page in the photo."""
    import cv2
    import numpy as np
    from PIL import Image, ImageFilter

    width, height = image.size
    canvas_w, canvas_h = round(width * 1.15), round(height * 1.12)
    corners = [(canvas_w * (0.07 + 0.6 * slant), canvas_h * 0.05),
               (canvas_w * (0.94 - 0.6 * slant), canvas_h * 0.04),
               (canvas_w * 0.96, canvas_h * 0.96), (canvas_w * 0.03, canvas_h * 0.95)]
    page = [(0, 0), (width, 0), (width, height), (0, height)]
    # PIL maps each pixel of the photo back to the page: the perspective from photo to page
    coeffs = cv2.getPerspectiveTransform(np.array(corners, np.float32),
                                         np.array(page, np.float32)).flatten()[:8].tolist()
    size = (canvas_w, canvas_h)
    noise = np.random.default_rng(0).normal(ground, 12, (canvas_h, canvas_w))
    photo = Image.fromarray(np.clip(noise, 0, 255).astype(np.uint8))
    sheet = image.convert("L").transform(size, Image.Transform.PERSPECTIVE, coeffs,
                                         resample=Image.Resampling.BICUBIC)
    where = Image.new("L", image.size, 255).transform(size, Image.Transform.PERSPECTIVE, coeffs)
    photo.paste(sheet, (0, 0), where)
    lit = np.asarray(photo).astype(float) * np.linspace(0.85, 1.0, canvas_w)[None, :]
    out = Image.fromarray(np.clip(lit, 0, 255).astype(np.uint8))
    return out.filter(ImageFilter.GaussianBlur(0.8)), np.array(corners)
