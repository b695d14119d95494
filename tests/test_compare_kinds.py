"""compare_contracts over a tiny inline corpus: words a clause says in the contract's own terms.

``agency`` heads its term 委托期限, as 委托合同 第三条 does (/compare 合同期限 called it 未约定);
``works`` has a quality bond (质量保证金) and no deposit, as 建设工程施工合同（完整版） 15.3 does
(/compare 押金 quoted it through the thesaurus line 押金 = 保证金); ``flat`` returns its
deposit (租赁保证金) with 返还 and ``room`` with 归还, as 模板七 第六条 and 模板一 四 do
(/compare 押金退还 called both 未约定).
"""

from __future__ import annotations

import pytest
from index_corpus import FAST_ENCODER, build_tiny_index
from index_corpus import compare_rows as rows

from index.search import Searcher
from index.search.compare_words import clause_share, in_kind, kind_words, same_head

AGENCY = {"key": "agency", "title": "委托合同", "parties": {}, "clauses": [
    ["第一条", None, None, "甲方委托乙方办理商标注册事务。", None, "委托事项"],
    ["第二条", None, None, "甲方应向乙方支付委托费用五千元。", None, "委托费用"],
    ["第三条", None, None, "自2025年1月1日至2025年12月31日止。", None, "委托期限"],
]}
SALE = {"key": "sale", "title": "设备买卖合同", "parties": {}, "clauses": [
    ["第一条", None, None, "卖方向买方出售数控机床一台。", None, "标的"],
    ["第二条", None, None, "买方应于收货后十日内付清货款。", None, "付款期限"],
]}
WORKS = {"key": "works", "title": "建设工程施工合同", "parties": {}, "clauses": [
    ["1", None, None, "承包人负责办公楼的土建施工。", None, "工程内容"],
    ["2", None, None, "质量保证金", None, "质量保证金"],
    ["2.1", None, None, "发包人在支付工程进度款时扣留质量保证金，质量保证金总额不超过结算价的3%。",
     "2", "质量保证金的扣留"],
    ["2.2", None, None, "缺陷责任期满后，承包人可向发包人申请返还保证金。", "2",
     "质量保证金的退还"],
]}
FLAT = {"key": "flat", "title": "房屋租赁合同", "parties": {}, "clauses": [
    ["第一条", None, None, "月租金为三千元，乙方应于每月五日前支付。", None, "租金"],
    ["第二条", None, None, "乙方应于签约时交付租赁保证金六千元，租赁期满交还房屋后甲方返还。"],
    ["第三条", None, None, "乙方不得转租。", None, "转租"],
]}
ROOM = {"key": "room", "title": "房屋租赁合同", "parties": {}, "clauses": [
    ["一", None, None, "房屋座落地址：北京市海淀区。"],
    ["二", None, None, "月租金二千元，先付后住。"],
    ["三", None, None, "租房押金二千元，到期结算后归还不计息。"],
]}


@pytest.fixture(scope="module")
def searcher(tmp_path_factory) -> Searcher:
    root = tmp_path_factory.mktemp("compare-kinds")
    return Searcher.open(build_tiny_index(root, AGENCY, SALE, WORKS, FLAT, ROOM), FAST_ENCODER)


def test_a_term_said_with_the_contracts_own_kind_word_is_found(searcher) -> None:
    """合同期限 as 委托期限 in a 委托合同; 付款期限 (a payment deadline) in a 买卖合同 is not it."""
    assert rows(searcher, "合同期限") == {"agency": "第三条", "sale": None, "works": None,
                                          "flat": None, "room": None}


def test_a_synonym_inside_a_compound_the_contract_names_is_another_thing(searcher) -> None:
    """押金 = 保证金, but ``works`` names 质量保证金 (a quality bond) in a heading: 2.1, which
    says 质量保证金, does not hold 押金, nor does 2.2, which says 保证金 alone under a heading
    that says 质量保证金; 租赁保证金 in a lease is its deposit. (Over this tiny corpus, 押金
    alone is not relevant enough to compare on; 押金退还 is.)"""
    def share(contract: str, clause: str, question: str = "押金") -> float:
        scoped = searcher.signals(question, contract=contract)
        hits = [h for h in searcher.rank(scoped, 5).hits if h.clause.clause == clause]
        return searcher.share(scoped, hits[0])

    assert share("works", "2.1") == 0.0
    assert share("works", "2.2") == 0.0
    assert share("flat", "第二条") == 1.0
    assert share("room", "三") == 1.0
    assert share("works", "2.1", "保证金") == 1.0  # a quality bond is a 保证金
    assert rows(searcher, "押金退还")["works"] is None


def test_a_return_said_with_another_verb_is_found(searcher) -> None:
    """押金退还: 返还 (the thesaurus's word for 退) in ``flat``, 归还 in ``room``."""
    assert rows(searcher, "押金退还") == {"agency": None, "sale": None, "works": None,
                                          "flat": "第二条", "room": "三"}


