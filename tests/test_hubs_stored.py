"""The hubness a build stores (index/store/hubs.py, stop 42): the same values the load computed
before, read at load, at every size (an HNSW index too); a generation built before it still
loads and ranks as it did; a build that dies computing it leaves the live index serving."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from index_corpus import LEASE, MAINT, build_tiny_index, fast_encoder, parse_json, write_corpus

from index import store
from index.build import build_index
from index.errors import IndexDamagedError
from index.search import Searcher
from index.search.dense import DenseVectors
from index.status import index_damage, index_faults
from index.store.hubs import COPY, HUB_K, REFERENCE_CAP, StoredHubness, read_hubs, write_hubs

TESTS = Path(__file__).resolve().parent
QUESTIONS = ("乙方响应时间是多少", "押金是多少", "违约金多少", "保密期限多久")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny corpus's index (15 clauses), built once; tests copy it before changing it."""
    return build_tiny_index(tmp_path_factory.mktemp("stored"))


def _copy(idx: Path, tmp_path: Path) -> tuple[Path, Path]:
    import shutil

    out = Path(shutil.copytree(idx, tmp_path / "idx"))
    return out, store.require_generation(out)


def _computed_at_load(gen_dir: Path) -> np.ndarray:
    """What loading computed before stop 42: ``DenseVectors.hubness`` over the stored vectors."""
    rows = store.read_clauses(gen_dir)
    return DenseVectors(store.read_vectors(gen_dir), np.array([r.id for r in rows]),
                        np.array([r.contract for r in rows], dtype=object)).hubness()


def _ranked(searcher: Searcher, weight: float) -> list[list[tuple[str, str, float]]]:
    config = dataclasses.replace(searcher.config, hub_weight=weight)
    return [[(h.clause.contract, h.clause.clause, round(h.score, 6))
             for h in searcher.rank(searcher.signals(q), 5, config=config).hits]
            for q in QUESTIONS]


def test_a_build_stores_the_hubness_the_load_computed(built: Path) -> None:
    """Stored beside the vectors (float32, no pickle), recorded in the manifest with its
    parameters, equal to what the load computed from the same vectors, and what is loaded."""
    gen_dir = store.require_generation(built)
    manifest = store.read_manifest(gen_dir)
    assert manifest.hubness == StoredHubness(file=store.HUBS, k=HUB_K, copy=COPY,
                                             reference_cap=REFERENCE_CAP, reference_rows=15)
    raw = json.loads((gen_dir / store.MANIFEST).read_text("utf-8"))["hubness"]
    assert raw == {"file": "hubs.npy", "k": 20, "copy": 0.98, "reference_cap": 5000,
                   "reference_rows": 15}
    stored = np.load(gen_dir / store.HUBS, allow_pickle=False)
    assert stored.dtype == np.float32 and stored.shape == (15,)
    np.testing.assert_allclose(stored, _computed_at_load(gen_dir), rtol=0, atol=1e-6)
    assert float(stored.min()) > 0.0
    gen = Searcher.open(built, "use-multilingual")._gen
    assert np.array_equal(gen.hubs, stored)
    assert index_faults(built) == ()


