"""Sources stay inside their folder: links are not followed, odd files are skipped with a reason,
and nothing outside the sources folder can be indexed or quoted."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from index import Searcher, build_from_sources, collect_sources, index_status

CONTRACT = "设备采购合同\n第一条 乙方应于合同签订后十日内交货。\n第二条 甲方应在验收合格后付款。\n"
SECRET = ("服务器口令清单\n第一条 数据库口令为绝密内容甲乙丙丁。\n"
          "第二条 管理后台口令为机密内容戊己庚辛。\n")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A sources folder with one contract and every way to point outside it."""
    outside = tmp_path / "outside"
    (outside / "private").mkdir(parents=True)
    (outside / "secret.txt").write_text(SECRET, encoding="utf-8")
    (outside / "private" / "more.txt").write_text(SECRET, encoding="utf-8")
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    (src / "purchase.txt").write_text(CONTRACT, encoding="utf-8")
    (src / "passwd.txt").symlink_to(outside / "secret.txt")
    (src / "sub" / "linked-dir").symlink_to(outside / "private", target_is_directory=True)
    (src / "dangling.pdf").symlink_to(tmp_path / "nowhere.pdf")
    os.mkfifo(src / "pipe.txt")
    (src / ".uploads").mkdir()
    (src / ".uploads" / "staged.txt").write_text(SECRET, encoding="utf-8")
    (src / "notes.png").symlink_to(outside / "secret.txt")  # any file of a folder is a source
    return src


def test_links_and_odd_files_are_skipped_with_a_reason(folder: Path) -> None:
    files, problems = collect_sources([folder])
    assert files == [folder / "purchase.txt"]
    assert sorted((Path(s).relative_to(folder).as_posix(), r) for s, r in problems) == [
        ("dangling.pdf", "symbolic link, not followed"),
        ("notes.png", "symbolic link, not followed"),
        ("passwd.txt", "symbolic link, not followed"),
        ("pipe.txt", "not a regular file, skipped"),
        ("sub/linked-dir", "symbolic link, not followed"),
    ]


def test_a_source_named_directly_is_taken_as_given(folder: Path) -> None:
    files, problems = collect_sources([folder / "purchase.txt"])
    assert (files, problems) == ([folder / "purchase.txt"], [])


def test_nothing_outside_the_sources_folder_is_quotable(folder: Path, tmp_path: Path) -> None:
    idx = tmp_path / "idx"
    report = build_from_sources([folder], idx, "use-multilingual", progress=False)
    assert report.contracts == 1 and report.exit_code == 3
    manifest = index_status(idx)
    assert [Path(s.source).name for s in manifest.sources] == ["purchase.txt"]
    assert {Path(s).name for s, _ in manifest.failed} == {
        "passwd.txt", "linked-dir", "dangling.pdf", "pipe.txt", "notes.png"}
    searcher = Searcher.open(idx, "use-multilingual")
    assert [c.key for c in searcher.contracts()] == ["purchase"]
    quoted = [h.clause.text for h in searcher.get_clause("第一条", None)]
    quoted += [h.clause.text for h in searcher.search("数据库口令是什么", top_k=10).hits]
    assert quoted and not any("口令" in t for t in quoted)
