"""SIGTERM stops `contractbot serve` within seconds even while a /reindex build is reading a
source that would take forever, and the build's worker processes end with it."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

from bot_helpers import message
from botapi_server import FakeBotApi
from index_corpus import FAST_ENCODER

from bot.settings import SAMPLES_DIR
from index import build_from_sources

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:STOP-token"
ADMIN = 100


def _descendants(pid: int) -> set[int]:
    """Processes below ``pid`` (children, their children ...), from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            ppid = next(int(line.split()[1]) for line in status.splitlines()
                        if line.startswith("PPid:"))
            parents[int(entry.name)] = ppid
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {p for p, pp in parents.items() if pp in frontier} - found
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "State:\tZ" not in state


async def test_sigterm_stops_serve_during_a_build(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    text = (SAMPLES_DIR / "在线客服系统升级服务合同.txt").read_text("utf-8")
    (src / "contract.txt").write_text(text, "utf-8")
    idx = tmp_path / "idx"
    build_from_sources([src], idx, FAST_ENCODER, progress=False)
    (src / "endless.txt").write_text(text.replace("乙方", "乙方" + "x" * 40, 1), "utf-8")
    rules = tmp_path / "rules.txt"
    rules.write_text("re:(x+x+)+y => z\n", "utf-8")  # backtracks for ever on endless.txt
    api = FakeBotApi(token=TOKEN)
    await api.start()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONTRACTBOT_", "TELEGRAM_"))}
    env.update(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=api.base_url,
               TELEGRAM_BASE_FILE_URL=api.base_file_url, CONTRACTBOT_INDEX_DIR=str(idx),
               CONTRACTBOT_SOURCES_DIR=str(tmp_path / "uploads"),
               CONTRACTBOT_EMBED_MODEL=FAST_ENCODER, CONTRACTBOT_RULES_FILE=str(rules),
               CONTRACTBOT_READ_TIMEOUT="0", CONTRACTBOT_ALLOWED_CHATS=str(ADMIN),
               CONTRACTBOT_ADMINS=str(ADMIN), CONTRACTBOT_LOG_LEVEL="WARNING")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "serve", env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    try:
        api.push("message", message(ADMIN, "/ask 乙方响应时间是多少", message_id=1))
        await api.wait_for("sendMessage", 1, timeout=90)  # up and answering
        api.push("message", message(ADMIN, "/reindex", message_id=2))
        deadline = time.monotonic() + 60
        workers: set[int] = set()
        while len(workers) < 2 and time.monotonic() < deadline:  # a forkserver and a worker
            await asyncio.sleep(0.2)
            workers = _descendants(proc.pid)
        assert len(workers) >= 2, "the build's workers never started"
        await asyncio.sleep(1.0)  # the worker is stuck in the endless source now
        start = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(proc.communicate(), 30)
        took = time.monotonic() - start
    finally:
        if proc.returncode is None:
            proc.kill()
        await api.stop()
    assert took < 10, f"serve took {took:.1f} s to stop"
    assert "Traceback" not in err.decode("utf-8", "replace")
    time.sleep(0.5)
    assert [p for p in workers if _alive(p)] == []
