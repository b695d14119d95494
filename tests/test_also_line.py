"""The line naming the other files that hold a quoted clause word for word (``also_line``)
and the heading over it, on hits made by hand: the edges a search of a tiny corpus does not
reach (a copy's chapter in Traditional, a copy named as the hit's own contract, two copies in
one file, a file name longer than the line, a hit without a file name, a heading of exactly
the length that is cut)."""

from __future__ import annotations

from bot.compose import also_line, compose, heading_line
from bot.render import HEADING_CHARS, render_answer
from index import Clause, Hit, SearchResult

TEXT = "试用期为三个月。"


def copy(contract: str, number: str = "第一条", chapter: str | None = None) -> Clause:
    return Clause(contract, number, chapter, None, TEXT)


def hit(*copies: Clause, names: tuple[str, ...] = (), source: str = "a.txt") -> Hit:
    return Hit(Clause("a", "第一条", None, None, TEXT), "劳动合同", 1.0, source=source, name="a",
               also=copies, also_names=names)


def test_a_copys_chapter_and_number_are_in_the_askers_script() -> None:
    assert also_line(hit(copy("b", "第十条", "第四章")), "traditional") == \
        "相同條款也見於：b（第四章 第十條）"
    assert also_line(hit(copy("b", "第十条", "第四章")), "simplified") == \
        "相同条款也见于：b（第四章 第十条）"


def test_a_file_holding_the_clause_twice_is_named_once() -> None:
    """An annex that repeats the body's 第一条 word for word: its contract is one file."""
    assert also_line(hit(copy("b"), copy("b", chapter="附件一"), names=("b", "b")),
                     "simplified") == "相同条款也见于：b"


def test_a_copy_in_the_hits_own_contract_is_no_other_file() -> None:
    assert also_line(hit(copy("a", chapter="附件一"), names=("a",)), "simplified") is None
    assert also_line(hit(copy("a", chapter="附件一"), copy("c"), names=("a", "c")),
                     "simplified") == "相同条款也见于：c"


def test_the_first_file_is_named_however_long_its_name() -> None:
    long = "长" * 250
    assert also_line(hit(copy("b"), names=(long,)), "simplified") == f"相同条款也见于：{long}"


def test_a_hit_without_a_file_name_names_none_in_its_heading() -> None:
    assert heading_line(hit(copy("b"), source="")) == "《劳动合同》 第一条"
    assert heading_line(hit(copy("b"))) == "《劳动合同》（a.txt） 第一条"


def test_a_heading_of_exactly_the_limit_is_not_cut() -> None:
    """400 characters are kept whole; the 401st is what makes a heading cut."""
    def first_line(title: str) -> str:
        h = Hit(Clause("a", "7.1", None, None, "乙方应按约定提供服务。"), title, 1.0)
        [msg] = render_answer(compose(SearchResult("乙方的义务", (h,))))
        return msg.split("\n", 1)[0]

    assert len("《" + "长" * 394 + "》 7.1") == HEADING_CHARS
    assert first_line("长" * 394) == "<b>《" + "长" * 394 + "》 7.1</b>"
    assert first_line("长" * 395) == "<b>《" + "长" * 395 + "》 7…</b>"
