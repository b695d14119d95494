"""Which party a clause is about: who acts in it, who it puts a duty on, whom a condition names.

Read from the first phrases of a clause's normalised text with the party words of
``index.roles``; a question about 乙方 prefers clauses where 乙方 acts.
"""

from __future__ import annotations

import re

from ..roles import PARTY_ALT

_ACTS = "应|应当|须|必须|有权|负责|不得|承担|同意|保证|需|可以|可"
_DUTY = "应|应当|须|必须|负责|承担"
_ACTOR_RE = re.compile(rf"({PARTY_ALT})[^，。；,;:：]{{0,12}}?(?:{_ACTS}|将)")
_SUBJECT_RE = re.compile(rf"^\s*({PARTY_ALT})(?![、和与及])")
_CONDITION_RE = re.compile(rf"^\s*(?:若|如|如果|倘若|假如|凡)\s*({PARTY_ALT})")
_OBLIGOR_RE = re.compile(
    rf"^\s*({PARTY_ALT})[^。；;]{{0,20}}?(?:{_DUTY})"
    rf"|({PARTY_ALT})[^，。；,;:：]{{0,12}}?(?:{_DUTY})"
)


def clause_actor(text: str) -> str | None:
    """The party that acts in a clause: the first party word followed in the same phrase by
    应/有权/负责/不得… ("甲方应在收到乙方报告后…" -> 甲方); None when no party acts."""
    m = _SUBJECT_RE.match(text) or _ACTOR_RE.search(text[:80])
    return m.group(1) if m else None


def condition_subject(text: str) -> str | None:
    """The party a conditional clause is about ("若乙方未按约定…" -> 乙方), else None."""
    m = _CONDITION_RE.match(text)
    return m.group(1) if m else None


def clause_obligor(text: str) -> str | None:
    """The party a clause puts a duty on (甲方应…/甲方对…，应在…), None for rights or
    permissions (甲方同意乙方…) and for clauses that bind nobody in particular."""
    m = _OBLIGOR_RE.search(text[:80])
    return (m.group(1) or m.group(2)) if m else None
