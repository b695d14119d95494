"""A per-user question rate: at most N questions a minute, then one polite reply and silence.

A sliding window per user (the times of their accepted questions in the last minute). Past the
limit the first refused question is answered with a polite line; further ones in the same
burst get nothing, so a flood does not become a flood of refusals.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from enum import Enum

WINDOW = 60.0  # seconds
MAX_USERS = 10_000  # windows kept; idle ones are dropped first when there are more


class Verdict(Enum):
    """What to do with a question."""

    ANSWER = "answer"
    REFUSE = "refuse"  # past the limit: say so once
    IGNORE = "ignore"  # past the limit and already told


class QuestionRate:
    """At most ``limit`` questions per user in ``window`` seconds; ``limit`` 0 is no limit."""

    def __init__(self, limit: int, *, window: float = WINDOW,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._times: dict[int, deque[float]] = {}
        self._told: dict[int, float] = {}  # user -> when they were last told to slow down

    def check(self, user_id: int | None) -> Verdict:
        """Count a question of ``user_id`` (None: not a user, never limited)."""
        if self.limit <= 0 or user_id is None:
            return Verdict.ANSWER
        now = self._clock()
        times = self._times.get(user_id)
        if times is None:
            self._forget_idle(now)
            times = self._times[user_id] = deque()
        while times and now - times[0] >= self.window:
            times.popleft()
        if len(times) < self.limit:
            times.append(now)
            self._told.pop(user_id, None)
            return Verdict.ANSWER
        if user_id in self._told and now - self._told[user_id] < self.window:
            return Verdict.IGNORE
        self._told[user_id] = now
        return Verdict.REFUSE

    def _forget_idle(self, now: float) -> None:
        """Drop the windows of users idle for a whole window when too many are kept."""
        if len(self._times) < MAX_USERS:
            return
        for user, times in list(self._times.items()):
            if not times or now - times[-1] >= self.window:
                del self._times[user]
                self._told.pop(user, None)
