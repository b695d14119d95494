"""`contractbot index build` stopped part-way, as an operator meets it: Ctrl-C (exit 130) and
SIGTERM (`kill`, `timeout`, a service manager: 143) printed nothing, only the exit status. One
line now says the build was stopped and what it left on disk (the index as it was, the vectors
embedded but not yet indexed kept for the next build), never a traceback; nothing of the
generation it was writing is left behind."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from cli_traps import CLI, env, file_hashes, snapshot

from bot.interrupts import interrupted
from index import store

KEPT = "; the vectors of {} texts embedded but not yet indexed are kept for the next build"


def _cached(index_dir: Path) -> int:
    """Batches of vectors the build has kept in the index's cache so far."""
    return len(list((index_dir / "cache" / "embed").glob("*/*.json")))


TEXTS = ("中外合资经营企业合同.txt", "成套设备技术引进合同.txt", "计算机软件许可证协议书.txt",
         "技术服务合同.txt", "SOURCES.md")  # SOURCES.md is no contract: the build says so


def _real_texts(shared: Path, tmp_path: Path) -> Path:
    """A folder of real contracts, long enough for a build to be stopped while it embeds, in
    text only: parsing every real PDF and Word file lengthened the builds and proved nothing
    more."""
    folder = tmp_path / "real"
    folder.mkdir()
    for name in TEXTS:
        shutil.copy(shared / "contracts-real" / name, folder)
    return folder


def _stop_while_embedding(tmp_path: Path, index_dir: Path, sources: list[Path],
                          sig: signal.Signals) -> subprocess.CompletedProcess[str]:
    """Run `contractbot index build SOURCES --index DIR`; once it has kept a batch of vectors,
    send ``sig`` to its process group, as a terminal's Ctrl-C (or a service manager) does."""
    proc = subprocess.Popen([*CLI, "index", "build", *map(str, sources), "--index",
                             str(index_dir)], cwd=tmp_path, env=env(tmp_path),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    deadline = time.monotonic() + 240
    while not _cached(index_dir):
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.02)
    os.killpg(proc.pid, sig)
    out, err = proc.communicate(timeout=120)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


# Python code that raises a Ctrl-C (KeyboardInterrupt) at the import of the index package: the
# moment a command still loads, before any of it has run.
INTERRUPT_AT_INDEX_IMPORT = ("import sys\n"
                             "class Interrupt:\n"
                             "    def find_spec(self, name, path=None, target=None):\n"
                             "        if name == 'index':\n"
                             "            raise KeyboardInterrupt\n"
                             "sys.meta_path.insert(0, Interrupt())\n")


@pytest.mark.parametrize(("sig", "status", "how"), [
    (signal.SIGINT, 130, "interrupted"),
    (signal.SIGTERM, -signal.SIGTERM, "stopped (SIGTERM)"),  # it still ends by the signal
])
def test_a_stopped_build_says_the_index_is_unchanged(shared: Path, lib: Path, idx: Path,
                                                     tmp_path: Path, sig: signal.Signals,
                                                     status: int, how: str) -> None:
    before = snapshot(idx)
    real = _real_texts(shared, tmp_path)
    proc = _stop_while_embedding(tmp_path, idx, [lib / "a", lib / "b", real], sig)
    assert proc.returncode == status, proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    kept = sum(len(json.loads(p.read_text("utf-8"))["texts"])
               for p in (idx / "cache" / "embed").glob("*/*.json"))
    assert kept > 0
    assert proc.stderr.splitlines()[-1] == (
        f"contractbot: the build was {how}: the index is unchanged" + KEPT.format(kept))
    assert snapshot(idx) == before  # pointer, generations (none half-written), manifest
    if sig != signal.SIGINT:
        return
    # the next build reuses them
    again = subprocess.run([*CLI, "index", "build", str(lib / "a"), str(lib / "b"),
                            str(real), "--index", str(idx)],
                           cwd=tmp_path, env=env(tmp_path), capture_output=True, text=True,
                           timeout=600)
    assert again.returncode == 3, again.stderr  # SOURCES.md is no contract
    assert f", {kept} from the cache of an unfinished build)" in again.stdout


