"""A contract's name copied as the library writes it (the key /contracts shows, a title, a
file name) is not the user's writing: the script of the reply, and the one remembered for
the user, come from the user's own words, else what was remembered, else their Telegram
language, and only then from the name."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bot_helpers import message
from botapi_server import FakeBotApi
from index_corpus import LEASE, MAINT
from test_bot_e2e import PRIVATE, STRANGER, running_bot
from test_bot_traditional import traditional

from bot import texts
from bot.persistence import user_from, user_record
from bot.state import UserData

KEYED = {**MAINT, "key": "软件维护服务合同（样例）"}  # a key /contracts shows to copy
TAIWAN = {**LEASE, "key": "房屋租賃契約書", "title": "房屋租賃契約書"}
ZH_TW: dict[str, Any] = {"from": {"id": PRIVATE, "is_bot": False, "first_name": "T",
                                  "language_code": "zh-TW"}}


async def said(api: FakeBotApi, *texts: str, **extra: Any) -> list[str]:
    """The bot's one reply to each of ``texts``, sent in turn in the private chat."""
    before = len(api.sent())
    for n, text in enumerate(texts, 1):
        api.push("message", message(PRIVATE, text, message_id=before + n, **extra))
        await api.wait_for("sendMessage", before + n)
        await api.settled()
    return [m["text"] for m in api.sent()[before:]]


def own_words(html: str) -> str:
    """A reply without the keys it shows to copy (<code>, written as the files are named)."""
    return re.sub(r"<code>.*?</code>", "", html)


async def test_a_taiwan_user_copying_a_simplified_key_is_answered_in_traditional(
        tmp_path: Path) -> None:
    """A zh-TW user copies a key from /contracts: /use 软件维护服务合同（样例） was answered
    本聊天现在只在… in Simplified, and Simplified was remembered: /contracts after it too."""
    async with running_bot(tmp_path, KEYED, TAIWAN) as api:
        got = await said(api, "/use 软件维护服务合同（样例）",
                         "/clause 2.1 软件维护服务合同（样例）", "/contracts", **ZH_TW)
    use, clause, listing = got
    assert use.startswith("本聊天現在只在《軟件維護服務合同》中查找"), use
    assert clause.startswith("<b>《軟件維護服務合同》 第二章 響應時間 › 2.1</b>"), clause
    assert listing.startswith("已收錄的合同："), listing
    assert "<code>软件维护服务合同（样例）</code>" in listing  # the key as its file is named
    assert all(traditional(own_words(text)) for text in got), got


async def test_a_user_who_asked_in_traditional_stays_traditional_after_a_copied_name(
        tmp_path: Path) -> None:
    """A user (Telegram in English) asks in Traditional, then copies a Simplified key into
    /use and /clause, and a Simplified title into questions whose own words are either
    script's (保密期限) or Traditional (裡, 多久): each reply, and the next command without
    Chinese, is in Traditional."""
    async with running_bot(tmp_path, KEYED, TAIWAN) as api:
        got = await said(api, "保密義務多久", "/use 软件维护服务合同（样例）",
                         "/clause 2.1 软件维护服务合同（样例）", "《软件维护服务合同》保密期限",
                         "《软件维护服务合同》裡保密多久", "/use all", "/contracts")
    first, use, clause, bracketed, worded, cleared, listing = got
    assert "保密" in first and traditional(first)
    assert use.startswith("本聊天現在只在《軟件維護服務合同》中查找"), use
    assert clause.startswith("<b>《軟件維護服務合同》 第二章 響應時間 › 2.1</b>"), clause
    assert "對方商業秘密予以保密" in bracketed, bracketed
    assert "對方商業秘密予以保密" in worded, worded
    assert cleared == "本聊天現在在所有合同中查找。"
    assert listing.startswith("已收錄的合同："), listing
    assert all(traditional(own_words(text)) for text in got), got


async def test_the_users_own_words_beside_a_traditional_name_are_simplified(
        tmp_path: Path) -> None:
    """A user who writes Simplified names a Traditional contract as the library writes it:
    /clause 第二条 房屋租賃契約書 and 《房屋租賃契約書》押金什么时候退 were answered in
    Traditional (one Traditional character of the title turned them), and remembered so."""
    async with running_bot(tmp_path, KEYED, TAIWAN) as api:
        got = await said(api, "/clause 第二条 房屋租賃契約書", "《房屋租賃契約書》押金什么时候退",
                         "/contracts")
    clause, asked, listing = got
    assert clause.startswith("<b>《房屋租赁契约书》 第二条</b>"), clause
    assert "押金为两个月租金" in clause and "押金为两个月租金" in asked, asked
    assert listing.startswith("已收录的合同："), listing


async def test_a_name_the_user_wrote_is_their_writing(tmp_path: Path) -> None:
    """租賃合約 and 維護服務 are no contract's name as the library writes it: the user wrote
    them, in Traditional, and Traditional is remembered for the next command. 維護服務, a
    part of one Simplified name only, picks that contract, still in the user's script; so
    does 租賃合約, a part of 房屋租賃契約書 as Taiwan writes it (合約 for 契約; it was
    沒有這份合同)."""
    async with running_bot(tmp_path, KEYED, TAIWAN) as api:
        lease, picked, listing = await said(api, "/use 租賃合約", "/use 維護服務",
                                            "/contracts")
    assert lease == "本聊天現在只在《房屋租賃契約書》中查找。/use all 取消。", lease
    assert picked == "本聊天現在只在《軟件維護服務合同》中查找。/use all 取消。", picked
    assert listing.startswith("已收錄的合同："), listing


def test_a_script_remembered_from_a_name_is_kept_as_a_names() -> None:
    """After a restart, a script remembered only from a copied name still gives way to the
    user's own words and Telegram language; older records (no "named") are the user's own."""
    named = UserData(script="traditional", named=True)
    assert user_record(named) == {"script": "traditional", "named": True}
    assert user_from(user_record(named)) == named
    assert user_from({"script": "simplified"}) == UserData(script="simplified")
    assert user_from({"named": True}) == UserData()


async def test_refusals_before_the_contracts_do_not_take_a_copied_name_for_the_users_words(
        tmp_path: Path) -> None:
    """The question rate's refusal and a chat's "not allowed" read the script from the whole
    text, a copied contract name included: a user who asked in Traditional, sending /use
    软件维护服务合同 past the rate, was refused in Simplified (and remembered so). The rate's
    refusal now takes the chat's contract names as answers do; a chat that is not allowed
    (it reads no contract, and must not learn which names exist) follows what the user last
    wrote."""
    async with running_bot(tmp_path, questions_per_minute=1) as api:
        first = await said(api, "乙方響應時間是多少", "/use 软件维护服务合同")
    assert first[-1] == texts.say(texts.TOO_MANY_QUESTIONS, "traditional", limit=1)
    async with running_bot(tmp_path / "again") as api:
        for n, text in enumerate(("乙方響應時間是多少", "/use 软件维护服务合同"), 1):
            api.push("message", message(STRANGER, text, message_id=n))
            await api.settled()
        refused = [m["text"] for m in api.sent() if m["chat_id"] == STRANGER]
    assert refused == [texts.say(texts.NOT_ALLOWED, "traditional", chat_id=STRANGER)] * 2
