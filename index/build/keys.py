"""Contract keys: a contract's key is its file's stem, unique across the index, so that one
collection's ``合同.pdf`` does not stop another collection's.

The rule, stable from build to build:

- a file indexed before keeps the key it had (saved ``/use`` scopes, ``--contract`` and the
  question log keep naming it);
- a new file gets its stem, or ``collection/stem`` when another collection's file already has
  the stem (or comes first in this build);
- two files of one collection with the same stem (``x.docx`` beside ``x.txt``) cannot both be
  indexed: the one indexed before (else the first) keeps the name, the other is refused.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..models import key_stem, qualified_key


@dataclass(frozen=True)
class Named:
    """One source to key: where it lies (resolved), its collection and its file stem."""

    source: str
    collection: str
    stem: str


def assign_keys(sources: Sequence[Named], before: Mapping[str, str]) -> list[str | None]:
    """The key of each of ``sources``, in order (None: its collection already has a file of
    that stem); ``before`` maps a source indexed before to its key then."""
    keys: list[str | None] = [None] * len(sources)
    taken: set[str] = set()
    names: set[tuple[str, str]] = set()  # (collection, stem) given a key
    for i, s in enumerate(sources):  # the files indexed before keep their keys
        old = before.get(s.source)
        if old is not None and key_stem(old) == s.stem and old not in taken \
                and (s.collection, s.stem) not in names:
            keys[i] = old
            taken.add(old)
            names.add((s.collection, s.stem))
    for i, s in enumerate(sources):
        if keys[i] is not None or (s.collection, s.stem) in names:
            continue
        for key in (s.stem, qualified_key(s.collection, s.stem)):
            if key not in taken:
                keys[i] = key
                taken.add(key)
                names.add((s.collection, s.stem))
                break
    return keys
