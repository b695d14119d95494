"""The clause tree on small inline contracts, and on the raw (uncleaned) sample files."""

from __future__ import annotations

from pathlib import Path

from index.models import Clause
from index.structure.clauses import split_clauses


def _by_id(clauses: list[Clause]) -> dict[str, Clause]:
    return {c.clause: c for c in clauses}


def _tree(text: str) -> dict[str, str]:
    return {c.clause: c.text for c in split_clauses(text, "t")}


DOTTED = """在线客服系统升级服务合同
合同编号:
甲方(服务需求方):
乙方(服务提供方):
第一章 定义与术语
1.1甲方:接受服务的个人或机构。
1.2乙方:提供服务的个人或机构。
第二章:服务内容
2.1乙方应对系统进行升级,具体包括:
2.1.1系统功能的扩展;
2.1.2系统安全性的加强。
2.2乙方应按4.4条的约定,在2024.1.1前完成升级,逾期按0.5%支付违约金。
\f第三章 维护
3.1维护范围
3.1.1甲方负责日常维护。
3.2维护响应时间
3.2.1甲方应在2小时内响应。
3.3升级服务
乙方应按照甲方的要求进行以下升级:
(1)优化自然语言处理能力;
(2)增加多渠道接入支持。
"""


def test_dotted_tree_chapters_titles_and_pages() -> None:
    clauses = split_clauses(DOTTED, "demo", first_page=1)
    ids = [c.clause for c in clauses]
    assert ids == ["1.1", "1.2", "2.1", "2.1.1", "2.1.2", "2.2",
                   "3.1", "3.1.1", "3.2", "3.2.1", "3.3"]
    c = _by_id(clauses)
    assert (c["1.1"].chapter, c["1.1"].chapter_title) == ("第一章", "定义与术语")
    assert (c["2.2"].chapter, c["2.2"].chapter_title) == ("第二章", "服务内容")
    assert c["2.1.1"].parent == "2.1" and c["2.1.1"].level == 2
    assert c["2.1"].parent is None and c["2.1"].level == 1
    # a mid-line reference, a date and a percentage are text, not labels
    assert c["2.2"].text == "乙方应按4.4条的约定,在2024.1.1前完成升级,逾期按0.5%支付违约金。"
    # a heading without a body of its own
    assert (c["3.2"].title, c["3.2"].text) == ("维护响应时间", "维护响应时间")
    # a heading followed by paragraphs: they are its text, list items inside
    assert c["3.3"].title == "升级服务"
    assert c["3.3"].text == (
        "乙方应按照甲方的要求进行以下升级:\n(1)优化自然语言处理能力;\n(2)增加多渠道接入支持。"
    )
    assert [c[i].page for i in ("1.1", "2.2", "3.1", "3.3")] == [1, 1, 2, 2]
    assert all(x.contract == "demo" for x in clauses)


def test_pages_are_none_without_first_page() -> None:
    assert {c.page for c in split_clauses(DOTTED, "demo", None)} == {None}


LABOUR = """劳动合同
注意事项
一、本合同文本供用人单位与劳动者签订劳动合同时使用。
二、用人单位应当与劳动者自用工之日起一个月内订立书面劳动合同。
甲方（用人单位）：
乙方（劳动者）：
根据《中华人民共和国劳动法》，甲乙双方订立本合同。
一、劳动合同期限
第一条 甲乙双方自用工之日起建立劳动关系。
二、工作内容和工作地点
第二条 乙方工作岗位是销售。
第三条 甲方安排乙方执行以下工时制度：
1.标准工时工作制。每日工作时间不超过8小时，每周工作时间不超过40小时，每周至少休息1天，由于生产经营需要，经依法协商后可以延长工作时间。
2.依法实行综合计算工时工作制。综合计算周期内的总实际工作时间不应超过总法定标准工作时间，超过部分应视为延长工作时间。
三、其他
第四条 双方约定的其他事项：
（一）甲方为乙方缴存住房公积金。
（二）本合同自双方签字之日起生效。
"""


