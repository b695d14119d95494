"""The thesaurus: contract vocabulary a question's words expand to (data/thesaurus.txt).

Groups ``a = b = c`` expand every member to the others; one-way lines ``a > b c`` expand only
``a``. Lines are normalised like questions, so Traditional entries work too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ..text import normalize_text


@dataclass(frozen=True)
class Thesaurus:
    """Term -> extra search terms."""

    entries: Mapping[str, tuple[str, ...]]

    @classmethod
    def load(cls, path: Path | None = None) -> Thesaurus:
        """Read the thesaurus (default: the one shipped in index/data/thesaurus.txt)."""
        if path is None:
            text = (resources.files("index") / "data" / "thesaurus.txt").read_text("utf-8")
        else:
            text = path.read_text("utf-8")
        return cls.parse(text)

    @classmethod
    def parse(cls, text: str) -> Thesaurus:
        """Parse thesaurus lines; later lines add to earlier ones."""
        out: dict[str, list[str]] = {}
        for raw in text.splitlines():
            line = normalize_text(raw.split("#", 1)[0])
            if not line:
                continue
            if ">" in line:
                key, _, rest = line.partition(">")
                targets = rest.split()
                keys = [key.strip()]
            else:
                terms = [t.strip() for t in line.split("=") if t.strip()]
                keys, targets = terms, terms
            for k in keys:
                bucket = out.setdefault(k, [])
                bucket.extend(t for t in targets if t != k and t not in bucket)
        return cls({k: tuple(v) for k, v in out.items()})

    def expand(self, text: str) -> list[str]:
        """Extra terms for a normalised question: targets of every key found in it, longest
        keys first; a key inside a longer matched key is not expanded again."""
        found: list[str] = []
        covered: list[tuple[int, int]] = []
        for key in sorted(self.entries, key=len, reverse=True):
            start = text.find(key)
            while start >= 0:
                end = start + len(key)
                if not any(s <= start and end <= e for s, e in covered):
                    covered.append((start, end))
                    found.extend(t for t in self.entries[key] if t not in found)
                    break
                start = text.find(key, start + 1)
        return [t for t in found if t not in text]
