"""A task whose module warms up for 2 s, once per worker process (as loading a tokenizer's
dictionary does on a busy machine)."""

from __future__ import annotations

import time

_WARM: list[bool] = []


def warm_up(_: object) -> None:
    """What every task of this module needs once per process."""
    if not _WARM:
        time.sleep(2)
        _WARM.append(True)


def warm_double(x: int) -> tuple[int, bool]:
    """A task that works at once: its result, and whether its module had warmed up."""
    return 2 * x, bool(_WARM)
