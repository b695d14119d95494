"""Naming a contract the way a support team does: /use and /clause take a key, the number
in /contracts, the title (in either script, with or without 《》) or the file name; a title
three contracts share asks which one, and a reply names the file when titles repeat."""

from __future__ import annotations

from pathlib import Path

from bot_helpers import message
from index_corpus import LEASE, MAINT
from team_bot import access_file, ask, team_bot
from test_bot_e2e import PRIVATE, running_bot
from test_bot_teams import EVERYTHING, GROUP_A, LAYOUT

LEASE_B = {**LEASE, "key": "lease-b"}  # the same title, another file
TAIWAN = {**LEASE, "key": "房屋租賃契約書", "title": "房屋租賃契約書"}
ANNEXED = {"key": "zz-annexed", "title": "设备引进合同", "parties": {}, "clauses": [
    ["附件二 1", "附件二", "技术培训", "培训在转让方工厂进行。"]]}


async def replies(tmp_path: Path, *texts: str) -> list[str]:
    """The bot's reply to each of ``texts`` sent in turn in a private chat."""
    async with running_bot(tmp_path, MAINT, LEASE, LEASE_B, TAIWAN, ANNEXED) as api:
        for n, text in enumerate(texts, 1):
            api.push("message", message(PRIVATE, text, message_id=n))
            await api.wait_for("sendMessage", n)
        return [m["text"] for m in api.sent()]


async def test_use_by_title_file_name_and_either_script(tmp_path: Path) -> None:
    got = await replies(tmp_path, "/use 软件维护服务合同", "/use 《房屋租赁契约书》",
                        "/use lease-b.txt", "/use 房屋租賃契約書", "/use 2")
    assert got[0] == "本聊天现在只在《软件维护服务合同》中查找。/use all 取消。"
    assert got[1] == "本聊天现在只在《房屋租赁契约书》中查找。/use all 取消。"
    assert got[2] == "本聊天现在只在《房屋租赁合同》（lease-b.txt）中查找。/use all 取消。"
    assert got[3] == "本聊天現在只在《房屋租賃契約書》中查找。/use all 取消。"  # as written
    assert got[4] == "本聊天現在只在《房屋租賃合同》（lease.txt）中查找。/use all 取消。"  # as last


async def test_a_shared_title_asks_which_contract(tmp_path: Path) -> None:
    [listing, clause] = await replies(tmp_path, "/use 房屋租赁合同", "/clause 第二条 房屋租赁合同")
    assert listing.startswith("有 2 份合同叫这个名字，请用编号或代号选择：\n")
    assert "1. <code>lease-b</code>" in listing and "2. <code>lease</code>" in listing
    assert "maint" not in listing
    assert clause == listing


async def test_clause_names_its_contract_by_number_title_or_key(tmp_path: Path) -> None:
    got = await replies(tmp_path, "/clause 2.1 3", "/clause 第 二 条 lease-b",
                        "/clause 2.1 《软件维护服务合同》", "/clause 2.1 nosuch")
    assert got[0].startswith("<b>《软件维护服务合同》 第二章 响应时间 › 2.1</b>")
    assert got[1].startswith("<b>《房屋租赁合同》（lease-b.txt） 第二条</b>")
    assert got[2] == got[0]
    assert got[3] == "没有收录名为“nosuch”的合同。可用 /contracts 查看已收录的合同。"


async def test_a_clause_missing_from_the_used_contract_says_why(tmp_path: Path) -> None:
    """/use limits the chat: /clause 2.1 (a number only another contract has) says so, not
    just 没有找到 while the lead can see 2.1 in /contracts' other contract."""
    got = await replies(tmp_path, "/use lease", "/clause 2.1", "/clause 9.9 maint")
    assert got[1] == ("没有找到条款 2.1。\n"
                      "本聊天只在《房屋租赁合同》（lease.txt）中查找；/use all 取消。")
    assert got[2] == ("《软件维护服务合同》中没有条款 9.9。"  # the contract named: no /use hint
                      "它的条款号从 1.1 到 5.1，例如 /clause 1.1 3")


