"""A support team walks a contract from an answer, in Traditional: 下一條 and 上一條 quote the
clause after or before the one the answer quoted (a heading's sub-clauses, quoted with it, are
stepped over), 全文 after an answer or replied to one quotes its clause whole, and Hong Kong's
咩意思 or 呢條係咩意思 point at it as 什麼意思 does. Each was searched for its bare words and
refused as off-topic (沒有找到與問題相關的條款). The real Application against the loopback Bot
API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot_helpers import message
from botapi_server import BOT_ID, FakeBotApi
from index_corpus import LEASE, MAINT
from test_bot_e2e import GROUP, running_bot
from test_bot_topics import in_topic
from test_bot_traditional import traditional

from bot.followups import points_back
from bot.stepping import step_asked

QUOTES = "我只引用合同原文，不作解釋。"


def test_what_asks_for_the_next_or_previous_clause() -> None:
    for ahead in ("下一條", "下一条", "下一條呢？", "那下一條呢", "下條", "再看下一條",
                  "下一條係咩"):
        assert step_asked(ahead) == 1, ahead
    for back in ("上一條", "上一条吧", "前一條"):
        assert step_asked(back) == -1, back
    for asked in ("下一條的違約金", "下一步怎麼辦", "下一年度的費用", "第三條"):
        assert step_asked(asked) is None, asked
    for bare in ("呢條係咩意思", "呢個條款即係乜嘢意思"):
        assert points_back(bare, replying=False), bare
    assert points_back("全文", replying=False)  # right after an answer too, as 这条
    for replied in ("咩意思？", "乜嘢意思"):
        assert points_back(replied, replying=True) and not points_back(replied, replying=False)
    assert not points_back("第三條全文", replying=True)  # a question of its own


def test_cantonese_asks_for_the_next_or_previous_clause() -> None:
    """咁下一條呢 (那下一条呢) and 下一條係乜嘢 were searched as questions of their own."""
    for ahead in ("咁下一條呢", "噉下一條呢", "下一條係乜嘢", "下一條係乜"):
        assert step_asked(ahead) == 1, ahead
    assert step_asked("咁上一條呢") == -1
    assert step_asked("咁下一條嘅違約金") is None


async def said(api: FakeBotApi, payload: dict[str, Any]) -> str:
    """Push one message; the text of the bot's one reply, checked to be in its topic."""
    before = len(api.sent())
    api.push("message", payload)
    await api.settled()
    [sent] = api.sent()[before:]
    assert sent.get("message_thread_id") == payload.get("message_thread_id")
    return str(sent["text"])


def last_answer(api: FakeBotApi, chat: int) -> dict[str, Any]:
    """The bot's last message in ``chat``, as a message replying to it quotes it."""
    made = max((m for (c, _), m in api.messages.items() if c == chat),
               key=lambda m: m["message_id"])
    return {"message_id": made["message_id"], "date": 0, "chat": {"id": chat,
            "type": "supergroup"}, "from": {"id": BOT_ID, "is_bot": True, "first_name": "B"},
            "text": made["text"]}


def hong_kong(sent: dict[str, Any]) -> dict[str, Any]:
    """``sent`` from a member whose Telegram is in Hong Kong's Chinese (zh-HK)."""
    return dict(sent, **{"from": {"id": 61, "is_bot": False, "first_name": "H",
                                  "language_code": "zh-hk"}})


def head(text: str) -> str:
    """The first cited clause of a reply (its 《title》 chapter › number line)."""
    return text.split("<b>", 1)[1].split("</b>", 1)[0]


async def test_a_team_walks_a_contract_in_traditional_in_its_topic(tmp_path: Path) -> None:
    """In a forum topic: /ask 下一條 from the clause quoted last, up to the contract's end
    and back; a topic where nothing was answered is asked which clause."""
    async with running_bot(tmp_path, MAINT, LEASE) as api:
        topic = [await said(api, hong_kong(in_topic(text, n, 77))) for n, text in enumerate((
            "/clause 2.1 maint", "/ask 下一條", "/ask 下一條呢？", "/ask 上一條",
            "/clause 4.1 maint", "/ask 下一條", "/ask 下一條", "/ask 下一條", "/ask 上一條",
            "/ask 呢條係咩意思"), 1)]
        elsewhere = await said(api, in_topic("/ask 下一條", 20, 88))  # nothing answered there
    assert [head(t).split(" ", 1)[1] for t in topic[:5]] == [
        "第二章 響應時間 › 2.1", "第二章 響應時間 › 2.2", "第三章 費用與支付 › 3.1",
        "第二章 響應時間 › 2.2", "第四章 保密 › 4.1"]
    assert all(head(t).startswith("《軟件維護服務合同》 ") for t in topic[:9] if "<b>" in t)
    assert head(topic[5]) == "《軟件維護服務合同》 第四章 保密 › 4.2 保密期限"
    assert "本章義務在合同終止後三年內繼續有效" in topic[5]  # its sub-clause, quoted with it
    assert head(topic[6]) == "《軟件維護服務合同》 第五章 爭議解決 › 5.1"  # 4.2.1 stepped over
    assert topic[7] == "《軟件維護服務合同》5.1之後沒有別的條款了。"  # never another contract's
    assert head(topic[8]) == "《軟件維護服務合同》 第四章 保密 › 4.2 保密期限"
    assert topic[9].startswith(f"<i>{QUOTES}") and head(topic[9]) == head(topic[8])
    assert all(traditional(t) and QUOTES not in t for t in topic[:9])
    assert elsewhere == "請說明是哪一條，例如：4.2是什麼意思，或 /clause 4.2 2"


async def test_full_text_and_hong_kong_words_replied_to_an_answer(tmp_path: Path) -> None:
    """In a group, replied to the bot's answer: 全文 and 咩意思 quote its clause again;
    下一條 replied to an older answer walks on from that answer's clause, not the last's."""
    async with running_bot(tmp_path, MAINT, LEASE) as api:
        first = await said(api, message(GROUP, "/clause 第二條 lease", message_id=1))
        answer = last_answer(api, GROUP)
        await said(api, message(GROUP, "/clause 2.1 maint", message_id=2))
        whole, meaning, after = [
            await said(api, message(GROUP, text, message_id=n, reply_to_message=answer))
            for n, text in enumerate(("全文", "咩意思？", "下一條"), 3)]
        assert answer["text"] == first
    assert head(first) == head(whole) == head(meaning) == "《房屋租賃合同》 第二條"
    assert whole.startswith(f"<i>{QUOTES}") and meaning.startswith(f"<i>{QUOTES}")
    assert head(after) == "《房屋租賃合同》 第三條"
