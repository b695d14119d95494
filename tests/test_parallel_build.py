"""Builds that read and embed in worker processes give what a build in one process gives; a
build killed while embedding keeps what it embedded, and the next build uses it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from index_corpus import FAST_ENCODER

from bot.settings import SAMPLES_DIR
from index import Clause, Reading, Searcher, build_from_sources
from index.store import (
    RowRef,
    current_generation,
    generation_dir,
    read_clauses,
    read_row_refs,
    read_vectors,
    reconstruct,
)
from index.store.embed_cache import EmbedCache

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "contracts-real"
QUESTIONS = ("乙方响应时间是多少", "违约金怎么计算", "租金什么时候支付", "争议如何解决")


def _library(folder: Path, names: list[str]) -> Path:
    folder.mkdir(parents=True)
    for name in names:
        (folder / name).write_bytes((REAL / name).read_bytes())
    for p in SAMPLES_DIR.iterdir():
        (folder / p.name).write_bytes(p.read_bytes())
    return folder


def _rows(idx: Path) -> tuple[list[tuple[int, Clause, str, str]], np.ndarray]:
    gen = generation_dir(idx, current_generation(idx) or "")
    stored = read_clauses(gen)
    rows = [(s.id, s.clause, s.search_text, s.embed_text) for s in stored]
    return rows, reconstruct(read_vectors(gen), [s.id for s in stored])


def test_parallel_build_equals_serial_build(tmp_path: Path) -> None:
    src = _library(tmp_path / "src", ["技术服务合同.txt", "委托合同.pdf",
                                      "房屋租赁合同 模板一.docx"])
    serial = build_from_sources([src], tmp_path / "serial", FAST_ENCODER, progress=False,
                                reading=Reading(workers=0))
    parallel = build_from_sources([src], tmp_path / "parallel", FAST_ENCODER, progress=False,
                                  reading=Reading(workers=2))
    assert (parallel.contracts, parallel.clauses, parallel.failed) == (
        serial.contracts, serial.clauses, serial.failed)
    rows_s, vec_s = _rows(tmp_path / "serial")
    rows_p, vec_p = _rows(tmp_path / "parallel")
    assert rows_p == rows_s
    assert np.abs(vec_p - vec_s).max() < 1e-5
    one = Searcher.open(tmp_path / "serial", FAST_ENCODER)
    two = Searcher.open(tmp_path / "parallel", FAST_ENCODER)
    for q in QUESTIONS:
        assert ([(h.clause.contract, h.clause.clause) for h in two.search(q).hits]
                == [(h.clause.contract, h.clause.clause) for h in one.search(q).hits])


def test_a_killed_build_resumes_from_its_cache(tmp_path: Path) -> None:
    """Seven files (four real ones and the samples): each is embedded as it is read and one
    worker reads them one by one, so the kill at the first embedded batch comes with most of
    them still to read (a bigger library only made the rebuild below longer)."""
    src = _library(tmp_path / "src", ["中外合资经营企业合同.txt", "技术服务合同.txt",
                                      "整合型服務合作協議書.txt", "體驗廣告商品委託行銷合約書.txt"])
    idx = tmp_path / "idx"
    env = {**os.environ, "CONTRACTBOT_EMBED_MODEL": FAST_ENCODER,
           "CONTRACTBOT_BUILD_WORKERS": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "index", "build", str(src),
                             "--index", str(idx)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    cache = EmbedCache.open(idx, FAST_ENCODER, 512).folder
    try:
        deadline = time.monotonic() + 120
        while not list(cache.glob("*.json")) and time.monotonic() < deadline:
            assert proc.poll() is None, "the build ended before it embedded anything"
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the build and its workers, mid-embedding
        proc.wait()
    assert current_generation(idx) is None  # it never finished
    kept = len(EmbedCache.open(idx, FAST_ENCODER, 512))
    assert kept > 0
    report = build_from_sources([src], idx, FAST_ENCODER, progress=False)
    assert report.cached >= kept
    assert report.cached + report.embedded == len({c.embed_text for c in _stored(idx)})
    assert not cache.exists()  # the generation holds the vectors now
    again = build_from_sources([src], idx, FAST_ENCODER, progress=False)
    assert (again.embedded, again.cached, again.parsed) == (0, 0, 0)


def _stored(idx: Path) -> list[RowRef]:
    return read_row_refs(generation_dir(idx, current_generation(idx) or ""))


def test_a_build_that_changes_encoder_removes_the_other_encoders_caches(tmp_path: Path) -> None:
    """A killed build leaves its vectors in cache/embed/<encoder>/; the operator then switched
    encoder (--replace) and the new build finished: the old encoder's vectors stayed on disk
    for good, as nothing would ever resume that build. A finished build that changes the
    index's encoder empties every encoder's cache; one that keeps it empties its own and keeps
    the cache of a switch to another encoder that was killed half-way, for it to resume."""
    from index_corpus import LEASE, MAINT, fast_encoder, parse_json, write_corpus
    from test_build import CountingEncoder

    from index.build import build_index
    from index.store.embed_cache import EMBED_CACHE

    src, idx = tmp_path / "src", tmp_path / "idx"
    write_corpus(src, MAINT, LEASE)
    build_index([src], idx, fast_encoder(), parse=parse_json, progress=False)
    vector = np.ones((1, 512), np.float32) / np.sqrt(512)
    switch = EmbedCache.open(idx, "another-encoder", 512)
    switch.put(["一段条款"], vector)  # a switch to another encoder, killed half-way
    build_index([src], idx, fast_encoder(), parse=parse_json, progress=False)  # cron, at night
    assert len(EmbedCache.open(idx, "another-encoder", 512)) == 1  # kept: it may resume
    EmbedCache.open(idx, FAST_ENCODER, 512).put(["另一段条款"], vector)  # a killed rebuild
    other = CountingEncoder()
    other.name = "another-encoder"
    report = build_index([src], idx, other, parse=parse_json, progress=False, replace=True)
    assert report.written
    assert not (idx / EMBED_CACHE).exists() or not any((idx / EMBED_CACHE).iterdir())