def test_a_generation_built_before_stop_42_loads_and_ranks_as_before(
        built: Path, tmp_path: Path) -> None:
    """No file, no record: the load computes the hubness as it did, and every ranking (with
    e5-small's share of it) is the one the stored file gives."""
    idx, gen_dir = _copy(built, tmp_path)
    with_file = _ranked(Searcher.open(built, "use-multilingual"), 0.2)
    (gen_dir / store.HUBS).unlink()
    manifest = json.loads((gen_dir / store.MANIFEST).read_text("utf-8"))
    del manifest["hubness"]
    (gen_dir / store.MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    old = Searcher.open(idx, "use-multilingual")
    assert old._gen.manifest.hubness is None
    stored = np.load(store.require_generation(built) / store.HUBS)
    np.testing.assert_allclose(old._gen.hubs, stored, rtol=0, atol=1e-6)
    assert _ranked(old, 0.2) == with_file
    assert index_damage(idx) == () and index_faults(idx) == ()  # none recorded: no damage


def test_a_file_computed_with_other_parameters_is_not_read(built: Path, tmp_path: Path) -> None:
    """A manifest recording another k (a later version's): the load computes it as this code
    does, not with that file's values."""
    idx, gen_dir = _copy(built, tmp_path)
    np.save(gen_dir / store.HUBS, np.full(15, 0.5, dtype=np.float32), allow_pickle=False)
    manifest = json.loads((gen_dir / store.MANIFEST).read_text("utf-8"))
    manifest["hubness"]["k"] = 10
    (gen_dir / store.MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    gen = Searcher.open(idx, "use-multilingual")._gen
    np.testing.assert_allclose(gen.hubs, _computed_at_load(gen_dir), rtol=0, atol=1e-6)


@pytest.mark.parametrize("damage", ["missing", "short"])
def test_a_recorded_file_missing_or_cut_short_is_damage(built: Path, tmp_path: Path,
                                                        damage: str) -> None:
    idx, gen_dir = _copy(built, tmp_path)
    if damage == "missing":
        (gen_dir / store.HUBS).unlink()
    else:
        np.save(gen_dir / store.HUBS, np.zeros(14, dtype=np.float32), allow_pickle=False)
    said = r"\(missing hubs\.npy\)" if damage == "missing" else r"hubs\.npy holds float32 \(14,\)"
    with pytest.raises(IndexDamagedError, match=said):
        Searcher.open(idx, "use-multilingual")
    if damage == "missing":
        assert index_damage(idx) == (store.HUBS,) and index_faults(idx) == ()
    else:
        assert index_damage(idx) == () and index_faults(idx) == (
            (store.HUBS, "14 clauses where the manifest has 15"),)


def test_an_hnsw_index_gets_its_hubness_too(tmp_path: Path) -> None:
    """Above the threshold (here 0) the vectors are an HNSW graph, not held at load: before
    stop 42 every hubness was zero there (H off); the build stores it as for an exact index."""
    write_corpus(tmp_path / "src", MAINT, LEASE)
    enc = fast_encoder()
    build_index([tmp_path / "src"], tmp_path / "exact", enc, parse=parse_json, progress=False)
    build_index([tmp_path / "src"], tmp_path / "hnsw", enc, parse=parse_json, progress=False,
                ann_threshold=0)
    exact, hnsw = Searcher(tmp_path / "exact", enc)._gen, Searcher(tmp_path / "hnsw", enc)._gen
    assert exact.dense.exact and not hnsw.dense.exact
    assert float(hnsw.hubs.min()) > 0.0
    np.testing.assert_allclose(hnsw.hubs, exact.hubs, rtol=0, atol=1e-6)


def test_more_than_30000_clauses_get_their_hubness_against_5000_evenly_spaced(
        tmp_path: Path) -> None:
    """30,001 random unit vectors: written and read back, one per clause, each the mean of
    its 20 best cosines with the 5,000 evenly spaced reference rows (copies left out)."""
    rng = np.random.default_rng(42)
    vectors = rng.standard_normal((30_001, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    record = write_hubs(tmp_path, vectors)
    assert record.reference_rows == REFERENCE_CAP and record.current
    hubs = read_hubs(tmp_path, record, 30_001)
    assert hubs is not None and hubs.shape == (30_001,) and float(hubs.min()) > 0.0
    reference = vectors[np.linspace(0, 30_000, 5_000).astype(np.int64)]
    for row in (0, 1, 12_345, 30_000):
        sims = reference @ vectors[row]
        want = np.sort(sims[sims <= COPY])[-HUB_K:].mean()
        assert hubs[row] == pytest.approx(want, abs=1e-5)


def test_the_stored_hubness_is_computed_on_one_blas_thread(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The bot builds in the process that answers questions: the build's product keeps to one
    BLAS thread, as the load's and a question's do (docs/performance.md, stop 41)."""
    from threadpoolctl import threadpool_info

    import index.store.hubs as hubs_module

    real, seen = hubs_module.hubness, list[int]()

    def counting(matrix: np.ndarray) -> np.ndarray:
        seen.extend(p["num_threads"] for p in threadpool_info()  # numpy's own BLAS: its `@`
                    if p["user_api"] == "blas" and "numpy" in p["filepath"])
        return real(matrix)

    monkeypatch.setattr(hubs_module, "hubness", counting)
    write_hubs(tmp_path, np.eye(4, dtype=np.float32))
    assert seen and set(seen) == {1}


KILLED_AT_HUBNESS = """
import os, signal, sys
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from index_corpus import fast_encoder, parse_json
from index.build import build_index, write

def die(gen_dir, vectors):
    os.kill(os.getpid(), signal.SIGKILL)

write.write_hubs = die
build_index([Path(sys.argv[2])], Path(sys.argv[3]), fast_encoder(), parse=parse_json,
            progress=False)
"""


def test_a_build_killed_while_it_computes_the_hubness_leaves_the_index_serving(
        built: Path, tmp_path: Path) -> None:
    """SIGKILL at the hubness step of a rebuild with one contract more: the pointer still
    names the old generation, which answers; the next build goes live and clears the rest."""
    idx, gen_dir = _copy(built, tmp_path)
    before = Searcher.open(idx, "use-multilingual").search(QUESTIONS[0], top_k=3)
    src = tmp_path / "src"
    write_corpus(src, MAINT, LEASE, {**LEASE, "key": "lease2", "title": "仓库租赁合同"})
    done = subprocess.run([sys.executable, "-c", KILLED_AT_HUBNESS, str(TESTS), str(src),
                           str(idx)], capture_output=True, timeout=300)
    assert done.returncode == -9, done.stderr.decode()[-2000:]
    assert store.current_generation(idx) == gen_dir.name
    assert len(store.whole_generations(idx)) == 1  # the killed one has no manifest
    after = Searcher.open(idx, "use-multilingual").search(QUESTIONS[0], top_k=3)
    assert [h.clause for h in after.hits] == [h.clause for h in before.hits]
    report = build_index([src], idx, fast_encoder(), parse=parse_json, progress=False)
    assert store.current_generation(idx) == report.generation != gen_dir.name
    assert report.contracts == 3
    assert sorted(p.name for p in (idx / store.GENERATIONS).iterdir()) == sorted(
        [gen_dir.name, report.generation])