def test_kind_words_are_the_titles_words_before_its_closing_word() -> None:
    assert kind_words("委托合同") == ("委托",)
    assert kind_words("房屋租赁合同") == ("房屋租赁", "租赁")
    assert kind_words("商品房买卖合同（现售）") == ("商品房买卖", "买卖")
    assert kind_words("房屋租賃契約書") == ("房屋租赁", "租赁")
    assert kind_words("合同") == ()


def test_the_two_parts_of_a_word_are_in_one_heading() -> None:
    """合同 in the chapter 通用合同条款 and 期限 in the heading 日期和期限 are not 合同期限
    (建设工程施工合同（完整版） 1.1.4.7, which defines 天)."""
    def share(headings: list[str]) -> float:
        return clause_share(["合同期限"], " ".join([*headings, "天：指日历天。"]),
                            headings=headings, synonyms={}, kinds=())

    assert share(["通用合同条款", "日期和期限", "天"]) == 0.0
    assert share(["合同性质与期限"]) == 1.0


def test_a_synonym_counts_as_a_word_of_its_own_only() -> None:
    """著作权 (a synonym of 知识产权) inside 著作权法 (copyright law) is not it; 押金 in
    租房押金 is a deposit, a compound no heading of the contract names."""
    ip = {"知识产权": ("著作权",)}
    assert clause_share(["知识产权"], "均符合著作权法。", headings=[], synonyms=ip,
                        kinds=()) == 0.0
    assert clause_share(["知识产权"], "成果的著作权归甲方。", headings=[], synonyms=ip,
                        kinds=()) == 1.0
    bond = {"保证金": ("押金",)}
    assert clause_share(["保证金"], "租房押金：二千元。", headings=[], synonyms=bond,
                        kinds=("房屋租赁", "租赁"), terms="租金 押金") == 1.0
    assert clause_share(["保证金"], "租房押金：二千元。", headings=[], synonyms=bond,
                        kinds=("房屋租赁", "租赁"), terms="租房押金") == 0.0


def test_a_synonym_after_a_noun_of_the_contracts_own_or_after_no_noun_stands() -> None:
    """质量保证金 is the quality bond where the headings name it; 保证金 after 协议 or after the
    kind's own noun (房屋 of a 房屋租赁合同), after glue of one character (及 of 租金及保证金),
    or first in the text (the word before it is none: not the text's last word) is the
    deposit though the headings name that compound too; after a verb the headings do not name
    with it (返还), it is the deposit. (Words are jieba's plain cut, no part of speech: a
    heading that named 返还保证金 would make it a compound.)"""
    bond = {"押金": ("保证金",)}

    def held(text: str, terms: str, kinds: tuple[str, ...] = ()) -> float:
        return clause_share(["押金"], text, headings=[], synonyms=bond, kinds=kinds,
                            terms=terms)

    assert held("质量保证金六千元。", "质量保证金") == 0.0
    assert held("协议保证金六千元。", "协议保证金") == 1.0
    assert held("房屋保证金六千元。", "房屋保证金", ("房屋租赁", "租赁")) == 1.0
    assert held("甲方返还保证金。", "质量保证金") == 1.0
    assert held("租金及保证金六千元。", "租金及保证金") == 1.0
    assert held("保证金由乙方交付质量", "质量保证金") == 1.0
    assert clause_share([], "押金六千元。", headings=[], synonyms=bond, kinds=()) == 0.0


def test_a_verb_is_held_by_another_ending_in_its_last_character_only_as_its_synonyms_are() -> None:
    """退还 = 返还 both end in 还: 归还 holds it. Not a word of more than two characters, nor
    one with a synonym ending otherwise (退款); a compound of the kind word needs two more
    characters (合同方 is no 委托方)."""
    assert same_head("退还", "到期后归还。", ["返还"])
    assert not same_head("押金退还", "到期后归还。", ["返还"])
    assert not same_head("退还", "到期后归还。", ["返还", "退款"])
    assert in_kind("合同期限", "委托期限为一年。", ("委托",))
    assert not in_kind("合同方", "委托方应当按时付款。", ("委托",))


def test_a_clauses_parent_headings_and_the_first_clause_of_the_index_count(tmp_path) -> None:
    """合同期限 in two parts in the heading 合同性质与期限: held by that clause, the first of
    the index, and by its sub-clause, whose own text does not say it."""
    term = {"key": "term", "title": "劳动合同", "parties": {}, "clauses": [
        ["1", None, None, "本合同为固定期限劳动合同。", None, "合同性质与期限"],
        ["1.1", None, None, "本合同自2025年3月1日起至2028年2月28日止。", "1"],
        ["2", None, None, "乙方的工作岗位为销售。", None, "工作内容"],
    ]}
    searcher = Searcher.open(build_tiny_index(tmp_path, term), FAST_ENCODER)
    scoped = searcher.signals("合同期限", contract="term")
    hits = {h.clause.clause: h for h in searcher.rank(scoped, 5).hits}
    assert searcher.share(scoped, hits["1"]) == 1.0
    assert searcher.share(scoped, hits["1.1"]) == 1.0
    assert searcher.share(scoped, hits["2"]) == 0.0
