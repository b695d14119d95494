"""Feedback: the 👍/👎 buttons under an answer, the vote they record, and /feedback (admins)."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
from html import escape

from telegram import InlineKeyboardButton, Update

from index import Hit

from . import texts
from .access import is_admin
from .feedback import format_summary
from .render import pack
from .replies import (
    asker_script,
    chat_state,
    guard,
    is_private,
    reply,
    sender_id,
    within_rate,
)
from .state import Ctx, Voted

PREFIX = "vote:"
# Keys the voters' pseudonyms; never written anywhere. Vote buttons expire when the bot
# restarts (their keys are not kept), so a pseudonym is needed no longer than this key lives.
_VOTER_KEY = secrets.token_bytes(32)


def vote_row(context: Ctx, question: str, hits: tuple[Hit, ...]) -> list[InlineKeyboardButton]:
    """👍/👎 buttons for an answer citing ``hits``; none when the question log is off."""
    if context.bot_data.log is None or not hits:
        return []
    key = secrets.token_hex(4)
    cited = tuple(f"{h.clause.contract} {h.clause.clause}" for h in hits)
    chat_state(context).keep_vote(key, Voted(question, cited))
    return [InlineKeyboardButton(texts.VOTE_UP, callback_data=f"{PREFIX}{key}:up"),
            InlineKeyboardButton(texts.VOTE_DOWN, callback_data=f"{PREFIX}{key}:down")]


def voter_pseudonym(answer: str, user_id: int | None) -> str:
    """Who voted on ``answer``, as the question log keeps it: the same for one user's votes on
    one answer while the bot runs, so a changed vote replaces theirs; not their user id, and
    not linkable to their votes on other answers or to them once the bot has stopped."""
    mac = hmac.new(_VOTER_KEY, f"{answer}:{user_id}".encode(), hashlib.sha256)
    return mac.hexdigest()[:16]


def is_vote_row(row: tuple[InlineKeyboardButton, ...] | list[InlineKeyboardButton]) -> bool:
    """True for the row of 👍/👎 buttons (kept when the 更多 button goes)."""
    return any(str(b.callback_data or "").startswith(PREFIX) for b in row)


async def on_vote(update: Update, context: Ctx) -> None:
    """A 👍 or 👎: record the presser's vote with the question and cited clauses (no names)."""
    query = update.callback_query
    chat = update.effective_chat
    if query is None or chat is None:
        return
    script = asker_script(update, context)
    if await guard(update, context) is None:
        await query.answer()
        return
    key, _, vote = (query.data or "")[len(PREFIX):].partition(":")
    voted = chat_state(context).votes.get(key)
    log = context.bot_data.log
    if voted is None or log is None or vote not in ("up", "down"):
        await query.answer(texts.say(texts.VOTE_EXPIRED, script))
        return
    answer = f"{chat.id}:{key}"
    await asyncio.to_thread(log.record_vote, answer, chat.id, voted.question, voted.clauses,
                            vote, voter=voter_pseudonym(answer, sender_id(update)))
    await query.answer(texts.say(texts.VOTE_THANKS, script))


async def cmd_feedback(update: Update, context: Ctx) -> None:
    """/feedback (admins, in private): recent 👎 answers and unanswered questions, counted."""
    msg = update.effective_message
    if msg is None or not await within_rate(update, context):
        return
    script = asker_script(update, context)
    state = context.bot_data
    if not is_admin(state.settings, sender_id(update)):
        await reply(msg, texts.say(texts.ADMIN_ONLY, script))
        return
    if not is_private(update):
        await reply(msg, texts.say(texts.FEEDBACK_PRIVATE, script))
        return
    if state.log is None:
        await reply(msg, texts.say(texts.FEEDBACK_OFF, script))
        return
    summary = await asyncio.to_thread(state.log.summary)
    if not summary.downvoted and not summary.unanswered_questions:
        await reply(msg, texts.say(texts.FEEDBACK_EMPTY, script, days=summary.days))
        return
    text = format_summary(summary, lang="zh", script=script)
    for part in pack(escape(text).split("\n"), sep="\n"):
        await reply(msg, part)
