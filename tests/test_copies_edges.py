"""What makes two files' clauses one clause, quoted once (``generation._same_text``): the same
number and the same words as search reads them (a Traditional copy, full-width punctuation);
the same words under another number are two clauses, each quoted with its own number."""

from __future__ import annotations

from pathlib import Path

import pytest
from index_corpus import build_tiny_index, fast_encoder, parse_json, write_corpus

from bot.cli import main
from index.build import build_index
from index.search import Searcher

PROBATION = "试用期为三个月，试用期工资不低于转正工资的百分之八十。"
PROBATION_TRAD = "試用期為三個月,試用期工資不低於轉正工資的百分之八十。"


def labor(key: str, number: str, text: str, title: str = "劳动合同") -> dict:
    return {"key": key, "title": title, "parties": {}, "clauses": [
        [number, None, None, text], ["第九条", None, None, f"{key}的工资于每月十日发放。"]]}


@pytest.fixture(autouse=True)
def _env(monkeypatch, tmp_path):
    monkeypatch.setenv("CONTRACTBOT_EMBED_MODEL", "use-multilingual")  # the fast test encoder
    monkeypatch.setenv("CONTRACTBOT_INDEX_DIR", str(tmp_path / "default-index"))
    monkeypatch.chdir(tmp_path)  # no stray .env


def ask(index_dir: Path, capsys: pytest.CaptureFixture[str], top_k: int) -> list[str]:
    assert main(["ask", "试用期工资是多少", "--top-k", str(top_k), "--index", str(index_dir)]) == 0
    return capsys.readouterr().out.splitlines()


def test_the_same_words_under_another_number_are_two_clauses(tmp_path, capsys) -> None:
    idx = build_tiny_index(tmp_path, labor("labor-a", "第一条", PROBATION),
                           labor("labor-b", "第五条", PROBATION))
    lines = ask(idx, capsys, 2)
    assert not any("相同条款" in line for line in lines)
    assert sorted(line for line in lines if line.startswith("《")) == [
        "《劳动合同》（labor-a.txt） 第一条", "《劳动合同》（labor-b.txt） 第五条"]


def test_a_traditional_copy_with_half_width_commas_is_the_same_clause(tmp_path, capsys) -> None:
    idx = build_tiny_index(tmp_path, labor("labor-a", "第一条", PROBATION),
                           labor("labor-b", "第一条", PROBATION_TRAD))
    lines = ask(idx, capsys, 1)
    assert lines[0] in ("《劳动合同》（labor-a.txt） 第一条", "《劳动合同》（labor-b.txt） 第一条")
    assert lines[1] in ("相同条款也见于：labor-a", "相同条款也见于：labor-b")


def test_a_kept_page_quotes_the_first_of_the_copies_the_chat_still_reads(tmp_path) -> None:
    """The page kept for 更多 holds a clause found in three customers' files; the chat loses
    the customer of the file it was quoted from: it is quoted from the first of the two copies
    it still reads, under that file's title, naming the other, in the order the search ranked
    them."""
    for key in ("a", "b", "c"):
        write_corpus(tmp_path / "src" / f"customer-{key}", labor(f"labor-{key}", "第一条",
                                                                 PROBATION, f"劳动合同{key}"))
    enc = fast_encoder()
    build_index([tmp_path / "src"], tmp_path / "idx", enc, parse=parse_json, progress=False)
    searcher = Searcher(tmp_path / "idx", enc)
    [first] = searcher.search("试用期工资是多少", top_k=1).hits
    assert len(first.also) == 2
    others = frozenset(f"customer-{c.contract[-1]}" for c in first.also)
    [kept] = searcher.in_reach([first], collections=others)
    assert (kept.clause, kept.also) == (first.also[0], first.also[1:])
    assert kept.also_names == (first.also[1].contract,)
    assert kept.title == f"劳动合同{first.also[0].contract[-1]}" != first.title
