"""The fence around reading a source: a worker process with a time and a memory limit. A task
past a limit (or one whose process dies) is reported, its worker replaced, and the others go on;
a stop request ends the workers. A build with a source that makes the parser endless or hungry
skips that source with the reason and indexes the rest."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from fence_tasks import (
    aborts,
    dies,
    double,
    endless,
    fails,
    hungry,
    my_pid,
    parent_pid,
    reserves,
    steady,
)
from index_corpus import FAST_ENCODER

from bot.settings import SAMPLES_DIR
from index import BuildStopped, Limits, Reading, build_from_sources, read_contracts
from index.build.fence import Failure, FencedPool

SAMPLES = SAMPLES_DIR


def test_limits_are_reported_and_the_pool_goes_on() -> None:
    limits = Limits(seconds=4, memory_mb=300)
    with FencedPool(2, limits) as pool:
        ids = {pool.submit(endless, None): "endless", pool.submit(hungry, None): "hungry",
               pool.submit(dies, None): "dies", pool.submit(fails, None): "fails"}
        ids.update({pool.submit(double, i): f"double {i}" for i in range(4)})
        start = time.monotonic()
        out = {ids[task]: outcome for task, outcome in pool.results()}
        took = time.monotonic() - start
    assert out["endless"] == Failure("time")
    assert out["hungry"] == Failure("memory")
    assert out["dies"] == Failure("crash", "exit status 3")
    assert isinstance(out["fails"], Failure) and out["fails"].kind == "error"
    assert "broken input" in out["fails"].detail
    assert [out[f"double {i}"] for i in range(4)] == [0, 2, 4, 6]
    assert took < 30
    assert out["endless"].reason(limits) == "too slow to read (stopped after 4 s)"
    assert out["hungry"].reason(limits) == ("too large to read (it needed more than 300 MB "
                                            "of memory)")


def test_a_new_childs_start_is_not_counted_against_the_source() -> None:
    """A new worker's start and the task's imports (2 s here, as on a busy machine) are not
    the source's time: a task that reads in a moment succeeds under a 1 s limit."""
    from fence_slow_start import slow_double

    with FencedPool(1, Limits(seconds=1)) as pool:
        pool.submit(slow_double, 21)
        [(_, outcome)] = list(pool.results())
    assert outcome == 42


def test_a_tasks_warm_up_is_not_counted_against_the_source() -> None:
    """What a task's module needs once per process (its ``warm_up``: 2 s here, as jieba's
    dictionary on a busy machine) is loaded before the task's clock starts: two quick tasks
    in one child succeed under a 1 s limit."""
    from fence_warm_up import warm_double

    with FencedPool(1, Limits(seconds=1)) as pool:
        pool.submit(warm_double, 1)
        pool.submit(warm_double, 2)
        out = sorted(outcome for _, outcome in pool.results())
    assert out == [(2, True), (4, True)]


