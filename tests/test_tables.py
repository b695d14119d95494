"""Tables become rows inside their clause, 列名：值；列名：值: PDF (pdfplumber's table finder),
DOCX and box-drawing tables in text files."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from index.ingest.tables import box_tables, table_lines
from index.parse import parse_contract


def test_rows_pair_values_with_their_column_names() -> None:
    rows: list[list[str | None]] = [
            ["生活费用信息", None, None, None],  # a title across the table
            ["项目", "现底数", "单价", "备注"],
            ["冷水", "12", "3.5", ""],
            ["电", "", "", "夜间\n谷电"],  # an empty value is left out, a cell is one line
            ["项目", "现底数", "单价", "备注"],  # the header again (a new page)
            ["燃气", "7", None, "无"]]  # None: 现底数 spans 单价 in this row
    assert table_lines(rows) == [
        "生活费用信息", "项目：冷水；现底数：12；单价：3.5", "项目：电；备注：夜间谷电",
        "项目：燃气；现底数：7；备注：无"]


def test_a_header_alone_keeps_its_names_and_two_columns_are_label_and_value() -> None:
    assert table_lines([["序号", "名称", "单价（元）"], ["", "", ""]]) == ["序号；名称；单价（元）"]
    assert table_lines([["甲方", "华东设备有限公司"], ["地址：", "上海市"],
                        ["甲方（签章）：", "乙方（签章）："]]) == [
        "甲方：华东设备有限公司", "地址：上海市", "甲方（签章）：；乙方（签章）："]


def test_box_drawing_tables_in_text_become_rows() -> None:
    text = "\n".join([
        "第三条 付款方式如下：",
        "┌────┬────┬──────┐",
        "│付款期│比　例│金　　额　│",
        "├────┼────┼──────┤",
        "│首　期│30%　│三万元　　│",
        "├────┼────┼──────┤",
        "│尾　款│70%　│七万元，验收│",
        "│　　　│　　　│合格后支付　│",  # one cell on two lines
        "└────┴────┴──────┘",
        "第四条 其他",
    ])
    assert box_tables(text).split("\n") == [
        "第三条 付款方式如下：", "付款期：首期；比例：30%；金额：三万元",
        "付款期：尾款；比例：70%；金额：七万元，验收合格后支付", "第四条 其他"]


def test_a_first_column_written_down_it_is_a_title_over_its_rows() -> None:
    """A signature table whose party is written a glyph a line down a merged first column, on
    the rules between its rows too, names the party once over them."""
    text = "\n".join([
        "┌─┬────┬────┐",
        "│委│名　称　│（签章）│",
        "│托├────┼────┤",
        "│方│联系人　│张三　　│",
        "├─┼────┼────┤",
        "│受│名　称　│（签章）│",
        "│托├────┼────┤",
        "│方│联系人　│李四　　│",
        "└─┴────┴────┘",
        "第九条 其他",
    ])
    assert box_tables(text).split("\n") == [
        "委托方", "名称：（签章）", "联系人：张三", "受托方", "名称：（签章）", "联系人：李四",
        "第九条 其他"]


@pytest.mark.parametrize(("lines", "title"), [
    pytest.param(["┌──┬──┬──┐",
                  "│委托│名称│华东│",
                  "│方　├──┼──┤",
                  "│　　│地址│上海│",
                  "└──┴──┴──┘"], "委托方", id="two-characters-a-line"),
    pytest.param(["┌─┬──┬──┐",
                  "│甲│名称│华东│",
                  "│　├──┼──┤",
                  "│　│地址│上海│",
                  "└─┴──┴──┘"], "甲", id="one-character"),
])
def test_a_first_column_merged_over_two_rows_is_their_title(lines: list[str],
                                                            title: str) -> None:
    """A party in a merged first column beside two rows names both rows, not only the first:
    written two characters a line by a narrower hand (委托/方), still one merged cell over its
    rows with no character of it lost; or one character (甲)."""
    text = "\n".join(lines)
    assert box_tables(text).split("\n") == [title, "名称：华东", "地址：上海"]


def test_a_merged_first_column_beside_one_row_is_a_cell_of_it() -> None:
    """Written down one row (no rule between its lines), the column is that row's first cell."""
    text = "\n".join([
        "┌─┬──┬──┐",
        "│委│名称│华东│",
        "│托│　　│　　│",
        "│方│　　│　　│",
        "└─┴──┴──┘",
    ])
    assert box_tables(text).split("\n") == ["委托方；名称；华东"]


def test_a_first_column_of_one_character_values_stays_a_column() -> None:
    """Single characters in a first column not merged down (a rule crosses it between rows)
    are values of their rows."""
    text = "\n".join([
        "┌─┬────┐",
        "│甲│华东公司│",
        "├─┼────┤",
        "│乙│华西公司│",
        "└─┴────┘",
    ])
    assert box_tables(text).split("\n") == ["甲：华东公司", "乙：华西公司"]


def _pdf_with_table(path: Path) -> Path:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("cn", fontName="STSong-Light", fontSize=11, leading=16)
    grid = Table(
        [["付款期", "比例", "金额", "条件"], ["首期", "30%", "三万元", "签约后五日内"],
         ["尾款", "70%", "七万元", "验收合格后"]],
        style=TableStyle([("FONTNAME", (0, 0), (-1, -1), "STSong-Light"),
                          ("GRID", (0, 0), (-1, -1), 0.5, colors.black)]),
    )
    SimpleDocTemplate(str(path), pagesize=A4).build([
        Paragraph("设备采购合同", style),
        Paragraph("第一条 乙方应于合同签订后十日内交货。", style),
        Paragraph("第二条 甲方按下表付款：", style),
        grid,
        Paragraph("第三条 本合同一式两份，双方各执一份。", style),
    ])
    return path


