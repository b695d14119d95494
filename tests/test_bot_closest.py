"""The refusal's 仍然显示最接近的条款 button beyond its first page: the closest clauses' 更多
page is not marked unsure again. The real Application against the loopback Bot API."""

from __future__ import annotations

from pathlib import Path

from bot_helpers import message
from index_corpus import LEASE, MAINT
from team_bot import button, buttons, callback, sent_message, team_bot
from test_bot_teams import SUPPLY

CHAT = 640
UNSURE = "这些条款不一定回答了问题，仅供参考："


async def test_the_closest_clauses_more_page_is_not_marked_unsure_again(tmp_path: Path) -> None:
    """The closest clauses come under a line saying they may not answer, with 更多 when
    there are more; the next page continues them without that line."""
    async with team_bot(tmp_path, {"": [MAINT, LEASE, SUPPLY]},
                        allowed_chats=frozenset({CHAT})) as (api, _):
        api.push("message", message(CHAT, "明天的天气怎么样", message_id=1))
        [refusal] = await api.wait_for("sendMessage", 1)
        shown = sent_message(api, refusal)
        [near] = buttons(shown)
        api.push("callback_query", callback(CHAT, shown, near["callback_data"], query_id="n"))
        await api.settled()
        closest = api.sent()[1:]
        last = sent_message(api, closest[-1])
        more = button(last, "更多")
        api.push("callback_query", callback(CHAT, last, more["callback_data"], query_id="m"))
        await api.settled()
        page = api.sent()[1 + len(closest):]
    assert closest[0]["text"].startswith(f"<i>{UNSURE}</i>")
    assert page and page[0]["text"].startswith("<b>《") and UNSURE not in page[0]["text"]

