"""Every build a command's error line suggests repeats the operator's --index: printed without
it, it built the default index, not the one the command was asked about."""

from __future__ import annotations

import pickle
import shlex
from pathlib import Path

import pytest
from index_corpus import build_tiny_index

from bot.cli import main
from index import IndexMissingError, ModelChangedError


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CONTRACTBOT_EMBED_MODEL", "use-multilingual")  # the fast test encoder
    monkeypatch.setenv("CONTRACTBOT_INDEX_DIR", str(tmp_path / "default-index"))
    monkeypatch.setenv("CONTRACTBOT_SOURCES_DIR", str(tmp_path / "uploads"))
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_no_index_advises_the_build_of_the_index_given(shared: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """`ask`, `compare`, `feedback` and `index status --index DIR` of no index each say how to
    build one; the build they printed had no --index, and made the default index instead."""
    where = tmp_path / "the index"  # a space: the command quotes it
    for command in (["ask", "押金"], ["compare", "押金"], ["feedback"], ["index", "status"]):
        assert main([*command, "--index", str(where)]) == 1, command
        err = capsys.readouterr().err
        assert err == (f"contractbot: no index at {where}; build one with: contractbot index "
                       f"build SOURCES... --index '{where}'\n"), command
    printed = err.split("build one with: ", 1)[1].strip()
    source = shared / "contracts" / "cs-upgrade.txt"
    argv = shlex.split(printed.replace("SOURCES...", shlex.quote(str(source))))
    assert argv[0] == "contractbot" and main(argv[1:]) == 0  # it works as printed
    assert main(["ask", "押金", "--index", str(where)]) == 0
    assert not (tmp_path / "default-index").exists()


def test_the_index_of_the_settings_is_built_by_the_plain_command(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With no --index the folder is the settings' (CONTRACTBOT_INDEX_DIR), which the same
    command reads under the same settings: no --index is added."""
    assert main(["feedback"]) == 1
    assert capsys.readouterr().err == (
        f"contractbot: no index at {tmp_path / 'default-index'}; build one with: contractbot "
        "index build SOURCES...\n")


def test_an_encoder_mismatch_advises_the_rebuild_of_the_index_given(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from index.store import encoders

    idx = build_tiny_index(tmp_path / "tiny")
    monkeypatch.setitem(encoders.ENCODERS, "other-model", encoders.UseEncoder)  # a known one
    monkeypatch.setenv("CONTRACTBOT_EMBED_MODEL", "other-model")
    assert main(["ask", "押金", "--index", str(idx)]) == 1
    assert capsys.readouterr().err == (
        f"contractbot: the index at {idx} was built with encoder 'use-multilingual' but "
        "CONTRACTBOT_EMBED_MODEL is 'other-model': set CONTRACTBOT_EMBED_MODEL=use-multilingual, "
        "or rebuild the index with 'other-model' (contractbot index build --replace --index "
        f"{idx})\n")  # it said "'other-model' is configured: configure …", naming no setting


def test_a_damaged_index_advises_the_rebuild_of_the_index_given(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from index import store

    idx = build_tiny_index(tmp_path / "tiny")
    gen = store.require_generation(idx)
    (gen / store.VECTORS).unlink()
    for command in (["ask", "押金"], ["index", "status"]):
        assert main([*command, "--index", str(idx)]) == 1
        err = capsys.readouterr().err
        assert err.endswith(f"; rebuild it: contractbot index build --index {idx}\n"), command


def test_the_reasons_read_as_before_where_no_command_is_given() -> None:
    """The index layer's own words (the bot's log, a worker's error sent back) are unchanged,
    also after a trip through pickle."""
    missing = IndexMissingError("the index at /srv/idx holds no contracts",
                                advice="build it from your contracts")
    text = ("the index at /srv/idx holds no contracts; build it from your contracts: "
            "contractbot index build SOURCES...")
    assert str(missing) == text and str(pickle.loads(pickle.dumps(missing))) == text
    changed = ModelChangedError("/srv/idx", "bge")
    assert str(changed).endswith("rebuild the index with it (contractbot index build)")
    assert changed.advised(lambda *words: "B").endswith("rebuild the index with it (B)")
