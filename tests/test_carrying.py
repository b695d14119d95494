"""A follow-up that changes one thing of the question before (那房东呢, 換成乙方呢, 那模板二呢,
那押金呢) is read as that question changed: the party swapped, the contract named, or the word
added; anything else (押金呢怎么退, 第二条呢, a long sentence) is not such a follow-up."""

from __future__ import annotations

import pytest

from bot.carrying import Carried, carry_question, follow_up_word
from index import ContractInfo, party_words
from index.search.thesaurus import Thesaurus

PARTIES = party_words(Thesaurus.parse("房东 > 出租人 甲方\n租客 > 承租人 乙方\n"
                                      "员工 = 劳动者\n开除 > 解除 劳动合同 用人单位\n").entries)
LEASES = [ContractInfo(key="lease-1", title="房屋租赁合同（模板一）", clauses=3),
          ContractInfo(key="lease-2", title="房屋租赁合同（模板二）", clauses=3),
          ContractInfo(key="labour", title="劳动合同", clauses=3, collection="hr"),
          ContractInfo(key="labour", title="劳动合同", clauses=3, collection="staff")]


def carried(previous: str, follow_up: str, *, within: str | None = None) -> Carried | None:
    word = follow_up_word(follow_up)
    assert word is not None, follow_up
    return carry_question(previous, word, parties=PARTIES, contracts=LEASES, within=within)


def test_party_words_are_the_role_lists_and_the_thesaurus_words_for_them() -> None:
    assert {"甲方", "乙方", "出租人", "承租人", "委託方", "房东", "租客", "员工"} <= PARTIES
    assert "开除" not in PARTIES  # it expands to 解除 first: not a party's name
    assert "押金" not in PARTIES


@pytest.mark.parametrize(("follow_up", "word"), [
    ("那房东呢", "房东"), ("房东呢", "房东"), ("如果是房东呢", "房东"), ("那甲方呢？", "甲方"),
    ("換成乙方呢", "乙方"), ("那如果是房東的話呢", "房东"), ("那模板二呢", "模板二"),
    ("那劳动合同呢", "劳动合同"), ("押金呢", "押金"), ("那房东怎么样", "房东"),
    ("要是甲方的话又如何", "甲方"), ("那甲方的呢", "甲方"),
])
def test_a_follow_up_that_changes_one_thing_gives_its_word(follow_up: str, word: str) -> None:
    assert follow_up_word(follow_up) == word


@pytest.mark.parametrize("question", [
    "押金呢怎么退", "押金怎么退呢", "第二条呢", "第二條呢", "7.2呢", "那下一条呢", "附件一呢",
    "房东怎么样", "房东", "呢", "那呢", "甲方能不能提前解除呢", "那房东要赔多少呢", "甲方吗",
    "租赁期满后乙方应当如何交还房屋呢", "今天中午吃什么呢",
])
def test_anything_else_is_no_such_follow_up(question: str) -> None:
    assert follow_up_word(question) is None


def test_a_party_is_swapped_for_the_party_asked() -> None:
    assert carried("租客提前退租要赔多少", "那房东呢") == Carried("房东提前退租要赔多少")
    # Traditional: read in Simplified (the answer shows it in the asker's script)
    assert carried("租客提前退租要賠多少？", "換成房東呢") == Carried("房东提前退租要赔多少")
    assert carried("乙方逾期付款怎么办", "那甲方呢") == Carried("甲方逾期付款怎么办")
    # the two parties of the question trade places when the one asked is already in it
    assert carried("甲方违约时乙方可以怎么做", "那乙方呢") == Carried("乙方违约时甲方可以怎么做")
    assert carried("被许可方何时付款", "那许可方呢") == Carried("许可方何时付款")
    # a contract the question before was limited to stays
    assert carried("租客提前退租要赔多少", "房东呢", within="lease-2") == Carried(
        "房东提前退租要赔多少", "lease-2")


def test_a_party_the_question_does_not_name_is_added() -> None:
    assert carried("押金怎么退", "那房东呢") == Carried("房东押金怎么退")


