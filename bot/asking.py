"""Asking: questions in private and groups, /ask, the 更多 button, /start and /help."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from index import (
    MAX_QUESTION,
    ContractInfo,
    QueryError,
    Script,
    Searcher,
    UnknownContractError,
    party_words,
    to_script,
)

from . import texts
from .access import ChatAccess, chat_access, is_admin
from .addressing import addressed_text, replied_answer, replied_question
from .browsing import (
    contract_pages,
    contracts_listing,
    lapsed_first,
    overridden_note,
    scope_note,
)
from .carrying import MAX_AGE, Carried, carry_question, follow_up_word
from .chat_examples import chat_examples, contracts_read
from .compose import compose, quoted_once
from .edits import send_answer
from .examples import DEFAULT_EXAMPLES, Examples, example_values
from .followups import first_quoted, pointed_at, points_back, quote_again
from .listing import contracts_asked
from .naming import named_title, written_names
from .remarks import remark
from .render import render_answer, with_line, with_line_above
from .replies import (
    asker_script,
    chat_state,
    edit_markup,
    guard,
    is_private,
    query_error_text,
    reachable_scope,
    reply,
    sender_id,
    start_typing,
    topic_of,
    typing_sent,
    within_rate,
)
from .state import Asked, Ctx, MorePage, Pointed
from .stepping import quote_step, step_asked
from .votes import is_vote_row, vote_row

log = logging.getLogger(__name__)
PRIVATE_HITS, GROUP_HITS, FETCH = 5, 3, 30  # hits a page in private / in groups; hits fetched
ANSWER_CHILD_CHARS = 1500  # characters of a heading's sub-clauses quoted in an answer


async def answer(update: Update, context: Ctx, question: str, access: ChatAccess) -> None:
    """Search in a thread, then reply with the composed answer (👍/👎, and 更多 when more)."""
    msg = update.effective_message
    if msg is None:
        return
    asked = (msg.chat_id, msg.message_id)
    number = context.bot_data.answering.begin(asked)
    try:
        await _answer(update, context, msg, number, question, access)
    finally:
        context.bot_data.answering.end(asked, number)


async def _answer(update: Update, context: Ctx, msg: Message, number: int, question: str,
                  access: ChatAccess) -> None:
    """``answer``'s work: answer ``number`` to the question ``msg``."""
    if not question.strip():
        script = asker_script(update, context)
        values = example_values(await chat_examples(update, context, access), script)
        await answer_question(update, context, msg, number,
                              [texts.say(texts.ASK_USAGE, script, **values)])
        return
    if (remarked := remark(question)) is not None:  # 你好, 谢谢, a link: nothing to search
        words = {"thanks": texts.THANKS_REPLY, "link": texts.LINK_NOT_OPENED}.get(remarked,
                                                                              texts.HELLO)
        kept = chat_state(context).last_quoted.get(topic_of(update), ())  # 下一条 walks on
        script = asker_script(update, context, question)
        values = example_values(await chat_examples(update, context, access), script)
        await answer_question(update, context, msg, number,
                              [texts.say(words, script, **values)], quoted=kept)
        return
    typing = start_typing(msg)
    searcher = await context.bot_data.live_searcher()
    infos = await asyncio.to_thread(searcher.contracts, collections=access.collections)
    script = asker_script(update, context, question, names=written_names(infos))
    if contracts_asked(question):  # 有哪些合同: the list /contracts gives, not a search
        listing = await contracts_listing(update, context, access, script,
                                          lead=texts.say(texts.CONTRACTS_ASKED, script))
        await typing_sent(typing)
        await answer_question(update, context, msg, number, listing)
        return
    replied = replied_answer(msg, context.bot.id)
    step = step_asked(question)  # 下一条: the clause after the one quoted
    if step or points_back(question, replying=replied is not None):  # 这条是什么意思: again
        pointed = pointed_at(chat_state(context), topic_of(update), replied)
        examples = await chat_examples(update, context, access, searcher=searcher)
        messages, quoted = await (
            quote_step(searcher, pointed, step, script, collections=access.collections,
                       examples=examples) if step
            else quote_again(searcher, pointed, script, collections=access.collections,
                             examples=examples))
        reachable_scope(context, topic_of(update), searcher, access)  # a /use gone: said
        await typing_sent(typing)
        await answer_question(update, context, msg, number,
                              lapsed_first(update, context, script, messages,
                                           now=(searcher, infos)), quoted=quoted)
        return
    at = (msg.edit_date or msg.date).timestamp()
    carried = carried_question(context, topic_of(update), question, at, searcher, infos,
                               replied=replied)
    asked = carried.question if carried else question
    scope = reachable_scope(context, topic_of(update), searcher, access)
    try:
        result = await asyncio.to_thread(searcher.search, asked, preferred=scope,
                                         contract=carried.contract if carried else None,
                                         top_k=FETCH, collections=access.collections)
    except QueryError as err:
        if isinstance(err, UnknownContractError):  # a contract they looked for and missed
            await _log_unanswered(context, msg.chat_id, asked)
        examples = await chat_examples(update, context, access, searcher=searcher)
        await typing_sent(typing)
        said = lapsed_first(update, context, script,
                            [query_error_text(err, script, examples=examples)],
                            now=(searcher, infos))
        await answer_question(update, context, msg, number, said)
        return
    if not result.hits and not infos:
        await typing_sent(typing)  # no contract to answer from (yet): say that, briefly
        await answer_question(update, context, msg, number,
                              lapsed_first(update, context, script,
                                           [texts.say(texts.NO_CONTRACTS, script)],
                                           now=(searcher, infos)))
        return
    searched = Asked(asked, at, carried.contract if carried else None)
    if (result.relevant and result.hits) or carried is not None:
        # what the topic's next follow-up carries: not a question refused (明天会下雨吗
        # between 租客提前退租要赔多少 and 那房东呢), but a carried one refused all the same (it
        # reads one that was answered: 那劳动合同呢, then 那房东呢, asks the labour contract)
        chat_state(context).keep_asked(topic_of(update), searched)
    if not (result.relevant and result.hits):
        await _log_unanswered(context, msg.chat_id, asked)
    size = PRIVATE_HITS if is_private(update) else GROUP_HITS
    pages = quoted_once(result, size=size, script=script, child_chars=ANSWER_CHILD_CHARS)
    page = MorePage(pages, 0, size, script)
    examples = DEFAULT_EXAMPLES if result.relevant and result.hits else await chat_examples(
        update, context, access, searcher=searcher)  # for a question in English it finds none
    messages, markup = page_messages(context, page, examples=examples)
    if scope is not None and result.scopes == (scope,) and not (result.relevant and result.hits):
        messages = with_line(messages, scope_note(update, infos, scope, script))  # /use limited it
    elif scope is not None and (over := overridden_note(infos, scope, result.scopes, script)):
        messages = with_line(messages, over)  # a contract named in 《》 was asked instead
    if carried is not None:  # 那房东呢: the question it was read as, first
        messages = with_line_above(messages, reading_line(carried, infos, script))
    await typing_sent(typing)
    # a /use lapsed, or contracts the chat read gone: said first
    messages = lapsed_first(update, context, script, messages, now=(searcher, infos))
    await answer_question(update, context, msg, number, messages, markup,
                          quoted=first_quoted(page.result, 0, size, script=script,
                                              child_chars=ANSWER_CHILD_CHARS), asked=searched)


