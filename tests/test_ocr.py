"""OCR of scans and photos with the real engine (RapidOCR, models from its wheel), on scans made
here from the shared PDFs and from typeset text. OCR takes seconds a page: these tests read
about eight pages in all, most of them small; the full check is scripts/ocr_check.py."""

from __future__ import annotations

import difflib
import io
import json
import re
import socket
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scans import crop, image_pdf, mixed_pdf, page_subset, render_page, scanned

from index.build import build_from_sources
from index.ingest import ocr as ocr_module
from index.ingest.boxes import group_boxes, level_boxes, skew_angle
from index.ingest.pdf import extract_pdf
from index.parse import parse_contract

FILLED = "劳动合同（已填写样例）.pdf"  # page 1: title, parties, 第一条 and 第二条 by 54 %


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text).translate(str.maketrans("()", "（）"))


def _similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, _norm(a), _norm(b), autojunk=False).ratio()



@pytest.fixture(scope="module")
def scan_pair(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Pages 5-6 of 委托合同.pdf with their text layer, and the same pages as an image-only
    scan (turned ±0.7°, blurred), and an OCR cache that has read the scan once."""
    root = tmp_path_factory.mktemp("scan")
    real = shared / "contracts-real" / "委托合同.pdf"
    text = page_subset(real, [5, 6], root / "委托合同-text.pdf")
    images = [scanned(render_page(real, n), angle=a) for n, a in ((5, 0.7), (6, -0.6))]
    scan = image_pdf(images, root / "委托合同-scan.pdf")
    return {"text": text, "scan": scan, "cache": root / "cache"}


def test_a_scanned_pdf_reads_like_its_text_layer(scan_pair: dict[str, Path]) -> None:
    ref = {c.clause: c for c in parse_contract(scan_pair["text"]).clauses}
    got = {c.clause: c for c in parse_contract(scan_pair["scan"],
                                               ocr_cache=scan_pair["cache"]).clauses}
    assert len(ref) >= 5
    found = [k for k in ref if k in got]
    assert len(found) >= 0.85 * len(ref), set(ref) - set(got)
    sims = [_similarity(ref[k].text, got[k].text) for k in found]
    assert sum(sims) / len(sims) >= 0.90, sims
    assert all(got[k].page == ref[k].page for k in found)  # page numbers are kept


def test_an_unchanged_scan_is_never_read_twice(
    scan_pair: dict[str, Path], ocr_calls: list[int], tmp_path: Path
) -> None:
    first = parse_contract(scan_pair["scan"], ocr_cache=scan_pair["cache"])
    copy = tmp_path / "另一个名字.pdf"  # the cache goes by content, not by name
    copy.write_bytes(scan_pair["scan"].read_bytes())
    second = parse_contract(copy, ocr_cache=scan_pair["cache"])
    assert ocr_calls == []
    assert [c.text for c in second.clauses] == [c.text for c in first.clauses]
    [entry] = scan_pair["cache"].glob("*.json")  # plain JSON, one file per content
    assert re.fullmatch(r"[0-9a-f]{32}\.json", entry.name)
    assert sorted(json.loads(entry.read_text("utf-8"))["pages"]) == ["1", "2"]


@pytest.fixture(scope="module")
def labour_page(shared: Path) -> Any:
    """Page 1 of the filled labour contract, rendered as a scan would be."""
    return render_page(shared / "contracts-real" / FILLED, 1)


def _clauses(path: Path) -> dict[str, Any]:
    return {c.clause: c for c in parse_contract(path).clauses}


def test_a_mixed_pdf_reads_only_its_page_without_text(
    shared: Path, tmp_path: Path, ocr_calls: list[int]
) -> None:
    real = shared / "contracts-real" / "委托合同.pdf"
    ref = _clauses(page_subset(real, [5, 6, 7], tmp_path / "text.pdf"))
    contract = parse_contract(mixed_pdf(real, [5, 6, 7], 6, tmp_path / "mixed.pdf"))
    got = {c.clause: c for c in contract.clauses}
    assert ocr_calls == [1]  # only the middle page has no text layer
    assert list(got) == list(ref)
    assert [c.page for c in got.values()] == [c.page for c in ref.values()]
    assert all(_similarity(ref[k].text, got[k].text) >= 0.9 for k in ref)
    assert contract.notes == ()


def test_a_photo_turned_sideways_is_read_upright(labour_page: Any, shared: Path,
                                                 tmp_path: Path) -> None:
    """A phone photo of the top of a page, stored sideways with its EXIF orientation (JPEG)."""
    from PIL import Image

    photo = scanned(crop(labour_page, 0.09, 0.535), angle=-1.0).rotate(90, expand=True)
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: turn 90° clockwise to display
    path = tmp_path / "劳动合同照片.jpg"
    photo.save(path, "JPEG", quality=85, exif=exif)
    contract = parse_contract(path)
    assert contract.title == "劳动合同"
    assert contract.parties == {"甲方": "用人单位", "乙方": "劳动者"}
    got = {c.clause: c for c in contract.clauses}
    assert list(got) == ["第一条", "第二条"] and {c.page for c in got.values()} == {1}
    ref = _clauses(shared / "contracts-real" / FILLED)
    assert _similarity(got["第一条"].text, ref["第一条"].text) >= 0.9


def test_a_page_read_with_low_confidence_is_noted(labour_page: Any, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli import main

    band = crop(labour_page, 0.37, 0.54)
    path = tmp_path / "模糊.png"
    band.resize((band.width // 7, band.height // 7)).save(path)  # too small to read well
    contract = parse_contract(path)
    assert contract.notes == ("page 1 read with low confidence",)
    assert main(["parse", str(path), "--json"]) == 0
    assert "模糊.png: note: page 1 read with low confidence" in capsys.readouterr().err


def test_a_build_reads_images_shows_pages_and_keeps_ocr_in_the_index(
    labour_page: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The build reads the scan in a worker process (within the default read limits, which the
    OCR engine's reserved address space must not trip), shows the pages the worker reads, and
    keeps them in the index's OCR cache."""
    src, idx = tmp_path / "src", tmp_path / "idx"
    src.mkdir()
    scanned(crop(labour_page, 0.09, 0.535)).save(src / "labour.png")
    report = build_from_sources([src], idx, "use-multilingual", progress=True)
    assert (report.contracts, report.clauses, report.failed) == (1, 2, ())
    assert "OCR" in capsys.readouterr().err  # the progress bar counts the worker's pages
    [cached] = (idx / "cache" / "ocr").glob("*.json")
    written = cached.stat().st_mtime_ns  # each page read is written at once
    rules = tmp_path / "rules.txt"  # a parse setting changes: everything is parsed again ...
    rules.write_text("某某 => 某某\n", encoding="utf-8")
    again = build_from_sources([src], idx, "use-multilingual", rules_file=rules, progress=False)
    assert (again.parsed, again.clauses) == (1, 2)
    assert cached.stat().st_mtime_ns == written  # ... but the scan is not read again


def test_an_index_of_an_older_parser_parses_its_scans_again_without_ocr(
    labour_page: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Parser 27 made the preamble of a whole contract whose 第一条 heading OCR lost a 第一条;
    parser 28 keeps it. An index built by 27 parses its scans again on the next build (its
    stored parse is not kept until the file changes), from what OCR read then: no page is read
    again."""
    from index.build import versions

    src, idx = tmp_path / "src", tmp_path / "idx"
    src.mkdir()
    scanned(crop(labour_page, 0.09, 0.535)).save(src / "labour.png")
    current = versions.PARSE_VERSION
    monkeypatch.setattr(versions, "PARSE_VERSION", 27)  # as the index was built before
    first = build_from_sources([src], idx, "use-multilingual", progress=False)
    assert (first.parsed, first.clauses) == (1, 2)
    [cached] = (idx / "cache" / "ocr").glob("*.json")
    written = cached.stat().st_mtime_ns
    monkeypatch.setattr(versions, "PARSE_VERSION", current)
    again = build_from_sources([src], idx, "use-multilingual", progress=False)
    assert (again.parsed, again.reused, again.clauses) == (1, 0, 2)
    assert cached.stat().st_mtime_ns == written  # OCR did not run again
    assert [c.name for c in (idx / "cache" / "ocr").glob("*.json")] == [cached.name]


def test_ocr_never_opens_a_connection(labour_page: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The models load from the wheel by path: no download, even on a first load."""
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("OCR tried to open a network connection")

    ocr_module._engine.cache_clear()
    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    page = ocr_module.read_page(crop(labour_page, 0.37, 0.39))
    assert _similarity("".join(ln.text for ln in page.lines), "第一条 合同性质与期限") >= 0.9
    ocr_module._engine.cache_clear()  # the next test loads it with the network back


def _quad(x: float, y: float, w: float, h: float, angle: float) -> list[list[float]]:
    """A box of w x h at (x, y), turned by ``angle`` radians about the page origin."""
    cos, sin = np.cos(angle), np.sin(angle)
    corners = [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
    return [[cx * cos - cy * sin, cx * sin + cy * cos] for cx, cy in corners]


def test_boxes_of_a_skewed_page_group_into_its_lines() -> None:
    """2° of skew moves a box 56 px over a 1,600 px line: still one line, left to right, with a
    space where a form leaves a blank."""
    angle = np.radians(2)
    boxes = [("出卖人：", 100, 100, 160), ("买受人：", 1400, 100, 160),
             ("第一条 甲方应于", 100, 160, 300), ("年 月 日前付款。", 700, 160, 300),
             ("第二条 乙方应按时交货。", 100, 220, 600)]
    quads = np.array([_quad(x, y, w, 40, angle) for _, x, y, w in boxes])
    level = level_boxes(quads, [b[0] for b in boxes], [0.99] * len(boxes), skew_angle(quads))
    lines = group_boxes(level)
    assert [ln.text for ln in lines] == [
        "出卖人： 买受人：", "第一条 甲方应于 年 月 日前付款。", "第二条 乙方应按时交货。"]
    assert all(ln.bottom - ln.top < 50 for ln in lines)  # the skew is undone, boxes are level


def test_a_scanned_table_reads_like_its_text_layer(shared: Path, tmp_path: Path) -> None:
    """The inventory of 租赁合同.pdf, scanned: its rows come out as the typed table's do
    (``项目：冷水``), the header carried over to the next page, not as loose cells."""
    real = shared / "contracts-real" / "租赁合同.pdf"
    text = page_subset(real, [18, 19], tmp_path / "typed.pdf")
    scan = image_pdf([scanned(render_page(real, 18)), scanned(render_page(real, 19), -0.6)],
                     tmp_path / "scan.pdf")
    typed, read = extract_pdf(text), extract_pdf(scan)
    assert [p.text for p in read.pages] == [p.text for p in typed.pages]
    lines = read.pages[1].text.split("\n")
    assert lines[:2] == ["项目：电话费", "项目：物业费"]  # the header of page 18's table
    assert "卧室" in lines and "项目：床" in lines


def test_a_cache_from_before_tables_is_read_again_only_where_a_table_is(
        shared: Path, tmp_path: Path, ocr_calls: list[int]) -> None:
    """An OCR cache of format 1 (written before ruled tables were read): a page without a ruled
    table is taken from it as it is, and only the page with one is read by OCR again."""
    from index.ingest.scans import OcrOptions, content_keys

    real = shared / "contracts-real" / "租赁合同.pdf"
    # less to read: the top of page 17 (no table), and page 18's inventory, the foot cut off
    scan = image_pdf([scanned(crop(render_page(real, 17), 0, 0.4)),
                      scanned(crop(render_page(real, 18), 0.42, 0.87))], tmp_path / "scan.pdf")
    cache = tmp_path / "cache"
    first = extract_pdf(scan, OcrOptions(cache_dir=cache))
    assert len(ocr_calls) == 2
    current, *_, format1 = content_keys(scan)
    data = json.loads((cache / f"{current}.json").read_text("utf-8"))
    for page in data["pages"].values():
        del page["tables"]  # as format 1 wrote it
    (cache / f"{format1}.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    (cache / f"{current}.json").unlink()
    again = extract_pdf(scan, OcrOptions(cache_dir=cache))
    assert len(ocr_calls) == 3  # page 2 (the inventory) only
    assert [p.text for p in again.pages] == [p.text for p in first.pages]
    assert "项目：冷水" in again.pages[1].text.split("\n")
    assert "unchecked" not in json.loads((cache / f"{current}.json").read_text("utf-8"))


def test_ocr_page_round_trips_through_plain_json() -> None:
    table = ocr_module.ScanTable(1.0, 9.0, 5.0, 8.0, 2.0, 0.95, (("项目", "单价"), ("卧室", None)))
    page = ocr_module.OcrPage(100, 200, (ocr_module.OcrLine("第一条", 1.0, 2.0, 3.0, 4.0, 0.9),),
                              0.9, (table,))
    data = json.loads(json.dumps(page.as_json()))
    assert ocr_module.OcrPage.from_json(data) == page
    assert page.low_confidence is False and ocr_module.OcrPage(1, 1, (), 0.8).low_confidence


def test_image_bytes_of_every_kind_are_taken_for_images(labour_page: Any, tmp_path: Path,
                                                        ) -> None:
    from index.ingest.extract import _detect_kind

    image = crop(labour_page, 0.37, 0.39)
    for fmt, suffix in (("PNG", ".png"), ("JPEG", ".jpg"), ("TIFF", ".tif"), ("WEBP", ".webp")):
        buf = io.BytesIO()
        image.save(buf, fmt)
        path = tmp_path / f"scan{suffix}"
        path.write_bytes(buf.getvalue())
        assert _detect_kind(path, buf.getvalue()[:12]) == "image", fmt
        misnamed = tmp_path / f"scan-{fmt}.txt"
        misnamed.write_bytes(buf.getvalue())
        assert _detect_kind(misnamed, buf.getvalue()[:12]) == "image", fmt


def test_a_scan_stamped_with_a_line_of_text_is_still_read(labour_page: Any,
                                                          tmp_path: Path) -> None:
    """A scanned page an e-signing service stamped with a line of text (DocuSign's envelope
    id, 60 characters): the page is the image under it, not that line."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = scanned(crop(labour_page, 0.09, 0.535))
    path = tmp_path / "劳动合同-签署.pdf"
    size = (image.width * 72 / 200, image.height * 72 / 200)
    pdf = canvas.Canvas(str(path), pagesize=size)
    pdf.drawImage(ImageReader(image), 0, 0, *size)
    pdf.setFont("Helvetica", 6)
    pdf.drawString(20, size[1] - 10, "DocuSign Envelope ID: 3F2A9C41-7B1D-4E2A-9C3B-8D5E6F7A1B2C")
    pdf.showPage()
    pdf.save()
    contract = parse_contract(path)
    assert contract.title == "劳动合同"
    assert [c.clause for c in contract.clauses] == ["第一条", "第二条"]


def test_a_photo_that_is_not_a_contract_is_named_so(tmp_path: Path) -> None:
    """A photo of something else (a receipt in English) is refused as a text file would be;
    it was indexed as a contract of one paragraph."""
    from PIL import Image, ImageDraw

    from index.errors import NotAContractError

    image = Image.new("L", (900, 120), 255)
    ImageDraw.Draw(image).text((20, 40), "Receipt 0412  TOTAL 12.50 USD  Thank you!", fill=0,
                               font_size=32)
    path = tmp_path / "receipt.png"
    image.save(path)
    with pytest.raises(NotAContractError, match="does not look like a contract"):
        parse_contract(path)


def test_a_scan_pasted_into_word_is_read_by_ocr(labour_page: Any, tmp_path: Path) -> None:
    """A DOCX that holds only the picture of a scanned page (a scan pasted into Word) was
    "the document holds no text"; its pictures are now read as the pages of a scan."""
    import docx
    from docx.shared import Inches

    picture = tmp_path / "page.png"
    scanned(crop(labour_page, 0.09, 0.535)).save(picture)
    document = docx.Document()
    document.add_picture(str(picture), width=Inches(6))
    path = tmp_path / "劳动合同扫描件.docx"
    document.save(str(path))
    contract = parse_contract(path)
    assert contract.title == "劳动合同"
    assert [c.clause for c in contract.clauses] == ["第一条", "第二条"]
    assert {c.page for c in contract.clauses} == {1}  # the picture's number


def _picture(size: tuple[int, int], text: str) -> Any:
    """A picture of ``size`` pixels with a little ASCII text on it (a stamp, a signature)."""
    from PIL import Image, ImageDraw

    image = Image.new("L", size, 255)
    ImageDraw.Draw(image).text((20, size[1] // 3), text, fill=0, font_size=40)
    return image


def test_scan_pages_pasted_among_typed_text_are_read_in_order(
    labour_page: Any, tmp_path: Path, ocr_calls: list[int]
) -> None:
    """A DOCX of typed clauses with a scanned page pasted before them: the picture was ignored
    because the document had text. Pictures of pages are read where they stand; a stamp and a
    signature (large enough in pixels, but shown small) are not read."""
    import docx
    from docx.shared import Cm, Inches

    scan, stamp, signature = tmp_path / "page.png", tmp_path / "seal.png", tmp_path / "sign.png"
    scanned(crop(labour_page, 0.09, 0.535)).save(scan)
    _picture((700, 700), "SEAL 0412 CONTRACT").save(stamp)
    _picture((1000, 300), "Zhang San 2025").save(signature)
    document = docx.Document()
    document.add_picture(str(scan), width=Inches(6))
    document.add_paragraph("第三条 工作时间与休息休假")
    document.add_paragraph("执行标准工时制，工作时间9:30—18:30，周一至周五。")
    document.add_picture(str(stamp), width=Cm(4))
    document.add_paragraph("第四条 劳动报酬")
    document.add_paragraph("试用期工资：税前8,000元。")
    document.add_picture(str(signature), width=Cm(5))
    path = tmp_path / "劳动合同部分扫描.docx"
    document.save(str(path))
    contract = parse_contract(path)
    assert ocr_calls == [1]  # the page, not the stamp or the signature
    assert contract.title == "劳动合同"
    assert [(c.clause, c.page) for c in contract.clauses] == [
        ("第一条", 1), ("第二条", 1), ("第三条", None), ("第四条", None)]
    last = contract.clauses[-1]
    assert (last.title, last.text) == ("劳动报酬", "试用期工资：税前8,000元。")
    assert contract.parties["甲方"] == "用人单位"
