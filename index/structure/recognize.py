"""Whether a text is a contract at all: a README or a word list in a contracts folder is not.

A contract is Chinese text with contract structure: numbered clauses, or a contract title with
its parties. Notes around a library (``SOURCES.md``, mostly English, numbers inside tables) and
word lists have neither, so they are reported instead of becoming contracts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..models import Clause
from ..text import HAN, HAN_COMPAT

MIN_CHINESE_SHARE = 0.6  # Chinese characters among Chinese characters and Latin words
MIN_CLAUSES = 2  # numbered clauses that make a contract on their own

_HAN = re.compile(f"[{HAN}{HAN_COMPAT}]")
_LATIN_WORD = re.compile(r"[A-Za-z]+")


def chinese_share(text: str) -> float:
    """Chinese characters / (Chinese characters + Latin words): 1.0 for a Chinese contract,
    about 0.5 for a bilingual one, well below for English notes that quote Chinese names."""
    han = len(_HAN.findall(text))
    words = len(_LATIN_WORD.findall(text))
    return han / (han + words) if han + words else 0.0


def looks_like_contract(text: str, clauses: Sequence[Clause], *, title: str | None,
                        parties: dict[str, str]) -> bool:
    """True when ``text`` reads as a contract: mostly Chinese, with numbered ``clauses`` (as
    the clause tree found them, before any paragraph fallback) or a title and parties."""
    if chinese_share(text) < MIN_CHINESE_SHARE:
        return False
    return len(clauses) >= MIN_CLAUSES or bool(title and parties)
