"""Spam-word repair rules: the shipped ``data/spam_rules.txt`` plus a user's own file.

Format, one rule a line: ``wrong => right`` (plain text) or ``re:pattern => replacement``
(a Python regex); blank lines and lines starting with ``#`` are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import RulesFileError

SHIPPED_RULES = Path(__file__).resolve().parent.parent / "data" / "spam_rules.txt"


@dataclass(frozen=True)
class Rule:
    """One repair: ``pattern`` (plain or regex) replaced by ``replacement``."""

    pattern: str
    replacement: str
    regex: bool = False

    def apply(self, text: str) -> str:
        """Apply this rule to ``text``."""
        if self.regex:
            return re.sub(self.pattern, self.replacement, text)
        return text.replace(self.pattern, self.replacement)


def parse_rules(lines: Sequence[str], origin: str = "rules") -> tuple[Rule, ...]:
    """Parse rule lines; a malformed line is a RulesFileError naming its line number."""
    rules: list[Rule] = []
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if "=>" not in line:
            raise RulesFileError(f"{origin} line {number}: expected 'wrong => right'")
        left, right = (part.strip() for part in line.split("=>", 1))
        regex = left.startswith("re:")
        if regex:
            left = left[3:].strip()
            try:
                re.compile(left)
            except re.error as err:
                raise RulesFileError(f"{origin} line {number}: bad pattern ({err})") from err
        if not left:
            raise RulesFileError(f"{origin} line {number}: empty pattern")
        rules.append(Rule(left, right, regex))
    # Plain rules longest first, so a long phrase wins over a word inside it.
    plain = sorted((r for r in rules if not r.regex), key=lambda r: -len(r.pattern))
    return tuple(plain + [r for r in rules if r.regex])


@lru_cache(maxsize=8)
def _read(path: Path) -> tuple[Rule, ...]:
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except OSError as err:
        raise RulesFileError(f"cannot read rules file {path}: {err.strerror}") from err
    return parse_rules(lines, origin=path.name)


def load_rules(extra: Path | None = None) -> tuple[Rule, ...]:
    """The shipped rules, then the user's own file (if given) applied after them."""
    rules = _read(SHIPPED_RULES)
    return rules + _read(Path(extra)) if extra else rules


def apply_rules(text: str, rules: Sequence[Rule]) -> str:
    """Apply every rule in order."""
    for rule in rules:
        text = rule.apply(text)
    return text
