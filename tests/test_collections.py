"""Collections: the first folder below a source root; searches, listings, lookups and named
contracts stay inside the collections given, and a contract outside is as if not indexed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from index_corpus import LEASE, MAINT, fast_encoder, parse_json, write_corpus

from bot.cli import main
from index import Searcher, UnknownContractError, compare_contracts, index_status
from index.build import build_index

A, B = frozenset({"customer-a"}), frozenset({"customer-b"})


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Searcher, Searcher]:
    """maint in customer-a, lease in customer-b; and an index of maint alone to compare with."""
    root = tmp_path_factory.mktemp("coll")
    write_corpus(root / "src" / "customer-a", MAINT)
    write_corpus(root / "src" / "customer-b", LEASE)
    write_corpus(root / "alone", MAINT)
    enc = fast_encoder()
    build_index([root / "src"], root / "idx", enc, parse=parse_json, progress=False)
    build_index([root / "alone"], root / "alone-idx", enc, parse=parse_json, progress=False)
    return root, Searcher(root / "idx", enc), Searcher(root / "alone-idx", enc)


def test_collection_is_the_first_folder_below_the_root(tmp_path: Path) -> None:
    write_corpus(tmp_path / "src" / "customer-a" / "deeper", MAINT)
    write_corpus(tmp_path / "src", LEASE)
    build_index([tmp_path / "src"], tmp_path / "idx", fast_encoder(), parse=parse_json,
                progress=False)
    by_key = {s.contract: s.collection for s in index_status(tmp_path / "idx").sources}
    assert by_key == {"maint": "customer-a", "lease": "default"}


def test_status_json_gives_each_sources_collection(library, capsys) -> None:
    root = library[0]
    assert main(["index", "status", "--json", "--index", str(root / "idx")]) == 0
    sources = json.loads(capsys.readouterr().out)["sources"]
    assert {s["contract"]: s["collection"] for s in sources} == {
        "maint": "customer-a", "lease": "customer-b"}


def test_search_stays_inside_the_collections(library) -> None:
    _, searcher, _ = library
    hits = searcher.search("押金是多少", top_k=10, collections=A).hits
    assert hits and {h.clause.contract for h in hits} == {"maint"}
    assert {h.clause.contract for h in searcher.search("押金是多少", top_k=10).hits} == {
        "maint", "lease"}
    assert searcher.search("押金是多少", collections=frozenset({"nobody"})).hits == ()


def test_a_contract_of_another_collection_is_answered_like_an_unknown_one(library) -> None:
    _, searcher, alone = library
    for question in ("《房屋租赁合同》的押金是多少", "租赁合同的押金是多少"):
        try:
            expected: object = [h.clause.clause for h in alone.search(question).hits]
        except UnknownContractError as err:
            expected = str(err)
        try:
            got: object = [h.clause.clause for h in searcher.search(question,
                                                                    collections=A).hits]
        except UnknownContractError as err:
            got = str(err)
        assert got == expected, question
    with pytest.raises(UnknownContractError) as outside:
        searcher.search("押金", contract="lease", collections=A)
    with pytest.raises(UnknownContractError) as unknown:
        alone.search("押金", contract="lease")
    assert str(outside.value) == str(unknown.value)


def test_a_kind_of_contract_the_collections_do_not_have_is_told_so(library) -> None:
    """房屋租赁合同的押金是多少 in a chat of customer-a (no lease there) was answered from
    maint; it is told that no such contract is there, in the asker's words and script, as
    《房屋租赁合同》 is, and as an index without customer-b tells it."""
    _, searcher, alone = library
    for question, name in (("房屋租赁合同的押金是多少", "租赁合同"),
                           ("房屋租賃合同的押金是多少", "租賃合同"),
                           ("我租房签的合同押金多少", "租房签的合同")):
        for asked in (lambda q: searcher.search(q, collections=A), alone.search,
                      lambda q: compare_contracts(searcher, q, collections=A)):
            with pytest.raises(UnknownContractError) as err:
                asked(question)
            assert err.value.name == name
    assert searcher.search("租赁合同的押金是多少", collections=B).hits[0].clause.clause == "第二条"
    assert searcher.search("租赁合同的押金是多少").scopes == ("lease",)
    assert searcher.search("出租方违反合同怎么办", collections=A).hits  # 出租 is no name here
    assert searcher.search("合同法规定的押金", collections=A).hits  # nor a law's name


def test_a_kind_is_had_when_a_title_or_file_name_says_it_in_any_words() -> None:
    from index.search.scope import unknown_kind

    assert unknown_kind("租赁合同的押金", {"a": "软件维护服务合同"}) == "租赁合同"
    assert unknown_kind("租赁合同的押金", {"a": "租房协议"}) is None
    assert unknown_kind("租赁合同的押金", {"租赁合同-模板": "合同"}) is None
    assert unknown_kind("押金怎么退", {"a": "软件维护服务合同"}) is None


def test_a_kind_is_told_in_the_askers_words_and_a_law_is_no_contract() -> None:
    """租赁合同书 is told as written (not 租赁合同); 劳动合同法 names a law, not a contract a
    lease-only chat lacks: the question is answered, not refused."""
    from index.search.scope import unknown_kind

    assert unknown_kind("租赁合同书的押金", {"a": "软件维护服务合同"}) == "租赁合同书"
    assert unknown_kind("租賃合同書的押金", {"a": "软件维护服务合同"}) == "租賃合同書"
    assert unknown_kind("劳动合同法规定的试用期多长", {"a": "房屋租赁合同"}) is None


def test_the_kinds_a_title_index_has_are_found_once_for_every_question() -> None:
    """Per question unknown_kind looks up the kinds a TitleIndex prepared when it was built, not
    every title again: the same answers with two thousand titles, the one file whose name says
    租赁 (出租屋) the last of them."""
    from index.search.scope import TitleIndex, unknown_kind

    titles = {f"maint-{i}": f"软件维护服务合同（第{i}号）" for i in range(2000)}
    index = TitleIndex(titles)
    assert index.kinds == frozenset()
    assert unknown_kind("租房合同的押金", index) == "租房合同"
    assert unknown_kind("上班签的合同写了什么", index) == "上班签的合同"
    assert unknown_kind("押金怎么退", index) is None
    leased = TitleIndex({**titles, "出租屋-1999": "合同"})
    assert leased.kinds == frozenset({"租赁"})
    assert unknown_kind("租赁合同的押金", leased) is None
    assert unknown_kind("租房合同的押金", leased) is None
    assert unknown_kind("上班签的合同写了什么", leased) == "上班签的合同"


def test_a_name_of_another_kind_is_not_taken_for_a_title_sharing_a_word_with_it() -> None:
    """商品房买卖合同的交房时间, asked in a chat whose one contract with 商品 in its title is an
    advertising agency contract, was limited to that contract (both say 商品) and refused
    without a word; a name that says its kind (买卖) matches only titles of that kind, and the
    chat is told it has no 买卖合同, as a chat without any 商品 title was."""
    from index.search.scope import TitleIndex, detect_scopes, unknown_kind

    chat = TitleIndex({"ad": "體驗廣告商品委託行銷合約書", "labour": "劳动合同"})
    for question in ("商品房买卖合同的交房时间", "《商品房买卖合同》的交房时间"):
        assert detect_scopes(question, chat) == frozenset()
    assert unknown_kind("商品房买卖合同的交房时间", chat) == "买卖合同"
    assert detect_scopes("商品委托合同的佣金怎么算", chat) == {"ad"}  # its own name still does
    assert detect_scopes("《体验广告商品委托行销合约书》的佣金", chat) == {"ad"}
    both = TitleIndex({"ad": "體驗廣告商品委託行銷合約書", "house": "商品房买卖合同（现售）"})
    assert detect_scopes("商品房买卖合同的交房时间", both) == {"house"}
    assert detect_scopes("买房签的合同交房时间", both) == {"house"}
    assert unknown_kind("商品房买卖合同的交房时间", both) is None


def test_a_name_of_another_kind_is_not_taken_for_titles_sharing_two_words_with_it() -> None:
    """The same where no word of the name is one title's alone: two files of one title both
    say 商品房, so the name is matched by the words it shares with them (two or more), and
    those too count only in titles of the kind it names."""
    from index.search.scope import TitleIndex, detect_scopes, unknown_kind

    chat = TitleIndex({"ad-1": "商品房委托行销合约书", "ad-2": "商品房委托行销合约书",
                       "labour": "劳动合同"})
    for question in ("商品房买卖合同的交房时间", "《商品房买卖合同》的交房时间"):
        assert detect_scopes(question, chat) == frozenset()
    assert unknown_kind("商品房买卖合同的交房时间", chat) == "买卖合同"
    assert detect_scopes("商品房行销合同的佣金", chat) == {"ad-1", "ad-2"}  # their own words


def test_listing_lookup_and_compare_stay_inside(library) -> None:
    _, searcher, _ = library
    assert [c.key for c in searcher.contracts(collections=B)] == ["lease"]
    assert searcher.contracts(collections=B)[0].collection == "customer-b"
    assert searcher.reaches("lease") and searcher.reaches("lease", collections=B)
    assert not searcher.reaches("lease", collections=A) and not searcher.reaches("nothing")
    assert searcher.get_clause("第二条", collections=A) == []
    assert [h.clause.contract for h in searcher.get_clause("第二条", collections=B)] == ["lease"]
    rows = compare_contracts(searcher, "押金是多少", collections=B).rows
    assert [r.contract for r in rows] == ["lease"] and rows[0].hit is not None


def test_cli_ask_and_compare_take_collection(library, capsys) -> None:
    root = library[0]
    assert main(["ask", "押金是多少", "--json", "--collection", "customer-a", "--index",
                 str(root / "idx")]) == 0
    assert {r["contract"] for r in json.loads(capsys.readouterr().out)["results"]} == {"maint"}
    assert main(["compare", "押金是多少", "--json", "--collection", "customer-a",
                 "--collection", "customer-b", "--index", str(root / "idx")]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["question"] == "押金是多少"
    assert [list(r) for r in out["rows"]] == [
        ["contract", "title", "found", "clause", "chapter", "text", "score"]] * 2
    lease = next(r for r in out["rows"] if r["contract"] == "lease")
    assert lease["found"] is True and lease["clause"] == "第二条" and "押金" in lease["text"]
    maint = next(r for r in out["rows"] if r["contract"] == "maint")
    assert maint["found"] is False and maint["clause"] is None and maint["score"] is None


def test_a_title_shared_only_with_another_collection_names_no_file(tmp_path: Path) -> None:
    """Whether a heading names its file depends on the contracts the chat reaches: a
    namesake in another customer's collection is none of its business."""
    labor = {"title": "劳动合同", "parties": {}, "clauses": [
        ["第一条", None, None, "试用期为三个月。"]]}
    write_corpus(tmp_path / "src" / "customer-a", dict(labor, key="labor-a"))
    write_corpus(tmp_path / "src" / "customer-b", dict(labor, key="labor-b"))
    enc = fast_encoder()
    build_index([tmp_path / "src"], tmp_path / "idx", enc, parse=parse_json, progress=False)
    searcher = Searcher(tmp_path / "idx", enc)
    [alone] = searcher.search("试用期多长", collections=A).hits
    assert (alone.clause.contract, alone.source, alone.shared_title) == ("labor-a", "labor-a.txt",
                                                                         False)
    both = searcher.search("试用期多长").hits
    assert [h.shared_title for h in both] == [True]  # one text in two files: one hit
    assert [c.contract for c in both[0].also] == ["labor-b"]


