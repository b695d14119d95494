"""An index emptied on purpose (`index build EMPTY --replace`, which the rules allow) is an index
that holds no contracts, as `index status` says: `ask` and `compare` say so (exit 1) instead of
"no clause answers" (exit 0), and `index build` with no SOURCES says there is nothing to
rebuild, not that "no index was written" over the index that is there."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cli_traps import snapshot

from bot.cli import main
from index import build_from_sources, index_status

HOLDS_NONE = "holds no contracts; build it from your contracts: contractbot index build SOURCES..."


@pytest.fixture
def emptied(shared: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """An index of two contracts, then built from an empty folder with --replace."""
    monkeypatch.setenv("CONTRACTBOT_EMBED_MODEL", "use-multilingual")
    monkeypatch.setenv("CONTRACTBOT_SOURCES_DIR", str(tmp_path / "uploads"))
    monkeypatch.chdir(tmp_path)  # no stray .env
    lib, empty, idx = tmp_path / "lib", tmp_path / "empty", tmp_path / "idx"
    lib.mkdir()
    empty.mkdir()
    for name in ("cs-upgrade", "cs-maintenance"):
        shutil.copy(shared / "contracts" / f"{name}.txt", lib)
    assert build_from_sources([lib], idx, "use-multilingual", progress=False).contracts == 2
    report = build_from_sources([empty], idx, "use-multilingual", progress=False, replace=True)
    assert report.written and index_status(idx).contracts == 0
    return empty, idx


def test_ask_and_compare_say_the_index_holds_no_contracts(
        emptied: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    _, idx = emptied
    for command in (["ask", "乙方响应时间是多少"], ["ask", "违约金", "--json"],
                    ["compare", "违约金"]):
        assert main([*command, "--index", str(idx)]) == 1, command
        out = capsys.readouterr()
        assert out.out == ""
        assert out.err == f"contractbot: the index at {idx} {HOLDS_NONE} --index {idx}\n"


def test_a_rebuild_with_no_sources_says_there_is_nothing_to_rebuild(
        emptied: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    empty, idx = emptied
    before = snapshot(idx)
    assert main(["index", "build", "--index", str(idx)]) == 4
    out = capsys.readouterr()
    assert out.out == ("nothing could be indexed (1 source skipped); the index is unchanged: "
                       "it holds no contracts\n")
    assert out.err.splitlines() == [
        "empty: empty folder: nothing to index",
        f"contractbot: nothing to rebuild: the index holds no contracts, and the sources it "
        f"remembers ({empty}) hold none that can be indexed; give the folders or files of your "
        f"contracts: contractbot index build DIR... --index {idx}"]
    assert "no index was written" not in out.out + out.err
    assert snapshot(idx) == before
    assert main(["index", "build", str(empty), "--index", str(idx)]) == 4  # given: no advice
    out = capsys.readouterr()
    assert out.out.endswith("the index is unchanged: it holds no contracts\n")
    assert out.err == "empty: empty folder: nothing to index\n"
