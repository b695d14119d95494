"""`contractbot serve` traps, each run through the real command line in a subprocess against a
loopback Bot API: each ends in one clear English line (no traceback, no token)."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from botapi_server import FakeBotApi
from cli_traps import CLI, TOKEN, env, last_line, run

from index import store


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_against_an_unreachable_bot_api(idx: Path, tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/bot"
    proc = run(tmp_path, "serve", "--index", str(idx), TELEGRAM_BOT_TOKEN=TOKEN,
               TELEGRAM_BASE_URL=url, CONTRACTBOT_ALLOWED_CHATS="100")
    assert proc.returncode == 1
    line = last_line(proc)
    assert len(proc.stderr.splitlines()) == 1
    assert line.startswith(f"contractbot: cannot reach the Bot API at {url}: ")
    assert "SECRET" not in proc.stderr + proc.stdout


@contextmanager
def bot_api(rejected_token: str | None = None) -> Iterator[FakeBotApi]:
    """The loopback Bot API serving from a thread, for a bot running in a subprocess."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    server = FakeBotApi()
    server.rejected_token = rejected_token
    asyncio.run_coroutine_threadsafe(server.start(), loop).result(10)
    try:
        yield server
    finally:
        asyncio.run_coroutine_threadsafe(server.stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


def _serve(api: FakeBotApi, idx: Path, tmp_path: Path, **extra: str) -> subprocess.Popen[str]:
    """`contractbot serve` in a subprocess against the loopback ``api``, stderr piped."""
    return subprocess.Popen(
        [*CLI, "serve", "--index", str(idx)], cwd=tmp_path, stderr=subprocess.PIPE, text=True,
        env=env(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=api.base_url,
                TELEGRAM_BASE_FILE_URL=api.base_file_url, **extra))


def _lines_until_ready(proc: subprocess.Popen[str], deadline: float) -> list[str]:
    """The lines the bot writes to stderr up to the one saying it is ready."""
    assert proc.stderr is not None
    lines: list[str] = []
    while not any("ready" in line for line in lines) and time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
    return lines


def test_serve_with_a_refused_token(idx: Path, tmp_path: Path) -> None:
    with bot_api(rejected_token=TOKEN) as api:
        proc = run(tmp_path, "serve", "--index", str(idx), TELEGRAM_BOT_TOKEN=TOKEN,
                   TELEGRAM_BASE_URL=api.base_url, CONTRACTBOT_ALLOWED_CHATS="100")
    assert proc.returncode == 2  # a wrong setting, like any other (tests/test_no_secrets.py)
    assert last_line(proc) == ("contractbot: Telegram rejected the bot token "
                               "(TELEGRAM_BOT_TOKEN); check it with @BotFather")
    assert "SECRET" not in proc.stderr + proc.stdout


def test_serve_on_a_damaged_index_says_so(idx: Path, tmp_path: Path) -> None:
    gen = store.require_generation(idx)
    (gen / store.VECTORS).unlink()
    with bot_api() as api:
        proc = run(tmp_path, "serve", "--index", str(idx), TELEGRAM_BOT_TOKEN=TOKEN,
                   TELEGRAM_BASE_URL=api.base_url, CONTRACTBOT_ALLOWED_CHATS="100")
    assert proc.returncode == 1
    line = last_line(proc)
    assert line.startswith(f"contractbot: the index generation {gen.name} cannot be read (")
    assert line.endswith(f"; rebuild it: contractbot index build --index {idx}")
    assert "SECRET" not in proc.stderr + proc.stdout


def test_serve_warns_when_no_chat_is_allowed(idx: Path, tmp_path: Path) -> None:
    with bot_api() as api:
        proc = _serve(api, idx, tmp_path)
        deadline = time.monotonic() + 120
        lines = _lines_until_ready(proc, deadline)
        while not api.sent("getUpdates") and time.monotonic() < deadline:
            time.sleep(0.05)  # polling: it started
        proc.send_signal(signal.SIGINT)  # Ctrl-C: a clean stop
        rest = proc.communicate(timeout=60)[1]
    assert lines[0] == ("contractbot: warning: CONTRACTBOT_ALLOWED_CHATS is empty, so no chat "
                        "will get answers; set it to the chat ids that /start shows")
    assert any("bot @contract_bot ready" in line for line in lines), lines
    assert proc.returncode == 0 and "Traceback" not in rest


def test_serve_with_an_access_file_does_not_warn_that_no_chat_is_allowed(
        idx: Path, tmp_path: Path) -> None:
    """The deployment docs set CONTRACTBOT_ACCESS_FILE and no CONTRACTBOT_ALLOWED_CHATS: the
    chats of the file get answers, so there is no warning that no chat will."""
    access = tmp_path / "access.toml"
    access.write_text('[chats]\n"-1001234567890" = ["customer-a"]\n', "utf-8")
    url = f"http://127.0.0.1:{_closed_port()}/bot"
    proc = run(tmp_path, "serve", "--index", str(idx), TELEGRAM_BOT_TOKEN=TOKEN,
               TELEGRAM_BASE_URL=url, CONTRACTBOT_ACCESS_FILE=str(access))
    assert proc.returncode == 1 and "warning" not in proc.stderr
    assert last_line(proc).startswith(f"contractbot: cannot reach the Bot API at {url}: ")


def test_serve_names_a_bot_file_another_user_owns(idx: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """`contractbot serve` once as root leaves feedback.sqlite and chats.json that the service's
    user may not open: the service said 'unexpected error (OperationalError: unable to open
    database file)', and first set chats.json aside as unreadable, losing every /use scope.
    It is one line naming the file, before anything is touched (the tests run as root, so the
    check is told the file is not writable)."""
    from bot.cli import main

    index = tmp_path / "copy"
    shutil.copytree(idx, index)
    (index / "chats.json").write_text('{"format": 1, "chats": {}, "users": {}}', "utf-8")
    (index / "feedback.sqlite").write_bytes(b"")
    real_access = os.access

    def access(path: object, mode: int, **kwargs: object) -> bool:
        if Path(str(path)).name == "feedback.sqlite":
            return False
        return real_access(path, mode, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "access", access)
    for key, value in env(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, CONTRACTBOT_ALLOWED_CHATS="100",
                          TELEGRAM_BASE_URL=f"http://127.0.0.1:{_closed_port()}/bot").items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(tmp_path)
    assert main(["serve", "--index", str(index)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"contractbot: cannot write {index / 'feedback.sqlite'}: it belongs to ")
    assert "the bot runs as" in err and len(err.splitlines()) == 1
    assert sorted(p.name for p in index.iterdir() if p.name.startswith("chats")) == ["chats.json"]


def test_serve_says_where_the_webhook_listens(idx: Path, tmp_path: Path) -> None:
    """The operator points a TLS proxy at the webhook server: the log says the address, port
    and path it listens on (nothing said it). Unset, the address is 127.0.0.1 (this machine
    only; it was 0.0.0.0, every interface); the port is 8443 unless set."""
    port = _closed_port()  # free now: the webhook server takes it
    with bot_api() as api:
        proc = _serve(api, idx, tmp_path, CONTRACTBOT_ALLOWED_CHATS="100",
                      TELEGRAM_WEBHOOK_URL="https://bot.example.org/telegram/contracts",
                      TELEGRAM_WEBHOOK_PORT=str(port))
        deadline = time.monotonic() + 120
        lines = _lines_until_ready(proc, deadline)
        while not api.webhook and time.monotonic() < deadline:
            time.sleep(0.05)  # registered: it started
        time.sleep(0.5)
        proc.send_signal(signal.SIGTERM)
        rest = proc.communicate(timeout=60)[1]
    assert any(line.endswith(f"webhook server listening on 127.0.0.1:{port}, path "
                             "/telegram/contracts") for line in lines), lines
    assert proc.returncode == 0, rest
    assert "INFO bot.app: SIGTERM: stopping" in rest, rest  # one line says why it stops


def test_sigterm_while_serve_starts_is_a_clean_stop(idx: Path, tmp_path: Path) -> None:
    """`systemctl restart` just after a start: SIGTERM while the bot registers with the Bot API
    (deleteWebhook) ended in tracebacks, 'cannot reach the Bot API … NoEventLoopError' and
    exit 1. It stops as soon as it has started."""
    with bot_api() as api:
        proc = _serve(api, idx, tmp_path, CONTRACTBOT_ALLOWED_CHATS="100")
        _lines_until_ready(proc, time.monotonic() + 120)
        proc.send_signal(signal.SIGTERM)  # at once: it is still registering
        rest = proc.communicate(timeout=60)[1]
    assert proc.returncode == 0, rest
    assert "contractbot:" not in rest and "Traceback" not in rest and "ERROR" not in rest, rest


def test_sigterm_while_serve_connects_is_a_clean_stop(idx: Path, tmp_path: Path) -> None:
    """SIGTERM while `contractbot serve` asks the Bot API who it is (getMe, before the bot
    starts): it ended by the signal, saying nothing. It is held until the bot starts, which
    stops at once, before it polls: exit 0 and one line, as a SIGTERM once it runs."""
    with bot_api() as api:
        api.slow["getMe"] = 1.0
        proc = _serve(api, idx, tmp_path, CONTRACTBOT_ALLOWED_CHATS="100")
        deadline = time.monotonic() + 120
        while "getMe" not in api.slow_arrivals:
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.01)
        proc.send_signal(signal.SIGTERM)
        rest = proc.communicate(timeout=60)[1]
        assert not api.sent("getUpdates")
    assert proc.returncode == 0, rest
    assert "INFO bot.app: SIGTERM: stopping" in rest, rest
    assert "Traceback" not in rest and "ERROR" not in rest, rest


def test_python_m_bot_takes_serve_written_out_too(tmp_path: Path) -> None:
    """README: `contractbot serve  # or: python -m bot`. An operator who wrote `python -m bot
    serve` got `contractbot: unrecognized arguments: serve`, exit 2; it now runs the bot (here
    it stops at the missing token, as `python -m bot` does)."""
    import sys

    root = Path(__file__).resolve().parent.parent
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CONTRACTBOT_", "TELEGRAM_"))}
    clean |= {"PYTHONPATH": str(root), "XDG_DATA_HOME": str(tmp_path / "xdg")}
    for args in (["serve"], []):
        out = subprocess.run([sys.executable, "-m", "bot", *args], cwd=tmp_path, env=clean,
                             capture_output=True, text=True, timeout=120)
        assert (out.returncode, out.stderr) == (
            2, "contractbot: TELEGRAM_BOT_TOKEN is not set\n"), args


def test_python_m_bot_runs_any_contractbot_command(tmp_path: Path) -> None:
    """`python -m bot index status` (or `ask …`, `index build …`) was taken for serve's
    arguments: `contractbot: unrecognized arguments: index status`, exit 2. A command of
    `contractbot` runs as `contractbot` runs it; anything else is still serve's."""
    import argparse
    import sys

    from bot.arguments import build_parser
    from bot.cli import COMMANDS

    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert set(COMMANDS) == set(sub.choices)  # every command, and only those
    root = Path(__file__).resolve().parent.parent
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CONTRACTBOT_", "TELEGRAM_"))}
    clean |= {"PYTHONPATH": str(root), "XDG_DATA_HOME": str(tmp_path / "xdg")}
    missing = tmp_path / "none"
    out = subprocess.run([sys.executable, "-m", "bot", "index", "status", "--index", str(missing)],
                         cwd=tmp_path, env=clean, capture_output=True, text=True, timeout=120)
    assert (out.returncode, out.stderr) == (
        1, f"contractbot: no index at {missing}; build one with: contractbot index build "
           f"SOURCES... --index {missing}\n")


def test_python_m_bot_help_lists_the_commands(tmp_path: Path) -> None:
    """`python -m bot --help` (and -h) showed serve's help (`usage: contractbot serve [-h]
    [--index DIR]`), which names no other command: it lists them, as `contractbot --help`
    does; serve's own options still go to serve."""
    import sys

    from bot.cli import COMMANDS

    root = Path(__file__).resolve().parent.parent
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CONTRACTBOT_", "TELEGRAM_"))}
    clean |= {"PYTHONPATH": str(root), "XDG_DATA_HOME": str(tmp_path / "xdg")}
    for flag in ("--help", "-h"):
        out = subprocess.run([sys.executable, "-m", "bot", flag], cwd=tmp_path, env=clean,
                             capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        assert out.stdout.startswith("usage: contractbot [-h] COMMAND"), out.stdout
        assert all(f"    {command} " in out.stdout for command in COMMANDS), out.stdout


def test_serve_refuses_a_webhook_port_another_program_holds(idx: Path, tmp_path: Path) -> None:
    """A second `contractbot serve` while the first runs (or another program on the port):
    python-telegram-bot registers the webhook first and listens after, so it said 'bot ready',
    then 'contractbot: Address already in use' with no port or setting, and had given Telegram
    a new secret on the way, which the running bot refused (403) for every update from then
    on. It is one line naming the address, port and setting, before any Bot API call."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with bot_api() as api:
            proc = run(tmp_path, "serve", "--index", str(idx), TELEGRAM_BOT_TOKEN=TOKEN,
                       TELEGRAM_BASE_URL=api.base_url, CONTRACTBOT_ALLOWED_CHATS="100",
                       TELEGRAM_WEBHOOK_URL="https://bot.example.org/hook",
                       TELEGRAM_WEBHOOK_PORT=str(port))
    assert (proc.returncode, proc.stderr) == (1, (
        f"contractbot: cannot listen on 127.0.0.1:{port} for the webhook: another program "
        "listens there (the bot already running?); stop it, or set TELEGRAM_WEBHOOK_PORT to a "
        "free port and point the TLS proxy at it\n"))
    assert not api.webhook and not api.calls  # the running bot's secret is left alone


def test_serve_names_a_webhook_address_that_is_not_this_machines(idx: Path,
                                                                 tmp_path: Path) -> None:
    """TELEGRAM_WEBHOOK_LISTEN set to another machine's address (the proxy's, say) ended in
    'contractbot: Cannot assign requested address', exit 1, after the start-up line said the
    server listened there. It is a setting that cannot be used: one line naming it, exit 2."""
    with bot_api() as api:
        proc = run(tmp_path, "serve", "--index", str(idx), TELEGRAM_BOT_TOKEN=TOKEN,
                   TELEGRAM_BASE_URL=api.base_url, CONTRACTBOT_ALLOWED_CHATS="100",
                   TELEGRAM_WEBHOOK_URL="https://bot.example.org/hook",
                   TELEGRAM_WEBHOOK_LISTEN="192.0.2.1", TELEGRAM_WEBHOOK_PORT=str(_closed_port()))
    assert (proc.returncode, proc.stderr) == (2, (
        "contractbot: TELEGRAM_WEBHOOK_LISTEN: '192.0.2.1' is not an address of this machine; "
        "127.0.0.1 (the default: a TLS proxy on this machine) or 0.0.0.0 (every interface)\n"))
    assert not api.calls


def test_a_webhook_address_that_does_not_resolve_names_the_setting(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A typo in TELEGRAM_WEBHOOK_LISTEN (127.0.0.300) ended in 'contractbot: Name or service
    not known'. (The resolver is told the name does not exist: no look-up leaves the test.)"""
    from bot.settings import SettingsError
    from bot.webhook import check_listening

    def unknown(*args: object, **kwargs: object) -> None:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", unknown)
    with pytest.raises(SettingsError) as err:
        check_listening({"listen": "127.0.0.300", "port": 8443})
    assert str(err.value) == (
        "TELEGRAM_WEBHOOK_LISTEN: '127.0.0.300' is not an address of this machine (Name or "
        "service not known); 127.0.0.1 (the default: a TLS proxy on this machine) or 0.0.0.0 "
        "(every interface)")


def test_serve_with_a_webhook_url_telegram_refuses(idx: Path, tmp_path: Path) -> None:
    """A host in TELEGRAM_WEBHOOK_URL that Telegram cannot resolve (a typo) or reach: setWebhook
    is refused, and the start ended in the library's traceback and 'cannot reach the Bot API
    at …: Bad webhook: …', exit 1, though the Bot API was reached. It is one line naming the
    setting and Telegram's reason, exit 2, as a token Telegram rejects."""
    with bot_api() as api:
        api.fail["setWebhook"] = (400, "Bad Request: bad webhook: Failed to resolve host: "
                                       "Name or service not known")
        proc = run(tmp_path, "serve", "--index", str(idx), TELEGRAM_BOT_TOKEN=TOKEN,
                   TELEGRAM_BASE_URL=api.base_url, CONTRACTBOT_ALLOWED_CHATS="100",
                   TELEGRAM_WEBHOOK_URL="https://bot.exmaple.org/hook",
                   TELEGRAM_WEBHOOK_PORT=str(_closed_port()))
    assert proc.returncode == 2, proc.stderr
    assert last_line(proc) == ("contractbot: TELEGRAM_WEBHOOK_URL: Telegram refused "
                               "https://bot.exmaple.org/hook: Bad webhook: failed to resolve "
                               "host: name or service not known")
    assert "Traceback" not in proc.stderr and "ERROR" not in proc.stderr, proc.stderr
    assert "SECRET" not in proc.stderr + proc.stdout


def test_a_failed_fetch_of_updates_is_one_line(idx: Path, tmp_path: Path) -> None:
    """Telegram answering getUpdates with 502 Bad Gateway for a while (it happens): the log said
    `error while handling NoneType` with a traceback at each retry. It is one warning line a
    retry, and the bot runs on."""
    with bot_api() as api:
        api.fail["getUpdates"] = (502, "Bad Gateway")
        proc = _serve(api, idx, tmp_path, CONTRACTBOT_ALLOWED_CHATS="100")
        deadline = time.monotonic() + 120
        _lines_until_ready(proc, deadline)
        while len(api.sent("getUpdates")) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        del api.fail["getUpdates"]
        time.sleep(0.5)
        proc.send_signal(signal.SIGTERM)
        rest = proc.communicate(timeout=60)[1]
    assert proc.returncode == 0, rest
    assert "Traceback" not in rest and "NoneType" not in rest and "ERROR" not in rest, rest
    assert "WARNING bot.replies: fetching updates failed (Bad Gateway); retrying" in rest, rest


def test_another_program_polling_with_the_token_is_one_line(idx: Path, tmp_path: Path) -> None:
    """`contractbot serve` left running in a terminal when the service starts: Telegram refuses
    each one's getUpdates in turn (409 Conflict) and gives each update to one of them. The log
    said `error while handling NoneType` with a traceback about once a second, and another at
    the stop. It is one line that says what to do, no traceback."""
    with bot_api() as api:
        api.fail["getUpdates"] = (409, "Conflict: terminated by other getUpdates request; "
                                       "make sure that only one bot instance is running")
        proc = _serve(api, idx, tmp_path, CONTRACTBOT_ALLOWED_CHATS="100")
        deadline = time.monotonic() + 120
        _lines_until_ready(proc, deadline)
        while len(api.sent("getUpdates")) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)  # refused, retried
        proc.send_signal(signal.SIGTERM)
        rest = proc.communicate(timeout=60)[1]
    assert proc.returncode == 0, rest
    assert "Traceback" not in rest and "NoneType" not in rest, rest
    said = [line for line in rest.splitlines() if "ERROR" in line]
    assert len(said) == 1 and said[0].endswith(
        "ERROR bot.replies: another program fetches this bot's updates with the same token (a "
        "second `contractbot serve`, or a webhook set elsewhere): Telegram gives each update to "
        "one of them only, so this bot misses some; stop the other one (said again every 10 "
        "minutes while it lasts)"), rest


def test_serve_names_an_upload_folder_that_is_a_file(idx: Path, tmp_path: Path) -> None:
    """CONTRACTBOT_SOURCES_DIR naming a file (a typo, a path of the wrong setting): the bot
    started, and an admin's first upload got 处理时出错了 with FileExistsError in the log. It
    is one line naming the setting, exit 2, before the bot starts."""
    (tmp_path / "contracts.txt").write_text("x", "utf-8")
    proc = run(tmp_path, "serve", "--index", str(idx), TELEGRAM_BOT_TOKEN=TOKEN,
               TELEGRAM_BASE_URL=f"http://127.0.0.1:{_closed_port()}/bot",
               CONTRACTBOT_ALLOWED_CHATS="100",
               CONTRACTBOT_SOURCES_DIR=str(tmp_path / "contracts.txt"))
    assert (proc.returncode, proc.stderr) == (2, (
        f"contractbot: CONTRACTBOT_SOURCES_DIR {tmp_path / 'contracts.txt'} is a file, not a "
        "folder: give the folder the bot keeps uploaded contracts in\n"))
