"""Traditional-Chinese users, walked through the bot: whatever the bot says to them (replies,
button labels, toasts) is in Traditional, also when they have not asked a question yet."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from bot_helpers import message
from botapi_server import FakeBotApi
from index_corpus import LEASE, MAINT
from test_bot_e2e import ADMIN, FORUM, GROUP, PRIVATE, running_bot
from test_bot_teams import SUPPLY
from test_bot_topics import in_topic

from bot import texts
from bot.outline import chapter_outline
from bot.reasons import WORDS
from index import Clause, Hit, dominant_script, to_traditional

TEAMMATE = 32  # a member of the support group who never asked the bot anything


def traditional(text: str) -> bool:
    """True when ``text`` has no Simplified character that Traditional writes otherwise."""
    return to_traditional(text) == text


def last_shown(api: FakeBotApi, **where: Any) -> dict[str, Any]:
    """The message the bot sent last, as a chat member sees it (``where``: its topic)."""
    return dict(api.messages[max(api.messages, key=lambda k: k[1])], **where)


def press(api: FakeBotApi, shown: dict[str, Any], data: str, *, user: int) -> None:
    """``user`` presses the button ``data`` under the bot's message ``shown``."""
    api.push("callback_query", {"id": f"q{len(api.calls)}", "chat_instance": "ci", "data": data,
                                "message": shown,
                                "from": {"id": user, "is_bot": False, "first_name": "T",
                                         "language_code": "en"}})


async def test_a_teammate_pressing_under_a_traditional_answer_is_answered_in_traditional(
        tmp_path: Path) -> None:
    """An agent asks in Traditional in a forum topic; a teammate who never asked (Telegram in
    English) presses 👍 and 更多 twice: the toasts and the reply were Simplified
    (已记录，谢谢反馈。, 没有更多结果了。) under a Traditional answer."""
    topic = {"chat": {"id": FORUM, "type": "supergroup", "is_forum": True},
             "message_thread_id": 77, "is_topic_message": True}
    async with running_bot(tmp_path) as api:
        api.push("message", in_topic("/ask 保密義務多久", 1, 77))
        [answer] = await api.wait_for("sendMessage", 1)
        shown = last_shown(api, **topic)
        rows = answer["reply_markup"]["inline_keyboard"]
        more = next(b["callback_data"] for r in rows for b in r if b["text"] == "更多")
        vote = next(b["callback_data"] for r in rows for b in r if b["text"] == "👍")
        press(api, shown, vote, user=TEAMMATE)
        await api.settled()
        press(api, shown, more, user=TEAMMATE)  # the agent's page …
        await api.settled()
        press(api, shown, more, user=TEAMMATE)  # … is gone the second time
        await api.settled()
    toasts = [c["text"] for c in api.sent("answerCallbackQuery") if c.get("text")]
    # the second 更多 is told so in a toast (its page was on its way), not in the topic
    assert toasts == ["已記錄，謝謝回饋。", "沒有更多結果了。"]
    assert "沒有更多結果了。" not in [s["text"] for s in api.sent()]
    assert all(s["message_thread_id"] == 77 for s in api.sent())
    assert all(traditional(s["text"]) for s in api.sent())


async def test_an_admin_uploading_with_a_traditional_caption_is_answered_in_traditional(
        tmp_path: Path) -> None:
    """An admin whose first words to the bot are a contract's caption in Traditional (its
    collection, 客戶甲): every reply of the upload was Simplified (已收到，正在收录……,
    已收录《房屋租赁合同》，共 5 条。)."""
    async with running_bot(tmp_path) as api:
        data = json.dumps(LEASE, ensure_ascii=False).encode()
        api.files["documents/F1"] = data
        api.push("message", message(ADMIN, None, caption="客戶甲", document={
            "file_id": "F1", "file_unique_id": "F1", "file_name": "lease.txt",
            "file_size": len(data)}))
        sent = await api.wait_for("sendMessage", 2, timeout=30)
    working, done = (s["text"] for s in sent)
    assert working.startswith("已收到，正在收錄……")
    assert done == "已收錄《房屋租賃合同》，共 5 條。"
    assert (tmp_path / "src" / "客戶甲" / "lease.txt").is_file()


def test_a_file_name_does_not_turn_the_script_of_a_reply() -> None:
    """A button's reply follows the script of the message it is under, read by its majority:
    a Traditional file name in a Simplified question to confirm is still Simplified."""
    simplified = texts.say(texts.UPLOAD_CONFIRM, "simplified", existing="設備採購合同.txt",
                           name="設備採購合同.txt", title="设备采购合同", clauses=3)
    assert dominant_script(simplified) == "simplified"
    assert dominant_script(to_traditional(simplified)) == "traditional"
    assert dominant_script("押金 👍") is None


# Mainland terms a Taiwan reader writes otherwise (檔名, 字元, 伺服器 …), in Traditional letters
MAINLAND = ("文件名", "文件夾", "文本文件", "字符", "服務器", "磁盤", "默認", "支持", "鏈接",
            "程序", "內存", "創建", "保存", "設置", "反饋", "信息", "用戶", "視頻", "網絡",
            "演示文稿", "電子表格", "壓縮包", "粘貼")