def test_cn_sections_group_articles_and_front_matter_is_skipped() -> None:
    clauses = split_clauses(LABOUR, "labour")
    c = _by_id(clauses)
    assert list(c) == ["第一条", "第二条", "第三条", "第三条第1项", "第三条第2项", "第四条"]
    assert (c["第一条"].chapter, c["第一条"].chapter_title) == ("一", "劳动合同期限")
    assert (c["第三条"].chapter, c["第三条"].chapter_title) == ("二", "工作内容和工作地点")
    assert (c["第四条"].chapter, c["第四条"].chapter_title) == ("三", "其他")
    # long numbered items become children; short ones stay in the clause text
    assert c["第三条第1项"].parent == "第三条"
    assert c["第三条第1项"].text.startswith("标准工时工作制。")
    assert c["第四条"].text == (
        "双方约定的其他事项：\n（一）甲方为乙方缴存住房公积金。\n（二）本合同自双方签字之日起生效。"
    )


TRADITIONAL = """體驗廣告商品委託行銷合約書
雙方特立此合約書，並同意議定下列條款：
一、甲、乙雙方同意依照本合約書之規定辦理。
二、商品內容：依照乙方實際提供體驗商品內容為主。
三、違約：
乙方違反本合約者，甲方得依違約10-5條款終止本合約。
第三條規定之期限不適用。
四、份數：本合約書一式二份。
"""


def test_cn_clause_level_traditional_kept() -> None:
    clauses = split_clauses(TRADITIONAL, "tw")
    c = _by_id(clauses)
    assert list(c) == ["一", "二", "三", "四"]
    assert c["三"].chapter is None
    assert c["三"].text == (
        "違約：\n乙方違反本合約者，甲方得依違約10-5條款終止本合約。\n第三條規定之期限不適用。"
    )
    assert c["四"].text_simplified == "份数：本合约书一式二份。"
    assert c["四"].text == "份數：本合約書一式二份。"


ARTICLES_ACROSS_CHAPTERS = """技术引进合同
目录
第一章　定义
第二章　合同范围
第三章　价格
双方协商一致，签订本合同。
第一章　定义
第一条　定义
本合同所用术语定义如下：
１－１　“合同”是指本合同及其附件。
１－２　“设备”是指附件一所列设备。
第二章　合同范围
第二条　转让方同意转让技术。
第三条　被转让方同意支付费用。见第十条。
第三章　价格
第四条　价格为固定价格。
第十条规定的期限届满后，双方另行协商。
"""


def test_toc_skipped_articles_run_across_chapters() -> None:
    clauses = split_clauses(ARTICLES_ACROSS_CHAPTERS, "tech")
    c = _by_id(clauses)
    assert list(c) == ["第一条", "1-1", "1-2", "第二条", "第三条", "第四条"]
    assert (c["第一条"].chapter, c["第一条"].title) == ("第一章", "定义")
    assert c["第一条"].text == "本合同所用术语定义如下："
    assert c["1-2"].parent == "第一条"
    assert (c["第三条"].chapter, c["第三条"].chapter_title) == ("第二章", "合同范围")
    assert (c["第四条"].chapter, c["第四条"].chapter_title) == ("第三章", "价格")
    assert c["第四条"].text == "价格为固定价格。\n第十条规定的期限届满后，双方另行协商。"


