"""The shared contracts (../shared) parsed once per session, for the tests that read their
clause trees (test_parse_shared.py) and the question files' gold ids (test_eval_files.py)."""

from __future__ import annotations

import functools
from pathlib import Path

from index.models import Clause, Contract
from index.parse import parse_contract

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
SAMPLES = sorted((SHARED / "contracts").glob("*.txt"))
REAL = sorted(p for p in (SHARED / "contracts-real").iterdir() if p.name != "SOURCES.md")
ALL = SAMPLES + REAL



@functools.cache
def parse_file(path: Path) -> Contract:
    """The parsed contract of ``path``, parsed once per session."""
    return parse_contract(path)


def parsed(name: str) -> Contract:
    """The parsed contract of a file in contracts/ (by stem) or contracts-real/ (by name)."""
    sample = SHARED / "contracts" / f"{name}.txt"
    return parse_file(sample if sample.exists() else SHARED / "contracts-real" / name)


def ids(contract: Contract) -> dict[str, Clause]:
    return {c.clause: c for c in contract.clauses}


def children(contract: Contract, parent: str) -> list[str]:
    return [c.clause for c in contract.clauses if c.parent == parent]
