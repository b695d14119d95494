"""Where a clause ends: paragraphs after a list that are its parent's, blank items, headings."""

from __future__ import annotations

from index.models import Clause
from index.structure.clauses import split_clauses


def _by_id(text: str) -> dict[str, Clause]:
    return {c.clause: c for c in split_clauses(text, "t")}


def test_the_next_alternative_after_a_list_is_its_parents() -> None:
    """"第 1 种方式：" then its items (1) (2), then "第 2 种方式：": the second way was the last
    item's text. A line that goes on with an ordinal of the parent's own lines (第 1 种 -> 第 2
    种, A. -> B.) ends the list: it and what follows are the parent's again."""
    long = ("承包人应当根据施工进度计划，在招标工作启动前十四天将招标方案通过监理人报送发包人审查，"
            "发包人应当在收到承包人报送的招标方案后七天内批准或提出修改意见")
    text = ("建设工程施工合同\n第一条 价格\n1.1 暂估价项目的确认\n"
            "对于暂估价项目，采取以下第 1 种方式确定。\n第 1 种方式：由承包人招标：\n"
            f"（1）{long}；\n（2）{long}；\n"
            "第 2 种方式：由发包人和承包人共同招标确定。\n双方另行约定分工。\n"
            "1.2 不属于依法必须招标的暂估价项目\nA．安装及初始改制\n许可方负责安装。\n"
            f"（1）{long}；\n（2）{long}。\n"
            "B．初始培训服务\n许可方将提供培训。\n"
            "附件二\n许可方初始提供的范围\nA．安装及初始改制\n许可方负责安装。\n"
            "1．许可软件将运行在指定的CPU上。\n2．安装由许可方的专家完成。\n"
            "B．初始培训服务\n许可方将提供培训。\n")
    c = _by_id(text)
    assert list(c) == ["第一条", "1.1", "1.1(1)", "1.1(2)", "1.2", "1.2(1)", "1.2(2)",
                       "附件二", "附件二 A", "附件二 B"]
    assert c["1.1(2)"].text == f"{long}；"
    assert c["1.1"].text == ("对于暂估价项目，采取以下第 1 种方式确定。\n"
                             "第 1 种方式：由承包人招标：\n"
                             "第 2 种方式：由发包人和承包人共同招标确定。\n双方另行约定分工。")
    assert c["1.2(2)"].text == f"{long}。"
    assert c["1.2"].text.endswith("许可方负责安装。\nB．初始培训服务\n许可方将提供培训。")
    # in an annex, lettered headings are its sections (test_annexes.py)
    assert c["附件二 A"].text == ("许可方负责安装。\n1．许可软件将运行在指定的CPU上。\n"
                                 "2．安装由许可方的专家完成。")
    assert c["附件二 B"].text == "许可方将提供培训。"


def test_a_paragraph_after_one_paragraph_items_that_speaks_of_them_is_the_parents() -> None:
    """Items of one paragraph each, then "除…外，…采用上述第（1）种方式。": the closing
    paragraphs were the last item's. A paragraph right after such a list that speaks of the
    items (上述, 上列, 前述) is the parent's, and so is what follows it."""
    long = ("在支付工程进度款时逐次扣留，在此情形下，质量保证金的计算基数不包括预付款的支付、"
            "扣回以及价格调整的金额，扣留比例由合同当事人在专用合同条款中约定")
    text = ("建设工程施工合同\n第一条 质量保证金\n1.1 质量保证金的扣留\n"
            "质量保证金的扣留有以下三种方式：\n"
            f"（1）{long}；\n（2）{long}，一次性扣留；\n（3）{long}，双方约定的其他扣留方式。\n"
            "除专用合同条款另有约定外，原则上采用上述第（1）种方式。\n"
            "累计扣留的质量保证金不得超过结算总额的3%。\n"
            "1.2 质量保证金的退还\n缺陷责任期届满后退还。\n"
            "第二条 特约事项：\n"
            "（1）乙方承租之房间仅限乙方及其家属居住，不得引进外人居住，并应注重公共道德及卫生，"
            "违者甲方得随时终止租约，请求乙方迁出，乙方不得提出任何异议。\n"
            "（2）租赁期间原有设施及水电卫生设备乙方有使用权，但应负保管之责，如有破坏应负责修复，"
            "并不得擅自增添设备，但经甲方允许者不在此限，乙方不得异议。\n"
            "上列各项条款均经双方自愿决不反悔。\n")
    c = _by_id(text)
    assert c["1.1(3)"].text == f"{long}，双方约定的其他扣留方式。"
    assert c["1.1"].text == ("质量保证金的扣留有以下三种方式：\n"
                                "除专用合同条款另有约定外，原则上采用上述第（1）种方式。\n"
                                "累计扣留的质量保证金不得超过结算总额的3%。")
    assert c["1.1(1)"].parent == "1.1"
    assert c["第二条(2)"].text.endswith("乙方不得异议。")
    assert c["第二条"].text == "特约事项：\n上列各项条款均经双方自愿决不反悔。"


