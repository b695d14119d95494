"""The shared answer composer: grouping, headings, party note, blank flag, script."""

from __future__ import annotations

import dataclasses

import pytest

from bot.compose import (
    BLANK_FLAG,
    child_line,
    compose,
    format_text,
    has_blank,
    heading_line,
    party_note,
    quoted_once,
)
from index import Clause, Hit, SearchResult, detect_script


def hit(contract: str, number: str, text: str, title: str = "服务合同",
        chapter: str | None = "第七章", chapter_title: str | None = "质量保证") -> Hit:
    return Hit(Clause(contract, number, chapter, chapter_title, text), title, 1.0)


def test_heading_line_with_and_without_chapter() -> None:
    assert heading_line(hit("a", "7.2", "x", "在线客服系统升级服务合同")) == \
        "《在线客服系统升级服务合同》 第七章 质量保证 › 7.2"
    assert heading_line(hit("a", "第三条", "x", "租赁合同", None, None)) == "《租赁合同》 第三条"


def test_heading_line_gives_the_clauses_title_and_a_file_name_only_for_a_shared_title() -> None:
    c = Clause("supply", "第十三条", "第六章", "违约责任", "逾期交付责任", title="逾期交付责任")
    assert heading_line(Hit(c, "设备采购合同", 1.0, source="设备采购.docx")) == \
        "《设备采购合同》 第六章 违约责任 › 第十三条 逾期交付责任"
    assert heading_line(Hit(c, "设备采购合同", 1.0, source="设备采购.docx", shared_title=True),
                        "traditional") == \
        "《設備採購合同》（设备采购.docx） 第六章 違約責任 › 第十三條 逾期交付責任"  # file as named


def test_a_clause_that_is_its_annex_whole_is_not_named_twice() -> None:
    """An annex of one clause (the 房屋交割清单 of a lease: number 附件, chapter 附件 and
    title 房屋交割清单 both) was headed 附件 房屋交割清单 › 附件 房屋交割清单."""
    whole = Clause("h", "附件", "附件", "房屋交割清单", "名称；品牌", title="房屋交割清单")
    bare = dataclasses.replace(whole, title=None)
    part = Clause("e", "附件二 1", "附件二", "技术培训", "培训在转让方工厂进行。")
    assert heading_line(Hit(whole, "房屋租赁合同", 1.0)) == "《房屋租赁合同》 附件 房屋交割清单"
    assert heading_line(Hit(bare, "房屋租赁合同", 1.0)) == "《房屋租赁合同》 附件 房屋交割清单"
    assert heading_line(Hit(part, "设备引进合同", 1.0), "traditional") == \
        "《設備引進合同》 附件二 技術培訓 › 附件二 1"  # a clause of an annex keeps its number


def test_a_sub_clause_line_is_number_title_and_own_text() -> None:
    bare = Clause("m", "2.3", None, None, "维护响应时间", title="维护响应时间")
    full = Clause("m", "2.4", None, None, "乙方应在两小时内响应。", title="响应时限")
    assert [child_line(bare), child_line(full)] == [
        "2.3 维护响应时间", "2.4 响应时限 乙方应在两小时内响应。"]


def test_blank_detection() -> None:
    assert has_blank("违约金为合同总额的____%。")
    assert has_blank("甲方：＿＿＿＿＿＿")
    assert has_blank("费率为—%")
    assert has_blank("开户行：（空白）")
    assert not has_blank("违约金为合同总额的5%。")
    assert not has_blank("付款比例 10-20%")


def test_a_choice_left_open_is_a_blank() -> None:
    assert has_blank("甲方□同意□不同意乙方将委托事务转委托。")
    assert has_blank("该房屋□是□否有免租期，免租期为3日。")
    assert not has_blank("甲方☑同意□不同意乙方将委托事务转委托。")  # ticked
    assert not has_blank("甲方□同意√不同意乙方将委托事务转委托。")
    assert not has_blank("同意的在选择项前的□打√，不同意的打×。")  # one box: how to fill in
    # one choice made, the next left open: each line is a choice of its own
    assert has_blank("1. 转委托：甲方☑同意□不同意\n2. 代收款项：甲方□同意□不同意")
    assert not has_blank("1. 转委托：甲方☑同意□不同意\n2. 代收款项：甲方□同意☑不同意")


