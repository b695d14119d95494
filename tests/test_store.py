"""On-disk generations: stable ids, atomic pointer, lock, metadata and vectors without pickle."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from index_corpus import fast_encoder

from index import store
from index.errors import IndexBusyError, IndexMissingError, IndexWriteError
from index.models import Clause, Contract


def test_clause_id_is_stable_positive_and_content_sensitive() -> None:
    a = store.clause_id("c", "7.2", "乙方应响应")
    assert a == store.clause_id("c", "7.2", "乙方应响应")
    assert 0 < a < 2**63
    assert a != store.clause_id("c", "7.2", "乙方应修复")
    assert a != store.clause_id("d", "7.2", "乙方应响应")
    assert a != store.clause_id("c", "7.2", "乙方应响应", salt=1)


def test_pointer_switch_and_missing(tmp_path) -> None:
    with pytest.raises(IndexMissingError):
        store.require_generation(tmp_path)
    gen = store.generation_dir(tmp_path, "g1")
    gen.mkdir(parents=True)
    store.switch_generation(tmp_path, "g1")
    assert store.current_generation(tmp_path) is None  # no manifest yet: not a usable generation
    manifest = store.Manifest("g1", "use-multilingual", 512, "both", 4, "2026-11-28T00:00:00")
    store.write_manifest(gen, manifest)
    assert store.current_generation(tmp_path) == "g1"
    assert store.read_manifest(gen) == manifest
    assert store.require_generation(tmp_path) == gen
    assert not list(tmp_path.glob(".CURRENT*"))  # temp pointer renamed away


def test_cleanup_keeps_listed_generations(tmp_path) -> None:
    for g in ("a", "b", "c"):
        store.generation_dir(tmp_path, g).mkdir(parents=True)
    store.cleanup_generations(tmp_path, ["b", "c"])
    assert sorted(p.name for p in (tmp_path / store.GENERATIONS).iterdir()) == ["b", "c"]


def test_cleanup_removes_a_write_probe_a_killed_build_left(tmp_path) -> None:
    """A build killed between creating and removing its write probe leaves a file, not a
    folder, among the generations: the next build's cleanup removes it too."""
    store.generation_dir(tmp_path, "b").mkdir(parents=True)
    (tmp_path / store.GENERATIONS / ".write-probe.4242").touch()
    store.cleanup_generations(tmp_path, ["b"])
    assert [p.name for p in (tmp_path / store.GENERATIONS).iterdir()] == ["b"]


def test_the_newest_whole_and_readable_generations_are_found_by_their_names(tmp_path) -> None:
    """The pointer names a generation that is gone: what a build keeps and rebuilds from is
    the newest generation with a manifest (names sort by time), and the newest that reads."""
    names = ("20250101T000000-aaaaaa", "20261101T000000-cccccc", "20260101T000000-bbbbbb")
    for name in names:
        gen = store.generation_dir(tmp_path, name)
        gen.mkdir(parents=True)
        store.write_manifest(gen, store.Manifest(name, "use-multilingual", 512, "both", 4,
                                                 "2026-11-28T00:00:00"))
    store.generation_dir(tmp_path, "20270101T000000-dddddd").mkdir()  # no manifest: half made
    store.switch_generation(tmp_path, "20270201T000000-eeeeee")  # gone
    assert store.whole_generations(tmp_path) == [names[1], names[2], names[0]]
    assert store.newest_whole_generation(tmp_path) == names[1]
    readable = store.newest_readable_manifest(tmp_path)
    assert readable is not None and readable.generation == names[1]
    (store.generation_dir(tmp_path, names[1]) / store.MANIFEST).write_text("{garbled", "utf-8")
    assert store.newest_whole_generation(tmp_path) == names[1]
    readable = store.newest_readable_manifest(tmp_path)
    assert readable is not None and readable.generation == names[2]


@pytest.mark.parametrize("failure", [IndexWriteError("the vectors could not be written"),
                                     OSError(28, "No space left on device")])
def test_a_generation_whose_writing_fails_leaves_nothing_behind(tmp_path, failure) -> None:
    gen = store.generation_dir(tmp_path, "g2")
    with pytest.raises(IndexWriteError):
        with store.writable(gen):
            gen.mkdir(parents=True)
            (gen / store.CLAUSES_DB).write_bytes(b"half")
            raise failure
    assert not gen.exists()


def test_lock_is_exclusive(tmp_path) -> None:
    with store.build_lock(tmp_path):
        with pytest.raises(IndexBusyError), store.build_lock(tmp_path):
            pass
    with store.build_lock(tmp_path):  # released after use
        pass


