"""The clause tree around annexes and signature blocks: annex headings carry their clauses,
annexes in parts, lists of annexes, party and signature blocks, forms after them."""

from __future__ import annotations

from index.models import Clause
from index.structure.clauses import split_clauses


def _by_id(clauses: list[Clause]) -> dict[str, Clause]:
    return {c.clause: c for c in clauses}


def test_annex_numbering_restart_gets_prefixed_unique_ids() -> None:
    text = (
        "买卖合同\n第一条 标的\n1.房屋一套。\n第二条 价款\n价款为100万元。\n"
        "附件一 补充约定\n"
        "1.出卖人承诺按期交付房屋，逾期交付的应当按日支付违约金，直至实际交付之日止。\n"
        "2.买受人承诺按期支付房价款，逾期支付的应当按日支付违约金，直至实际支付之日止。\n"
    )
    clauses = split_clauses(text, "sale")
    ids = [c.clause for c in clauses]
    assert ids == ["第一条", "第二条", "附件一", "附件一 1", "附件一 2"]
    assert len(set(ids)) == len(ids)
    assert clauses[3].chapter == "附件一" and clauses[3].chapter_title == "补充约定"
    assert (clauses[2].title, clauses[3].parent) == ("补充约定", "附件一")
    assert (clauses[0].title, clauses[0].text) == ("标的", "1.房屋一套。")


def _tree(text: str) -> dict[str, str]:
    return {c.clause: c.text for c in split_clauses(text, "t")}


def test_a_list_of_annexes_is_one_clause_and_annex_headings_stay_annexes() -> None:
    listed = ("设备采购合同\n第一条 甲方采购设备一台。\n第二条 本合同自签字之日起生效。\n"
              "附件：\n附件一：《设备清单》\n附件二：《验收标准》\n"
              "甲方（盖章）：北京某某科技有限公司\n乙方（盖章）：上海某某设备有限公司\n")
    c = _by_id(split_clauses(listed, "x"))
    assert list(c) == ["第一条", "第二条", "附件", "签署"]
    assert c["附件"].text == "附件一：《设备清单》\n附件二：《验收标准》"
    omitted = ("设备采购合同\n第一条 甲方采购设备一台。\n第二条 本合同自签字之日起生效。\n"
               "附件：\n附件一　设备清单（略）\n附件二　验收标准\n1.设备应符合国家标准。\n")
    assert [k for k in _by_id(split_clauses(omitted, "x")) if k.startswith("附件")] == [
        "附件一", "附件二", "附件二 1"]


def test_a_party_block_of_names_and_addresses_is_the_signature_block() -> None:
    text = ("服务合同\n第一条 乙方提供咨询服务。\n第二条 本合同一式两份。\n"
            "甲方：北京某某科技有限公司\n法定代表人：张三\n地址：北京市海淀区中关村大街1号\n"
            "乙方：上海某某咨询有限公司\n法定代表人：李四\n")
    c = _by_id(split_clauses(text, "x"))
    assert list(c) == ["第一条", "第二条", "签署"]
    assert c["签署"].text.startswith("甲方：北京某某科技有限公司\n法定代表人：张三")
    quoted = "第三条 甲方：应在五日内付款，乙方：应在收款后交付。\n地址：以营业执照为准。\n"
    assert "签署" not in _by_id(split_clauses("服务合同\n第一条 乙方提供咨询服务。\n"
                                            "第二条 本合同一式两份。\n" + quoted, "x"))


def test_a_form_after_a_blank_signature_block_is_an_annex_of_its_own() -> None:
    text = (
        "房屋租赁合同\n第一条 租金每月三千元。\n第二条 本合同经双方签字后生效。\n"
        "出租方（甲方）：          承租方（乙方）：\n联系电话：        联系电话：\n"
        "签约时间：   年  月  日\n"
        "房 屋 交 割 清 单\n项目：水费；项目：电费\n"
        "交房确认：乙方经验收，认为符合房屋交验条件，并且双方已结算完结，同意接收。\n"
        "甲方签章：；乙方签章：\n"
    )
    c = _by_id(split_clauses(text, "x"))
    assert list(c) == ["第一条", "第二条", "附件"]
    assert c["第二条"].text == "本合同经双方签字后生效。"
    assert (c["附件"].chapter_title, c["附件"].text.split("\n")[0]) == ("房屋交割清单",
                                                                        "项目：水费；项目：电费")
    assert "交房确认" in c["附件"].text and "签章" not in c["附件"].text


