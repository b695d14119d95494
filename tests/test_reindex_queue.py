"""/reindex during a build queues one more build instead of erroring; a burst costs one running
and one queued build, each chat hears each result once; /reindex is refused in chats that are
not allowed; no reply shows a server path."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from pathlib import Path

import pytest
import test_bot_e2e
from bot_helpers import message
from test_bot_e2e import ADMIN, GROUP, reply_id, running_bot

from bot import texts
from bot.rebuilds import Rebuilds
from index import BuildReport, IndexBusyError
from index.store import build_lock

STRANGER_GROUP = -777
ADMIN2 = 43


async def test_requests_during_a_build_share_one_queued_build() -> None:
    started, release = asyncio.Event(), asyncio.Event()
    runs: list[int] = []

    async def run() -> BuildReport:
        runs.append(len(runs) + 1)
        started.set()
        await release.wait()
        return BuildReport(index_dir=Path("."), generation=str(len(runs)), contracts=1, clauses=1)

    rebuilds = Rebuilds()
    first, behind = rebuilds.request(run)
    assert not behind
    await started.wait()
    queued = [rebuilds.request(run) for _ in range(100)]
    assert {id(p) for p, _ in queued} == {id(queued[0][0])} and all(b for _, b in queued)
    assert queued[0][0] is not first
    release.set()
    assert (await first.result()).generation == "1"
    assert (await queued[0][0].result()).generation == "2"
    assert runs == [1, 2]
    assert queued[0][0].claim(1) and not queued[0][0].claim(1) and queued[0][0].claim(2)


async def test_a_failed_build_reaches_every_waiter() -> None:
    async def run() -> BuildReport:
        raise IndexBusyError("another index build is running on /srv/secret/index")

    pending, _ = Rebuilds().request(run)
    with pytest.raises(IndexBusyError):
        await pending.result()


async def test_a_burst_of_reindex_gets_one_running_and_one_queued_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_build = test_bot_e2e.build
    building, finish, count = threading.Event(), threading.Event(), [0]

    def slow_build(sources: Sequence[Path], index_dir: Path, *,
                   replace: bool = False) -> BuildReport:
        count[0] += 1
        if count[0] > 1:  # not the index the test starts from
            building.set()
            finish.wait(30)
        return real_build(sources, index_dir, replace=replace)

    monkeypatch.setattr(test_bot_e2e, "build", slow_build)
    async with running_bot(tmp_path, admins=frozenset({ADMIN, ADMIN2})) as api:
        api.push("message", message(ADMIN, "/reindex", message_id=1))
        assert await asyncio.to_thread(building.wait, 30)
        for i in range(2, 102):
            api.push("message", message(ADMIN, "/reindex", message_id=i))
        api.push("message", message(ADMIN2, "/reindex", message_id=500))
        await api.wait_for("sendMessage", 2)  # one "queued" line for each admin
        finish.set()
        await api.wait_for("sendMessage", 5, timeout=60)
        await api.settled()  # every /reindex handled, its build awaited: nothing more comes
        sent = api.sent()
    assert count[0] == 1 + 2  # the starting index, the running build and one queued
    mine = [(reply_id(s), s["text"]) for s in sent if s["chat_id"] == ADMIN]
    other = [(reply_id(s), s["text"]) for s in sent if s["chat_id"] == ADMIN2]
    done = texts.REINDEX_OK.format(contracts=2, clauses=15)
    assert [t for _, t in mine].count(texts.REINDEX_QUEUED) == 1
    assert [t for _, t in mine].count(done) == 2 and len(mine) == 3
    assert mine[[t for _, t in mine].index(done)][0] == 1  # the first /reindex: its own result
    assert [t for _, t in other] == [texts.REINDEX_QUEUED, done]


async def test_reindex_is_refused_in_a_chat_that_is_not_allowed(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as api:
        api.push("message", message(STRANGER_GROUP, "/reindex", user_id=ADMIN, message_id=1))
        api.push("message", message(GROUP, "/reindex", user_id=7, message_id=2))
        sent = await api.wait_for("sendMessage", 2)
    replies = {reply_id(s): s["text"] for s in sent}
    assert str(STRANGER_GROUP) in replies[1] and "管理员" in replies[1]
    assert replies[2] == texts.ADMIN_ONLY


async def test_a_build_from_outside_the_bot_is_reported_without_paths(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as api:
        with build_lock(tmp_path / "index"):  # e.g. scripts/rebuild_index.py from cron
            api.push("message", message(ADMIN, "/reindex", message_id=1))
            [sent] = await api.wait_for("sendMessage", 1, timeout=30)
    assert sent["text"] == texts.INDEX_BUSY
    assert str(tmp_path) not in sent["text"] and "/" not in sent["text"].replace("/reindex", "")
