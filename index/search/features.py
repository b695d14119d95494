"""What ranking needs to know of every clause's structure, computed once per index generation.

Parents, bare headings, which party acts in or is bound by a clause, list introductions and
definitions, as arrays aligned with the clause order, so ranking is array arithmetic.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..models import Clause
from ..text import normalize_text
from .party_roles import clause_actor, clause_obligor, condition_subject

_TERM = r"[\"“「『][^\"”」』]{1,30}[\"”」』]"
_DEFINITION_CLAUSE = re.compile(
    rf"^[\s\d.、]*{_TERM}(?:\s*[或和、]\s*{_TERM})*\s*(?:是)?(?:指|系指|意指|意为)"
    # an unquoted term: "工期：是指…", "缺陷责任期,指…"
    r"|^[\s\d.、]*[^\s，,。；;：:“”\"]{2,12}\s*[：:，,]\s*(?:是指|系指|指|意指)"
)
_INTRODUCES_LIST = re.compile(r"[:：]\s*$")


def is_definition(text: str) -> bool:
    """True for a definition clause: “术语”指……, 术语：是指……"""
    return _DEFINITION_CLAUSE.match(text) is not None


@dataclass(frozen=True)
class ClauseFeatures:
    """Per-clause structure, aligned with the index order."""

    parent: np.ndarray  # position of the parent clause, -1 at top level
    heading: np.ndarray  # bool: a heading whose text is only its title
    actor: np.ndarray  # object: the party acting in the clause, or None
    obligor: np.ndarray  # object: the party the clause binds, or None
    condition: np.ndarray  # object: the party a conditional clause is about, or None
    listing: np.ndarray  # bool: introduces a list (2+ sub-clauses, or ends with a colon)
    definition: np.ndarray  # bool: a definition clause


def parent_positions(clauses: Sequence[Clause]) -> np.ndarray:
    """Position of each clause's parent (-1 at top level)."""
    index: dict[tuple[str, str], int] = {}
    for i, c in enumerate(clauses):
        index.setdefault((c.contract, c.clause), i)
    return np.array(
        [index.get((c.contract, c.parent), -1) if c.parent else -1 for c in clauses],
        dtype=np.int64,
    )


def clause_features(clauses: Sequence[Clause]) -> ClauseFeatures:
    """The structure features of ``clauses`` (index order)."""
    n = len(clauses)
    norm = [normalize_text(c.text_simplified or c.text) for c in clauses]
    parent = parent_positions(clauses)
    heading = np.array(
        [c.title is not None and normalize_text(c.title) == norm[i]
         for i, c in enumerate(clauses)], dtype=bool)
    children = np.bincount(parent[parent >= 0], minlength=n)
    first_child: dict[int, int] = {}
    for i, p in enumerate(parent):
        first_child.setdefault(int(p), i)
    # who acts in a clause; a bare heading speaks through its first sub-clause
    role_text = [norm[first_child[i]] if i in first_child and heading[i] else t
                 for i, t in enumerate(norm)]
    return ClauseFeatures(
        parent=parent,
        heading=heading,
        actor=np.array([clause_actor(t) for t in role_text], dtype=object),
        obligor=np.array([clause_obligor(t) for t in role_text], dtype=object),
        condition=np.array([condition_subject(t) for t in norm], dtype=object),
        listing=np.array([bool(children[i] >= 2 or _INTRODUCES_LIST.search(t))
                          for i, t in enumerate(norm)], dtype=bool),
        definition=np.array([is_definition(t) for t in norm], dtype=bool),
    )
