"""Index rebuilds in the bot: one running, at most one queued behind it.

A request made while a build runs cannot use that build (it may have read the sources before
the request's change), so it waits for the next one; every request made before that next build
starts shares it. A burst of /reindex therefore costs one running build and one queued, and
each chat is told each result once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from index import BuildReport

Run = Callable[[], Awaitable[BuildReport]]


@dataclass(eq=False)
class PendingBuild:
    """A build that has not started yet, and the chats that will be told its result."""

    future: asyncio.Future[BuildReport]
    chats: set[int] = field(default_factory=set)

    def claim(self, chat_id: int) -> bool:
        """True the first time ``chat_id`` asks for this build: that request replies."""
        if chat_id in self.chats:
            return False
        self.chats.add(chat_id)
        return True

    async def result(self) -> BuildReport:
        """The build's report (its error raised), without cancelling it for the others."""
        return await asyncio.shield(self.future)


class Rebuilds:
    """Serialises the bot's builds: one running, at most one queued."""

    def __init__(self) -> None:
        self._lock = asyncio.Lock()
        self._queued: PendingBuild | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def running(self) -> bool:
        """Whether a build is running now."""
        return self._lock.locked()

    def request(self, run: Run) -> tuple[PendingBuild, bool]:
        """The next build to start (made with ``run`` unless one is queued already), and
        whether it waits behind a running build."""
        behind = self.running
        if self._queued is None:
            pending = PendingBuild(asyncio.get_running_loop().create_future())
            pending.future.add_done_callback(_retrieve)
            self._queued = pending
            task = asyncio.create_task(self._start(pending, run), name="contractbot-rebuild")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return self._queued, behind

    async def _start(self, pending: PendingBuild, run: Run) -> None:
        async with self._lock:
            if self._queued is pending:
                self._queued = None  # from now on, requests need a later build
            try:
                pending.future.set_result(await run())
            except BaseException as err:  # handed to every waiter
                pending.future.set_exception(err)
                if not isinstance(err, Exception):
                    raise


def _retrieve(future: asyncio.Future[BuildReport]) -> None:
    """Mark a failed build's error as seen (its waiters may all be gone)."""
    if not future.cancelled():
        future.exception()