def test_metadata_round_trip(tmp_path) -> None:
    clause = Clause("k", "1.1", "第一章", "总则", "正文", page=3, title="目的", parent=None,
                    level=1, text_simplified="正文")
    contract = Contract("k", "某合同", {"甲方": "买方"}, script="traditional", source="/x/k.txt")
    row = store.StoredClause(42, 0, clause, "总则 正文", "某合同 总则：正文")
    store.write_tables(tmp_path, [(contract, "h1")], [row])
    assert store.read_clauses(tmp_path) == [row]
    assert store.read_clauses(tmp_path, "other") == []
    [(back, digest)] = store.read_contracts(tmp_path)
    assert back == Contract("k", "某合同", {"甲方": "买方"}, script="traditional",
                            source="/x/k.txt")
    assert digest == "h1"


def test_vectors_round_trip_by_id(tmp_path) -> None:
    ids = np.array([5, 2**62 + 7], dtype=np.int64)
    vecs = np.eye(2, 4, dtype=np.float32)
    store.write_vectors(tmp_path, ids, vecs, 4)
    index = store.read_vectors(tmp_path)
    assert index.ntotal == 2
    np.testing.assert_array_equal(store.reconstruct(index, [2**62 + 7]), vecs[1:])
    sims, found = index.search(vecs[:1], 1)
    assert found[0][0] == 5 and sims[0][0] == pytest.approx(1.0)


def test_reconstruct_many_ids_in_one_pass_matches_one_by_one(tmp_path) -> None:
    rng = np.random.default_rng(1)
    ids = rng.permutation(np.arange(1, 2001, dtype=np.int64) * 7919)
    vecs = rng.normal(size=(2000, 8)).astype(np.float32)
    store.write_vectors(tmp_path, ids, vecs, 8)
    index = store.read_vectors(tmp_path)
    want = [int(i) for i in ids[::-3]]  # many ids, out of stored order
    np.testing.assert_array_equal(store.reconstruct(index, want), vecs[::-3])
    np.testing.assert_array_equal(store.reconstruct(index, want[:5]), vecs[::-3][:5])
    with pytest.raises(KeyError):
        store.reconstruct(index, [*want, 3])


def test_a_build_syncs_every_file_of_its_generation_before_the_switch(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from index_corpus import LEASE, parse_json, write_corpus

    from index.build import build_index, write

    events: list[str] = []
    real_fsync, real_switch = os.fsync, store.switch_generation

    def fsync(fd: int) -> None:
        events.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    def switch(index_dir: Path, gen: str) -> None:
        events.append(f"switch {gen}")
        real_switch(index_dir, gen)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(write, "switch_generation", switch)  # where the build calls it
    write_corpus(tmp_path / "src", LEASE)
    report = build_index([tmp_path / "src"], tmp_path / "idx", fast_encoder(), parse=parse_json,
                         progress=False)
    gen_dir = store.generation_dir(tmp_path / "idx", report.generation)
    switched = events.index(f"switch {report.generation}")
    synced = set(events[:switched])
    on_disk = {str(p.resolve()) for p in [gen_dir, *gen_dir.rglob("*")]}
    assert on_disk <= synced, on_disk - synced


class _Killed(BaseException):
    """A SIGKILL at this point: nothing after it runs, no handler cleans up."""


def test_what_a_build_killed_at_the_switch_leaves_the_next_build_removes(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed between writing the new pointer and renaming it over ``CURRENT`` (or between
    creating and removing its write probe of the index folder), a build leaves a file in the
    index folder that no later build would remove (its name has the dead build's pid): the
    previous generation serves, and the next build removes the file."""
    import os

    from index_corpus import LEASE, MAINT, parse_json, write_corpus

    from index.build import build_index
    from index.store import generations

    src, idx = tmp_path / "src", tmp_path / "idx"
    write_corpus(src, LEASE)
    live = build_index([src], idx, fast_encoder(), parse=parse_json, progress=False).generation
    write_corpus(src, MAINT)

    real_replace = os.replace

    def replace(src: Path, dst: Path) -> None:  # killed right before the pointer's rename
        if Path(dst).name == store.POINTER:
            raise _Killed
        real_replace(src, dst)

    with monkeypatch.context() as patched:
        patched.setattr(generations.os, "replace", replace)
        with pytest.raises(_Killed):
            build_index([src], idx, fast_encoder(), parse=parse_json, progress=False)
    assert store.current_generation(idx) == live
    (idx / ".write-probe.4242").touch()  # where a build killed at its write probe leaves one
    [left] = idx.glob(".CURRENT.*.tmp")
    left.rename(idx / ".CURRENT.4242.tmp")  # the killed build was another process
    report = build_index([src], idx, fast_encoder(), parse=parse_json, progress=False)
    assert report.contracts == 2 and store.current_generation(idx) == report.generation
    assert sorted(p.name for p in idx.iterdir() if p.name.startswith(".")) == [".lock"]
    assert sorted(os.listdir(idx / store.GENERATIONS)) == sorted([report.generation, live])
