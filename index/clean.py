"""Raw contract text -> the contract body, without site boilerplate, pinyin or spam words.

OWNER: cleaning. Keeps form feeds (page breaks) in place.
"""

from __future__ import annotations


def clean_text(text: str) -> str:
    """Return the contract body of ``text`` cleaned for parsing."""
    raise NotImplementedError
