"""Questions being answered now: an edit made while the first answer is still on its way
replaces that answer instead of adding a second one under the question."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

Question = tuple[int, int]  # chat id, message id


class Answering:
    """The questions being answered now, so that an edit made while the first answer is still
    on its way replaces it, not adds a second one: each answer to a question takes its turn,
    and an answer that a newer edit has overtaken is not sent at all."""

    def __init__(self) -> None:
        self._numbers = itertools.count(1)
        self._latest: dict[Question, int] = {}
        self._locks: dict[Question, asyncio.Lock] = {}

    def begin(self, question: Question) -> int:
        """A number for a new answer to ``question`` (its text as last sent or edited)."""
        number = next(self._numbers)
        self._latest[question] = number
        return number

    @asynccontextmanager
    async def turn(self, question: Question, number: int) -> AsyncIterator[bool]:
        """Wait for the answers to ``question`` begun before to be sent; True when answer
        ``number`` is still the newest (send it), False when an edit overtook it."""
        lock = self._locks.setdefault(question, asyncio.Lock())
        try:
            async with lock:
                yield self._latest.get(question) == number
        finally:
            self.end(question, number)

    def end(self, question: Question, number: int) -> None:
        """Forget ``question`` once answer ``number``, its newest, is done with (sent, or not
        to be sent: a refusal past the question rate, an error)."""
        lock = self._locks.get(question)
        if self._latest.get(question) == number and (lock is None or not lock.locked()):
            self._latest.pop(question, None)  # nothing else is pending
            self._locks.pop(question, None)
