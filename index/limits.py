"""Size limits on what we read, index and search: one place the README and messages point at;
and the machine's own limit, its cores.

A larger source is reported with its reason; a longer clause is split into cited parts
(``index.structure.split``); a longer question is refused.
"""

from __future__ import annotations

import os

MAX_BINARY_BYTES = 50 * 1024 * 1024  # PDF and DOCX
MAX_TEXT_BYTES = 10 * 1024 * 1024  # ~3.5 million characters: 100 times our longest text
MAX_PAGES = 500  # PDF pages
# The longest clause in the 24 sample and real contracts is ~2,800 characters; a Telegram
# message holds 4,096, so one part and its citation always fit in one message.
MAX_CLAUSE_CHARS = 3000
MAX_QUESTION = 500  # characters
# Worker processes a build may run, per core: each holds the encoder and reads a source (OCR:
# up to a GB), so past a few per core they only share the cores and exhaust memory.
WORKERS_PER_CORE = 4


def cores() -> int:
    """The cores this process may run on: what pools of workers and threads are sized by."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def max_workers() -> int:
    """The most worker processes a build may run on this machine (WORKERS_PER_CORE a core)."""
    return WORKERS_PER_CORE * cores()


def workers_bound() -> str:
    """``max_workers`` and why, for messages: ``8 (4 per core; this machine has 2)``."""
    return f"{max_workers()} ({WORKERS_PER_CORE} per core; this machine has {cores()})"