def test_a_short_list_after_the_clauses_began_is_no_table_of_contents() -> None:
    """Numbered clauses that are sentences come first (no 第X章 heading above them); a list of
    short items and an annex heading later, whose numbers come again, are kept."""
    text = (
        "设备引进合同\n"
        "1.双方同意按本合同的约定引进设备。\n2.转让方应派遣技术人员提供技术支持。\n"
        "附件一　技术支持\n1.转让方应派遣熟练的技术人员。\n2.技术人员应进行技术指导。\n"
        "3.被转让方应提供办公室。\n4.被转让方应保障人身安全。\n"
        "5.转让方应对管理提出建议。\n转让方应提供下列技术支持：\n"
        "1.制造工程师＿＿天\n2.质量工程师＿＿天\n3.管理人员＿＿天\n4.电子工程师＿＿天\n"
        "附件二　培训\n1.转让方应提交培训计划。\n2.培训语言为英语。\n"
    )
    c = _by_id(split_clauses(text, "x"))
    assert list(c) == ["1", "2", "附件一", *(f"附件一 {n}" for n in range(1, 6)), "附件二",
                       "附件二 1", "附件二 2"]
    assert (c["附件一"].text, c["附件一 5"].parent, c["附件二 2"].parent) == (
        "技术支持", "附件一", "附件二")
    assert c["附件一 5"].text.endswith("3.管理人员＿＿天\n4.电子工程师＿＿天")


def test_special_conditions_skip_to_numbers_the_general_conditions_used() -> None:
    """A second part that lists only the clauses it changes skips numbers (1.2 → 1.5) that the
    first part used; a number nobody used before may not skip that far."""
    text = (
        "施工合同\n第一部分 通用条款\n1. 一般约定\n"
        + "".join(f"1.{n} 第{n}项的约定。\n" for n in range(1, 8))
        + "第二部分 专用条款\n1. 一般约定\n1.1 本工程的约定。\n1.2 图纸的约定。\n"
        "1.5 现场的约定。\n1.9 不存在的约定。\n"
    )
    c = _by_id(split_clauses(text, "x"))
    assert [k for k in c if k.startswith("第二部分")] == [
        "第二部分 1", "第二部分 1.1", "第二部分 1.2", "第二部分 1.5"]
    assert c["第二部分 1.5"].text == "现场的约定。\n1.9 不存在的约定。"


def test_site_notices_before_title_are_not_clauses() -> None:
    text = (
        "在线客服系统升级服务合同.pdfVIP\n"
        "1. 1、原创力文档网站文档一经付费,不意味着购买了该文档的版权。\n"
        "2. 2、本站所有内容均由合作方或网友上传。\n"
        "在线客服系统升级服务合同\n"
        "第一章 总则\n1.1本合同适用于升级服务。\n1.2本合同自签字之日起生效。\n"
    )
    assert [c.clause for c in split_clauses(text, "x")] == ["1.1", "1.2"]


def test_long_line_without_breaks_is_cut_at_consecutive_labels() -> None:
    text = (
        "電商平臺服務合同合同編號:____甲方(電商平臺運營方):乙方(服務提供方):"
        "第一章合同主體及授權1.1甲方為在中國合法注冊的企業。1.2乙方為在中國合法注冊的企業。"
        "第二章服務內容2.1乙方應按4.4條的約定提供服務。2.2乙方應提供技術支持,期限為1.5年。"
        "第三章合同附件3.1附件一:評估報告3.2附件二:需求說明書"
    )
    clauses = split_clauses(text, "tw")
    c = _by_id(clauses)
    assert list(c) == ["1.1", "1.2", "2.1", "2.2", "3.1", "3.2"]
    assert (c["1.1"].chapter, c["1.1"].chapter_title) == ("第一章", "合同主體及授權")
    assert c["2.1"].text == "乙方應按4.4條的約定提供服務。"
    assert c["2.2"].text == "乙方應提供技術支持,期限為1.5年。"
    assert c["3.1"].text == "附件一:評估報告"


def test_raw_sample_file_is_split_despite_site_noise(shared: Path) -> None:
    text = (shared / "contracts" / "cs-maintenance.txt").read_text(encoding="utf-8")
    c = _by_id(split_clauses(text, "cs-maintenance"))
    assert list(c)[:3] == ["1.1", "1.1.1", "1.2"]
    assert {"2.1.1.1", "5.1.2", "6.3.1", "7.3.1"} <= set(c)
    assert (c["2.3"].title, c["2.3.1"].parent) == ("维护响应时间", "2.3")
    assert c["7.3.1.4"].parent == "7.3.1" and c["7.3.1.4"].level == 3