def test_the_first_clause_of_the_index_is_quoted_with_its_sub_clauses(tmp_path: Path) -> None:
    secrecy = {"key": "nda", "title": "保密协议", "parties": {}, "clauses": [
        ["1", None, None, "保密义务", None, "保密义务"],
        ["1.1", None, None, "乙方不得向第三方披露甲方的商业秘密。", "1"],
        ["1.2", None, None, "保密期限为合同终止后三年。", "1"]]}
    write_corpus(tmp_path / "src", secrecy)
    enc = fast_encoder()
    build_index([tmp_path / "src"], tmp_path / "idx", enc, parse=parse_json, progress=False)
    [heading] = Searcher(tmp_path / "idx", enc).get_clause("1", "nda")
    assert [c.clause for c in heading.children] == ["1.1", "1.2"]


def test_the_deepest_root_holding_a_file_names_its_collection(tmp_path: Path) -> None:
    from index.build.collections import collection_of

    src = tmp_path / "src"
    (src / "customer-a" / "deeper").mkdir(parents=True)
    for roots in ([src, src / "customer-a"], [src / "customer-a", src]):
        assert collection_of(src / "customer-a" / "deeper" / "m.txt", roots) == "deeper"
        assert collection_of(src / "customer-a" / "m.txt", roots) == "default"
    assert collection_of(src / "customer-a" / "m.txt", [src]) == "customer-a"


