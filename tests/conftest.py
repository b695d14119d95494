"""Shared fixtures: where ../shared lives, and a per-test data dir."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# The tests build their indexes with the fast encoder (index_corpus.FAST_ENCODER); the CLI and
# the bot, run in this process or as subprocesses, read it from here unless a test sets its own
# environment (tests/test_e5.py runs the default encoder on purpose).
os.environ.setdefault("CONTRACTBOT_EMBED_MODEL", "use-multilingual")

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SAMPLES = ROOT / "samples"


@pytest.fixture(scope="session")
def shared() -> Path:
    """The read-only ../shared folder; tests that need it skip nothing: it must be there."""
    assert SHARED.is_dir(), f"../shared not found at {SHARED}"
    return SHARED


@pytest.fixture(scope="session")
def samples() -> Path:
    """The project's own sample contracts."""
    return SAMPLES
