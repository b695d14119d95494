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
from index_corpus import compare_rows as rows

from index.search import Searcher
from index.search.compare_words import forms, in_passing, joined, label, of_contract, said

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


SERVICE = {"key": "service", "title": "软件维护协议", "parties": {}, "clauses": [
    ["4.3", "第四章", "保密条款", "保密期限", None, "保密期限"],
    ["4.3.1", "第四章", "保密条款", "本协议项下的保密期限自协议生效之日起至本协议终止后三年。",
     "4.3"],
    ["5.1", "第五章", "费用", "维护费用每年十万元。"],
]}
HOUSE = {"key": "house", "title": "商品房买卖合同", "parties": {}, "clauses": [
    ["第六条", "第二章", "商品房基本状况",
     "该商品房没有司法查封。如该商品房权利状况与上述情况不符，买受人有权解除合同。", None,
     "房屋权利状况承诺"],
    ["第十条", "第三章", "商品房交付条件与交付手续",
     "出卖人应当在2025年6月30日前向买受人交付该商品房。"],
    ["附件三 2", "附件三", "关于抵押的相关约定", "解除抵押的条件和时间。", "附件三"],
    ["附件三", "附件三", "关于抵押的相关约定", "抵押权人同意该商品房转让的证明。"],
]}
LICENCE = {"key": "licence", "title": "源代码计算机程序许可证合同", "parties": {}, "clauses": [
    ["9", None, None, "被许可方应妥善保管全部专有资料。", None, "保管"],
    ["10", None, None, "转让方有权定期在正常工作时间内对所有专有资料作适当的审查。", None, "审查"],
]}
STAFF = {"key": "staff", "title": "劳动合同", "parties": {}, "clauses": [
    ["第三条", "第三章", "工作时间和休息休假", "乙方实行标准工时制，每日工作八小时。"],
    ["第十六条", "第七章", "劳动合同的解除", "甲乙双方协商一致，可以解除本合同。"],
]}
UPGRADE = {"key": "upgrade", "title": "系统升级合同", "parties": {}, "clauses": [
    ["6.1", "第六章", "交付与验收", "完成升级后，乙方需向甲方提供系统升级报告。", None, "交付"],
    ["6.2", "第六章", "交付与验收", "甲方应在乙方交付升级后的系统之日起五个工作日内进行验收。",
     None, "验收"],
]}
ROOMS = {"key": "rooms", "title": "房屋租賃契約書", "parties": {}, "clauses": [
    ["第三條", None, None, "租賃期間︰共十二個月。"],
    ["第五條", None, None,
     "押金新台幣二萬元，租賃期滿乙方遷還房屋時由甲方無息發還。租賃期間未滿時不得請求退還押租金，"
     "租賃期間屆滿乙方應即遷還房屋，租賃期間內乙方不得轉租。"],
    ["第六條", None, None, "乙方不得將房屋轉租他人。"],
]}


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Searcher:
    root = tmp_path_factory.mktemp("compare-library")
    return Searcher.open(build_tiny_index(root, SERVICE, HOUSE, LICENCE, STAFF, UPGRADE, ROOMS),
                         FAST_ENCODER)


def test_a_word_said_of_something_else_or_as_a_time_is_no_clause_on_it(library) -> None:
    """解除: 4.3.1 says 本协议终止后 only to date a confidentiality term (``service`` has no
    clause on ending the contract); ``house`` ends the contract in 第六条 (解除合同), not in
    附件三 2 (解除抵押, a mortgage's release); 工作时间: ``licence`` says 正常工作时间内 only to
    time an audit."""
    assert rows(library, "解除") == {"service": None, "house": "第六条", "licence": None,
                                     "staff": "第十六条", "upgrade": None, "rooms": None}
    assert rows(library, "工作时间")["licence"] is None
    assert rows(library, "工作时间")["staff"] == "第三条"


def test_a_clause_its_own_heading_or_opening_label_names_comes_first(library) -> None:
    """交付: 6.1, headed 交付, not 6.2 (headed 验收) though both are under 交付与验收 and only
    6.2 says 交付; 合同期限: 第三條 opens with 租賃期間︰, 第五條 mentions it."""
    assert rows(library, "交付")["upgrade"] == "6.1"
    assert rows(library, "合同期限")["rooms"] == "第三條"
    assert rows(library, "契約期限")["rooms"] == "第三條"


def test_what_a_clause_says_in_passing_or_of_another_thing() -> None:
    syn = {"解除": ("终止",)}
    blank = "\u3000" * 2
    assert in_passing("解除", "协议终止后三年", synonyms=syn, kinds=()) == f"协议{blank}后三年"
    assert in_passing("试用期", "试用期期间的工资。", synonyms={}, kinds=()) == "试用期期间的工资。"
    assert of_contract("解除", "买受人有权解除合同。", synonyms=syn, kinds=())
    assert of_contract("解除", "本合同的解除应当采用书面形式。", synonyms=syn, kinds=())
    assert of_contract("交付", "向买受人交付该商品房。", synonyms={}, kinds=("商品房买卖", "买卖"))
    assert not of_contract("解除", "解除抵押的条件和时间。", synonyms=syn, kinds=())
    assert not of_contract("交付", "乙方不按时交付租金。", synonyms={}, kinds=("房屋租赁", "租赁"))
    assert label("租赁期间︰共十二个月") == "租赁期间"
    assert label("协议书展延与终止：\n本协议书得经双方合意终止。") == "协议书展延与终止"
    assert label("甲方应于每月五日支付，详见附件：一") == ""