def test_collection_folders_given_as_sources_are_reported_until_the_index_holds_them(
        tmp_path: Path) -> None:
    """Two folder sources whose files lie directly in them (all in ``default``): the report
    names them, on the first build and on the one that adds the second folder, not on a
    rebuild of what the index already holds."""
    lib, idx, enc = tmp_path / "lib", tmp_path / "idx", fast_encoder()
    write_corpus(lib / "customer-a", MAINT)
    write_corpus(lib / "customer-b", LEASE, {**MAINT, "key": "annex"})
    a, b = lib / "customer-a", lib / "customer-b"
    first = build_index([a, b], idx, enc, parse=parse_json, progress=False)
    assert first.flat_roots == ((str(a), 1), (str(b), 2))
    again = build_index([a, b], idx, enc, parse=parse_json, progress=False)
    assert again.flat_roots == ()
    one = build_index([a], tmp_path / "one", enc, parse=parse_json, progress=False)
    assert one.flat_roots == ()  # one folder: its files in default is what it means
    added = build_index([a, b], tmp_path / "one", enc, parse=parse_json, progress=False)
    assert added.flat_roots == ((str(a), 1), (str(b), 2))


def test_a_parent_files_or_a_folder_with_collections_are_not_flat_roots(tmp_path: Path) -> None:
    from index.build.collections import flat_roots

    lib = tmp_path / "lib"
    a = write_corpus(lib / "customer-a", MAINT)
    b = write_corpus(lib / "customer-b", LEASE)
    c = write_corpus(tmp_path / "other" / "customer-c", {**MAINT, "key": "annex"})
    loose = write_corpus(tmp_path / "loose", {**LEASE, "key": "loose"})
    files = [*a, *b]
    assert flat_roots(files, [lib], ()) == ()  # the parent: they are collections
    assert flat_roots(files, files, ()) == ()  # files named one by one
    # a folder holding collections beside one folder of loose files
    assert flat_roots([*c, *loose], [tmp_path / "other", tmp_path / "loose"], ()) == ()
    assert flat_roots(files, [lib / "customer-a", lib / "customer-b"], ()) == (
        (str(lib / "customer-a"), 1), (str(lib / "customer-b"), 1))
    held = {str(p.resolve()) for p in files[:1]}  # one is new: still said
    assert len(flat_roots(files, [lib / "customer-a", lib / "customer-b"], held)) == 2
    assert flat_roots(files, [lib / "customer-a", lib / "customer-b"],
                      {str(p.resolve()) for p in files}) == ()


