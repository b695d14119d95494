"""A follow-up that changes one thing of the question before (那房东呢, 換成乙方呢, 那模板二呢,
那押金呢) is read as that question changed: the party swapped, the contract named, or the word
added; anything else (押金呢怎么退, 第二条呢, a long sentence) is not such a follow-up."""

from __future__ import annotations

import pytest

from bot.carrying import Carried, carry_question, follow_up_word
from index import ContractInfo, party_words
from index.search.thesaurus import Thesaurus

PARTIES = party_words(Thesaurus.parse("房东 > 出租人 甲方\n租客 > 承租人 乙方\n"
                                      "员工 = 劳动者\n开除 > 解除 劳动合同 用人单位\n"
                                      "业主 > 出租人 房东 甲方\n老板 > 用人单位 甲方\n"
                                      "公司 > 用人单位 甲方\n").entries)
LEASES = [ContractInfo(key="lease-1", title="房屋租赁合同（模板一）", clauses=3),
          ContractInfo(key="lease-2", title="房屋租赁合同（模板二）", clauses=3),
          ContractInfo(key="labour", title="劳动合同", clauses=3, collection="hr"),
          ContractInfo(key="labour", title="劳动合同", clauses=3, collection="staff")]


def carried(previous: str, follow_up: str, *, within: str | None = None) -> Carried | None:
    word = follow_up_word(follow_up, parties=PARTIES)
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
    assert follow_up_word(follow_up, parties=PARTIES) == word


@pytest.mark.parametrize("question", [
    "押金呢怎么退", "押金怎么退呢", "第二条呢", "第二條呢", "7.2呢", "那下一条呢", "附件一呢",
    "房东怎么样", "房东", "呢", "那呢", "甲方能不能提前解除呢", "那房东要赔多少呢", "甲方吗",
    "租赁期满后乙方应当如何交还房屋呢", "今天中午吃什么呢",
])
def test_anything_else_is_no_such_follow_up(question: str) -> None:
    assert follow_up_word(question, parties=PARTIES) is None


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
    """员工福利 is the employee's: the landlord's question of it swaps the word inside."""
    assert carried("员工福利怎么算", "那房东呢") == Carried("房东福利怎么算")
    assert carried("员工福利怎么算", "那老板呢") == Carried("老板福利怎么算")


def test_a_word_a_party_word_closes_is_swapped_whole() -> None:
    """物业公司 is a word of its own that 公司 closes: 那房东呢 asked 物业房东多久维修一次, and
    now 房东多久维修一次. A word a party word opens (员工福利) keeps its swap inside, and so
    does one naming two parties (公司员工)."""
    assert carried("物业公司多久维修一次", "那房东呢") == Carried("房东多久维修一次")
    assert carried("物业公司向租客收费合理吗", "那房东呢") == Carried("房东向租客收费合理吗")
    # the two parties trade places, the longer word whole
    assert carried("物业公司违约时租客可以怎么做", "那租客呢") == Carried(
        "租客违约时物业公司可以怎么做")
    assert carried("二房东转租合法吗", "那租客呢") == Carried("租客转租合法吗")
    # such a word asked is a party too: it takes the place of the question's
    assert carried("房东多久维修一次", "那物业公司呢") == Carried("物业公司多久维修一次")
    assert carried("员工福利怎么算", "那老板呢") == Carried("老板福利怎么算")
    assert carried("老板拖欠员工工资怎么办", "那公司呢") == Carried("公司拖欠员工工资怎么办")
    assert carried("公司员工加班费怎么算", "那老板呢") == Carried("老板员工加班费怎么算")


@pytest.mark.parametrize(("follow_up", "word"), [
    ("咁業主呢", "业主"), ("噉租客呢", "租客"), ("如果係業主呢", "业主"), ("咁按金呢", "按金"),
    ("業主嘅話呢", "业主"), ("咁如果係業主嘅話呢", "业主"), ("那業主又點", "业主"),
    ("咁業主點樣", "业主"), ("如果系统故障呢", "系统故障"), ("那關係呢", "关系"),
    ("咁業主點算", "业主"), ("咁業主又點算", "业主"), ("如果係業主嘅話點算", "业主"),
    ("咁，如果係業主呢", "业主"), ("那重要係數呢", "重要系数"), ("那地點呢", "地点"),
])
def test_a_cantonese_follow_up_gives_its_word(follow_up: str, word: str) -> None:
    """Hong Kong's 咁 (那), 係 (是), 嘅話 (的话) and 又點 (又如何) frame the word as their
    Mandarin ones do: 咁業主呢 was read as the word 咁业主, added to the question before. 係
    is read as 是 only after a lead, and before the message is made Simplified (系统 stays)."""
    assert follow_up_word(follow_up, parties=PARTIES) == word


@pytest.mark.parametrize("question", ["按金點退呢", "使唔使賠呢", "邊個負責呢", "咁係咪要賠呢",
                                      "咁點呢", "咁呢", "咁按金點算", "業主點算",
                                      "咁業主唔修點算"])
def test_a_cantonese_question_is_no_such_follow_up(question: str) -> None:
    """A word that asks in Cantonese (點退, 使唔使, 邊個, 係咪) makes a question of its own."""
    assert follow_up_word(question, parties=PARTIES) is None


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


@pytest.mark.parametrize(("follow_up", "word"), [
    ("那房东怎么办", "房东"), ("那房東怎麼辦", "房东"), ("那乙方呢怎么样", "乙方"),
    ("那乙方呢怎麼樣", "乙方"), ("如果是房东的话怎么办", "房东"), ("那房东呢怎么办", "房东"),
    ("换成出租人咋办", "出租人"), ("那物业公司怎么办", "物业公司"), ("那押金呢怎么样", "押金"),
])
def test_a_follow_up_asking_what_then_gives_its_word(follow_up: str, word: str) -> None:
    """怎么办 (咋办, Cantonese 點算) after 那 asks what 那…呢 asks when its word names a party,
    and 呢 may come before 怎么样: these were searched for their own words."""
    assert follow_up_word(follow_up, parties=PARTIES) == word


@pytest.mark.parametrize("question", [
    "押金怎么办理退还", "押金怎麼辦理退還", "房东不修怎么办", "房東不修怎麼辦", "那房东不修怎么办",
    "那房東不修怎麼辦", "房东怎么办", "那押金怎么办", "那押金怎麼辦", "那房东违约怎么办",
    "那怎么办", "那房东怎么办理退租", "那房东呢怎么退",
])
def test_a_question_asking_what_to_do_is_its_own(question: str) -> None:
    """怎么办 makes a follow-up only after a lead and of a party: anything else (a verb, a
    thing, no 那) is a question to search as it is."""
    assert follow_up_word(question, parties=PARTIES) is None


def test_a_follow_up_asking_what_then_swaps_the_party() -> None:
    assert carried("租客提前退租要赔多少", "那房东怎么办") == Carried("房东提前退租要赔多少")
    assert carried("租客提早退租要賠幾多", "咁業主點算") == Carried("业主提早退租要赔几多")
    assert carried("甲方逾期付款怎么办", "那乙方呢怎么样") == Carried("乙方逾期付款怎么办")
