"""A teammate summons the bot under someone's question ("@bot" or "/ask" alone as a reply):
that question is answered. In private, what is not a question in words (a sticker, a voice
message, a command the bot does not have) gets a hint instead of silence; groups stay quiet,
but for a command the bot does not have addressed to it by name (/foo@bot).
The real Application against the loopback Bot API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot_helpers import message
from botapi_server import BOT_ID, BOT_USERNAME
from test_bot_e2e import ADMIN, GROUP, PRIVATE, STRANGER, reply_id, running_bot

from bot import texts

MENTION = [{"type": "mention", "offset": 0, "length": len(BOT_USERNAME) + 1}]


def under(message_id: int, text: str, *, sender: int = 8) -> dict[str, Any]:
    """The message a reply replies to: ``text`` from ``sender`` in GROUP."""
    return {"message_id": message_id, "date": 0, "chat": {"id": GROUP, "type": "supergroup"},
            "from": {"id": sender, "is_bot": sender == BOT_ID, "first_name": "C"},
            "text": text}


async def test_a_bare_mention_or_ask_under_a_question_answers_it(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as api:
        api.push("message", message(GROUP, "乙方响应时间是多少", message_id=1))  # chatter
        api.push("message", message(GROUP, f"@{BOT_USERNAME}", message_id=2, entities=MENTION,
                                    reply_to_message=under(1, "乙方响应时间是多少")))
        api.push("message", message(GROUP, "/ask", message_id=3,
                                    reply_to_message=under(1, "乙方响应时间是多少")))
        api.push("message", message(GROUP, f"@{BOT_USERNAME}", message_id=4, entities=MENTION,
                                    reply_to_message=under(900, "x", sender=BOT_ID)))
        await api.wait_for("sendMessage", 3)
        await api.settled()
        sent = {reply_id(s): s["text"] for s in api.sent()}
    assert sorted(sent) == [2, 3, 4]
    assert "› 7.2</b>" in sent[2] and "› 7.2</b>" in sent[3]
    assert sent[4].startswith("请在 /ask 后写上问题")  # under the bot's own message: nothing asked


async def test_what_is_not_a_question_in_words_gets_a_hint_in_private(tmp_path: Path) -> None:
    sticker = {"file_id": "S1", "file_unique_id": "S1", "type": "regular", "width": 512,
               "height": 512, "is_animated": False, "is_video": False}
    voice = {"file_id": "V1", "file_unique_id": "V1", "duration": 3}
    async with running_bot(tmp_path) as api:
        api.push("message", message(PRIVATE, None, message_id=1, sticker=sticker))
        api.push("message", message(PRIVATE, None, message_id=2, voice=voice))
        api.push("message", message(PRIVATE, "/foo bar", message_id=3))
        api.push("message", message(GROUP, None, message_id=4, sticker=sticker))
        api.push("message", message(GROUP, "/foo", message_id=5))
        api.push("message", message(STRANGER, None, message_id=6, sticker=sticker))
        await api.wait_for("sendMessage", 4)
        await api.settled()
        sent = {(s["chat_id"], reply_id(s)): s["text"] for s in api.sent()}
    assert sorted(sent) == [(PRIVATE, 1), (PRIVATE, 2), (PRIVATE, 3), (STRANGER, 6)]
    assert sent[(PRIVATE, 1)] == sent[(PRIVATE, 2)] == (
        "我只能回答文字问题。请直接用文字提问，例如：保密期限是怎么规定的。/help 查看用法。")
    assert sent[(PRIVATE, 3)] == "没有这个命令：/foo。/help 查看可用的命令。"
    assert "尚未获准" in sent[(STRANGER, 6)]  # a stranger learns the chat id, nothing more


async def test_a_photo_or_file_that_addresses_the_bot_in_a_group_gets_the_hint(
        tmp_path: Path) -> None:
    # A teammate sends a screenshot of a clause with "@bot 这个条款是什么意思" as its caption,
    # or as a reply to the bot's answer: the bot cannot read it, and was silent.
    photo = [{"file_id": "P1", "file_unique_id": "P1", "width": 800, "height": 600,
              "file_size": 1000}]
    doc = {"file_id": "D1", "file_unique_id": "D1", "file_name": "合同.pdf", "file_size": 10}
    caption = f"@{BOT_USERNAME} 這個條款是什麼意思"
    async with running_bot(tmp_path) as api:
        api.push("message", message(GROUP, None, message_id=1, photo=photo, caption=caption,
                                    caption_entities=MENTION))
        api.push("message", message(GROUP, None, message_id=2, user_id=9, photo=photo,
                                    caption="这个呢",
                                    reply_to_message=under(900, "x", sender=BOT_ID)))
        api.push("message", message(GROUP, None, message_id=3, user_id=9, document=doc,
                                    caption=f"@{BOT_USERNAME}", caption_entities=MENTION))
        api.push("message", message(GROUP, None, message_id=4, photo=photo, caption="看看这个"))
        api.push("message", message(GROUP, None, message_id=5, photo=photo,
                                    caption="@someone 看看", caption_entities=[
                                        {"type": "mention", "offset": 0, "length": 8}]))
        await api.wait_for("sendMessage", 3)
        await api.settled()
        sent = {reply_id(s): s["text"] for s in api.sent()}
    assert sorted(sent) == [1, 2, 3]  # chatter with a picture stays quiet
    assert sent[2] == sent[3] == ("我只能回答文字问题，看不到图片和文件里的内容。"
                                  "请用 /ask 加文字提问，例如：/ask 保密期限是怎么规定的")
    # the caption's script
    assert sent[1].startswith("我只能回答文字問題，看不到圖片和檔案裡的內容。")


async def test_an_admins_contract_file_in_a_group_is_told_where_uploads_are_taken(
        tmp_path: Path) -> None:
    """An admin sent 合同.pdf to the bot in the team's group and was told 我只能回答文字问题，
    看不到图片和文件里的内容 (as if the bot could take no file at all): contracts are taken in the
    admin's private chat only (README), and the admin is told so, in their script; a photo, an
    image file, a file of a type not read and a teammate's file keep the hint; none is saved."""
    photo = [{"file_id": "P1", "file_unique_id": "P1", "width": 800, "height": 600,
              "file_size": 1000}]

    def doc(name: str) -> dict[str, Any]:
        return {"file_id": name, "file_unique_id": name, "file_name": name, "file_size": 10}

    taiwan = {"id": ADMIN, "is_bot": False, "first_name": "A", "language_code": "zh-TW"}
    summon: dict[str, Any] = {"caption": f"@{BOT_USERNAME}", "caption_entities": MENTION}
    async with running_bot(tmp_path) as api:
        sends: tuple[dict[str, Any], ...] = (
                {"document": doc("合同.pdf")}, {"document": doc("lease.docx"), "from": taiwan},
                {"document": doc("合同.txt"), "user_id": 9}, {"document": doc("截图.png")},
                {"document": doc("合同.doc")}, {"photo": photo})
        for number, sent in enumerate(sends, start=1):
            who: dict[str, Any] = {} if {"from", "user_id"} & sent.keys() else {"user_id": ADMIN}
            api.push("message", message(GROUP, None, message_id=number, **who, **summon, **sent))
        await api.wait_for("sendMessage", 6)
        await api.settled()
        said = {reply_id(s): s["text"] for s in api.sent()}
    hint = texts.NOT_TEXT_GROUP.format(question="保密期限是怎么规定的")
    assert said == {1: texts.UPLOAD_IN_PRIVATE,
                    2: texts.say(texts.UPLOAD_IN_PRIVATE, "traditional"),
                    3: hint, 4: hint, 5: hint, 6: hint}
    assert "私聊" in said[1] and "私聊" in said[2]
    assert api.sent("getFile") == []
    assert sorted(p.name for p in (tmp_path / "src").iterdir()) == ["maint.txt", "upgrade.txt"]


