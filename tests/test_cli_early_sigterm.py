"""SIGTERM in the first second or two of `contractbot index build` (or
`scripts/rebuild_index.py`), while Python still imports the index code: it ended silently, by
the signal's default action, where Ctrl-C then is exit 130 and a later SIGTERM says what the
build left. It is now held until the build starts, which then stops before it touches the
index and says so in the one line of a later SIGTERM; the process still ends by the signal.
(The SIGTERM is made to come exactly then: on the import of the index package.)"""

from __future__ import annotations

import signal
import socket
import subprocess
from pathlib import Path

from cli_traps import CLI, TOKEN, env, file_hashes, run, snapshot

ROOT = Path(__file__).resolve().parent.parent
# a process that sends itself SIGTERM when it first imports the index package, then runs CODE
SIGTERM_ON_IMPORT = ("import os, signal, sys\n"
                     "class Term:\n"
                     "    sent = False\n"
                     "    def find_spec(self, name, path=None, target=None):\n"
                     "        if name == 'index' and not Term.sent:\n"
                     "            Term.sent = True\n"
                     "            os.kill(os.getpid(), signal.SIGTERM)\n"
                     "sys.meta_path.insert(0, Term())\n")


def _term_while_loading(tmp_path: Path, code: str,
                        **settings: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI[0], "-c", SIGTERM_ON_IMPORT + code], cwd=tmp_path,
                          env=env(tmp_path, PYTHONPATH=str(ROOT), **settings),
                          capture_output=True, text=True, timeout=300)


def _build(*args: str) -> str:
    return f"from bot.cli import main\nsys.exit(main({['index', 'build', *args]!r}))\n"


def test_a_sigterm_while_the_build_loads_says_the_index_is_unchanged(
        lib: Path, idx: Path, tmp_path: Path) -> None:
    before, hashes = snapshot(idx), file_hashes(idx)
    proc = _term_while_loading(tmp_path, _build(str(lib / "a"), str(lib / "b"), "--index",
                                                str(idx)))
    assert (proc.returncode, proc.stdout) == (-signal.SIGTERM, ""), proc.stderr
    assert proc.stderr == "contractbot: the build was stopped (SIGTERM): the index is unchanged\n"
    assert file_hashes(idx) == hashes and snapshot(idx) == before
    status = run(tmp_path, "index", "status", "--index", str(idx))
    assert status.returncode == 0 and "contracts: 5" in status.stdout, status.stderr


def test_a_sigterm_while_a_first_build_loads_builds_nothing(lib: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "idx"
    proc = _term_while_loading(tmp_path, _build(str(lib / "a"), "--index", str(index_dir)))
    assert (proc.returncode, proc.stdout) == (-signal.SIGTERM, ""), proc.stderr
    assert proc.stderr == "contractbot: the build was stopped (SIGTERM): nothing was built\n"
    assert not index_dir.exists()


def test_a_sigterm_while_the_cron_script_loads_says_the_index_is_unchanged(
        lib: Path, idx: Path, tmp_path: Path) -> None:
    hashes = file_hashes(idx)
    script = ROOT / "scripts" / "rebuild_index.py"
    argv = [str(script), str(lib / "a"), "--index", str(idx)]
    proc = _term_while_loading(tmp_path, f"import runpy\nsys.argv = {argv!r}\n"
                               f"runpy.run_path({str(script)!r}, run_name='__main__')\n")
    assert (proc.returncode, proc.stdout) == (-signal.SIGTERM, ""), proc.stderr
    assert proc.stderr == ("rebuild_index: the build was stopped (SIGTERM): the index is "
                           "unchanged\n")
    assert file_hashes(idx) == hashes


def test_other_commands_are_not_held(tmp_path: Path) -> None:
    """Only a build holds a SIGTERM: `ask` (a question, nothing to leave half-done) still ends
    by it at once, saying nothing."""
    proc = _term_while_loading(tmp_path, "from bot.cli import main\n"
                               "sys.exit(main(['ask', '押金', '--index', 'none']))\n")
    assert (proc.returncode, proc.stdout, proc.stderr) == (-signal.SIGTERM, "", "")


def test_a_sigterm_while_serve_loads_is_a_clean_stop(idx: Path, tmp_path: Path) -> None:
    """`systemctl stop` in the first second of `contractbot serve`: it ended by the signal,
    saying nothing, where a SIGTERM once the bot runs is exit 0 (systemd's clean stop) and a
    line. It is held until the bot would start, which then stops as a running one does (the
    Bot API, a closed port here, is never asked)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    proc = _term_while_loading(
        tmp_path, f"from bot.cli import main\nsys.exit(main(['serve', '--index', {str(idx)!r}]))\n",
        TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=f"http://127.0.0.1:{closed}/bot",
        CONTRACTBOT_ALLOWED_CHATS="100")
    assert (proc.returncode, proc.stdout) == (0, ""), proc.stderr
    assert proc.stderr.splitlines()[-1].endswith(" INFO bot.app: SIGTERM: stopping"), proc.stderr
    assert "Traceback" not in proc.stderr and "cannot reach" not in proc.stderr
