"""A follow-up (这条是什么意思, or 什么意思 replied to the bot) once the chat reads less than
when it was answered: the /use contract left the index (a rebuild without its file), or the
chat's collections no longer hold the contract the answer quoted. It never quotes a clause the
chat can no longer read, and a /use that lapsed is said once, first, as a question's reply
says it. The real Application against the loopback Bot API."""

from __future__ import annotations

from pathlib import Path

from bot_helpers import message
from index_corpus import LEASE, MAINT
from team_bot import ADMIN, access_file, answer_with_buttons, ask, press, team_bot
from test_bot_e2e import FORUM
from test_bot_follow_ups import QUOTES, said, text_of, which
from test_bot_teams import GROUP_A, LAYOUT, SUPPLY
from test_bot_topics import in_topic

from bot import texts

DEPOSIT = "押金为两个月租金"  # LEASE's 第二条
RESPONSE = "乙方应在接到甲方通知后两小时内响应"  # MAINT's 2.1


async def test_a_follow_up_after_the_use_contract_left_the_index_says_so_once(
        tmp_path: Path) -> None:
    """Two forum topics limited by /use to the lease, whose file is then deleted and the
    index rebuilt: a follow-up there was asked which clause (or quoted the other contract's
    clause it pointed at) without a word of the lapsed /use, which the next question then
    said. The follow-up's reply says it first, once; the lease's clause is never quoted."""
    async with team_bot(tmp_path, {"": [MAINT, LEASE, SUPPLY]},
                        allowed_chats=frozenset({ADMIN, FORUM})) as (api, _):
        await said(api, in_topic("/use lease", 1, 77))
        assert DEPOSIT in text_of(await said(api, in_topic("/ask 押金是多少", 2, 77)))
        await said(api, in_topic("/use lease", 3, 88))
        named = await said(api, in_topic("/ask 《软件维护服务合同》乙方响应时间是多少", 4, 88))
        assert RESPONSE in text_of(named)
        (tmp_path / "src" / "lease.txt").unlink()
        assert (await ask(api, ADMIN, "/reindex")).startswith("索引已重建：2 份合同")
        gone = text_of(await said(api, in_topic("/ask 这条是什么意思", 5, 77)))
        again = text_of(await said(api, in_topic("/ask 这条是什么意思", 6, 77)))
        kept = text_of(await said(api, in_topic("/ask 这条是什么意思", 7, 88)))
        asked = text_of(await said(api, in_topic("/ask 乙方响应时间是多少", 8, 88)))
    lapsed = texts.SCOPE_LAPSED_TOPIC
    assert gone == f"{lapsed}\n{which('4.2 1', '4.2')}", gone
    assert again == which("4.2 1", "4.2")  # said once
    assert kept.startswith(f"{lapsed}\n<i>{QUOTES}") and RESPONSE in kept, kept
    assert "不再收录" not in asked and RESPONSE in asked  # not said again by the next question


async def test_a_follow_up_never_quotes_a_contract_the_chat_may_no_longer_read(
        tmp_path: Path) -> None:
    """The group read every collection, limited itself to the lease (customer-b) with /use,
    asked about it, then compared every contract; its access is then cut to customer-a. A
    follow-up right after the compare offers customer-a's clauses only, the lapsed /use said
    first; a reply under the lease's answer is asked which clause, never quoted the lease."""
    rules = access_file(tmp_path / "access.toml", {GROUP_A: ["*"]})
    async with team_bot(tmp_path, LAYOUT, access_file=rules) as (api, _):
        await ask(api, GROUP_A, "/use lease")
        answer = await said(api, message(GROUP_A, "/ask 押金是多少", message_id=2))
        assert DEPOSIT in text_of(answer)
        compared = await said(api, message(GROUP_A, "/compare 违约金", message_id=4))
        assert "《房屋租赁合同》" in text_of(compared)
        access_file(rules, {GROUP_A: ["customer-a"]})
        bare = text_of(await said(api, message(GROUP_A, "/ask 这条是什么意思", message_id=5)))
        under = text_of(await said(api, message(GROUP_A, "什么意思", message_id=6,
                                                reply_to_message=answer[0])))
    assert bare.startswith(texts.SCOPE_LAPSED + "\n"), bare
    assert "房屋租赁" not in bare and "lease" not in bare and "逾期交付" in bare, bare
    assert under == which("4.2 1", "4.2"), under


async def test_a_follow_up_after_remove_took_the_use_contract_says_so_once(
        tmp_path: Path) -> None:
    """The admin's chat limited by /use to an uploaded lease, asked about it, then removed it
    with /remove: 这条 is asked which clause, the lapsed /use said first, the lease's clause
    never quoted again."""
    async with team_bot(tmp_path, {"": [MAINT, LEASE]},
                        allowed_chats=frozenset({ADMIN})) as (api, _):
        await ask(api, ADMIN, "/use lease")
        assert DEPOSIT in await ask(api, ADMIN, "押金是多少", message_id=2)
        before = len(api.sent())
        await ask(api, ADMIN, "/remove lease", message_id=3)
        done = await press(api, ADMIN, answer_with_buttons(api, before), "删除")
        assert done["text"].startswith("已删除《房屋租赁合同》"), done["text"]
        gone = await ask(api, ADMIN, "这条是什么意思", message_id=4)
    assert gone == f"{texts.SCOPE_LAPSED}\n{which('4.2', '4.2')}", gone
