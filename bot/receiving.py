"""Receiving contracts: a document, a photo or an album of photos an admin sends in private,
named and checked, downloaded aside and read there, then put in place (``placing``), or held
for the admin's yes when it would replace a contract or make a collection no chat reads."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable
from html import escape
from pathlib import Path
from typing import BinaryIO

from telegram import File, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from index import (
    IMAGE_SUFFIXES,
    SOURCE_SUFFIXES,
    TEXT_SUFFIXES,
    Contract,
    Script,
    Searcher,
    SourceEntry,
    collection_of,
    known_unsupported,
    ocr_cache_dir,
    private_dir,
    to_script,
)

from . import texts
from .access import is_admin
from .captions import (
    Collections,
    Destination,
    collections_now,
    new_collection_text,
    split_caption,
    upload_destination,
)
from .filenames import renamed, upload_name
from .held import keep_held
from .placing import put_in_place
from .reasons import reason_words
from .replies import (
    asker_script,
    chat_state,
    hide_paths,
    is_private,
    reply,
    sender_id,
    within_rate,
)
from .state import BotState, Ctx
from .uploads import (
    PendingUpload,
    check_upload,
    discard,
    held_elsewhere,
    indexed_copy,
    names_of,
    open_staging,
    saved_unindexed,
    to_replace,
)

MAX_UPLOAD = 20 * 1024 * 1024
UPLOAD_TYPES = tuple(sorted(SOURCE_SUFFIXES))  # what a build reads as a contract
# why a photo is refused when it holds no contract OCR could read: a page alone, or from afar
_NOT_A_PAGE_READ = frozenset({"no text found in the image", "does not look like a contract"})


def upload_refusal(name: str, size: int | None) -> str | None:
    """Why an upload is refused before downloading it (type by name, then size), or None: a
    type we know and do not read (.doc, .xlsx, HEIC) with what to do instead, as a build says
    it; another with the list of the types we read."""
    if not name.lower().endswith(UPLOAD_TYPES):
        known = known_unsupported(Path(name).suffix)
        if known is None:
            return texts.UPLOAD_BAD_TYPE
        words = reason_words(known, "simplified")
        return words if words.endswith("。") else f"{words}。"
    if size is not None and size > MAX_UPLOAD:
        return texts.UPLOAD_TOO_BIG
    return None


def group_media_hint(update: Update, context: Ctx) -> str:
    """What a file or photo sent to the bot in a group is told: an admin's contract file (PDF,
    DOCX, text) that contracts are taken in private; anything else (a photo or an image file
    is more likely a question about a clause) that questions are asked in words."""
    msg = update.effective_message
    doc = msg.document if msg is not None else None
    suffix = Path(doc.file_name or "").suffix.lower() if doc is not None else ""
    if suffix in SOURCE_SUFFIXES - IMAGE_SUFFIXES \
            and is_admin(context.bot_data.settings, sender_id(update)):
        return texts.UPLOAD_IN_PRIVATE
    return texts.NOT_TEXT_GROUP


async def on_document(update: Update, context: Ctx) -> None:
    """An admin's contract file in private: read aside, then put in place and indexed."""
    # PDF, DOCX, TXT or an image; replacing a contract of the same name waits for the admin's
    # yes.
    msg = update.effective_message
    if msg is None or msg.document is None or not is_private(update):
        return
    doc = msg.document
    await _take_upload(update, context, doc.file_name or "contract.txt", doc.file_size,
                       _download(doc.get_file), collection=msg.caption, caption=msg.caption)


async def on_photo(update: Update, context: Ctx) -> None:
    """An admin's photo of a contract in private: read by OCR and indexed like any upload."""
    # Saved as <caption or photo-time>.jpg (a caption "collection/name" puts it in that
    # collection); photos sent together (an album) are one contract, one PDF of their pages.
    msg = update.effective_message
    if msg is None or not msg.photo or not is_private(update):
        return
    if msg.media_group_id is not None:
        await _take_album(update, context, msg)
        return
    photo = msg.photo[-1]  # the largest size Telegram keeps
    collection, stem = split_caption(msg.caption)
    stem = stem or f"photo-{msg.date:%Y%m%d-%H%M%S}-{msg.message_id}"
    await _take_upload(update, context, f"{stem}.jpg", photo.file_size,
                       _download(photo.get_file), collection=collection, caption=msg.caption)


async def _take_album(update: Update, context: Ctx, msg: Message) -> None:
    """The first photo of an album waits for the others, then takes them as one upload."""
    albums = context.bot_data.albums
    album = albums.add(msg)
    if album is None:
        return  # the album's first photo takes it
    try:
        await album.complete()
    finally:
        albums.done(msg)
    first = album.pages[0]
    collection, stem = split_caption(album.caption)
    stem = stem or f"photos-{first.date:%Y%m%d-%H%M%S}-{first.message_id}"
    await _take_upload(update, context, f"{stem}.pdf", album.size, album.write_pdf,
                       collection=collection, caption=album.caption, photos=True)


