"""The working directory an operator happens to be in never stops a command: `sudo -u
contractbot contractbot index build …` from an admin's home (which that user may not enter),
or from a folder deleted under the shell (a release folder replaced on upgrade)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from bot.cli import main


def test_a_deleted_working_directory_is_no_traceback(shared: Path, tmp_path: Path) -> None:
    gone = tmp_path / "old-release"
    gone.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONTRACTBOT_", "TELEGRAM_"))}
    env.update(CONTRACTBOT_EMBED_MODEL="use-multilingual", PYTHONPATH=str(ROOT))
    idx = tmp_path / "idx"
    shell = 'cd "$1" && rmdir "$1" && shift && exec "$@"'
    run = subprocess.run(["sh", "-c", shell, "sh", str(gone), sys.executable, "-m", "bot.cli",
                          "index", "build", str(shared / "contracts"), "--index", str(idx)],
                         env=env, capture_output=True, text=True, timeout=300)
    assert "Traceback" not in run.stderr
    assert run.returncode == 0, run.stderr
    assert (idx / "CURRENT").is_file()


def test_a_working_directory_this_user_may_not_enter_is_left(
        shared: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The build's worker processes start in the working directory: where this user may not
    enter it they could not start, and every source was 'could not be read' (exit 4)."""
    home = tmp_path / "admin-home"
    home.mkdir(mode=0o700)
    monkeypatch.chdir(home)
    monkeypatch.setenv("CONTRACTBOT_EMBED_MODEL", "use-multilingual")
    real_access = os.access

    def access(path: object, mode: int, **kwargs: object) -> bool:  # as user contractbot
        if Path(str(path)).resolve() == home.resolve():
            return False
        return real_access(path, mode, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "access", access)
    idx = tmp_path / "idx"
    assert main(["index", "build", str(shared / "contracts"), "--index", str(idx)]) == 0
    assert os.getcwd() == "/"  # where the workers could start
