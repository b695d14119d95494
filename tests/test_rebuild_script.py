"""scripts/rebuild_index.py as cron and an operator at a terminal meet it: Ctrl-C is exit 130
with no traceback, as for `contractbot` (the README's table is the same for both)."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from cli_traps import env

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "rebuild_index.py"


def test_ctrl_c_is_exit_130_without_a_traceback(shared: Path, tmp_path: Path) -> None:
    idx = tmp_path / "idx"
    build = subprocess.Popen([sys.executable, str(SCRIPT), str(shared / "contracts"),
                              "--index", str(idx)],
                             cwd=tmp_path, env=env(tmp_path, CONTRACTBOT_EMBED_MODEL="e5-small"),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    while not (idx / "cache" / "embed").is_dir():  # it is embedding: well under way
        assert build.poll() is None and time.monotonic() < deadline, build.communicate()
        time.sleep(0.05)
    build.send_signal(signal.SIGINT)
    out, err = build.communicate(timeout=120)
    assert build.returncode == 130, err
    assert "Traceback" not in err and out == "", err
    assert not (idx / "CURRENT").exists()


def test_the_help_of_replace_names_every_refusal_it_allows(tmp_path: Path) -> None:
    """A build is refused (exit 5) when it would empty the index, drop most of it, drop a
    folder it was built from, move contracts to another collection, or change its encoder;
    --help says --replace allows each, as the README does (it named only the first two, then
    all but the move)."""
    from cli_traps import CLI, run

    for cmd in ([*CLI, "index", "build"], [sys.executable, str(SCRIPT)]):
        proc = run(tmp_path, "--help", cmd=cmd)
        assert proc.returncode == 0, proc.stderr
        text = " ".join(proc.stdout.split())
        found = re.search(r"--replace (allow .*?)\(default", text)
        assert found, text
        for refusal in ("empty", "more than half", "a folder it was built from",
                        "another collection", "encoder"):
            assert refusal in found[1], (cmd, refusal, found[1])