def test_a_last_item_of_several_paragraphs_keeps_them() -> None:
    """The rule above is narrow: an item's second paragraph that does not speak of the list,
    or a list whose items have several paragraphs each, stays with the item."""
    long = ("乙方未按约定时间交付租金的，每逾期一日，应按月租金的百分之一向甲方支付违约金，"
            "违约金自应付之日起算至实际付清之日止")
    text = (f"租赁合同\n第一条 违约责任\n（1）{long}；\n（2）{long}。\n"
            "逾期超过三十日的，甲方有权解除合同。\n"
            f"第二条 其他\n（1）{long}；\n上述违约金不足以弥补损失的，乙方应补足。\n（2）{long}。\n"
            "上述违约金由甲方从押金中扣除。\n第三条 本合同自签字之日起生效。\n")
    c = _by_id(text)
    assert c["第一条(2)"].text == f"{long}。\n逾期超过三十日的，甲方有权解除合同。"
    assert c["第二条(2)"].text == f"{long}。\n上述违约金由甲方从押金中扣除。"


def test_a_blank_item_among_clauses_is_a_line_of_the_clause_above() -> None:
    """Clauses 1.–2. under （一） and 3.–4. left blank ("3. ；"): the blank ones were put in
    （一）'s own text, before its clauses. A blank item is a line of the clause just above it
    at its own level (the one before it), or of its parent when it is the first."""
    long = "地基基础和主体结构，保修期限为设计文件规定的该工程的合理使用年限，自房屋交付之日起计算"
    text = ("商品房买卖合同\n第一条 房屋交付。\n第二条 本合同自签字之日起生效。\n"
            "附件八 保修约定\n（一）保修项目、期限及责任的约定\n"
            f"1. {long}；\n2. {long}。\n3. ；\n4. 。\n（二）其他约定\n双方另行约定。\n"
            "附件九 其他\n（一）；\n（二）双方另行约定的事项。\n")
    c = _by_id(text)
    assert [k for k in c if k.startswith("附件")] == [
        "附件八", "附件八 （一）", "附件八 1", "附件八 2", "附件八 （二）",
        "附件九", "附件九 （二）"]
    assert c["附件九"].text == "其他\n（一）；"  # the first item blank: a line of its parent
    assert c["附件八 （一）"].text == "保修项目、期限及责任的约定"
    assert c["附件八 2"].text == f"{long}。\n3. ；\n4. 。"