def test_cli_batch_and_contract_stay_inside_the_collection(library, tmp_path, capsys) -> None:
    """--collection limits every line of --batch, and the contract a line or --contract names,
    as it limits one question: a contract outside is as if not indexed."""
    root = library[0]
    batch = tmp_path / "q.jsonl"
    batch.write_text('{"q": "押金是多少"}\n{"q": "押金是多少", "contract": "lease"}\n', "utf-8")
    assert main(["ask", "--batch", str(batch), "--json", "--collection", "customer-a",
                 "--index", str(root / "idx")]) == 1
    inside, outside = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert {r["contract"] for r in inside["results"]} == {"maint"}
    assert outside["results"] == [] and outside["error"] == "no contract named lease is indexed"
    assert main(["ask", "押金是多少", "--contract", "lease", "--collection", "customer-a",
                 "--index", str(root / "idx")]) == 2
    assert "no contract named lease" in capsys.readouterr().err


def test_cli_compare_takes_one_collection(library, capsys) -> None:
    root = library[0]
    assert main(["compare", "押金是多少", "--json", "--collection", "customer-a", "--index",
                 str(root / "idx")]) == 0
    assert [r["contract"] for r in json.loads(capsys.readouterr().out)["rows"]] == ["maint"]


def test_compare_naming_a_contract_of_another_collection_is_as_if_not_indexed(library) -> None:
    """/compare 《房屋租赁合同》的押金 in a chat of customer-a is refused as for a contract
    that is not indexed: the lease of customer-b is not searched, nor named."""
    searcher = library[1]
    with pytest.raises(UnknownContractError):
        compare_contracts(searcher, "《房屋租赁合同》的押金是多少", collections=A)
    with pytest.raises(UnknownContractError):
        compare_contracts(searcher, "《厂房买卖合同》的押金是多少", collections=A)


