"""Putting a received contract in place (``receiving`` takes it in): confirmed by the admin
before it replaces one, indexed by a rebuild, undoable; taken back when the build cannot index
it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from html import escape
from pathlib import Path

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from index import (
    BuildReport,
    ContractbotError,
    Script,
    collection_of,
    private_dir,
    to_script,
)

from . import texts
from .admin import admin_button, build_error_text, rebuild
from .held import forget_held, keep_undoable, spend_undoable
from .placements import GATHER_WAIT, Placement
from .reasons import reason_words, removal_words, revision_words
from .replies import chat_state, hide_paths, reply
from .state import BotState, ChatData, Ctx
from .uploads import (
    Replacement,
    discard,
    inside,
    install,
    remove_new,
    saved_unindexed,
    to_replace,
    undo,
)

log = logging.getLogger(__name__)


async def on_upload_button(update: Update, context: Ctx) -> None:
    """The buttons of an upload: replace (yes), keep the original (no), undo a replacement,
    make its new collection (new) or drop it (drop)."""
    if (tapped := await admin_button(update, context, "upload:")) is None:
        return
    message, script, action, token = tapped
    state = context.bot_data
    if action == "undo":
        await undo_upload(message, state, token, script=script)
        return
    upload = state.uploads.answer(token)
    if upload is None:  # answered already, else over a day old: send it again
        gone = texts.UPLOAD_EXPIRED if state.uploads.was_answered(token) else texts.UPLOAD_GONE
        await reply(message, texts.say(gone, script))
        return
    await asyncio.to_thread(forget_held, upload)  # answered: a restart does not hold it again
    if action == "yes":
        await put_in_place(message, state, upload.staged, upload.target,
                           chat=chat_state(context), script=script, confirmed=True)
    elif action == "new":  # its collection's folder is made only now
        await asyncio.to_thread(private_dir, upload.target.parent)
        await put_in_place(message, state, upload.staged, upload.target,
                           chat=chat_state(context), script=script)
    elif action == "drop":
        await asyncio.to_thread(discard, upload.staged)
        await reply(message,
                    texts.say(texts.UPLOAD_DROPPED, script, name=escape(upload.target.name)))
    else:
        await asyncio.to_thread(discard, upload.staged)
        await reply(message,
                    texts.say(texts.UPLOAD_KEPT, script, name=escape(upload.target.name)))


async def put_in_place(msg: Message, state: BotState, staged: Path, target: Path, *,
                       chat: ChatData, script: Script = "simplified",
                       confirmed: bool = False) -> None:
    """Move a read upload into place (keeping what it replaces), index it, and reply; if the
    build cannot index it after all, everything is put back as it was. Uploads read meanwhile
    are put in place with it and indexed by the same rebuild (``placements``); each is told its
    own outcome. Unless the admin ``confirmed`` a replacement, a file of its name put in place
    since it was read (another upload's) is never replaced: the admin is told to send it again
    (then it asks), or, when it holds the same bytes, that the file is on its way in. A pair
    of versions the reply names counts as told in the upload's ``chat``."""
    job = Placement(staged, target, confirmed=confirmed)
    placements = state.placements
    placements.waiting.append(job)
    deadline = asyncio.get_running_loop().time() + GATHER_WAIT
    while not job.placed:
        await placements.gather(deadline)  # without the lock: an undo need not wait for it
        async with state.uploads.lock:
            if job.placed or placements.gathering(deadline):  # taken, or more on their way
                continue
            await _place_batch(state, placements.take())  # every waiting upload
    await _tell(msg, state, job, chat, script)


async def _place_batch(state: BotState, batch: list[Placement]) -> None:
    """``_place`` a batch (holding the move lock), each upload marked ``placed`` with what
    became of it."""
    placements = state.placements
    placements.adding += batch
    try:
        await _place(state, batch)
    except Exception as err:  # a bug, or the system refused: each upload's handler
        for placed in batch:  # raises it (its admin is told, as before batches)
            if placed.said is None and placed.report is None and placed.error is None:
                placed.crash = err
    finally:
        placements.adding = [p for p in placements.adding if p not in batch]
        for placed in batch:
            placed.placed = True


async def _place(state: BotState, batch: list[Placement]) -> None:
    """Put each upload of ``batch`` in place, index them with one rebuild, and take back those
    the build could not index."""
    settings = state.settings
    moved = []
    for job in batch:
        here = collection_of(job.target, [settings.sources_dir])
        replaced = await asyncio.to_thread(
            to_replace, job.target, sources=job.target.parent, index_dir=settings.index_dir,
            collection=here)
        if replaced and not job.confirmed:
            if await state.placements.on_its_way(job.staged, job.target):
                job.said = texts.UPLOAD_ALREADY_ADDING
            elif await asyncio.to_thread(saved_unindexed, job.staged, job.target, replaced,
                                         index_dir=settings.index_dir, collection=here):
                job.done, job.kept = Replacement(job.target, job.target.parent), True
                moved.append(job)  # saved before, never indexed: the rebuild reads it
            else:
                job.said = texts.UPLOAD_NAME_TAKEN
        else:
            try:
                job.done = await asyncio.to_thread(install, job.staged, job.target, replaced,
                                                   sources=settings.sources_dir)
                moved.append(job)
                continue
            except FileExistsError:
                job.said = texts.UPLOAD_NAME_TAKEN
        await asyncio.to_thread(discard, job.staged)
    if not moved:
        return
    try:
        report = await rebuild(state)
    except ContractbotError as err:  # the files are in place: the next build indexes them
        log.warning("rebuild after the upload of %s: %s",
                    ", ".join(job.target.name for job in moved), err)
        for job in moved:
            job.error = err
        return
    for job in moved:
        job.report = report
        job.failure = next((r for s, r in report.failed if _same_file(Path(s), job.target)),
                           None)
    await _take_back([job.done for job in moved
                      if job.failure is not None and job.done and not job.kept], state)


async def _tell(msg: Message, state: BotState, job: Placement, chat: ChatData,
                script: Script) -> None:
    """What became of the upload of ``job``, in reply to its message in ``chat``."""
    name = escape(job.target.name)
    if job.crash is not None:
        raise job.crash
    if job.said is not None:
        await reply(msg, texts.say(job.said, script, name=name))
    elif job.done is None:  # the bot stopped before its batch was put in place
        return
    elif job.error is not None:
        await reply(msg, texts.say(texts.UPLOAD_NOT_INDEXED, script, name=name,
                                   reason=build_error_text(job.error, script=script)))
    elif job.failure is not None:
        lines = [texts.say(texts.UPLOAD_FAILED, script, name=name,
                           reason=escape(hide_paths(reason_words(job.failure, script))))]
        if job.done.saved:
            lines.append(texts.say(texts.UPLOAD_RESTORED, script,
                                   old=escape(", ".join(job.done.names))))
        await reply(msg, "\n".join(lines))
    elif job.report is not None:
        await _reply_indexed(msg, state, job.report, job.done, chat, script, kept=job.kept)


async def _take_back(taken: list[Replacement], state: BotState) -> None:
    """Undo the uploads a build could not index; rebuild once when one had replaced
    something (the files it replaced are back)."""
    for done in taken:
        await asyncio.to_thread(undo if done.saved else remove_new, done)
    if any(done.saved for done in taken):
        with contextlib.suppress(ContractbotError):  # the originals are back on disk either way
            await rebuild(state)


async def _reply_indexed(msg: Message, state: BotState, report: BuildReport,
                         done: Replacement, chat: ChatData, script: Script, *,
                         kept: bool = False) -> None:
    """The title and clause count of an indexed upload, its notes (a pair of versions it
    makes, which ``chat`` is then told of: its next /reindex does not name it again), and
    an undo button; when it was ``kept`` (saved before, never indexed), that it replaced
    nothing."""
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
    pairs = [r for r in report.revisions
             if any(_same_file(Path(s), target) for s in (r.first, r.second))]
    for r in pairs:
        other = Path(r.second if _same_file(Path(r.first), target) else r.first)
        how = removal_words([(escape(other.name),
                              inside(other, state.settings.sources_dir))], script)
        lines.append(texts.say(texts.UPLOAD_REVISION, script, why=revision_words(r, script),
                               other=escape(other.name), how=how))
    if kept:
        lines.append(texts.say(texts.UPLOAD_SAVED_BEFORE, script, name=escape(target.name)))
    markup = None
    if done.saved:
        lines.append(texts.say(texts.UPLOAD_REPLACED, script, old=escape(", ".join(done.names))))
        token = state.uploads.keep_undo(done)
        await asyncio.to_thread(keep_undoable, token, done,
                                sources_dir=state.settings.sources_dir)  # it outlives a restart
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(
            texts.say(texts.BUTTON_UNDO, script), callback_data=f"upload:undo:{token}")]])
    await reply(msg, "\n".join(lines), markup=markup)
    for r in pairs:  # this chat has heard of them: its next /reindex does not name them
        chat.mark_told(r)


async def undo_upload(msg: Message, state: BotState, token: str, *,
                      script: Script = "simplified") -> None:
    """Put back the files an upload replaced (the upload is kept beside their copies)."""
    done = state.uploads.take_undo(token)
    if done is None:  # undone already, past its days, or never ours
        await reply(msg, texts.say(texts.UPLOAD_EXPIRED, script))
        return
    await asyncio.to_thread(spend_undoable, done)  # taken: a restart does not offer it again
    old = escape(", ".join(done.names))
    async with state.uploads.lock:
        try:
            await asyncio.to_thread(undo, done)
        except FileExistsError:
            await reply(msg, texts.say(texts.UNDO_FAILED, script, old=old))
            return
        except FileNotFoundError:  # its backup was removed on the server: nothing moved
            await reply(msg, texts.say(texts.UPLOAD_EXPIRED, script))
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
