"""TEMPORARY scaffolding until index.parse works end to end (extract/clean are still stubs):
extraction and the real clause splitter, with a crude pinyin strip instead of cleaning. Used only by evaluate.py
--quick-split; not library code.
"""

from __future__ import annotations

import re
from pathlib import Path

from index.clauses import split_clauses
from index.models import Contract
from index.parties import find_parties, find_title


def quick_parse(path: Path) -> Contract:
    from index.extract import extract_document

    document = extract_document(path)
    text = document.text
    text = re.sub(r"\([a-zü\u00e0-\u01dc]{1,8}\)", "", text)
    return Contract(key=path.stem, title=find_title(text, default=path.stem),
                    parties=find_parties(text), clauses=tuple(split_clauses(text, path.stem, document.first_page)),
                    source=str(path))
