"""PDF sources: pages, rejoined lines, page furniture, letter-spacing, real contracts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from index.ingest.extract import extract_document
from index.ingest.pdf import PAGE_NUMBER_RE
from index.ingest.pdf_glyphs import undo_letter_spacing

pytest.importorskip("reportlab")
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

REAL = Path(__file__).resolve().parent.parent.parent / "shared" / "contracts-real"
FONT = "STSong-Light"
CJK = re.compile(r"[\u4e00-\u9fff]")
# Five lone CJK glyphs in a row separated by single spaces (blanks like "年 月 日" excepted).
LETTER_SPACED = re.compile(r"(?:[\u4e00-\u9fff] ){4}[\u4e00-\u9fff]")


def make_pdf(path: Path, draw) -> Path:
    """A one-page A4 PDF drawn by ``draw(canvas)`` with the built-in CJK font."""
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    c = canvas.Canvas(str(path), invariant=1)
    draw(c)
    c.showPage()
    c.save()
    return path


@pytest.fixture(scope="module")
def sample(samples: Path):
    return extract_document(samples / "数据平台技术服务合同.pdf")


def test_sample_pdf_pages_and_furniture(sample) -> None:
    assert sample.kind == "pdf"
    assert [p.number for p in sample.pages] == [1, 2, 3]
    assert sample.text.count("\f") == 2
    for page in sample.pages:
        assert "\f" not in page.text
        assert "页" not in page.text.replace("页面", "")  # footers "第 N 页" are gone
        assert "示范样本" not in page.text  # the running header is gone
    assert sample.pages[0].text.startswith("数据平台技术服务合同\n合同编号：JS-FW-2025-0427\n")


def test_sample_pdf_lines_are_rejoined(sample) -> None:
    # a page whose last paragraph ends there ends with a line break ("\n\f")
    lines = sample.text.replace("\n\f", "\f").replace("\f", "\n").split("\n")
    assert "第一条 服务内容" in lines
    assert (
        "乙方为甲方建设零售数据平台，将甲方门店收银、会员、库存及线上商城的数据汇集到统一的数据"
        "仓库中，按日生成经营分析报表，并为甲方业务人员提供自助查询工具。具体功能清单以本合同附件一"
        "《技术服务需求书》为准。"
    ) in lines
    assert any(ln.startswith("（二）支付方式：") and ln.endswith("剩余的百分之三十。")
               for ln in lines)
    assert any("乙方应在两小时内安排工程师开始排查" in ln for ln in lines)
    labelled = [ln for ln in lines if re.match(r"第[一二三四五六七八九十]+条", ln)]
    assert len(labelled) == 14
    source = (Path(__file__).resolve().parent.parent / "scripts" / "sample_pdf_source.txt")
    expected = [ln.replace(" ", "") for ln in source.read_text("utf-8").splitlines()]
    assert [ln.replace(" ", "") for ln in lines] == expected


def test_letter_spaced_line_is_undone(tmp_path) -> None:
    def draw(c) -> None:
        t = c.beginText(72, 700)
        t.setFont(FONT, 14)
        t.setCharSpace(5)
        t.textLine("（一）甲方出租给乙方的房屋")
        t.setCharSpace(0)
        t.textLine("第二条 租赁期限")
        c.drawText(t)
        c.setFont(FONT, 14)
        for i, word in enumerate(("自", "年", "月", "日起")):  # fill-in blanks: wide gaps
            c.drawString(72 + i * 40, 660, word)

    doc = extract_document(make_pdf(tmp_path / "s.pdf", draw))
    lines = ["（一）甲方出租给乙方的房屋", "第二条 租赁期限", "自 年 月 日起"]
    assert doc.text.split("\n") == lines


def test_undo_letter_spacing_text_fallback() -> None:
    assert undo_letter_spacing("注 意 事 项") == "注意事项"
    assert undo_letter_spacing("目 录") == "目录"
    assert undo_letter_spacing("年 月 日") == "年 月 日"
    assert undo_letter_spacing("出 租 方：") == "出租方："
    assert undo_letter_spacing("为 或 元 整") == "为或元整"  # a whole line of lone glyphs
    assert undo_letter_spacing("签字： 盖章：") == "签字： 盖章："
    assert undo_letter_spacing("地 址： 地 址：") == "地址： 地址："
    assert undo_letter_spacing("签 订 日 期： 年 月 日") == "签订日期： 年 月 日"
    assert undo_letter_spacing("甲方 同意 不同意 乙方") == "甲方 同意 不同意 乙方"
    assert undo_letter_spacing("国家市场监督管理总局 制定") == "国家市场监督管理总局 制定"


def test_undo_letter_spacing_of_fields_naming_their_party() -> None:
    """A signature block's two fields side by side, each naming its party or with its colon
    spaced off, as Word lease templates lay them out."""
    spaced = "出 租 方（甲方）：" + " " * 32 + "承 租 方（乙方）："
    assert undo_letter_spacing(spaced) == "出租方（甲方）： 承租方（乙方）："
    two = "身 份 证 号 码 ：     身 份 证 号 码 ："
    assert undo_letter_spacing(two) == "身份证号码： 身份证号码："
    assert undo_letter_spacing("代    理    人 ：") == "代理人："
    assert undo_letter_spacing("甲方（盖章） 乙方（签字）") == "甲方（盖章） 乙方（签字）"


def test_stray_page_number_glued_into_a_word_is_dropped(tmp_path) -> None:
    def draw(c) -> None:
        c.setFont(FONT, 12)
        c.drawString(72, 700, "逾期付款的，买受人应支付违")
        x = 72 + pdfmetrics.stringWidth("逾期付款的，买受人应支付违", FONT, 12)
        c.setFont("Helvetica", 7)
        c.drawString(x, 697, "9")
        c.setFont(FONT, 12)
        c.drawString(x + 4, 700, "约金，并在第3页签字。")

    doc = extract_document(make_pdf(tmp_path / "g.pdf", draw))
    assert doc.text == "逾期付款的，买受人应支付违约金，并在第3页签字。"


def test_bare_page_number_shapes() -> None:
    for s in ("12", "— 3 —", "- 3 -", "第 3 页", "第3页 共22页", "3/22", "Page 3 of 22",
              "-3一", "一 12 一"):  # OCR reads a dash as 一 at times
        assert PAGE_NUMBER_RE.match(s), s
    for s in ("第三条", "3.1 定义", "2025年", "第3页签字", "一3个月"):
        assert not PAGE_NUMBER_RE.match(s), s


@pytest.fixture(scope="session")
def real_pdfs() -> dict[str, object]:
    return {p.name: extract_document(p) for p in sorted(REAL.glob("*.pdf"))}


def test_real_pdfs_extract_cleanly(real_pdfs) -> None:
    assert len(real_pdfs) == 6
    for name, doc in real_pdfs.items():
        assert doc.kind == "pdf"
        assert [p.number for p in doc.pages] == list(range(1, len(doc.pages) + 1)), name
        assert len(CJK.findall(doc.text)) > 1000, name
        for page in doc.pages:
            assert "\f" not in page.text, name
            for line in page.text.split("\n"):
                assert not PAGE_NUMBER_RE.match(line), (name, page.number, line)
                assert not re.search(r"[—－-]\s*\d{1,3}\s*[—－-]\s*$", line), (name, line)
                assert not re.search(r"[。；]\d{1,2}$", line), (name, line)
                assert not LETTER_SPACED.search(line.replace("年 月 日", "")), (name, line)


def test_real_pdf_specifics(real_pdfs) -> None:
    house = real_pdfs["商品房买卖合同.pdf"].text
    assert house.count("违约金") >= 5
    assert not re.search(r"违\d+约|约\d+金", house)
    assert len(real_pdfs["商品房买卖合同.pdf"].pages) == 23
    lease = real_pdfs["租赁合同.pdf"].text
    assert "（一）甲方出租给乙方的房屋（以下简称该房屋）坐落于" in lease
    labour = real_pdfs["劳动合同.pdf"].text
    assert "— 3 —" not in labour and "乙方（劳动者）：" in labour
    assert "\n户籍地址：\n" in labour  # a form field after a "（… ）" blank line stays apart
    assert "注意事项\n一、本合同文本供用人单位" in labour
    entrust = real_pdfs["委托合同.pdf"].text
    assert "\n第四条 委托费用" in entrust
    assert "\n（现售）\n" in house and "\n（通用）\n" in labour
    # no line that starts with a clause label was glued onto the previous one, and no line is
    # blank
    for doc in real_pdfs.values():
        for line in doc.text.replace("\n\f", "\f").replace("\f", "\n").split("\n"):
            assert not re.search(r"[。；]第[一二三四五六七八九十]+条 ", line), line
            assert line.strip(), "a blank line"


def test_undo_letter_spacing_of_fields_at_their_edges() -> None:
    """A half-width colon spaced off, a party named with no colon or in more than two
    characters, and a line that starts with a colon (left as it is)."""
    assert undo_letter_spacing("身 份 证 号 码 :") == "身份证号码:"
    assert undo_letter_spacing("出 租 方（甲方）") == "出租方（甲方）"
    assert undo_letter_spacing("委 托 方（委托单位）：") == "委托方（委托单位）："
    assert undo_letter_spacing("： 注 意") == "： 注 意"
