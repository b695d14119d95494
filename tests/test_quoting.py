"""Each clause quoted once in an answer (bot/quoting.py): a heading found as an answer is quoted
with its sub-clauses, so a sub-clause found too is not quoted again, on one page (the CLI's
answer, a page of the bot's) or on a later page (更多); one found past the characters of
sub-clauses its heading quotes is quoted on its own, not lost."""

from __future__ import annotations

import dataclasses

from bot.compose import compose, format_text
from bot.quoting import quoted_once
from index import Clause, Hit, SearchResult


def clause(number: str, text: str, parent: str | None = None) -> Clause:
    return Clause("build", number, "第十五章", "质量保证", text, parent=parent)


def found(c: Clause, *children: Clause) -> Hit:
    return Hit(c, "施工合同", 1.0, children=children)


def quoted(result: SearchResult, *, offset: int = 0, size: int | None = None,
           child_chars: int | None = None) -> list[str]:
    """The clause numbers a page quotes, each hit's followed by its sub-clauses'."""
    answer = compose(result, offset=offset, size=size, child_chars=child_chars)
    return [line.split(" ")[0] if i else hit.heading.rsplit(" ", 1)[1]
            for g in answer.groups for hit in g.hits
            for i, line in enumerate([hit.heading, *hit.children])]


def pages(result: SearchResult, size: int, child_chars: int | None = None) -> list[list[str]]:
    """What each page of the bot's answer quotes, folded as the bot folds it."""
    folded = quoted_once(result, size=size, child_chars=child_chars)
    return [quoted(folded, offset=o, size=size, child_chars=child_chars)
            for o in range(0, len(folded.hits), size)]


ITEMS = tuple(clause(f"15.3.{i}", f"质量保证金第{i}项约定。", "15.3") for i in range(1, 4))
HEADING = found(clause("15.3", "质量保证金按下列约定："), *ITEMS)
OTHERS = tuple(found(clause(f"16.{i}", f"保修第{i}项。")) for i in range(1, 4))


def test_on_one_page_a_sub_clause_is_quoted_under_its_heading_either_way() -> None:
    """The CLI's answer and a page of the bot's: found before or after its heading, 15.3.2 is
    quoted once, under 15.3 (unchanged)."""
    item = found(ITEMS[1])
    after = SearchResult("质量保证金", (HEADING, item, OTHERS[0]))
    before = SearchResult("质量保证金", (item, OTHERS[0], HEADING))
    assert quoted(after) == ["15.3", "15.3.1", "15.3.2", "15.3.3", "16.1"]
    assert quoted(before) == ["16.1", "15.3", "15.3.1", "15.3.2", "15.3.3"]
    for result in (after, before):
        assert format_text(compose(result)).count("质量保证金第2项约定。") == 1
        assert pages(result, 3) == [quoted(result)]  # the bot's page, folded first


def test_a_sub_clause_on_an_earlier_page_is_not_quoted_again_under_its_heading() -> None:
    """15.3.2 ranks first, 15.3 fourth: with three clauses a page, 15.3's page quoted 15.3.2
    again; it now lists the items the first page did not quote."""
    result = SearchResult("质量保证金", (found(ITEMS[1]), *OTHERS[:2], HEADING, OTHERS[2]))
    assert pages(result, 3) == [["15.3.2", "16.1", "16.2"], ["15.3", "15.3.1", "15.3.3", "16.3"]]


def test_a_smaller_heading_on_an_earlier_page_is_not_quoted_again_under_a_larger_one() -> None:
    """15.3.2 with its items on the first page, 15.3 (with 15.3.2 and its items) on the next:
    the next page quotes 15.3 with the others only."""
    items = tuple(clause(f"15.3.2({i})", f"扣留方式{i}。", "15.3.2") for i in (1, 2))
    smaller = found(clause("15.3.2", "质量保证金的扣留方式：", "15.3"), *items)
    first = clause("15.3.1", "承包人提供质量保证金。", "15.3")
    larger = found(clause("15.3", "质量保证金"), first, smaller.clause, *items)
    result = SearchResult("质量保证金", (smaller, *OTHERS[:2], larger))
    assert pages(result, 3) == [["15.3.2", "15.3.2(1)", "15.3.2(2)", "16.1", "16.2"],
                                ["15.3", "15.3.1"]]