@pytest.mark.parametrize("text", [
    "法定代表：姓名＿＿职务＿＿国籍＿＿。",  # two full-width underscores
    "租金为每月———元。",  # a run of dashes
    "租赁期自      年    月    日起。",  # a run of spaces (full-width ones are spaces now)
    "甲方应于 年 月 日前付款。",  # a date without its numbers (PDF underlines are dropped)
    "月租金为人民币 元，押金 元。",  # an amount without its number
    "双方约定按下列第 种方式处理。",
    "该房屋坐落于： 。",  # a value missing before the full stop
    "依法实行以 为周期的综合计算工时工作制。",  # Chinese has no spaces between words
    "月租金为${contract.rent}元。",  # a template field never filled
])
def test_blanks_written_as_spaces_dashes_and_full_width_underscores(text: str) -> None:
    assert has_blank(text)


@pytest.mark.parametrize("text", [
    "工作时间 9:30—18:30，周一至周五。",
    "ΔP——需调整的价格差额；",  # a dash in a formula
    "因乙方欠缴各项费用达  30  日以上的，甲方可以解除合同。",  # a filled-in number
    "地    址：上海市浦东新区；电    话：021-12345678",  # labels padded with spaces
    "监理人应提前 7 天书面通知承包人。",
    "签订地点：杭州市西湖区 / 线上系统确认",
])
def test_filled_text_is_not_taken_for_a_blank(text: str) -> None:
    assert not has_blank(text)


def test_party_note_only_when_question_names_a_defined_role() -> None:
    parties = {"甲方": "维护方", "乙方": "用户方"}
    assert party_note("乙方响应时间是多少", parties) == "本合同中甲方为维护方，乙方为用户方"
    assert party_note("响应时间是多少", parties) is None
    assert party_note("丙方做什么", parties) is None


def test_compose_groups_by_contract_in_first_appearance_order() -> None:
    result = SearchResult("乙方响应时间", (hit("a", "7.2", "两小时", "甲合同"),
                                        hit("b", "2.1", "四小时", "乙合同"),
                                        hit("a", "7.3", "____%", "甲合同")),
                          parties={"a": {"甲方": "维护方", "乙方": "用户方"}})
    answer = compose(result)
    assert [g.contract for g in answer.groups] == ["a", "b"]
    assert [h.heading.rsplit(" ", 1)[1] for h in answer.groups[0].hits] == ["7.2", "7.3"]
    assert answer.groups[0].note == "本合同中甲方为维护方，乙方为用户方"
    assert answer.groups[1].note is None
    assert [h.blank for h in answer.groups[0].hits] == [False, True]
    text = format_text(answer)
    assert text.index("7.2") < text.index("7.3") < text.index("2.1")
    assert BLANK_FLAG in text


def test_the_clauses_a_question_cites_come_before_the_other_hits_of_their_contract() -> None:
    """《劳动合同》第七条 of three files: 第十二条 of the first file ranks after the other
    files' 第七条 and is quoted after them, not grouped up between them."""
    sample, plain = {"甲方": "用人单位"}, {"甲方": "公司"}
    hits = tuple(hit(c, n, t, "劳动合同") for c, n, t in (
        ("sample", "第七条", "保密"), ("plain", "第七条", "试用期工资"),
        ("sample", "第十二条", "其他"), ("plain", "第一条", "期限")))
    result = SearchResult("《劳动合同》甲方第七条", hits, cited=2,
                          parties={"sample": sample, "plain": plain})
    answer = compose(result)
    assert [(g.contract, [h.heading.rsplit(" ", 1)[1] for h in g.hits]) for g in answer.groups] \
        == [("sample", ["第七条"]), ("plain", ["第七条"]), ("sample", ["第十二条"]),
            ("plain", ["第一条"])]
    assert [g.note is not None for g in answer.groups] == [True, True, False, False]
    text = format_text(answer)
    assert text.index("保密") < text.index("试用期工资") < text.index("其他")
    assert [g.contract for g in compose(dataclasses.replace(result, cited=0)).groups] == [
        "sample", "plain"]  # no citation: grouped by contract as before