def test_raw_one_line_traditional_sample(shared: Path) -> None:
    text = (shared / "contracts" / "aftersales-upgrade.txt").read_text(encoding="utf-8")
    c = _by_id(split_clauses(text, "aftersales-upgrade"))
    for cid in ("3.1", "8.1", "8.2", "12.4", "13.5", "14.5", "15.1"):
        assert cid in c
    assert c["8.1"].chapter == "第八章"
    assert c["8.2"].text.startswith("若協")


def test_chapter_title_on_its_own_line() -> None:
    text = "合同书\n第一章\n总则\n第一条 本合同适用于甲乙双方。\n第二章\n价格\n第二条 价格100元。\n"
    clauses = split_clauses(text, "x")
    assert [(c.clause, c.chapter, c.chapter_title, c.text) for c in clauses] == [
        ("第一条", "第一章", "总则", "本合同适用于甲乙双方。"),
        ("第二条", "第二章", "价格", "价格100元。"),
    ]


def test_chapter_with_paragraphs_but_no_clauses_is_a_clause() -> None:
    """...of its own, titled, and not also a chapter holding itself (第一章 › 第一章)."""
    text = (
        "合资合同\n第一章　总则\n甲乙双方同意举办合资企业。\n"
        "第二章　合营各方\n第一条　本合同的各方为甲方和乙方。\n"
    )
    clauses = split_clauses(text, "jv")
    assert [(c.clause, c.chapter, c.title, c.text) for c in clauses] == [
        ("第一章", None, "总则", "甲乙双方同意举办合资企业。"),
        ("第一条", "第二章", None, "本合同的各方为甲方和乙方。"),
    ]
    assert clauses[1].chapter_title == "合营各方"


def test_document_without_numbering_gives_no_clauses() -> None:
    assert split_clauses("借条\n今借到张三人民币一万元。\n", "iou") == []


def test_articles_do_not_nest_under_a_list_in_the_preamble() -> None:
    text = (
        "借款合同\n根据以下情况签订本合同：\n1.甲方为出借人。\n2.乙方为借款人。\n"
        "第一条 借款金额为一万元。\n（1）分两次支付。\n第二条 借款期限为一年。\n"
    )
    clauses = split_clauses(text, "loan")
    assert [(c.clause, c.parent, c.level) for c in clauses] == [
        ("1", None, 1), ("2", None, 1), ("第一条", None, 1), ("第二条", None, 1),
    ]
    assert clauses[2].text == "借款金额为一万元。\n（1）分两次支付。"


PARTS_WITH_TOC = """建设工程施工合同
目 录
第一部分 合同协议书
一、工程概况
第二部分 通用合同条款
1 一般约定
1.1 词语定义与解释
1.2 语言文字
2 发包人
2.1 许可或批准
第三部分 专用合同条款
第一部分 合同协议书
发包人（全称）：
一、工程概况
工程名称：某工程。
第二部分 通用合同条款
1 一般约定
1.1 词语定义与解释
合同协议书中的词语具有本条所赋予的含义。
1.2 语言文字
合同以中国的汉语简体文字编写。
2 发包人
2.1 许可或批准
发包人应遵守法律。
第三部分 专用合同条款
1 一般约定
1.1 词语定义与解释
专用条款中的词语含义。
"""


