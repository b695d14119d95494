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


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    idx = build_tiny_index(tmp_path_factory.mktemp("lookup"), MAINT, LEASE, LICENCE)
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
