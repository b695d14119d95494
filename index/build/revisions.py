"""Two files of one collection that look like two versions of one contract: a new version
saved beside the old (``合同_v2.docx`` beside ``合同.docx``, ``合同(1).pdf``, ``合同-修订版.docx``),
a PDF beside its Word original. Both are indexed and both answer, so a question gets two
near-identical citations, or the old clause first: the build names each such pair (when it
first appears) and ``index status`` lists them. A report only: nothing here changes what is
indexed or how clauses rank.

The rule: in one collection, either most clause texts of the shorter contract (half or more of
its distinct texts of ten characters or more, and three at least) are word for word the
other's, or one file's name is the other's with a version marker. A text that more than
``_COMMON`` contracts of the collection hold is boilerplate, not a sign of a version (and
keeps the count of pairs linear in the library's size).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from ..store import Revision, clause_texts
from ..text import normalize_text
from .plan import Parsed, Reused

_MIN_TEXT = 10  # characters: shorter texts (甲方（盖章）：) say nothing of a version
_MIN_SAME = 3
_COMMON = 10
_SEP = r"[\s_\-－—.·]*"
_WORDS = ("final|最终版|最终稿|终版|定稿|修订版|修订稿|修改版|修改稿|新版|旧版|草稿|draft|副本|"
          "copy|更新版")
# a version marker at the end of a file's stem (case-insensitive)
_MARKER = re.compile(
    rf"{_SEP}(?:[（(\[【]\s*(?:\d{{1,2}}|{_WORDS}|v\d+(?:\.\d+)*|第?[一二三四五六七八九十\d]+版)"
    rf"\s*[)）\]】]|v(?:er)?\s*\d+(?:\.\d+)*|版本\s*\d+|第?[一二三四五六七八九十\d]+版|{_WORDS}"
    rf"|(?:19|20)\d{{2}}[-.]?\d{{2}}[-.]?\d{{2}})$", re.IGNORECASE)


@dataclass(frozen=True)
class Held:
    """One indexed contract as the rule sees it: its source, collection and clause texts."""

    source: str
    collection: str
    texts: tuple[str, ...]


def held_contracts(items: Sequence[Parsed | Reused], previous_dir: Path | None) -> list[Held]:
    """The contracts a build indexes (``items``, collections assigned) with their clause
    texts: those it read from the items, those it carries over from the previous generation
    (``previous_dir``), in one query."""
    carried = [i.contract.key for i in items if isinstance(i, Reused)]
    stored = clause_texts(previous_dir, carried) if previous_dir is not None and carried else {}
    return [Held(str(i.path.resolve()), i.contract.collection,
                 tuple(c.text_simplified or c.text for c in i.contract.clauses)
                 if isinstance(i, Parsed) else tuple(stored.get(i.contract.key, ())))
            for i in items]


def base_name(stem: str) -> str:
    """A file stem without its version markers (``合同_v2`` → ``合同``, ``合同(1)`` → ``合同``,
    ``合同 final 2`` → ``合同``); the stem itself when it has none."""
    while (cut := _MARKER.sub("", stem)) != stem and cut:
        stem = cut
    return stem


def _hashes(texts: Iterable[str]) -> frozenset[bytes]:
    return frozenset(hashlib.blake2b(t.encode(), digest_size=8).digest()
                     for t in map(normalize_text, texts) if len(t) >= _MIN_TEXT)


def revision_pairs(held: Sequence[Held]) -> tuple[Revision, ...]:
    """Every pair of ``held`` that looks like two versions of one contract, in name order (in
    a pair, a name without version marker first)."""
    found: list[Revision] = []
    by_collection: dict[str, list[Held]] = {}
    for h in held:
        by_collection.setdefault(h.collection, []).append(h)
    for members in by_collection.values():
        found += _pairs_in(members)
    return tuple(sorted(found, key=lambda r: (_name_order(r.first), _name_order(r.second))))


def _pairs_in(members: Sequence[Held]) -> list[Revision]:
    hashes = [_hashes(h.texts) for h in members]
    holders: dict[bytes, list[int]] = {}
    for i, hs in enumerate(hashes):
        for x in hs:
            holders.setdefault(x, []).append(i)
    shared: dict[tuple[int, int], int] = {}
    for who in holders.values():
        if len(who) <= _COMMON:
            for pair in combinations(who, 2):
                shared[pair] = shared.get(pair, 0) + 1
    bases: dict[str, list[int]] = {}
    for i, h in enumerate(members):
        bases.setdefault(base_name(Path(h.source).stem).casefold(), []).append(i)
    named = {pair for group in bases.values() for pair in combinations(group, 2)
             if Path(members[pair[0]].source).stem != Path(members[pair[1]].source).stem}
    out = []
    for i, j in sorted({*shared, *named}):
        same, of = shared.get((i, j), 0), min(len(hashes[i]), len(hashes[j]))
        by_content = same >= _MIN_SAME and 2 * same >= of
        if by_content or (i, j) in named:
            a, b = sorted((members[i].source, members[j].source), key=_name_order)
            out.append(Revision(a, b, same, of, by_name=(i, j) in named))
    return out


def _name_order(source: str) -> tuple[bool, str, str]:
    """A pair's order: a file name without version marker first (合同.txt before 合同(1).txt),
    then by name."""
    stem = Path(source).stem
    return base_name(stem) != stem, Path(source).name, source


def new_pairs(now: Iterable[Revision], before: Iterable[Revision]) -> tuple[Revision, ...]:
    """The pairs of ``now`` that ``before`` (the previous generation's) did not have: said by
    the build once, when a pair first appears."""
    known = {(r.first, r.second) for r in before}
    return tuple(r for r in now if (r.first, r.second) not in known)
