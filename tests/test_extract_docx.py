"""DOCX sources: document order, tables, Word automatic numbering, real contracts, bad packages."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from index.errors import UnreadableSourceError
from index.ingest.docx_numbering import format_number
from index.ingest.extract import extract_document
from index.numerals import int_to_cn

REAL = Path(__file__).resolve().parent.parent.parent / "shared" / "contracts-real"

NUMBERING = f"""
<w:numbering {nsdecls("w")}>
  <w:abstractNum w:abstractNumId="90">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>
      <w:lvlText w:val="第%1条"/><w:suff w:val="space"/></w:lvl>
    <w:lvl w:ilvl="1"><w:start w:val="1"/><w:pStyle w:val="SubClause"/>
      <w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/><w:isLgl/></w:lvl>
    <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/>
      <w:lvlText w:val="%1.%2.%3"/><w:isLgl/></w:lvl>
  </w:abstractNum>
  <w:abstractNum w:abstractNumId="91">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCountingThousand"/>
      <w:lvlText w:val="（%1）"/></w:lvl>
  </w:abstractNum>
  <w:abstractNum w:abstractNumId="92">
    <w:lvl w:ilvl="0"><w:start w:val="3"/><w:numFmt w:val="upperLetter"/>
      <w:lvlText w:val="%1."/></w:lvl>
  </w:abstractNum>
  <w:num w:numId="90"><w:abstractNumId w:val="90"/></w:num>
  <w:num w:numId="91"><w:abstractNumId w:val="91"/></w:num>
  <w:num w:numId="92"><w:abstractNumId w:val="91"/>
    <w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>
  <w:num w:numId="93"><w:abstractNumId w:val="92"/></w:num>
</w:numbering>
"""

STYLE = f"""
<w:style {nsdecls("w")} w:type="paragraph" w:styleId="ClauseHeading">
  <w:name w:val="Clause Heading"/>
  <w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="90"/></w:numPr></w:pPr>
</w:style>
"""
SUB_STYLE = f"""
<w:style {nsdecls("w")} w:type="paragraph" w:styleId="SubClause">
  <w:name w:val="Sub Clause"/>
  <w:pPr><w:numPr><w:numId w:val="90"/></w:numPr></w:pPr>