def test_a_batch_line_names_its_contract_within_the_collection(tmp_path: Path, capsys) -> None:
    """lease.txt in two collections: with --collection customer-a, a batch line's "lease" is
    customer-a's, not a name two contracts share."""
    write_corpus(tmp_path / "src" / "customer-a", LEASE)
    write_corpus(tmp_path / "src" / "customer-b", LEASE)
    build_index([tmp_path / "src"], tmp_path / "idx", fast_encoder(), parse=parse_json,
                progress=False)
    batch = tmp_path / "q.jsonl"
    batch.write_text('{"q": "押金是多少", "contract": "lease"}\n', "utf-8")
    assert main(["ask", "--batch", str(batch), "--json", "--collection", "customer-a",
                 "--index", str(tmp_path / "idx")]) == 0
    [line] = [json.loads(out) for out in capsys.readouterr().out.splitlines()]
    assert "error" not in line and line["results"][0]["clause"] == "第二条"
    assert {r["contract"] for r in line["results"]} == {"lease"}  # customer-a's key


def test_a_clause_looked_up_in_one_collection_names_no_file_for_anothers_namesake(
        tmp_path: Path) -> None:
    """/clause in a chat of customer-a: a contract of the same title in customer-b does not
    make the quoted clause name its file."""
    labor = {"title": "劳动合同", "parties": {}, "clauses": [
        ["第一条", None, None, "试用期为三个月。"]]}
    write_corpus(tmp_path / "src" / "customer-a", dict(labor, key="labor-a"))
    write_corpus(tmp_path / "src" / "customer-b", dict(labor, key="labor-b"))
    build_index([tmp_path / "src"], tmp_path / "idx", fast_encoder(), parse=parse_json,
                progress=False)
    searcher = Searcher(tmp_path / "idx", fast_encoder())
    [alone] = searcher.get_clause("第一条", collections=A)
    assert (alone.clause.contract, alone.shared_title) == ("labor-a", False)
    assert [h.shared_title for h in searcher.get_clause("第一条")] == [True, True]
