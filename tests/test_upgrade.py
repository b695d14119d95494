"""An index built by an older contractbot: it still answers, and `index status` says what the
next `index build` will do again (the parser or the indexed texts changed since)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from index_corpus import build_tiny_index

from bot.cli import main
from index import store


@pytest.fixture(autouse=True)
def _env(monkeypatch, tmp_path):
    monkeypatch.setenv("CONTRACTBOT_EMBED_MODEL", "use-multilingual")  # the fast test encoder
    monkeypatch.chdir(tmp_path)  # no stray .env


def _as_written_by(index_dir: Path, **changes: object) -> None:
    """Make the live manifest look as an older version wrote it (None: a key it had not)."""
    path = store.require_generation(index_dir) / store.MANIFEST
    data = json.loads(path.read_text("utf-8"))
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    path.write_text(json.dumps(data), "utf-8")


def _status(index_dir: Path, capsys: pytest.CaptureFixture[str]) -> tuple[dict, str]:
    assert main(["index", "status", "--json", "--index", str(index_dir)]) == 0
    as_json = json.loads(capsys.readouterr().out)
    assert main(["index", "status", "--index", str(index_dir)]) == 0
    return as_json, capsys.readouterr().out


def test_status_of_a_current_index_says_nothing_of_upgrades(tmp_path, capsys) -> None:
    idx = build_tiny_index(tmp_path)
    as_json, text = _status(idx, capsys)
    assert as_json["outdated"] is None and "upgrade" not in text


def test_status_says_what_the_next_build_does_after_an_upgrade(tmp_path, capsys) -> None:
    idx = build_tiny_index(tmp_path)
    _as_written_by(idx, parse_version=None)  # before the parser's version was recorded
    as_json, text = _status(idx, capsys)
    assert as_json["outdated"] == "reads every source again (the vectors are kept)"
    assert text.splitlines()[-1] == (
        "upgrade:   built by another version of contractbot; the next `contractbot index "
        "build` reads every source again (the vectors are kept)")
    _as_written_by(idx, text_version=5)
    as_json, text = _status(idx, capsys)
    assert as_json["outdated"] == "reads every source again and embeds every clause again"
    assert main(["ask", "乙方响应时间是多少", "--index", str(idx)]) == 0  # it still answers


def test_the_text_version_has_one_home(monkeypatch) -> None:
    """``index.build.TEXT_VERSION`` was a copy of ``versions.TEXT_VERSION`` made at import: a
    version patched (or bumped at run time) at its home was read stale through it."""
    import index.build
    from index.build import versions

    monkeypatch.setattr(versions, "TEXT_VERSION", versions.TEXT_VERSION + 1)
    assert index.build.TEXT_VERSION == versions.TEXT_VERSION
    from index.build import TEXT_VERSION  # the public name still imports

    assert TEXT_VERSION == versions.TEXT_VERSION
