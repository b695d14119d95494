"""/clause numbers as a support team writes them: a chapter (第三章, 第3章), an annex (附件一,
附件1, an annex in parts), and an item that is not a clause of its own (第五条第二项,
第六條（二）), which quotes its clause."""

from __future__ import annotations

import pytest
from index_corpus import LEASE, MAINT, build_tiny_index

from index.search import Searcher

LICENCE = {
    "key": "licence",
    "title": "软件许可协议",
    "parties": {"甲方": "许可方", "乙方": "被许可方"},
    "clauses": [
        ["第一条", "第一章", "许可", "许可方授予被许可方非独占的使用许可。"],
        ["第二条", "第一章", "许可", "许可费为五万元，（一）首付三万元；（二）验收后付两万元。"],
        ["第三条", "第二章", "保密", "双方对源代码保密。"],
        ["附件一A", None, None, "合同产品目录（略）"],
        ["附件一B", None, None, "合同材料目录（略）"],
        ["附件二 1", "附件二", "技术培训", "培训在许可方工厂进行。"],
        ["附件二 2", "附件二", "技术培训", "培训语言为英语。"],
        ["附件十一", None, None, "信用证格式（略）"],
    ],
}


# A contract in parts, as the parse gives 建设工程施工合同（完整版）: 第一部分 is a clause heading
# its articles, 第二部分 and 第三部分 chapters (the third's ids prefixed: 第三部分 1).
WORKS = {
    "key": "works",
    "title": "建设工程施工合同",
    "parties": {},
    "clauses": [
        ["第一部分", "第一部分", "合同协议书", "双方就下列事项达成协议："],
        ["一", "第一部分", "合同协议书", "工程名称：办公楼。", "第一部分"],
        ["1", "第二部分", "通用合同条款", "一般约定", None, "一般约定"],
        ["1.1", "第二部分", "通用合同条款", "合同是指约束双方的文件。", "1"],
        ["2", "第二部分", "通用合同条款", "发包人应按约定支付工程款。"],
        ["第三部分 1", "第三部分", "专用合同条款", "专用条款优先于通用条款。"],
        ["第三部分 1.1", "第三部分", "专用合同条款", "合同另指双方的补充协议。", "第三部分 1"],
    ],
}


# A contract numbered 一、二、 whose heading 六 has items, as the parse gives 房屋租赁合同 模板一:
# 六第1项 … (its items (1) … under 六).
HOUSE = {
    "key": "house",
    "title": "房屋租赁合同 模板一",
    "parties": {"甲方": "出租人", "乙方": "承租人"},
    "clauses": [
        ["五", None, None, "租金每月两千元。"],
        ["六", None, None, "租赁期间的其它约定事项", None, "租赁期间的其它约定事项"],
        *[[f"六第{n}项", None, None, text, "六"] for n, text in enumerate((
            "甲方提供完好的房屋及设施。", "乙方按时交纳水电费。", "乙方不得擅自改变房屋结构。",
            "甲方负责房屋的主体维修。", "甲方无正当理由终止协议，应承担违约责任。",
            "乙方退租时应结清各项费用并交还钥匙。"), 1)],
    ],
}


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    idx = build_tiny_index(tmp_path_factory.mktemp("lookup"), MAINT, LEASE, LICENCE, WORKS,
                           HOUSE)
    return Searcher.open(idx, "use-multilingual")


def numbers(searcher, number, contract=None):
    return [f"{h.clause.contract}#{h.clause.clause}"
            for h in searcher.get_clause(number, contract)]


def test_a_chapter_gives_its_clauses_not_clauses_numbered_like_it(searcher) -> None:
    assert numbers(searcher, "第三章") == ["maint#3.1", "maint#3.2"]  # not 3 or 三 elsewhere
    assert numbers(searcher, "第3章", "maint") == ["maint#3.1", "maint#3.2"]
    assert numbers(searcher, "第二章", "licence") == ["licence#第三条"]
    [heading] = searcher.get_clause("第四章", "maint")[1:]  # 4.2 with its sub-clause 4.2.1
    assert [c.clause for c in heading.children] == ["4.2.1"]


def test_an_annex_by_either_numeral_and_in_parts(searcher) -> None:
    assert numbers(searcher, "附件一") == ["licence#附件一A", "licence#附件一B"]
    assert numbers(searcher, "附件1") == ["licence#附件一A", "licence#附件一B"]
    assert numbers(searcher, "附件2") == ["licence#附件二 1", "licence#附件二 2"]
    assert numbers(searcher, "附件十一") == ["licence#附件十一"]
    assert numbers(searcher, "附件二 1") == ["licence#附件二 1"]
    assert numbers(searcher, "附件2 1") == ["licence#附件二 1"]


def test_an_item_inside_its_clause_quotes_the_clause(searcher) -> None:
    assert numbers(searcher, "第二条第二项", "licence") == ["licence#第二条"]
    assert numbers(searcher, "第二條（二）", "licence") == ["licence#第二条"]
    assert numbers(searcher, "第2条(1)", "lease") == ["lease#第二条"]
    assert numbers(searcher, "第九条第二项", "lease") == []
    assert numbers(searcher, "第二条 软件许可协议") == []  # a number only, not a question


