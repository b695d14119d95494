"""An operator's first `index build`, through the real command line in a subprocess: no
SOURCES and no index says how to start, not that a missing index "is unchanged"."""

from __future__ import annotations

import sys
from pathlib import Path

from cli_traps import last_line, run

REBUILD = [sys.executable, str(Path(__file__).resolve().parent.parent / "scripts"
                               / "rebuild_index.py")]


def test_no_sources_and_no_index_says_how_to_start(tmp_path: Path) -> None:
    proc = run(tmp_path, "index", "build", "--index", "nb/idx")
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [last_line(proc)]
    assert last_line(proc) == (
        "contractbot: no SOURCES given, and there is no index at nb/idx to rebuild; give the "
        "folders or files of your contracts: contractbot index build DIR...")
    script = run(tmp_path, "--index", "nb/idx", cmd=REBUILD)
    assert script.returncode == 2
    assert last_line(script, "rebuild_index: ") == (
        "rebuild_index: no SOURCES given, and there is no index at nb/idx to rebuild; give the "
        "folders or files of your contracts: scripts/rebuild_index.py DIR...")
    assert not (tmp_path / "nb").exists()