LONG = tuple(clause(f"13.{i}", "验收" * 400, "13") for i in range(1, 4))  # 806 characters a line
ACCEPTANCE = found(clause("13", "竣工验收："), *LONG)


def test_a_sub_clause_past_what_its_heading_quotes_is_quoted_on_its_own() -> None:
    """An answer quotes 1,500 characters of a heading's sub-clauses: 13.3 was left out of the
    page that quotes 13 (13 quotes 13.1 and says two more are not shown), and of the later
    pages; it was found, so it is quoted on its own."""
    item = found(LONG[2])
    same_page = SearchResult("验收", (item, ACCEPTANCE))
    assert quoted(same_page, child_chars=1500) == ["13.3", "13", "13.1"]
    assert quoted(same_page) == ["13", "13.1", "13.2", "13.3"]  # the CLI quotes them all
    later = SearchResult("验收", (ACCEPTANCE, *OTHERS[:2], item))
    assert pages(later, 3, child_chars=1500) == [["13", "13.1", "16.1", "16.2"], ["13.3"]]
    assert pages(later, 3) == [["13", "13.1", "13.2", "13.3", "16.1", "16.2"]]


def test_what_is_left_out_is_still_counted_as_cited() -> None:
    """A heading trimmed on a later page keeps its place; a hit left out leaves the count of
    cited clauses (the first ones) one smaller when it was among them."""
    result = SearchResult("第十五章第3条", (found(ITEMS[1]), *OTHERS[:2], HEADING, found(ITEMS[2])),
                          cited=5)
    folded = quoted_once(result, size=3)
    assert [h.clause.clause for h in folded.hits] == ["15.3.2", "16.1", "16.2", "15.3"]
    assert folded.cited == 4
    assert [c.clause for c in folded.hits[3].children] == ["15.3.1", "15.3.3"]
    assert quoted_once(dataclasses.replace(result, hits=result.hits[:3]), size=3).hits \
        == result.hits[:3]


def in_copy(c: Clause) -> Clause:
    return dataclasses.replace(c, contract="build-docx")


def test_an_item_found_in_a_copy_is_not_quoted_again_under_the_heading_of_the_other_file() -> None:
    """The PDF's 15.3 and its Word original's 15.3 are one hit (the PDF's, the Word file named
    in ``also``), 15.3.2 another (the Word file's, the PDF named): the item is quoted once,
    under 15.3, on one page or over two, found before or after its heading."""
    heading = dataclasses.replace(HEADING, also=(in_copy(HEADING.clause),))
    item = dataclasses.replace(found(in_copy(ITEMS[1])), also=(ITEMS[1],))
    after = SearchResult("质量保证金", (heading, item, OTHERS[0]))
    before = SearchResult("质量保证金", (item, OTHERS[0], heading))
    assert quoted(after) == ["15.3", "15.3.1", "15.3.2", "15.3.3", "16.1"]
    assert quoted(before) == ["16.1", "15.3", "15.3.1", "15.3.2", "15.3.3"]
    for result in (after, before):
        assert format_text(compose(result)).count("质量保证金第2项约定。") == 1
        assert pages(result, 3) == [quoted(result)]
    later = SearchResult("质量保证金", (item, *OTHERS[:2], heading, OTHERS[2]))
    assert pages(later, 3) == [["15.3.2", "16.1", "16.2"], ["15.3", "15.3.1", "15.3.3", "16.3"]]
    assert pages(SearchResult("质量保证金", (heading, *OTHERS, item)), 3) == [
        ["15.3", "15.3.1", "15.3.2", "15.3.3", "16.1", "16.2"], ["16.3"]]
