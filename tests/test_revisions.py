"""Two files of one collection that look like two versions of one contract (合同_v2.docx beside
合同.docx, a PDF beside its Word original): both are indexed and both answer, so the build
names the pair, once, when it first appears, and says what to do; `index status` lists every
pair. A report only: the index holds and answers what it did."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from index_corpus import LEASE, MAINT, fast_encoder, parse_json, write_corpus

from bot.cli import main
from index import BuildReport, index_status
from index.build import build_index
from index.build.revisions import Held, base_name, revision_pairs

# LEASE revised: two of its five clauses reworded, the rest word for word
LEASE_V2 = {**LEASE, "key": "lease_v2", "clauses": [
    ["第一条", None, None, "租金为每月三千五百元，乙方应于每月五日前支付。"],
    ["第二条", None, None, "押金为一个月租金，租赁期满后甲方无息退还。"],
    *list(LEASE["clauses"])[2:]]}


def _build(src: Path, idx: Path) -> BuildReport:
    return build_index([src], idx, fast_encoder(), parse=parse_json, progress=False)


@pytest.mark.parametrize(("stem", "base"), [
    ("合同_v2", "合同"), ("合同 V1.2", "合同"), ("合同(1)", "合同"), ("合同（1）", "合同"),
    ("合同-修订版", "合同"), ("合同（修订版）", "合同"), ("合同 final", "合同"),
    ("合同 - 副本", "合同"), ("合同_20241130", "合同"), ("合同第二版", "合同"),
    ("合同", "合同"), ("v2", "v2"), ("房屋租赁合同 模板一", "房屋租赁合同 模板一"),
    ("劳动合同（Word原版）", "劳动合同（Word原版）"), ("章程修改", "章程修改"),
])
def test_a_version_marker_is_cut_from_a_file_name(stem: str, base: str) -> None:
    assert base_name(stem) == base


def test_a_new_version_beside_the_old_is_named_once_and_listed_by_status(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src, idx = tmp_path / "src", tmp_path / "idx"
    write_corpus(src / "customer-a", MAINT, LEASE)
    write_corpus(src / "customer-b", LEASE_V2)  # another customer's: not a version of A's
    assert _build(src, idx).revisions == ()
    write_corpus(src / "customer-a", LEASE_V2)
    report = _build(src, idx)
    [pair] = report.revisions
    a = src.resolve() / "customer-a"
    assert (pair.first, pair.second) == (str(a / "lease.txt"), str(a / "lease_v2.txt"))
    assert (pair.same, pair.of, pair.by_name) == (3, 5, True)
    assert report.contracts == 4  # both indexed: a report only
    again = _build(src, idx)
    assert again.revisions == ()  # said when it first appears
    assert index_status(idx).revisions == (pair,)
    capsys.readouterr()
    assert main(["index", "status", "--index", str(idx)]) == 0
    assert ("  versions: lease.txt and customer-a/lease_v2.txt look like two "
            "versions of one contract (3 of 5 clauses word for word; one's file name is the "
            "other's with a version marker)") in capsys.readouterr().out.splitlines()
    assert main(["index", "status", "--json", "--index", str(idx)]) == 0
    assert json.loads(capsys.readouterr().out)["revisions"] == [{
        "sources": [pair.first, pair.second], "same_clauses": 3, "of_clauses": 5,
        "by_name": True}]
    (a / "lease.txt").unlink()  # the old one moved out: the pair is gone
    assert _build(src, idx).revisions == () and index_status(idx).revisions == ()


def test_most_clauses_word_for_word_under_another_name_is_a_pair() -> None:
    texts = [f"第{i}条的约定内容，足够长的一句话。" for i in range(10)]
    held = [Held("/lib/a/劳动合同.pdf", "a", tuple(texts)),
            Held("/lib/a/劳动合同（Word原版）.docx", "a",
                 (*texts[:6], "另一句完全不同的约定内容。")),
            Held("/lib/a/技术服务合同.txt", "a", (*texts[:2], "技术服务的范围与内容。")),
            Held("/lib/b/劳动合同.pdf", "b", tuple(texts))]
    [pair] = revision_pairs(held)
    assert (pair.first, pair.second, pair.same, pair.of, pair.by_name) == (
        "/lib/a/劳动合同.pdf", "/lib/a/劳动合同（Word原版）.docx", 6, 7, False)
    [pair] = revision_pairs([Held("/lib/合同(1).txt", "default", ()),
                             Held("/lib/合同.txt", "default", ())])
    assert (pair.first, pair.second, pair.same, pair.by_name) == (
        "/lib/合同.txt", "/lib/合同(1).txt", 0, True)  # the name without marker first


def test_the_shared_contracts_hold_two_pairs_of_a_pdf_and_its_word_original(
        shared: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """劳动合同.pdf and 委托合同.pdf beside their Word originals; no other pair among the 24
    (建设工程施工合同.pdf, 14 clauses of the 完整版's agreement, shares 5 of them; 劳动合同（已填写
    样例）.pdf none word for word)."""
    monkeypatch.setenv("CONTRACTBOT_EMBED_MODEL", "use-multilingual")
    monkeypatch.chdir(tmp_path)
    idx = tmp_path / "idx"
    real = shared / "contracts-real"
    files = [real / n for n in ("劳动合同.pdf", "劳动合同（Word原版）.docx",
                                "劳动合同（已填写样例）.pdf", "技术服务合同.txt")]
    assert main(["index", "build", *map(str, files), "--index", str(idx)]) == 0
    assert capsys.readouterr().err.splitlines()[-1] == (
        "劳动合同.pdf and 劳动合同（Word原版）.docx: look like two versions of one contract (21 "
        "of 28 clauses word for word): both are indexed and both answer, so a question may get "
        "the same clause twice or the old one first: move the one no longer in force out of "
        "the sources and build again (the build drops it; an uploaded one: /remove in the bot)")
    assert main(["index", "build", "--index", str(idx)]) == 0
    assert "versions" not in capsys.readouterr().err
