"""A question its asker edits (to fix a typo) gets its answer edited in place, not a second
answer; an edited upload or /reindex is not done again. Real Application and HTTP client
against the loopback Bot API, which answers edits and deletions as Telegram does."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from bot_helpers import message
from botapi_server import BOT_USERNAME
from index_corpus import LEASE, MAINT
from test_bot_e2e import ADMIN, GROUP, PRIVATE, UPGRADE, reply_id, running_bot


def edited(chat_id: int, text: str | None, message_id: int, **extra: Any) -> dict[str, Any]:
    """An edited_message payload: the message ``message_id`` as its sender changed it."""
    payload = message(chat_id, text, message_id=message_id, **extra)
    payload["edit_date"] = payload["date"] + 5
    return payload


def first_heading(html: str) -> str:
    return next(line for line in html.split("\n") if line.startswith("<b>《"))


async def test_an_edited_question_gets_its_answer_edited_in_place(tmp_path: Path) -> None:
    async with running_bot(tmp_path, LEASE) as api:
        api.push("message", message(PRIVATE, "押金是多少", message_id=11))
        [first] = await api.wait_for("sendMessage", 1)
        answer_id = max(m for (chat, m) in api.messages if chat == PRIVATE)
        api.push("edited_message", edited(PRIVATE, "租金怎么付", 11))
        [edit] = await api.wait_for("editMessageText", 1)
        await api.settled()
        assert len(api.sent()) == 1  # no second answer
    assert first_heading(first["text"]) == "<b>《房屋租赁合同》 第二条</b>"
    assert edit["message_id"] == answer_id and edit["chat_id"] == PRIVATE
    assert first_heading(edit["text"]) == "<b>《房屋租赁合同》 第一条</b>"
    assert edit["parse_mode"] == "HTML" and edit["reply_markup"]  # 👍/👎 under the new answer
    assert api.messages[(PRIVATE, answer_id)]["text"] == edit["text"]


async def test_in_a_group_an_edited_question_to_the_bot_is_answered_again(
        tmp_path: Path) -> None:
    mention = {"type": "mention", "offset": 0, "length": len(BOT_USERNAME) + 1}
    async with running_bot(tmp_path, LEASE) as api:
        api.push("message", message(GROUP, f"@{BOT_USERNAME} 押金是多少", message_id=5,
                                    entities=[mention]))
        await api.wait_for("sendMessage", 1)
        api.push("edited_message", edited(GROUP, "今天中午吃什么呢", 6))  # chatter, edited
        api.push("edited_message", edited(GROUP, f"@{BOT_USERNAME} 租金怎么付", 5,
                                          entities=[mention]))
        [edit] = await api.wait_for("editMessageText", 1)
        await api.settled()
        assert len(api.sent()) == 1
    assert edit["chat_id"] == GROUP
    assert first_heading(edit["text"]) == "<b>《房屋租赁合同》 第一条</b>"


async def test_an_answer_deleted_meanwhile_is_sent_again(tmp_path: Path) -> None:
    async with running_bot(tmp_path, LEASE) as api:
        api.push("message", message(PRIVATE, "押金是多少", message_id=11))
        await api.wait_for("sendMessage", 1)
        answer_id = max(m for (chat, m) in api.messages if chat == PRIVATE)
        del api.messages[(PRIVATE, answer_id)]  # the user deleted the bot's answer
        api.push("edited_message", edited(PRIVATE, "租金怎么付", 11))
        sent = (await api.wait_for("sendMessage", 2))[-1]
    assert reply_id(sent) == 11
    assert first_heading(sent["text"]) == "<b>《房屋租赁合同》 第一条</b>"
    assert api.sent("editMessageText")  # tried first: Telegram said the message is gone


async def test_an_answer_of_another_length_is_replaced(tmp_path: Path) -> None:
    """An answer of three messages (a long clause is split) is deleted when the edited
    question's answer takes one (nothing found), which is sent anew."""
    async with running_bot(tmp_path, UPGRADE, MAINT) as api:
        api.push("message", message(PRIVATE, "乙方响应时间是多少", message_id=11))
        await api.wait_for("sendMessage", 2)
        await api.settled()
        old = sorted(m for (chat, m) in api.messages if chat == PRIVATE)
        count = len(old)
        api.push("edited_message", edited(PRIVATE, "今天天气怎么样", 11))
        await api.wait_for("deleteMessage", count)
        sent = (await api.wait_for("sendMessage", count + 1))[-1]
        await api.settled()
        new = sorted(m for (chat, m) in api.messages if chat == PRIVATE)
    assert count > 1
    assert sorted(p["message_id"] for p in api.sent("deleteMessage")) == old
    assert not set(old) & set(new)
    assert "没有找到" in sent["text"] and reply_id(sent) == 11


