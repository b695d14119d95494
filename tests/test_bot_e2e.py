"""End-to-end: the real Application and HTTP client against a loopback Bot API server.

The index is real (build_index + Searcher over a tiny inline corpus, parsed from JSON files).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from bot_helpers import html_errors, message
from botapi_server import BOT_ID, BOT_USERNAME, FakeBotApi, running
from index_corpus import FAST_ENCODER, LEASE, MAINT, fast_encoder, parse_json, write_corpus

from bot.app import build_application
from bot.render import LIMIT
from bot.settings import Settings
from index.build import BuildReport, build_index
from index.search import Searcher

PRIVATE, ADMIN, STRANGER, GROUP, FORUM = 100, 42, 555, -200, -300
UPGRADE = {
    "key": "upgrade",
    "title": "在线客服系统升级服务合同",
    "parties": {"甲方": "维护方", "乙方": "用户方"},
    "clauses": [
        ["7.1", "第七章", "质量保证", "甲方保证升级后的系统稳定运行。"],
        ["7.2", "第七章", "质量保证", "乙方响应时间为接到通知后两小时内。"],
        ["7.3", "第七章", "质量保证", "逾期付款的违约金为合同总额的____%。"],
        ["8.1", "第八章", "页面显示", "页面脚本<script>alert(1)</script>与符号&应原样显示。"],
        ["9.1", "第九章", "培训安排",
         "".join(f"第{i}项培训：乙方应为甲方员工提供系统培训，内容包括坐席操作与后台管理。"
                 for i in range(120))],
    ],
}


def build(sources: Sequence[Path] | None, index_dir: Path, *,
          replace: bool = False) -> BuildReport:
    return build_index(sources, index_dir, fast_encoder(), parse=parse_json, progress=False,
                       replace=replace)


@asynccontextmanager
async def running_bot(tmp_path: Path, *contracts: dict,
                      **overrides: Any) -> AsyncIterator[FakeBotApi]:
    """A real Application polling a fresh FakeBotApi, over an index of ``contracts``;
    ``overrides`` replace settings."""
    src, idx = tmp_path / "src", tmp_path / "index"
    write_corpus(src, *(contracts or (UPGRADE, MAINT)))
    await asyncio.to_thread(build, [src], idx)
    server = FakeBotApi()
    await server.start()
    settings = Settings(
        index_dir=idx, sources_dir=src, telegram_token="123456:TEST-token",
        telegram_base_url=server.base_url, telegram_base_file_url=server.base_file_url,
        allowed_chats=frozenset({PRIVATE, GROUP, FORUM}), admins=frozenset({ADMIN}),
        embed_model=FAST_ENCODER,
    )
    settings = dataclasses.replace(settings, **overrides)
    searcher = await asyncio.to_thread(Searcher.open, idx, settings.embed_model)
    try:
        async with running(build_application(settings, searcher=searcher, build=build),
                           api=server):
            yield server
    finally:
        await server.stop()


async def wait_markup(api: FakeBotApi, after: int, timeout: float = 10.0) -> dict:
    """The first message sent after the first ``after`` that carries an inline keyboard."""
    for _ in range(int(timeout / 0.01)):
        for sent in api.sent()[after:]:
            if sent.get("reply_markup"):
                return sent
        await asyncio.sleep(0.01)
    raise AssertionError("no message with a button")


def reply_id(sent: dict) -> int:
    params = sent.get("reply_parameters")
    found = params["message_id"] if params else sent.get("reply_to_message_id")
    assert found is not None, f"not a reply: {sent}"
    return int(found)


async def test_private_question_quotes_clause_with_heading_and_note(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as api:
        api.push("message", message(PRIVATE, "乙方响应时间是多少", message_id=11))
        sent = (await api.wait_for("sendMessage", 1))[0]
        menu = api.sent("setMyCommands")[0]["commands"]
        assert [c["command"] for c in menu] == ["ask", "contracts", "use", "clause", "compare",
                                                "help", "start"]
        # one menu for every chat: no example from the bundled samples (/help gives the chat's)
        assert not any(word in c["description"] for c in menu for word in ("乙方", "7.2", "违约金"))
        assert api.sent("sendChatAction")[0]["action"] == "typing"
    assert sent["chat_id"] == PRIVATE and sent["parse_mode"] == "HTML"
    assert reply_id(sent) == 11
    text = sent["text"]
    assert "<b>《在线客服系统升级服务合同》 第七章 质量保证 › 7.2</b>" in text
    assert "<blockquote>乙方响应时间为接到通知后两小时内。</blockquote>" in text
    assert "本合同中甲方为维护方，乙方为用户方" in text
    assert html_errors(text) == []


async def test_group_answers_ask_and_mention_ignores_chatter(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as api:
        api.push("message", message(GROUP, "今天中午吃什么", message_id=1))
        api.push("message", message(GROUP, "/ask@otherbot 乙方响应时间是多少", message_id=2))
        api.push("message", message(GROUP, "/start@otherbot", message_id=3))
        api.push("message", message(GROUP, f"/ask@{BOT_USERNAME} 乙方响应时间是多少",
                                    message_id=4))
        mention = f"@{BOT_USERNAME} 乙方响应时间是多少"
        api.push("message", message(GROUP, mention, message_id=5, entities=[
            {"type": "mention", "offset": 0, "length": len(BOT_USERNAME) + 1}]))
        api.push("message", message(GROUP, "响应时间呢", message_id=6, reply_to_message={
            "message_id": 900, "date": 0, "chat": {"id": GROUP, "type": "supergroup"},
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "B"}, "text": "x"}))
        api.push("message", message(GROUP, "@someoneelse 你好", message_id=7, entities=[
            {"type": "mention", "offset": 0, "length": 12}]))
        await api.wait_for("sendMessage", 3)
        await api.settled()  # the chatter was handled too: nothing more comes
        sent = api.sent()
    assert sorted(reply_id(s) for s in sent) == [4, 5, 6]
    for s in sent:
        assert "› 7.2</b>" in s["text"]
        assert s["text"].count("<blockquote>") <= 3  # at most 3 clauses in a group


async def test_forum_topic_answer_stays_in_topic(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as api:
        api.push("message", message(
            FORUM, "/ask 乙方响应时间是多少", message_id=21, message_thread_id=77,
            is_topic_message=True, chat={"id": FORUM, "type": "supergroup", "is_forum": True}))
        [sent] = await api.wait_for("sendMessage", 1)
        action = api.sent("sendChatAction")[0]
    assert sent["message_thread_id"] == 77 and action["message_thread_id"] == 77
    assert reply_id(sent) == 21


async def test_traditional_question_gets_traditional_answer(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as api:
        api.push("message", message(PRIVATE, "乙方響應時間是多少"))
        sent = (await api.wait_for("sendMessage", 1))[0]
    assert "第七章 質量保證 › 7.2" in sent["text"]
    assert "乙方響應時間為接到通知後兩小時內。" in sent["text"]
    assert "本合同中甲方為維護方，乙方為用戶方" in sent["text"]


async def test_unauthorized_chat_gets_its_id_and_no_contract_text(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as api:
        for i, text in enumerate(["乙方响应时间是多少", "/contracts", "/clause 7.2"], 1):
            api.push("message", message(STRANGER, text, message_id=i))
        sent = await api.wait_for("sendMessage", 3)
        await api.settled()
        assert api.sent("sendChatAction") == [] and len(api.sent()) == 3
    for s in sent:
        assert str(STRANGER) in s["text"] and "管理员" in s["text"]
        assert "《" not in s["text"] and "响应时间为" not in s["text"]


async def test_long_answer_is_split_into_valid_messages(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as api:
        api.push("message", message(PRIVATE, "/clause 9.1"))
        await api.wait_for("sendMessage", 2)
        await api.settled()  # answered whole: no third part comes
        sent = api.sent()
    assert len(sent) == 2  # about 4,600 characters: two messages, not more
    for s in sent:
        assert len(s["text"]) <= LIMIT
        assert html_errors(s["text"]) == []
    assert "".join(s["text"] for s in sent).count("项培训") == 120


async def test_clause_text_is_html_escaped(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as api:
        api.push("message", message(PRIVATE, "/clause 8.1"))
        [sent] = await api.wait_for("sendMessage", 1)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;与符号&amp;应原样显示" in sent["text"]
    assert "<script>" not in sent["text"] and html_errors(sent["text"]) == []


async def test_unrelated_question_says_nothing_found(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as api:
        api.push("message", message(PRIVATE, "明天的天气怎么样"))
        [sent] = await api.wait_for("sendMessage", 1)
    assert "没有找到" in sent["text"] and "/contracts" in sent["text"]
    assert "《" not in sent["text"]


def press(data: str, message_id: int) -> dict:
    """A private user's press of the inline button with ``data`` under message ``message_id``."""
    return {"id": f"cb{message_id}", "from": {"id": PRIVATE, "is_bot": False, "first_name": "U"},
            "chat_instance": "ci", "data": data,
            "message": {"message_id": message_id, "date": 0, "text": "x",
                        "chat": {"id": PRIVATE, "type": "private"}}}


