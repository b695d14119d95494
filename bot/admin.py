"""Admin work: putting a received contract in place (confirmed before it replaces one,
undoable; ``receiving`` takes it in), /reindex, and the rebuild behind both."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from html import escape
from pathlib import Path

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
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
    collection_of,
    index_status,
    name_in,
    names_among,
    shown_source,
    source_names,
    to_script,
)

from . import texts
from .access import ChatAccess, is_admin
from .building import library_sources
from .reasons import reason_words
from .replies import asker_script, guard, hide_paths, is_private, reply, sender_id
from .state import BotState, Ctx
from .uploads import (
    Replacement,
    discard,
    install,
    remove_new,
    to_replace,
    undo,
)

log = logging.getLogger(__name__)


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


def _named(items: Sequence[str]) -> str:
    """The first three of ``items``, and 等 when there are more (as the error names them)."""
    return "、".join(items[:3]) + ("等" if len(items) > 3 else "")


def build_error_text(err: ContractbotError, *, script: Script = "simplified") -> str:
    """A refused or failed build in the admin's words (the index is unchanged): no server
    paths."""
    if isinstance(err, WouldDropError):
        names = _named(err.dropped)
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
        moves = _named([f"{name}（{old} → {new}）" for name, old, new in err.moves])
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


async def on_upload_button(update: Update, context: Ctx) -> None:
    """The buttons of an upload: replace (yes), keep the original (no), undo a replacement."""
    query = update.callback_query
    if query is None or not isinstance(query.message, Message):
        return
    await query.answer()
    state = context.bot_data
    if not is_private(update) or not is_admin(state.settings, sender_id(update)):
        return
    script = asker_script(update, context)
    action, _, token = (query.data or "").partition(":")[2].partition(":")
    with contextlib.suppress(BadRequest):  # the buttons may be gone already
        await query.edit_message_reply_markup(None)
    if action == "undo":
        await undo_upload(query.message, state, token, script=script)
        return
    upload = state.uploads.answer(token)
    if upload is None:
        await reply(query.message, texts.say(texts.UPLOAD_EXPIRED, script))
    elif action == "yes":
        await put_in_place(query.message, state, upload.staged, upload.target, script=script)
    else:
        await asyncio.to_thread(discard, upload.staged)
        await reply(query.message,
                    texts.say(texts.UPLOAD_KEPT, script, name=escape(upload.target.name)))


async def put_in_place(msg: Message, state: BotState, staged: Path, target: Path, *,
                       script: Script = "simplified") -> None:
    """Move a read upload into place (keeping what it replaces), index it, and reply; if the
    build cannot index it after all, everything is put back as it was."""
    settings = state.settings
    async with state.uploads.lock:
        replaced = await asyncio.to_thread(
            to_replace, target, sources=target.parent, index_dir=settings.index_dir,
            collection=collection_of(target, [settings.sources_dir]))
        try:
            done = await asyncio.to_thread(install, staged, target, replaced,
                                           sources=settings.sources_dir)
        except FileExistsError:
            await asyncio.to_thread(discard, staged)
            await reply(msg, texts.say(texts.UPLOAD_NAME_TAKEN, script, name=escape(target.name)))
            return
        try:
            report = await rebuild(state)
        except ContractbotError as err:  # the file is in place: the next build indexes it
            log.warning("rebuild after the upload of %s: %s", target.name, err)
            await reply(msg, texts.say(texts.UPLOAD_NOT_INDEXED, script,
                name=escape(target.name), reason=build_error_text(err, script=script)))
            return
        failure = next((r for s, r in report.failed if _same_file(Path(s), target)), None)
        if failure is not None:
            await _take_back(done, state)
            lines = [texts.say(texts.UPLOAD_FAILED, script, name=escape(target.name),
                               reason=escape(hide_paths(reason_words(failure, script))))]
            if done.saved:
                lines.append(texts.say(texts.UPLOAD_RESTORED, script,
                                       old=escape(", ".join(done.names))))
            await reply(msg, "\n".join(lines))
            return
    await _reply_indexed(msg, state, report, done, script)


async def _take_back(done: Replacement, state: BotState) -> None:
    """Undo an upload the build could not index; rebuild when it had replaced something."""
    if not done.saved:
        await asyncio.to_thread(remove_new, done)
        return
    await asyncio.to_thread(undo, done)
    with contextlib.suppress(ContractbotError):  # the originals are back on disk either way
        await rebuild(state)


async def _reply_indexed(msg: Message, state: BotState, report: BuildReport,
                         done: Replacement, script: Script) -> None:
    """The title and clause count of an indexed upload, its notes, and an undo button."""
    target = done.installed
    here = frozenset({collection_of(target, [state.settings.sources_dir])})
    info = next((c for c in state.searcher.contracts(collections=here)
                 if c.stem == target.stem), None)
    if info is None:
        await reply(msg, texts.say(texts.UPLOAD_FAILED, script, name=escape(target.name),
                                   reason=texts.say(texts.NOT_INDEXED, script)))
        return
    lines = [texts.say(texts.UPLOAD_OK, script, title=escape(to_script(info.title, script)),
                       clauses=info.clauses)]
    lines += [texts.say(texts.UPLOAD_NOTE, script, note=escape(reason_words(n, script)))
              for s, n in report.notes if _same_file(Path(s), target)]
    markup = None
    if done.saved:
        lines.append(texts.say(texts.UPLOAD_REPLACED, script, old=escape(", ".join(done.names))))
        token = state.uploads.keep_undo(done)
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(
            texts.say(texts.BUTTON_UNDO, script), callback_data=f"upload:undo:{token}")]])
    await reply(msg, "\n".join(lines), markup=markup)


async def undo_upload(msg: Message, state: BotState, token: str, *,
                      script: Script = "simplified") -> None:
    """Put back the files an upload replaced (the upload is kept beside their copies)."""
    done = state.uploads.take_undo(token)
    if done is None:
        await reply(msg, texts.say(texts.UPLOAD_EXPIRED, script))
        return
    old = escape(", ".join(done.names))
    async with state.uploads.lock:
        try:
            await asyncio.to_thread(undo, done)
        except FileExistsError:
            await reply(msg, texts.say(texts.UNDO_FAILED, script, old=old))
            return
        try:
            await rebuild(state)
        except ContractbotError as err:
            log.warning("rebuild after undoing the upload of %s: %s", done.installed.name, err)
            await reply(msg, build_error_text(err, script=script))
            return
    await reply(msg, texts.say(texts.UPLOAD_UNDONE, script, old=old))


def _same_file(reported: Path, target: Path) -> bool:
    """Whether a build report's source is the file at ``target``."""
    return reported == target or reported.resolve() == target.resolve()


