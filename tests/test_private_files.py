"""Everything the project writes is private to its user: no file or folder of an index (or of
the folders it creates for it) is readable by other users, whatever the umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from index import build_from_sources, private_dir

CONTRACT = "设备采购合同\n第一条 乙方应于合同签订后十日内交货。\n第二条 甲方应在验收合格后付款。\n"


@pytest.fixture
def open_umask() -> Iterator[None]:
    """Run the test under the permissive umask most systems have (022)."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def _readable_by_others(root: Path) -> list[str]:
    """Paths under ``root`` (itself included) that group or others may read, write or enter."""
    found = []
    for item in [root, *root.rglob("*")]:
        mode = item.lstat().st_mode
        if not stat.S_ISLNK(mode) and mode & 0o077:
            found.append(f"{item.relative_to(root.parent)} {stat.filemode(mode)}")
    return found


def _sources(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    src.mkdir(parents=True)
    (src / "purchase.txt").write_text(CONTRACT, encoding="utf-8")
    return src


@pytest.mark.usefixtures("open_umask")
def test_an_index_built_from_python_is_private(tmp_path: Path) -> None:
    idx = tmp_path / "data" / "contractbot" / "index"
    build_from_sources([_sources(tmp_path)], idx, "use-multilingual", progress=False)
    build_from_sources([_sources(tmp_path / "again")], idx, "use-multilingual", progress=False)
    names = {p.name for p in idx.rglob("*")}
    assert {"CURRENT", ".lock", "clauses.sqlite", "vectors.faiss", "manifest.json"} <= names
    assert _readable_by_others(tmp_path / "data") == []


@pytest.mark.usefixtures("open_umask")
def test_the_command_line_creates_private_files_and_restores_the_umask(tmp_path: Path) -> None:
    idx = tmp_path / "idx"
    assert main(["index", "build", str(_sources(tmp_path)), "--index", str(idx)]) == 0
    assert _readable_by_others(idx) == []
    assert os.umask(0o022) == 0o022  # main() put the caller's umask back


@pytest.mark.usefixtures("open_umask")
def test_private_dir_makes_only_what_is_missing(tmp_path: Path) -> None:
    (tmp_path / "shared").mkdir(mode=0o755)
    made = private_dir(tmp_path / "shared" / "a" / "b")
    assert made.is_dir() and _readable_by_others(tmp_path / "shared" / "a") == []
    assert stat.S_IMODE((tmp_path / "shared").stat().st_mode) == 0o755  # not ours: left alone


def test_the_tokenizer_cache_lives_in_a_private_folder(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from index.store.tokenize import _jieba, cache_dir

    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    folder = Path(cache_dir())
    assert folder == tmp_path / "home" / ".cache" / "contractbot"
    assert _readable_by_others(tmp_path / "home") == []
    monkeypatch.undo()
    assert Path(_jieba().tmp_dir) == Path(cache_dir())  # not the shared temporary folder