def test_a_contract_named_asks_the_same_question_of_it() -> None:
    assert carried("租客提前退租要赔多少", "那模板二呢") == Carried(
        "租客提前退租要赔多少", "lease-2")
    assert carried("房东提前退租要赔多少", "那模板一呢", within="lease-2") == Carried(
        "房东提前退租要赔多少", "lease-1")
    # a name several contracts have: asked of them all, by the name in 《》
    assert carried("试用期多久", "那劳动合同呢") == Carried("《劳动合同》试用期多久")


def test_another_word_is_added_to_the_question() -> None:
    assert carried("租客提前退租要赔多少", "那押金呢") == Carried("租客提前退租要赔多少 押金")
    assert carried("租客提前退租要赔多少", "提前退租呢") == Carried("租客提前退租要赔多少")
    # a question that cites a clause by number is answered by it whatever is added
    assert carried("第六条怎么约定", "那违约金呢") is None
    assert carried("7.2是什么", "那违约金呢") is None


def test_a_party_word_is_swapped_inside_a_longer_word_too() -> None:
    """员工福利 is the employee's: the landlord's question of it swaps the word inside. The
    cost, said in the README: 公司 of 物业公司 is read as a party as well (a hand list of
    compounds that avoided it was not kept)."""
    assert carried("员工福利怎么算", "那房东呢") == Carried("房东福利怎么算")
    word = follow_up_word("那房东呢")
    assert word is not None
    assert carry_question("物业公司向租客收费合理吗", word, parties=PARTIES | {"公司"},
                          contracts=LEASES) == Carried("物业房东向租客收费合理吗")


@pytest.mark.parametrize(("follow_up", "word"), [
    ("咁業主呢", "业主"), ("噉租客呢", "租客"), ("如果係業主呢", "业主"), ("咁按金呢", "按金"),
    ("業主嘅話呢", "业主"), ("咁如果係業主嘅話呢", "业主"), ("那業主又點", "业主"),
    ("咁業主點樣", "业主"), ("如果系统故障呢", "系统故障"), ("那關係呢", "关系"),
    ("咁，如果係業主呢", "业主"), ("那重要係數呢", "重要系数"), ("那地點呢", "地点"),
])
def test_a_cantonese_follow_up_gives_its_word(follow_up: str, word: str) -> None:
    """Hong Kong's 咁 (那), 係 (是), 嘅話 (的话) and 又點 (又如何) frame the word as their
    Mandarin ones do: 咁業主呢 was read as the word 咁业主, added to the question before. 係
    is read as 是 only after a lead, and before the message is made Simplified (系统 stays)."""
    assert follow_up_word(follow_up) == word


@pytest.mark.parametrize("question", ["按金點退呢", "使唔使賠呢", "邊個負責呢", "咁係咪要賠呢",
                                      "咁點呢", "咁呢", "咁業主點算"])
def test_a_cantonese_question_is_no_such_follow_up(question: str) -> None:
    """A word that asks in Cantonese (點退, 使唔使, 邊個, 係咪) makes a question of its own."""
    assert follow_up_word(question) is None


def test_a_cantonese_follow_up_swaps_the_party() -> None:
    assert carried("租客提早退租要賠幾多", "咁房東呢") == Carried("房东提早退租要赔几多")
    assert carried("租客提早退租要賠幾多", "如果係房東呢") == Carried("房东提早退租要赔几多")
    assert carried("租客提早退租要賠幾多", "咁按金呢") == Carried("租客提早退租要赔几多 按金")


def test_taiwans_tenant_and_landlord_are_parties() -> None:
    """A Taiwan agent's 房客 (and 屋主, 租户) name a party, though the thesaurus has none of
    them: 那房東呢 after 房客提前退租要賠多少 asked 房东房客提前退租要赔多少."""
    assert {"房客", "屋主", "租户"} <= PARTIES
    assert carried("房客提前退租要賠多少", "那房東呢") == Carried("房东提前退租要赔多少")
    assert carried("房东提前退租要赔多少", "換成房客呢") == Carried("房客提前退租要赔多少")
