"""A disk that fills up while a build writes its generation (here: a file size limit, as
`ulimit -f` sets) leaves the live index as it was and no half-written generation behind, and
says so in one line, from the command line and from the cron script alike."""

from __future__ import annotations

import resource
import subprocess
from pathlib import Path

import pytest
from cli_traps import CLI, env, last_line, snapshot

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = [str(ROOT / "scripts" / "rebuild_index.py")]


def _limited(size: int) -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))


@pytest.mark.parametrize("limit", [20_000, 300_000])  # the clause database; the vector file
@pytest.mark.parametrize(("cmd", "prefix"), [(CLI, "contractbot: "),
                                             (SCRIPT, "rebuild_index: ")])
def test_a_full_disk_leaves_the_index_as_it_was(idx: Path, tmp_path: Path, limit: int,
                                                cmd: list[str], prefix: str) -> None:
    before = snapshot(idx)
    extra = tmp_path / "more"  # a new contract: its rows must be written
    extra.mkdir()
    src = ROOT.parent / "shared" / "contracts" / "cs-upgrade.txt"
    (extra / "cs-upgrade-2.txt").write_bytes(src.read_bytes() + "\n本合同一式两份。\n".encode())
    args = [*cmd, "index", "build"] if cmd is CLI else [*cmd]
    roots = [str(r) for r in _roots(idx)] + [str(extra)]
    proc = subprocess.run([*args, *roots, "--index", str(idx)], cwd=tmp_path, env=env(tmp_path),
                          capture_output=True, text=True, timeout=300,
                          preexec_fn=lambda: _limited(limit))
    assert proc.returncode == 1, proc.stderr
    line = last_line(proc, prefix)
    assert "cannot write the new index generation" in line, line
    assert line.endswith("the index is unchanged"), line
    assert "Error in" not in line and "!=" not in line  # not faiss's own words
    assert snapshot(idx) == before  # nor a half-written generation left behind


def _roots(idx: Path) -> list[Path]:
    from index import index_status

    return [Path(r) for r in index_status(idx).roots]


@pytest.mark.parametrize("folder", ["", "generations"])
def test_an_index_folder_that_cannot_be_written_is_refused_before_any_work(
        idx: Path, tmp_path: Path, folder: str) -> None:
    """A read-only index folder, or generations folder in it (a wrong owner, a read-only
    mount), is said before the sources are read and embedded: that took the whole build, then
    failed at the switch."""
    from cli_traps import as_a_user

    before = snapshot(idx)
    extra = tmp_path / "more"
    extra.mkdir()
    src = ROOT.parent / "shared" / "contracts" / "cs-upgrade.txt"
    (extra / "cs-upgrade-2.txt").write_bytes(src.read_bytes())
    user = as_a_user()
    locked = idx / folder if folder else idx
    locked.chmod(0o500)
    try:
        proc = subprocess.run([*user, *CLI, "index", "build", *map(str, _roots(idx)), str(extra),
                               "--index", str(idx)], cwd=tmp_path, env=env(tmp_path),
                              capture_output=True, text=True, timeout=300)
    finally:
        locked.chmod(0o700)
    assert proc.returncode == 1, proc.stderr
    line = last_line(proc)
    assert line == (f"contractbot: the index folder {locked} cannot be written (Permission "
                    "denied); the index is unchanged"), line
    assert "cs-upgrade-2" not in proc.stderr + proc.stdout
    assert not list((idx / "cache").rglob("*.npy"))  # nothing was embedded
    assert snapshot(idx) == before


def test_a_cache_folder_another_users_killed_build_left_does_not_stop_the_build(
        idx: Path, tmp_path: Path) -> None:
    """A build killed while root ran it leaves the vectors it embedded in a cache folder of
    root's (``cache/embed/<encoder>``, 0700) that the index's own user may not write: each
    build of that user failed there once the sources were read (`contractbot: Permission
    denied: …/cache/embed/…`, exit 1), and so did every later one. The cache only saves
    work: the build goes on without it."""
    from cli_traps import FAST_ENCODER, as_a_user

    from index.store.embed_cache import embed_cache_dir

    extra = tmp_path / "more"  # a new contract: its texts must be embedded
    extra.mkdir()
    src = ROOT.parent / "shared" / "contracts" / "cs-upgrade.txt"
    (extra / "cs-upgrade-2.txt").write_bytes(src.read_bytes() + "\n本合同一式两份。\n".encode())
    user = as_a_user()
    roots = [str(r) for r in _roots(idx)] + [str(extra)]
    cache = embed_cache_dir(idx, FAST_ENCODER)
    cache.mkdir(parents=True)
    (cache / "0123456789abcdef.npy.tmp").write_bytes(b"half")  # and what it left half written
    cache.chmod(0o500)
    try:
        proc = subprocess.run([*user, *CLI, "index", "build", *roots, "--index", str(idx)],
                              cwd=tmp_path, env=env(tmp_path), capture_output=True, text=True,
                              timeout=300)
    finally:
        cache.chmod(0o700)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and "Permission denied" not in proc.stderr
    from index import index_status

    assert "cs-upgrade-2" in {s.contract for s in index_status(idx).sources}