def test_parts_toc_and_restarted_numbering() -> None:
    clauses = split_clauses(PARTS_WITH_TOC, "build")
    got = [(c.clause, c.chapter, c.parent, c.title) for c in clauses]
    assert got == [
        ("第一部分", "第一部分", None, "合同协议书"),
        ("一", "第一部分", None, "工程概况"),
        ("1", "第二部分", None, "一般约定"),
        ("1.1", "第二部分", "1", "词语定义与解释"),
        ("1.2", "第二部分", "1", "语言文字"),
        ("2", "第二部分", None, "发包人"),
        ("2.1", "第二部分", "2", "许可或批准"),
        ("第三部分 1", "第三部分", None, "一般约定"),
        ("第三部分 1.1", "第三部分", "第三部分 1", "词语定义与解释"),
    ]
    c = _by_id(clauses)
    assert c["一"].text == "工程名称：某工程。"
    assert c["1.2"].text == "合同以中国的汉语简体文字编写。"
    assert c["第三部分 1.1"].chapter_title == "专用合同条款"


def test_page_breaks_end_headings_and_sentences_not_words() -> None:
    text = (
        "买卖合同\n第一条 付款\n买受人应付款。\n"
        "第二条 逾期付款责任\f除不可抗力外，买受人未按约定付款的，按日支付违\f约金。\f"
        "第三条 交付\n出卖人应按期交付。"
    )
    c = _by_id(split_clauses(text, "sale", first_page=3))
    assert (c["第二条"].title, c["第二条"].page) == ("逾期付款责任", 3)
    assert c["第二条"].text == "除不可抗力外，买受人未按约定付款的，按日支付违约金。"
    assert c["第三条"].page == 6


def test_a_label_right_after_a_full_stop_starts_a_clause() -> None:
    text = ("协议书\n一、签订地点\n本合同在北京签订。二、补充协议\n"
            "合同未尽事宜另行签订补充协议。\n")
    assert _tree(text) == {"一": "本合同在北京签订。", "二": "合同未尽事宜另行签订补充协议。"}


def test_special_terms_may_list_only_some_sub_clauses() -> None:
    text = ("合同\n1. 一般约定\n1.1 词语定义：本合同中的词语含义与通用条款相同。\n"
            "2. 材料与设备\n2.4 材料的保管\n2.4.1 保管费用由发包人承担。\n"
            "2.6 样品\n2.6.1 样品由承包人封存。\n")
    assert list(_tree(text)) == ["1", "1.1", "2", "2.4", "2.4.1", "2.6", "2.6.1"]


def test_a_heading_may_list_its_topics_between_semicolons() -> None:
    text = ("许可协议\n第一条 期限；试用期；终止\n1-1 本协议自签字之日起生效。\n"
            "第二条 乙方应按时付款；逾期付款的应支付违约金\n2-1 付款期限为十日。\n")
    c = _by_id(split_clauses(text, "x"))
    assert (c["第一条"].title, c["第一条"].text) == ("期限；试用期；终止", "期限；试用期；终止")
    # a sentence's clauses run longer than topics: text, not a title
    assert c["第二条"].title is None


CONTENTS = "协议书\n目录\n一、工程概况\n二、签订时间\n三、签订地点\n四、补充协议\n五、合同生效\n"
AGREEMENT = ("一、工程概况\n工程名称：某工程。\n二、签订时间\n本合同于2024年签订。\n"
             "三、签订地点 本合同在北京签订。\n四、补充协议\n合同未尽事宜另行约定。\n"
             "五、合同生效\n本合同自签字之日起生效。\n")


def test_a_heading_of_the_contents_is_cut_from_the_text_it_lost_its_line_break_to() -> None:
    c = _by_id(split_clauses(CONTENTS + AGREEMENT, "x"))
    assert (c["三"].title, c["三"].text) == ("签订地点", "本合同在北京签订。")
    assert (c["四"].title, c["四"].text) == ("补充协议", "合同未尽事宜另行约定。")
    # without a table of contents naming the heading, the line is not guessed at
    c = _by_id(split_clauses("协议书\n" + AGREEMENT, "x"))
    assert (c["三"].title, c["三"].text) == (None, "签订地点 本合同在北京签订。")
