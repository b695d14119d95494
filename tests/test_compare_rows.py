"""compare_contracts over a tiny inline corpus: which of a contract's clauses a row quotes.

A row is chosen among the first clauses of the contract's scoped search, not the first alone:
``upkeep`` heads its term 协议期限 (1.3) as 智能客服软件维护协议 does, while its search puts
first a support term and then a maintenance term (/compare 合同期限 said 未约定 there); ``flat``
says its term in 第二条（一） under the heading 租赁期限, and 第二条（二） only mentions the term's
end (/compare quoted （二）, as 模板七); ``town`` heads its term 租赁期间 (城镇房屋租赁合同 第四条,
未约定); ``venture`` names the term of another agreement (技术转让协议期限, 中外合资经营企业合同
第十九条), not its own. 合約期限, 契約期限 and 协议期限 are 合同期限 (they found almost nothing).
"""

from __future__ import annotations

import pytest
from index_corpus import FAST_ENCODER, build_tiny_index

from index.search import Searcher, compare_contracts
from index.search.compare_words import forms, joined, said

UPKEEP = {"key": "upkeep", "title": "智能客服软件维护协议", "parties": {}, "clauses": [
    ["1.1", "第一章", "协议概述", "甲方委托乙方维护智能客服软件。"],
    ["1.3", "第一章", "协议概述", "协议期限", None, "协议期限"],
    ["1.3.1", "第一章", "协议概述", "本协议自双方签字盖章之日起生效，有效期为三年。", "1.3"],
    ["2.4", "第二章", "软件维护内容", "维护服务期限", None, "维护服务期限"],
    ["2.4.1", "第二章", "软件维护内容", "本协议约定的维护服务期限为三年，自协议生效之日起计算。",
     "2.4"],
    ["7.4", "第七章", "技术支持与服务", "技术支持服务期限", None, "技术支持服务期限"],
    ["7.4.1", "第七章", "技术支持与服务", "甲方提供的技术支持服务期限与维护服务期限相同。", "7.4"],
]}
FLAT = {"key": "flat", "title": "房屋租赁合同", "parties": {}, "clauses": [
    ["第一条", None, None, "房屋坐落于北京市海淀区。", None, "房屋基本情况"],
    ["第二条", None, None, "租赁期限", None, "租赁期限"],
    ["第二条（一）", None, None, "租赁期限自2025年1月1日至2025年12月31日止。", "第二条"],
    ["第二条（二）", None, None,
     "租赁期满，甲方有权收回该房屋。乙方若愿意继续承租，需在合同期满前一个月书面通知甲方，"
     "乙方应如期交还房屋。", "第二条"],
    ["第三条", None, None, "月租金为三千元。", None, "租金"],
]}
TOWN = {"key": "town", "title": "城镇房屋租赁合同", "parties": {}, "clauses": [
    ["第三条", None, None, "甲方同意乙方转租该房屋。", None, "转租"],
    ["第四条", None, None, "该房屋租赁期自2025年1月1日起至2026年12月31日止。", None, "租赁期间"],
    ["第五条", None, None, "该房屋租金按月支付。", None, "租金"],
]}
VENTURE = {"key": "venture", "title": "中外合资经营企业合同", "parties": {}, "clauses": [
    ["第十八条", "第五章", "技术转让", "技术转让费采取提成方式支付。"],
    ["第十九条", "第五章", "技术转让", "合营公司与乙方签订的技术转让协议期限为十年。"],
    ["第二十条", "第六章", "董事会", "董事会由七名董事组成。"],
]}
TERM_ROWS = {"upkeep": "1.3.1", "flat": "第二条（一）", "town": "第四条", "venture": None}


@pytest.fixture(scope="module")
def searcher(tmp_path_factory) -> Searcher:
    root = tmp_path_factory.mktemp("compare-rows")
    return Searcher.open(build_tiny_index(root, UPKEEP, FLAT, TOWN, VENTURE), FAST_ENCODER)


def rows(searcher: Searcher, question: str) -> dict[str, str | None]:
    return {r.contract: r.hit.clause.clause if r.hit else None
            for r in compare_contracts(searcher, question).rows}


def test_a_clause_its_headings_name_beats_one_ranked_first(searcher) -> None:
    """Asked of ``upkeep`` alone, 合同期限 puts a support or maintenance term first; the row
    quotes 1.3.1, under the heading 协议期限; in ``flat``, （一）, which says 租赁期限 itself,
    not its sibling under the same heading."""
    first = searcher.search("合同期限", contract="upkeep").hits[0].clause.clause
    assert first != "1.3.1"
    assert rows(searcher, "合同期限") == TERM_ROWS


@pytest.mark.parametrize("question", ["合約期限", "契約期限", "协议期限", "合约期限"])
def test_any_word_that_closes_a_contracts_name_is_the_contract(searcher, question) -> None:
    """Traditional input is Simplified first (合約 → 合约); 合约, 契约 and 协议 are 合同."""
    assert rows(searcher, question) == TERM_ROWS


def test_the_words_that_close_a_contracts_name_are_the_contract_only_as_its_own() -> None:
    assert forms("合约期限")[:3] == ["合约期限", "合同书期限", "合同期限"]
    assert forms("期限") == ["期限"]
    assert joined(["合约", "期限"], "合约期限") == ["合约期限"]
    assert joined(["合同", "解除"], "合同解除") == ["合同", "解除"]  # two words to jieba
    assert joined(["合约", "期限"], "合约的期限") == ["合约", "期限"]
    assert said("协议期限", "本协议期限为三年。", ())
    assert said("合同期限", "劳动合同期限为三年。", ("劳动",))
    assert not said("协议期限", "技术转让协议期限为十年。", ())
