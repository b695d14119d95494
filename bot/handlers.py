"""Telegram update handlers: questions, commands, the 更多 button, uploads, errors."""

from __future__ import annotations

import asyncio
import logging
import re
from html import escape
from pathlib import Path

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, ReplyParameters, Update
from telegram.constants import ChatAction, ChatType, MessageEntityType, ParseMode

from index import (
    BuildReport,
    ContractbotError,
    EmptyQuestionError,
    NoWordsError,
    QueryError,
    QuestionTooLongError,
    Script,
    SearchResult,
    UnknownContractError,
    detect_script,
)

from . import texts
from .access import chat_allowed, is_admin
from .compose import compose
from .render import render_answer
from .settings import Settings
from .state import ChatData, Ctx, MorePage

log = logging.getLogger(__name__)
MAX_UPLOAD = 20 * 1024 * 1024
UPLOAD_TYPES = (".pdf", ".docx", ".txt")
PRIVATE_HITS, GROUP_HITS, FETCH = 5, 3, 30


def _settings(context: Ctx) -> Settings:
    return context.bot_data.settings


def _chat(context: Ctx) -> ChatData:
    """This chat's state (a throwaway one for an update without a chat)."""
    return context.chat_data if context.chat_data is not None else ChatData()


def _is_private(update: Update) -> bool:
    return bool(update.effective_chat and update.effective_chat.type == ChatType.PRIVATE)


