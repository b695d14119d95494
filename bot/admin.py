"""Admin work: contract uploads in private (read aside, confirmed before they replace a
contract, undoable), /reindex, and the rebuild behind both."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import re
import unicodedata
from collections.abc import Awaitable, Callable
from html import escape
from pathlib import Path

from telegram import File, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from index import (
    DEFAULT_COLLECTION,
    SOURCE_SUFFIXES,
    BuildReport,
    ContractbotError,
    IndexBusyError,
    MissingSourceError,
    WouldChangeEncoderError,
    WouldDropError,
    ocr_cache_dir,
    private_dir,
    remembered_sources,
)

from . import texts
from .access import is_admin
from .replies import guard, hide_paths, is_private, reply, sender_id
from .state import BotState, Ctx
from .uploads import (
    PendingUpload,
    Replacement,
    check_upload,
    discard,
    install,
    names_of,
    open_staging,
    remove_new,
    to_replace,
    undo,
)

MAX_UPLOAD = 20 * 1024 * 1024
MAX_NAME = 80  # characters of a saved file name: 80 CJK characters are 240 bytes of UTF-8
UPLOAD_TYPES = tuple(sorted(SOURCE_SUFFIXES))  # what a build reads as a contract
_COLLECTION = re.compile(r"[^\W][\w\-]{0,63}")


def upload_folder(sources_dir: Path, caption: str | None) -> Path | None:
    """Where a document goes: the collection named in its caption (a folder below
    ``sources_dir``), ``sources_dir`` itself for none or "default"; None for a name that is
    not a plain folder name."""
    name = (caption or "").strip()
    if not name or name == DEFAULT_COLLECTION:
        return sources_dir
    return sources_dir / name if _COLLECTION.fullmatch(name) else None


def safe_name(name: str) -> str:
    """A file name without directories or odd characters; CJK letters, digits, ._- are kept."""
    base = Path(name.replace("\\", "/")).name
    stem, dot, ext = base.rpartition(".")
    stem = re.sub(r"[^\w\-]+", "_", stem if dot else base).strip("._") or "contract"
    return f"{stem}.{re.sub(r'[^A-Za-z0-9]', '', ext).lower()}" if dot else stem


def upload_name(raw: str) -> tuple[str, str | None]:
    """The name an upload is saved under, and why it cannot be used (or None): too long, with
    control or invisible characters, or without a letter or digit."""
    base = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = safe_name(base)
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") for ch in base):
        return name, texts.NAME_ODD.format(why=texts.NAME_CONTROL)
    if len(name) > MAX_NAME:
        return name, texts.NAME_TOO_LONG.format(length=len(name), limit=MAX_NAME)
    stem = base.rpartition(".")[0] if "." in base else base
    if not any(ch.isalnum() for ch in stem):
        return name, texts.NAME_ODD.format(why=texts.NAME_NO_WORDS)
    return name, None


def upload_refusal(name: str, size: int | None) -> str | None:
    """Why an upload is refused before downloading it (type by name, then size), or None."""
    if not name.lower().endswith(UPLOAD_TYPES):
        return texts.UPLOAD_BAD_TYPE
    if size is not None and size > MAX_UPLOAD:
        return texts.UPLOAD_TOO_BIG
    return None


def library_sources(index_dir: Path, sources_dir: Path) -> list[Path]:
    """What the bot rebuilds: every source the index remembers (a library built with
    ``index build``) and the upload folder, so an upload never drops the rest."""
    roots = list(remembered_sources(index_dir))
    if sources_dir.is_dir() and sources_dir.resolve() not in {r.resolve() for r in roots}:
        roots.append(sources_dir)
    return roots


async def rebuild(state: BotState, *, replace: bool = False) -> BuildReport:
    """The report of a rebuild that starts after this call (queued behind a running one);
    the same rules as ``index build`` (a refused build raises)."""
    pending, _ = state.rebuilds.request(lambda: build_now(state, replace=replace))
    return await pending.result()


async def build_now(state: BotState, *, replace: bool = False) -> BuildReport:
    """Rebuild the index from its sources and the upload folder in a thread, then switch the
    searcher to it."""
    settings = state.settings
    sources = library_sources(settings.index_dir, settings.sources_dir)
    report = await asyncio.to_thread(state.build, sources, settings.index_dir, replace=replace)
    await state.live_searcher()  # questions were answered from the old index meanwhile
    return report


def build_error_text(err: ContractbotError) -> str:
    """A refused or failed build in the admin's words (the index is unchanged): no server
    paths."""
    if isinstance(err, WouldDropError):
        names = "、".join(err.dropped[:3]) + ("等" if len(err.dropped) > 3 else "")
        if err.empty:
            return texts.REBUILD_WOULD_EMPTY.format(total=err.total)
        return texts.REBUILD_WOULD_DROP.format(total=err.total, count=len(err.dropped),
                                               names=escape(hide_paths(names)))
    if isinstance(err, WouldChangeEncoderError):
        return texts.REBUILD_WOULD_CHANGE_ENCODER.format(
            built_with=escape(err.built_with), configured=escape(err.configured),
            clauses=err.clauses)
    if isinstance(err, MissingSourceError):
        names = "、".join(Path(p).name for p in err.paths)
        return texts.REBUILD_MISSING.format(paths=escape(names))
    if isinstance(err, IndexBusyError):
        return texts.INDEX_BUSY
    return texts.REBUILD_FAILED.format(reason=escape(hide_paths(str(err))))


async def on_document(update: Update, context: Ctx) -> None:
    """An admin's PDF/DOCX/TXT or image file in private: read it aside first, then move it into
    sources_dir and index it; replacing a contract of the same name waits for the admin's yes."""
    msg = update.effective_message
    if msg is None or msg.document is None or not is_private(update):
        return
    doc = msg.document
    await _take_upload(update, context, doc.file_name or "contract.txt", doc.file_size,
                       doc.get_file, collection=msg.caption)


