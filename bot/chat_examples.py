"""The examples of the contracts a chat reads, picked once per index generation and library
(collections, /use contract), so that no reply pays for more than a dictionary lookup after the
first."""

from __future__ import annotations

import asyncio

from telegram import Update

from index import Searcher

from .access import ChatAccess
from .examples import DEFAULT_EXAMPLES, Examples, Library, library_examples
from .replies import chat_state, topic_of
from .state import Ctx


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


async def contracts_read(context: Ctx, access: ChatAccess) -> int:
    """How many contracts a chat that reads ``access`` reaches (0 with no index yet): /help
    and /start give examples and commands only where there are some, and /help's
    /contracts 2 where the list has a page 2."""
    if getattr(context.bot_data, "searcher", None) is None:
        return 0
    searcher = await context.bot_data.live_searcher()
    infos = await asyncio.to_thread(searcher.contracts, collections=access.collections)
    return len(infos)
