#!/usr/bin/env python3
"""Many chats asking at once: the real bot against a loopback Telegram Bot API server.

    scripts/loadtest.py [--chats 200] [--index DIR] [--no-rate-limit] [--json]

Every chat asks one question at the same moment (private chats, and every fifth chat a group
using /ask). Each chat must receive exactly the messages that a lone asker of the same question
receives: nothing missing, nothing twice, nothing from another chat's answer. Latency is from the
moment the question is queued to the moment the last message of its answer reaches the server.
Exit status 0 when every chat got its answer exactly once, 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bot.settings import SAMPLES_DIR

ROOT = Path(__file__).resolve().parent.parent
for extra in (ROOT, ROOT / "tests"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from botapi_server import FakeBotApi, running  # noqa: E402  (tests/: the loopback Bot API)

QUESTIONS = (
    "乙方响应时间是多少",
    "违约金怎么计算",
    "合同的有效期是多久",
    "甲方的付款方式是什么",
    "维护费用如何支付",
    "保密义务有哪些",
    "系统升级包括哪些内容",
    "合同可以提前解除吗",
    "維護服務的範圍包括哪些",
    "乙方遲延履行怎麼處理",
)
GROUP_EVERY = 5  # every fifth chat is a group asking with /ask


class TimedBotApi(FakeBotApi):
    """FakeBotApi that also notes when each sendMessage arrived."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived: list[tuple[float, dict[str, Any]]] = []

    async def _result(self, api: str, p: dict[str, Any]) -> Any:
        if api == "sendMessage":
            self.arrived.append((time.monotonic(), p))
        return await super()._result(api, p)


@dataclass(frozen=True)
class LoadResult:
    """What a load run measured; ``ok`` when every chat got its answer exactly once."""

    chats: int
    answered: int
    missing: int
    duplicated: int
    wrong: int
    p50_ms: float
    p95_ms: float
    max_ms: float
    wall_s: float
    rate_limit: bool
    problems: list[str] = field(default_factory=list)
    chat_actions: int = 0  # "typing…" actions sent while the 200 chats were answered

    @property
    def ok(self) -> bool:
        return self.answered == self.chats and not (self.missing or self.duplicated or self.wrong)

    def table(self) -> str:
        rows = [("chats", self.chats), ("answered", self.answered), ("missing", self.missing),
                ("answered twice", self.duplicated), ("wrong answer", self.wrong),
                ("p50 latency", f"{self.p50_ms:.0f} ms"), ("p95 latency", f"{self.p95_ms:.0f} ms"),
                ("max latency", f"{self.max_ms:.0f} ms"), ("wall time", f"{self.wall_s:.1f} s"),
                ("throughput", f"{self.answered / self.wall_s:.1f} answers/s"),
                ("typing actions", self.chat_actions),
                ("rate limiter", "on" if self.rate_limit else "off")]
        return "\n".join(f"{k:<16}{v}" for k, v in rows)


def _chat(i: int) -> tuple[int, str, str]:
    """Chat id, chat type and text of chat number ``i`` (0-based)."""
    question = QUESTIONS[i % len(QUESTIONS)]
    if i % GROUP_EVERY == GROUP_EVERY - 1:
        return -(10_000 + i), "supergroup", f"/ask {question}"
    return 10_000 + i, "private", question


def _message(chat_id: int, kind: str, text: str, message_id: int) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "message_id": message_id, "date": int(time.time()), "text": text,
        "chat": {"id": chat_id, "type": kind},
        "from": {"id": abs(chat_id), "is_bot": False, "first_name": "U"},
    }
    if text.startswith("/"):
        payload["entities"] = [{"type": "bot_command", "offset": 0,
                                "length": len(text.split()[0])}]
    return payload


def _answers(api: TimedBotApi, chat_id: int) -> list[tuple[float, str]]:
    return [(t, p["text"]) for t, p in api.arrived if int(p["chat_id"]) == chat_id]


async def _settle(api: TimedBotApi, want: int, timeout: float, quiet: float = 1.0) -> None:
    """Wait until ``want`` messages arrived and then nothing more for ``quiet`` seconds."""
    deadline = time.monotonic() + timeout
    seen, quiet_since = -1, time.monotonic()
    while time.monotonic() < deadline:
        n = len(api.arrived)
        if n != seen:
            seen, quiet_since = n, time.monotonic()
        elif n >= want and time.monotonic() - quiet_since > quiet:
            return
        await asyncio.sleep(0.02)


