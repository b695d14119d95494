"""End to end, two customers with a file of the same name (合同.txt in customer-a and in
customer-b): each chat lists, uses, quotes and asks its own; a chat reading both is asked
to choose; an upload of that name for one customer leaves the other's alone. The real
Application and HTTP client against the loopback Bot API."""

from __future__ import annotations

import json
from pathlib import Path

from index_corpus import LEASE, MAINT
from team_bot import ADMIN, access_file, ask, buttons, callback, team_bot

GROUP_A, PRIVATE_B, BOTH = -601, 602, 603
A_SERVICE: dict = {**MAINT, "key": "合同"}
B_LEASE: dict = {**LEASE, "key": "合同"}
LAYOUT: dict[str, list[dict]] = {"customer-a": [A_SERVICE], "customer-b": [B_LEASE]}


async def test_each_chat_names_and_reads_its_own_file(tmp_path: Path) -> None:
    rules = access_file(tmp_path / "access.toml", {GROUP_A: ["customer-a"],
                                                   PRIVATE_B: ["customer-b"]})
    async with team_bot(tmp_path, LAYOUT, access_file=rules,
                        allowed_chats=frozenset({BOTH})) as (api, _):
        listing_a = await ask(api, GROUP_A, "/contracts")
        listing_b = await ask(api, PRIVATE_B, "/contracts")
        answer_b = await ask(api, PRIVATE_B, "押金是多少")
        use_b = await ask(api, PRIVATE_B, "/use 合同")
        clause_b = await ask(api, PRIVATE_B, "/clause 第二条 合同")
        outside = [await ask(api, GROUP_A, f"{command} {name}")
                   for command in ("/use", "/clause 第二条") for name in ("customer-b/合同",
                                                                       "customer-c/合同")]
        asked_outside = await ask(api, GROUP_A, "/ask customer-b/合同的押金是多少")
        listing_both = await ask(api, BOTH, "/contracts")
        use_both = await ask(api, BOTH, "/use 合同")
        clause_both = await ask(api, BOTH, "/clause 第二条 合同")
        chosen = await ask(api, BOTH, "/use customer-b/合同")
        answer_both = await ask(api, BOTH, "押金是多少")
    assert "<code>合同</code> 《软件维护服务合同》" in listing_a
    assert "<code>合同</code> 《房屋租赁合同》" in listing_b
    for text in (listing_a, listing_b, answer_b, use_b, clause_b):
        assert "customer-" not in text  # a customer never sees that another has the name
    assert "《房屋租赁合同》 第二条" in answer_b
    assert use_b == "本聊天现在只在《房屋租赁合同》中查找。/use all 取消。"
    assert "押金为两个月租金" in clause_b
    assert outside[0] == outside[1].replace("customer-c", "customer-b")
    assert outside[2] == outside[3].replace("customer-c", "customer-b")
    assert "两个月租金" not in asked_outside and "房屋租赁" not in asked_outside
    assert "<code>customer-a/合同</code> 《软件维护服务合同》" in listing_both
    assert "<code>customer-b/合同</code> 《房屋租赁合同》" in listing_both
    for text in (use_both, clause_both):
        assert text.startswith("有 2 份合同叫这个名字") and "customer-a/合同" in text \
            and "customer-b/合同" in text, text
    assert chosen == "本聊天现在只在《房屋租赁合同》中查找。/use all 取消。"
    assert "《房屋租赁合同》 第二条" in answer_both and "维护" not in answer_both


async def test_an_upload_of_the_name_replaces_only_its_own_collections_file(
        tmp_path: Path) -> None:
    """合同.txt for customer-b while customer-a has 合同.txt: indexed beside it, no question
    asked; sent again for customer-b, 替换 replaces customer-b's alone."""
    rules = access_file(tmp_path / "access.toml", {GROUP_A: ["customer-a"],
                                                   PRIVATE_B: ["customer-b"]})
    src = tmp_path / "src"
    async with team_bot(tmp_path, {"customer-a": [A_SERVICE]}, access_file=rules) as (api, _):
        first = json.dumps(B_LEASE, ensure_ascii=False).encode()
        api.files["documents/F1"] = first
        doc = {"file_id": "F1", "file_unique_id": "F1", "file_name": "合同.txt",
               "file_size": len(first)}
        api.push("message", _doc_message(doc))
        new = await api.wait_for("sendMessage", 2, timeout=30)  # 正在收录……, then the result
        assert new[-1]["text"] == "已收录《房屋租赁合同》，共 5 条。"
        second = json.dumps({**B_LEASE, "title": "房屋租赁合同（修订）"},
                            ensure_ascii=False).encode()
        api.files["documents/F2"] = second
        doc2 = {**doc, "file_id": "F2", "file_unique_id": "F2", "file_size": len(second)}
        before = len(api.sent("sendMessage"))
        api.push("message", _doc_message(doc2))
        sent = await api.wait_for("sendMessage", before + 2, timeout=30)
        assert "替换" in str(sent[-1]["text"])
        [yes] = [b for b in buttons(_made(api, sent[-1])) if b["text"] == "替换"]
        api.push("callback_query", callback(ADMIN, _made(api, sent[-1]), yes["callback_data"]))
        done = await api.wait_for("sendMessage", before + 3, timeout=30)
        assert "已收录《房屋租赁合同（修订）》" in str(done[-1]["text"])
        answer_a = await ask(api, GROUP_A, "/ask 乙方响应时间是多少")
        answer_b = await ask(api, PRIVATE_B, "押金是多少")
    assert json.loads((src / "customer-a" / "合同.txt").read_text("utf-8")) == A_SERVICE
    assert json.loads((src / "customer-b" / "合同.txt").read_text("utf-8"))["title"] == (
        "房屋租赁合同（修订）")
    assert "《软件维护服务合同》" in answer_a
    assert "《房屋租赁合同（修订）》 第二条" in answer_b


