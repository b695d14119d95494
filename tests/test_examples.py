"""The examples the bot's words give come from the contracts the asker reads
(bot/examples.py): a question built from a real heading, a /clause number the contract has, a
/compare topic two contracts share; the same library gives the same examples."""

from __future__ import annotations

from bot import texts
from bot.examples import DEFAULT_EXAMPLES, ExampleBook, Examples, example_values, pick_examples
from index import Clause, ContractInfo


def clause(contract: str, number: str, text: str, *, title: str | None = None,
           chapter: str | None = None) -> Clause:
    """One clause of a tiny library."""
    return Clause(contract=contract, clause=number, chapter=chapter, chapter_title=None,
                  text=text, title=title)


def info(key: str, title: str) -> ContractInfo:
    """One contract as /contracts lists it."""
    return ContractInfo(key=key, title=title, clauses=3)


LEASE = [clause("lease", "第一条", "定义：本合同所称房屋，指甲方出租的房屋。"),
         clause("lease", "第二条", "租金：每月三千元，乙方应于每月五日前支付。"),
         clause("lease", "第三条", "违约责任：违约方应支付违约金五千元。")]
LABOR = [clause("labor", "1.1", "本合同所称工作日，指法定工作日。", title="定义与解释",
                chapter="第一章"),
         clause("labor", "2.1", "合同期限为三年。", title="合同期限", chapter="第二章"),
         clause("labor", "6.1", "違約方應賠償損失。", title="違約責任", chapter="第六章"),
         clause("labor", "6.2", "其他未尽事宜另行约定。", title="其他", chapter="第六章")]


def test_one_lease_gives_its_first_heading_past_the_definitions() -> None:
    """A chat that reads one lease: the question of its first heading that is not a
    definition (a label its text opens with), its number, and no /compare topic."""
    assert pick_examples([info("lease", "房屋租赁合同")], LEASE) == Examples(
        "租金是怎么规定的", "第二条", None, None)


def test_several_contracts_number_the_clause_and_share_a_topic() -> None:
    """Two contracts: the first by key (labor, listed second) gives the question, its
    /clause number carries the contract's number in /contracts, and the heading both have
    (违约责任, written 違約責任 in one) is the /compare topic, as the first by key writes it."""
    library = [info("lease", "房屋租赁合同"), info("labor", "劳动合同")]
    assert pick_examples(library, LEASE + LABOR) == Examples(
        "合同期限是怎么规定的", "2.1 2", "第二章 2", "違約責任")


def test_with_no_shared_heading_the_topic_is_a_word_two_contracts_use() -> None:
    """No heading in two contracts: the first of the common topics two contracts' text has
    (押金: 违约金 is in one only), none when no two share one."""
    house = [clause("house", "第一条", "押金为两个月租金，违约金为一个月租金。")]
    shop = [clause("shop", "第一条", "押金为三个月租金。")]
    library = [info("house", "房屋租赁合同"), info("shop", "商铺租赁合同")]
    assert pick_examples(library, house + shop).topic == "押金"
    assert pick_examples(library, [*house, clause("shop", "1", "服务期为一年。")]).topic is None


def test_the_same_library_in_another_order_gives_the_same_examples() -> None:
    """Deterministic: the clauses' order across contracts does not change the pick."""
    library = [info("lease", "房屋租赁合同"), info("labor", "劳动合同")]
    assert pick_examples(library, LABOR + LEASE) == pick_examples(library, LEASE + LABOR)


def test_no_heading_anywhere_still_gives_a_real_clause_number() -> None:
    """Clauses with no heading: the first clause, asked of by its number (第一条是怎么规定的;
    五、 as 第五条, which a question cites so), else with the bot's own question."""
    bare = [clause("plain", "第一条", "租金为每月三千元。"),
            clause("plain", "第二条", "押金为两个月租金。")]
    assert pick_examples([info("plain", "租赁合同")], bare) == Examples(
        "第一条是怎么规定的", "第一条", None, None)
    listed = [clause("list", "五", "租金为每月三千元。")]
    assert pick_examples([info("list", "租赁合同")], listed) == Examples(
        "第五条是怎么规定的", "五", None, None)
    signed = [clause("signed", "签署", "甲方（签章）")]
    assert pick_examples([info("signed", "租赁合同")], signed) == Examples(
        texts.DEFAULT_QUESTION, "签署", None, None)