async def test_an_edit_that_leaves_the_answer_as_it_was_changes_nothing(
        tmp_path: Path) -> None:
    """Without vote buttons the same answer is the same message: Telegram's "message is not
    modified" is expected, and neither an error nor a second answer follows."""
    async with running_bot(tmp_path, LEASE, question_log=False) as api:
        api.push("message", message(PRIVATE, "押金是多少", message_id=11))
        [first] = await api.wait_for("sendMessage", 1)
        api.push("edited_message", edited(PRIVATE, "押金是多少？", 11))
        await api.wait_for("editMessageText", 1)
        await api.settled()
        assert len(api.sent()) == 1
    assert "reply_markup" not in first


async def test_an_edited_upload_or_reindex_is_not_done_again(tmp_path: Path) -> None:
    async with running_bot(tmp_path, UPGRADE) as api:
        data = json.dumps(LEASE, ensure_ascii=False).encode()
        api.files["documents/F1"] = data
        doc = {"file_id": "F1", "file_unique_id": "F1", "file_name": "lease.txt",
               "file_size": len(data)}
        api.push("message", message(ADMIN, None, message_id=1, document=doc))
        sent = await api.wait_for("sendMessage", 2, timeout=20)
        assert "已收录《房屋租赁合同》" in sent[-1]["text"]
        api.push("edited_message", edited(ADMIN, None, 1, document=doc, caption="shared"))
        api.push("edited_message", edited(ADMIN, "/reindex", 2))
        await api.settled()
        assert len(api.sent("getFile")) == 1
        assert len(api.sent()) == 2  # the upload's two replies, nothing for the edits


async def test_a_refusal_and_an_answer_replace_each_other_when_the_question_is_edited(
        tmp_path: Path) -> None:
    """/ask without a question gets its usage line; edited to a question, the usage line
    becomes the answer; edited again to a contract that is not indexed, the answer becomes
    that refusal. One message throughout."""
    async with running_bot(tmp_path, LEASE) as api:
        api.push("message", message(PRIVATE, "/ask", message_id=11))
        [usage] = await api.wait_for("sendMessage", 1)
        api.push("edited_message", edited(PRIVATE, "/ask 押金是多少", 11))
        [answered] = await api.wait_for("editMessageText", 1)
        api.push("edited_message", edited(PRIVATE, "/ask 《不存在的合同》的押金是多少", 11))
        refused = (await api.wait_for("editMessageText", 2))[-1]
        await api.settled()
        assert len(api.sent()) == 1
    assert "请在 /ask 后写上问题" in usage["text"]
    assert first_heading(answered["text"]) == "<b>《房屋租赁合同》 第二条</b>"
    assert "没有收录名为《不存在的合同》的合同" in refused["text"]
    assert "reply_markup" not in refused  # the votes of the answer it replaced are gone


async def test_a_question_edited_while_its_answer_is_on_its_way_gets_one_answer(
        tmp_path: Path) -> None:
    """Telegram is slow to take the first answer; the question is corrected meanwhile. The
    correction waits for the first answer and edits it: one answer, the corrected one."""
    async with running_bot(tmp_path, LEASE) as api:
        api.slow["sendMessage"] = 1.0
        api.push("message", message(PRIVATE, "押金是多少", message_id=11))
        while "sendMessage" not in api.slow_arrivals:  # the first answer is on its way
            await asyncio.sleep(0.01)
        api.push("edited_message", edited(PRIVATE, "租金怎么付", 11))
        [edit] = await api.wait_for("editMessageText", 1, timeout=10)
        await api.settled()
        answers = [m for (chat, _), m in api.messages.items() if chat == PRIVATE]
    assert len(api.sent()) == 1 and len(answers) == 1
    assert first_heading(answers[0]["text"]) == "<b>《房屋租赁合同》 第一条</b>"
    assert edit["message_id"] == answers[0]["message_id"]