def _doc_message(doc: dict) -> dict:
    from bot_helpers import message

    return message(ADMIN, None, document=doc, caption="customer-b")


def _made(api, params: dict) -> dict:
    from team_bot import sent_message

    return sent_message(api, params)


async def test_a_more_button_of_another_chat_crafted_by_hand_shows_nothing(
        tmp_path: Path) -> None:
    """更多's callback data names a page kept for the chat that asked: pressed in customer A's
    group with the data of B's button (a member who learned it), it says 没有更多结果了."""
    rules = access_file(tmp_path / "access.toml", {GROUP_A: ["customer-a"],
                                                   PRIVATE_B: ["customer-b"]})
    layout = {"customer-a": [A_SERVICE], "customer-b": [B_LEASE, {**MAINT, "key": "维护"}]}
    async with team_bot(tmp_path, layout, access_file=rules) as (api, _):
        await ask(api, PRIVATE_B, "乙方应在什么时候支付费用和租金")
        [more] = [b for m in api.messages.values() if m["chat"]["id"] == PRIVATE_B
                  for b in buttons(m) if b["text"] == "更多"]
        await ask(api, GROUP_A, "/contracts")
        [shown] = [m for m in api.messages.values() if m["chat"]["id"] == GROUP_A]
        before = len(api.sent("sendMessage"))
        api.push("callback_query", callback(GROUP_A, shown, more["callback_data"],
                                            user_id=7))
        sent = await api.wait_for("sendMessage", before + 1)
    assert sent[-1]["text"] == "没有更多结果了。" and "租" not in sent[-1]["text"]


async def test_reindex_names_a_failed_file_by_its_folder_where_the_chat_reads_both(
        tmp_path: Path) -> None:
    """Both 合同.txt emptied by a copy in progress: /reindex named each `合同.txt`, so the admin
    could not tell which customer's failed. In a chat that reads every collection they are
    named as the command line names them (customer-a/合同.txt); in customer A's group, A's is
    合同.txt and nothing says that customer B has a file of that name."""
    rules = access_file(tmp_path / "access.toml", {GROUP_A: ["customer-a"]})
    async with team_bot(tmp_path, LAYOUT, access_file=rules) as (api, _):
        for folder in ("customer-a", "customer-b"):
            (tmp_path / "src" / folder / "合同.txt").write_bytes(b"")
        everything = await ask(api, ADMIN, "/reindex")
        in_a = await ask(api, GROUP_A, "/reindex", user_id=ADMIN)
    assert everything.split("\n")[1:] == [
        "customer-a/合同.txt：文件是空的（仍保留之前收录的版本）",
        "customer-b/合同.txt：文件是空的（仍保留之前收录的版本）"]
    assert in_a.split("\n")[1:] == ["合同.txt：文件是空的（仍保留之前收录的版本）"]
    assert "customer-" not in in_a


async def test_reindex_names_a_failed_file_by_its_folder_where_a_read_collection_holds_its_name(
        tmp_path: Path) -> None:
    """Only customer B's 合同.txt emptied, in a group that reads both collections: A's 合同.txt
    is indexed, not failed, and it is what makes B's ambiguous (customer-b/合同.txt)."""
    both_group = -603
    rules = access_file(tmp_path / "access.toml", {both_group: ["customer-a", "customer-b"]})
    async with team_bot(tmp_path, LAYOUT, access_file=rules) as (api, _):
        (tmp_path / "src" / "customer-b" / "合同.txt").write_bytes(b"")
        said = await ask(api, both_group, "/reindex", user_id=ADMIN)
    assert said.split("\n")[1:] == ["customer-b/合同.txt：文件是空的（仍保留之前收录的版本）"]