def test_an_annex_is_not_the_start_of_a_longer_number(searcher) -> None:
    """附件十 is not 附件十一's first part: the licence has no 附件十."""
    assert numbers(searcher, "附件十", "licence") == []
    assert numbers(searcher, "附件十一", "licence") == ["licence#附件十一"]


def test_a_part_is_a_chapter(searcher) -> None:
    """/clause 第二部分 of 建设工程施工合同（完整版） said 没有找到: the parse makes its parts
    chapters (第二部分 通用合同条款), as it does 第X章, and they are found as chapters are, by
    either numeral; a 三 chapter (第三章) is no 第三部分."""
    assert numbers(searcher, "第二部分", "works") == ["works#1", "works#2"]
    assert numbers(searcher, "第 2 部分") == ["works#1", "works#2"]
    assert numbers(searcher, "第一部分") == ["works#第一部分"]  # quoted with 一, its article
    assert numbers(searcher, "第三部分") == ["works#第三部分 1"]
    assert numbers(searcher, "第三部份") == ["works#第三部分 1"]  # 部份, as some write it
    res = searcher.search("第二部分讲什么", contract="works", top_k=3)
    assert sorted(h.clause.clause for h in res.hits[:2]) == ["1", "2"] and res.cited == 2
    assert searcher.search("第五部分讲什么", contract="works").uncited == ("第五部分",)


def test_a_clause_number_after_a_part_is_that_parts_clause(searcher) -> None:
    """第三部分 1.1 is the third part's 1.1 (its id carries the part), not the whole part and
    the second part's 1.1; 1.1 alone, or after 第二部分, is the 1.1 without a prefix."""
    from index.search.lookup import cited_chapters

    assert cited_chapters("第三部分 1.1讲什么") == ()
    for question, clause in (("第三部分 1.1讲什么", "第三部分 1.1"),
                             ("第三部分1.1", "第三部分 1.1"),
                             ("第二部分1.1讲什么", "1.1"), ("1.1讲什么", "1.1")):
        res = searcher.search(question, contract="works", top_k=3)
        assert (res.hits[0].clause.clause, res.cited) == (clause, 1), question


def test_an_item_of_a_numbered_heading_is_cited_as_clause_finds_it(searcher) -> None:
    """六第6项是什么意思 searched the words (the citation was not seen), while /clause 六第6项
    quoted the item: a question citing an item of a 一、 heading (六第6项, in either script
    and numerals) gets that item, as /clause does; an item the heading lacks cites the
    heading; 十六第2项 is not 六's."""
    from index.search.lookup import cited_numbers

    assert numbers(searcher, "六第6项", "house") == ["house#六第6项"]
    assert numbers(searcher, "六第六項", "house") == ["house#六第6项"]
    for question in ("六第6项是什么意思", "六第6項是什麼意思", "六第六项怎么规定"):
        res = searcher.search(question, top_k=3)
        assert (res.hits[0].clause.clause, res.cited) == ("六第6项", 1), question
    res = searcher.search("六第9项是什么意思", contract="house", top_k=3)
    assert res.hits[0].clause.clause == "六"
    assert cited_numbers("十六第2项")[0][-1] == frozenset({"十六"})


def test_an_article_and_item_find_the_item_of_a_numbered_heading(searcher) -> None:
    """第六条第6项 against a contract numbered 一、 gave the heading 六 (asked or by /clause),
    where 六第6项 gave the item: 第六条 is 六 there, so its item 6 is 六第6项, in either
    script and numerals; an item 六 lacks still gives 六."""
    for number in ("第六条第6项", "第六條第六項", "第6条第6项"):
        assert numbers(searcher, number, "house") == ["house#六第6项"], number
    for question in ("第六条第6项是什么意思", "第六條第六項是什麼意思"):
        res = searcher.search(question, contract="house", top_k=3)
        assert (res.hits[0].clause.clause, res.cited) == ("六第6项", 1), question
    assert numbers(searcher, "第六条第9项", "house") == ["house#六"]
    res = searcher.search("第六条第9项是什么意思", contract="house", top_k=3)
    assert res.hits[0].clause.clause == "六"


def test_an_item_the_parse_numbers_as_asked_is_found_as_clause_finds_it(tmp_path) -> None:
    """劳动合同's items are clauses numbered 第三条第1项: /clause 第三条第1项 quoted the item,
    a question citing it (or /clause 第三条第一项) the whole 第三条."""
    labor = {"key": "labor", "title": "劳动合同", "parties": {}, "clauses": [
        ["第三条", None, None, "甲方安排乙方执行以下第 种工时制度："],
        ["第三条第1项", None, None, "标准工时工作制。", "第三条"],
        ["第三条第2项", None, None, "依法实行综合计算工时工作制。", "第三条"]]}
    labor_searcher = Searcher.open(build_tiny_index(tmp_path, labor), "use-multilingual")
    for number in ("第三条第1项", "第三条第一项", "第3条第1项"):
        assert numbers(labor_searcher, number) == ["labor#第三条第1项"], number
    res = labor_searcher.search("第三条第一项是什么意思", top_k=3)
    assert (res.hits[0].clause.clause, res.cited) == ("第三条第1项", 1)
