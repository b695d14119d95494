"""Uploads put in place together: read uploads wait in one queue, and the first to get the
move lock puts every waiting one in place and indexes them with one rebuild (``placing``).

Before it starts, it waits for the uploads still being received (downloaded and read) to join
the queue, so that files sent together (several documents at once, an album of files) share
one rebuild instead of one each; the wait is bounded, so that a slow scan never holds the
others for long, and it is made without the move lock, so that it never holds up an undo. An
upload whose file is already on its way in (the same bytes under the same name, sent twice
quickly) is told so instead of asking to replace itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import filecmp
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from index import BuildReport, ContractbotError

from .uploads import Replacement

GATHER_WAIT = 30.0  # seconds the first read upload waits at most for those still being read


@dataclass(eq=False)
class Placement:
    """A read upload to put in place (at ``target``), and what became of it: ``said`` (a text
    of ``texts``: its name was taken, or it is already on its way in), or ``done`` with the
    build's ``report`` or ``error``, and ``failure`` when the build could not index it
    (``done`` then tells whether what it replaced is back), or the ``crash`` of its batch."""

    staged: Path
    target: Path
    confirmed: bool = False
    placed: bool = False  # put in place (or refused) by a batch
    kept: bool = False  # its bytes were in place already (``saved_unindexed``): never taken back
    said: str | None = None
    done: Replacement | None = None
    report: BuildReport | None = None
    error: ContractbotError | None = None
    failure: str | None = None
    crash: Exception | None = None  # what stopped its batch unexpectedly


class Placements:
    """The read uploads waiting to be put in place, those in a batch being indexed, and how
    many are still being received."""

    def __init__(self) -> None:
        self.waiting: list[Placement] = []
        self.adding: list[Placement] = []  # in place (or about to be), their build not done
        self._receiving = 0
        self._received = asyncio.Event()
        self._received.set()

    @contextlib.contextmanager
    def receiving(self) -> Iterator[None]:
        """While an upload is downloaded and read: a batch waits for it to join."""
        self._receiving += 1
        self._received.clear()
        try:
            yield
        finally:
            self._receiving -= 1
            if not self._receiving:
                self._received.set()

    async def gather(self, deadline: float) -> None:
        """Wait until no upload is being received any more, or until ``deadline`` (the
        loop's clock). A batch waits so without the move lock: an undo (or the batch before)
        is not held up by files that are only being downloaded and read."""
        wait = deadline - asyncio.get_running_loop().time()
        with contextlib.suppress(asyncio.TimeoutError):  # (not TimeoutError before 3.11)
            await asyncio.wait_for(self._received.wait(), max(wait, 0.0))

    def gathering(self, deadline: float) -> bool:
        """Whether a batch should still wait (``gather``): an upload is being received and
        ``deadline`` has not passed."""
        return bool(self._receiving) and asyncio.get_running_loop().time() < deadline

    def take(self) -> list[Placement]:
        """Every waiting upload, taken from the queue: a batch."""
        batch, self.waiting = self.waiting, []
        return batch

    async def on_its_way(self, staged: Path, target: Path) -> bool:
        """Whether an upload of ``target``'s name with the bytes of ``staged`` is being put in
        place or indexed now (the same file sent twice quickly): its staged file, or the file
        it put in place."""
        held = [other.target if other.done else other.staged
                for other in (*self.adding, *self.waiting)
                if other.target == target and other.staged != staged]
        return bool(held) and await asyncio.to_thread(_any_same, held, staged)


def _any_same(files: list[Path], staged: Path) -> bool:
    """Whether one of ``files`` holds the bytes of ``staged`` (one moved meanwhile does not)."""
    for held in files:
        with contextlib.suppress(OSError):
            if filecmp.cmp(held, staged, shallow=False):
                return True
    return False
