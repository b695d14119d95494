"""The examples of the contracts a chat reads, picked once per index generation and library
(collections, /use contract), so that no reply pays for more than a dictionary lookup after the
first."""

from __future__ import annotations

import asyncio

from telegram import Update

from index import Searcher

from .access import ChatAccess
from .examples import DEFAULT_EXAMPLES, Examples, Library, pick_examples
from .replies import chat_state, topic_of
from .state import Ctx


def library_examples(searcher: Searcher, library: Library) -> Examples:
    """The examples of ``library`` in ``searcher``'s generation (every clause is read: run it
    in a thread)."""
    collections, scope = library
    infos = searcher.contracts(collections=collections)
    if scope is not None:
        infos = [c for c in infos if c.key == scope]
    keys = {c.key for c in infos}
    return pick_examples(infos, (c for c in searcher.all_clauses() if c.contract in keys))


async def chat_examples(update: Update, context: Ctx, access: ChatAccess | None, *,
                        searcher: Searcher | None = None) -> Examples:
    """The examples for the chat (or forum topic) of ``update``, which reads ``access``:
    from its /use contract when it has one in reach, else from every contract it reads;
    ``DEFAULT_EXAMPLES`` for a chat that may not ask, or before the index is opened.
    ``searcher``: the live one, when the handler has it already."""
    state = context.bot_data
    if access is None or getattr(state, "searcher", None) is None:
        return DEFAULT_EXAMPLES
    searcher = searcher or await state.live_searcher()
    scope = chat_state(context).scope(topic_of(update))
    if scope is not None and not searcher.reaches(scope, collections=access.collections):
        scope = None  # a lapsed /use: its reply says so; the examples are of what it reads
    library: Library = (access.collections, scope)
    book = state.examples
    found = book.get(searcher.generation, library)
    if found is None:
        found = await asyncio.to_thread(library_examples, searcher, library)
        book.keep(searcher.generation, library, found)
    return found