async def test_an_answer_an_edit_overtook_is_not_sent() -> None:
    """Answers to one question take turns, and one that a newer edit overtook while it waited
    is dropped; nothing is kept once the question is answered."""
    from bot.answering import Answering

    answering, question = Answering(), (PRIVATE, 11)
    order: list[str] = []

    async def answer(number: int, name: str) -> None:
        async with answering.turn(question, number) as newest:
            order.append(f"{name} {'sent' if newest else 'dropped'}")
            await asyncio.sleep(0.05)

    sending = asyncio.create_task(answer(answering.begin(question), "first"))
    await asyncio.sleep(0.01)  # the first answer is being sent when the question is edited
    waiting = asyncio.create_task(answer(answering.begin(question), "second"))
    await asyncio.sleep(0.01)  # and edited again before the second answer's turn
    await asyncio.gather(sending, waiting, answer(answering.begin(question), "third"))
    assert order == ["first sent", "second dropped", "third sent"]
    assert not answering._latest and not answering._locks
    refused = answering.begin(question)  # past the question rate: never sent
    answering.end(question, refused)
    assert not answering._latest and not answering._locks


async def test_an_edited_question_replaces_the_more_pages_of_its_answer(tmp_path: Path) -> None:
    """更多 was pressed under the first answer; the question is then edited: the page 更多 sent
    is part of the old answer and goes with it."""
    from team_bot import button, callback, sent_message

    async with running_bot(tmp_path) as api:
        api.push("message", message(PRIVATE, "乙方响应时间是多少", message_id=11))
        await api.wait_for("sendMessage", 1)
        await api.settled()
        shown = sent_message(api, api.sent()[-1])
        more = button(shown, "更多")
        count = len(api.sent())
        api.push("callback_query", callback(PRIVATE, shown, more["callback_data"]))
        await api.wait_for("sendMessage", count + 1)
        await api.settled()
        old = {m for (chat, m) in api.messages if chat == PRIVATE}
        api.push("edited_message", edited(PRIVATE, "押金怎么退", 11))
        await api.wait_for("deleteMessage", len(old))
        await api.settled()
        left = {m for (chat, m) in api.messages if chat == PRIVATE}
    assert {int(d["message_id"]) for d in api.sent("deleteMessage")} == old
    assert left and not left & old  # the new answer alone


async def test_an_edited_command_is_answered_anew_and_its_earlier_reply_deleted(
        tmp_path: Path) -> None:
    """An agent corrects /clause 第二条 to /clause 第三条 in a forum topic, and /use lease to
    /use maint: one reply each, the corrected one, in the topic. Until stop 41 the wrong
    clause, and the /use no longer meant, stayed above the new reply (an edited question's
    answer was replaced, an edited command's was not)."""
    from test_bot_e2e import FORUM

    def in_topic(text: str, message_id: int, *, edit: bool = False) -> dict[str, Any]:
        make = edited if edit else message
        return make(FORUM, text, message_id=message_id, message_thread_id=77,
                    is_topic_message=True,
                    chat={"id": FORUM, "type": "supergroup", "is_forum": True})

    async with running_bot(tmp_path, LEASE, MAINT) as api:
        for n, (typo, meant) in enumerate((("/clause 第二条", "/clause 第三条"),
                                           ("/use lease", "/use maint")), 11):
            api.push("message", in_topic(typo, n))
            await api.settled()
            api.push("edited_message", in_topic(meant, n, edit=True))
            await api.settled()
        api.push("message", in_topic("/contracts", 13))
        await api.settled()
    shown = [m for (chat, _), m in sorted(api.messages.items()) if chat == FORUM]
    assert len(api.sent()) == 5 and len(api.sent("deleteMessage")) == 2
    assert [m["message_thread_id"] for m in shown] == [77, 77, 77]
    assert first_heading(shown[0]["text"]) == "<b>《房屋租赁合同》 第三条</b>"
    assert shown[1]["text"].startswith("本话题现在只在《软件维护服务合同》中查找")
    assert shown[2]["text"].endswith("本话题只在《软件维护服务合同》中查找；/use all 取消。")
