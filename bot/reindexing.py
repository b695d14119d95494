"""/reindex: an admin rebuilds the index in an allowed chat; the reply (or the refusal) speaks,
in a chat that reads some collections only, of those collections alone."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from html import escape
from pathlib import Path

from telegram import Update

from index import (
    EMPTY_FOLDER,
    BuildReport,
    ContractbotError,
    Manifest,
    MissingSourceError,
    Revision,
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
)

from . import texts
from .access import ChatAccess, is_admin
from .admin import build_error_text, build_now
from .building import library_sources
from .reasons import reason_words, removal_words, revision_words
from .replies import asker_script, chat_state, guard, hide_paths, reply, sender_id
from .shortlists import shortlist
from .state import BotState, Ctx
from .uploads import inside

log = logging.getLogger(__name__)


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
    held = await asyncio.to_thread(_read_held, state, access, report)  # its one manifest read
    pairs = chat_state(context).news_of(held.revisions)  # a pair is named once in each chat
    await reply(msg, await _reindex_text(state, access, report, script, pairs=pairs, held=held))
    _, _, dropped, _ = await asyncio.to_thread(_reported_within, held, access, report)
    chat_state(context).forget_known(  # named by the reply: not again on the next answer
        [Path(s).stem for s in (*dropped, *(s for s, _, _ in report.moved))])


@dataclass(frozen=True)
class Held:
    """What a /reindex reply reads of the index it built, once (its manifest): the pairs of
    files that look like two versions of one contract that the index holds now (as `index
    status` lists them) in the chat's collections; in a chat that reads some collections
    only, also where the library's collections lie and the indexed files of the chat's
    collections, among which the reply names the files it mentions."""

    revisions: tuple[Revision, ...]
    roots: tuple[Path, ...] = ()
    sources: tuple[str, ...] = ()


def _read_held(state: BotState, access: ChatAccess, report: BuildReport) -> Held:
    """What the /reindex reply knows of the index ``report`` built and the chat's part of it
    (reads the manifest once, and where the sources lie: run it in a thread)."""
    try:
        manifest: Manifest | None = index_status(report.index_dir)
    except ContractbotError:  # no manifest to read: the pairs this build first saw, and
        manifest = None  # the files named among themselves
    now = report.revisions if manifest is None else manifest.revisions
    mine = access.collections
    if mine is None:
        return Held(now)
    roots = library_sources(state.settings.index_dir, state.settings.sources_dir,
                            manifest=manifest)
    sources = () if manifest is None else tuple(s.source for s in manifest.sources
                                                if s.collection in mine)
    return Held(tuple(r for r in now if collection_of(Path(r.first), roots) in mine),
                tuple(roots), sources)


async def _reindex_text(state: BotState, access: ChatAccess, report: BuildReport,
                        script: Script, *, pairs: tuple[Revision, ...] | None = None,
                        held: Held | None = None) -> str:
    """What /reindex built, and the files it could not index (saying so of those whose earlier
    version the index keeps) or changed, and ``pairs`` (those of the chat's collections the
    build first saw when None) of files that look like two versions of one contract; in a
    chat that reads some collections only, of those collections alone (other customers'
    files unnamed). ``held``: what the reply read of the index (None: read here)."""
    if held is None:
        held = await asyncio.to_thread(_read_held, state, access, report)
    contracts, clauses = report.contracts, report.clauses
    if access.collections is not None:
        searcher = await state.live_searcher()
        infos = await asyncio.to_thread(searcher.contracts, collections=access.collections)
        contracts, clauses = len(infos), sum(c.clauses for c in infos)
    failed, notes, dropped, named = await asyncio.to_thread(_reported_within, held, access,
                                                            report)
    lines = [texts.say(texts.REINDEX_OK, script, contracts=contracts, clauses=clauses)]
    if dropped:  # as `index build` names them (dropped from the index), cut to one line
        names = shortlist([escape(name_in(named, s)) for s in dropped], most=DROPPED_NAMED,
                          script=script)
        lines.append(texts.say(texts.REINDEX_DROPPED, script, names=names))
    kept = {source for source, _ in report.kept}
    lines += [texts.say(texts.REINDEX_KEPT if s in kept else texts.REINDEX_FAILED, script,
                        name=escape(name_in(named, s)),
                        reason=escape(hide_paths(reason_words(r, script))))
              for s, r in failed]
    lines += [texts.say(texts.REINDEX_FAILED, script, name=escape(name_in(named, s)),
                        reason=escape(reason_words(n, script)))
              for s, n in notes]
    lines += await asyncio.to_thread(_moves_and_losses, state, access, report, script,
                                     held=held, pairs=pairs)
    return "\n".join(lines)


def _moves_and_losses(state: BotState, access: ChatAccess, report: BuildReport,
                      script: Script, *, held: Held, pairs: tuple[Revision, ...] | None = None
                      ) -> list[str]:
    """The lines of a /reindex reply that say, as `index build` does, the contracts it moved to
    another collection (each with where from and where to, a collection the chat does not
    read unnamed), those whose earlier version it dropped though their file is there, and the
    files that look like two versions of one contract (``pairs``; None: those the build first
    saw), each with how the reader can take one out; in a chat that reads some collections, of
    its collections only (``held``: what the reply read of the index; it looks where the
    files lie: run it in a thread)."""
    mine = access.collections
    other = texts.say(texts.OTHER_COLLECTION, script)
    moved = [(s, old if mine is None or old in mine else other,
              new if mine is None or new in mine else other)
             for s, old, new in report.moved if mine is None or old in mine or new in mine]
    lost = list(report.lost)
    revisions = list(report.revisions if pairs is None else pairs)
    named = report.names
    if mine is not None:
        lost = [(s, why) for s, why in lost if collection_of(Path(s), held.roots) in mine]
        revisions = [r for r in revisions if collection_of(Path(r.first), held.roots) in mine]
        said = [*(s for s, _, _ in moved), *(s for s, _ in lost),
                *(s for r in revisions for s in (r.first, r.second))]
        named = _named_within(held, said)
    lines = []
    if moved:
        names = shortlist([escape(f"{name_in(named, s)}（{old} → {new}）")
                           for s, old, new in moved], most=DROPPED_NAMED, script=script)
        lines.append(texts.say(texts.REINDEX_MOVED, script, names=names))
    lines += [texts.say(texts.REINDEX_FAILED, script, name=escape(name_in(named, s)),
                        reason=escape(reason_words(why, script)))
              for s, why in lost]
    for r in revisions:
        first, second = escape(name_in(named, r.first)), escape(name_in(named, r.second))
        how = removal_words([(first, _uploaded(state, r.first)),
                             (second, _uploaded(state, r.second))], script)
        lines.append(texts.say(texts.REVISION_PAIR, script, first=first, second=second,
                               why=revision_words(r, script), how=how))
    return lines


def _uploaded(state: BotState, source: str) -> bool:
    """Whether the bot saved ``source`` (an upload, which /remove takes out)."""
    return inside(Path(source), state.settings.sources_dir)


Reported = tuple[tuple[str, str], ...]
DROPPED_NAMED = 5  # files a /reindex reply names as dropped; more are counted (…等 N 份)


def _reported_within(held: Held, access: ChatAccess, report: BuildReport
                     ) -> tuple[Reported, Reported, tuple[str, ...], Reported]:
    """The failures, notes and dropped sources (files deleted since the last build) of
    ``report`` in the chat's collections, and how each
    is named (``customer-b/合同.txt``, as the command line names it, where another file has
    its name): in a chat that reads some collections, only among their files (``held``), so
    that it never sees another collection's folder, nor that another collection has a file
    of that name (it looks where the files lie: run it in a thread)."""
    names = access.collections
    if names is None:
        return report.failed, report.notes, report.dropped, report.names

    def ours(source: str, reason: str = "") -> bool:
        return _collection(source, reason, held.roots) in names

    failed = tuple(f for f in report.failed if ours(*f))
    notes = tuple(n for n in report.notes if ours(*n))
    dropped = tuple(s for s in report.dropped if ours(s))
    said = [*(s for s, _ in (*failed, *notes)), *dropped]
    return failed, notes, dropped, _named_within(held, said)


def _named_within(held: Held, said: list[str]) -> Reported:
    """How a reply in a chat that reads some collections names the files it mentions
    (``said``): among those collections' indexed files only (``held``; none when the manifest
    could not be read: among themselves), so that it never shows another collection's folder
    or that another collection has a file of that name."""
    return source_names(said, among=[*held.sources, *said], roots=list(map(str, held.roots)))


def _collection(source: str, reason: str, roots: tuple[Path, ...]) -> str:
    """The collection a failure of ``source`` belongs to: an emptied collection folder's
    (``customer-b/``, found empty: that of a file inside it, not ``default`` as the folder's
    own path would be), else the file's."""
    path = Path(source)
    return collection_of(path / "_" if reason == EMPTY_FOLDER else path, roots)


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
