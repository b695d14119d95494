"""What every handler shares: replying in the chat and topic, the asker's script, the
"typing…" action, the allow-list guard, the wording of refused questions, and the one error
handler."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Collection
from contextvars import ContextVar
from html import escape

from telegram import InlineKeyboardMarkup, Message, ReplyParameters, Update
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import ChatMigrated, TelegramError

from index import (
    EmptyQuestionError,
    NoWordsError,
    QueryError,
    QuestionTooLongError,
    Script,
    Searcher,
    UnknownContractError,
    detect_script,
    dominant_script,
    han_characters,
    to_simplified,
    to_traditional,
)

from . import texts
from .access import ChatAccess, chat_access
from .delivery import undeliverable
from .examples import DEFAULT_EXAMPLES, Examples, example_values
from .fetching import said_fetch_error
from .logfilter import describe_update
from .naming import written_names
from .ratelimit import Verdict
from .state import ChatData, Ctx

log = logging.getLogger(__name__)
TYPING_WAIT = 1.0  # seconds an answer waits for its "typing…" action to go out first
_TRADITIONAL_LANGS = ("zh-hant", "zh-tw", "zh-hk", "zh-mo")
# the ids of the messages ``reply`` sent, while a handler that answers an edited command anew
# collects them (``edits.replacing_earlier``); None elsewhere
SENT: ContextVar[list[int] | None] = ContextVar("sent_replies", default=None)
_PATH = re.compile(r"(?<![\w.~])(?:~|\.{1,2})?(?:/[^\s/'\"<>()]+){2,}/?")


def hide_paths(text: str) -> str:
    """``text`` with every file path (two parts or more) cut to its last part: chats never
    see where the server keeps its files."""
    return _PATH.sub(lambda m: m.group(0).rstrip("/").rsplit("/", 1)[-1], text)


def is_private(update: Update) -> bool:
    """True when the update comes from a private chat (more hits, uploads allowed)."""
    return bool(update.effective_chat and update.effective_chat.type == ChatType.PRIVATE)


def sender_id(update: Update) -> int | None:
    """The id of the user who sent the update, when there is one."""
    user = update.effective_user
    return user.id if user else None


def asker_id(update: Update) -> int | None:
    """Who asks, for the question rate: the user, or the chat an anonymous group admin or a
    channel speaks as (Telegram sends all of those from one shared account)."""
    msg = update.effective_message
    if msg is not None and msg.sender_chat is not None:
        return msg.sender_chat.id
    return sender_id(update)


def topic_of(update: Update) -> int | None:
    """The forum topic the update was sent in (None outside topics: a chat's own scope)."""
    msg = update.effective_message
    return msg.message_thread_id if msg is not None and msg.is_topic_message else None


def chat_state(context: Ctx) -> ChatData:
    """This chat's state (a throwaway one for an update without a chat)."""
    return context.chat_data if context.chat_data is not None else ChatData()


def reachable_scope(context: Ctx, topic: int | None, searcher: Searcher,
                    access: ChatAccess) -> str | None:
    """The /use contract of the chat (or its forum ``topic``) while ``searcher`` still has it
    inside the chat's collections (a scope that is not is dropped, and the next reply there
    says so: ``browsing.lapsed_note``)."""
    state = chat_state(context)
    scope = state.scope(topic)
    if scope is not None and not searcher.reaches(scope, collections=access.collections):
        state.drop_scope(topic)
        return None
    return scope


def script_shown(text: str | None) -> Script | None:
    """The script ``text`` is written in, when its Chinese shows one (押金 is both: None)."""
    han = han_characters(text or "")
    if han and not (to_simplified(han) == han == to_traditional(han)):
        return detect_script(han)
    return None


def _pressed_script(update: Update) -> Script | None:
    """The script of the message whose button was pressed."""
    query = update.callback_query
    pressed = query.message if query is not None else None
    return dominant_script(pressed.text or "") if isinstance(pressed, Message) else None


def _without(text: str, names: Collection[str]) -> tuple[str, str]:
    """``text`` without each of ``names`` it holds (the longest first), and the names taken."""
    taken = []
    for name in sorted(names, key=len, reverse=True):
        if name in text:
            text = text.replace(name, " ")
            taken.append(name)
    return text, " ".join(taken)


def asker_script(update: Update, context: Ctx, text: str | None = None, *,
                 names: Collection[str] = ()) -> Script:
    """The script to answer in: that of the user's own words in ``text`` when their Chinese
    shows one (remembered for the user), else the script the user last asked in, else their
    Telegram language (zh-Hant, zh-TW, zh-HK → Traditional; another Chinese one →
    Simplified), else that of the contract names in ``text``, else the one remembered from
    such a name, else, for a button, the script of the message it is under (a teammate
    pressing 👍 under a Traditional answer), else, in a group, the script this topic (else
    the group) was last asked in (a Hong Kong team's member with Telegram in English asks
    保密期限, which both scripts write alike), else Simplified.

    ``names``: the contracts' names as the library writes them (``naming.written_names``).
    One in ``text`` is not the user's writing but a copy (/use 劳动合同（已填写样例）, the
    key /contracts shows): it turned a Traditional user Simplified for every later reply.
    Its script is remembered only as a name's, which the user's own words, their Telegram
    language and the next name come before."""
    own, named = _without(text or "", names)
    user_data = context.user_data
    if (script := script_shown(own)) is not None:
        if user_data is not None:
            user_data.script, user_data.named = script, False
        chat_state(context).heard(topic_of(update), script)
        return script
    if user_data is not None and user_data.script is not None and not user_data.named:
        return user_data.script
    user = update.effective_user
    lang = (user.language_code or "").lower() if user else ""
    if lang.startswith(_TRADITIONAL_LANGS):
        return "traditional"
    if lang.startswith("zh"):
        return "simplified"
    if (script := script_shown(named)) is not None:
        if user_data is not None:
            user_data.script, user_data.named = script, True
        return script
    if user_data is not None and user_data.script is not None:
        return user_data.script
    heard = None if is_private(update) else chat_state(context).spoken(topic_of(update))
    return _pressed_script(update) or heard or "simplified"


async def reply(message: Message, html: str, *,
                markup: InlineKeyboardMarkup | None = None) -> Message:
    """Reply to ``message`` in its chat (and forum topic), quoting it; the message sent
    (its id noted in ``SENT`` when a handler collects them)."""
    sent = await message.get_bot().send_message(
        chat_id=message.chat_id, text=html, parse_mode=ParseMode.HTML,
        reply_parameters=ReplyParameters(message.message_id, allow_sending_without_reply=True),
        message_thread_id=message.message_thread_id if message.is_topic_message else None,
        reply_markup=markup,
    )
    if (collected := SENT.get()) is not None:
        collected.append(sent.message_id)
    return sent


async def _typing(message: Message) -> None:
    try:
        await message.get_bot().send_chat_action(
            message.chat_id, ChatAction.TYPING,
            message_thread_id=message.message_thread_id if message.is_topic_message else None)
    except ChatMigrated:  # the answer to the old group id is refused too, and that is logged
        pass
    except TelegramError as err:
        if undeliverable(err) is None:
            log.warning("could not send the typing action to chat %s: %s", message.chat_id, err)
        # else the answer is refused alike, and that is logged
    except Exception as err:  # best effort: the answer goes out whatever happens here
        log.warning("could not send the typing action to chat %s: %s", message.chat_id, err)


def start_typing(message: Message) -> asyncio.Task[None]:
    """Send "typing…" beside the work of answering; a failure is logged, never raised."""
    return asyncio.create_task(_typing(message))


async def typing_sent(task: asyncio.Task[None]) -> None:
    """Give the typing action a moment to go out before the answer (never cancel it)."""
    await asyncio.wait({task}, timeout=TYPING_WAIT)


async def edit_markup(message: Message, markup: InlineKeyboardMarkup | None) -> None:
    """Change a sent message's buttons; Telegram's 400 when they are already so ("message is
    not modified") or the message is gone is expected and ignored."""
    try:
        await message.get_bot().edit_message_reply_markup(
            chat_id=message.chat_id, message_id=message.message_id, reply_markup=markup)
    except TelegramError as err:
        log.debug("buttons of message %s not changed: %s", message.message_id, err)
    except Exception as err:  # buttons are cosmetic: never let them cost the reply
        log.warning("buttons of message %s not changed: %r", message.message_id, err)


def _asked(update: Update) -> str | None:
    """The text the user sent (None for a button press: its message is the bot's)."""
    msg = update.effective_message
    return msg.text if msg is not None and update.callback_query is None else None


async def refusal_script(update: Update, context: Ctx, access: ChatAccess | None) -> Script:
    """The script of a refusal said before the question reaches the contracts (the question
    rate, a chat not allowed): ``asker_script`` of what was sent, with the names of the
    contracts the chat reads (``access``) as answers take them, so a copied name
    (/use 劳动合同（已填写样例）) does not turn a Traditional user Simplified. A chat that reads
    none has no names to tell a copy by (and must not learn which exist): the script the user
    last wrote in comes first there. Only a text that shows a script costs a look (the
    contracts are listed in a thread: every clause is counted)."""
    text = _asked(update)
    if script_shown(text) is None:
        return asker_script(update, context)
    searcher = getattr(context.bot_data, "searcher", None)
    if access is not None and searcher is not None:
        infos = await asyncio.to_thread(searcher.contracts, collections=access.collections)
        return asker_script(update, context, text, names=written_names(infos))
    user_data = context.user_data
    if user_data is not None and user_data.script is not None and not user_data.named:
        return user_data.script
    return asker_script(update, context, text)


async def within_rate(update: Update, context: Ctx) -> bool:
    """True when the asker is within their question rate (a message counts as a question);
    the first message past it gets a polite reply, later ones in the same minute none."""
    rate = context.bot_data.question_rate
    verdict = rate.check(asker_id(update))
    msg = update.effective_message
    if verdict is Verdict.REFUSE and msg is not None:
        chat, state = update.effective_chat, context.bot_data
        access = chat_access(state.settings, state.access, chat.id,
                             user_id=sender_id(update)) if chat is not None else None
        script = await refusal_script(update, context, access)
        await reply(msg, texts.say(texts.TOO_MANY_QUESTIONS, script, limit=rate.limit))
    return verdict is Verdict.ANSWER


async def guard(update: Update, context: Ctx, *, counted: bool = True) -> ChatAccess | None:
    """What the chat may read; None when it may not ask (after replying with the chat id and
    no contract text), or when a ``counted`` message is past the asker's question rate
    (questions, commands and refusals alike; a button press counts only when it is refused)."""
    chat, msg = update.effective_chat, update.effective_message
    pressed = update.callback_query is not None
    if chat is None or (counted and not pressed and not await within_rate(update, context)):
        return None
    state = context.bot_data
    found = chat_access(state.settings, state.access, chat.id, user_id=sender_id(update))
    if found is not None:
        return found
    if msg is not None and (not pressed or await within_rate(update, context)):
        script = await refusal_script(update, context, None)
        await reply(msg, texts.say(texts.NOT_ALLOWED, script, chat_id=chat.id))
    return None


def query_error_text(err: QueryError, script: Script, *,
                     examples: Examples = DEFAULT_EXAMPLES) -> str:
    """A question the search refused, in the user's words and script (with ``examples`` of
    the contracts the asker reads)."""
    values = example_values(examples, script)
    if isinstance(err, EmptyQuestionError):
        return texts.say(texts.ASK_USAGE, script, **values)
    if isinstance(err, QuestionTooLongError):
        return texts.say(texts.QUESTION_TOO_LONG, script, limit=err.limit, **values)
    if isinstance(err, NoWordsError):
        return texts.say(texts.QUESTION_NO_WORDS, script, **values)
    if isinstance(err, UnknownContractError):
        return texts.say(texts.UNKNOWN_CONTRACT, script,
                         name=texts.set_apart(escape(err.name)))
    return texts.say(texts.QUERY_ERROR, script, reason=escape(hide_paths(str(err))))


def _in_topic(update: object) -> str:
    """", topic N" for an update sent in a forum topic, for the log; else empty."""
    topic = topic_of(update) if isinstance(update, Update) else None
    return "" if topic is None else f", topic {topic}"


async def on_error(update: object, context: Ctx) -> None:
    """Log the error with its update, and reply briefly when there is a message to reply to;
    fetching updates (polling) that fails is one line, no traceback: another program polling
    with the bot's token now and then, a network error each time; a reply to a group that
    became a supergroup meanwhile is one line too (a reply there would be refused alike), and so
    is a reply Telegram refuses because the bot was removed from the chat or the forum topic
    was closed or deleted while it answered (``delivery.undeliverable``)."""
    if update is None and said_fetch_error(context.bot_data, context.error):
        return
    # The log holds no message text unless CONTRACTBOT_LOG_TEXT is on.
    settings = getattr(context.bot_data, "settings", None)
    with_text = bool(settings and settings.log_text)
    if isinstance(context.error, ChatMigrated):
        log.warning("%s: the group became supergroup %s before the reply was sent: not "
                    "delivered; the question has to be asked there again",
                    describe_update(update, with_text=with_text), context.error.new_chat_id)
        return
    if (why := undeliverable(context.error)) is not None:
        log.warning("%s: the reply was not delivered: %s", describe_update(
            update, with_text=with_text) + _in_topic(update), why)
        return
    log.error("error while handling %s", describe_update(update, with_text=with_text),
              exc_info=context.error)
    if isinstance(update, Update) and update.effective_message is not None:
        try:
            script = asker_script(update, context)
            await reply(update.effective_message, texts.say(texts.ERROR, script))
        except Exception:  # the error handler must not raise
            log.exception("could not send the error reply")