async def on_photo(update: Update, context: Ctx) -> None:
    """An admin's photo of a contract in private: saved as <caption or photo-time>.jpg in the
    default collection (the caption names the photo), read by OCR and indexed like any upload."""
    msg = update.effective_message
    if msg is None or not msg.photo or not is_private(update):
        return
    photo = msg.photo[-1]  # the largest size Telegram keeps
    stem = msg.caption or f"photo-{msg.date:%Y%m%d-%H%M%S}-{msg.message_id}"
    await _take_upload(update, context, f"{stem}.jpg", photo.file_size, photo.get_file)


async def _take_upload(update: Update, context: Ctx, raw_name: str, size: int | None,
                       get_file: Callable[[], Awaitable[File]], *,
                       collection: str | None = None) -> None:
    """Check the name, download the upload aside (into its collection's folder) and read it;
    then move it in and index it, or ask first when it would replace a contract."""
    msg = update.effective_message
    assert msg is not None
    state = context.bot_data
    if not is_admin(state.settings, sender_id(update)):
        await reply(msg, texts.ADMIN_ONLY)
        return
    name, refusal = upload_name(raw_name)
    refusal = refusal or upload_refusal(name, size)
    if refusal is not None:
        await reply(msg, escape(refusal))
        return
    root = upload_folder(state.settings.sources_dir, collection)
    if root is None:
        await reply(msg, texts.UPLOAD_BAD_COLLECTION)
        return
    await reply(msg, texts.UPLOAD_WORKING)
    folder = private_dir(root)
    staged, out = open_staging(folder, name)
    with out:
        await (await get_file()).download_to_memory(out=out)
        size = out.tell()
    if size > MAX_UPLOAD:
        discard(staged)
        await reply(msg, texts.UPLOAD_TOO_BIG)
        return
    reading = dataclasses.replace(state.settings.reading(), stop=state.stopping)
    checked = await asyncio.to_thread(check_upload, staged, rules_file=state.settings.rules_file,
                                      ocr_cache=ocr_cache_dir(state.settings.index_dir),
                                      reading=reading)
    if isinstance(checked, str):  # unreadable: nothing in sources_dir or the index changed
        discard(staged)
        await reply(msg, texts.UPLOAD_FAILED.format(name=escape(name),
                                                    reason=escape(hide_paths(checked))))
        return
    target = folder / name
    replaced = await asyncio.to_thread(to_replace, target, sources=folder,
                                       index_dir=state.settings.index_dir)
    if replaced or (await state.live_searcher()).reaches(target.stem):
        token = state.uploads.ask(PendingUpload(staged, target))
        existing = names_of(replaced) or target.stem
        await reply(msg, texts.UPLOAD_CONFIRM.format(
            existing=escape(existing), name=escape(name), title=escape(checked.title),
            clauses=len(checked.clauses)), markup=InlineKeyboardMarkup([[
                InlineKeyboardButton(texts.BUTTON_REPLACE, callback_data=f"upload:yes:{token}"),
                InlineKeyboardButton(texts.BUTTON_KEEP, callback_data=f"upload:no:{token}")]]))
        return
    await put_in_place(msg, state, staged, target)


async def on_upload_button(update: Update, context: Ctx) -> None:
    """The buttons of an upload: replace (yes), keep the original (no), undo a replacement."""
    query = update.callback_query
    if query is None or not isinstance(query.message, Message):
        return
    await query.answer()
    state = context.bot_data
    if not is_private(update) or not is_admin(state.settings, sender_id(update)):
        return
    action, _, token = (query.data or "").partition(":")[2].partition(":")
    with contextlib.suppress(BadRequest):  # the buttons may be gone already
        await query.edit_message_reply_markup(None)
    if action == "undo":
        await undo_upload(query.message, state, token)
        return
    upload = state.uploads.answer(token)
    if upload is None:
        await reply(query.message, texts.UPLOAD_EXPIRED)
    elif action == "yes":
        await put_in_place(query.message, state, upload.staged, upload.target)
    else:
        discard(upload.staged)
        await reply(query.message, texts.UPLOAD_KEPT.format(name=escape(upload.target.name)))


