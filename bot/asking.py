"""Asking: questions in private and groups, /ask, the 更多 button, /clause, /contracts, /use,
/start and /help."""

from __future__ import annotations

import asyncio
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction, MessageEntityType

from index import QueryError, Script, SearchResult, detect_script

from . import texts
from .access import is_admin
from .compose import compose
from .ratelimit import Verdict
from .render import render_answer
from .replies import chat_state, guard, is_private, query_error_text, reply, sender_id
from .state import Ctx, MorePage

PRIVATE_HITS, GROUP_HITS, FETCH = 5, 3, 30  # hits a page in private / in groups; hits fetched


def addressed_text(message: Message, username: str, bot_id: int) -> str | None:
    """The question in a group message addressed to the bot, or None when it is chatter."""
    text = message.text or ""
    reply_to = message.reply_to_message
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
    if mentioned or (reply_to is not None and reply_to.from_user is not None
                     and reply_to.from_user.id == bot_id):
        return text.strip()
    return None


async def answer(update: Update, context: Ctx, question: str) -> None:
    """Search in a thread, then reply with the composed answer (and a 更多 button)."""
    msg = update.effective_message
    if msg is None:
        return
    script = detect_script(question)
    if not question.strip():
        await reply(msg, texts.say(texts.ASK_USAGE, script))
        return
    if not await within_rate(update, context, script):
        return
    await context.bot.send_chat_action(msg.chat_id, ChatAction.TYPING,
                                       message_thread_id=msg.message_thread_id
                                       if msg.is_topic_message else None)
    searcher = await context.bot_data.live_searcher()
    scope = chat_state(context).scope
    try:
        result = await asyncio.to_thread(searcher.search, question, scope, FETCH)
    except QueryError as err:
        await reply(msg, query_error_text(err, script))
        return
    size = PRIVATE_HITS if is_private(update) else GROUP_HITS
    await send_page(msg, context, MorePage(result, 0, size, script))


async def within_rate(update: Update, context: Ctx, script: Script) -> bool:
    """True when the asker is within their question rate; the first question past it gets a
    polite reply, later ones in the same minute none."""
    rate = context.bot_data.question_rate
    verdict = rate.check(sender_id(update))
    if verdict is Verdict.REFUSE and update.effective_message is not None:
        await reply(update.effective_message,
                    texts.say(texts.TOO_MANY_QUESTIONS, script, limit=rate.limit))
    return verdict is Verdict.ANSWER


async def send_page(msg: Message, context: Ctx, page: MorePage) -> None:
    """Send one page of hits as a reply to ``msg``; a 更多 button when more remain."""
    result, offset, size, script = page
    answer = compose(result, hits=result.hits[offset:offset + size])
    messages = render_answer(answer)
    if not answer.found:
        messages[-1] += "\n" + texts.say(texts.NOTHING_HINT, script)
    markup = None
    if answer.found and offset + size < len(result.hits):
        key = chat_state(context).keep(MorePage(result, offset + size, size, script))
        markup = InlineKeyboardMarkup(
            [[InlineKeyboardButton(texts.say(texts.MORE, script), callback_data=f"more:{key}")]])
    for i, html in enumerate(messages):
        await reply(msg, html, markup=markup if i == len(messages) - 1 else None)


async def on_more(update: Update, context: Ctx) -> None:
    """The 更多 button: send the next hits of the stored question."""
    query = update.callback_query
    if query is None or query.message is None or not isinstance(query.message, Message):
        return
    await query.answer()
    if not await guard(update, context):
        return
    key = (query.data or "").partition(":")[2]
    stored = chat_state(context).take(key)
    await query.edit_message_reply_markup(None)
    if stored is None:
        await reply(query.message, texts.say(texts.NO_MORE, "simplified"))
        return
    await send_page(query.message, context, stored)


async def on_text(update: Update, context: Ctx) -> None:
    """A plain message: a question in private; in groups only when it addresses the bot."""
    msg = update.effective_message
    if msg is None or msg.text is None:
        return
    if is_private(update):
        question: str | None = msg.text
    else:
        question = addressed_text(msg, context.bot.username, context.bot.id)
    if question is None:
        return
    if await guard(update, context):
        await answer(update, context, question)


async def cmd_ask(update: Update, context: Ctx) -> None:
    """/ask QUESTION."""
    if await guard(update, context):
        await answer(update, context, " ".join(context.args or []))


async def cmd_start(update: Update, context: Ctx) -> None:
    """/start: what the bot is, how to ask, this chat's id (shown to everyone)."""
    msg, chat = update.effective_message, update.effective_chat
    if msg is None or chat is None:
        return
    await reply(msg, texts.START.format(chat_id=chat.id))


async def cmd_help(update: Update, context: Ctx) -> None:
    """/help: commands with examples."""
    msg = update.effective_message
    if msg is None:
        return
    extra = texts.ADMIN_HELP if is_admin(context.bot_data.settings, sender_id(update)) else ""
    await reply(msg, escape(texts.HELP + extra))


async def cmd_contracts(update: Update, context: Ctx) -> None:
    """/contracts: key, title and clause count of each indexed contract."""
    msg = update.effective_message
    if msg is None or not await guard(update, context):
        return
    infos = (await context.bot_data.live_searcher()).contracts()
    if not infos:
        await reply(msg, texts.NO_CONTRACTS)
        return
    lines = [texts.CONTRACTS_HEAD] + [
        texts.CONTRACT_LINE.format(n=n, key=escape(c.key), title=escape(c.title), clauses=c.clauses)
        for n, c in enumerate(infos, 1)
    ]
    await reply(msg, "\n".join(lines))


async def cmd_use(update: Update, context: Ctx) -> None:
    """/use KEY|N|all: scope this chat to one contract, or clear the scope."""
    msg = update.effective_message
    if msg is None or not await guard(update, context):
        return
    arg = " ".join(context.args or []).strip()
    if not arg:
        await reply(msg, texts.USE_USAGE)
        return
    if arg.lower() in ("all", "全部"):
        chat_state(context).scope = None
        await reply(msg, texts.USE_CLEARED)
        return
    infos = (await context.bot_data.live_searcher()).contracts()
    chosen = next((c for c in infos if c.key == arg), None)
    if chosen is None and arg.isdigit() and 1 <= int(arg) <= len(infos):
        chosen = infos[int(arg) - 1]
    if chosen is None:
        await reply(msg, texts.USE_UNKNOWN.format(arg=escape(arg)))
        return
    chat_state(context).scope = chosen.key
    await reply(msg, texts.USE_SET.format(title=escape(chosen.title)))


async def cmd_clause(update: Update, context: Ctx) -> None:
    """/clause NUMBER [KEY]: quote that clause."""
    msg = update.effective_message
    if msg is None or not await guard(update, context):
        return
    args = context.args or []
    if not args:
        await reply(msg, texts.CLAUSE_USAGE)
        return
    number = args[0]
    contract = args[1] if len(args) > 1 else chat_state(context).scope
    searcher = await context.bot_data.live_searcher()
    try:
        hits = await asyncio.to_thread(searcher.get_clause, number, contract)
    except QueryError as err:
        await reply(msg, query_error_text(err, "simplified"))
        return
    if not hits:
        await reply(msg, texts.CLAUSE_MISSING.format(number=escape(number)))
        return
    result = SearchResult(question=number, hits=tuple(hits))
    for html in render_answer(compose(result)):
        await reply(msg, html)