def carried_question(context: Ctx, topic: int | None, question: str, at: float,
                     searcher: Searcher, infos: list[ContractInfo], *,
                     replied: int | None = None) -> Carried | None:
    """The question a follow-up that changes one thing (那房东呢) asks, sent at ``at`` in
    ``topic``: that topic's question before, changed, or, sent as a reply to the bot's
    message ``replied``, the question that answer answered (in a busy group, not the last
    one asked); None for any other question, when the question is not known (a reply to an
    answer from before a restart), was asked more than ``MAX_AGE`` seconds before, or when
    the changed question would be too long to search (the follow-up is then searched for
    its own words)."""
    state = chat_state(context)
    previous = state.asked.get(topic) if replied is None else state.answered.get(replied)
    if previous is None or at - previous.at > MAX_AGE:
        return None  # the party words are read only when there is a question to change
    parties = party_words(searcher.thesaurus.entries)
    if not (word := follow_up_word(question, parties=parties)):
        return None
    within = previous.contract if any(c.key == previous.contract for c in infos) else None
    carried = carry_question(previous.question, word, parties=parties, contracts=infos,
                             within=within)
    if carried is not None and len(carried.question) > MAX_QUESTION:
        return None  # 那押金呢 after a question of 498 characters: not 问题太长 to its 4
    return carried


def reading_line(carried: Carried, infos: list[ContractInfo], script: Script) -> str:
    """The line above a carried question's answer: the question it answered, in the asker's
    script (按「房东提前退租要赔多少」回答：), with the contract it was limited to."""
    question = escape(to_script(carried.question, script))
    info = next((c for c in infos if c.key == carried.contract), None)
    if info is None:
        return texts.say(texts.CARRIED, script, question=question)
    return texts.say(texts.CARRIED_IN, script, question=question,
                     **named_title(infos, info, script))