def test_a_pdf_table_is_rows_inside_its_clause(tmp_path: Path) -> None:
    c = {x.clause: x for x in parse_contract(_pdf_with_table(tmp_path / "采购.pdf")).clauses}
    assert list(c) == ["第一条", "第二条", "第三条"]
    assert c["第二条"].text.split("\n") == [
        "甲方按下表付款：", "付款期：首期；比例：30%；金额：三万元；条件：签约后五日内",
        "付款期：尾款；比例：70%；金额：七万元；条件：验收合格后"]
    assert c["第三条"].text == "本合同一式两份，双方各执一份。"


def test_a_docx_table_is_rows_inside_its_clause(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("设备租赁合同")
    document.add_paragraph("第一条 租金标准如下：")
    table = document.add_table(rows=4, cols=3)
    for r, row in enumerate([["设备", "月租金", "押金"], ["挖掘机", "8000元", "2万元"],
                             ["装载机", "5000元", ""], ["合计", "13000元", ""]]):
        for k, value in enumerate(row):
            table.cell(r, k).text = value
    table.cell(3, 1).merge(table.cell(3, 2))  # "合计" spans 月租金 and 押金
    document.add_paragraph("第二条 乙方应按月支付租金。")
    path = tmp_path / "租赁.docx"
    document.save(str(path))
    c = {x.clause: x for x in parse_contract(path).clauses}
    assert list(c) == ["第一条", "第二条"]
    assert c["第一条"].text.split("\n") == [
        "租金标准如下：", "设备：挖掘机；月租金：8000元；押金：2万元",
        "设备：装载机；月租金：5000元", "设备：合计；月租金：13000元"]


def test_the_handover_list_of_the_shared_lease_is_rows(shared: Path) -> None:
    """租赁合同.pdf's 房屋交割单: tables over five pages, their header carried across pages."""
    text = "\n".join(c.text for c in parse_contract(
        shared / "contracts-real" / "租赁合同.pdf").clauses)
    for row in ("项目：冷水", "项目：电话费", "项目：床头柜", "项目：燃气卡", "卧室"):
        assert row in text.split("\n"), row
    assert " | " not in text


@pytest.mark.parametrize(("name", "rows"), [
    ("房屋租赁合同(标准、完整).docx", "项目：水费；项目：上网费"),
    ("房屋租赁合同 模板七.docx", "品名：空调；品名：钥匙"),
])
def test_shared_docx_tables_are_rows(shared: Path, name: str, rows: str) -> None:
    text = "\n".join(c.text for c in parse_contract(shared / "contracts-real" / name).clauses)
    assert " | " not in text
    assert rows in text  # each file's own table, not either one in both


def test_a_pdf_category_merged_down_names_every_row_it_spans(tmp_path: Path) -> None:
    """A 类别 cell spanning two rows of a PDF table belongs to both rows (pdfplumber gives
    the second row None there, as for a cell merged from the left)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("cn", fontName="STSong-Light", fontSize=11, leading=16)
    grid = Table([["类别", "名称", "数量", "单价"], ["硬件设备", "服务器", "2", "50000"],
                  ["", "交换机", "4", "8000"], ["软件", "操作系统授权", "2", "3000"]],
                 style=TableStyle([("FONTNAME", (0, 0), (-1, -1), "STSong-Light"),
                                   ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                                   ("SPAN", (0, 1), (0, 2))]))
    path = tmp_path / "采购.pdf"
    SimpleDocTemplate(str(path), pagesize=A4).build([
        Paragraph("设备采购合同", style), Paragraph("第一条 采购清单如下：", style), grid,
        Paragraph("第二条 本合同一式两份。", style)])
    c = {x.clause: x for x in parse_contract(path).clauses}
    assert c["第一条"].text.split("\n") == [
        "采购清单如下：", "类别：硬件设备；名称：服务器；数量：2；单价：50000",
        "类别：硬件设备；名称：交换机；数量：4；单价：8000",
        "类别：软件；名称：操作系统授权；数量：2；单价：3000"]


def test_one_character_values_on_rows_no_rule_parts_stay_a_column() -> None:
    """Two rows of a first column of single characters (rows of different widths, so not one
    row over two lines), no rule between them: the column is not one merged cell."""
    text = "\n".join([
        "┌─┬────┬────┐",
        "│甲│名称　　│华东公司│",
        "│乙│华西公司│",
        "└─┴────┴────┘",
    ])
    assert box_tables(text).split("\n") == ["甲：名称；华东公司", "乙：华西公司"]


def test_digits_down_a_merged_first_column_are_no_title() -> None:
    """Only Chinese written down a merged first column names its rows: 1/2/3 is not a party."""
    text = "\n".join([
        "┌─┬──┬──┐",
        "│1│名称│华东│",
        "│2├──┼──┤",
        "│3│地址│上海│",
        "└─┴──┴──┘",
    ])
    assert box_tables(text).split("\n") == ["1：名称；华东", "3：地址；上海"]


def test_a_first_column_written_down_it_in_a_table_without_a_bottom_rule() -> None:
    text = "\n".join([
        "┌─┬────┬────┐",
        "│委│名　称　│（签章）│",
        "│托├────┼────┤",
        "│方│联系人　│张三　　│",
    ])
    assert box_tables(text).split("\n") == ["委托方", "名称：（签章）", "联系人：张三"]