def test_the_bots_own_words_use_the_terms_a_traditional_reader_expects() -> None:
    """A renamed upload told a zh-TW admin 文件名中有不能用於文件的字符 (Mainland terms in
    Traditional letters): every line the bot says, and every reason it gives, now reads as
    Taiwan writes it."""
    lines = [v for k, v in vars(texts).items() if k.isupper() and isinstance(v, str)]
    said = {line: texts.in_script(line, "traditional") for line in [*lines, *WORDS.values()]}
    assert {line: t for line, t in said.items() if any(m in t for m in MAINLAND)} == {}
    assert texts.say(texts.UPLOAD_RENAMED, "traditional", name="a_b.txt") == (
        "檔名中有不能用於檔案的字元，已存為 a_b.txt。")
    assert texts.say(texts.UPLOAD_RENAMED, "simplified", name="a_b.txt") == (
        "文件名中有不能用于文件的字符，已存为 a_b.txt。")
    assert texts.say(texts.UPLOAD_WORKING_DOCX, "traditional") == (  # 粘貼 is Mainland's
        "已收到，正在收錄……（文件中貼上的掃描頁需識別文字，每頁約 5 秒）")
    # a Word 文档 is a 文件 (a document) in Taiwan, not a 檔案: each term is replaced once
    assert texts.in_script("这是 WPS 文档", "traditional") == "這是 WPS 文件"
    # values (names, titles) are never changed: a contract's 文件 stays as written
    assert texts.say(texts.UPLOAD_KEPT, "traditional", name="招标文件.pdf") == (
        "已保留原檔案，招标文件.pdf 沒有收錄。")


def member(chat: int, text: str, message_id: int, *, user: int, lang: str,
           **extra: Any) -> dict[str, Any]:
    """A message of ``user``, whose Telegram is in ``lang``, in ``chat``."""
    sent = message(chat, text, user_id=user, message_id=message_id, **extra)
    sent["from"]["language_code"] = lang
    return sent


async def test_a_member_whose_words_show_no_script_is_answered_as_the_chat_asks(
        tmp_path: Path) -> None:
    """A Hong Kong team asks in Traditional; a member whose Telegram is in English asks
    /ask 保密期限, characters both scripts write alike: the answer, and a bare /contracts of
    another such member, were Simplified (the bot knew no script of theirs). They follow the
    script the chat (in a forum, the topic, else the chat's last) was last asked in."""
    async with running_bot(tmp_path, MAINT) as api:
        api.push("message", member(GROUP, "/ask 乙方響應時間是多少", 1, user=31, lang="zh-hk"))
        await api.wait_for("sendMessage", 1)
        api.push("message", member(GROUP, "/ask 保密期限", 2, user=32, lang="en"))
        api.push("message", member(GROUP, "/contracts", 3, user=33, lang=""))
        await api.settled()
        api.push("message", in_topic("/ask 乙方响应时间是多少", 4, 77))  # Simplified
        await api.wait_for("sendMessage", 4)
        api.push("message", in_topic("/ask 保密義務多長", 5, 88))  # Traditional topic
        await api.wait_for("sendMessage", 5)
        api.push("message", dict(in_topic("/ask 保密期限", 6, 77), **{"from": {
            "id": 34, "is_bot": False, "first_name": "U", "language_code": "en"}}))
        api.push("message", dict(in_topic("/ask 保密期限", 7, 99), **{"from": {
            "id": 35, "is_bot": False, "first_name": "U", "language_code": "en"}}))
        await api.settled()
    said = {reply_to(s): s["text"] for s in api.sent()}
    assert "《軟件維護服務合同》 第四章 保密 › 4.2" in said[2] and traditional(said[2])
    assert said[3].startswith("已收錄的合同：")
    assert "《软件维护服务合同》 第四章 保密 › 4.2" in said[6]  # its topic asks in Simplified
    assert "《軟件維護服務合同》 第四章 保密 › 4.2" in said[7]  # a new topic: the chat's last


def reply_to(sent: dict[str, Any]) -> int:
    """The id of the message ``sent`` replies to."""
    return int(sent["reply_parameters"]["message_id"])


async def test_the_commands_a_traditional_reply_offers_to_copy_are_in_traditional(
        tmp_path: Path) -> None:
    """After /compare 違約金, 這條是什麼意思 offers each contract's /clause command to copy:
    they read `/clause 第五条 1`, a Simplified 条 in a Traditional reply. They are in the
    asker's script now, and work as they read."""
    async with running_bot(tmp_path, LEASE, SUPPLY) as api:
        for n, text in enumerate(("/compare 違約金", "這條是什麼意思"), 1):
            api.push("message", message(PRIVATE, text, message_id=n))
            await api.wait_for("sendMessage", n)
        offered = api.sent()[-1]["text"]
        api.push("message", message(PRIVATE, "/clause 第十三條 2", message_id=3))
        [*_, quoted] = await api.wait_for("sendMessage", 3)
    assert "<code>/clause 第五條 1</code>" in offered
    assert "<code>/clause 第十三條 2</code>" in offered and traditional(offered)
    assert quoted["text"].startswith(
        "<b>《設備採購合同》 第六章 違約責任 › 第十三條 逾期交付責任</b>")


def test_an_outline_asks_in_the_askers_script() -> None:
    """A chapter's outline ends with how to ask for one clause: its example number was as the
    contract writes it, 第一条第1项, in a Traditional outline."""
    head = Clause(contract="c", clause="第一条", chapter="第二章", chapter_title="约定",
                  text="约定事项")
    item = dataclasses.replace(head, clause="第一条第1项", parent="第一条", level=2, text="甲")
    hits = [Hit(clause=head, title="服务合同", score=1.0, children=(item,))]
    said = chapter_outline(hits, "traditional", messages=4, pick="1")
    assert said[-1].endswith("例如 /clause 第一條第1項 1") and traditional(said[-1])
