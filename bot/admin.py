"""Admin work: contract uploads in private, /reindex, and the rebuild behind both."""

from __future__ import annotations

import asyncio
import re
from html import escape
from pathlib import Path

from telegram import Update

from index import BuildReport, ContractbotError

from . import texts
from .access import is_admin
from .replies import is_private, reply, sender_id
from .state import BotState, Ctx

MAX_UPLOAD = 20 * 1024 * 1024
UPLOAD_TYPES = (".pdf", ".docx", ".txt")
DEFAULT_COLLECTION = "default"
_COLLECTION = re.compile(r"[^\W][\w\-]{0,63}")


def upload_folder(sources_dir: Path, caption: str | None) -> Path | None:
    """Where an upload goes: the collection named in its caption (a folder below
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


def upload_refusal(name: str, size: int | None) -> str | None:
    """Why an upload is refused before downloading it (type by name, then size), or None."""
    if not name.lower().endswith(UPLOAD_TYPES):
        return texts.UPLOAD_BAD_TYPE
    if size is not None and size > MAX_UPLOAD:
        return texts.UPLOAD_TOO_BIG
    return None


async def rebuild(state: BotState) -> BuildReport:
    """Rebuild the index from sources_dir in a thread, then switch the searcher to it."""
    settings = state.settings
    report = await asyncio.to_thread(state.build, [settings.sources_dir], settings.index_dir)
    await state.live_searcher()  # questions were answered from the old index meanwhile
    return report


async def on_document(update: Update, context: Ctx) -> None:
    """An admin's PDF/DOCX/TXT in private: save it under sources_dir and index it."""
    msg = update.effective_message
    if msg is None or msg.document is None or not is_private(update):
        return
    state = context.bot_data
    if not is_admin(state.settings, sender_id(update)):
        await reply(msg, texts.ADMIN_ONLY)
        return
    doc = msg.document
    name = safe_name(doc.file_name or "contract.txt")
    refusal = upload_refusal(name, doc.file_size)
    if refusal is not None:
        await reply(msg, refusal)
        return
    folder = upload_folder(state.settings.sources_dir, msg.caption)
    if folder is None:
        await reply(msg, texts.UPLOAD_BAD_COLLECTION)
        return
    await reply(msg, texts.UPLOAD_WORKING)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    before = {c.key for c in (await state.live_searcher()).contracts()}
    tg_file = await doc.get_file()
    await tg_file.download_to_drive(target)
    try:
        report = await rebuild(state)
    except ContractbotError as err:  # e.g. another build holds the index lock
        await reply(msg, texts.UPLOAD_FAILED.format(name=escape(name), reason=escape(str(err))))
        return
    failure = next((r for s, r in report.failed if Path(s).resolve() == target.resolve()), None)
    if failure is not None:
        target.unlink(missing_ok=True)
        await reply(msg, texts.UPLOAD_FAILED.format(name=escape(name), reason=escape(failure)))
        return
    after = state.searcher.contracts()
    new = [c for c in after if c.key not in before]
    # The parser keys a contract by its file stem; a replaced file keeps its key.
    info = next((c for c in after if c.key == target.stem), new[0] if len(new) == 1 else None)
    if info is None:
        await reply(msg, texts.UPLOAD_FAILED.format(name=escape(name), reason="未能收录"))
        return
    lines = [texts.UPLOAD_OK.format(title=escape(info.title), clauses=info.clauses)]
    lines += [texts.UPLOAD_NOTE.format(note=escape(n))
              for s, n in report.notes if Path(s).name == name]
    await reply(msg, "\n".join(lines))


async def cmd_reindex(update: Update, context: Ctx) -> None:
    """/reindex (admins): rebuild the index from sources_dir."""
    msg = update.effective_message
    if msg is None:
        return
    if not is_admin(context.bot_data.settings, sender_id(update)):
        await reply(msg, texts.ADMIN_ONLY)
        return
    try:
        report = await rebuild(context.bot_data)
    except ContractbotError as err:
        await reply(msg, texts.QUERY_ERROR.format(reason=escape(str(err))))
        return
    lines = [texts.REINDEX_OK.format(contracts=report.contracts, clauses=report.clauses)]
    lines += [texts.REINDEX_FAILED.format(name=escape(Path(s).name), reason=escape(r))
              for s, r in report.failed]
    lines += [texts.REINDEX_FAILED.format(name=escape(Path(s).name), reason=escape(n))
              for s, n in report.notes]
    await reply(msg, "\n".join(lines))
