"""Settings: `.env` is read from the working directory (as the README says), variables already
in the environment win, and the new settings have their documented defaults."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bot.settings import Settings
from index import build_from_sources

CONTRACT = "设备采购合同\n第一条 乙方应于合同签订后十日内交货。\n第二条 甲方应在验收合格后付款。\n"


def _clean_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("CONTRACTBOT_", "TELEGRAM_"))}
    env["XDG_DATA_HOME"] = str(tmp_path / "xdg")
    return env


def test_dotenv_in_the_working_directory_is_read(tmp_path: Path) -> None:
    src, idx, work = tmp_path / "src", tmp_path / "from-dotenv", tmp_path / "work"
    src.mkdir()
    work.mkdir()
    (src / "purchase.txt").write_text(CONTRACT, encoding="utf-8")
    build_from_sources([src], idx, "use-multilingual", progress=False)
    (work / ".env").write_text(f"CONTRACTBOT_INDEX_DIR={idx}\nCONTRACTBOT_LOG_TEXT=on\n"
                               "CONTRACTBOT_QUESTIONS_PER_MINUTE=7\n", encoding="utf-8")
    status = subprocess.run([sys.executable, "-m", "bot.cli", "index", "status", "--json"],
                            cwd=work, env=_clean_env(tmp_path), capture_output=True, text=True,
                            timeout=120)
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["index_dir"] == str(idx)
    code = ("from bot.settings import Settings; s = Settings.from_env(); "
            "print(s.log_text, s.questions_per_minute, s.index_dir)")
    env = _clean_env(tmp_path) | {"CONTRACTBOT_QUESTIONS_PER_MINUTE": "3"}
    out = subprocess.run([sys.executable, "-c", code], cwd=work, env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["True", "3", str(idx)], out.stderr  # the environment wins


def test_without_dotenv_the_defaults_hold(tmp_path: Path) -> None:
    s = Settings.from_env({"XDG_DATA_HOME": str(tmp_path)})
    assert (s.log_text, s.questions_per_minute) == (False, 20)
    assert s.index_dir == tmp_path / "contractbot" / "index"
    off = Settings.from_env({"CONTRACTBOT_LOG_TEXT": "off",
                             "CONTRACTBOT_QUESTIONS_PER_MINUTE": "0"})
    assert (off.log_text, off.questions_per_minute) == (False, 0)