async def put_in_place(msg: Message, state: BotState, staged: Path, target: Path) -> None:
    """Move a read upload into place (keeping what it replaces), index it, and reply; if the
    build cannot index it after all, everything is put back as it was."""
    settings = state.settings
    async with state.uploads.lock:
        replaced = await asyncio.to_thread(to_replace, target, sources=settings.sources_dir,
                                           index_dir=settings.index_dir)
        try:
            done = await asyncio.to_thread(install, staged, target, replaced,
                                           sources=settings.sources_dir)
        except FileExistsError:
            discard(staged)
            await reply(msg, texts.UPLOAD_NAME_TAKEN.format(name=escape(target.name)))
            return
        try:
            report = await rebuild(state)
        except ContractbotError as err:  # the file is in place: the next build indexes it
            await reply(msg, texts.UPLOAD_NOT_INDEXED.format(
                name=escape(target.name), reason=build_error_text(err)))
            return
        failure = next((r for s, r in report.failed if _same_file(Path(s), target)), None)
        if failure is not None:
            await _take_back(done, state)
            lines = [texts.UPLOAD_FAILED.format(name=escape(target.name),
                                                reason=escape(hide_paths(failure)))]
            if done.saved:
                lines.append(texts.UPLOAD_RESTORED.format(old=escape(", ".join(done.names))))
            await reply(msg, "\n".join(lines))
            return
    await _reply_indexed(msg, state, report, done)


async def _take_back(done: Replacement, state: BotState) -> None:
    """Undo an upload the build could not index; rebuild when it had replaced something."""
    if not done.saved:
        await asyncio.to_thread(remove_new, done)
        return
    await asyncio.to_thread(undo, done)
    with contextlib.suppress(ContractbotError):  # the originals are back on disk either way
        await rebuild(state)


async def _reply_indexed(msg: Message, state: BotState, report: BuildReport,
                         done: Replacement) -> None:
    """The title and clause count of an indexed upload, its notes, and an undo button."""
    target = done.installed
    info = next((c for c in state.searcher.contracts() if c.key == target.stem), None)
    if info is None:
        await reply(msg, texts.UPLOAD_FAILED.format(name=escape(target.name), reason="未能收录"))
        return
    lines = [texts.UPLOAD_OK.format(title=escape(info.title), clauses=info.clauses)]
    lines += [texts.UPLOAD_NOTE.format(note=escape(n))
              for s, n in report.notes if _same_file(Path(s), target)]
    markup = None
    if done.saved:
        lines.append(texts.UPLOAD_REPLACED.format(old=escape(", ".join(done.names))))
        token = state.uploads.keep_undo(done)
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(
            texts.BUTTON_UNDO, callback_data=f"upload:undo:{token}")]])
    await reply(msg, "\n".join(lines), markup=markup)


async def undo_upload(msg: Message, state: BotState, token: str) -> None:
    """Put back the files an upload replaced (the upload is kept beside their copies)."""
    done = state.uploads.take_undo(token)
    if done is None:
        await reply(msg, texts.UPLOAD_EXPIRED)
        return
    old = escape(", ".join(done.names))
    async with state.uploads.lock:
        try:
            await asyncio.to_thread(undo, done)
        except FileExistsError:
            await reply(msg, texts.UNDO_FAILED.format(old=old))
            return
        try:
            await rebuild(state)
        except ContractbotError as err:
            await reply(msg, build_error_text(err))
            return
    await reply(msg, texts.UPLOAD_UNDONE.format(old=old))


def _same_file(reported: Path, target: Path) -> bool:
    """Whether a build report's source is the file at ``target``."""
    return reported == target or reported.resolve() == target.resolve()


async def cmd_reindex(update: Update, context: Ctx) -> None:
    """/reindex [replace] (admins, in allowed chats): rebuild the index from its sources and
    the upload folder; during a build, one more is queued and each chat is told each result
    once."""
    msg, chat = update.effective_message, update.effective_chat
    if msg is None or chat is None or not await guard(update, context):
        return
    state = context.bot_data
    if not is_admin(state.settings, sender_id(update)):
        await reply(msg, texts.ADMIN_ONLY)
        return
    replace = any(a.lower().lstrip("-") == "replace" for a in context.args or ())
    pending, behind = state.rebuilds.request(lambda: build_now(state, replace=replace))
    if not pending.claim(chat.id):
        return  # this chat already waits for that build's result
    if behind:
        await reply(msg, texts.REINDEX_QUEUED)
    try:
        report = await pending.result()
    except ContractbotError as err:
        await reply(msg, build_error_text(err))
        return
    lines = [texts.REINDEX_OK.format(contracts=report.contracts, clauses=report.clauses)]
    lines += [texts.REINDEX_FAILED.format(name=escape(Path(s).name), reason=escape(hide_paths(r)))
              for s, r in report.failed]
    lines += [texts.REINDEX_FAILED.format(name=escape(Path(s).name), reason=escape(n))
              for s, n in report.notes]
    await reply(msg, "\n".join(lines))