@pytest.mark.parametrize("question, button, lead, gone", [
    ("明天的天气怎么样", "仍然显示最接近的条款", "这些条款不一定回答了问题，仅供参考：",
     "这些条款已显示过或已过期，请重新提问。"),
    ("明天的天氣怎麼樣", "仍然顯示最接近的條款", "這些條款不一定回答了問題，僅供參考：",
     "這些條款已顯示過或已過期，請重新提問。"),
])
async def test_a_refusal_offers_the_closest_clauses_marked_unsure(
        tmp_path: Path, question: str, button: str, lead: str, gone: str) -> None:
    """Nothing seemed relevant: the refusal carries one button, and pressing it quotes the
    closest clauses under a line that says they may not answer; the button then goes, and a
    second press (a stale client) is told they were shown, in a toast: no message in the chat
    (one there could come before the clauses the first press brings)."""
    async with running_bot(tmp_path) as api:
        api.push("message", message(PRIVATE, question, message_id=7))
        [refusal] = await api.wait_for("sendMessage", 1)
        [[offer]] = refusal["reply_markup"]["inline_keyboard"]
        assert offer["text"] == button and len(offer["callback_data"]) <= 64
        api.push("callback_query", press(offer["callback_data"], 5000))
        closest = (await api.wait_for("sendMessage", 2))[-1]
        cleared = api.sent("editMessageReplyMarkup")
        count = len(api.sent("sendMessage"))
        api.push("callback_query", press(offer["callback_data"], 5000))
        await api.settled()
        again = api.sent("answerCallbackQuery")[-1]
        assert len(api.sent("sendMessage")) == count
    assert again["text"] == gone
    assert "《" not in refusal["text"] and "/contracts" in refusal["text"]
    assert closest["text"].startswith(f"<i>{lead}</i>") and "《" in closest["text"]
    assert html_errors(closest["text"]) == []
    assert {b["text"] for row in closest["reply_markup"]["inline_keyboard"] for b in row} \
        >= {"👍", "👎"}
    assert cleared and cleared[-1]["message_id"] == 5000 and not cleared[-1].get("reply_markup")


