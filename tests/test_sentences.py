"""Line breaks inside a sentence are joined in PDF, DOCX and text sources alike, across page
breaks too; headings, list items, form fields, table rows and party lines keep their lines."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from index.ingest.sentences import continues_sentence
from index.parse import parse_contract

OPEN = "出卖人应当在交付日期届满前将查验房屋的通知书面送达买受人。买受人未收到交"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (OPEN, "付通知书的，以本合同约定的交付日期届满之日为办理交付手续的时间。"),
        ("更换总监理工程师的，监理人应提前 7 天书面通知承包",
         "人；更换其他监理人员，监理人应提前 48 小时书面通知承包人。"),
        ("以上设施在约定交付日未达到交付条件的，出卖人按照本合同",
         "第十三条的约定承担逾期交付责任。"),  # a reference, not a clause label
        ("发生的纠纷，可由双方协商解决，协商不成的，按下列第", "种方式解决："),
        ("根据《中华人民共和国民法典》及有关法律规定，遵循平等、",
         "自愿、公平和诚实信用的原则，双方就工程施工及有关事项协商一致。"),
    ],
)
def test_a_sentence_left_open_goes_on(before: str, after: str) -> None:
    assert continues_sentence(before, after)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (OPEN + "。", "付通知书的"),  # the sentence ended
        ("第十二条 交付时间和手续", "出卖人应当在约定日期前交付该商品房。"),  # a heading
        ("签订。十一、补充协议", "合同未尽事宜，合同当事人另行签订补充协议。"),  # heading after 。
        ("甲方：现金＿＿＿＿元", "机械设备＿＿＿＿元"),  # form fields
        ("机械设备＿＿＿＿元", "厂房＿＿＿＿元"),  # a list, one item a line
        ("人数：被转让方人员＿＿名，合同工厂人员＿＿名", "目的：考察工厂"),  # fields
        ("项目：冷水；现底数：12", "项目：中水"),  # table rows
        (OPEN, "第十三条 逾期交付责任"),  # a clause label
        (OPEN, "乙方（签章）："),  # a party line
        (OPEN, "附件一 房屋平面图"),  # an annex
        ("以級距A最低核銷金額作為該月收費依據，按月結算並開立發票", "電子商務服務"),  # heading
    ],
)
def test_a_line_of_its_own_stays(before: str, after: str) -> None:
    assert not continues_sentence(before, after)


def test_a_docx_paragraph_split_mid_sentence_is_joined(tmp_path: Path) -> None:
    document = docx.Document()
    first = "第一条 发包人和承包人应在专用合同条款中约定各自的送达接收人和送达地点。任何一方合"
    rest = "同当事人指定的接收人或送达地点发生变动的，应提前 3 天以书面形式通知对方。"
    for text in ("施工合同", first, "", rest, "第二条 联络", "甲方：", "乙方："):
        document.add_paragraph(text)
    path = tmp_path / "施工.docx"
    document.save(str(path))
    c = {x.clause: x.text for x in parse_contract(path).clauses}
    assert c["第一条"] == first.removeprefix("第一条 ") + rest
    assert c["第二条"] == "甲方：\n乙方："


def test_a_text_line_broken_mid_sentence_is_joined(tmp_path: Path) -> None:
    path = tmp_path / "买卖.txt"
    path.write_text("\n".join([
        "商品房买卖合同", "第一条 交付",
        "该商品房达到交付条件后，出卖人应当在交付日期届满前（不少于10日）将",
        "查验房屋的时间书面通知买受人。",
        "第二条 价款", "甲方：现金＿＿元", "机械设备＿＿元"]), "utf-8")
    c = {x.clause: x.text for x in parse_contract(path).clauses}
    assert c["第一条"].endswith("（不少于10日）将查验房屋的时间书面通知买受人。")
    assert c["第二条"] == "甲方：现金＿＿元\n机械设备＿＿元"


def _two_page_pdf(path: Path, foot: list[str], top: list[str]) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for lines, y in ((foot, 120), (top, 780)):
        c.setFont("STSong-Light", 12)
        if y == 120:
            c.drawString(60, 780, "借款合同")
        for k, line in enumerate(lines):
            c.drawString(60, y - 20 * k, line)
        c.showPage()
    c.save()
    return path


def test_a_paragraph_goes_on_across_a_page_break_and_a_table_row_does_not(tmp_path: Path,
                                                                         ) -> None:
    pdf = _two_page_pdf(
        tmp_path / "借款.pdf",
        ["第一条 借款人逾期还款的，应按逾期金额每日万分之五支付违约金，并承担出借人为实现",
         "第二条 还款计划如下：", "期数：第一期；金额：五万元"],
        ["期数：第二期；金额：五万元", "第三条 本合同自双方签字之日起生效。"],
    )
    contract = parse_contract(pdf)
    c = {x.clause: x for x in contract.clauses}
    assert list(c) == ["第一条", "第二条", "第三条"]
    assert c["第二条"].text.split("\n") == [
        "还款计划如下：", "期数：第一期；金额：五万元", "期数：第二期；金额：五万元"]
    sentence = _two_page_pdf(
        tmp_path / "借款2.pdf",
        ["第一条 借款人逾期还款的，应按逾期金额每日万分之五支付违约金，并承担出借人为实现"],
        ["债权而支付的律师费、诉讼费。", "第二条 本合同自双方签字之日起生效。"],
    )
    c = {x.clause: x for x in parse_contract(sentence).clauses}
    assert c["第一条"].text.endswith("并承担出借人为实现债权而支付的律师费、诉讼费。")
    assert "\n" not in c["第一条"].text and c["第一条"].page == 1
