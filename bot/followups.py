"""Follow-ups that only point at an answer: "这条是什么意思", "这个条款呢", "它呢", "全文",
or "什么意思" sent as a reply to an answer. The clause the answer quoted (its first, when it
quoted several) is quoted again whole, with its sub-clauses as /clause quotes it, under a line
saying that the bot quotes and does not interpret; the library is never searched for the bare
words. What an answer quoted is kept per chat (``ChatData``) and, for "right after", per forum
topic; /clause is an answer that quoted its clause, /compare one that quoted one clause per
contract (a follow-up to it is asked which contract's, with the /clause command of each), and
so is a /clause that quoted its number in several contracts."""

from __future__ import annotations

import asyncio
import dataclasses
from html import escape

from index import (
    Clause,
    Comparison,
    Hit,
    QueryError,
    Script,
    Searcher,
    SearchResult,
    to_script,
)

from . import texts
from .addressing import bare_words
from .compose import CLAUSE_CHILD_CHARS, compose
from .examples import DEFAULT_EXAMPLES, Examples, example_values
from .naming import named_title
from .quoting import quoted_under
from .render import pack, render_answer
from .state import ChatData, Pointed, Quoted

# Words that point at "the clause above" (Simplified: the question is converted first), the
# longest first where one holds another.
_POINTERS = tuple(sorted((
    "上面那条", "上面这条", "上面那个", "上面的条款", "刚才那条", "刚才那个", "前面那条",
    "这个条款", "那个条款", "该条款", "此条款", "这一条", "那一条", "这一款", "这条款",
    "这条", "那条", "该条", "此条", "这款", "该款", "这项", "该项", "这个", "那个", "这段", "它",
    "呢个条款", "呢条款", "呢条", "呢个", "呢款",  # Cantonese: 呢條 is 这条, 嗰條 那条
    "𠮶个条款", "𠮶条款", "𠮶条", "𠮶个", "𠮶款",  # 嗰 as OpenCC makes it Simplified
    "头先𠮶条", "头先𠮶个", "头先呢条",  # 頭先嗰條: 刚才那条
    "全文"),  # 全文 alone, or 全文呢, after an answer: the clause it quoted, whole
    key=len, reverse=True))
# Words that ask what it means; without a pointer, a reply to an answer needs one of them.
_MEANING = ("什么意思", "啥意思", "意思", "怎么理解", "如何理解", "理解", "解释", "说明", "什么",
            "啥", "指的是", "是指", "全文", "咩", "乜嘢", "乜")  # 全文: the clause whole; 咩意思
# Words that say nothing of their own around a pointer.
_FILLERS = tuple(sorted((
    *_MEANING, "一下", "请问", "具体", "到底", "是", "的", "呢", "吗", "啊", "呀", "吧", "那",
    "再", "讲", "说", "指", "下", "系", "即", "嘅", "咁", "噉"),  # 即係咩意思, 咁呢條呢
    key=len, reverse=True))
MAX_CHOICES = 10  # contracts of a /compare a follow-up is offered; more: asked which clause


def _strip(text: str, words: tuple[str, ...]) -> tuple[str, bool]:
    """``text`` without each of ``words``, and whether any was there."""
    found = False
    for word in words:
        if word in text:
            text, found = text.replace(word, ""), True
    return text, found


def points_back(question: str, *, replying: bool) -> bool:
    """Whether ``question`` only points at the clause of the answer before, with no word of
    its own: a pointer (这条, 这个条款, 上面那条, 它, 全文, in either script) with words that ask
    what it means or nothing else, or, sent as a reply to an answer (``replying``), only
    such words (什么意思). 那违约金呢 has a word of its own: it is a question."""
    text = bare_words(question)
    if not text:
        return False
    text, pointed = _strip(text, _POINTERS)
    if pointed:
        return not _strip(text, _FILLERS)[0]
    meaning = any(word in text for word in _MEANING)
    return replying and meaning and not _strip(text, _FILLERS)[0]


def _shown(result: SearchResult, offset: int, size: int, script: Script,
           child_chars: int | None) -> list[Clause]:
    """The clauses a page of ``result`` quotes on their own, in order (as ``compose`` orders
    them: a hit quoted under a heading of the page is not); none for a refusal."""
    chosen = result.hits[offset:offset + size]
    if not (result.relevant and chosen):
        return []
    covered = quoted_under(chosen, script, child_chars)
    shown = [h.clause for h in chosen if (h.clause.contract, h.clause.clause) not in covered]
    return shown or [chosen[0].clause]


def first_quoted(result: SearchResult, offset: int, size: int, *, script: Script,
                 child_chars: int | None) -> Pointed:
    """The clause a page of ``result`` quotes first, none when the page quotes none (a
    refusal)."""
    shown = _shown(result, offset, size, script, child_chars)
    return tuple(Quoted(c.contract, c.clause, c.chapter, several=len(shown) > 1)
                 for c in shown[:1])


