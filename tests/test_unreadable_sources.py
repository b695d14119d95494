"""A source that is still there but cannot be read this time (its permissions changed, a copy
still being written, a folder the build may not list) keeps the version indexed before: the
build names it with its reason and exits 3, and the bot goes on quoting it. Only a file that is
gone (or a source root left empty, with --replace) drops a contract."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cli_traps import CLI, Cli, as_a_user, last_line, run
from index_corpus import FAST_ENCODER

from index import build_from_sources, index_status

KEPT_FILE = "the version indexed before is kept"
KEPT_FOLDER = "the contracts indexed from it before are kept"


@pytest.fixture
def own(lib: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the two-folder library of this test's own, and its index."""
    mine = Path(shutil.copytree(lib, tmp_path / "lib"))
    report = build_from_sources([mine], tmp_path / "idx", FAST_ENCODER, progress=False)
    assert report.contracts == 5
    return mine, tmp_path / "idx"


def _keys(idx: Path) -> set[str]:
    return {s.contract for s in index_status(idx).sources}



def test_a_file_emptied_by_a_copy_in_progress_keeps_its_indexed_version(
        own: tuple[Path, Path], cli_here: Cli) -> None:
    lib, idx = own
    (lib / "a" / "cs-upgrade.txt").write_bytes(b"")  # `cp` has just opened it
    proc = cli_here("index", "build", "--index", str(idx))
    assert proc.returncode == 3, proc.stderr
    lines = proc.stderr.splitlines()
    assert lines.index("cs-upgrade.txt: empty file") < lines.index(f"cs-upgrade.txt: {KEPT_FILE}")
    assert "dropped" not in proc.stderr + proc.stdout
    assert "cs-upgrade" in _keys(idx) and len(_keys(idx)) == 5
    failed = dict(index_status(idx).failed)
    assert failed[str(lib / "a" / "cs-upgrade.txt")] == "empty file"


def test_files_and_folders_that_cannot_be_read_keep_their_contracts(
        own: tuple[Path, Path], tmp_path: Path, cli_here: Cli) -> None:
    lib, idx = own
    user = as_a_user()
    (lib / "a").chmod(0)  # a collection the build may not list (2 contracts)
    (lib / "b" / "aftersales-upgrade.txt").chmod(0)
    try:
        proc = run(tmp_path, "index", "build", "--index", str(idx), cmd=[*user, *CLI])
    finally:
        (lib / "a").chmod(0o755)
        (lib / "b" / "aftersales-upgrade.txt").chmod(0o644)
    assert proc.returncode == 3, proc.stderr
    lines = proc.stderr.splitlines()
    assert "a: cannot be read (Permission denied)" in lines and f"a: {KEPT_FOLDER}" in lines
    assert "aftersales-upgrade.txt: cannot be read (Permission denied)" in lines
    assert f"aftersales-upgrade.txt: {KEPT_FILE}" in lines
    assert "dropped" not in proc.stderr + proc.stdout
    assert len(_keys(idx)) == 5
    again = cli_here("index", "build", "--index", str(idx))
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("indexed 5 contracts")


def test_a_file_that_is_gone_is_still_dropped(own: tuple[Path, Path], cli_here: Cli) -> None:
    lib, idx = own
    (lib / "a" / "cs-upgrade.txt").unlink()
    proc = cli_here("index", "build", "--index", str(idx))
    assert proc.returncode == 0, proc.stderr
    assert last_line(proc, "cs-upgrade.txt:") == (
        "cs-upgrade.txt: dropped from the index: no longer among the sources")
    assert "cs-upgrade" not in _keys(idx)


@pytest.mark.parametrize("change", ["encoder", "texts", "tokenizer"])
def test_a_file_unreadable_when_the_index_cannot_be_reused_keeps_its_indexed_version(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str) -> None:
    """A build that cannot reuse the previous generation (another encoder, with --replace;
    an upgrade that changed the indexed texts; another tokenizer) reads and embeds every source
    again. A source that could not be read then was dropped, named 'no longer among the
    sources' though it was there. Its clauses as indexed before are indexed again (embedded
    with this build's encoder, tokenized with its tokenizer), and the build says so."""
    from index_corpus import LEASE, MAINT, fast_encoder, parse_json, write_corpus
    from test_build import CountingEncoder

    from index import Searcher, store
    from index.build import build_index, versions

    src, idx = tmp_path / "src", tmp_path / "idx"
    write_corpus(src, MAINT, LEASE)
    build_index([src], idx, fast_encoder(), parse=parse_json, progress=False)
    (src / "lease.txt").write_bytes(b"")  # a copy in progress when the build reads it
    encoder = CountingEncoder()
    if change == "encoder":
        encoder.name = "another-encoder"
    if change == "texts":  # the one home of the version: the reuse decision and the manifest
        monkeypatch.setattr(versions, "TEXT_VERSION", versions.TEXT_VERSION + 1)
    report = build_index([src], idx, encoder, parse=parse_json, progress=False,
                         replace=change == "encoder",
                         mode="bigram" if change == "tokenizer" else "both")
    lease = str(src / "lease.txt")
    assert report.failed == ((lease, "empty file"),)
    assert report.kept == ((lease, f"{KEPT_FILE}, its clauses indexed again"),)
    assert report.dropped == () and report.contracts == 2 and report.exit_code == 3
    assert (report.parsed, report.reused) == (1, 1)  # read: maint; kept, not read: lease
    gen_dir = store.require_generation(idx)
    assert store.read_manifest(gen_dir).text_version == versions.TEXT_VERSION
    rows = store.read_clauses(gen_dir, "lease")
    assert [r.clause.clause for r in rows] == [c[0] for c in LEASE["clauses"]]
    if change == "encoder":  # every clause in the new encoder's vectors, the kept ones too
        assert encoder.texts == len(MAINT["clauses"]) + len(LEASE["clauses"])
    hits = Searcher(idx, encoder).search("押金是多少", contract="lease").hits
    assert hits and hits[0].clause.contract == "lease"
