"""A photographed sheet of paper: its four corners found on a darker ground, and the sheet
flattened to a rectangle.

A phone holds the page at a slant, so the photo shows it narrower at the far edge. OCR reads
the text of such a photo well (its boxes are quadrilaterals), but the rules of a table are
found as horizontal and vertical runs of ink (``grids``), and in perspective they are neither.
Flattening the sheet makes them straight again.

The sheet is taken only when nothing else is likely: the largest bright region (Otsu's
threshold) is a quadrilateral covering a fifth of the image or more, whole inside the frame, on
a plain ground (no text or drawing beside the sheet). A scan, a page that runs out
of the frame, a page on a light table or among other papers is left as it is. Array code
(OpenCV, which comes with the OCR engine) on a copy 800 pixels long. OpenCV is imported when
a page is read, not with the index: it would cost every ``ask`` 80 ms and 16 MB.
"""

from __future__ import annotations

from typing import Any

import numpy as np

SMALL = 800  # pixels on the long side of the copy the sheet is looked for on
MIN_AREA, MAX_AREA = 0.2, 0.97  # shares of the image a sheet covers
MARGIN = 0.01  # share of the image's size each corner keeps from its border
MAX_GROUND_EDGES = 0.02  # share of the ground's pixels that may be edges (text, objects)
_BAND = 6  # pixels (on the copy) of ground along the sheet's outline not looked at


def find_sheet(gray: np.ndarray) -> np.ndarray | None:
    """The corners of a sheet of paper photographed on a darker ground (top-left, top-right,
    bottom-right, bottom-left; x, y in pixels of ``gray``, a 2-D uint8 array), or None."""
    import cv2

    height, width = gray.shape
    k = SMALL / max(height, width)
    small = cv2.resize(gray, (max(1, round(width * k)), max(1, round(height * k))),
                       interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (5, 5), 0)
    mask = _largest_bright_region(small)
    if mask is None:
        return None
    corners = _quadrilateral(mask)
    if corners is None or not _inside_frame(corners, small.shape):
        return None
    if not _plain_ground(small, corners):
        return None
    return corners / k


def flatten_sheet(image: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """The sheet at ``corners`` of ``image`` (H × W or H × W × 3) turned into a rectangle as
    wide and as high as its longer edges."""
    import cv2

    tl, tr, br, bl = corners
    width = round(max(np.hypot(*(tr - tl)), np.hypot(*(br - bl))))
    height = round(max(np.hypot(*(bl - tl)), np.hypot(*(br - tr))))
    target = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(corners.astype(np.float32), target)
    out: np.ndarray = cv2.warpPerspective(image, matrix, (width, height), flags=cv2.INTER_CUBIC,
                                          borderMode=cv2.BORDER_REPLICATE)
    return out


def flattened(image: Any) -> Any:
    """``image`` (a PIL image) with a photographed sheet flattened, or ``image`` itself when
    it shows none."""
    from PIL import Image

    corners = find_sheet(np.asarray(image.convert("L")))
    if corners is None:
        return image
    return Image.fromarray(flatten_sheet(np.asarray(image), corners))


def _largest_bright_region(small: np.ndarray) -> np.ndarray | None:
    """The largest region brighter than Otsu's threshold, when its size may be a sheet's."""
    import cv2

    _, bright = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    bright = cv2.morphologyEx(bright, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(bright, connectivity=4)
    if count < 2:
        return None
    best = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    share = stats[best, cv2.CC_STAT_AREA] / small.size
    if not MIN_AREA <= share <= MAX_AREA:
        return None
    return (labels == best).astype(np.uint8)


def _quadrilateral(mask: np.ndarray) -> np.ndarray | None:
    """The four corners of ``mask``'s outline when it is a quadrilateral (its convex hull has
    four corners and covers it within 4 %), in reading order; else None."""
    import cv2

    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    outline = cv2.convexHull(max(contours, key=cv2.contourArea))
    quad = cv2.approxPolyDP(outline, 0.02 * cv2.arcLength(outline, True), True)
    if len(quad) != 4:
        return None
    quad = quad.reshape(4, 2).astype(np.float64)
    area, covered = float(cv2.contourArea(quad.astype(np.float32))), float(mask.sum())
    if not 0.96 <= covered / max(area, 1.0) <= 1.04:
        return None
    total, diff = quad.sum(axis=1), quad[:, 1] - quad[:, 0]
    order = [int(np.argmin(total)), int(np.argmin(diff)), int(np.argmax(total)),
             int(np.argmax(diff))]
    if len(set(order)) != 4:
        return None
    return quad[order]


def _inside_frame(corners: np.ndarray, shape: tuple[int, ...]) -> bool:
    """Whether every corner keeps ``MARGIN`` from the image's border (the sheet is whole)."""
    height, width = shape[:2]
    mx, my = MARGIN * width, MARGIN * height
    xs, ys = corners[:, 0], corners[:, 1]
    return bool((xs >= mx).all() and (xs <= width - 1 - mx).all()
                and (ys >= my).all() and (ys <= height - 1 - my).all())


def _plain_ground(small: np.ndarray, corners: np.ndarray) -> bool:
    """Whether the ground around the sheet is plain: few edges (no text or drawing) beyond a
    band along the sheet's outline."""
    import cv2

    sheet = np.zeros(small.shape, np.uint8)
    cv2.fillConvexPoly(sheet, corners.round().astype(np.int32), 1)
    near = cv2.dilate(sheet, np.ones((4 * _BAND + 1, 4 * _BAND + 1), np.uint8))
    ground = near == 0
    if not ground.any():
        return False
    edges = cv2.Canny(small, 50, 150) > 0
    return float(edges[ground].mean()) <= MAX_GROUND_EDGES