async def _reply(message: Message, html: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Reply to ``message`` in its chat (and forum topic), quoting it."""
    await message.get_bot().send_message(
        chat_id=message.chat_id, text=html, parse_mode=ParseMode.HTML,
        reply_parameters=ReplyParameters(message.message_id, allow_sending_without_reply=True),
        message_thread_id=message.message_thread_id if message.is_topic_message else None,
        reply_markup=markup,
    )


async def _guard(update: Update, context: Ctx) -> bool:
    """True when the chat may ask; otherwise reply with the chat id and no contract text."""
    chat, msg = update.effective_chat, update.effective_message
    if chat is None:
        return False
    user = update.effective_user
    if chat_allowed(_settings(context), chat.id, user.id if user else None):
        return True
    if msg is not None:
        script = detect_script(msg.text or "")
        await _reply(msg, texts.say(texts.NOT_ALLOWED, script, chat_id=chat.id))
    return False


def addressed_text(message: Message, username: str, bot_id: int) -> str | None:
    """The question in a group message addressed to the bot, or None when it is chatter."""
    text = message.text or ""
    reply = message.reply_to_message
    mentioned = False
    for entity in message.entities or ():
        part = message.parse_entity(entity)
        name = part.lstrip("@").lower()
        if entity.type == MessageEntityType.MENTION and name == username.lower():
            mentioned = True
            text = text.replace(part, " ")
        elif entity.type == MessageEntityType.TEXT_MENTION and entity.user and \
                entity.user.id == bot_id:
            mentioned = True
            text = text.replace(part, " ")
    if mentioned or (reply is not None and reply.from_user is not None
                     and reply.from_user.id == bot_id):
        return text.strip()
    return None


def query_error_text(err: QueryError, script: Script) -> str:
    """A question the search refused, in the user's words and script."""
    if isinstance(err, EmptyQuestionError):
        return texts.say(texts.ASK_USAGE, script)
    if isinstance(err, QuestionTooLongError):
        return texts.say(texts.QUESTION_TOO_LONG, script, limit=err.limit)
    if isinstance(err, NoWordsError):
        return texts.say(texts.QUESTION_NO_WORDS, script)
    if isinstance(err, UnknownContractError):
        return texts.say(texts.UNKNOWN_CONTRACT, script, name=escape(err.name))
    return texts.say(texts.QUERY_ERROR, script, reason=escape(str(err)))


async def answer(update: Update, context: Ctx, question: str) -> None:
    """Search in a thread, then reply with the composed answer (and a 更多 button)."""
    msg = update.effective_message
    if msg is None:
        return
    script = detect_script(question)
    if not question.strip():
        await _reply(msg, texts.say(texts.ASK_USAGE, script))
        return
    await context.bot.send_chat_action(msg.chat_id, ChatAction.TYPING,
                                       message_thread_id=msg.message_thread_id
                                       if msg.is_topic_message else None)
    searcher = await context.bot_data.live_searcher()
    scope = _chat(context).scope
    try:
        result = await asyncio.to_thread(searcher.search, question, scope, FETCH)
    except QueryError as err:
        await _reply(msg, query_error_text(err, script))
        return
    size = PRIVATE_HITS if _is_private(update) else GROUP_HITS
    await _send_page(msg, context, MorePage(result, 0, size, script))


async def _send_page(msg: Message, context: Ctx, page: MorePage) -> None:
    """Send one page of hits; a 更多 button when more remain."""
    result, offset, size, script = page
    answer_ = compose(result, hits=result.hits[offset:offset + size])
    messages = render_answer(answer_)
    if not answer_.found:
        messages[-1] += "\n" + texts.say(texts.NOTHING_HINT, script)
    markup = None
    if answer_.found and offset + size < len(result.hits):
        key = _chat(context).keep(MorePage(result, offset + size, size, script))
        markup = InlineKeyboardMarkup(
            [[InlineKeyboardButton(texts.say(texts.MORE, script), callback_data=f"more:{key}")]])
    for i, html in enumerate(messages):
        await _reply(msg, html, markup if i == len(messages) - 1 else None)


async def on_more(update: Update, context: Ctx) -> None:
    """The 更多 button: send the next hits of the stored question."""
    query = update.callback_query
    if query is None or query.message is None or not isinstance(query.message, Message):
        return
    await query.answer()
    if not await _guard(update, context):
        return
    key = (query.data or "").partition(":")[2]
    stored = _chat(context).take(key)
    await query.edit_message_reply_markup(None)
    if stored is None:
        await _reply(query.message, texts.say(texts.NO_MORE, "simplified"))
        return
    await _send_page(query.message, context, stored)


async def on_text(update: Update, context: Ctx) -> None:
    """A plain message: a question in private; in groups only when it addresses the bot."""
    msg = update.effective_message
    if msg is None or msg.text is None:
        return
    if _is_private(update):
        question: str | None = msg.text
    else:
        question = addressed_text(msg, context.bot.username, context.bot.id)
    if question is None:
        return
    if await _guard(update, context):
        await answer(update, context, question)


async def cmd_ask(update: Update, context: Ctx) -> None:
    """/ask QUESTION."""
    if await _guard(update, context):
        await answer(update, context, " ".join(context.args or []))


async def cmd_start(update: Update, context: Ctx) -> None:
    """/start: what the bot is, how to ask, this chat's id (shown to everyone)."""
    msg, chat = update.effective_message, update.effective_chat
    if msg is None or chat is None:
        return
    await _reply(msg, texts.START.format(chat_id=chat.id))


async def cmd_help(update: Update, context: Ctx) -> None:
    """/help: commands with examples."""
    msg = update.effective_message
    if msg is None:
        return
    user = update.effective_user
    extra = texts.ADMIN_HELP if is_admin(_settings(context), user.id if user else None) else ""
    await _reply(msg, escape(texts.HELP + extra))


async def cmd_contracts(update: Update, context: Ctx) -> None:
    """/contracts: key, title and clause count of each indexed contract."""
    msg = update.effective_message
    if msg is None or not await _guard(update, context):
        return
    infos = (await context.bot_data.live_searcher()).contracts()
    if not infos:
        await _reply(msg, texts.NO_CONTRACTS)
        return
    lines = [texts.CONTRACTS_HEAD] + [
        texts.CONTRACT_LINE.format(n=n, key=escape(c.key), title=escape(c.title), clauses=c.clauses)
        for n, c in enumerate(infos, 1)
    ]
    await _reply(msg, "\n".join(lines))


async def cmd_use(update: Update, context: Ctx) -> None:
    """/use KEY|N|all: scope this chat to one contract, or clear the scope."""
    msg = update.effective_message
    if msg is None or not await _guard(update, context):
        return
    arg = " ".join(context.args or []).strip()
    if not arg:
        await _reply(msg, texts.USE_USAGE)
        return
    if arg.lower() in ("all", "全部"):
        _chat(context).scope = None
        await _reply(msg, texts.USE_CLEARED)
        return
    infos = (await context.bot_data.live_searcher()).contracts()
    chosen = next((c for c in infos if c.key == arg), None)
    if chosen is None and arg.isdigit() and 1 <= int(arg) <= len(infos):
        chosen = infos[int(arg) - 1]
    if chosen is None:
        await _reply(msg, texts.USE_UNKNOWN.format(arg=escape(arg)))
        return
    _chat(context).scope = chosen.key
    await _reply(msg, texts.USE_SET.format(title=escape(chosen.title)))


async def cmd_clause(update: Update, context: Ctx) -> None:
    """/clause NUMBER [KEY]: quote that clause."""
    msg = update.effective_message
    if msg is None or not await _guard(update, context):
        return
    args = context.args or []
    if not args:
        await _reply(msg, texts.CLAUSE_USAGE)
        return
    number = args[0]
    contract = args[1] if len(args) > 1 else _chat(context).scope
    searcher = await context.bot_data.live_searcher()
    try:
        hits = await asyncio.to_thread(searcher.get_clause, number, contract)
    except QueryError as err:
        await _reply(msg, query_error_text(err, "simplified"))
        return
    if not hits:
        await _reply(msg, texts.CLAUSE_MISSING.format(number=escape(number)))
        return
    result = SearchResult(question=number, hits=tuple(hits))
    for html in render_answer(compose(result)):
        await _reply(msg, html)


def safe_name(name: str) -> str:
    """A file name without directories or odd characters; CJK letters, digits, ._- are kept."""
    base = Path(name.replace("\\", "/")).name
    stem, dot, ext = base.rpartition(".")
    stem = re.sub(r"[^\w\-]+", "_", stem if dot else base).strip("._") or "contract"
    return f"{stem}.{re.sub(r'[^A-Za-z0-9]', '', ext).lower()}" if dot else stem


async def on_document(update: Update, context: Ctx) -> None:
    """An admin's PDF/DOCX/TXT in private: save it under sources_dir and index it."""
    msg = update.effective_message
    if msg is None or msg.document is None or not _is_private(update):
        return
    settings = _settings(context)
    user = update.effective_user
    if not is_admin(settings, user.id if user else None):
        await _reply(msg, texts.ADMIN_ONLY)
        return
    doc = msg.document
    name = safe_name(doc.file_name or "contract.txt")
    if not name.lower().endswith(UPLOAD_TYPES):
        await _reply(msg, texts.UPLOAD_BAD_TYPE)
        return
    if doc.file_size is not None and doc.file_size > MAX_UPLOAD:
        await _reply(msg, texts.UPLOAD_TOO_BIG)
        return
    await _reply(msg, texts.UPLOAD_WORKING)
    settings.sources_dir.mkdir(parents=True, exist_ok=True)
    target = settings.sources_dir / name
    before = {c.key for c in (await context.bot_data.live_searcher()).contracts()}
    tg_file = await doc.get_file()
    await tg_file.download_to_drive(target)
    try:
        report = await _rebuild(context)
    except ContractbotError as err:  # e.g. another build holds the index lock
        await _reply(msg, texts.UPLOAD_FAILED.format(name=escape(name), reason=escape(str(err))))
        return
    failure = next((r for s, r in report.failed if Path(s).name == name), None)
    if failure is not None:
        target.unlink(missing_ok=True)
        await _reply(msg, texts.UPLOAD_FAILED.format(name=escape(name), reason=escape(failure)))
        return
    after = context.bot_data.searcher.contracts()
    new = [c for c in after if c.key not in before]
    # The parser keys a contract by its file stem; a replaced file keeps its key.
    info = next((c for c in after if c.key == target.stem), new[0] if len(new) == 1 else None)
    if info is None:
        await _reply(msg, texts.UPLOAD_FAILED.format(name=escape(name), reason="未能收录"))
        return
    lines = [texts.UPLOAD_OK.format(title=escape(info.title), clauses=info.clauses)]
    lines += [texts.UPLOAD_NOTE.format(note=escape(n))
              for s, n in report.notes if Path(s).name == name]
    await _reply(msg, "\n".join(lines))


async def _rebuild(context: Ctx) -> BuildReport:
    """Rebuild the index from sources_dir in a thread, then switch the searcher to it."""
    state = context.bot_data
    report = await asyncio.to_thread(state.build, [state.settings.sources_dir],
                                     state.settings.index_dir)
    await state.live_searcher()  # questions were answered from the old index meanwhile
    return report


async def cmd_reindex(update: Update, context: Ctx) -> None:
    """/reindex (admins): rebuild the index from sources_dir."""
    msg = update.effective_message
    if msg is None:
        return
    user = update.effective_user
    if not is_admin(_settings(context), user.id if user else None):
        await _reply(msg, texts.ADMIN_ONLY)
        return
    try:
        report = await _rebuild(context)
    except ContractbotError as err:
        await _reply(msg, texts.QUERY_ERROR.format(reason=escape(str(err))))
        return
    lines = [texts.REINDEX_OK.format(contracts=report.contracts, clauses=report.clauses)]
    lines += [texts.REINDEX_FAILED.format(name=escape(Path(s).name), reason=escape(r))
              for s, r in report.failed]
    lines += [texts.REINDEX_FAILED.format(name=escape(Path(s).name), reason=escape(n))
              for s, n in report.notes]
    await _reply(msg, "\n".join(lines))


async def on_error(update: object, context: Ctx) -> None:
    """Log the error with its update, and reply briefly when there is a message to reply to."""
    log.error("error while handling update %r", update, exc_info=context.error)
    if isinstance(update, Update) and update.effective_message is not None:
        try:
            await _reply(update.effective_message, texts.ERROR)
        except Exception:  # the error handler must not raise
            log.exception("could not send the error reply")
