"""A greeting or thanks said alone (你好, 在吗, 谢谢, 多謝) gets a short reply, how to ask or
不客气, in the asker's script: it was searched, answered 没有找到与问题相关的条款 with a button
for the closest clauses, and kept in the question log as a question nobody answered. A link
sent alone is told that links are not opened: it was answered with clauses its letters
matched. The real Application against the loopback Bot API."""

from __future__ import annotations

from pathlib import Path

from bot_helpers import message
from test_bot_e2e import PRIVATE, running_bot
from test_bot_follow_ups import HOUSE, said, text_of

from bot import texts
from bot.feedback import read_summary
from bot.remarks import remark


def test_what_is_a_greeting_thanks_or_link_said_alone() -> None:
    for hello in ("你好", "您好！", "在吗？", "hi", "Hello!", "你好啊"):
        assert remark(hello) == "greeting", hello
    for thanks in ("谢谢", "多謝啦", "Thanks!", "thank you", "谢谢你", "你好，谢谢"):
        assert remark(thanks) == "thanks", thanks
    for link in ("https://example.com/合同.pdf", " www.example.com\nhttp://a.b/c "):
        assert remark(link) == "link", link
    for asked in ("你好，押金怎么退", "谢谢你的回答里的违约金", "押金", "👍", "", "hello bot",
                  "https://example.com 里的押金怎么退"):
        assert remark(asked) is None, asked


def test_hong_kong_greetings_and_thanks() -> None:
    """多謝晒, 早晨 and 有冇人 were searched as questions (and logged as unanswered)."""
    for hello in ("早晨", "早晨！", "有冇人呀", "有冇人喺度？"):
        assert remark(hello) == "greeting", hello
    for thanks in ("多謝晒", "唔該晒", "多謝晒！"):
        assert remark(thanks) == "thanks", thanks
    assert remark("早晨，按金點退") is None


async def test_a_greeting_or_thanks_is_answered_and_not_searched(tmp_path: Path) -> None:
    async with running_bot(tmp_path, HOUSE) as api:
        hello = text_of(await said(api, message(PRIVATE, "你好", message_id=1)))
        answer = text_of(await said(api, message(PRIVATE, "第六条怎么约定", message_id=2)))
        thanks = text_of(await said(api, message(PRIVATE, "谢谢！", message_id=3)))
        walked = text_of(await said(api, message(PRIVATE, "下一条", message_id=4)))
        taiwan = text_of(await said(api, message(PRIVATE, "多謝", message_id=5)))
        asked = text_of(await said(api, message(PRIVATE, "你好，违约金是多少", message_id=6)))
        link = text_of(await said(api, message(PRIVATE, "https://example.com/contract.pdf",
                                               message_id=7)))
        buttons = [s.get("reply_markup") for s in api.sent()[:1] + api.sent()[2:3]]
    # how to ask, not 没有找到, with a question of the house's first clause (it has no headings)
    assert hello == texts.HELLO.format(question="第五条是怎么规定的") and "/ask" in hello
    assert "六 租赁期间的其它约定事项" in answer
    assert thanks == "不客气！还有问题可以直接发给我，例如：第五条是怎么规定的"
    assert "本合同一式两份" in walked  # 谢谢 in between: 下一条 still walks from 六
    assert taiwan == "不客氣！還有問題可以直接發給我，例如：第五條是怎麼規定的"
    assert "违约金为一个月租金" in asked  # more words: a question
    assert link == texts.LINK_NOT_OPENED.format(question="第五条是怎么规定的")  # not clauses
    assert buttons == [None, None]  # no 仍然显示最接近的条款 under them
    assert read_summary(tmp_path / "index").unanswered == 0  # no question nobody answered
