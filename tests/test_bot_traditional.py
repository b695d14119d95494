"""Traditional-Chinese users, walked through the bot: whatever the bot says to them (replies,
button labels, toasts) is in Traditional, also when they have not asked a question yet."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bot_helpers import message
from botapi_server import FakeBotApi
from index_corpus import LEASE
from test_bot_e2e import ADMIN, FORUM, running_bot
from test_bot_topics import in_topic

from bot import texts
from bot.reasons import WORDS
from index import dominant_script, to_traditional

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
            "演示文稿", "電子表格", "壓縮包")


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
    # a Word 文档 is a 文件 (a document) in Taiwan, not a 檔案: each term is replaced once
    assert texts.in_script("这是 WPS 文档", "traditional") == "這是 WPS 文件"
    # values (names, titles) are never changed: a contract's 文件 stays as written
    assert texts.say(texts.UPLOAD_KEPT, "traditional", name="招标文件.pdf") == (
        "已保留原檔案，招标文件.pdf 沒有收錄。")