</w:style>
"""


def _number(paragraph, num_id: int | None, ilvl: int = 0) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    xml = f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/>'
    if num_id is not None:
        xml += f'<w:numId w:val="{num_id}"/>'
    ppr.append(parse_xml(xml + "</w:numPr>"))


def _numbered_docx(path: Path) -> Path:
    document = docx.Document()
    numbering = document.part.numbering_part.element
    for child in parse_xml(NUMBERING):
        if child.tag.endswith("abstractNum"):
            numbering.insert(0, child)
        else:
            numbering.append(child)
    document.styles.element.append(parse_xml(STYLE))
    document.styles.element.append(parse_xml(SUB_STYLE))
    document.add_paragraph("技术服务合同")
    heading = document.add_paragraph("服务内容", style="Clause Heading")  # numbered by its style
    assert heading.text == "服务内容"
    p = document.add_paragraph("乙方提供系统升级服务。")
    _number(p, 90, 1)
    p = document.add_paragraph("服务范围")
    _number(p, 90, 1)
    p = document.add_paragraph("坐席工作台。")
    _number(p, 90, 2)
    p = document.add_paragraph("服务期限")
    _number(p, 90, 0)
    p = document.add_paragraph("期限一年。")
    _number(p, 90, 1)  # 2.1: the deeper level restarts when 第二条 advances
    _number(document.add_paragraph("  "), 90, 1)  # empty: not emitted, but counted (2.2)
    document.add_paragraph("期限可续。", style="Sub Clause")  # level bound to the style
    for text in ("甲方", "乙方"):
        _number(document.add_paragraph(text), 91)
    _number(document.add_paragraph("重新编号"), 92)  # startOverride restarts the list
    _number(document.add_paragraph("附件"), 93)
    document.add_paragraph("未编号段落")
    for i in range(9):
        _number(document.add_paragraph(f"条款{i + 3}"), 90)
    document.save(str(path))
    return path


def test_automatic_numbering_is_rendered(tmp_path) -> None:
    doc = extract_document(_numbered_docx(tmp_path / "n.docx"))
    assert doc.kind == "docx" and [p.number for p in doc.pages] == [None]
    lines = doc.text.split("\n")
    assert lines[:14] == [
        "技术服务合同",
        "第一条 服务内容",
        "1.1 乙方提供系统升级服务。",
        "1.2 服务范围",
        "1.2.1 坐席工作台。",
        "第二条 服务期限",
        "2.1 期限一年。",
        "2.3 期限可续。",
        "（一）甲方",
        "（二）乙方",
        "（一）重新编号",
        "C. 附件",
        "未编号段落",
        "第三条 条款3",
    ]
    assert lines[-1] == "第十一条 条款11"


def test_body_order_and_tables(tmp_path) -> None:
    """Tables stay where they are, one line per row as 列名：值；列名：值; a one-cell table
    (layout) keeps its paragraphs as lines."""
    document = docx.Document()
    document.add_paragraph("第一条 价款")
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).text = "项目"
    table.cell(0, 1).text = "单价"
    table.cell(0, 2).text = "数量"
    table.cell(1, 0).text = "维护费"
    table.cell(1, 1).merge(table.cell(1, 2)).text = "按年计"
    a = table.cell(2, 0)
    a.text = "合计"
    table.cell(2, 1).text = "12000"
    table.cell(2, 2).text = "1"
    box = document.add_table(rows=1, cols=1)
    box.cell(0, 0).text = "（一）表格内的条款文字。"
    box.cell(0, 0).add_paragraph("（二）第二段。")
    document.add_paragraph("第二条 其他")
    path = tmp_path / "t.docx"
    document.save(str(path))
    assert extract_document(path).text == "\n".join(
        [
            "第一条 价款",
            "项目：维护费；单价：按年计",  # a merged cell stays under its first column
            "项目：合计；单价：12000；数量：1",
            "（一）表格内的条款文字。",
            "（二）第二段。",
            "第二条 其他",
        ]
    )


def test_number_formats() -> None:
    assert [int_to_cn(n) for n in (1, 10, 11, 20, 21, 100, 105, 110)] == [
        "一", "十", "十一", "二十", "二十一", "一百", "一百零五", "一百一十",
    ]
    assert format_number(12, "chineseCountingThousand") == "十二"
    assert format_number(3, "ideographTraditional") == "丙"
    assert format_number(4, "lowerRoman") == "iv"
    assert format_number(27, "upperLetter") == "AA"
    assert format_number(2, "decimalEnclosedCircle") == "②"
    assert format_number(12, "chineseLegalSimplified") == "壹拾贰"


@pytest.fixture(scope="module")
def real_docx() -> dict[str, str]:
    return {p.name: extract_document(p).text for p in sorted(REAL.glob("*.docx"))}


def test_real_docx_extract(real_docx) -> None:
    assert len(real_docx) == 6
    for name, text in real_docx.items():
        assert len(re.findall(r"[\u4e00-\u9fff]", text)) > 600, name
        assert "\f" not in text, name


def test_construction_contract_numbers_are_rendered(real_docx) -> None:
    text = real_docx["建设工程施工合同（完整版）.docx"]
    assert "\n1. 一般约定\n1.1 词语定义与解释\n" in text
    assert "\n1.1.1 合同\n1.1.1.1 合同：是指根据法律规定" in text
    starts = set(re.findall(r"(?m)^(\d+(?:\.\d+)+) ", text))
    assert {"1.1.1", "1.1.2", "2.1", "14.2", "20.3.1"} <= starts
    assert len(starts) > 300


def test_letter_spaced_headings_and_tabs(real_docx) -> None:
    labour = real_docx["劳动合同（Word原版）.docx"]
    assert labour.startswith("劳动合同\n")
    assert "\n注意事项\n一、本合同文本供用人单位" in labour
    assert "\t" not in real_docx["建设工程施工合同（完整版）.docx"]
    assert "\n第二部分 通用合同条款\n" in real_docx["建设工程施工合同（完整版）.docx"]


def test_lease_templates_have_their_numbers(real_docx) -> None:
    one = real_docx["房屋租赁合同 模板一.docx"]
    assert re.search(r"(?m)^10\. 房屋出租后，安全由乙方自行承担。$", one)
    assert re.search(r"(?m)^六、租赁期间的其它约定事项", one)
    seven = real_docx["房屋租赁合同 模板七.docx"]
    assert re.search(r"(?m)^第二条 租赁期限\n（一）租赁期限自", seven)
    assert len(re.findall(r"(?m)^（[一二三四五]）", seven)) >= 20
    full = real_docx["房屋租赁合同(标准、完整).docx"]
    assert len(re.findall(r"(?m)^第[一二三四五六七八九十]+条", full)) >= 8


def test_letter_spaced_roles_of_a_signature_block_name_the_parties(tmp_path) -> None:
    """A lease whose only roles are in its letter-spaced signature block ("出 租 方（甲方）："
    beside "承 租 方（乙方）：") names them."""
    from index.parse import parse_contract

    document = docx.Document()
    for line in ["房屋租赁合同", "甲乙双方就房屋租赁的有关事宜达成协议如下：",
                 "第一条 甲方将房屋出租给乙方居住使用。", "第二条 租期一年，乙方按月支付租金。",
                 "出 租 方（甲方）：" + " " * 32 + "承 租 方（乙方）：",
                 "身 份 证 号 码 ：" + " " * 32 + "身 份 证 号 码 ："]:
        document.add_paragraph(line)
    path = tmp_path / "lease.docx"
    document.save(str(path))
    contract = parse_contract(path)
    assert contract.parties == {"甲方": "出租方", "乙方": "承租方"}
    assert [c.clause for c in contract.clauses] == ["第一条", "第二条"]
    assert contract.clauses[-1].text == "租期一年，乙方按月支付租金。"


def test_random_bytes_named_docx(tmp_path) -> None:
    path = tmp_path / "x.docx"
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(UnreadableSourceError, match="not a valid DOCX file"):
        extract_document(path)


def test_zip_without_word_document(tmp_path) -> None:
    path = tmp_path / "x.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(UnreadableSourceError, match="not a valid DOCX file"):
        extract_document(path)


def test_broken_document_xml(tmp_path) -> None:
    good = tmp_path / "good.docx"
    docx.Document().save(str(good))
    bad = tmp_path / "bad.docx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                data = data[: len(data) // 2]
            dst.writestr(item, data)
    with pytest.raises(UnreadableSourceError, match="not a valid DOCX file"):
        extract_document(bad)


def test_zip_bomb_is_refused_before_inflating(tmp_path) -> None:
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w") as fh:
            chunk = b" " * (1 << 20)
            for _ in range(12):
                fh.write(chunk)
    assert path.stat().st_size < 200_000
    with pytest.raises(UnreadableSourceError, match="zip bomb"):
        extract_document(path)


def test_symbol_font_check_boxes_read_as_boxes(shared: Path) -> None:
    """委托合同 draws eight of its □ in Wingdings 2: the DOCX as <w:sym>, the PDF as U+F0A3.
    Both give the □ of the form (the other fifteen are typed □), and no private-use character."""
    texts = {}
    for name in ("委托合同（Word原版）.docx", "委托合同.pdf"):
        doc = extract_document(shared / "contracts-real" / name)
        texts[name] = "".join(p.text for p in doc.pages)
    for name, text in texts.items():
        assert not re.search(r"[\ue000-\uf8ff]", text), name
        assert text.count("□") == 23, name
        assert re.search(r"甲方\s*□同意\s*□不同意\s*乙方将委托事务转委托", text), name
        assert re.search(r"知识产权归\s*□乙方所有\s*□甲方所有\s*□甲、乙双方共有", text), name


def test_an_old_word_equation_reads_in_unicode(shared: Path) -> None:
    """建设工程施工合同's price adjustment formula is drawn with the Symbol and MT Extra fonts:
    its Δ, =, +, × and brackets read as such (they were private-use characters)."""
    doc = extract_document(shared / "contracts-real" / "建设工程施工合同（完整版）.docx")
    text = "".join(p.text for p in doc.pages)
    assert not re.search(r"[\ue000-\uf8ff]", text)
    assert "ΔP = P0⎢A + ⎜B1×" in text and "公式中：ΔP——需调整的价格差额" in text


def test_symbol_chars_of_known_fonts_only() -> None:
    from index.ingest.symbols import symbol_char

    assert symbol_char("QJLWVE+Wingdings2", 0xF0A3) == "□"
    assert symbol_char("Wingdings 2", 0xA3) == "□" and symbol_char("Wingdings 2", 0x52) == "☑"
    assert symbol_char("Wingdings-Regular", 0xFE) == "☑"
    assert symbol_char("Wingdings", 0xA3) is None  # not a box in Wingdings
    assert symbol_char(None, 0xF0A3) is None and symbol_char("SimSun", 0xF0A3) is None
    assert symbol_char("Wingdings 2", 0x4E00) is None
    assert symbol_char("Symbol", 0xF0B4) == "×" and symbol_char("Symbol", 0x44) == "Δ"
    assert symbol_char("Symbol", 0xF0A3) == "≤"  # the same code as Wingdings 2's □


def _fill(table, rows: list[list[str]]) -> None:
    """Write ``rows`` into ``table``, leaving the empty values' cells untouched."""
    for r, row in enumerate(rows):
        for k, value in enumerate(row):
            if value:
                table.cell(r, k).text = value