def test_a_hit_is_cited_by_its_position_not_by_equal_fields() -> None:
    """The same 第七条, word for word, found twice in one file (a template and its annex): only
    the first is the cited one; the other is quoted after the other hits of its contract."""
    hits = tuple(hit(c, n, t, "劳动合同") for c, n, t in (
        ("sample", "第七条", "保密"), ("plain", "第七条", "试用期工资"),
        ("plain", "第一条", "期限"), ("sample", "第七条", "保密")))
    assert hits[3] == hits[0] and hits[3] is not hits[0]
    answer = compose(SearchResult("《劳动合同》第七条", hits, cited=2))
    assert [(g.contract, len(g.hits)) for g in answer.groups] == [
        ("sample", 1), ("plain", 1), ("plain", 1), ("sample", 1)]


def test_a_later_page_is_told_apart_by_its_position_not_by_equal_fields() -> None:
    """A page (更多) whose first hit equals the first page's first one is still a later page:
    the missing number is said once."""
    hits = (hit("a", "7.2", "两小时"), hit("a", "7.3", "四小时"), hit("a", "7.2", "两小时"))
    result = SearchResult("第九十九条写了什么", hits, uncited=("第九十九条",))
    assert compose(result, offset=0, size=2).lead == "没有找到第九十九条，以下是最相关的条款。"
    later = compose(result, offset=2, size=2)
    assert later.lead is None
    assert [h.heading for g in later.groups for h in g.hits] == [heading_line(hits[2])]


def test_a_later_page_quotes_its_own_hits_and_none_of_them_as_cited() -> None:
    """更多 after two cited 第七条: the next page holds ``size`` hits, none of them cited, so
    they are grouped by contract (a's two together), not quoted as cited one by one."""
    hits = tuple(hit(c, n, t, "劳动合同") for c, n, t in (
        ("a", "第七条", "保密"), ("b", "第七条", "试用期工资"), ("a", "第一条", "期限"),
        ("b", "第二条", "岗位"), ("a", "第三条", "工资"), ("b", "第九条", "休假")))
    result = SearchResult("《劳动合同》第七条", hits, cited=2)
    page = compose(result, offset=2, size=3)
    assert [(g.contract, [h.heading.rsplit(" ", 1)[1] for h in g.hits]) for g in page.groups] \
        == [("a", ["第一条", "第三条"]), ("b", ["第二条"])]
    first = compose(result, offset=0, size=2)
    assert [h.heading.rsplit(" ", 1)[1] for g in first.groups for h in g.hits] == [
        "第七条", "第七条"]


def test_a_cited_number_that_is_not_there_is_said_before_the_clauses() -> None:
    hits = (hit("a", "7.2", "两小时"), hit("a", "7.3", "四小时"))
    result = SearchResult("第九十九条写了什么", hits, uncited=("第九十九条",))
    first = compose(result)
    assert first.lead == "没有找到第九十九条，以下是最相关的条款。"
    assert format_text(first).startswith(first.lead + "\n\n")
    assert compose(result, offset=1).lead is None  # 更多: said once
    from bot.render import render_answer

    assert render_answer(first)[0].startswith("<i>没有找到第九十九条，以下是最相关的条款。</i>\n\n")
    nothing = compose(SearchResult("第九十九條寫了什麼", hits, relevant=False,
                                   uncited=("第九十九条",)))
    assert nothing.nothing == "沒有找到第九十九條。"


def test_not_relevant_says_nothing_found_and_shows_no_clause() -> None:
    result = SearchResult("天气如何", (hit("a", "7.2", "两小时"),), relevant=False)
    answer = compose(result)
    assert not answer.found
    assert "7.2" not in format_text(answer)
    assert "没有找到" in format_text(answer)