def test_an_annex_heading_carries_its_clauses() -> None:
    """附件一 with only its title over items 1. 2., and 附件二 with a paragraph that announces
    nothing: their items had no parent, so the annex was not quoted with them. An annex is a
    document of its own: its heading is the parent of the clauses under it (its title is its
    text when it has no paragraph); a chapter of the body still only when it announces them."""
    text = ("房屋买卖合同\n第一章 总则\n本章约定房屋的基本情况。\n第一条 房屋位于北京市。\n"
            "第二条 本合同自签字之日起生效。\n附件一\n房屋平面图\n1. 房屋分层分户图\n"
            "2. 建设工程规划方案总平面图\n附件二 付款计划\n首期付款百分之三十。\n"
            "1. 首期款于签约时支付。\n2. 余款于交房时付清。\n")
    c = _by_id(text)
    assert list(c) == ["第一章", "第一条", "第二条", "附件一", "附件一 1", "附件一 2",
                       "附件二", "附件二 1", "附件二 2"]
    assert (c["附件一"].title, c["附件一"].text, c["附件一"].level) == (
        "房屋平面图", "房屋平面图", 1)
    assert [(c[k].parent, c[k].level) for k in ("附件一 1", "附件一 2", "附件二 1", "附件二 2")
            ] == [("附件一", 2), ("附件一", 2), ("附件二", 2), ("附件二", 2)]
    assert c["附件二"].text == "首期付款百分之三十。"
    assert [c[k].parent for k in ("第一条", "第二条")] == [None, None]


WORD_LISTS = (
    "建设工程施工合同\n"
    "1. 一般约定\n"
    "1.1 合同是指根据法律规定和合同当事人约定具有约束力的文件。\n"
    "1.2 合同文件应能相互解释，互为说明。\n"
    "2. 合同价格与支付\n"
    "2.1 合同价格形式\n"
    "发包人和承包人应在合同协议书中选择下列一种合同价格形式：\n"
    "1. 单价合同\n"
    "单价合同是指合同当事人约定以工程量清单及其综合单价进行合同价格计算、调整和确认的建设工程施工"
    "合同，在约定的范围内合同单价不作调整。\n"
    "2. 总价合同\n"
    "总价合同是指合同当事人约定以施工图、已标价工程量清单或预算书及有关条件进行合同价格计算、调整"
    "和确认的建设工程施工合同。\n"
    "2.2 进度款支付\n"
    "2.2.1 付款周期应与计量周期保持一致。\n"
    "2.2.2 支付分解表\n"
    "1. 支付分解表的编制要求\n"
    "（1）支付分解表中所列的每期付款金额，应为进度付款申请单的编制中约定的估算金额，按月列明并"
    "报监理人审核；\n"
    "（2）实际进度与施工进度计划不一致的，合同当事人可按照商定或确定的约定修改支付分解表，并报"
    "发包人批准；\n"
    "2. 总价合同支付分解表的编制与审批\n"
    "（1）承包人应根据施工进度计划、签约合同价和工程量等因素对总价合同按月进行分解，编制支付"
    "分解表。\n"
    "（2）监理人应在收到支付分解表后7天内完成审核并报送发包人，发包人应在7天内完成审批并通知"
    "承包人。\n"
    "3. 验收和工程试车\n"
    "3.1 分部分项工程质量应符合国家有关工程施工验收规范。\n"
)


def test_word_numbered_lists_under_dotted_clauses_stay_in_them() -> None:
    """Word numbers a list 1. 2. under 2.1 or 2.2.2 although the chapters are 1. 2. 3.: the
    list's 1. was taken for text, so its second item ended up inside the first's last
    sub-item (2.2.2(2)) and the items of 2.1 were lines of its text. The list is now 2.1's
    and 2.2.2's: long items are child clauses, short ones lines of the clause; 3. after it is
    the next chapter."""
    clauses = split_clauses(WORD_LISTS, "works")
    c = {x.clause: x for x in clauses}
    assert list(c) == ["1", "1.1", "1.2", "2", "2.1", "2.1第1项", "2.1第2项", "2.2", "2.2.1",
                       "2.2.2", "3", "3.1"]
    assert (c["2.1第2项"].title, c["2.1第2项"].parent) == ("总价合同", "2.1")
    assert c["2.2.2"].text.split("\n")[0::3] == [
        "1. 支付分解表的编制要求", "2. 总价合同支付分解表的编制与审批"]
    assert c["2.2.2"].text.count("\n") == 5
    assert (c["3"].title, c["3.1"].parent) == ("验收和工程试车", "3")
