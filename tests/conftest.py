"""Shared fixtures: where ../shared lives, the tests' own data folder (XDG_DATA_HOME), and a
count of OCR page reads."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.settings import SAMPLES_DIR

# The tests build their indexes with the fast encoder (index_corpus.FAST_ENCODER); the CLI and
# the bot, run in this process or as subprocesses, read it from here unless a test sets its own
# environment (tests/test_e5.py runs the default encoder on purpose).
os.environ.setdefault("CONTRACTBOT_EMBED_MODEL", "use-multilingual")

# The command-line trap tests' fixtures (library, idx, lib), shared by two modules.
pytest_plugins = ("cli_traps",)

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SAMPLES = SAMPLES_DIR


@pytest.fixture(scope="session", autouse=True)
def data_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The tests' own XDG_DATA_HOME, for a command run in this process without an index of its
    own (``parse`` keeps what OCR read in the default index's cache): not the user's
    ~/.local/share, where a later run read what an earlier one's OCR had read (a change in how
    pages are read went unseen, and a fresh clone's run, as CI's, was slower)."""
    home = tmp_path_factory.mktemp("xdg-data")
    was = os.environ.get("XDG_DATA_HOME")
    os.environ["XDG_DATA_HOME"] = str(home)
    yield home
    if was is None:
        os.environ.pop("XDG_DATA_HOME", None)
    else:
        os.environ["XDG_DATA_HOME"] = was


@pytest.fixture(scope="session")
def shared() -> Path:
    """The read-only ../shared folder; tests that need it skip nothing: it must be there."""
    assert SHARED.is_dir(), f"../shared not found at {SHARED}"
    return SHARED


@pytest.fixture(scope="session")
def samples() -> Path:
    """The project's own sample contracts."""
    return SAMPLES


@pytest.fixture()
def ocr_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the pages the OCR engine really reads in this process (the real engine still
    reads them)."""
    import index.ingest.scans as scans_module

    calls: list[int] = []
    real = scans_module.read_page

    def counting(image: Any, **options: Any) -> Any:
        calls.append(1)
        return real(image, **options)

    monkeypatch.setattr(scans_module, "read_page", counting)
    return calls
