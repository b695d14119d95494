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
from telegram.error import BadRequest

from index import BuildReport, ContractbotError, Script, collection_of, to_script

from . import texts
from .access import is_admin
from .admin import build_error_text, rebuild
from .reasons import reason_words
from .replies import asker_script, hide_paths, is_private, reply, sender_id
from .state import BotState, Ctx
from .uploads import Replacement, discard, install, remove_new, to_replace, undo

log = logging.getLogger(__name__)


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
        await put_in_place(query.message, state, upload.staged, upload.target, script=script,
                           confirmed=True)
    else:
        await asyncio.to_thread(discard, upload.staged)
        await reply(query.message,
                    texts.say(texts.UPLOAD_KEPT, script, name=escape(upload.target.name)))


async def put_in_place(msg: Message, state: BotState, staged: Path, target: Path, *,
                       script: Script = "simplified", confirmed: bool = False) -> None:
    """Move a read upload into place (keeping what it replaces), index it, and reply; if the
    build cannot index it after all, everything is put back as it was. Unless the admin
    ``confirmed`` a replacement, a file of its name put in place since it was read (another
    upload's) is never replaced: the admin is told to send it again (then it asks)."""
    settings = state.settings
    async with state.uploads.lock:
        replaced = await asyncio.to_thread(
            to_replace, target, sources=target.parent, index_dir=settings.index_dir,
            collection=collection_of(target, [settings.sources_dir]))
        if replaced and not confirmed:
            await asyncio.to_thread(discard, staged)
            await reply(msg, texts.say(texts.UPLOAD_NAME_TAKEN, script, name=escape(target.name)))
            return
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