def test_a_read_warms_up_the_tokenizer_only_when_it_wants_tokens() -> None:
    """``work.warm_up``: a build's read loads jieba's dictionary before its clock starts; a
    parse alone (no tokens: ``contractbot parse``, an upload check) does not load it."""
    import subprocess
    import sys

    code = ("from index.build.work import ReadTask, warm_up\n"
            "from index.store import tokenize\n"
            "warm_up(ReadTask('x.txt', None)); print(bool(tokenize._JIEBA))\n"
            "warm_up(ReadTask('x.txt', 'both')); print(bool(tokenize._JIEBA))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout.split() == ["False", "True"]


def test_a_child_that_never_starts_is_stopped_with_its_reason() -> None:
    """A start that hangs (an import that never returns) is stopped at ``start_seconds``,
    reported as a reader that did not start, and the pool goes on."""
    from fence_stuck_start import stuck_double

    limits = Limits(seconds=60, start_seconds=1.5)
    with FencedPool(1, limits) as pool:
        ids = {pool.submit(stuck_double, 21): "stuck",  # then a task with no clock to go on:
               pool.submit(double, 21, fenced=False): "double"}  # a new child, on a busy box
        start = time.monotonic()
        out = {ids[task]: outcome for task, outcome in pool.results()}
        took = time.monotonic() - start
    assert out == {"stuck": Failure("crash", "it did not start within 1.5 s"), "double": 42}
    assert out["stuck"].reason(limits) == ("could not be read (the reader stopped: it did not "
                                           "start within 1.5 s)")
    assert took < 30


def test_a_task_that_shows_progress_gets_more_time() -> None:
    """Each progress report (a page OCR read) renews the time limit: a long scan is slow, not
    stuck; what the task reports reaches ``on_progress``."""
    heard: list[object] = []
    with FencedPool(2, Limits(seconds=3), on_progress=lambda _t, v: heard.append(v)) as pool:
        ids = {pool.submit(steady, 8): "steady", pool.submit(endless, None): "endless"}
        out = {ids[task]: outcome for task, outcome in pool.results()}
    assert out == {"steady": 8, "endless": Failure("time")}  # 4 s in all, 3 s a step
    assert heard == [(k, 8) for k in range(1, 9)]


def test_memory_is_what_a_task_uses_not_what_it_reserves() -> None:
    with FencedPool(1, Limits(seconds=60, memory_mb=300)) as pool:
        ids = {pool.submit(reserves, None): "reserves", pool.submit(hungry, None): "hungry"}
        out = {ids[task]: outcome for task, outcome in pool.results()}
    assert out == {"reserves": 2 * 1024**3, "hungry": Failure("memory")}


def test_a_daemonic_process_fences_tasks_in_new_interpreters(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A Dask worker's process is daemonic: multiprocessing lets it start no child. Its pool
    starts each child as a new interpreter (a child of this process, not of a fork server),
    with the same limits, progress and failures."""
    import multiprocessing
    import os

    monkeypatch.setattr(multiprocessing.current_process(), "daemon", True)
    limits = Limits(seconds=1.5, memory_mb=300)
    with FencedPool(2, limits) as pool:
        ids = {pool.submit(endless, None): "endless", pool.submit(hungry, None): "hungry",
               pool.submit(dies, None): "dies", pool.submit(fails, None): "fails",
               pool.submit(steady, 4): "steady", pool.submit(double, 21): "double",
               pool.submit(parent_pid, None): "parent"}
        out = {ids[task]: outcome for task, outcome in pool.results()}
    assert out.pop("parent") == os.getpid()
    assert out.pop("fails").kind == "error"
    assert out == {"endless": Failure("time"), "hungry": Failure("memory"),
                   "dies": Failure("crash", "exit status 3"), "steady": 4, "double": 42}


def test_unfenced_tasks_have_no_limits() -> None:
    with FencedPool(1, Limits(seconds=0.1, memory_mb=10)) as pool:
        pool.submit(my_pid, None, fenced=False)
        [(_, pid)] = list(pool.results())
    assert isinstance(pid, int)


def test_a_process_ended_by_a_signal_is_a_crash_not_memory() -> None:
    """Only SIGKILL (the kernel's out-of-memory killer) means memory."""
    with FencedPool(1, Limits(seconds=60)) as pool:
        pool.submit(aborts, None)
        [(_, outcome)] = list(pool.results())
    assert outcome == Failure("crash", "exit status -6")


def test_stop_ends_the_workers() -> None:
    stop = threading.Event()
    # a time limit, so that a stop not heard fails the test after 10 s instead of hanging it
    pool = FencedPool(2, Limits(seconds=10), stop=stop)
    pool.submit(endless, None)
    pool.submit(endless, None)
    results = pool.results()
    threading.Timer(0.5, stop.set).start()
    start = time.monotonic()
    with pytest.raises(BuildStopped):
        next(results)
    assert time.monotonic() - start < 5
    assert pool._workers == []


# A spam-repair rule of an admin's own that makes the parser endless (catastrophic regex
# backtracking on the one file that has a long run of 'x'), and rules that multiply a text
# until it needs gigabytes.
SLOW_RULES = "re:(x+x+)+y => z\n"
HUNGRY_RULES = "".join("乙方 => 乙方乙方乙方乙方乙方乙方乙方乙方乙方乙方\n" for _ in range(7))


def _library(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    for p in SAMPLES.glob("*.txt"):
        (src / p.name).write_bytes(p.read_bytes())
    slow = (SAMPLES / "在线客服系统升级服务合同.txt").read_text("utf-8")
    (src / "slow.txt").write_text(slow.replace("乙方", "乙方" + "x" * 40, 1), "utf-8")
    return src


def test_an_endless_parse_is_skipped_with_its_reason(tmp_path: Path) -> None:
    src = _library(tmp_path)
    rules = tmp_path / "rules.txt"
    rules.write_text(SLOW_RULES, "utf-8")
    start = time.monotonic()
    report = build_from_sources([src], tmp_path / "idx", FAST_ENCODER, rules_file=rules,
                                progress=False,
                                reading=Reading(workers=2, limits=Limits(seconds=3)))
    assert time.monotonic() - start < 60
    assert [(Path(s).name, r) for s, r in report.failed] == [
        ("slow.txt", "too slow to read (stopped after 3 s)")]
    assert report.contracts == 2


def test_a_hungry_parse_is_skipped_and_an_upload_check_says_why(tmp_path: Path) -> None:
    src = _library(tmp_path)
    rules = tmp_path / "rules.txt"
    rules.write_text(HUNGRY_RULES, "utf-8")
    reading = Reading(workers=2, limits=Limits(seconds=60, memory_mb=400))
    out = read_contracts(sorted(src.iterdir()), rules_file=rules, reading=reading)
    assert set(out.values()) == {"too large to read (it needed more than 400 MB of memory)"}


def test_workers_end_when_the_building_process_is_killed(tmp_path: Path) -> None:
    """A build killed with SIGKILL while its worker is stuck in an endless source: the worker
    ends too (it is the fork server's child, so only its own watch can tell)."""
    import os
    import signal
    import subprocess
    import sys

    code = ("import sys; from fence_tasks import endless, my_pid\n"
            "from index.build.fence import FencedPool, Limits\n"
            "pool = FencedPool(1, Limits(seconds=0))\n"
            "pool.submit(my_pid, None); pool.submit(endless, None)\n"
            "results = pool.results(); print(next(results)[1], flush=True); next(results)\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent)])}
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout is not None
    worker = int(proc.stdout.readline())
    time.sleep(0.5)  # now on the endless task
    assert Path(f"/proc/{worker}").exists()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while Path(f"/proc/{worker}").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not Path(f"/proc/{worker}").exists()


def test_a_worker_whose_building_process_went_away_ends_quietly() -> None:
    """`index build` stopped by SIGTERM (`timeout`, `kill`) dies at once; a worker that
    finished its source just then found the pipe closed and printed a BrokenPipeError
    traceback on the operator's terminal. It now ends quietly, with status 0."""
    import subprocess
    import sys

    # The task closes the building process's end of the pipe, as that process's death does:
    # the worker's reply then has nobody to go to.
    code = ("import os\n"
            "from multiprocessing import Pipe\n"
            "from index.build.fence_child import serve\n"
            "ours, theirs = Pipe()\n"
            "def hang_up(_):\n"
            "    ours.close()\n"
            "    return 1\n"
            "ours.send((hang_up, None, False))\n"
            "serve(theirs, 0, os.getpid())\n"
            "print('ended', flush=True)\n")
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True,
                          text=True, timeout=60)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "ended\n", "")
