"""`index build --cluster`: a Dask scheduler and two workers on loopback read and embed the
sources; the building process writes the generation. Same clauses, same answers as a local
build."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from index_corpus import FAST_ENCODER
from scans import crop, image_pdf, render_page, scanned

from bot.settings import SAMPLES_DIR
from index import Limits, Reading, Searcher, build_from_sources, index_status, ocr_cache_dir

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ("乙方响应时间是多少", "维护费用如何支付", "保密义务有哪些")


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """A scheduler and two one-thread worker processes on 127.0.0.1."""
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       host="127.0.0.1", dashboard_address=":0")
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


def _answers(idx: Path) -> list[list[tuple[str, str]]]:
    searcher = Searcher.open(idx, FAST_ENCODER)
    return [[(h.clause.contract, h.clause.clause) for h in searcher.search(q).hits]
            for q in QUESTIONS]


def test_cluster_build_equals_local_build(tmp_path: Path, scheduler: str) -> None:
    src = SAMPLES_DIR
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


def test_a_cluster_worker_reads_within_the_build_limits(scheduler: str) -> None:
    """A nanny's worker is a daemonic process running tasks in threads, which cannot be killed:
    each worker thread reads in a child of its own, so a source past the time or memory limit
    comes back as a Failure (as in a local build) and the worker goes on; embedding is not
    fenced."""
    from fence_tasks import double, endless, hungry, parent_pid

    from index.build.cluster import DaskRunner
    from index.build.fence import Failure

    runner = DaskRunner(scheduler, Limits(seconds=2, memory_mb=300))
    try:
        ids = {runner.submit(endless, None, fenced=True): "endless",
               runner.submit(hungry, None, fenced=True): "hungry",
               runner.submit(double, 21, fenced=True): "double",
               runner.submit(parent_pid, None, fenced=True): "fenced parent",
               runner.submit(parent_pid, None, fenced=False): "unfenced parent"}
        start = time.monotonic()
        out = {ids[task]: outcome for task, outcome in runner.completed()}
        took = time.monotonic() - start
        workers = set(runner.client.run(os.getpid).values())
    finally:
        runner.close()
    assert out.pop("fenced parent") in workers  # a worker's own child
    assert out.pop("unfenced parent") not in workers  # the worker itself (its nanny's child)
    assert out == {"endless": Failure("time"), "hungry": Failure("memory"), "double": 42}
    assert took < 60


def test_a_cluster_build_skips_an_endless_source_with_its_reason(tmp_path: Path,
                                                                   scheduler: str) -> None:
    """`index build --cluster` with an admin's spam rule that makes one file's parse endless
    (catastrophic backtracking): that file is reported too slow to read, the others are
    indexed, and the build ends (it waited for ever before)."""
    src = tmp_path / "src"
    src.mkdir()
    for name in ("在线客服系统升级服务合同.txt", "軟體維護服務合約.txt"):
        (src / name).write_bytes((SAMPLES_DIR / name).read_bytes())
    text = (SAMPLES_DIR / "在线客服系统升级服务合同.txt").read_text("utf-8")
    (src / "slow.txt").write_text(text.replace("乙方", "乙方" + "x" * 40, 1), "utf-8")
    rules = tmp_path / "rules.txt"
    rules.write_text("re:(x+x+)+y => z\n", "utf-8")
    env = {**os.environ, "CONTRACTBOT_EMBED_MODEL": FAST_ENCODER,
           "CONTRACTBOT_RULES_FILE": str(rules), "CONTRACTBOT_READ_TIMEOUT": "3"}
    done = subprocess.run([sys.executable, "-m", "bot.cli", "index", "build", str(src),
                           "--index", str(tmp_path / "idx"), "--cluster", scheduler],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 3, done.stderr  # some sources were skipped
    assert done.stderr.splitlines() == ["slow.txt: too slow to read (stopped after 3 s)"]
    assert "indexed 2 contracts" in done.stdout
    assert index_status(tmp_path / "idx").contracts == 2


@pytest.fixture(scope="module")
def scan(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the top half of page 5 of 委托合同.pdf (a clause that names 委托) as an
    image-only scan: OCR reads it in the tests' process and in a cluster worker."""
    folder = tmp_path_factory.mktemp("scans") / "sources"
    folder.mkdir()
    page = scanned(crop(render_page(shared / "contracts-real" / "委托合同.pdf", 5), 0, 0.5))
    image_pdf([page], folder / "委托合同扫描件.pdf")
    return folder



