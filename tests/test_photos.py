"""Photos as phones take them, read by the real OCR engine: sizes beyond the page limit."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from scans import crop, render_page, scanned

from index.errors import UnsupportedFormatError
from index.parse import parse_contract


def test_a_phone_photo_of_108_megapixels_is_read(shared: Path, tmp_path: Path) -> None:
    """A JPEG of 110 megapixels (a phone's 108 MP mode, sent as a file) was refused as "image
    too large": it is decoded at a quarter of its size (JPEG draft), then scaled down as every
    photo is, and Pillow's warning about its size is not printed."""
    from PIL import Image

    page = scanned(crop(render_page(shared / "contracts-real" / "劳动合同（已填写样例）.pdf", 1),
                        0.09, 0.535))
    big = page.resize((page.width * 8, page.height * 8), Image.Resampling.BILINEAR)
    assert big.width * big.height > 100_000_000
    path = tmp_path / "IMG_20261129_101500.jpg"
    big.save(path, "JPEG", quality=80)
    del big
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        contract = parse_contract(path)
    assert not [w for w in caught if issubclass(w.category, Image.DecompressionBombWarning)]
    assert contract.title == "劳动合同"
    assert [c.clause for c in contract.clauses] == ["第一条", "第二条"]


def test_an_image_too_large_even_for_a_draft_says_so(tmp_path: Path) -> None:
    """A PNG over the page limit, and a JPEG over what Pillow opens at all, are "image too
    large" (the JPEG was "not a readable image")."""
    from PIL import Image

    png = tmp_path / "huge.png"
    Image.new("1", (9000, 7000), 1).save(png)
    jpeg = tmp_path / "huge.jpg"
    Image.new("L", (16000, 12000), 255).save(jpeg, "JPEG", quality=10)
    for path in (png, jpeg):
        with pytest.raises(UnsupportedFormatError, match="image too large"):
            parse_contract(path)