async def run_load(index_dir: Path, chats: int = 200, rate_limit: bool = True,
                   timeout: float = 300.0) -> LoadResult:
    """Start the bot over ``index_dir``, ask with ``chats`` chats at once, check every answer."""
    from bot.app import build_application
    from bot.settings import Settings
    from index import Searcher

    api = TimedBotApi()
    await api.start()
    ids = [_chat(i)[0] for i in range(chats)]
    reference = {i: -(1 + i) if kind == "supergroup" else 1 + i
                 for i, (_, kind, _) in enumerate(_chat(i) for i in range(len(QUESTIONS) * 2))}
    settings = Settings(
        index_dir=index_dir, sources_dir=index_dir / "sources", telegram_token="1:LOAD",
        telegram_base_url=api.base_url, telegram_base_file_url=api.base_file_url,
        allowed_chats=frozenset(ids) | frozenset(reference.values()),
    )
    searcher = await asyncio.to_thread(Searcher.open, index_dir, settings.embed_model)
    await asyncio.to_thread(searcher.warm_up)
    app = build_application(settings, searcher=searcher, rate_limit=rate_limit)
    try:
        async with running(app):
            # What a lone asker gets, per question and chat type: the expected answers.
            for i, ref_id in reference.items():
                _, kind, text = _chat(i)
                api.push("message", _message(ref_id, kind, text, 1))
                await _settle(api, len(api.arrived) + 1, 30, quiet=0.2)
            expected = {_chat(i)[1:]: [t for _, t in _answers(api, ref_id)]
                        for i, ref_id in reference.items()}
            start = time.monotonic()
            actions_before = len(api.sent("sendChatAction"))
            for i in range(chats):
                chat_id, kind, text = _chat(i)
                api.push("message", _message(chat_id, kind, text, 1))
            want = len(api.arrived) + sum(len(expected[_chat(i)[1:]]) for i in range(chats))
            await _settle(api, want, timeout)
            wall = time.monotonic() - start
            actions = len(api.sent("sendChatAction")) - actions_before
    finally:
        await api.stop()

    latencies, problems = [], []
    answered = missing = duplicated = wrong = 0
    for i in range(chats):
        chat_id, kind, text = _chat(i)
        got = _answers(api, chat_id)
        want_texts = expected[(kind, text)]
        texts = [t for _, t in got]
        if not got:
            missing += 1
            problems.append(f"chat {chat_id}: no answer to {text}")
            continue
        answered += 1
        if texts == want_texts:
            latencies.append((got[-1][0] - start) * 1000)
        elif len(texts) > len(want_texts) and texts[: len(want_texts)] == want_texts:
            duplicated += 1
            problems.append(f"chat {chat_id}: {len(texts)} messages, expected {len(want_texts)}")
        else:
            wrong += 1
            problems.append(f"chat {chat_id}: answer differs from a lone asker's for {text}")
    lat = sorted(latencies) or [0.0]
    return LoadResult(
        chats=chats, answered=answered, missing=missing, duplicated=duplicated, wrong=wrong,
        p50_ms=statistics.median(lat), p95_ms=lat[min(len(lat) - 1, int(0.95 * len(lat)))],
        max_ms=lat[-1], wall_s=wall, rate_limit=rate_limit, problems=problems[:20],
        chat_actions=actions,
    )


def sample_index(folder: Path) -> Path:
    """An index of bot/samples/ under ``folder`` (default encoder)."""
    from index import DEFAULT_ENCODER, build_from_sources

    index_dir = folder / "index"
    build_from_sources([SAMPLES_DIR], index_dir, DEFAULT_ENCODER, progress=False)
    return index_dir


def main(argv: Sequence[str] | None = None) -> int:
    """Run one load test and print its table (or JSON)."""
    ap = argparse.ArgumentParser(description="Many chats asking the bot at once.")
    ap.add_argument("--chats", type=int, default=200)
    ap.add_argument("--index", type=Path, default=None, help="index dir (default: bot/samples/)")
    ap.add_argument("--no-rate-limit", action="store_true",
                    help="without AIORateLimiter (Telegram's 30 messages/s)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        index_dir = args.index or sample_index(Path(tmp))
        result = asyncio.run(run_load(index_dir, args.chats, not args.no_rate_limit))
    if args.json:
        print(json.dumps({**asdict(result), "ok": result.ok}, ensure_ascii=False))
    else:
        print(result.table())
        for line in result.problems:
            print(line, file=sys.stderr)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