async def cmd_reindex(update: Update, context: Ctx) -> None:
    """/reindex [replace]: an admin rebuilds the index from its sources and the upload folder."""
    # In allowed chats only; during a build one more is queued, and each chat is told each
    # result once.
    msg, chat = update.effective_message, update.effective_chat
    state = context.bot_data
    admin = is_admin(state.settings, sender_id(update))  # an admin's burst shares one build
    if msg is None or chat is None or (access := await guard(update, context,
                                                             counted=not admin)) is None:
        return
    script = asker_script(update, context)
    if not admin:
        await reply(msg, texts.say(texts.ADMIN_ONLY, script))
        return
    replace = any(a.lower().lstrip("-") == "replace" for a in context.args or ())
    pending, behind = state.rebuilds.request(lambda: build_now(state, replace=replace))
    if not pending.claim(chat.id):
        return  # this chat already waits for that build's result
    if behind:
        await reply(msg, texts.say(texts.REINDEX_QUEUED, script))
    try:
        report = await pending.result()
    except ContractbotError as err:
        log.warning("/reindex in chat %s: %s", chat.id, err)  # the whole story, for the admin
        await reply(msg, await _refusal_within(state, access, err, script))
        return
    await reply(msg, await _reindex_text(state, access, report, script))


async def _reindex_text(state: BotState, access: ChatAccess, report: BuildReport,
                        script: Script) -> str:
    """What /reindex built, and the files it could not index (saying so of those whose earlier
    version the index keeps) or changed; in a chat that reads some collections only, of those
    collections alone (other customers' files unnamed)."""
    contracts, clauses = report.contracts, report.clauses
    if access.collections is not None:
        searcher = await state.live_searcher()
        infos = await asyncio.to_thread(searcher.contracts, collections=access.collections)
        contracts, clauses = len(infos), sum(c.clauses for c in infos)
    failed, notes, named = await asyncio.to_thread(_reported_within, state, access, report)
    lines = [texts.say(texts.REINDEX_OK, script, contracts=contracts, clauses=clauses)]
    kept = {source for source, _ in report.kept}
    lines += [texts.say(texts.REINDEX_KEPT if s in kept else texts.REINDEX_FAILED, script,
                        name=escape(name_in(named, s)),
                        reason=escape(hide_paths(reason_words(r, script))))
              for s, r in failed]
    lines += [texts.say(texts.REINDEX_FAILED, script, name=escape(name_in(named, s)),
                        reason=escape(reason_words(n, script)))
              for s, n in notes]
    return "\n".join(lines)


