"""/clause 第二部分 of one contract whose part takes many messages to quote (17 for the
完整版 construction contract over the shared contracts) sent them all: a wall no one reads.
A chapter that does not fit ``CLAUSE_MESSAGES`` messages is answered with its outline (its
clauses' numbers and titles, with their sub-clauses', the first words of an untitled one) and
how to ask for one clause, in the asker's script; a small chapter is still quoted whole."""

from __future__ import annotations

from pathlib import Path

from bot_helpers import html_errors, message
from test_bot_e2e import PRIVATE, running_bot

from bot.outline import CLAUSE_MESSAGES

LONG = "承包人应按照合同约定完成工程施工，并对施工质量、安全和进度负责，接受监理人的检查。" * 24


def part_two() -> list[list]:
    """Part two: 第1条 to 第6条, each with three long sub-clauses; 第4条 has no title."""
    rows: list[list] = []
    for n in range(1, 7):
        title = None if n == 4 else f"第{n}项约定"
        head = title or "本条约定未尽事宜由双方另行协商，协商结果作为本合同的组成部分。"
        rows.append([str(n), "第二部分", "通用合同条款", head, None, title])
        rows.extend([f"{n}.{k}", "第二部分", "通用合同条款", f"{LONG}（{n}.{k}）", str(n),
                     f"细则{k}"] for k in range(1, 4))
    return rows


BUILDING = {"key": "building", "title": "建設工程合同", "parties": {}, "clauses": [
    ["一", "第一部分", "合同协议书", "工程名称：某某大楼。", None, "工程概况"],
    ["二", "第一部分", "合同协议书", "合同工期为三百六十五天。", None, "合同工期"],
    *part_two(),
]}
OTHER = {"key": "other", "title": "技术服务合同", "parties": {}, "clauses": [
    ["第一条", None, None, "乙方提供技术服务。"]]}

OUTLINE = ("<b>《建设工程合同》 第二部分 通用合同条款</b>\n"
           "全文要 {m} 条消息，太长；以下是其中 6 条的目录：\n"
           "1 第1项约定\n\u30001.1 细则1\n\u30001.2 细则2\n\u30001.3 细则3\n"
           "2 第2项约定\n\u30002.1 细则1\n\u30002.2 细则2\n\u30002.3 细则3\n"
           "3 第3项约定\n\u30003.1 细则1\n\u30003.2 细则2\n\u30003.3 细则3\n"
           "4 本条约定未尽事宜由双方另行协商…\n\u30004.1 细则1\n\u30004.2 细则2\n\u30004.3 细则3\n"
           "5 第5项约定\n\u30005.1 细则1\n\u30005.2 细则2\n\u30005.3 细则3\n"
           "6 第6项约定\n\u30006.1 细则1\n\u30006.2 细则2\n\u30006.3 细则3\n"
           "要看其中一条，请在 /clause 后写上条款号和合同编号，例如 /clause 1.1 1")


async def test_a_long_part_is_one_outline_and_a_short_one_is_quoted(tmp_path: Path) -> None:
    asked = ["/clause 第二部分 1", "/clause 第二部分 建設工程合同", "/clause 第一部分 1",
             "/clause 1.1 1"]
    async with running_bot(tmp_path, BUILDING, OTHER) as api:
        replies = []
        for n, text in enumerate(asked, 1):
            before = len(api.sent())
            api.push("message", message(PRIVATE, text, message_id=n))
            await api.settled()
            replies.append([m["text"] for m in api.sent()[before:]])
    outline, traditional, small, one = replies
    assert len(outline) == 1 and not html_errors(outline[0])
    messages = int(outline[0].split("全文要 ")[1].split(" ")[0])
    assert messages > CLAUSE_MESSAGES
    assert outline[0] == OUTLINE.format(m=messages)
    assert traditional[0].startswith("<b>《建設工程合同》 第二部分 通用合同條款</b>\n")
    assert "請在 /clause 後寫上條款號和合同編號，例如 /clause 1.1 1" in traditional[0]
    assert len(small) == 1 and "三百六十五天" in small[0]  # quoted whole (in Traditional now)
    assert len(one) == 1  # one clause as the outline says to ask for it
    assert one[0].startswith("<b>《建設工程合同》 第二部分 通用合同條款 › 1.1 細則1")
