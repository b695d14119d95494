"""What an answer quotes, and each clause once: a heading found as an answer is quoted with its
sub-clauses (as many as fit a budget of characters), so a sub-clause the search found too is
not quoted again on its own, on the same page or on a later one (更多), nor under its heading
on a later page when an earlier page quoted it already; a clause quoted from one file is quoted
in every file holding the same text (``Hit.also``): the DOCX's copy of an item the PDF's heading
quotes is not quoted again.

One rule for the bot and the CLI: ``quoted_once`` over the ranked hits before they are paged,
then ``quoted_under`` within a page (the CLI's answer is one page).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

from index import Clause, Hit, Script, SearchResult, detect_script, to_script

Key = tuple[str, str]  # (contract, clause id): clause ids are unique within a contract


def own_text(clause: Clause) -> str:
    """What a clause says itself: nothing for a heading whose text is only its title."""
    return "" if clause.title and clause.text.strip() == clause.title.strip() else clause.text


def child_line(clause: Clause) -> str:
    """One sub-clause as a line: number, heading title, text."""
    head = f"{clause.clause} {clause.title}" if clause.title else clause.clause
    text = own_text(clause)
    return f"{head} {text}" if text else head


def quoted_children(hit: Hit, script: Script, budget: int | None) -> tuple[Clause, ...]:
    """The sub-clauses an answer quotes under ``hit``: all of them, or (with ``budget``) as
    many as fit that many characters in ``script``, the first one always."""
    used = 0
    for i, child in enumerate(hit.children):
        size = len(to_script(child_line(child), script))
        if budget is not None and i and used + size > budget:
            return hit.children[:i]
        used += size
    return hit.children


def _key(clause: Clause) -> Key:
    return clause.contract, clause.clause


def _in_copies(hit: Hit, clauses: Iterable[Clause]) -> set[Key]:
    """The keys of ``clauses`` (``hit``'s own or its sub-clauses) in ``hit``'s file and in each
    file ``also`` holds the same clause in: a copy has the same numbers and sub-clauses, so
    the PDF's 第三条 quotes the DOCX's 第三条第1项 too."""
    contracts = {hit.clause.contract, *(c.contract for c in hit.also)}
    return {(contract, c.clause) for c in clauses for contract in contracts}


def quoted_under(hits: Sequence[Hit], script: Script, budget: int | None) -> set[Key]:
    """The clauses ``hits`` quote as sub-clauses, in every file that holds them: a hit among
    them is quoted under its heading, not on its own (one found only past the budget is not:
    it is quoted on its own)."""
    return {k for h in hits for k in _in_copies(h, quoted_children(h, script, budget))}


def quoted_once(result: SearchResult, *, size: int | None = None, script: Script | None = None,
                child_chars: int | None = None) -> SearchResult:
    """``result`` as an answer in pages of ``size`` hits quotes it (one page when None), each
    clause once: a hit that an earlier hit quotes as a sub-clause (within ``child_chars``
    characters of them, in ``script``) is left out, also past the clauses the question cites,
    which stay counted; a heading on a later page leaves out of its sub-clauses those an
    earlier page quoted (a sub-clause ranked before its heading). Within a page a hit ranked
    before the heading that quotes it is kept here: ``quoted_under`` leaves it out of that page."""
    script = script or detect_script(result.question)
    earlier: set[Key] = set()  # what the pages before the current one quote
    page: set[Key] = set()  # what the current page quotes so far
    under: set[Key] = set()  # the sub-clauses quoted so far
    kept: list[Hit] = []
    cited = result.cited
    trimmed = False
    for position, hit in enumerate(result.hits):
        if _key(hit.clause) in under:
            cited -= position < result.cited
            continue
        if size and kept and len(kept) % size == 0:  # a new page begins
            earlier |= page
            page = set()
        if any(_key(c) in earlier for c in hit.children):
            hit = dataclasses.replace(
                hit, children=tuple(c for c in hit.children if _key(c) not in earlier))
            trimmed = True
        children = _in_copies(hit, quoted_children(hit, script, child_chars))
        under |= children
        page |= children | _in_copies(hit, (hit.clause,))
        kept.append(hit)
    if len(kept) == len(result.hits) and not trimmed:
        return result
    return dataclasses.replace(result, hits=tuple(kept), cited=cited)