def test_traditional_question_gets_traditional_words_and_quotes() -> None:
    assert detect_script("乙方響應時間是多少") == "traditional"
    assert detect_script("乙方响应时间是多少") == "simplified"
    found = (hit("a", "7.2", "乙方响应时间为两小时", "升级服务合同"),)
    result = SearchResult("乙方響應時間是多少", found,
                          parties={"a": {"甲方": "维护方", "乙方": "用户方"}})
    answer = compose(result)
    assert answer.groups[0].hits[0].text == "乙方響應時間為兩小時"
    assert "質量保證" in answer.groups[0].hits[0].heading
    assert answer.groups[0].note == "本合同中甲方為維護方，乙方為用戶方"
    nothing = compose(SearchResult("乙方響應時間是多少", (), relevant=False))
    assert nothing.nothing == "沒有找到與問題相關的條款。"
    english = compose(SearchResult("What is Party B's response time?", (), relevant=False))
    assert english.nothing == ("没有找到与问题相关的条款。"
                               "合同是中文的，请用中文提问，例如：乙方响应时间是多少")
    for number in ("5", "7.2", "2026"):  # no words of another language: no 请用中文提问
        assert compose(SearchResult(number, (), relevant=False)).nothing == \
            "没有找到与问题相关的条款。", number


def test_simplified_question_converts_traditional_quotes() -> None:
    found = (hit("t", "第二條", "押金為兩個月租金", "租賃契約", None, None),)
    result = SearchResult("押金是多少", found)
    assert compose(result).groups[0].hits[0].text == "押金为两个月租金"


def test_sub_clauses_left_out_name_the_command_that_shows_them() -> None:
    """An answer quotes 1,500 characters of a heading's sub-clauses; its note gave
    /clause 13.2.4, which quotes that one sub-clause, in every contract that has one. It now
    gives the heading and the contract, which /clause quotes whole; /clause's own note (past
    12,000 characters) the first one left out, with the contract."""
    children = tuple(Clause("build", f"13.{i}", "第十三章", "验收", "验收" * 200)
                     for i in range(1, 11))
    heading = Hit(Clause("build", "13", "第十三章", "验收", "验收和工程试车"), "施工合同", 1.0,
                  children=children)
    result = SearchResult(question="验收", hits=(heading,))
    [short] = compose(result, child_chars=1500).groups[0].hits
    assert short.more_children == "……另有 7 条子条款未显示，可用 /clause 13 build 查看。"
    [long] = compose(result, child_chars=2500).groups[0].hits
    assert long.more_children == "……另有 4 条子条款未显示，可用 /clause 13 build 查看。"
    big = Hit(heading.clause, heading.title, 1.0, children=children * 4)
    [whole] = compose(SearchResult(question="13", hits=(big,)),
                      child_chars=12_000).groups[0].hits
    assert whole.more_children == "……另有 11 条子条款未显示，可用 /clause 13.10 build 查看。"


def test_a_hit_an_earlier_heading_quotes_is_left_out_of_every_page() -> None:
    """The hits an answer's pages are cut from: a sub-clause found after its heading goes
    (it is quoted under it), also past the clauses the question cites, which stay counted."""
    item = Clause("lease", "六第5项", None, None, "甲方无正当理由终止协议，应承担违约责任。",
                  parent="六")
    heading = Hit(Clause("lease", "六", None, None, "其它约定事项："), "房屋租赁合同", 1.0,
                  children=(item,))
    alone, other = Hit(item, "房屋租赁合同", 0.9), hit("lease", "五", "违约责任", "房屋租赁合同")
    result = SearchResult("违约金", (heading, alone, other), cited=2)
    assert quoted_once(result) == dataclasses.replace(result, hits=(heading, other), cited=1)
    first = SearchResult("违约金", (alone, heading, other))  # before its heading: kept
    assert quoted_once(first) is first