def working_text(name: str, *, photos: bool = False) -> str:
    """The line an upload named ``name`` is first answered with: the OCR estimate only where
    pages may be read by OCR, said as what it is for that kind of file (a PDF or DOCX with a
    text layer is not read by OCR; a text file never is; an image, or the PDF made of an
    album's ``photos``, always is)."""
    suffix = Path(name).suffix.lower()
    if photos:
        return texts.UPLOAD_WORKING
    if suffix in TEXT_SUFFIXES:
        return texts.UPLOAD_WORKING_TEXT
    return {".pdf": texts.UPLOAD_WORKING_PDF,
            ".docx": texts.UPLOAD_WORKING_DOCX}.get(suffix, texts.UPLOAD_WORKING)


def _holds(searcher: Searcher, collection: str, stem: str) -> bool:
    """Whether ``collection`` has an indexed contract of file name ``stem``."""
    return any(c.stem == stem for c in searcher.contracts(collections=frozenset({collection})))


def _copy_text(copy: SourceEntry, target: Path, script: Script) -> str:
    """An upload whose bytes an indexed contract of its collection holds: the same file
    again (unchanged), or a copy under another name (not indexed twice)."""
    title = escape(to_script(copy.title, script))
    existing = Path(copy.source).name
    if existing == target.name:
        return texts.say(texts.UPLOAD_UNCHANGED, script, name=escape(target.name), title=title,
                         clauses=copy.clauses)
    return texts.say(texts.UPLOAD_DUPLICATE, script, name=escape(target.name),
                     existing=escape(existing), title=title)


def _download(get_file: Callable[[], Awaitable[File]]) -> Callable[[BinaryIO], Awaitable[None]]:
    """Writing the Telegram file ``get_file`` gives into a staging file."""
    async def fetch(out: BinaryIO) -> None:
        await (await get_file()).download_to_memory(out=out)
    return fetch


async def _take_upload(update: Update, context: Ctx, raw_name: str, size: int | None,
                       fetch: Callable[[BinaryIO], Awaitable[None]], *,
                       collection: str | None = None, caption: str | None = None,
                       photos: bool = False) -> None:
    """An upload (``photos``: the PDF made of an album's photos): refused unless an admin sent
    it with a usable name, type, size and collection (``captions``: one no chat would read is
    asked about once it is read); then ``_receive``d (a name another collection has is fine:
    each collection has its own files). Its replies are in the
    script of its ``caption`` (客戶甲)."""
    msg = update.effective_message
    assert msg is not None
    state = context.bot_data
    script = asker_script(update, context, caption)
    if not is_admin(state.settings, sender_id(update)):
        if await within_rate(update, context):
            await reply(msg, texts.say(texts.ADMIN_ONLY, script))
        return
    name, refusal = upload_name(raw_name)
    refusal = refusal or upload_refusal(name, size)
    if refusal is not None:
        await reply(msg, escape(texts.in_script(refusal, script)))
        return
    known = await collections_now(state)
    place = upload_destination(state.settings.sources_dir, collection, known)
    if place is None:
        await reply(msg, texts.say(texts.UPLOAD_BAD_COLLECTION, script))
        return
    told = [texts.say(working_text(name, photos=photos), script)]
    if renamed(raw_name, name):
        told.append(texts.say(texts.UPLOAD_RENAMED, script, name=escape(name)))
    with state.placements.receiving():  # uploads read meanwhile wait for it: one rebuild
        await reply(msg, "\n".join(told))
        ready = await _receive(msg, state, name, place, fetch, script=script,
                               new=_NewCollection(known, caption) if place.new else None)
    if ready is not None:
        await put_in_place(msg, state, *ready, chat=chat_state(context), script=script)


@dataclasses.dataclass(frozen=True)
class _NewCollection:
    """What the question about a new collection names: the collections ``known`` and the
    upload's ``caption``."""

    known: Collections
    caption: str | None


