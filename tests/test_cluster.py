"""`index build --cluster`: a Dask scheduler and two workers on loopback read and embed the
sources; the building process writes the generation. Same clauses, same answers as a local
build."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from index_corpus import FAST_ENCODER

from index import Reading, Searcher, build_from_sources, index_status

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ("乙方响应时间是多少", "维护费用如何支付", "保密义务有哪些")


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """A scheduler and two one-thread worker processes on 127.0.0.1."""
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       host="127.0.0.1", dashboard_address=None)
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


def _answers(idx: Path) -> list[list[tuple[str, str]]]:
    searcher = Searcher.open(idx, FAST_ENCODER)
    return [[(h.clause.contract, h.clause.clause) for h in searcher.search(q).hits]
            for q in QUESTIONS]


def test_cluster_build_equals_local_build(tmp_path: Path, scheduler: str) -> None:
    src = ROOT / "samples"
    local = build_from_sources([src], tmp_path / "local", FAST_ENCODER, progress=False,
                               reading=Reading(workers=0))
    env = {**os.environ, "CONTRACTBOT_EMBED_MODEL": FAST_ENCODER}
    done = subprocess.run([sys.executable, "-m", "bot.cli", "index", "build", str(src),
                           "--index", str(tmp_path / "cluster"), "--cluster", scheduler],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert f"indexed {local.contracts} contracts, {local.clauses} clauses" in done.stdout
    assert index_status(tmp_path / "cluster").clauses == local.clauses
    assert _answers(tmp_path / "cluster") == _answers(tmp_path / "local")
    assert all(_answers(tmp_path / "local"))


def test_an_unreachable_scheduler_is_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "CONTRACTBOT_EMBED_MODEL": FAST_ENCODER}
    done = subprocess.run([sys.executable, "-m", "bot.cli", "index", "build",
                           str(ROOT / "samples"), "--index", str(tmp_path / "idx"),
                           "--cluster", "tcp://127.0.0.1:9"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr.startswith("contractbot: cannot reach the Dask scheduler at "
                                  "tcp://127.0.0.1:9")
    assert "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 1
    assert not (tmp_path / "idx").exists()