async def test_a_clause_number_with_a_space_is_not_taken_for_a_contract(tmp_path: Path) -> None:
    """附件二 1 is one clause number: its 1 is not contract number 1 of /contracts."""
    [annex, named] = await replies(tmp_path, "/clause 附件二 1", "/clause 附件二 1 zz-annexed")
    assert annex.startswith("<b>《设备引进合同》 附件二 技术培训 › 附件二 1</b>")
    assert named == annex


async def test_contracts_says_which_contract_use_chose(tmp_path: Path) -> None:
    """A lead coming back to a chat sees in /contracts that /use limits it, and to what."""
    [listing, _, scoped, _, clear] = await replies(
        tmp_path, "/contracts", "/use lease-b", "/contracts", "/use all", "/contracts")
    assert scoped == listing + "\n本聊天只在《房屋租赁合同》（lease-b.txt）中查找；/use all 取消。"
    assert clear == listing


async def test_clause_takes_the_contract_before_the_number_too(tmp_path: Path) -> None:
    """Staff write the contract first, as they say it (劳动合同 第七条): /clause 劳动合同 第七条
    was read as clause 劳动合同 of a contract named 第七条, and answered 没有收录名为 第七条
    的合同. The contract may come first when no tail of the words names one."""
    got = await replies(tmp_path, "/clause 软件维护服务合同 2.1", "/clause maint 2.1",
                        "/clause 《房屋租賃契約書》 第一條", "/clause lease-b 第九条",
                        "/clause 2.1 3")
    assert got[0].startswith("<b>《软件维护服务合同》 第二章 响应时间 › 2.1</b>")
    assert got[1] == got[0]
    assert got[2].startswith("<b>《房屋租賃契約書》 第一條</b>")
    assert got[3] == ("《房屋租赁合同》（lease-b.txt）中没有条款 第九条。"
                      "它的条款号从 第一条 到 第五条，例如 /clause 第一条 1")
    assert got[4] == got[0]  # the number first, as before


async def test_a_clause_a_named_contract_lacks_names_it_and_its_numbers(tmp_path: Path) -> None:
    """/clause 第九條 lease-b answered 沒有找到條款 第九條。 without saying where it looked: the
    reply names the contract (its file, as two share its title) and the range of its clause
    numbers with a /clause that works, in the asker's script."""
    got = await replies(tmp_path, "/clause 9 zz-annexed", "/clause 附件二 1 4",
                        "/clause 第九條 lease-b", "/clause 第一條 1")
    assert got[0] == "《设备引进合同》中没有条款 9。它只有条款 附件二 1：/clause 附件二 1 4"
    assert got[1].startswith("<b>《设备引进合同》 附件二 技术培训 › 附件二 1</b>")  # as it says
    assert got[2] == ("《房屋租賃合同》（lease-b.txt）中沒有條款 第九條。"
                      "它的條款號從 第一條 到 第五條，例如 /clause 第一條 1")
    assert got[3].startswith("<b>《房屋租賃合同》（lease-b.txt） 第一條</b>")


async def test_a_clause_missing_from_the_one_contract_a_chat_reads_names_it(
        tmp_path: Path) -> None:
    """A chat that reads one contract: /clause 第九條 answered 沒有找到條款 第九條。 though
    there is one place it could have looked; it names that contract and its numbers, as
    when the contract is named. A chat that reads more still hears the short line."""
    async with running_bot(tmp_path, LEASE) as api:
        api.push("message", message(PRIVATE, "/clause 第九條", message_id=1))
        [alone] = await api.wait_for("sendMessage", 1)
    assert alone["text"] == ("《房屋租賃合同》中沒有條款 第九條。"
                             "它的條款號從 第一條 到 第五條，例如 /clause 第一條 1")
    [several] = await replies(tmp_path / "several", "/clause 第九條")
    assert several == "沒有找到條款 第九條。"


def test_a_name_is_set_apart_in_its_own_brackets_or_in_quotes() -> None:
    """《房屋租赁合同》 as written; a name that only opens a 《 (/use 《租赁) is quoted, as any
    other name is."""
    from bot.texts import set_apart

    assert set_apart("《房屋租赁合同》") == "《房屋租赁合同》"
    assert set_apart("《租赁") == "“《租赁”"
    assert set_apart("租房签的合同") == "“租房签的合同”"


