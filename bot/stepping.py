"""Walking a contract from an answer: 下一条 (下一條, 下條) or 上一条, sent right after an
answer or as a reply to one, quotes the clause after (before) the one that answer quoted
first, in its contract's order, as /clause quotes it; the clause quoted then is the one the
next 下一条 walks on from. A heading's sub-clauses are quoted with it, so the clause after
a heading is the one after them. The library is never searched for the bare words (下一条
found nothing, and was refused as off-topic)."""

from __future__ import annotations

import asyncio
import re
from html import escape

from index import Clause, Script, Searcher, SearchResult, to_script

from . import texts
from .addressing import bare_words
from .compose import CLAUSE_CHILD_CHARS, compose
from .examples import DEFAULT_EXAMPLES, Examples
from .followups import found_again, quote_again
from .render import render_answer
from .state import Pointed, Quoted

# The words for the next and the previous clause (Simplified: the question is converted
# first), and those that say nothing of their own around them (那下一条呢, Cantonese
# 咁下一條呢, 下一條係咩, 下一條係乜嘢).
_STEPS = {"下一条": 1, "下条": 1, "后一条": 1, "上一条": -1, "上条": -1, "前一条": -1}
_AROUND = re.compile(r"^(?:那|再|请|看看|看|咁|噉)*(?P<step>" + "|".join(_STEPS)
                     + r")(?:呢|吧|啊|呀|吗|是什么|是咩|系咩|系乜嘢|系乜|内容|全文)*$")


def step_asked(question: str) -> int | None:
    """1 when ``question`` only asks for the next clause (下一条, 下一條呢), -1 for the
    previous one (上一条), else None (下一条的违约金 has words of its own: a question)."""
    found = _AROUND.match(bare_words(question))
    return _STEPS[found["step"]] if found else None


def neighbour(clauses: list[Clause], at: Clause, step: int) -> Clause | None:
    """The clause after (``step`` 1) or before (-1) ``at`` in its contract, in index order,
    at its level or above (the sub-clauses of a heading are quoted with it); None past the
    contract's last (or first) clause."""
    own = [c for c in clauses if c.contract == at.contract]
    here = next((i for i, c in enumerate(own)
                 if c.clause == at.clause and c.chapter == at.chapter), None)
    if here is None:
        return None
    ahead = own[here + 1:] if step > 0 else own[:here][::-1]
    return next((c for c in ahead if c.level <= at.level), None)


async def quote_step(searcher: Searcher, pointed: Pointed, step: int, script: Script, *,
                     collections: frozenset[str] | None,
                     examples: Examples = DEFAULT_EXAMPLES) -> tuple[list[str], Pointed]:
    """The reply to 下一条 (``step`` 1) or 上一条 (-1) after an answer that quoted
    ``pointed``, and what it quotes: the clause next to the one quoted, within the chat's
    ``collections``; which clause or contract is meant when the answer quoted none, or one
    per contract (a /clause of ``examples``); that there is none past the contract's last
    clause (still pointing at it)."""
    if len(pointed) != 1:  # none to walk from, or one per contract (/compare): which one
        return await quote_again(searcher, pointed, script, collections=collections,
                                 examples=examples)
    hit = await asyncio.to_thread(found_again, searcher, pointed[0], collections)
    if hit is None:  # gone since, or out of this chat's reach now
        return await quote_again(searcher, (), script, collections=collections,
                                 examples=examples)
    clauses = await asyncio.to_thread(searcher.all_clauses)
    near = neighbour(clauses, hit.clause, step)
    there = None if near is None else await asyncio.to_thread(
        found_again, searcher, Quoted(near.contract, near.clause, near.chapter), collections)
    if near is None or there is None:
        title = next((c.title for c in await asyncio.to_thread(
            searcher.contracts, collections=collections) if c.key == hit.clause.contract), "")
        said = texts.STEP_LAST if step > 0 else texts.STEP_FIRST
        return ([texts.say(said, script, title=escape(to_script(title, script)),
                           number=escape(to_script(hit.clause.clause, script)))],
                (pointed[0]._replace(several=False),))
    result = SearchResult(question=near.clause, hits=(there,))
    messages = render_answer(compose(result, script=script, child_chars=CLAUSE_CHILD_CHARS))
    return messages, (Quoted(near.contract, near.clause, near.chapter),)
