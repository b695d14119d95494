"""Settings: `.env` is read from the working directory (as the README says), variables already
in the environment win, and the new settings have their documented defaults."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import Settings
from index import build_from_sources

ROOT = Path(__file__).resolve().parent.parent
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



def test_an_on_off_setting_with_a_typo_is_refused_naming_it() -> None:
    """CONTRACTBOT_QUESTION_LOG=0ff (a zero) or =disabled was taken as on: the bot went on
    recording every question while the operator believed the log off. An on/off value that is
    neither is now a setting error naming the variable (exit 2), as README's Configuration
    says of a value that cannot be used."""
    import pytest

    from bot.settings import SettingsError

    for name in ("CONTRACTBOT_QUESTION_LOG", "CONTRACTBOT_LOG_TEXT"):
        for bad in ("0ff", "disabled", "onn"):
            with pytest.raises(SettingsError, match=f"^{name}: '{bad}' is not on or off"):
                Settings.from_env({name: bad})
    for word, on in (("on", True), ("ON ", True), ("1", True), ("yes", True), ("true", True),
                     ("off", False), ("Off", False), ("0", False), ("no", False),
                     ("false", False)):
        s = Settings.from_env({"CONTRACTBOT_QUESTION_LOG": word, "CONTRACTBOT_LOG_TEXT": word})
        assert (s.question_log, s.log_text) == (on, on), word
    unset = Settings.from_env({"CONTRACTBOT_QUESTION_LOG": "", "CONTRACTBOT_LOG_TEXT": ""})
    assert (unset.question_log, unset.log_text) == (True, False)  # the defaults


def test_a_read_timeout_that_is_not_a_number_says_so() -> None:
    """CONTRACTBOT_READ_TIMEOUT=nan was refused as "nan is below 0"; it is not a number."""
    import pytest

    from bot.settings import SettingsError

    for bad in ("nan", "NaN", "abc"):
        with pytest.raises(SettingsError, match=f"^CONTRACTBOT_READ_TIMEOUT: '{bad}' is not a "
                           "number of seconds$"):
            Settings.from_env({"CONTRACTBOT_READ_TIMEOUT": bad})
    with pytest.raises(SettingsError, match=r"^CONTRACTBOT_READ_TIMEOUT: -1\.0 is below 0$"):
        Settings.from_env({"CONTRACTBOT_READ_TIMEOUT": "-1"})


def test_a_bot_api_url_without_http_is_a_setting_error() -> None:
    """TELEGRAM_BASE_URL=api.telegram.org/bot (no scheme) was taken as it was: serve said
    "cannot reach the Bot API", exit 1, which systemd's Restart=on-failure retries every 5 s
    for ever; a setting that cannot be used is exit 2, which docs/deploy.md's unit does not
    restart."""
    import pytest

    from bot.settings import SettingsError

    for name in ("TELEGRAM_BASE_URL", "TELEGRAM_BASE_FILE_URL"):
        for bad in ("api.telegram.org/bot", "ftp://host/bot", "https:///bot"):
            with pytest.raises(SettingsError, match=f"^{name}: '{bad}' is not an http:// or "
                               "https:// URL with a host"):
                Settings.from_env({name: bad})
    local = Settings.from_env({"TELEGRAM_BASE_URL": " http://127.0.0.1:8081/bot "})
    assert local.telegram_base_url == "http://127.0.0.1:8081/bot"


class _Reads(dict):
    """An environment that remembers the names Settings.from_env reads."""

    def __init__(self, *args: object) -> None:
        super().__init__(*args)
        self.read: set[str] = set()

    def get(self, key, default=None):
        self.read.add(key)
        return super().get(key, default)


def _readme_settings() -> dict[str, str]:
    """The Configuration table of the README: each variable and its default cell."""
    text = (ROOT / "README.md").read_text("utf-8")
    section = text.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, str] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if line.startswith("| `") and len(cells) >= 3:
            names = re.findall(r"`([A-Z][A-Z0-9_]+)`", cells[0])
            defaults = cells[1].split(" / ") if len(names) > 1 else [cells[1]]
            rows.update(zip(names, defaults, strict=True))
    return rows


def test_every_setting_is_in_the_readme_and_env_example() -> None:
    """The settings Settings.from_env reads, the README's Configuration table and .env.example
    name the same variables, and a default the table gives as one value is the code's."""
    env = _Reads({"XDG_DATA_HOME": "/data"})
    defaults = Settings.from_env(env)
    read = env.read - {"XDG_DATA_HOME"}
    readme = _readme_settings()
    example = set(re.findall(r"^#?([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(
        "utf-8"), re.MULTILINE))
    assert read and set(readme) == read, sorted(set(readme) ^ read)
    assert example == read, sorted(example ^ read)
    for name, default in readme.items():
        value = re.fullmatch(r"`([^`$]+)`", default)
        if value:  # the documented default, set explicitly, changes nothing
            same = Settings.from_env({"XDG_DATA_HOME": "/data", name: value[1]})
            assert same == defaults, f"{name}: README default {default}"


def test_serve_help_lists_every_setting_with_its_default(
        capsys: pytest.CaptureFixture[str]) -> None:
    """`contractbot serve --help` named two settings and "..."; an operator on a server with
    no README had no list: it lists every setting Settings.from_env reads, each with its
    default."""
    from bot.cli import main
    from bot.settings import SETTINGS_HELP

    env = _Reads({"XDG_DATA_HOME": "/data"})
    Settings.from_env(env)
    assert set(env.read - {"XDG_DATA_HOME"}) == {name for name, _ in SETTINGS_HELP}
    with pytest.raises(SystemExit) as done:
        main(["serve", "--help"])
    shown = capsys.readouterr().out
    assert done.value.code == 0
    for name, what in SETTINGS_HELP:
        assert f"\n  {name} " in shown, name
        assert "(required)" in what or "(default: " in what, name
    assert max(len(line) for line in shown.splitlines()) <= 80


def test_a_webhook_secret_telegram_refuses_is_one_line(tmp_path: Path) -> None:
    env = _clean_env(tmp_path) | {"TELEGRAM_WEBHOOK_SECRET": "a b"}
    done = subprocess.run([sys.executable, "-m", "bot.cli", "index", "status"], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.splitlines() == ["contractbot: TELEGRAM_WEBHOOK_SECRET: 1 to 256 of A-Z, "
                                        "a-z, 0-9, _ and -"]


def test_the_bot_token_is_read_without_the_blanks_around_it() -> None:
    """A token pasted with a space, or read from a file with Windows line ends, was sent with
    them: Telegram refused it, and the operator was told to check a token that was right
    (tests/test_no_secrets.py runs the bot with one). One with a blank inside is refused
    without being shown."""
    import pytest

    from bot.settings import SettingsError

    for raw in (" 123456:SECRET-token", "123456:SECRET-token \r\n", "\t123456:SECRET-token\r"):
        assert Settings.from_env({"TELEGRAM_BOT_TOKEN": raw}).telegram_token == (
            "123456:SECRET-token"), repr(raw)
    assert Settings.from_env({"TELEGRAM_BOT_TOKEN": "  "}).telegram_token is None
    for raw in ("123456:SECRET token", "123456:SECRET-\x7ftoken"):
        with pytest.raises(SettingsError) as err:
            Settings.from_env({"TELEGRAM_BOT_TOKEN": raw})
        assert str(err.value) == ("TELEGRAM_BOT_TOKEN: it holds a space or a control character; "
                                  "copy it from @BotFather again (it looks like 123456789:AAE…)")
