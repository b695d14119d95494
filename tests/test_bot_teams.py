"""End to end, one bot for many teams: collections per chat (access file re-read on change),
headings with their sub-clauses, 更多 pressed twice, failed chat actions, one script per reply,
identical titles. The real Application and HTTP client against the loopback Bot API."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from bot_helpers import html_errors, message
from index_corpus import LEASE, MAINT
from team_bot import (
    ADMIN,
    access_file,
    ask,
    button,
    buttons,
    callback,
    sent_message,
    team_bot,
)

from bot import texts
from index import to_script

SUPPLY: dict = {
    "key": "supply",
    "title": "设备采购合同",
    "parties": {"甲方": "采购方", "乙方": "供货方"},
    "clauses": [
        ["5.1", "第五章", "合同价款与支付", "合同总价为人民币一百万元。"],
        ["5.3", "第五章", "合同价款与支付", "甲方应按照以下方式支付合同价款：", None],
        ["5.3.1", "第五章", "合同价款与支付", "合同签订后十日内支付合同总价的30%作为预付款。",
         "5.3"],
        ["5.3.2", "第五章", "合同价款与支付", "设备验收合格后十日内支付剩余70%。", "5.3"],
        ["第十三条", "第六章", "违约责任",
         "乙方逾期交付的，每逾期一日按合同总价的____%向甲方支付违约金。", None, "逾期交付责任"],
    ],
}
LABOR_A = {"key": "labor-a", "title": "劳动合同", "parties": {"甲方": "用人单位"},
           "clauses": [["第一条", None, None, "劳动合同期限为三年，试用期为三个月。"]]}
LABOR_B = {"key": "labor-b", "title": "劳动合同", "parties": {"甲方": "用人单位"},
           "clauses": [["第一条", None, None, "劳动合同期限为一年，试用期为一个月。"]]}
GROUP_A, PRIVATE_B, EVERYTHING, LATE = -501, 502, 503, -504
LAYOUT: dict[str, list[dict]] = {"customer-a": [MAINT, SUPPLY], "customer-b": [LEASE]}


async def test_each_chat_stays_inside_its_collections(tmp_path: Path) -> None:
    rules = access_file(tmp_path / "access.toml", {GROUP_A: ["customer-a"],
                                                   PRIVATE_B: ["customer-b"]})
    async with team_bot(tmp_path, LAYOUT, access_file=rules,
                        allowed_chats=frozenset({EVERYTHING})) as (api, _):
        listing = await ask(api, GROUP_A, "/contracts")
        assert "《软件维护服务合同》" in listing and "《设备采购合同》" in listing
        assert "房屋租赁" not in listing and "lease" not in listing
        answer = await ask(api, GROUP_A, "/ask 押金是多少")
        assert "房屋租赁" not in answer and "两个月租金" not in answer
        assert (await ask(api, GROUP_A, "/use lease")) == (
            await ask(api, GROUP_A, "/use nosuch")).replace("nosuch", "lease")
        assert (await ask(api, GROUP_A, "/clause 第二条 lease")) == (
            await ask(api, GROUP_A, "/clause 第二条 nosuch")).replace("nosuch", "lease")
        assert "没有找到条款" in await ask(api, GROUP_A, "/clause 第二条")
        outside = await ask(api, GROUP_A, "/ask 《房屋租赁合同》的押金是多少")
        unknown = await ask(api, GROUP_A, "/ask 《厂房买卖合同》的押金是多少")
        assert outside == unknown.replace("厂房买卖合同", "房屋租赁合同")
        assert "没有收录" in outside
        # named loosely, the lease is not answered from the chat's other contracts either
        loose = await ask(api, GROUP_A, "/ask 房屋租赁合同的押金是多少")
        assert loose == unknown.replace("《厂房买卖合同》", "“租赁合同”")
        compared = await ask(api, GROUP_A, "/compare 押金")
        assert "《软件维护服务合同》" in compared and "房屋租赁" not in compared
        answer_b = await ask(api, PRIVATE_B, "押金是多少")
        assert "《房屋租赁合同》 第二条" in answer_b
        everything = await ask(api, EVERYTHING, "/contracts")
        assert "· customer-a" in everything and "· customer-b" in everything
        # the access file is read again when it changes: no restart
        assert "尚未获准" in await ask(api, LATE, "/ask 押金是多少")
        access_file(rules, {GROUP_A: ["customer-a"], PRIVATE_B: ["customer-b"],
                            LATE: ["customer-b"]})
        assert "《房屋租赁合同》 第二条" in await ask(api, LATE, "/ask 押金是多少")
        access_file(rules, {LATE: ["*"]})
        assert "· customer-a" in await ask(api, LATE, "/contracts")
        assert "尚未获准" in await ask(api, GROUP_A, "/contracts")


async def test_admin_upload_goes_to_the_captions_collection(tmp_path: Path) -> None:
    import json

    rules = access_file(tmp_path / "access.toml", {PRIVATE_B: ["customer-b"]})
    async with team_bot(tmp_path, {"customer-a": [MAINT]}, access_file=rules) as (api, _):
        data = json.dumps(LEASE, ensure_ascii=False).encode()
        api.files["documents/F1"] = data
        doc = {"file_id": "F1", "file_unique_id": "F1", "file_name": "lease.txt",
               "file_size": len(data)}
        api.push("message", message(ADMIN, None, document=doc, caption="../x"))
        [refused] = await api.wait_for("sendMessage", 1)
        assert "集合名" in refused["text"] and not (tmp_path / "x").exists()
        api.push("message", message(ADMIN, None, document=doc, caption="customer-b"))
        sent = await api.wait_for("sendMessage", 3, timeout=20)
        assert "已收录《房屋租赁合同》" in sent[-1]["text"]
        assert (tmp_path / "src" / "customer-b" / "lease.txt").is_file()
        assert "《房屋租赁合同》 第二条" in await ask(api, PRIVATE_B, "押金是多少")


async def test_heading_is_quoted_with_its_sub_clauses_and_titles(tmp_path: Path) -> None:
    async with team_bot(tmp_path, {"": [SUPPLY]}, allowed_chats=frozenset({EVERYTHING})) as (
            api, _):
        quoted = await ask(api, EVERYTHING, "/clause 5.3")
        assert "› 5.3</b>" in quoted and "甲方应按照以下方式支付合同价款：" in quoted
        assert "5.3.1 合同签订后十日内支付合同总价的30%作为预付款。" in quoted
        assert "5.3.2 设备验收合格后十日内支付剩余70%。" in quoted
        titled = await ask(api, EVERYTHING, "/clause 第十三条")
        assert "《设备采购合同》 第六章 违约责任 › 第十三条 逾期交付责任</b>" in titled
        assert "（合同此处未填写）" in titled
        answer = await ask(api, EVERYTHING, "甲方应该怎样支付合同价款")
        assert answer.count("设备验收合格后十日内支付剩余70%") == 1
        assert "预付款" in answer and html_errors(answer) == []


async def test_more_twice_and_after_its_buttons_are_gone(tmp_path: Path) -> None:
    async with team_bot(tmp_path, {"": [MAINT, LEASE, SUPPLY]},
                        allowed_chats=frozenset({EVERYTHING})) as (api, _):
        api.push("message", message(EVERYTHING, "乙方负责什么", message_id=7))
        [first] = await api.wait_for("sendMessage", 1)
        shown = copy.deepcopy(sent_message(api, first))
        more = button(shown, "更多")
        assert {b["text"] for b in buttons(shown)} == {"更多", "👍", "👎"}
        for i in range(3):  # pressed three times on the same message
            api.push("callback_query", callback(EVERYTHING, shown, more["callback_data"],
                                                query_id=f"m{i}"))
        await api.wait_for("sendMessage", 2)
        await api.settled()
        texts = [s["text"] for s in api.sent()]
        edits = api.sent("editMessageReplyMarkup")
        toasts = {c["callback_query_id"]: c.get("text") for c in api.sent("answerCallbackQuery")}
    # One press gets the next page; the other two are told 没有更多结果了 in a toast, not in
    # the chat: a message there could come before the page (the presses run concurrently).
    assert len(texts) == 2 and "<blockquote>" in texts[1] and "出错" not in texts[1]
    assert sorted(toasts.values(), key=str) == [None, "没有更多结果了。", "没有更多结果了。"]
    assert len(toasts) == 3
    assert len(edits) == 1  # the page's press took the button away; a toast changes nothing
    kept = api.messages[(EVERYTHING, shown["message_id"])]
    assert {b["text"] for b in buttons(kept)} == {"👍", "👎"}  # the votes stay


async def test_a_failed_chat_action_never_loses_the_answer(tmp_path: Path) -> None:
    async with team_bot(tmp_path, {"": [MAINT]}, allowed_chats=frozenset({EVERYTHING})) as (
            api, _):
        api.fail["sendChatAction"] = (400, "Bad Request: not enough rights to send messages")
        answer = await ask(api, EVERYTHING, "乙方响应时间是多少")
        api.fail["sendChatAction"] = (500, "Internal Server Error")
        again = await ask(api, EVERYTHING, "/ask 维护费用是多少")
        assert len(api.sent("sendChatAction")) == 2
    assert "› 2.1" in answer and "十万元" in again


async def test_one_script_per_reply_titles_start_and_help_included(tmp_path: Path) -> None:
    layout: dict[str, list[dict]] = {"": [MAINT, dict(LEASE, title="房屋租賃契約")]}
    async with team_bot(tmp_path, layout, allowed_chats=frozenset({EVERYTHING, 77})) as (api, _):
        answer = await ask(api, EVERYTHING, "押金是多少")
        assert "《房屋租赁契约》" in answer and "租賃" not in answer
        listing = await ask(api, EVERYTHING, "/contracts")
        assert "《房屋租赁契约》" in listing
        traditional = await ask(api, 77, "押金是多少錢")
        assert "《房屋租賃契約》" in traditional and "押金為兩個月租金" in traditional
        listing_t = await ask(api, 77, "/contracts")
        assert "已收錄的合同" in listing_t and "《軟件維護服務合同》" in listing_t
        neutral = await ask(api, 77, "押金是多少")  # no character tells: the last script stays
        assert "《房屋租賃契約》" in neutral and "押金為兩個月租金" in neutral
        assert "本聊天的 ID" in await ask(api, EVERYTHING, "/start")
        start = await ask(api, 88, "/start", **{"from": {"id": 88, "is_bot": False,
                                                        "first_name": "U",
                                                        "language_code": "zh-hant"}})
        assert "合同問答機器人" in start and "<code>88</code>" in start
        for user, language in ((89, "zh-HK"), (90, "zh-MO")):
            greeted = await ask(api, user, "/start", **{"from": {
                "id": user, "is_bot": False, "first_name": "U", "language_code": language}})
            assert "合同問答機器人" in greeted, language
        assert "顯示本幫助" in await ask(api, 77, "/help")


async def test_start_in_a_chat_not_allowed_asks_for_approval_not_questions(
        tmp_path: Path) -> None:
    """/start in a chat that may not ask said 直接发送问题即可 before the chat id: questions that
    would only get 尚未获准. It says the chat must first be approved, with the id to send; an
    allowed chat (by the list or the access file) is still invited to ask, in either script."""
    rules = access_file(tmp_path / "access.toml", {PRIVATE_B: ["customer-b"]})
    async with team_bot(tmp_path, {"": [MAINT]}, allowed_chats=frozenset({EVERYTHING}),
                        access_file=rules) as (api, _):
        refused = await ask(api, 88, "/start")
        refused_t = await ask(api, 89, "/start", **{"from": {
            "id": 89, "is_bot": False, "first_name": "U", "language_code": "zh-TW"}})
        invited = [await ask(api, chat, "/start") for chat in (EVERYTHING, PRIVATE_B)]
    assert refused == texts.START_NOT_ALLOWED.format(chat_id=88)
    assert "直接发送问题即可" not in refused and "获准后即可提问" in refused
    assert refused_t == to_script(texts.START_NOT_ALLOWED, "traditional").format(chat_id=89)
    assert "獲准後即可提問" in refused_t
    # the example is of the contract the chat reads; customer-b holds none: no example (the
    # samples' 乙方响应时间是多少 could find nothing there), but what to do and its id
    assert invited[0] == texts.START.format(chat_id=EVERYTHING, question="保密期限是怎么规定的")
    assert invited[1] == texts.START_NO_CONTRACTS.format(chat_id=PRIVATE_B)


async def test_identical_titles_name_their_files(tmp_path: Path) -> None:
    async with team_bot(tmp_path, {"": [LABOR_A, LABOR_B]},
                        allowed_chats=frozenset({EVERYTHING})) as (api, _):
        answer = await ask(api, EVERYTHING, "试用期多长")
        listing = await ask(api, EVERYTHING, "/contracts")
    assert "《劳动合同》（labor-a.txt）" in answer and "《劳动合同》（labor-b.txt）" in answer
    assert "《劳动合同》（labor-a.txt）" in listing and "《劳动合同》（labor-b.txt）" in listing


async def test_clause_drops_a_use_scope_the_chat_can_no_longer_read(tmp_path: Path) -> None:
    """After the access file moves a chat to another collection, its /use scope is dropped by
    /clause as by questions: the number is looked up in what the chat reads now, and the lost
    contract is not named."""
    rules = access_file(tmp_path / "access.toml", {PRIVATE_B: ["customer-b"]})
    async with team_bot(tmp_path, LAYOUT, access_file=rules) as (api, _):
        assert "《房屋租赁合同》" in await ask(api, PRIVATE_B, "/use lease")
        access_file(rules, {PRIVATE_B: ["customer-a"]})
        quoted = await ask(api, PRIVATE_B, "/clause 1.1")
    assert "《软件维护服务合同》" in quoted and "lease" not in quoted and "租赁" not in quoted


async def test_commands_and_admin_replies_follow_the_askers_script(tmp_path: Path) -> None:
    """/clause 第十三條 is answered in Traditional, and so are an admin's upload and /reindex
    when they ask in Traditional; someone else's upload is refused in their script."""
    taiwan: dict[str, Any] = {"from": {"id": ADMIN, "is_bot": False, "first_name": "A",
                                       "language_code": "zh-TW"}}
    async with team_bot(tmp_path, {"customer-a": [SUPPLY]},
                        allowed_chats=frozenset({PRIVATE_B})) as (api, _):
        quoted = await ask(api, PRIVATE_B, "/clause 第十三條")
        refused = await ask(api, PRIVATE_B, "/reindex")
        data = json.dumps(LEASE, ensure_ascii=False).encode()
        api.files["documents/F1"] = data
        doc = {"file_id": "F1", "file_unique_id": "F1", "file_name": "lease.txt",
               "file_size": len(data)}
        before = len(api.sent())
        api.push("message", message(ADMIN, None, document=doc, caption="customer-a", **taiwan))
        sent = await api.wait_for("sendMessage", before + 2, timeout=20)
        rebuilt = await ask(api, ADMIN, "/reindex", **taiwan)
    assert "《設備採購合同》 第六章 違約責任 › 第十三條 逾期交付責任" in quoted
    assert refused == "抱歉，只有管理員可以上傳或刪除合同、重建索引、查看回饋。"
    assert sent[before]["text"].startswith("已收到，正在收錄")
    assert sent[before + 1]["text"].startswith("已收錄《房屋租賃合同》")
    assert rebuilt.startswith("索引已重建")