async def test_an_unknown_command_addressed_to_the_bot_in_a_group_points_to_help(
        tmp_path: Path) -> None:
    """/foo@thisbot in a group got no reply, where /foo in private points to /help: a command
    addressed to this bot by name is the bot's to answer; /foo alone and /foo@otherbot (or a
    known command of another bot's) may be another bot's and stay unheard."""
    async with running_bot(tmp_path) as api:
        api.push("message", message(GROUP, f"/foo@{BOT_USERNAME} x", message_id=1))
        api.push("message", message(GROUP, "/foo", message_id=2))
        api.push("message", message(GROUP, "/foo@otherbot", message_id=3))
        api.push("message", message(GROUP, "/ask@otherbot 乙方响应时间是多少", message_id=4))
        taiwan: dict[str, Any] = {"from": {"id": 9, "is_bot": False, "first_name": "T",
                                           "language_code": "zh-TW"}}
        api.push("message", message(GROUP, f"/Foo@{BOT_USERNAME.upper()}", message_id=5,
                                    **taiwan))
        api.push("message", message(-999, f"/foo@{BOT_USERNAME}", message_id=6))
        await api.wait_for("sendMessage", 3)
        await api.settled()
        sent = {(s["chat_id"], reply_id(s)): s["text"] for s in api.sent()}
    assert sorted(sent) == [(-999, 6), (GROUP, 1), (GROUP, 5)]
    assert sent[(GROUP, 1)] == f"没有这个命令：/foo@{BOT_USERNAME}。/help 查看可用的命令。"
    assert sent[(GROUP, 5)].startswith("沒有這個命令：/Foo@")  # the asker's script
    assert "尚未获准" in sent[(-999, 6)]  # a chat not allowed learns its id, as for /ask


