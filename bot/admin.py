"""The rebuild behind an upload and /reindex (queued behind a running one; ``placing`` puts
an upload in place, ``reindexing`` answers /reindex), and a refused or failed build in the
admin's words."""

from __future__ import annotations

import asyncio
import contextlib
from html import escape
from pathlib import Path

from telegram import Message, Update
from telegram.error import BadRequest

from index import (
    BuildReport,
    ContractbotError,
    IndexBusyError,
    IndexWriteError,
    MissingSourceError,
    Script,
    WouldChangeEncoderError,
    WouldDropError,
    WouldMoveError,
)

from . import texts
from .access import is_admin
from .building import library_sources
from .replies import asker_script, hide_paths, is_private, sender_id
from .shortlists import shortlist
from .state import BotState, Ctx

REFUSAL_NAMED = 3  # files a refused build names (as the error does); its sentence counts them


class NothingToBuildError(ContractbotError):
    """A rebuild with no source to read: the index remembers none and nothing was uploaded."""


async def rebuild(state: BotState, *, replace: bool = False) -> BuildReport:
    """The report of a rebuild that starts after this call (queued behind a running one);
    the same rules as ``index build`` (a refused build raises)."""
    pending, _ = state.rebuilds.request(lambda: build_now(state, replace=replace))
    return await pending.result()


async def build_now(state: BotState, *, replace: bool = False) -> BuildReport:
    """Rebuild the index from its sources and the upload folder in a thread, then switch the
    searcher to it."""
    settings = state.settings
    sources = await asyncio.to_thread(library_sources, settings.index_dir, settings.sources_dir)
    if not sources:  # a fresh install: no index, nothing uploaded yet
        raise NothingToBuildError("no contract has been indexed or uploaded yet")
    report = await asyncio.to_thread(state.build, sources, settings.index_dir, replace=replace)
    await state.live_searcher()  # questions were answered from the old index meanwhile
    return report


def build_error_text(err: ContractbotError, *, script: Script = "simplified") -> str:
    """A refused or failed build in the admin's words (the index is unchanged): no server
    paths."""
    if isinstance(err, WouldDropError):
        names = shortlist(err.dropped, most=REFUSAL_NAMED, script=script, counted=False)
        if err.empty:
            return texts.say(texts.REBUILD_WOULD_EMPTY, script, total=err.total)
        emptied = [Path(f).name for f in (*err.empty_roots, *err.empty_collections)]
        if emptied:
            return texts.say(texts.REBUILD_WOULD_DROP_EMPTIED, script, total=err.total,
                             count=len(err.dropped), names=escape(hide_paths(names)),
                             folders=escape(hide_paths("、".join(emptied))))
        return texts.say(texts.REBUILD_WOULD_DROP, script, total=err.total, count=len(err.dropped),
                                               names=escape(hide_paths(names)))
    if isinstance(err, WouldMoveError):
        moves = shortlist([f"{name}（{old} → {new}）" for name, old, new in err.moves],
                          most=REFUSAL_NAMED, script=script, counted=False)
        return texts.say(texts.REBUILD_WOULD_MOVE, script, total=err.total,
                         count=len(err.moves), moves=escape(hide_paths(moves)))
    if isinstance(err, WouldChangeEncoderError):
        return texts.say(texts.REBUILD_WOULD_CHANGE_ENCODER, script,
            built_with=escape(err.built_with), configured=escape(err.configured),
            clauses=err.clauses)
    if isinstance(err, MissingSourceError):  # gone, or a link that leads back to itself
        gone = [Path(p).name for p in err.paths if p not in err.loops]
        loops = [Path(p).name for p in err.loops]
        why = [texts.say(part, script, paths=escape("、".join(names)))
               for part, names in ((texts.MISSING_PART, gone), (texts.LOOP_PART, loops)) if names]
        return texts.say(texts.REBUILD_MISSING, script, why="；".join(why))
    if isinstance(err, IndexBusyError):
        return texts.say(texts.INDEX_BUSY, script)
    if isinstance(err, NothingToBuildError):
        return texts.say(texts.REBUILD_NO_SOURCES, script)
    if isinstance(err, IndexWriteError):
        return texts.say(texts.REBUILD_CANNOT_WRITE, script)
    return texts.say(texts.REBUILD_FAILED, script)  # the server's trouble, in English: logged


async def admin_button(update: Update, context: Ctx,
                       prefix: str) -> tuple[Message, Script, str, str] | None:
    """A tap on one of an admin's buttons (an upload's, /remove's): answered, its buttons
    taken off (a button works once), and its (message, script, action, token) after
    ``prefix``; None for anyone but an admin in private, or a button without its message."""
    query = update.callback_query
    if query is None or not isinstance(query.message, Message):
        return None
    await query.answer()
    if not is_private(update) or not is_admin(context.bot_data.settings, sender_id(update)):
        return None
    action, _, token = (query.data or "").removeprefix(prefix).partition(":")
    with contextlib.suppress(BadRequest):  # the buttons may be gone already
        await query.edit_message_reply_markup(None)
    return query.message, asker_script(update, context), action, token
