"""One contract file -> Contract: extract, clean, split into clauses, find title and parties."""

from __future__ import annotations

from pathlib import Path

from .models import Contract


def parse_contract(path: Path, rules_file: Path | None = None) -> Contract:
    """Parse a contract source file into its clause tree."""
    raise NotImplementedError


def format_tree(contract: Contract) -> str:
    """The clause tree as indented readable text (``contractbot parse`` without --json)."""
    raise NotImplementedError