def test_a_vertically_merged_label_names_every_row_it_spans(tmp_path) -> None:
    """A category cell merged down over two rows (Word's vMerge) belongs to both: the second
    row lost it. A long merged value is said once."""
    document = docx.Document()
    document.add_paragraph("第一条 采购清单")
    table = document.add_table(rows=4, cols=4)
    rows = [["类别", "名称", "数量", "备注"], ["硬件设备", "服务器", "2", ""],
            ["", "交换机", "4", ""], ["软件", "操作系统授权", "2", ""]]
    _fill(table, rows)
    table.cell(1, 0).merge(table.cell(2, 0))
    table.cell(1, 3).merge(table.cell(3, 3)).text = "以上设备均由乙方负责安装调试，质保期三年。"
    path = tmp_path / "t.docx"
    document.save(str(path))
    assert extract_document(path).text.split("\n") == [
        "第一条 采购清单",
        "类别：硬件设备；名称：服务器；数量：2；备注：以上设备均由乙方负责安装调试，质保期三年。",
        "类别：硬件设备；名称：交换机；数量：4",
        "类别：软件；名称：操作系统授权；数量：2",
    ]


def test_a_table_inside_a_cell_keeps_its_rows(tmp_path) -> None:
    """A table nested in a cell (a payment plan in a form, the items of a row) was flattened
    into its cell: all its rows one value. Its rows now follow their row, each a line of its
    own with its own column names; the outer table's rows go on under their own names."""
    document = docx.Document()
    document.add_paragraph("第一条 价款与交付")
    form = document.add_table(rows=3, cols=2)
    _fill(form, [["合同金额", "人民币100,000元"], ["付款计划", ""], ["交付地点", "甲方指定地点"]])
    plan = form.cell(1, 1).add_table(rows=3, cols=3)
    _fill(plan, [["期次", "比例", "付款时间"], ["第一期", "30%", "签约后5日内"],
                 ["第二期", "70%", "验收合格后10日内"]])
    items = document.add_table(rows=3, cols=3)
    _fill(items, [["序号", "项目", "明细"], ["1", "设备", ""], ["2", "服务", "上门安装"]])
    cell = items.cell(1, 2)
    cell.text = "见下表："
    inner = cell.add_table(rows=2, cols=3)
    _fill(inner, [["名称", "型号", "数量"], ["服务器", "R740", "2"]])
    path = tmp_path / "t.docx"
    document.save(str(path))
    assert extract_document(path).text.split("\n") == [
        "第一条 价款与交付",
        "合同金额：人民币100,000元",
        "付款计划",
        "期次：第一期；比例：30%；付款时间：签约后5日内",
        "期次：第二期；比例：70%；付款时间：验收合格后10日内",
        "交付地点：甲方指定地点",
        "序号：1；项目：设备；明细：见下表：",
        "名称：服务器；型号：R740；数量：2",
        "序号：2；项目：服务；明细：上门安装",
    ]