def test_a_stopped_first_build_says_nothing_was_built(shared: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "idx"
    proc = _stop_while_embedding(tmp_path, index_dir, [_real_texts(shared, tmp_path)],
                                 signal.SIGINT)
    assert proc.returncode == 130 and "Traceback" not in proc.stderr, proc.stderr
    line = proc.stderr.splitlines()[-1]
    assert line.startswith("contractbot: the build was interrupted: nothing was built; the "
                           "vectors of "), line
    assert not (index_dir / store.POINTER).exists()
    assert not any((index_dir / store.GENERATIONS).glob("*"))


def test_a_build_stopped_just_after_its_switch_says_so(idx: Path) -> None:
    """Stopped between the pointer's switch and its report: the index is not unchanged."""
    live = store.current_generation(idx)
    line = interrupted(idx, "20260101T000000-000000", terminated=True)
    assert line == ("the build was stopped (SIGTERM) just after it made its new index live "
                    f"(generation {live}); `contractbot index status` describes it")


def test_a_stop_while_writing_a_generation_leaves_nothing_of_it(idx: Path) -> None:
    """Ctrl-C while the new generation is written: its folder goes (the next build removed
    it before); the live one stays."""
    before = snapshot(idx)
    gen_dir = store.generation_dir(idx, "20991231T000000-abcdef")
    with pytest.raises(KeyboardInterrupt), store.writable(gen_dir):
        gen_dir.mkdir()
        (gen_dir / store.MANIFEST).write_text("{}", "utf-8")
        raise KeyboardInterrupt
    assert not gen_dir.exists() and snapshot(idx) == before


@pytest.mark.parametrize("command", [["ask", "违约金是多少"], ["serve"]])
def test_ctrl_c_while_the_command_loads_is_no_traceback(tmp_path: Path,
                                                        command: list[str]) -> None:
    """Ctrl-C in the first second of `contractbot ask` (or `serve`), while Python still imports
    the index code, printed a KeyboardInterrupt traceback of that import: `bot.cli` imported
    it before `main` ran. It is exit 130 and nothing else, as later on. (The Ctrl-C is made to
    come exactly then: on the import of the index package.)"""
    code = (INTERRUPT_AT_INDEX_IMPORT +
            "from bot.cli import main\n"
            f"sys.exit(main({command!r}))\n")
    proc = subprocess.run([CLI[0], "-c", code], cwd=tmp_path,
                          env=env(tmp_path, TELEGRAM_BOT_TOKEN="123456:SECRET-token",
                                  PYTHONPATH=str(Path(__file__).resolve().parent.parent)),
                          capture_output=True, text=True, timeout=120)
    assert (proc.returncode, proc.stdout, proc.stderr) == (130, "", "")


@pytest.mark.parametrize(("command", "prog"), [
    ("from bot.cli import main\nsys.exit(main(['index', 'build', *SOURCES]))\n", "contractbot"),
    ("import runpy\nsys.argv = [SCRIPT, *SOURCES]\n"
     "runpy.run_path(SCRIPT, run_name='__main__')\n", "rebuild_index"),
], ids=["cli", "script"])
def test_ctrl_c_while_a_build_loads_says_it_did_not_start(lib: Path, idx: Path, tmp_path: Path,
                                                          command: str, prog: str) -> None:
    """Ctrl-C in the first second of `scripts/rebuild_index.py` (Python still importing the
    index code) printed a KeyboardInterrupt traceback; `contractbot index build` ended with
    130 and no word, where a later Ctrl-C says what the build left. Both say in one line that
    the build did not start; the live index is untouched."""
    before, hashes = snapshot(idx), file_hashes(idx)
    script = Path(__file__).resolve().parent.parent / "scripts" / "rebuild_index.py"
    sources = [str(lib / "a"), "--index", str(idx)]
    code = (INTERRUPT_AT_INDEX_IMPORT +
            f"SCRIPT, SOURCES = {str(script)!r}, {sources!r}\n" + command)
    proc = subprocess.run([CLI[0], "-c", code], cwd=tmp_path,
                          env=env(tmp_path, PYTHONPATH=str(script.parent.parent)),
                          capture_output=True, text=True, timeout=120)
    assert (proc.returncode, proc.stdout) == (130, ""), proc.stderr
    assert proc.stderr == (f"{prog}: the build was interrupted before it started: the index "
                           "is untouched\n")
    assert file_hashes(idx) == hashes and snapshot(idx) == before


def test_the_kept_vectors_are_counted_as_the_cache_holds_them(tmp_path: Path) -> None:
    """The count is the cache's (an earlier stopped build's vectors among them), so it is not
    said as "embedded so far"; one text is "1 text"."""
    folder = tmp_path / "index" / "cache" / "embed" / "e5-small"
    folder.mkdir(parents=True)
    (folder / "a.json").write_text(json.dumps({"texts": ["k1"]}), "utf-8")
    assert interrupted(tmp_path / "index", None, terminated=False) == (
        "the build was interrupted: nothing was built; the vectors of 1 text embedded but not "
        "yet indexed are kept for the next build")
    (folder / "b.json").write_text(json.dumps({"texts": ["k2", "k3"]}), "utf-8")
    assert interrupted(tmp_path / "index", None, terminated=False).endswith(
        "; the vectors of 3 texts embedded but not yet indexed are kept for the next build")
