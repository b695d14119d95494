"""One home for a list of names cut to one line (bot/shortlists.py): the first few joined by
、, then 等 N 份, or a bare 等 where the sentence counts them (a refused rebuild), or as many
as fit a character budget (the also-line). Each caller's words are pinned end to end by its
own tests (test_bot_removals, test_bot_moves, test_also_line)."""

from __future__ import annotations

from bot.shortlists import shortlist

FILES = [f"c{n:02d}.txt" for n in range(7)]


def test_the_first_few_then_how_many_in_all() -> None:
    assert shortlist(FILES[:5], most=5, script="simplified") == "、".join(FILES[:5])
    assert shortlist(FILES, most=5, script="traditional") == (
        "c00.txt、c01.txt、c02.txt、c03.txt、c04.txt 等 7 份")
    assert shortlist([], most=3, script="simplified") == ""


def test_a_bare_deng_where_the_sentence_counts_them() -> None:
    assert shortlist(FILES, most=3, script="simplified", counted=False) == (
        "c00.txt、c01.txt、c02.txt等")
    assert shortlist(FILES[:3], most=3, script="simplified", counted=False) == (
        "c00.txt、c01.txt、c02.txt")


def test_a_character_budget_names_fewer_but_always_the_first() -> None:
    long = ["甲" * 150, "乙" * 60, "丙"]
    assert shortlist(long, most=3, chars=200, script="simplified") == f"{long[0]} 等 3 份"
    assert shortlist(["甲" * 250, "乙"], most=3, chars=200, script="simplified") == (
        f"{'甲' * 250} 等 2 份")
    assert shortlist(["甲" * 100, "乙" * 99], most=3, chars=200, script="simplified") == (
        f"{'甲' * 100}、{'乙' * 99}")  # 200 characters with the 、: it fits