async def test_a_members_photo_in_private_is_not_read_and_its_caption_is_answered(
        tmp_path: Path) -> None:
    """A listed user who is not an admin sent a screenshot with 乙方响应时间是多少 as its
    caption and was told 只有管理员可以上传合同: only an admin's photo is read (as a contract,
    README), so the member is told the bot cannot read it, and the caption is answered as a
    question; a photo without one gets the hint alone. Nothing is downloaded; a chat not
    allowed gets its id, as for any question."""
    photo = [{"file_id": "P1", "file_unique_id": "P1", "width": 800, "height": 600,
              "file_size": 1000}]
    async with running_bot(tmp_path) as api:
        api.push("message", message(PRIVATE, None, message_id=1, photo=photo,
                                    caption="乙方响应时间是多少"))
        api.push("message", message(PRIVATE, None, message_id=2, photo=photo))
        api.push("message", message(PRIVATE, None, message_id=3, photo=photo,
                                    caption="乙方響應時間是多少"))
        api.push("message", message(STRANGER, None, message_id=4, photo=photo,
                                    caption="乙方响应时间是多少"))
        await api.wait_for("sendMessage", 6)
        await api.settled()
        said: dict[tuple[int, int], list[str]] = {}
        for s in api.sent():
            said.setdefault((s["chat_id"], reply_id(s)), []).append(s["text"])
    assert sorted(said) == [(PRIVATE, 1), (PRIVATE, 2), (PRIVATE, 3), (STRANGER, 4)]
    hint, *answered = said[(PRIVATE, 1)]
    assert hint == texts.PHOTO_CAPTION_ONLY and "› 7.2</b>" in "".join(answered)
    assert said[(PRIVATE, 2)] == [texts.PHOTO_NOT_READ.format(question="保密期限是怎么规定的")]
    hint, *answered = said[(PRIVATE, 3)]
    assert hint == texts.say(texts.PHOTO_CAPTION_ONLY, "traditional")
    assert "› 7.2</b>" in "".join(answered)
    assert "只有管理员" not in str(said) and "尚未获准" in said[(STRANGER, 4)][0]
    assert api.sent("getFile") == []
