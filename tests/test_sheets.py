"""A photographed sheet (index.ingest.sheets): found to its corners on a plain desk and
flattened, so that a table photographed at a slant is one table again; a scan, a page out of
the frame, on a light desk or among other papers is left as it is. And a real page of a
table, photographed so, reads like its text layer."""

from __future__ import annotations

import json
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from scans import crop, image_pdf, page_subset, photographed, render_page, scanned

from index.ingest.grids import find_grids, ink_mask, ink_skew
from index.ingest.pdf import extract_pdf
from index.ingest.sheets import find_sheet, flatten_sheet, flattened

RULES = list(range(150, 1300, 70))  # a table the height of the page: 16 rows of 3 cells


def table_page() -> Image.Image:
    page = np.full((1400, 1000), 255, np.uint8)
    for y in RULES:
        page[y:y + 3, 100:903] = 0
    for top, bottom in pairwise(RULES):
        for x in (100, 300, 600, 900):
            page[top:bottom + 3, x:x + 3] = 0
    return Image.fromarray(page)


def grid_shapes(image: Image.Image) -> list[tuple[int, int]]:
    """(rules, column boundaries) of each ruled table found on ``image``."""
    return [(len(g.rules), len(g.bounds)) for g in find_grids(ink_mask(image, ink_skew(image)))]


@pytest.mark.parametrize("slant", [0.0, 0.05, 0.1])
def test_a_sheet_on_a_desk_is_found_to_its_corners_and_its_table_is_one_again(
        slant: float) -> None:
    photo, corners = photographed(table_page(), slant)
    found = find_sheet(np.asarray(photo))
    assert found is not None
    assert np.abs(found - corners).max() < 0.005 * max(photo.size)  # within 8 pixels
    assert len(grid_shapes(photo)) > 1  # in perspective the table falls apart
    flat = Image.fromarray(flatten_sheet(np.asarray(photo), found))
    assert grid_shapes(flat) == [(len(RULES), 4)]
    assert grid_shapes(flattened(photo)) == [(len(RULES), 4)]


@pytest.mark.parametrize("turn", [-15, 20])
def test_a_sheet_turned_further_than_the_skew_search_on_the_desk_is_turned_back(
        turn: float) -> None:
    """The grid finder looks for a skew within 5°; a sheet lying turned further on the desk
    is turned level by flattening it."""
    photo, _ = photographed(table_page(), 0.05)
    turned = photo.rotate(turn, expand=True, fillcolor=95)
    assert grid_shapes(turned) == []
    assert grid_shapes(flattened(turned)) == [(len(RULES), 4)]


def test_a_scan_and_a_page_out_of_the_frame_are_left_as_they_are() -> None:
    page = table_page()
    assert find_sheet(np.asarray(scanned(page))) is None  # the page fills the image
    photo, _ = photographed(page, 0.05)
    cut = photo.crop((0, 0, photo.width, photo.height * 2 // 3))  # its foot out of the frame
    assert find_sheet(np.asarray(cut)) is None
    assert flattened(cut) is cut


def test_a_sheet_on_a_light_desk_or_among_papers_is_left_as_it_is() -> None:
    page = table_page()
    light, _ = photographed(page, 0.05, ground=225)  # too near the paper's white to tell it
    assert find_sheet(np.asarray(light)) is None
    photo, _ = photographed(page, 0.05)
    busy = np.asarray(photo).copy()
    for y in range(10, busy.shape[0] - 10, 24):  # lines of writing on the desk, beside the page
        busy[y:y + 2, 2:30] = 255
    assert find_sheet(busy) is None
    assert find_sheet(np.asarray(photo)) is not None  # the same photo on a plain desk


def test_a_table_photographed_at_a_slant_reads_like_its_text_layer(
        shared: Path, tmp_path: Path) -> None:
    """Page 19 of 租赁合同.pdf (a table the height of the page), photographed on a desk at a
    slant: its rows come out as the typed table's do."""
    real = shared / "contracts-real" / "租赁合同.pdf"
    typed = extract_pdf(page_subset(real, [19], tmp_path / "typed.pdf"))
    photo, _ = photographed(render_page(real, 19), 0.1)
    read = extract_pdf(image_pdf([photo], tmp_path / "photo.pdf"))
    assert [p.text for p in read.pages] == [p.text for p in typed.pages]
    assert "项目：床头柜" in read.pages[0].text.split("\n")


def test_a_cache_from_before_sheets_is_read_again_only_where_a_sheet_is(
        shared: Path, tmp_path: Path, ocr_calls: list[int]) -> None:
    """An OCR cache of format 2 (written before sheets were flattened): a scanned page is taken
    from it as it is, and only the photographed one is read by OCR again."""
    from index.ingest.scans import OcrOptions, content_keys

    real = shared / "contracts-real" / "劳动合同.pdf"
    # the top third of each page: a sheet on a desk all the same, a third of the text to read
    photo, _ = photographed(crop(render_page(real, 3), 0, 0.34), 0.1)
    pdf = image_pdf([scanned(crop(render_page(real, 2), 0, 0.34)), photo],
                    tmp_path / "scans.pdf")
    cache = tmp_path / "cache"
    first = extract_pdf(pdf, OcrOptions(cache_dir=cache))
    assert len(ocr_calls) == 2
    current, _, _, format2, _ = content_keys(pdf)
    (cache / f"{current}.json").rename(cache / f"{format2}.json")
    again = extract_pdf(pdf, OcrOptions(cache_dir=cache))
    assert len(ocr_calls) == 3  # the photo only
    assert [p.text for p in again.pages] == [p.text for p in first.pages]
    assert "unchecked" not in json.loads((cache / f"{current}.json").read_text("utf-8"))


def test_opencv_is_loaded_only_to_read_a_page() -> None:
    """Asking (the index, the bot, the command line) does not load OpenCV or the OCR engine:
    they cost a question's process 80 ms and 16 MB."""
    code = ("import sys\nimport index, bot.app, bot.cli\n"
            "assert 'cv2' not in sys.modules and 'rapidocr' not in sys.modules\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
