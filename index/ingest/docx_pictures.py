"""The pictures of a DOCX that show pages of a contract (scans pasted into Word), not its logos,
stamps or signatures.

A page, or a band of one, is pasted across the text column; a logo, a company seal (about 4 cm)
or a signature is shown small even when its picture has many pixels. So a picture counts as a
page when Word shows it at least ``MIN_SHOWN_WIDTH_CM`` wide and ``MIN_SHOWN_HEIGHT_CM`` high
(where the document says how large it is shown), and has the pixels of one
(``image.is_page_picture``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_V = "{urn:schemas-microsoft-com:vml}"
_WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
MIN_SHOWN_WIDTH_CM = 10.0  # two thirds of an A4 text column: a seal or a signature is narrower
MIN_SHOWN_HEIGHT_CM = 4.0  # a banner logo across the page is lower
_EMU_PER_CM = 360_000
_CM_PER_UNIT = {"cm": 1.0, "mm": 0.1, "in": 2.54, "pt": 2.54 / 72, "pc": 2.54 / 6,
                "px": 2.54 / 96, "": 2.54 / 96}
_VML_SIZE = re.compile(r"(?:^|;)\s*(width|height)\s*:\s*([\d.]+)\s*(cm|mm|in|pt|pc|px|)\s*(?=;|$)")


def shown_pictures(element: Any, part: Any) -> Iterator[bytes]:
    """The bytes of each picture inside ``element`` (a paragraph, a table) that Word shows at
    the size of a page, in document order (DrawingML, and the VML of older Word files)."""
    for node in element.iter(f"{_A}blip", f"{_V}imagedata"):
        size = _shown_size_cm(node)
        if size is not None and (size[0] < MIN_SHOWN_WIDTH_CM or size[1] < MIN_SHOWN_HEIGHT_CM):
            continue
        rid = node.get(f"{_R}embed") if node.tag == f"{_A}blip" else node.get(f"{_R}id")
        related = part.related_parts.get(rid) if rid else None
        if related is not None and hasattr(related, "blob"):
            yield related.blob


def _shown_size_cm(node: Any) -> tuple[float, float] | None:
    """(width, height) in cm at which Word shows the picture of a ``a:blip`` or
    ``v:imagedata``, or None when the document does not say."""
    parent = node.getparent()
    while parent is not None:
        if parent.tag in (f"{_WP}inline", f"{_WP}anchor"):
            extent = parent.find(f"{_WP}extent")
            try:
                return (int(extent.get("cx")) / _EMU_PER_CM, int(extent.get("cy")) / _EMU_PER_CM)
            except (AttributeError, TypeError, ValueError):
                return None
        if parent.tag == f"{_V}shape":
            sizes = {name: float(value) * _CM_PER_UNIT[unit]
                     for name, value, unit in _VML_SIZE.findall(parent.get("style") or "")
                     if value.count(".") <= 1}
            return (sizes["width"], sizes["height"]) if len(sizes) == 2 else None
        parent = parent.getparent()
    return None
