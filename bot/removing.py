"""/remove: an admin takes a contract the bot saved (an upload) out of the index from Telegram.

The name is resolved as /use resolves it; the admin confirms with a button; the file is moved
aside into ``.replaced/`` (kept, never deleted) and the index rebuilt through the normal
build (queued behind a running one; the live index is untouched when it fails or is refused,
and the file is then put back). A contract indexed from an operator's own library (outside
the upload folder) is never removed from Telegram: the reply says the operator must."""

from __future__ import annotations

import asyncio
import datetime as _dt
import os
import secrets
from dataclasses import dataclass
from html import escape
from pathlib import Path

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from index import (
    ContractbotError,
    ContractInfo,
    Script,
    WouldDropError,
    index_status,
    key_stem,
    to_script,
)

from . import texts
from .access import is_admin
from .admin import admin_button, build_error_text, rebuild
from .browsing import not_one
from .naming import pick_contracts, written_names
from .replies import asker_script, chat_state, guard, is_private, reply, sender_id
from .state import BotState, Ctx
from .uploads import REPLACED, inside

PREFIX = "remove:"
LIMIT = 50  # removals awaiting an answer; the oldest go first


@dataclass(frozen=True)
class Removal:
    """A contract the admin asked to remove: its uploaded file, its title and file name."""

    path: Path
    title: str
    key: str


def _uploaded_file(state: BotState, info: ContractInfo) -> tuple[Path | None, bool]:
    """The file of ``info`` as the live index lists it, and whether the bot saved it (it lies
    in the upload folder); (None, False) when the index lists none still there."""
    entries = index_status(state.settings.index_dir).sources
    found = next((Path(e.source) for e in entries
                  if e.contract == info.key and e.collection == info.collection), None)
    if found is None or not (found.is_file() or found.is_symlink()):
        return None, False
    return found, inside(found, state.settings.sources_dir)


def _set_aside(path: Path, sources: Path) -> Path:
    """Move ``path`` into ``sources``/.replaced/<time>-<stem>-<random>/ (one rename within
    the upload folder); where it now is."""
    stamp = _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%dT%H%M%S")
    folder = sources / REPLACED / f"{stamp}-{path.stem}-{secrets.token_hex(3)}"
    folder.mkdir(mode=0o700, parents=True)
    kept = folder / f"removed-{path.name}"
    os.replace(path, kept)
    return kept


def _put_back(kept: Path, path: Path) -> None:
    """Undo ``_set_aside``: the file back where it was (a link there now is not replaced)."""
    os.link(kept, path, follow_symlinks=False)
    kept.unlink()


async def cmd_remove(update: Update, context: Ctx) -> None:
    """/remove NAME: an admin, in private, removes an uploaded contract after confirming."""
    msg = update.effective_message
    if msg is None or (access := await guard(update, context)) is None:
        return
    state = context.bot_data
    arg = " ".join(context.args or []).strip()
    if not is_admin(state.settings, sender_id(update)):
        await reply(msg, texts.say(texts.ADMIN_ONLY, asker_script(update, context, arg)))
        return
    if not is_private(update):
        await reply(msg, texts.say(texts.REMOVE_PRIVATE, asker_script(update, context, arg)))
        return
    searcher = await state.live_searcher()
    infos = await asyncio.to_thread(searcher.contracts, collections=access.collections)
    script = asker_script(update, context, arg, names=written_names(infos))
    if not arg:
        await reply(msg, texts.say(texts.REMOVE_USAGE, script))
        return
    chosen = pick_contracts(infos, arg)
    if len(chosen) != 1:
        await reply(msg, await asyncio.to_thread(not_one, infos, chosen, arg, script))
        return
    info = chosen[0]
    path, uploaded = await asyncio.to_thread(_uploaded_file, state, info)
    title, name = escape(to_script(info.title, script)), escape(info.source or info.key)
    if path is None:
        await reply(msg, texts.say(texts.REMOVE_GONE, script, title=title, name=name))
        return
    if not uploaded:
        await reply(msg, texts.say(texts.REMOVE_NOT_UPLOAD, script, title=title, name=name))
        return
    token = secrets.token_hex(4)
    state.removals[token] = Removal(path, info.title, info.key)
    while len(state.removals) > LIMIT:
        state.removals.pop(next(iter(state.removals)))
    buttons = InlineKeyboardMarkup([[
        InlineKeyboardButton(texts.say(texts.REMOVE_YES, script),
                             callback_data=f"{PREFIX}yes:{token}"),
        InlineKeyboardButton(texts.say(texts.REMOVE_NO, script),
                             callback_data=f"{PREFIX}no:{token}")]])
    await reply(msg, texts.say(texts.REMOVE_ASK, script, title=title, name=name),
                markup=buttons)


async def on_remove_button(update: Update, context: Ctx) -> None:
    """删除 (remove and rebuild) or 取消 under a /remove question; once."""
    if (tapped := await admin_button(update, context, PREFIX)) is None:
        return
    message, script, action, token = tapped
    state = context.bot_data
    removal = state.removals.pop(token, None)
    if removal is None:
        await reply(message, texts.say(texts.UPLOAD_EXPIRED, script))
        return
    name = escape(removal.path.name)
    if action != "yes":
        await reply(message, texts.say(texts.REMOVE_CANCELLED, script, name=name))
        return
    await reply(message, await _remove(state, removal, script))
    chat_state(context).forget_known([key_stem(removal.key)])  # said: not again (departures)


async def _rebuild_without(state: BotState, removal: Removal) -> int:
    """Rebuild without the file set aside; the contracts indexed. A build refused only for
    dropping this very contract (the last of its collection folder, which the guard takes for
    a disk not mounted) is what the admin confirmed: it is built so (``replace``)."""
    try:
        return (await rebuild(state)).contracts
    except WouldDropError as err:
        if err.empty or set(err.keys) != {removal.key}:
            raise
    return (await rebuild(state, replace=True)).contracts


async def _remove(state: BotState, removal: Removal, script: Script) -> str:
    """Set the file aside and rebuild; on a refused or failed build, the file is put back
    (the live index was not changed). The reply."""
    path, name = removal.path, escape(removal.path.name)
    title = escape(to_script(removal.title, script))
    async with state.uploads.lock:  # no upload is moved into place meanwhile
        try:
            kept = await asyncio.to_thread(_set_aside, path, state.settings.sources_dir)
        except OSError:  # gone meanwhile, or the folder cannot be written
            return texts.say(texts.REMOVE_CANNOT_MOVE, script, name=name)
        try:
            contracts = await _rebuild_without(state, removal)
        except ContractbotError as err:
            await asyncio.to_thread(_put_back, kept, path)
            why = (texts.say(texts.REMOVE_LAST, script) if isinstance(err, WouldDropError)
                   and err.empty else build_error_text(err, script=script))
            return texts.say(texts.REMOVE_FAILED, script, name=name, why=why)
        except BaseException:  # the server's trouble (or a stop): the file goes back first
            _put_back(kept, path)  # two calls on one folder: no thread (a cancel may be on)
            raise
    return texts.say(texts.REMOVE_DONE, script, title=title, name=name,
                     contracts=contracts)
