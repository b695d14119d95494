"""/clause 第六條 with no contract named and no /use: many contracts have a 第六条, and quoting
every one of them sent a wall of messages (three in a forum topic over the 24 shared
contracts). When they do not fit one message, one reply lists the contracts that have the
number, numbered as in /contracts, and says how to pick one; when they fit, they are quoted."""

from __future__ import annotations

from pathlib import Path

from bot_helpers import message
from test_bot_e2e import GROUP, PRIVATE, running_bot
from test_bot_topics import in_topic


def long_contract(key: str, title: str) -> dict:
    """A contract whose 第六条 is some 1,600 characters long, and 第七条 a short one."""
    sixth = "".join(f"（{n}）{title}的乙方应当按约定提供第{n}项服务，并保存服务记录备查。"
                    for n in range(1, 50))
    return {"key": key, "title": title, "parties": {}, "clauses": [
        ["第一条", None, None, f"本合同为{title}。"],
        ["第六条", None, None, sixth],
        ["第七条", None, None, f"{title}自双方签字之日起生效。"],
    ]}


CONTRACTS = (long_contract("alpha", "软件维护合同"), long_contract("beta", "技术服务合同"),
             long_contract("gamma", "设备租赁合同"))
LISTING = ("3 份合同有 第六條，一條消息放不下。請在條款號後加上合同編號、代號或名稱，例如 "
           "/clause 第六條 1；或先用 /use 選定合同：\n"
           "1. <code>alpha</code> 《軟件維護合同》 3 條\n"
           "2. <code>beta</code> 《技術服務合同》 3 條\n"
           "3. <code>gamma</code> 《設備租賃合同》 3 條")


async def test_a_number_many_contracts_have_is_one_reply_in_every_kind_of_chat(
        tmp_path: Path) -> None:
    sent = [message(PRIVATE, "/clause 第六條", message_id=1),
            message(GROUP, "/clause 第六條", message_id=2),
            in_topic("/clause 第六條", 3, 77)]
    async with running_bot(tmp_path, *CONTRACTS) as api:
        replies = []
        for update in sent:
            before = len(api.sent())
            api.push("message", update)
            await api.settled()
            replies.append([m["text"] for m in api.sent()[before:]])
        api.push("message", message(PRIVATE, "/clause 第六條 2", message_id=4))
        await api.settled()
        picked = api.sent()[-1]["text"]
        api.push("message", message(PRIVATE, "/clause 第七条", message_id=5))
        await api.settled()
        short = api.sent()[-1]["text"]
        topic_reply = api.sent()[2]
    assert replies == [[LISTING]] * 3
    assert topic_reply["message_thread_id"] == 77
    assert picked.startswith("<b>《技術服務合同》 第六條</b>")  # the number picks one
    assert short.count("第七条</b>") == 3  # three short clauses fit one message: quoted