async def test_a_relevant_answer_has_no_closest_clauses_button(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as api:
        api.push("message", message(PRIVATE, "乙方响应时间是多少", message_id=11))
        last = await wait_markup(api, 0)  # the answer's last message carries its buttons
        answer = "\n".join(m["text"] for m in api.sent("sendMessage"))
    labels = {b["text"] for row in last["reply_markup"]["inline_keyboard"] for b in row}
    assert "乙方响应时间为接到通知后两小时内" in answer and "👍" in labels
    assert "仍然显示最接近的条款" not in labels and "这些条款" not in answer


async def test_contracts_use_and_more_button(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as api:
        api.push("message", message(PRIVATE, "/contracts", message_id=1))
        [listing] = await api.wait_for("sendMessage", 1)
        lines = listing["text"].split("\n")
        assert lines[1:] == ["1. <code>maint</code> 《软件维护服务合同》 10 条",
                             "2. <code>upgrade</code> 《在线客服系统升级服务合同》 5 条"]
        api.push("message", message(PRIVATE, "/use 1", message_id=2))
        await api.wait_for("sendMessage", 2)
        api.push("message", message(PRIVATE, "乙方响应时间是多少", message_id=3))
        scoped = (await api.wait_for("sendMessage", 3))[-1]
        assert "《软件维护服务合同》" in scoped["text"]
        assert "在线客服" not in scoped["text"]  # scoped to contract 1
        api.push("message", message(PRIVATE, "/use all", message_id=4))
        await api.wait_for("sendMessage", 4)
        after = len(api.sent())
        api.push("message", message(PRIVATE, "乙方响应时间是多少", message_id=5))
        first = await wait_markup(api, after)
        button = first["reply_markup"]["inline_keyboard"][0][0]
        assert button["text"] == "更多" and len(button["callback_data"]) <= 64
        api.push("callback_query", {
            "id": "cb1", "from": {"id": PRIVATE, "is_bot": False, "first_name": "U"},
            "chat_instance": "ci", "data": button["callback_data"],
            "message": {"message_id": 5000, "date": 0, "text": "x",
                        "chat": {"id": PRIVATE, "type": "private"}}})
        count = len(api.sent())
        more = (await api.wait_for("sendMessage", count + 1))[-1]
        assert api.sent("answerCallbackQuery")
    first_ids = {line for line in first["text"].split("\n") if line.startswith("<b>")}
    more_ids = {line for line in more["text"].split("\n") if line.startswith("<b>")}
    assert more_ids and not first_ids & more_ids


async def test_admin_upload_is_indexed_and_searchable(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as api:
        data = json.dumps(LEASE, ensure_ascii=False).encode()
        api.files["documents/F1"] = data
        doc = {"file_id": "F1", "file_unique_id": "F1", "file_name": "../../lease.txt",
               "file_size": len(data)}
        api.push("message", message(ADMIN, None, document=doc))
        sent = await api.wait_for("sendMessage", 2, timeout=20)
        assert "已收录《房屋租赁合同》，共 5 条。" in sent[-1]["text"]
        assert (tmp_path / "src" / "lease.txt").is_file()
        api.push("message", message(ADMIN, "押金是多少"))
        answer = (await api.wait_for("sendMessage", 3))[-1]
        assert "《房屋租赁合同》 第二条" in answer["text"]
        api.push("message", message(PRIVATE, None, document=dict(doc, file_name="x.txt")))
        refused = (await api.wait_for("sendMessage", 4))[-1]
    assert "只有管理员" in refused["text"]
    assert not (tmp_path / "src" / "x.txt").exists()


async def test_running_bot_switches_to_a_rebuilt_index(tmp_path: Path) -> None:
    async with running_bot(tmp_path, UPGRADE) as api:
        write_corpus(tmp_path / "src", LEASE)
        await asyncio.to_thread(build, [tmp_path / "src"], tmp_path / "index")
        api.push("message", message(PRIVATE, "押金是多少"))
        [sent] = await api.wait_for("sendMessage", 1)
    assert "《房屋租赁合同》 第二条" in sent["text"]


def test_serve_without_token_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli import main

    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == "contractbot: TELEGRAM_BOT_TOKEN is not set"


def test_token_never_logged_by_http_client(tmp_path: Path) -> None:
    import logging

    logging.getLogger("httpx").setLevel(logging.DEBUG)
    settings = Settings(index_dir=tmp_path, sources_dir=tmp_path, telegram_token="1:SECRET")
    build_application(settings, build=build)  # post_init (the searcher) never runs here
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING
    assert logging.getLogger("httpcore").getEffectiveLevel() == logging.WARNING
    assert "SECRET" not in repr(settings)


def test_building_the_application_opens_no_file(tmp_path: Path) -> None:
    settings = Settings(index_dir=tmp_path / "idx", sources_dir=tmp_path, telegram_token="1:T",
                        question_log=True)
    app = build_application(settings, build=build)
    assert app.bot_data.log is None  # the question log is opened by post_init, when it starts
    assert not (tmp_path / "idx").exists()


async def test_upload_unreadable_or_too_big_gets_the_reason(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as api:
        api.files["documents/E1"] = b'{"empty": true}'
        api.push("message", message(ADMIN, None, message_id=1, document={
            "file_id": "E1", "file_unique_id": "E1", "file_name": "空合同.txt", "file_size": 15}))
        sent = await api.wait_for("sendMessage", 2, timeout=20)
        # the upload is read by the real parser before it reaches the sources
        assert sent[-1]["text"] == "无法读取 空合同.txt：看起来不是合同"  # in the admin's words
        assert not (tmp_path / "src" / "空合同.txt").exists()
        api.push("message", message(ADMIN, None, message_id=2, document={
            "file_id": "B1", "file_unique_id": "B1", "file_name": "big.pdf",
            "file_size": 30 * 1024 * 1024}))
        api.push("message", message(ADMIN, None, message_id=3, document={
            "file_id": "D1", "file_unique_id": "D1", "file_name": "old.doc", "file_size": 10}))
        sent = await api.wait_for("sendMessage", 4)
        replies = {reply_id(s): s["text"] for s in sent}
    assert replies[2] == "文件太大（上限 20 MB）。"
    assert replies[3] == (  # a legacy .doc is refused before it is downloaded, told what to do
        "这是旧版 Word 文档（.doc），请另存为 .docx 或 PDF 后再发送。")
    assert [p["file_id"] for p in api.sent("getFile")] == ["E1"]
