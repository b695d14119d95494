"""One clause, word for word, in several files: ``contractbot ask`` quotes it once, names its
own file in the heading and the other files on the line after it (by the names --contract and
/clause take), in the question's script; more than three are counted, not named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from index_corpus import build_tiny_index, fast_encoder, parse_json, write_corpus

from bot.cli import main
from index.build import build_index
from index.search import Searcher

PROBATION = "试用期为三个月，试用期工资不低于转正工资的百分之八十。"


def labor(key: str, title: str = "劳动合同", *, chapter: str | None = None,
          pay_day: str = "十") -> dict:
    """A labor contract ``key`` whose 第一条 is PROBATION (under ``chapter`` when given)."""
    return {"key": key, "title": title, "parties": {}, "clauses": [
        ["第一条", chapter, None, PROBATION],
        ["第二条", chapter, None, f"工资于每月{pay_day}日发放。"]]}


@pytest.fixture(autouse=True)
def _env(monkeypatch, tmp_path):
    monkeypatch.setenv("CONTRACTBOT_EMBED_MODEL", "use-multilingual")  # the fast test encoder
    monkeypatch.setenv("CONTRACTBOT_INDEX_DIR", str(tmp_path / "default-index"))
    monkeypatch.chdir(tmp_path)  # no stray .env


def ask(index_dir: Path, question: str, capsys: pytest.CaptureFixture[str]) -> list[str]:
    assert main(["ask", question, "--top-k", "1", "--index", str(index_dir)]) == 0
    return capsys.readouterr().out.splitlines()


@pytest.fixture(scope="module")
def two_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_index(tmp_path_factory.mktemp("copies"), labor("劳动合同一"),
                            labor("劳动合同二", pay_day="十五"))


def test_a_clause_in_two_files_is_quoted_once_naming_both(two_files, capsys) -> None:
    assert ask(two_files, "试用期工资是多少", capsys) == [
        "《劳动合同》（劳动合同一.txt） 第一条",
        "相同条款也见于：劳动合同二",
        PROBATION,
    ]


def test_a_traditional_question_is_told_in_traditional_the_file_names_as_they_are(
        two_files, capsys) -> None:
    assert ask(two_files, "試用期工資是多少", capsys) == [
        "《勞動合同》（劳动合同一.txt） 第一條",
        "相同條款也見於：劳动合同二",
        "試用期為三個月，試用期工資不低於轉正工資的百分之八十。",
    ]


def test_a_clause_only_one_file_has_names_no_other(two_files, capsys) -> None:
    lines = ask(two_files, "工资每月十五日发放吗", capsys)
    assert lines[0] == "《劳动合同》（劳动合同二.txt） 第二条"  # the title is shared
    assert not any("相同条款" in line for line in lines)


def test_the_heading_names_its_file_when_the_titles_differ(tmp_path, capsys) -> None:
    """"Quoted once, with both sources named": the heading's title alone would not say which
    file the quote is from."""
    idx = build_tiny_index(tmp_path, labor("sales", "销售人员劳动合同"),
                           labor("drivers", "司机劳动合同"))
    assert ask(idx, "试用期工资是多少", capsys)[:2] == ["《销售人员劳动合同》（sales.txt） 第一条",
                                              "相同条款也见于：drivers"]


def test_many_files_are_counted_after_the_first_three(tmp_path, capsys) -> None:
    idx = build_tiny_index(tmp_path, *(labor(f"labor-{n}", pay_day=str(n)) for n in range(1, 6)))
    assert ask(idx, "试用期工资是多少", capsys)[:2] == [
        "《劳动合同》（labor-1.txt） 第一条",
        "相同条款也见于：labor-2、labor-3、labor-4 等 4 份"]


def test_a_copy_under_another_chapter_says_where(tmp_path, capsys) -> None:
    idx = build_tiny_index(tmp_path, labor("labor-a", chapter="第一章"),
                           labor("labor-b", chapter="第二章"), labor("labor-c", chapter="第一章"))
    assert ask(idx, "试用期工资是多少", capsys)[:2] == [
        "《劳动合同》（labor-a.txt） 第一章 › 第一条",
        "相同条款也见于：labor-b（第二章 第一条）、labor-c"]


def test_a_kept_page_quotes_a_copy_the_chat_still_reads(tmp_path) -> None:
    """A chat read two customers when it asked; the page kept for 更多 holds a clause found in
    both, merged into the file that ranked first. The chat then loses that file's customer:
    the clause was left out of the page, though its copy in the file the chat still reads
    says the same (a search now would quote it from there)."""
    write_corpus(tmp_path / "src" / "customer-a", labor("labor-a"))
    write_corpus(tmp_path / "src" / "customer-b", labor("labor-b", pay_day="十五"))
    enc = fast_encoder()
    build_index([tmp_path / "src"], tmp_path / "idx", enc, parse=parse_json, progress=False)
    searcher = Searcher(tmp_path / "idx", enc)
    [first] = searcher.search("试用期工资是多少", top_k=1).hits
    [copy] = first.also  # which file ranked first is the ranking's business
    other = {"labor-a": "customer-a", "labor-b": "customer-b"}[copy.contract]
    [kept] = searcher.in_reach([first], collections=frozenset({other}))
    now = searcher.search("试用期工资是多少", top_k=1, collections=frozenset({other})).hits[0]
    assert (kept.clause, kept.also, kept.also_names) == (copy, (), ())
    assert (kept.name, kept.source, kept.title, kept.shared_title) == (
        now.name, now.source, now.title, now.shared_title) == (
        copy.contract, f"{copy.contract}.txt", "劳动合同", False)


def sale(key: str, pay: str, goods: str) -> dict:
    """A sale contract ``key`` of ``goods`` whose 第三条 付款方式 is a bare heading over ``pay``."""
    return {"key": key, "title": "买卖合同", "parties": {}, "clauses": [
        ["第一条", None, None, f"本合同标的为{goods}。"],
        ["第三条", None, None, "付款方式", None, "付款方式"],
        ["第三条（一）", None, None, pay, "第三条"]]}


def test_headings_alike_over_different_sub_clauses_are_not_one_clause(tmp_path, capsys) -> None:
    """Two files' 第三条 付款方式 whose sub-clauses pay differently: each is quoted from its
    own file, and neither claims the other holds the same clause."""
    once = "买方应在收货后十日内一次性付清全款。"
    split = "买方应预付百分之三十，余款验收后付清。"
    idx = build_tiny_index(tmp_path, sale("buy-a", once, "办公设备"),
                           sale("buy-b", split, "打印纸"))
    assert main(["ask", "第三条是什么", "--top-k", "3", "--index", str(idx)]) == 0
    out = capsys.readouterr().out
    assert "相同条款" not in out
    assert once in out and split in out


def deposit(key: str, rent: str) -> dict:
    """A lease ``key`` (rent ``rent``) whose 第二条 lists how the deposit is returned."""
    return {"key": key, "title": "房屋租赁合同", "parties": {}, "clauses": [
        ["第一条", None, None, f"租金为每月{rent}元，乙方应于每月五日前支付。"],
        ["第二条", None, None, "押金的退还按下列约定："],
        ["第二条（一）", None, None, "押金在乙方结清水电费后七日内退还。", "第二条"],
        ["第二条（二）", None, None, "乙方损坏房屋的，甲方可从押金中扣除维修费用。", "第二条"],
        ["第三条", None, None, "乙方未经甲方书面同意不得转租。"]]}


def test_a_heading_two_files_hold_is_quoted_once_with_its_items_and_both_files(
        tmp_path, capsys) -> None:
    """The question finds 第二条's items on their own too, each in both files: `ask` quotes
    第二条 once, with its items once each, its own file in the heading and the other named."""
    idx = build_tiny_index(tmp_path, deposit("租赁一", "三千"), deposit("租赁二", "四千"))
    assert main(["ask", "押金什么时候退还", "--json", "--index", str(idx)]) == 0
    found = [r["clause"] for r in json.loads(capsys.readouterr().out)["results"]]
    assert {"第二条", "第二条（一）"} <= set(found)  # the item is a hit of its own
    assert main(["ask", "押金什么时候退还", "--index", str(idx)]) == 0
    lines = capsys.readouterr().out.splitlines()
    heading = next(i for i, line in enumerate(lines) if line.endswith(" 第二条"))
    assert lines[heading + 1].startswith("相同条款也见于：租赁")
    assert lines[heading + 1:heading + 5][1:] == [
        "押金的退还按下列约定：", "第二条（一） 押金在乙方结清水电费后七日内退还。",
        "第二条（二） 乙方损坏房屋的，甲方可从押金中扣除维修费用。"]
    text = "\n".join(lines)
    assert text.count("押金在乙方结清水电费后七日内退还。") == 1
    assert text.count("甲方可从押金中扣除维修费用。") == 1