Reported = tuple[tuple[str, str], ...]


def _reported_within(state: BotState, access: ChatAccess,
                     report: BuildReport) -> tuple[Reported, Reported, Reported]:
    """The failures and notes of ``report`` on sources in the chat's collections, and how each
    is named (``customer-b/合同.txt``, as the command line names it, where another file has
    its name): in a chat that reads some collections, only among their files, so that it
    never sees another collection's folder, nor that another collection has a file of that
    name (it reads where the sources lie and the index's manifest: run it in a thread)."""
    names = access.collections
    if names is None:
        return report.failed, report.notes, report.names
    roots = library_sources(state.settings.index_dir, state.settings.sources_dir)

    def inside(source: str) -> bool:
        return collection_of(Path(source), roots) in names

    failed = tuple(f for f in report.failed if inside(f[0]))
    notes = tuple(n for n in report.notes if inside(n[0]))
    said = [s for s, _ in (*failed, *notes)]
    try:
        held = [s.source for s in index_status(report.index_dir).sources
                if s.collection in names]
    except ContractbotError:  # no manifest to read: name them among themselves
        held = []
    return failed, notes, source_names(said, among=[*held, *said], roots=list(map(str, roots)))


async def _refusal_within(state: BotState, access: ChatAccess, err: ContractbotError,
                          script: Script) -> str:
    """A refused or failed build as a chat that reads some collections only hears it: of its
    own contracts (those the build would drop or move, the clauses a new encoder would embed
    again), never a count, a file, a folder or a collection's name of another collection (the
    index is unchanged)."""
    if access.collections is None:
        return build_error_text(err, script=script)
    searcher = await state.live_searcher()
    infos = await asyncio.to_thread(searcher.contracts, collections=access.collections)
    names = names_among([(c.collection, c.key) for c in infos])
    # each of its contracts by the file name it knows it by (the build's messages name one
    # by its folder when another collection has its file name: none of its business)
    mine = {c.key: shown_source(n, c.source) for c, n in zip(infos, names, strict=True)}
    if isinstance(err, WouldDropError):
        dropped = tuple(mine[k] for k in err.keys if k in mine)
        if not dropped:  # its own contracts stay: whose would go is none of its business
            return texts.say(texts.REBUILD_REFUSED_ELSEWHERE, script)
        err = WouldDropError(dropped, len(infos), empty=len(dropped) == len(infos),
                             keys=tuple(k for k in err.keys if k in mine))
    elif isinstance(err, WouldMoveError):  # its own contracts, to collections it reads
        other = texts.say(texts.OTHER_COLLECTION, script)
        moves = tuple((mine[key], old, new if new in access.collections else other)
                      for (_, old, new), key in zip(err.moves, err.keys, strict=True)
                      if key in mine)
        if not moves:  # its own contracts stay where they are
            return texts.say(texts.REBUILD_REFUSED_ELSEWHERE, script)
        err = WouldMoveError(moves, len(infos), keys=tuple(k for k in err.keys if k in mine))
    elif isinstance(err, WouldChangeEncoderError):
        err = WouldChangeEncoderError(err.built_with, err.configured,
                                      sum(c.clauses for c in infos))
    elif isinstance(err, MissingSourceError):  # a folder's name may be a customer's
        return texts.say(texts.REBUILD_MISSING_ELSEWHERE, script)
    return build_error_text(err, script=script)