def test_a_filled_signature_block_is_a_clause_and_notes_after_the_contract_are_dropped(
) -> None:
    text = ("租赁合同\n第一条 租金每月三千元。\n第二条 本合同一式两份，双方各执一份。\n"
            "甲方（签字）：        乙方（签字）：\n签订日期：2025年3月1日\n"
            "填写说明\n一、本合同文本供参考。\n二、空白处应填写完整。\n")
    assert _tree(text) == {"第一条": "租金每月三千元。", "第二条": "本合同一式两份，双方各执一份。",
                           "签署": "甲方（签字）：        乙方（签字）：\n签订日期：2025年3月1日"}
    # a signature block left blank (a template) is dropped
    blank = text.replace("2025年3月1日", "    年  月  日")
    assert list(_tree(blank)) == ["第一条", "第二条"]
    assert _tree(blank)["第二条"] == "本合同一式两份，双方各执一份。"
    # a sentence about signing is not a signature block
    text = "合同\n第一条 本合同自双方签字（盖章）之日起生效。\n第二条 其他事项另行约定。\n"
    assert list(_tree(text)) == ["第一条", "第二条"]


def test_a_list_of_the_annexes_is_not_the_annexes_and_blank_items_are_not_clauses() -> None:
    text = ("合同\n第一条 附件是本合同的组成部分。\n附件1：设备清单\n附件2：付款计划\n"
            "附件1：设备清单\n1. 挖掘机一台，型号见报价单。\n2. 装载机一台，型号见报价单。\n3. ；\n"
            "附件2：付款计划\n首期付款百分之三十，验收后付清。\n")
    t = _tree(text)
    assert list(t) == ["第一条", "附件1", "附件1 1", "附件1 2", "附件2"]
    assert t["第一条"] == "附件是本合同的组成部分。\n附件1：设备清单\n附件2：付款计划"
    assert t["附件1 2"].endswith("\n3. ；")  # the blank third item is a line of the one above


def test_an_annex_given_in_parts_is_a_clause_over_them() -> None:
    """附件一A and 附件一B with no 附件一 line: 附件一 had no clause, so a question about it
    found nothing to cite. It is now a clause naming its parts, their parent; an annex with a
    line of its own gets none."""
    text = ("成套设备技术引进合同\n第一条 “合同产品”指附件一A中规定的产品。\n"
            "第二条 “合同材料”指附件一B中规定的材料。\n附件：\n"
            "附件一A　合同产品目录（略）\n附件一B　合同材料目录\n1.材料应为新品。\n"
            "2.材料应随附合格证明。\n附件二　资料目录（略）\n")
    clauses = split_clauses(text, "x")
    c = _by_id(clauses)
    assert list(c) == ["第一条", "第二条", "附件一", "附件一A", "附件一B", "附件一B 1",
                       "附件一B 2", "附件二"]
    assert (c["附件一B"].parent, c["附件一B 1"].parent, c["附件一B 1"].level) == (
        "附件一", "附件一B", 3)
    assert c["附件一"].text == "附件一A 合同产品目录（略）\n附件一B 合同材料目录"
    assert (c["附件一"].parent, c["附件一A"].parent, c["附件二"].parent) == (None, "附件一", None)
    assert c["附件一B 1"].chapter == "附件一B"


def test_a_chapter_announcing_its_clauses_is_their_parent() -> None:
    """附件一 says "…包括下列文件与许可程序：" and lists them as 1. 2.: they were top-level
    clauses beside it, so it was quoted without them. A chapter's own text that ends with a
    colon is now the parent of the clauses under it; one that does not end so is not."""
    text = ("计算机软件许可证协议书\n第一条 许可方同意按本协议向被许可方提供许可软件。\n"
            "第二条 许可软件见附件一。\n附件一\n许可软件的描述及说明\n"
            "“万能”系统是一个全集成化的系统。\n由许可方提供的许可软件包括下列文件与许可程序：\n"
            "1.“万能”计算机软件系统指引\n2.操作手册\n附件二\n许可方初始提供的范围\n"
            "许可方将负责许可软件的安装。\n1.安装费用由许可方承担。\n2.培训时间为两周。\n")
    c = _by_id(split_clauses(text, "x"))
    assert [k for k in c if k.startswith("附件")] == [
        "附件一", "附件一 1", "附件一 2", "附件二", "附件二 1", "附件二 2"]
    assert c["附件一"].text.endswith("包括下列文件与许可程序：")
    assert [(c[k].parent, c[k].level) for k in ("附件一", "附件一 1", "附件一 2")] == [
        (None, 1), ("附件一", 2), ("附件一", 2)]
    # an annex's heading carries its clauses even when it announces nothing (test_clause_ends)
    assert [c[k].parent for k in ("附件二 1", "附件二 2")] == ["附件二", "附件二"]