async def answer_question(update: Update, context: Ctx, msg: Message, number: int,
                          htmls: list[str], markup: InlineKeyboardMarkup | None = None, *,
                          quoted: Pointed = (), asked: Asked | None = None) -> None:
    """Reply to the question ``msg`` with ``htmls`` (answer ``number`` to it), remembered as
    its answer, with the clause it ``quoted`` first (none: a refusal) and the question it
    searched (``asked``) for a follow-up; an edited question's earlier answer (or refusal) is
    replaced, and an answer that an edit overtook is dropped."""
    state = chat_state(context)
    async with context.bot_data.answering.turn((msg.chat_id, msg.message_id), number) as newest:
        if not newest:
            return
        edited = update.edited_message is not None
        earlier = state.answers.get(msg.message_id, ()) if edited else ()
        sent = await send_answer(msg, htmls, markup, replacing=earlier)
        state.keep_answer(msg.message_id, sent)
        state.keep_quoted(topic_of(update), sent, quoted)
        state.keep_answered(sent, asked)


async def _log_unanswered(context: Ctx, chat_id: int, question: str) -> None:
    """Note a question that got no clause in the question log (when it is on)."""
    log = context.bot_data.log
    if log is not None:
        await asyncio.to_thread(log.record_unanswered, chat_id, question)


def page_messages(context: Ctx, page: MorePage, *, examples: Examples = DEFAULT_EXAMPLES,
                  ) -> tuple[list[str], InlineKeyboardMarkup | None]:
    """One page of hits as messages, and the buttons under the last: 更多 when more remain
    (the rest kept for it), then 👍/👎; under a refusal, a button for the closest clauses
    (and, to a question in no Chinese, an example of the asker's contracts: ``examples``)."""
    result, offset, size, script, unsure = page
    hits = result.hits[offset:offset + size]
    answer = compose(result, offset=offset, size=size, script=script,
                     child_chars=ANSWER_CHILD_CHARS, example=examples.question)
    if unsure and offset == 0 and answer.found:
        answer = dataclasses.replace(answer, lead=texts.say(texts.UNSURE, script))
    messages = render_answer(answer)
    if not answer.found:
        messages = with_line(messages, texts.say(texts.NOTHING_HINT, script))
    rows = []
    if answer.found:
        if offset + size < len(result.hits):
            key = chat_state(context).keep(page._replace(offset=offset + size))
            rows.append([InlineKeyboardButton(texts.say(texts.MORE, script),
                                              callback_data=f"more:{key}")])
        rows.append(vote_row(context, result.question, hits))
    elif result.hits:  # none seemed relevant: the asker may still judge the closest ones
        shown = dataclasses.replace(result, relevant=True)
        key = chat_state(context).keep(MorePage(shown, 0, size, script, unsure=True))
        rows.append([InlineKeyboardButton(texts.say(texts.CLOSEST, script),
                                          callback_data=f"near:{key}")])
    rows = [r for r in rows if r]
    return messages, InlineKeyboardMarkup(rows) if rows else None


async def on_more(update: Update, context: Ctx) -> None:
    """The 更多 and closest-clauses buttons: send the stored hits of the question."""
    # Pressed twice, the second press is told so in a toast (its page is on its way); after
    # its page is gone (a restart), a message in the chat says there is nothing more.
    query = update.callback_query
    if query is None or query.message is None or not isinstance(query.message, Message):
        return
    access = await guard(update, context)
    key = (query.data or "").partition(":")[2]
    gone = texts.CLOSEST_GONE if (query.data or "").startswith("near:") else texts.NO_MORE
    if access is None:
        await query.answer()
        return
    stored = chat_state(context).take(key)
    if stored is None and chat_state(context).was_taken(key):
        await query.answer(texts.say(gone, asker_script(update, context)))
        return
    await query.answer()
    kept = [row for row in (query.message.reply_markup.inline_keyboard
                            if query.message.reply_markup else ()) if is_vote_row(row)]
    await edit_markup(query.message, InlineKeyboardMarkup(kept) if kept else None)
    if stored is not None:  # the chat's collections (or the index) may have changed since
        searcher = await context.bot_data.live_searcher()
        hits = stored.result.hits
        rest = searcher.in_reach(hits[stored.offset:], collections=access.collections)
        stored = stored._replace(result=dataclasses.replace(
            stored.result, hits=hits[:stored.offset] + rest))
    if stored is None or stored.offset >= len(stored.result.hits):
        script: Script = asker_script(update, context)
        await reply(query.message, texts.say(gone, script))
        return
    sent = await send_answer(query.message, *page_messages(context, stored))
    chat_state(context).add_to_answer(query.message.message_id, sent)
    if (asked := chat_state(context).answered.get(query.message.message_id)) is not None:
        chat_state(context).keep_answered(sent, asked)  # a reply to a page carries it too
    chat_state(context).keep_quoted(topic_of(update), sent,
                                    first_quoted(stored.result, stored.offset, stored.size,
                                                 script=stored.script,
                                                 child_chars=ANSWER_CHILD_CHARS))