async def _receive(msg: Message, state: BotState, name: str, place: Destination,
                   fetch: Callable[[BinaryIO], Awaitable[None]], *, script: Script,
                   new: _NewCollection | None = None) -> tuple[Path, Path] | None:
    """Download an upload aside (into its collection's folder, or, for a ``new`` collection,
    the upload folder: nothing of that collection is made before the admin says so) and read
    it: the staged file and where it goes when it is to be moved in and indexed, or None when
    it was answered (refused, unchanged, on its way in already, or asked first because it
    would replace a contract or make a new collection)."""
    root = place.folder
    aside = state.settings.sources_dir if new is not None else root
    staged, out = await asyncio.to_thread(open_staging, await asyncio.to_thread(
        private_dir, aside), name)
    try:
        with out:
            await fetch(out)
            size = out.tell()
    except BaseException as err:  # nothing of a failed download is kept
        await asyncio.to_thread(discard, staged)
        if not (isinstance(err, BadRequest) and "too big" in err.message.lower()):
            raise
        size = MAX_UPLOAD + 1  # Telegram serves bots files of 20 MB at most
    if size > MAX_UPLOAD:
        await asyncio.to_thread(discard, staged)
        await reply(msg, texts.say(texts.UPLOAD_TOO_BIG, script))
        return None
    target = root / name
    here = collection_of(target, [state.settings.sources_dir])
    if (copy := await asyncio.to_thread(indexed_copy, staged, target,
                                        index_dir=state.settings.index_dir,
                                        collection=here,
                                        rules_file=state.settings.rules_file)) is not None:
        await asyncio.to_thread(discard, staged)  # nothing to read, move or rebuild
        await reply(msg, _copy_text(copy, target, script))
        return None
    if await state.placements.on_its_way(staged, target):  # sent twice quickly
        await asyncio.to_thread(discard, staged)
        await reply(msg, texts.say(texts.UPLOAD_ALREADY_ADDING, script, name=escape(name)))
        return None
    reading = dataclasses.replace(state.settings.reading(), stop=state.stopping)
    checked = await asyncio.to_thread(check_upload, staged, rules_file=state.settings.rules_file,
                                      ocr_cache=ocr_cache_dir(state.settings.index_dir),
                                      reading=reading)
    if isinstance(checked, str):  # unreadable: nothing in sources_dir or the index changed
        await asyncio.to_thread(discard, staged)
        reason = reason_words(checked, script)
        told = [texts.say(texts.UPLOAD_FAILED, script, name=escape(name),
                          reason=escape(hide_paths(reason)))]
        if Path(name).suffix.lower() in IMAGE_SUFFIXES and checked in _NOT_A_PAGE_READ:
            told.append(texts.say(texts.UPLOAD_PHOTO_HINT, script))
        await reply(msg, "\n".join(told))
        return None
    if new is not None:  # read, and held until the admin makes its collection or not
        await _ask_new_collection(msg, state, staged, target, checked, place, new,
                                  script=script)
        return None
    replaced = await asyncio.to_thread(to_replace, target, sources=root,
                                       index_dir=state.settings.index_dir, collection=here)
    if await asyncio.to_thread(saved_unindexed, staged, target, replaced,
                               index_dir=state.settings.index_dir, collection=here):
        return staged, target  # saved before, never indexed: the rebuild reads it (placing)
    if not replaced and (elsewhere := await asyncio.to_thread(
            held_elsewhere, target, sources=root, index_dir=state.settings.index_dir,
            collection=here)):
        await asyncio.to_thread(discard, staged)
        await reply(msg, texts.say(texts.UPLOAD_NAME_IN_LIBRARY, script,
                                   existing=escape(elsewhere[0].name), name=escape(name)))
        return None
    searcher = await state.live_searcher()
    held = bool(replaced) or await asyncio.to_thread(_holds, searcher, here, target.stem)
    if held:
        token = await _hold(state, PendingUpload(staged, target))
        existing = names_of(replaced) or target.stem
        await reply(msg, texts.say(texts.UPLOAD_CONFIRM, script,
            existing=escape(existing), name=escape(name),
            title=escape(to_script(checked.title, script)),
            clauses=len(checked.clauses)), markup=InlineKeyboardMarkup([[
                InlineKeyboardButton(texts.say(texts.BUTTON_REPLACE, script),
                                     callback_data=f"upload:yes:{token}"),
                InlineKeyboardButton(texts.say(texts.BUTTON_KEEP, script),
                                     callback_data=f"upload:no:{token}")]]))
        return None
    return staged, target


async def _hold(state: BotState, upload: PendingUpload) -> str:
    """Hold ``upload`` for the admin's answer, past a restart too (``held``); its token."""
    token = state.uploads.ask(upload)
    await asyncio.to_thread(keep_held, token, upload)
    return token


async def _ask_new_collection(msg: Message, state: BotState, staged: Path, target: Path,
                              checked: Contract, place: Destination, new: _NewCollection, *,
                              script: Script) -> None:
    """Hold a read upload for a collection that does not exist and no chat reads: the admin
    is shown the collections there are, and makes the new one with a button (or drops it)."""
    token = await _hold(state, PendingUpload(staged, target))
    text = new_collection_text(place, new.known, name=target.name,
                               title=to_script(checked.title, script),
                               clauses=len(checked.clauses), caption=new.caption,
                               script=script)
    await reply(msg, text, markup=InlineKeyboardMarkup([[
        InlineKeyboardButton(texts.say(texts.BUTTON_NEW_COLLECTION, script),
                             callback_data=f"upload:new:{token}"),
        InlineKeyboardButton(texts.say(texts.BUTTON_CANCEL, script),
                             callback_data=f"upload:drop:{token}")]]))