def test_the_lettered_sections_of_an_annex_are_clauses() -> None:
    """附件二 is in sections Ａ．安装及初始改制 (paragraphs 1. 2.) and Ｂ．初始培训服务, which the
    contract cites ("附件二第B节", "附件二A-1段"): each a clause under the annex, not its text."""
    first = ("依第3-1款规定交付的许可软件将运行在指定的CPU上，如果为初步使用的目的而需再改制软件"
             "的话，则此改制软件将合并到该许可软件，其费用由许可方承担。")
    text = ("计算机软件许可证协议书\n第一条 许可方应根据附件二提供安装和培训。\n"
            "第二条 附加培训不受附件二第B节的限制。\n附件二\n许可方初始提供的范围\n"
            "Ａ．安装及初始改制\n基于上述情况，许可方表示并同意：\n"
            f"１．{first}\n２．许可软件的安装将由许可方的专家来完成，其费用将作为许可费的一部分，"
            "被许可方估计许可方专家为此项服务的工时将达若干人小时。\n"
            "Ｂ．初始培训服务\n许可方将在指定CPU所在地对被许可方指定的人员进行培训。\n")
    c = _by_id(split_clauses(text, "x"))
    assert [k for k in c if k.startswith("附件")] == [
        "附件二", "附件二 A", "附件二 A第1项", "附件二 A第2项", "附件二 B"]
    assert c["附件二"].text == "许可方初始提供的范围"
    assert (c["附件二 A"].parent, c["附件二 A"].title, c["附件二 A"].text) == (
        "附件二", "安装及初始改制", "基于上述情况，许可方表示并同意：")
    assert (c["附件二 A第1项"].parent, c["附件二 A第1项"].text) == ("附件二 A", first)
    assert (c["附件二 B"].parent, c["附件二 B"].title) == ("附件二", "初始培训服务")
    assert c["附件二 B"].text == "许可方将在指定CPU所在地对被许可方指定的人员进行培训。"


def test_lettered_lines_inside_a_clause_or_in_sentences_stay_text() -> None:
    """A、目的地 B、合同号 under a numbered clause of an annex are lines of it, and an annex's
    "A.合同生效后30天内，…" is a sentence, not a section's heading."""
    text = ("技术引进合同\n第一条 转让方应按附件三发运。\n第二条 唛头见附件三。\n附件三\n"
            "1. 每件包装箱上应标明：\nA、目的地\nB、合同号\n附件四\n"
            "A.合同生效后30天内，被转让方支付15%的技术转让费。\n"
            "B.阶段2开始后30天内，被转让方支付25%的技术转让费。\n")
    c = _by_id(split_clauses(text, "x"))
    assert [k for k in c if k.startswith("附件")] == ["附件三", "附件三 1", "附件四"]
    assert c["附件三 1"].text == "每件包装箱上应标明：\nA、目的地\nB、合同号"
    assert c["附件四"].text.startswith("A.合同生效后30天内")


def test_an_annex_heading_without_title_takes_it_from_the_list_of_annexes() -> None:
    """附件2： whose own lines start with its addressee is titled as the list of annexes names
    it (GF model contracts list them in their agreement: 附件 1 ：… 附件 2 ：履约担保格式)."""
    text = ("施工合同\n第一条 工程名称为办公楼。\n第二条 本合同自签字之日起生效。\n"
            "协议书附件：\n附件 1 ：工程项目一览表附件 2 ：履约担保格式\n"
            "附件1：工程项目一览表\n单位工程名称；建设规模\n"
            "附件2：\n（发包人名称）：\n履约担保\n鉴于双方签订施工合同，我方愿意就承包人履约提供担保。\n"
            "1. 担保金额人民币十万元。\n2. 担保有效期自合同生效之日起至工程接收之日止。\n")
    c = _by_id(split_clauses(text, "x"))
    assert (c["附件2"].title, c["附件2 1"].chapter_title) == ("履约担保格式", "履约担保格式")
    assert c["附件2"].text.startswith("（发包人名称）：\n履约担保\n鉴于")
    assert c["附件1"].title == "工程项目一览表"  # its own heading's title


def test_a_list_of_annexes_gives_titles_not_sentences_and_the_first_listing_wins() -> None:
    from index.structure.tree import listed_annex_titles

    assert listed_annex_titles("附件 3 ：见本合同第五条，双方确认\n") == {}
    assert listed_annex_titles("附件 1 ：工程一览表\n附件 1 ：另一个表\n") == {1: "工程一览表"}


def test_a_body_chapter_without_title_takes_no_annex_title() -> None:
    """第八章 of the body has no title; 附件 8 of the list of annexes does not give it one."""
    text = ("施工合同\n第八章\n第一条 工程名称为办公楼。\n第二条 本合同自签字之日起生效。\n"
            "协议书附件：\n附件 8 ：履约担保格式\n")
    c = _by_id(split_clauses(text, "x"))
    assert (c["第一条"].chapter, c["第一条"].chapter_title) == ("第八章", None)
