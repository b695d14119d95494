"""Which of a contract's clauses a /compare row quotes when several hold the words, over the
shapes of the shared contracts where the row was wrong:

- 争议解决 in 建设工程施工合同（完整版） quoted 20.5 争议解决条款效力 (the dispute clause's
  independence) or the 争议解决 of a guarantee form in 附件10, not 20.4 仲裁或诉讼: a heading or
  text that names the clause on a thing (争议解决条款, 本合同保密条款) refers to that clause, it
  does not say the thing; and an annex whose heading is on another thing (支付担保格式) is that
  document's, while one on the topic (附件八 关于保修范围…的约定) is the contract's terms on it.
- 保密 in 成套设备技术引进合同 quoted 11.8 (终止 for breach of 本合同保密条款), not 11.6.
- 解除 in 成套设备技术引进合同 quoted the end of a software licence in 附件十, not the contract's.
- 付款方式 in cs-upgrade (e5-small) was 未约定: 5.3 (甲方应按照以下方式…支付) holds the words
  and its sub-clause 5.3.1, ranked first, does not; a clause the first one is part of counts.
"""

from __future__ import annotations

import pytest
from index_corpus import FAST_ENCODER, build_tiny_index
from index_corpus import compare_rows as rows
from shared_trees import SHARED, parse_file

from index import load_encoder
from index.build import build_index
from index.search import Searcher
from index.search.compare_words import referred

WORKS = {"key": "works", "title": "建设工程施工合同", "parties": {}, "clauses": [
    ["20", "第二部分", "通用合同条款", "争议解决", None, "争议解决"],
    ["20.3", "第二部分", "通用合同条款", "争议评审", "20", "争议评审"],
    ["20.3.3", "第二部分", "通用合同条款",
     "争议评审小组的决定对双方有约束力；任何一方不接受的，可选择约定的争议解决方式。", "20.3",
     "争议评审小组决定的效力"],
    ["20.4", "第二部分", "通用合同条款",
     "因合同发生的争议，按下列方式解决：向仲裁委员会申请仲裁，或者向人民法院起诉。", "20",
     "仲裁或诉讼"],
    ["20.5", "第二部分", "通用合同条款",
     "合同有关争议解决的条款独立存在，合同的变更、解除、终止不影响其效力。", "20",
     "争议解决条款效力"],
    ["附件10 七", "附件10", "支付担保格式",
     "因本保函发生的纠纷，可由双方协商解决，协商不成的，提交仲裁。", None, "争议解决"],
]}
PLANT = {"key": "plant", "title": "成套设备技术引进合同", "parties": {}, "clauses": [
    ["11.6", "第十一章", "专利、商标和保密",
     "双方对本合同的技术资料负有保密义务，未经对方书面同意不得泄露给第三方。"],
    ["11.8", "第十一章", "专利、商标和保密",
     "如严重违反本合同保密条款，则非违约方有权终止本合同。"],
    ["16.10", "第十六章", "其他", "任何一方严重违约的，另一方有权解除本合同。"],
    ["附件十 6.1", "附件十", "源代码计算机程序许可证",
     "被转让方收到书面通知一个月后可解除在此授予的许可证。", None, "许可证的解除"],
]}
HOME = {"key": "home", "title": "商品房买卖合同", "parties": {}, "clauses": [
    ["第十五条", "第五章", "商品房质量", "出卖人应当按照国家规定承担责任。"],
    ["附件八 2", "附件八", "关于保修范围、保修期限和保修责任的约定",
     "屋面防水工程保修期限为五年。"],
]}


@pytest.fixture(scope="module")
def searcher(tmp_path_factory) -> Searcher:
    root = tmp_path_factory.mktemp("compare-choice")
    return Searcher.open(build_tiny_index(root, WORKS, PLANT, HOME), FAST_ENCODER)


def test_a_heading_that_names_the_clause_on_a_thing_is_not_on_it(searcher) -> None:
    assert rows(searcher, "争议解决")["works"] == "20.4"
    assert rows(searcher, "爭議解決")["works"] == "20.4"


def test_a_text_that_cites_the_clause_on_a_thing_does_not_say_it(searcher) -> None:
    assert rows(searcher, "保密")["plant"] == "11.6"


def test_an_annex_on_another_thing_is_not_the_contracts_clause(searcher) -> None:
    assert rows(searcher, "解除")["plant"] == "16.10"  # not the licence's, though headed 解除
    assert rows(searcher, "保修")["home"] == "附件八 2"  # an annex on the topic is the contract's


def test_a_mention_of_the_clause_on_a_word_is_blanked() -> None:
    blank = "\u3000" * 2
    assert referred("保密", "违反本合同保密条款的", synonyms={}) == f"违反本合同{blank}条款的"
    assert referred("保密", "保密的条款", synonyms={}) == f"{blank}的条款"
    assert referred("保密", "双方应当保密。", synonyms={}) == "双方应当保密。"


def test_a_clause_the_first_ranked_one_is_part_of_counts(tmp_path) -> None:
    """cs-upgrade as e5-small ranks it: 5.3.1 (a down payment, 付款 without 方式) first, then
    5.3, which holds both words; below a first clause that does not count only a clause its
    headings name counted, and 5.3 has no heading: 未约定."""
    build_index([SHARED / "contracts" / "cs-upgrade.txt"], tmp_path / "idx",
                load_encoder("e5-small"), parse=parse_file, progress=False)
    searcher = Searcher.open(tmp_path / "idx", "e5-small")
    assert rows(searcher, "付款方式") == {"cs-upgrade": "5.3"}