def test_a_cluster_worker_gets_and_gives_back_what_ocr_read(scan: Path,
                                                            ocr_calls: list[int]) -> None:
    from index.build.work import ReadTask, read_source
    from index.ingest.scans import content_keys, data_keys

    [pdf] = scan.iterdir()
    assert data_keys(pdf.read_bytes()) == content_keys(pdf)  # the parent's keys are the worker's
    task = ReadTask(str(pdf), None, data=pdf.read_bytes())  # as a cluster worker gets it
    first = read_source(task)
    assert first.contract is not None and ocr_calls == [1]
    assert first.ocr_read is not None
    assert list(json.loads(first.ocr_read)["pages"]) == ["1"]
    again = read_source(ReadTask(str(pdf), None, data=pdf.read_bytes(),
                                 ocr_known=first.ocr_read))
    assert ocr_calls == [1]  # read from what it was sent, and nothing new to send back
    assert again.ocr_read is None and again.contract is not None
    assert [c.text for c in again.contract.clauses] == [c.text for c in first.contract.clauses]


def test_a_cluster_build_keeps_what_ocr_read_and_sends_it_out(scan: Path, tmp_path: Path,
                                                               scheduler: str) -> None:
    env = {**os.environ, "CONTRACTBOT_EMBED_MODEL": FAST_ENCODER}

    def build(idx: Path) -> None:
        done = subprocess.run([sys.executable, "-m", "bot.cli", "index", "build", str(scan),
                               "--index", str(idx), "--cluster", scheduler],
                              env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr

    build(tmp_path / "first")
    [entry] = ocr_cache_dir(tmp_path / "first").glob("*.json")  # the worker's OCR came back
    cached = json.loads(entry.read_text("utf-8"))
    assert list(cached["pages"]) == ["1"]
    # A new index whose cache says the page reads otherwise: the worker takes the cache's word
    marked = json.dumps(cached, ensure_ascii=False).replace("委托", "寄存保管")
    first = [c.text for c in Searcher.open(tmp_path / "first", FAST_ENCODER).all_clauses()]
    assert any("委托" in t for t in first) and not any("寄存保管" in t for t in first)
    second = ocr_cache_dir(tmp_path / "second")
    second.mkdir(parents=True)
    (second / entry.name).write_text(marked, "utf-8")
    build(tmp_path / "second")
    texts = [c.text for c in Searcher.open(tmp_path / "second", FAST_ENCODER).all_clauses()]
    assert any("寄存保管" in t for t in texts)
    assert (second / entry.name).read_text("utf-8") == marked  # nothing new was read


def test_an_unreachable_scheduler_is_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "CONTRACTBOT_EMBED_MODEL": FAST_ENCODER}
    done = subprocess.run([sys.executable, "-m", "bot.cli", "index", "build",
                           str(SAMPLES_DIR), "--index", str(tmp_path / "idx"),
                           "--cluster", "tcp://127.0.0.1:9"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr.startswith("contractbot: cannot reach the Dask scheduler at "
                                  "tcp://127.0.0.1:9")
    assert "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 1
    assert not (tmp_path / "idx").exists()


@pytest.mark.parametrize("address", ["notaurl", "inproc://x", "tls://127.0.0.1:1",
                                     "tcp://127.0.0.1:99999", "tcp://:8786",
                                     "tcp://127.0.0.1:8786/path"])
def test_a_malformed_scheduler_address_is_a_usage_error(tmp_path: Path, address: str) -> None:
    """Refused at argument parsing: exit 2, one line, no index folder, no Dask client (whose
    clean-up printed a traceback 10 s after the error)."""
    env = {**os.environ, "CONTRACTBOT_EMBED_MODEL": FAST_ENCODER}
    done = subprocess.run([sys.executable, "-m", "bot.cli", "index", "build",
                           str(SAMPLES_DIR), "--index", str(tmp_path / "idx"),
                           "--cluster", address],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("contractbot index build: argument --cluster: ")
    assert "tcp://HOST:PORT" in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 1
    assert not (tmp_path / "idx").exists()


def test_nobody_listening_at_the_scheduler_address_is_told_at_once() -> None:
    """A refused connection is not retried until Dask's timeout runs out."""
    from index.build.cluster import ClusterError, DaskRunner

    pytest.importorskip("distributed")
    start = time.monotonic()
    with pytest.raises(ClusterError, match=r"cannot reach the Dask scheduler at "
                       r"tcp://127\.0\.0\.1:9 \(.*refused"):
        DaskRunner("tcp://127.0.0.1:9", Limits())
    assert time.monotonic() - start < 2


def test_a_server_that_is_not_a_dask_scheduler_is_one_line(tmp_path: Path) -> None:
    """Something else listens at the address and answers garbage: one line, exit 1, and no
    traceback from the Dask client's clean-up afterwards."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        threading.Thread(target=_answer_garbage, args=(server,), daemon=True).start()
        address = f"tcp://127.0.0.1:{server.getsockname()[1]}"
        env = {**os.environ, "CONTRACTBOT_EMBED_MODEL": FAST_ENCODER}
        start = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "bot.cli", "index", "build",
                               str(SAMPLES_DIR), "--index", str(tmp_path / "idx"),
                               "--cluster", address],
                              env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith(f"contractbot: the Dask scheduler at {address} ")
    assert "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 1
    assert time.monotonic() - start < 8
    assert not (tmp_path / "idx").exists()


def _answer_garbage(server: socket.socket) -> None:
    """Answer every connection with bytes that are no Dask message, then hang up."""
    while True:
        try:
            conn, _ = server.accept()
        except OSError:  # the test closed the server
            return
        with conn:
            conn.sendall(b"\xff" * 64 + b"HTTP/1.1 400 Bad Request\r\n\r\n")


def test_a_scheduler_that_dies_mid_build_is_one_line(tmp_path: Path) -> None:
    """The scheduler goes away while the workers embed: the build ends with one line and exit
    1, not a Dask traceback and a line blaming the encoder (exit 2, a wrong setting), and the
    live index is as it was."""
    distributed = pytest.importorskip("distributed")
    idx = tmp_path / "idx"
    build_from_sources([SAMPLES_DIR], idx, "e5-small", progress=False)
    before = (idx / "CURRENT").read_text("utf-8")
    cluster = distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                       host="127.0.0.1", dashboard_address=":0")
    env = {**os.environ, "CONTRACTBOT_EMBED_MODEL": "e5-small"}
    try:
        build = subprocess.Popen([sys.executable, "-m", "bot.cli", "index", "build",
                                  str(SAMPLES_DIR), str(ROOT.parent / "shared" / "contracts"),
                                  "--index", str(idx), "--cluster", cluster.scheduler_address],
                                 env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True)
        deadline = time.monotonic() + 120
        while not cluster.scheduler.tasks and build.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        cluster.close()
    _out, err = build.communicate(timeout=120)
    assert build.returncode == 1, err
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    assert err.startswith("contractbot: lost the Dask scheduler at tcp://127.0.0.1:"), err
    assert err.rstrip().endswith("the index is unchanged"), err
    assert (idx / "CURRENT").read_text("utf-8") == before
