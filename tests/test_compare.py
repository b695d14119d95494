"""compare_contracts over a tiny inline corpus: which contracts have a clause on a topic.

``terse`` says its deposit in a few words (租房押金：…元), as 房屋租赁合同 模板一 does, and
``staff`` heads its term clause 合同性质与期限, as 劳动合同（已填写样例） does: both are found
(/compare 押金 and /compare 合同期限 called them 未约定).
"""

from __future__ import annotations

import pytest
from index_corpus import FAST_ENCODER, LEASE, MAINT, build_tiny_index
from index_corpus import compare_rows as rows

from index.search import Searcher
from index.search.ranking import coverage

TERSE = {"key": "terse", "title": "房屋租赁合同", "parties": {}, "clauses": [
    ["一", None, None, "房屋座落地址：          。"],
    ["二", None, None, "租赁期限：自    年  月  日至    年  月  日止。"],
    ["三", None, None, "租金及交纳时间：每月    元，先付后住。"],
    ["四", None, None, "租房押金：    元。到期结算后归还不计息。"],
]}
STAFF = {"key": "staff", "title": "劳动合同", "parties": {}, "clauses": [
    ["第一条", None, None,
     "本合同为固定期限劳动合同，自2025年3月1日起至2028年2月28日止，期限三年。",
     None, "合同性质与期限"],
    ["第二条", None, None, "乙方的工作岗位为销售。", None, "工作内容"],
    ["第三条", None, None, "甲方每月十日支付乙方工资。", None, "劳动报酬"],
]}


@pytest.fixture(scope="module")
def searcher(tmp_path_factory) -> Searcher:
    root = tmp_path_factory.mktemp("compare")
    return Searcher.open(build_tiny_index(root, MAINT, LEASE, TERSE, STAFF), FAST_ENCODER)


def test_a_clause_that_says_it_in_a_few_words_is_found(searcher) -> None:
    """Asked of ``terse`` alone, 押金's vector match is weak (it was refused, and hid the row):
    the question is about contracts all the same, and 四 holds every word of it, which now
    makes it relevant when asked of that contract alone (stop 33) as well as a row here."""
    alone = searcher.search("押金", contract="terse")
    assert alone.evidence[0] < searcher.config.weak_dense and alone.evidence[1] == 1.0
    assert alone.relevant and alone.hits[0].clause.clause == "四"
    assert rows(searcher, "押金") == {"maint": None, "lease": "第二条", "terse": "四",
                                      "staff": None}
    assert rows(searcher, "押金是多少")["terse"] == "四"


def test_a_compound_word_its_heading_holds_in_two_parts_is_found(searcher) -> None:
    """合同期限 under the heading 合同性质与期限; 租赁期限 (lease, terse) is the term of a
    房屋租赁合同, said with its own kind word (test_compare_kinds.py)."""
    assert rows(searcher, "合同期限") == {"maint": None, "lease": "第三条", "terse": "二",
                                          "staff": "第一条"}


def test_a_question_about_no_contract_finds_none(searcher) -> None:
    assert set(rows(searcher, "今天天气如何").values()) == {None}


def test_parts_of_a_word_count_in_the_headings_only() -> None:
    assert coverage(["合同期限"], "合同性质与期限 本合同…期限三年", {}) == 0.0  # text alone
    assert coverage(["合同期限"], "本合同…期限三年", {}, titles="合同性质与期限") == 1.0
    assert coverage(["合同期限"], "", {"期限": ("有效期",)}, titles="合同有效期") == 1.0
    assert coverage(["合同期限"], "", {}, titles="合同") == 0.0
    assert coverage(["违约金"], "", {}, titles="违约 金额") == 0.0  # parts of two characters


def test_a_clause_cited_by_number_is_found_in_each_contract_that_has_it(searcher) -> None:
    """/compare 第二条: each contract numbering a clause so quotes it, though no word of the
    question is in it; asked of one contract, that clause is relevant too."""
    assert rows(searcher, "第二条") == {"maint": None, "lease": "第二条", "terse": "二",
                                        "staff": "第二条"}
    assert searcher.search("第二条", contract="staff").relevant


def test_a_row_is_found_by_most_of_the_words_not_half(searcher) -> None:
    """租金支付方式: lease's 第一条 holds two words of three; 乙方工资: maint's 1.2 holds
    乙方 only, which every contract has, so maint has no clause on it."""
    assert rows(searcher, "租金支付方式")["lease"] == "第一条"
    assert rows(searcher, "乙方工资") == {"maint": None, "lease": None, "terse": None,
                                          "staff": "第三条"}


CHAPTERED = {"key": "chaptered", "title": "劳务合同", "parties": {}, "clauses": [
    ["第一条", "第一章", "合同性质与期限", "本合同自2025年3月1日起至2026年2月28日止。"],
    ["第二条", "第二章", "劳务报酬", "甲方每月十日支付乙方报酬。"],
]}


def test_a_chapter_title_holding_the_parts_of_a_word_counts_too(tmp_path) -> None:
    """合同期限 under a chapter (not a clause heading) titled 合同性质与期限."""
    searcher = Searcher.open(build_tiny_index(tmp_path, LEASE, CHAPTERED), FAST_ENCODER)
    assert rows(searcher, "合同期限") == {"lease": "第三条", "chaptered": "第一条"}