def per_contract(result: SearchResult, *, script: Script, child_chars: int | None) -> Pointed:
    """What a /clause reply points at: the clause it quoted (the first, when it quoted
    several of one contract); when it quoted the number in several contracts, the first of
    each, marked ``several`` (a follow-up is asked which contract's, never given the first
    contract's), none past ``MAX_CHOICES`` contracts (asked which clause)."""
    shown = _shown(result, 0, len(result.hits), script, child_chars)
    firsts: dict[str, Clause] = {}
    for clause in shown:
        firsts.setdefault(clause.contract, clause)
    if len(firsts) == 1:
        return first_quoted(result, 0, len(result.hits), script=script,
                            child_chars=child_chars)
    return tuple(Quoted(c.contract, c.clause, c.chapter, several=True)
                 for c in firsts.values()) if len(firsts) <= MAX_CHOICES else ()


def compared(comparison: Comparison) -> Pointed:
    """The clauses a /compare quoted, one per contract that has one (none past
    ``MAX_CHOICES``: a follow-up is asked which clause, not offered a list of them all)."""
    quoted = tuple(Quoted(r.hit.clause.contract, r.hit.clause.clause, r.hit.clause.chapter)
                   for r in comparison.rows if r.hit is not None)
    return quoted if len(quoted) <= MAX_CHOICES else ()


def pointed_at(state: ChatData, topic: int | None, replied: int | None) -> Pointed:
    """What a follow-up points at: the clause of the answer it replies to (``replied``: the
    id of the bot's message it replies to), else of the last answer in ``topic``."""
    if replied is not None:
        return state.quoted.get(replied, ())
    return state.last_quoted.get(topic, ())


def found_again(searcher: Searcher, quoted: Quoted,
                collections: frozenset[str] | None) -> Hit | None:
    """The clause ``quoted`` in the index in use now, within ``collections``; None when it
    is not there any more (its contract removed, out of reach, rebuilt without that number in
    that chapter): never another clause of that number."""
    try:
        hits = searcher.get_clause(quoted.clause, quoted.contract, collections=collections)
    except QueryError:  # the contract is gone, or out of this chat's reach now
        return None
    return next((h for h in hits if h.clause.clause == quoted.clause
                 and h.clause.chapter == quoted.chapter), None)


async def quote_again(searcher: Searcher, pointed: Pointed, script: Script, *,
                      collections: frozenset[str] | None,
                      examples: Examples = DEFAULT_EXAMPLES) -> tuple[list[str], Pointed]:
    """The reply to a follow-up, and what it quotes: the clause ``pointed`` at again whole
    (as /clause quotes it) under the line that the bot quotes and does not interpret; when
    it points at one clause per contract (a /compare), which contract's, with the /clause
    command of each; when there is no such clause (none answered here yet, or the chat no
    longer reads it), how to say which clause is meant (a /clause of ``examples``), quoting
    none."""
    found = [(q, hit) for q in pointed
             if (hit := await asyncio.to_thread(found_again, searcher, q, collections))
             is not None]
    if not found:
        return [texts.say(texts.FOLLOW_UP_WHICH, script, **example_values(examples, script))], ()
    if len(found) > 1:
        return await _which_of(searcher, found, script, collections), tuple(q for q, _ in found)
    quoted, hit = found[0]
    result = SearchResult(question=hit.clause.clause, hits=(hit,))
    answer = compose(result, script=script, child_chars=CLAUSE_CHILD_CHARS)
    # the first of an answer's clauses; one contract's of several, the others gone: that one
    lead = texts.FOLLOW_UP_FIRST if quoted.several and len(pointed) == 1 else texts.FOLLOW_UP
    messages = render_answer(dataclasses.replace(answer, lead=texts.say(lead, script)))
    return messages, (quoted._replace(several=False),)  # this reply quoted that one only


async def _which_of(searcher: Searcher, found: list[tuple[Quoted, Hit]], script: Script,
                    collections: frozenset[str] | None) -> list[str]:
    """The reply to a follow-up to a /compare, or to a /clause that quoted its number in
    several contracts (its clauses marked ``several``): which contract's clause it means, one
    line per contract with the /clause command that quotes its clause (the contract numbered
    as in /contracts, to copy)."""
    infos = await asyncio.to_thread(searcher.contracts, collections=collections)
    numbers = {c.key: n for n, c in enumerate(infos, 1)}
    head = texts.FOLLOW_UP_SHOWN if found[0][0].several else texts.FOLLOW_UP_COMPARED
    lines = [texts.say(head, script, count=len(found))]
    for quoted, _hit in found:
        shown = escape(to_script(quoted.clause, script))
        number = numbers.get(quoted.contract)
        named = (named_title(infos, infos[number - 1], script) if number is not None
                 else {"title": escape(to_script(quoted.contract, script)), "source": ""})
        lines.append(f"《{named['title']}》{named['source']} › {shown}："
                     f"<code>/clause {shown} {number or ''}</code>")
    return pack(lines, sep="\n")
