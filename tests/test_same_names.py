"""Two collections may each hold a file of the same name (customer A's 合同.txt and customer
B's): both are indexed, each answers inside its own collections, keys given before never
change, and a name two reachable contracts share is refused with the names to choose from."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from index_corpus import FAST_ENCODER, LEASE, MAINT, fast_encoder, parse_json, write_corpus

from bot.cli import main
from index import (
    AmbiguousContractError,
    Searcher,
    UnknownContractError,
    build_from_sources,
    index_status,
)
from index.build import build_index

A, B = frozenset({"customer-a"}), frozenset({"customer-b"})
A_SERVICE: dict = {**MAINT, "key": "合同"}  # customer A's 合同.txt: a maintenance contract
B_LEASE: dict = {**LEASE, "key": "合同"}  # customer B's 合同.txt: a lease


def _build(src: Path, idx: Path) -> tuple[tuple[str, str], ...]:
    report = build_index([src], idx, fast_encoder(), parse=parse_json, progress=False)
    assert report.failed == ()
    return tuple(sorted((s.contract, s.collection) for s in index_status(idx).sources))


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Searcher]:
    root = tmp_path_factory.mktemp("names")
    write_corpus(root / "src" / "customer-a", A_SERVICE)
    write_corpus(root / "src" / "customer-b", B_LEASE)
    assert _build(root / "src", root / "idx") == (
        ("customer-b/合同", "customer-b"), ("合同", "customer-a"))
    return root, Searcher(root / "idx", fast_encoder())


def test_each_collection_answers_from_its_own_file(library) -> None:
    _, searcher = library
    a = searcher.search("押金是多少", top_k=10, collections=A).hits
    assert {h.clause.contract for h in a} == {"合同"} and {h.name for h in a} == {"合同"}
    b = searcher.search("押金是多少", top_k=1, collections=B).hits
    assert [(h.clause.contract, h.clause.clause, h.name) for h in b] == [
        ("customer-b/合同", "第二条", "合同")]  # B's chat calls it 合同, as its file is named
    assert b[0].source == "合同.txt"
    both = searcher.search("押金是多少", top_k=1).hits  # a reader of both is told which
    assert [(h.name, h.source) for h in both] == [("customer-b/合同", "customer-b/合同.txt")]
    assert [h.clause.contract for h in searcher.get_clause("第二条", collections=B)] == [
        "customer-b/合同"]
    assert searcher.get_clause("第二条", collections=A) == []


def test_a_name_resolves_inside_the_collections_and_is_ambiguous_across(library) -> None:
    _, searcher = library
    assert searcher.contract_named("合同", collections=A) == "合同"
    assert searcher.contract_named("合同", collections=B) == "customer-b/合同"
    assert searcher.contract_named("customer-a/合同") == "合同"
    assert searcher.contract_named("customer-b/合同") == "customer-b/合同"
    with pytest.raises(AmbiguousContractError) as err:
        searcher.contract_named("合同")
    assert err.value.choices == ("customer-a/合同", "customer-b/合同")
    with pytest.raises(UnknownContractError) as outside:  # as if B's file did not exist
        searcher.contract_named("customer-b/合同", collections=A)
    with pytest.raises(UnknownContractError) as unknown:
        searcher.contract_named("customer-c/合同", collections=A)
    assert str(outside.value).replace("customer-b", "X") == str(unknown.value).replace(
        "customer-c", "X")


def test_cli_contract_takes_an_unambiguous_name(library, capsys) -> None:
    root, _ = library
    idx = str(root / "idx")
    assert main(["ask", "押金", "--contract", "合同", "--index", idx]) == 2
    assert capsys.readouterr().err == (
        "contractbot: --contract 2 contracts are named 合同: customer-a/合同, customer-b/合同; "
        "give one of these\n")
    for args, key in ((["--contract", "合同", "--collection", "customer-b"], "customer-b/合同"),
                      (["--contract", "customer-b/合同"], "customer-b/合同"),
                      (["--contract", "customer-a/合同"], "合同")):
        assert main(["ask", "押金", "--json", *args, "--index", idx]) == 0, args
        assert {r["contract"] for r in json.loads(capsys.readouterr().out)["results"]} == {key}
    assert main(["ask", "押金", "--contract", "customer-b/合同", "--collection", "customer-a",
                 "--index", idx]) == 2
    assert "no contract named customer-b/合同 is indexed" in capsys.readouterr().err


def test_keys_given_before_never_change(tmp_path: Path) -> None:
    """B's 合同 added beside A's: A's key stays 合同. The other way round too, and a later
    change of either file keeps both keys."""
    for first, second, bare, other in (("customer-a", "customer-b", A_SERVICE, B_LEASE),
                                       ("customer-b", "customer-a", B_LEASE, A_SERVICE)):
        src, idx = tmp_path / first / "src", tmp_path / first / "idx"
        write_corpus(src / first, bare)
        assert _build(src, idx) == (("合同", first),)
        write_corpus(src / second, other)
        expected = tuple(sorted((("合同", first), (f"{second}/合同", second))))
        assert _build(src, idx) == expected
        write_corpus(src / first, {**bare, "title": bare["title"] + "（修订）"})
        write_corpus(src / second, {**other, "title": other["title"] + "（修订）"})
        assert _build(src, idx) == expected


def test_one_collection_still_holds_one_file_of_a_name(tmp_path: Path) -> None:
    write_corpus(tmp_path / "src" / "customer-a", A_SERVICE)
    (tmp_path / "src" / "customer-a" / "合同.md").write_text(
        json.dumps(B_LEASE, ensure_ascii=False), "utf-8")
    report = build_index([tmp_path / "src"], tmp_path / "idx", fast_encoder(), parse=parse_json,
                         progress=False)
    assert [(Path(s).name, r) for s, r in report.failed] == [
        ("合同.txt", "another source of its collection already has the contract name 合同")]


def test_a_file_named_as_an_unchanged_one_is_refused_before_it_is_read(shared: Path,
                                                                     tmp_path: Path) -> None:
    """customer-a/cs-upgrade.md put beside the indexed, unchanged cs-upgrade.txt cannot be
    indexed whatever it holds: it is refused on its name, not read and embedded first (a big
    scan took minutes with e5-small for nothing). Reading this one would have said it is no
    contract."""
    lib, idx = tmp_path / "lib", tmp_path / "idx"
    (lib / "customer-a").mkdir(parents=True)
    shutil.copy(shared / "contracts" / "cs-upgrade.txt", lib / "customer-a")
    assert build_from_sources([lib], idx, FAST_ENCODER, progress=False).exit_code == 0
    (lib / "customer-a" / "cs-upgrade.md").write_text("会议纪要：下周讨论升级方案。", "utf-8")
    report = build_from_sources([lib], idx, FAST_ENCODER, progress=False)
    assert [(Path(s).name, r) for s, r in report.failed] == [
        ("cs-upgrade.md", "another source of its collection already has the contract name "
                          "cs-upgrade")]
    assert (report.contracts, report.reused, report.parsed) == (1, 1, 0)
    # changed, the file indexed before is read again, and keeps its name: the other one,
    # read as well, is still refused
    with (lib / "customer-a" / "cs-upgrade.txt").open("a", encoding="utf-8") as f:
        f.write("\n")
    report = build_from_sources([lib], idx, FAST_ENCODER, progress=False)
    assert [Path(s).name for s, _ in report.failed] == ["cs-upgrade.md"]
    assert [s.contract for s in index_status(idx).sources] == ["cs-upgrade"]