async def test_a_part_of_one_name_picks_that_contract(tmp_path: Path) -> None:
    """Staff name a contract by the part that sets it apart (完整版, 模板七): /use and /clause
    take a part that one contract's title, key or file name holds (in either script); a part
    several names hold lists them; a single character or a number names nothing."""
    got = await replies(tmp_path, "/use 维护服务", "/clause 附件二 1 引進", "/use 房屋租赁",
                        "/use 合", "/use 9")
    assert got[0] == "本聊天现在只在《软件维护服务合同》中查找。/use all 取消。"
    assert got[1].startswith("<b>《設備引進合同》 附件二 技術培訓 › 附件二 1</b>")  # 引進 is theirs
    listing = got[2].split("\n")
    assert listing[0] == "有 3 份合同的名称含有“房屋租赁”，请用编号或代号选择："
    assert [line.split("</code>")[0].split("<code>")[1] for line in listing[1:]] == [
        "lease-b", "lease", "房屋租賃契約書"]
    assert got[3] == "没有这份合同：合。可用 /contracts 查看编号。"
    assert got[4] == "没有这份合同：9。可用 /contracts 查看编号。"


async def test_a_name_as_taiwan_and_hong_kong_write_it_picks_its_contract(
        tmp_path: Path) -> None:
    """A Taiwan or Hong Kong member names a contract with their words: 合約 or 契約 for 合同,
    軟體 for 软件. A question took them (房屋租賃合約的押金 asks the lease), but /use and
    /clause said 沒有這份合同. They pick the contract now, within the chat's collections
    only (customer A's group is told of customer B's lease as of a name no contract has)."""
    rules = access_file(tmp_path / "access.toml", {GROUP_A: ["customer-a"]})
    sent = ("/use 房屋租賃合約", "/clause 第二條 房屋租賃契約", "/use 軟體維護服務合約",
            "/clause 5.3.1 採購合約", "/use 合約")
    async with team_bot(tmp_path, LAYOUT, access_file=rules,
                        allowed_chats=frozenset({EVERYTHING})) as (api, _):
        got = [await ask(api, EVERYTHING, text) for text in sent]
        in_a = [await ask(api, GROUP_A, text) for text in ("/use 房屋租賃合約", "/use 一條租約")]
    assert got[0] == "本聊天現在只在《房屋租賃合同》中查找。/use all 取消。"
    assert got[1].startswith("<b>《房屋租賃合同》 第二條</b>")
    assert got[2] == "本聊天現在只在《軟件維護服務合同》中查找。/use all 取消。"
    assert got[3].startswith("<b>《設備採購合同》 第五章 合同價款與支付 › 5.3.1</b>")
    assert got[4] == "沒有這份合同：合約。可用 /contracts 查看編號。"  # a kind of name only
    assert in_a[0] == in_a[1].replace("一條租約", "房屋租賃合約")


async def test_a_name_that_is_none_offers_the_closest(tmp_path: Path) -> None:
    """A typo (/use 软件维户服务合同, /clause 第二条 房屋租凭合同) or a title said another way
    (租房合同) was told only that no contract has that name: the closest contracts follow,
    numbered as in /contracts, to pick one by; a name like none is told that alone."""
    got = await replies(tmp_path, "/use 软件维户服务合同", "/use 租房合同",
                        "/clause 第二条 房屋租凭合同", "/use 采购")
    close = "名称相近的合同（可用编号或代号选择）："
    assert got[0].split("\n") == [
        "没有这份合同：软件维户服务合同。可用 /contracts 查看编号。", close,
        "3. <code>maint</code> 《软件维护服务合同》 10 条"]
    assert got[1].split("\n")[:2] == ["没有这份合同：租房合同。可用 /contracts 查看编号。", close]
    assert [line.split("<code>")[1].split("</code>")[0] for line in got[1].split("\n")[2:]] == [
        "lease-b", "lease"]
    assert got[2].split("\n")[:2] == [
        "没有收录名为“房屋租凭合同”的合同。可用 /contracts 查看已收录的合同。", close]
    assert "<code>lease</code>" in got[2] and "maint" not in got[2]
    assert got[3] == "没有这份合同：采购。可用 /contracts 查看编号。"
