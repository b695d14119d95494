"""Whether a process runs: the one helper the build's workers and the OCR cache share."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

from index import processes
from index.processes import running


def test_this_process_runs() -> None:
    assert running(os.getpid())


def test_a_finished_child_not_yet_reaped_does_not_run() -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    try:
        # A zombie until waited for: it has a pid and a /proc entry, and runs no more.
        for _ in range(3000):  # up to 30 s on a loaded machine
            with open(f"/proc/{child.pid}/stat") as f:
                if f.read().rpartition(")")[2].split()[0] == "Z":
                    break
            time.sleep(0.01)
        assert not running(child.pid)
    finally:
        child.wait()
    assert not running(child.pid)


def test_a_sleeping_child_runs_until_killed() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert running(child.pid)
    finally:
        child.kill()
        child.wait()
    assert not running(child.pid)


def test_no_process_has_pid_zero_or_less_or_one_past_the_largest() -> None:
    assert not running(0)
    assert not running(-5)
    with open("/proc/sys/kernel/pid_max") as f:
        assert not running(int(f.read()) + 1)


def test_another_users_process_counts_as_running() -> None:
    # pid 1 is root's: os.kill answers EPERM to others, and it runs in any case.
    assert running(1)


def test_a_process_whose_name_holds_a_parenthesis_and_z_runs(tmp_path) -> None:
    """/proc/PID/stat puts the name in parentheses, and a name may hold ``) Z (``: the state
    is read after the last one, or a live process would be taken for a finished one."""
    sleep = shutil.which("sleep")
    assert sleep is not None
    odd = tmp_path / "a) Z (b"
    odd.symlink_to(sleep)
    child = subprocess.Popen([str(odd), "30"])
    try:
        for _ in range(3000):  # until it runs as sleep under its odd name
            with open(f"/proc/{child.pid}/stat") as f:
                if "a) Z (b" in f.read():
                    break
            time.sleep(0.01)
        assert running(child.pid)
    finally:
        child.kill()
        child.wait()


def test_without_proc_the_kernel_is_asked(monkeypatch, tmp_path) -> None:
    """On a machine without /proc (macOS), a live process runs (the build's workers watching
    the building process ended at once), a reaped one does not, another user's does."""
    monkeypatch.setattr(processes, "_PROC", str(tmp_path / "no-proc"))
    assert running(os.getpid())
    assert running(1)
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    assert not running(child.pid)
