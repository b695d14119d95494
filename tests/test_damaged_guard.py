"""A live generation that cannot be read (its manifest garbled, its folder gone) does not lift
the guard: a build of a wrong folder over it is refused on the contracts of the newest whole
generation, and no build deletes that generation, the last one that reads."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cli_traps import Cli, last_line

from index import store


def _damage(cli: Cli, idx: Path, how: str) -> tuple[str, str]:
    """A second generation made live and damaged; (its name, the whole one before it)."""
    older = store.require_generation(idx).name
    assert cli("index", "build", "--index", str(idx)).returncode == 0
    live = store.require_generation(idx)
    if how == "garbled manifest":
        (live / store.MANIFEST).write_text("{bad", "utf-8")
    elif how == "manifest not an object":
        (live / store.MANIFEST).write_text("[]", "utf-8")
    elif how == "empty pointer":  # a copy of the folder to a full disk
        (idx / store.POINTER).write_text("", "utf-8")
    else:
        shutil.rmtree(live)
    return live.name, older


@pytest.mark.parametrize("how", ["garbled manifest", "manifest not an object", "folder gone",
                                 "empty pointer"])
def test_a_wrong_folder_over_a_damaged_index_is_refused(idx: Path, tmp_path: Path, cli_here: Cli,
                                                        shared: Path, how: str) -> None:
    _damaged, older = _damage(cli_here, idx, how)
    pointer = (idx / store.POINTER).read_text("utf-8")
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(shared / "contracts" / "cs-upgrade.txt", other)
    proc = cli_here("index", "build", str(other), "--index", str(idx))
    assert proc.returncode == 5, proc.stdout + proc.stderr
    assert "would drop 4 of the index's 5 contracts" in last_line(proc)
    assert older in {p.name for p in (idx / store.GENERATIONS).iterdir()}
    assert (idx / store.POINTER).read_text("utf-8") == pointer  # nothing was switched


def test_repairing_a_garbled_manifest_keeps_the_whole_generation(idx: Path,
                                                                 cli_here: Cli) -> None:
    damaged, older = _damage(cli_here, idx, "garbled manifest")
    built = cli_here("index", "build", "--index", str(idx))
    assert built.returncode == 0, built.stderr
    assert "it replaces an index that could not be read" in built.stdout
    assert {older, damaged} < {p.name for p in (idx / store.GENERATIONS).iterdir()}


def test_an_empty_pointer_is_damage_not_no_index(idx: Path, cli_here: Cli) -> None:
    """An empty CURRENT (a copy of the folder to a full disk) read as "no index": `ask` on
    the default index would build the samples over it, and a rebuild without SOURCES said
    there was nothing to rebuild."""
    from index import has_index

    _damage(cli_here, idx, "empty pointer")
    assert has_index(idx)
    asked = cli_here("ask", "押金是多少", "--index", str(idx))
    assert asked.returncode == 1
    assert last_line(asked) == ("contractbot: the index pointer CURRENT is empty; rebuild it: "
                                f"contractbot index build --index {idx}")
    built = cli_here("index", "build", "--index", str(idx))
    assert built.returncode == 0, built.stderr
    assert "(0 parsed, 5 reused, 0 texts embedded)" in built.stdout


def test_a_manifest_that_is_not_an_object_is_damage(idx: Path, cli_here: Cli) -> None:
    damaged, _older = _damage(cli_here, idx, "manifest not an object")
    status = cli_here("index", "status", "--index", str(idx))
    assert status.returncode == 1
    assert last_line(status).startswith(f"contractbot: the index generation {damaged} cannot "
                                        "be read (")
