#!/usr/bin/env python3
"""How the benchmarks measure a command: wall and CPU seconds of it and every process it
started (a build's fork server and workers: this process becomes their subreaper), and the peak
resident memory of its process tree, sampled from /proc.

    scripts/bench_process.py COMMAND [ARG...]    # e.g. contractbot index build DIR
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def _tree_rss_mb(pid: int) -> int:
    """Resident memory of ``pid`` and every process below it, in MB (from /proc)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, StopIteration, ValueError):
            status = (entry / "status").read_text()
            parents[int(entry.name)] = int(re.search(r"PPid:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
            m = re.search(r"VmRSS:\s+(\d+)", status)
            rss[int(entry.name)] = int(m.group(1)) if m else 0
    tree, frontier = {pid}, {pid}
    while frontier:
        frontier = {p for p, pp in parents.items() if pp in frontier} - tree
        tree |= frontier
    return sum(rss.get(p, 0) for p in tree) // 1024


@contextlib.contextmanager
def sample_tree(pid_box: list[int]) -> Iterator[list[int]]:
    """Samples the RSS of the process in ``pid_box`` and its children; the peak in MB."""
    peak = [0]
    done = threading.Event()

    def run() -> None:
        while not done.is_set():
            if pid_box:
                peak[0] = max(peak[0], _tree_rss_mb(pid_box[0]))
            done.wait(0.1)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield peak
    finally:
        done.set()
        thread.join()


def subreaper() -> None:
    """Linux: processes this one's children leave behind (a build's fork server, which outlives
    the building process by a moment, and its workers) become this process's children, so
    their CPU time is counted (``timed_run``); /usr/bin/time never waits for them."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None).prctl(36, 1)  # PR_SET_CHILD_SUBREAPER


def _children() -> set[int]:
    me = str(os.getpid())
    found = set()
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(OSError, IndexError):  # stat: "pid (name) state ppid ..."
            stat = (entry / "stat").read_text() if entry.name.isdigit() else ""
            if stat and stat.rsplit(")", 1)[1].split()[1] == me:
                found.add(int(entry.name))
    return found


def _reap(before: set[int], seconds: float = 30.0) -> None:
    """Wait for the children that came to this process during a run (orphans it inherited)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        left = _children() - before
        if not left:
            return
        for pid in left:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)
        time.sleep(0.05)


def _cpu_children() -> float:
    import resource

    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def timed_run(args: list[str], env: dict[str, str]) -> dict[str, Any]:
    """Run a command: seconds, CPU seconds (user + system) of it and every process it started
    (a build's fork server and workers too), peak RSS of the process and of its process tree
    (MB), output."""
    box: list[int] = []
    before, cpu = _children(), _cpu_children()
    with sample_tree(box) as tree:
        start = time.perf_counter()
        proc = subprocess.Popen(["/usr/bin/time", "-f", "MAXRSS %M", *args], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        box.append(proc.pid)
        out, err = proc.communicate()
        seconds = time.perf_counter() - start
    _reap(before)
    rss = re.findall(r"MAXRSS (\d+)", err)
    if proc.returncode not in (0, 3):
        raise RuntimeError(f"{args[:4]} failed ({proc.returncode}): {err[-2000:]}")
    return {"s": seconds, "cpu": _cpu_children() - cpu, "rss": int(rss[-1]) // 1024 if rss else 0,
            "tree_rss": tree[0], "out": out, "err": err}


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: bench_process.py COMMAND [ARG...]")
    subreaper()
    run = timed_run(sys.argv[1:], dict(os.environ))
    print(f"{run['s']:.2f} s, {run['cpu']:.2f} s CPU with its children, peak RSS "
          f"{run['rss']} MB ({run['tree_rss']} MB with its children)")
