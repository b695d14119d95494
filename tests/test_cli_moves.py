"""`index build lib/a lib/b` on an index built from `lib` (README's collections walkthrough)
would put every contract in `default`: the real command line refuses it (exit 5) in one line
that counts them, names a few and says what to do, and the live index stays the one it was."""

from __future__ import annotations

import shutil
from pathlib import Path

from cli_traps import Cli, last_line, snapshot

from index import index_status, store


def test_building_the_collection_folders_moves_nothing(
        lib: Path, idx: Path, cli_here: Cli) -> None:
    # the fixture's index was built from lib/a and lib/b (all in default): lib is refused too
    back = cli_here("index", "build", str(lib), "--index", str(idx))
    assert back.returncode == 5 and "from default to a" in last_line(back)
    parent = cli_here("index", "build", str(lib), "--index", str(idx), "--replace")
    assert parent.returncode == 0, parent.stderr
    live, before = store.current_generation(idx), snapshot(idx)
    proc = cli_here("index", "build", str(lib / "a"), str(lib / "b"), "--index", str(idx))
    assert proc.returncode == 5
    assert len(proc.stderr.splitlines()) == 1
    line = last_line(proc)
    assert line.startswith("contractbot: this build would move 5 of the index's 5 contracts "
                           "to another collection (cs-")
    assert " from a to default, " in line and line.count(" to default") == 3
    assert line.endswith(" and 2 more). The index is unchanged: build the sources it was built "
                         f"from as before ({lib}: run `contractbot index build` with no "
                         f"SOURCES and --index {idx}), or pass --replace if the move is "
                         "intended")  # this index, not the default one
    assert store.current_generation(idx) == live and snapshot(idx) == before
    again = cli_here("index", "build", "--index", str(idx))
    assert again.returncode == 0, again.stderr
    assert "0 texts embedded" in again.stdout


def test_a_contract_moved_to_another_collection_is_named(
        lib: Path, idx: Path, cli_here: Cli, tmp_path: Path) -> None:
    """A file the operator moves from one collection's folder to another's changes which chats
    read it: the build follows it and says so in one line, as it names a file it drops."""
    mine = Path(shutil.copytree(lib, tmp_path / "lib"))
    first = cli_here("index", "build", str(mine), "--index", str(idx), "--replace")
    assert first.returncode == 0, first.stderr
    assert "moved" not in first.stderr + first.stdout  # asked for: its refusal named each
    (mine / "a" / "cs-upgrade.txt").rename(mine / "b" / "cs-upgrade.txt")
    proc = cli_here("index", "build", "--index", str(idx))
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines() == [
        "cs-upgrade.txt: moved from collection a to b (chats given a no longer read it, chats "
        "given b do)"]
    assert "; 1 moved to another collection; 0 failed; " in proc.stdout
    assert {s.contract: s.collection for s in index_status(idx).sources}["cs-upgrade"] == "b"
    again = cli_here("index", "build", "--index", str(idx))  # said once, when it happens
    assert again.returncode == 0 and again.stderr == "" and "moved" not in again.stdout