async def on_text(update: Update, context: Ctx) -> None:
    """A plain message: a question in private, in groups only when it addresses the bot."""
    # A bare "@bot" sent as a reply to someone's message asks that message.
    msg = update.effective_message
    if msg is None or msg.text is None:
        return
    if is_private(update):
        question: str | None = msg.text
    else:
        question = addressed_text(msg, context.bot.username, context.bot.id)
        if question == "":
            question = replied_question(msg, context.bot.id)
    if question is None:
        return
    if (access := await guard(update, context)) is not None:
        await answer(update, context, question, access)


async def cmd_ask(update: Update, context: Ctx) -> None:
    """/ask QUESTION, or /ask alone under someone's message: that message is the question."""
    msg = update.effective_message
    question = " ".join(context.args or [])
    if not question.strip() and msg is not None:
        question = replied_question(msg, context.bot.id)
    if (access := await guard(update, context)) is not None:
        await answer(update, context, question, access)


async def cmd_start(update: Update, context: Ctx) -> None:
    """/start: what the bot is, this chat's id (shown to everyone), and how to ask, or, in a
    chat that may not ask yet, that its operator must approve it first."""
    msg, chat = update.effective_message, update.effective_chat
    if msg is None or chat is None or not await within_rate(update, context):
        return
    state = context.bot_data
    allowed = chat_access(state.settings, state.access, chat.id, user_id=sender_id(update))
    words = texts.START if allowed is not None else texts.START_NOT_ALLOWED
    if allowed is not None and not await contracts_read(context, allowed):
        words = texts.START_NO_CONTRACTS  # its example question could find nothing
    script = asker_script(update, context)
    values = example_values(await chat_examples(update, context, allowed), script)
    await reply(msg, texts.say(words, script, chat_id=chat.id, **values))


async def cmd_help(update: Update, context: Ctx) -> None:
    """/help: commands with examples of the contracts the chat reads."""
    msg, chat = update.effective_message, update.effective_chat
    if msg is None or chat is None or not await within_rate(update, context):
        return
    state = context.bot_data
    admin = is_admin(state.settings, sender_id(update))
    extra = texts.ADMIN_HELP if admin else ""
    access = chat_access(state.settings, state.access, chat.id, user_id=sender_id(update))
    script = asker_script(update, context)
    if access is None:  # its questions are refused: the same words, with the id to pass on
        await reply(msg, texts.say(texts.NOT_ALLOWED, script, chat_id=chat.id))
        return
    count = await contracts_read(context, access)
    if not count:  # /use 1, /clause 7.2 … could not work here: say what would make them
        told = texts.HELP_NO_CONTRACTS + (extra if admin else "\n" + texts.HELP_ASK_ADMIN)
        await reply(msg, texts.say(escape(told), script))
        return
    values = example_values(await chat_examples(update, context, access), script)
    page = texts.PAGE_EXAMPLE if contract_pages(count) > 1 else ""
    await reply(msg, texts.say(escape(texts.HELP + extra), script, page=page, **values))


async def on_migrate(update: Update, context: Ctx) -> None:
    """A group became a supergroup: its state moves to the new chat id, and the log says so."""
    # Its /use scopes and answers go with it; the warning names the id to list in the access
    # file in place of the old one (access is never granted here).
    msg = update.effective_message
    if msg is None or msg.migrate_to_chat_id is None:
        return
    old, new = msg.chat_id, msg.migrate_to_chat_id
    context.application.migrate_chat_data(message=msg)
    state = context.bot_data
    if chat_access(state.settings, state.access, old) is not None and \
            chat_access(state.settings, state.access, new) is None:
        log.warning("chat %s became supergroup %s: list %s in place of %s in the access file "
                    "(CONTRACTBOT_ACCESS_FILE or CONTRACTBOT_ALLOWED_CHATS), or it gets no "
                    "answers", old, new, new, old)