def test_nothing_to_read_keeps_the_samples_examples() -> None:
    """No contract (no index, nothing in the chat's collections): today's examples."""
    assert pick_examples([], LEASE) == DEFAULT_EXAMPLES
    assert example_values(DEFAULT_EXAMPLES, "simplified") == {
        "question": "乙方响应时间是多少", "clause": "7.2", "chapter": "、/clause 第三章",
        "compare": "，例如 /compare 违约金", "cited": "7.2是什么意思，或 "}


def test_values_are_in_the_askers_script_and_safe_for_html() -> None:
    """A Traditional asker reads the example in Traditional; a heading is escaped."""
    values = example_values(Examples("违约责任是怎么规定的", "6.1 2", None, "违约<责任>"),
                            "traditional")
    assert values == {"question": "違約責任是怎麼規定的", "clause": "6.1 2", "chapter": "",
                      "compare": "，例如 /compare 違約&lt;責任&gt;", "cited": "6.1是什麼意思，或 "}


def test_the_book_forgets_the_examples_of_an_earlier_generation() -> None:
    """Examples are kept per generation and library; a new generation starts afresh."""
    book, library = ExampleBook(), (frozenset({"leases"}), None)
    book.keep("g1", library, DEFAULT_EXAMPLES)
    assert book.get("g1", library) == DEFAULT_EXAMPLES
    assert book.get("g1", (None, None)) is None
    assert book.get("g2", library) is None
    book.keep("g2", (None, None), DEFAULT_EXAMPLES)
    assert book.get("g1", library) is None


def test_a_heading_of_a_common_topic_comes_first_and_a_party_or_a_lead_in_never() -> None:
    """甲方 (a party's definition) and 费用如下 (a lead-in to a list) make no question; the
    first heading that speaks of a common topic (押金) is asked of before an earlier one
    that does not (房屋用途), in a later contract by key too."""
    first = [clause("a-lease", "1.1", "甲方：张三。", title="甲方", chapter="第一章"),
             clause("a-lease", "2.1", "费用包括：", title="费用如下", chapter="第二章"),
             clause("a-lease", "3.1", "房屋仅用于居住。", title="房屋用途", chapter="第三章"),
             clause("a-lease", "3.2", "其他事项另行约定。", title="双方约定的其他事项",
                    chapter="第三章")]
    second = [clause("b-lease", "第四条", "押金为两个月租金。", title="押金")]
    assert pick_examples([info("a-lease", "房屋租赁合同")], first) == Examples(
        "房屋用途是怎么规定的", "3.1", "第三章", None)
    library = [info("a-lease", "房屋租赁合同"), info("b-lease", "商铺租赁合同")]
    assert pick_examples(library, first + second) == Examples(
        "押金是怎么规定的", "第四条 2", None, None)


def test_a_label_in_a_chapter_of_definitions_is_a_word_defined_not_a_topic() -> None:
    """1.3 在线客服系统：指… opens with a label, but its chapter defines words: the question
    is asked of the first heading past that chapter."""
    terms = [Clause(contract="cs", clause="1.3", chapter="第一章", chapter_title="定义",
                    text="在线客服系统：指乙方交付的系统。"),
             clause("cs", "7.2", "响应时间：乙方应在一小时内响应。", chapter="第七章")]
    assert pick_examples([info("cs", "服务合同")], terms) == Examples(
        "响应时间是怎么规定的", "7.2", "第七章", None)


def test_with_no_heading_a_clause_of_a_chapter_on_a_common_topic_is_asked_of() -> None:
    """No clause has a heading: the first of a chapter on a common topic (违约责任), not the
    first clause, which defines a word."""
    plain = [Clause(contract="cs", clause="1.1", chapter="第一章", chapter_title="定义",
                    text="本合同所称系统指乙方交付的系统。"),
             Clause(contract="cs", clause="3.1", chapter="第三章", chapter_title="服务内容",
                    text="乙方提供维护服务。"),
             Clause(contract="cs", clause="9.1", chapter="第九章", chapter_title="违约责任",
                    text="违约方应赔偿损失。")]
    assert pick_examples([info("cs", "服务合同")], plain) == Examples(
        "9.1是怎么规定的", "9.1", "第九章", None)
    assert pick_examples([info("cs", "服务合同")], plain[:2]) == Examples(
        "3.1是怎么规定的", "3.1", "第三章", None)
