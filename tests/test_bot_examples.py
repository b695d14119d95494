"""End to end, the examples in /help, /start and the hints come from the contracts the chat
reads: a group limited to a lease collection is shown a lease's question and a /clause number
the lease has, not the samples' 乙方响应时间 and 7.2. The real Application and HTTP client
against the loopback Bot API."""

from __future__ import annotations

from pathlib import Path

from index_corpus import FAST_ENCODER, MAINT
from team_bot import ADMIN, access_file, admin_bot, ask, team_bot

from bot import texts
from index import MAX_QUESTION

LEASES_GROUP, MAINT_GROUP, EVERY_CHAT, STRANGER, EMPTY_GROUP = -601, -602, -603, -604, -605
HOUSE = {"key": "house", "title": "房屋租赁合同", "parties": {"甲方": "出租人", "乙方": "承租人"},
         "clauses": [["第一条", None, None, "定义：本合同所称房屋，指甲方出租的房屋。"],
                     ["第二条", None, None, "租金：每月三千元，乙方应于每月五日前支付。"],
                     ["第三条", None, None, "违约责任：违约方应支付违约金五千元。"]]}
SHOP = {"key": "shop", "title": "商铺租赁合同", "parties": {"甲方": "出租人", "乙方": "承租人"},
        "clauses": [["第一条", None, None, "租赁期限：自二〇二六年一月一日起三年。"],
                    ["第二条", None, None, "违约责任：违约方应赔偿对方损失。"]]}
LAYOUT: dict[str, list[dict]] = {"leases": [HOUSE], "service": [MAINT], "shops": [SHOP]}


async def test_a_lease_groups_help_and_start_show_a_lease_example(tmp_path: Path) -> None:
    """A group that reads only the lease: /help and /start ask of the lease's first heading
    (租金) and show /clause 第二条, which the lease has and quotes; the maintenance group
    sees its own contract's; a chat that reads both hears a /compare topic they share and a
    /clause with the contract's number, and after /use, the chosen contract's."""
    rules = access_file(tmp_path / "access.toml", {
        LEASES_GROUP: ["leases"], MAINT_GROUP: ["service"], EVERY_CHAT: ["leases", "shops"]})
    async with team_bot(tmp_path, LAYOUT, access_file=rules) as (api, _):
        help_text = await ask(api, LEASES_GROUP, "/help")
        start = await ask(api, LEASES_GROUP, "/start")
        quoted = await ask(api, LEASES_GROUP, "/clause 第二条")
        usage = await ask(api, LEASES_GROUP, "/clause")
        maint_help = await ask(api, MAINT_GROUP, "/help")
        both_help = await ask(api, EVERY_CHAT, "/help")
        picked = await ask(api, EVERY_CHAT, "/clause 第二条 1")
        await ask(api, EVERY_CHAT, "/use shop")
        used_help = await ask(api, EVERY_CHAT, "/help")
        stranger = await ask(api, STRANGER, "/help")
    assert "/ask 租金是怎么规定的" in help_text and "/clause 第二条\n" in help_text
    assert "乙方响应时间" not in help_text and "7.2" not in help_text
    assert "/compare 主题 — 比较各合同的约定\n" in help_text  # one contract: nothing to compare
    # one page of contracts: no /contracts 2, which would answer that there is no page 2
    assert "/contracts [页码] — 列出已收录的合同\n" in help_text and "/contracts 2" not in both_help
    assert "例如：租金是怎么规定的\n" in start and "乙方响应时间" not in start
    assert "《房屋租赁合同》" in quoted and "每月三千元" in quoted
    assert usage == "用法：/clause 条款号 [合同编号、代号或名称]，例如 /clause 第二条"
    assert "/ask 保密期限是怎么规定的" in maint_help
    assert "/clause 4.2、/clause 第四章\n" in maint_help
    # both have 第二条: the first by key (house, listed first) is named by its number
    assert "/ask 租金是怎么规定的" in both_help and "/clause 第二条 1\n" in both_help
    assert "比较各合同的约定，例如 /compare 违约责任\n" in both_help
    assert "《房屋租赁合同》" in picked and "商铺" not in picked
    # /use limits the chat to the shop: its examples, with no contract number
    assert "/ask 租赁期限是怎么规定的" in used_help and "/clause 第一条\n" in used_help
    # a chat that may not ask hears what its questions would (with its id), not the commands
    assert stranger == texts.say(texts.NOT_ALLOWED, "simplified", chat_id=STRANGER)


async def test_help_in_a_chat_that_reads_no_contract_offers_no_command(tmp_path: Path) -> None:
    """A group whose collection holds nothing yet is not shown /use 1, /clause 7.2 or the
    samples' question, which could only fail there: /help (and /start) say that it has no
    contract yet and to ask an admin to add them; an admin is told how (ADMIN_HELP); a bot
    with no index yet says the same."""
    rules = access_file(tmp_path / "access.toml", {EMPTY_GROUP: ["new-customer"],
                                                   LEASES_GROUP: ["leases"]})
    async with team_bot(tmp_path, LAYOUT, access_file=rules) as (api, _):
        empty = await ask(api, EMPTY_GROUP, "/help")
        admin_empty = await ask(api, EMPTY_GROUP, "/help", **{"from": {
            "id": ADMIN, "is_bot": False, "first_name": "A"}})
        leases = await ask(api, LEASES_GROUP, "/help")
        started = await ask(api, EMPTY_GROUP, "/start")
    for said in (empty, admin_empty):
        assert said.startswith(texts.HELP_NO_CONTRACTS), said
        assert "/use" not in said and "/clause" not in said and "乙方响应时间" not in said
    assert empty == texts.HELP_NO_CONTRACTS + "\n" + texts.HELP_ASK_ADMIN
    assert "管理员：直接发送" in admin_empty  # how an admin adds one
    assert "/use 编号" in leases  # a chat with contracts keeps its commands
    # /start there gives no example question either (it was 乙方响应时间是多少), and its id
    assert started == texts.START_NO_CONTRACTS.format(chat_id=EMPTY_GROUP)
    async with admin_bot(tmp_path / "uploads", tmp_path / "none",
                         embed_model=FAST_ENCODER) as (api, _):
        fresh = await ask(api, ADMIN, "/help")
    assert fresh.startswith(texts.HELP_NO_CONTRACTS) and "/use" not in fresh


async def test_hints_and_refusals_give_the_chats_examples_in_its_script(tmp_path: Path) -> None:
    """A greeting, a 谢谢, an empty /ask, /compare alone, a question in English or too long
    and a sticker are answered with the lease's example; a Traditional asker reads it in
    Traditional."""
    rules = access_file(tmp_path / "access.toml", {LEASES_GROUP: ["leases"], 605: ["leases"]})
    async with team_bot(tmp_path, LAYOUT, access_file=rules) as (api, _):
        hello = await ask(api, 605, "你好")
        thanks = await ask(api, 605, "謝謝")
        empty = await ask(api, LEASES_GROUP, "/ask")
        compare = await ask(api, LEASES_GROUP, "/compare")
        english = await ask(api, 605, "qwerty asdf zxcv")
        too_long = await ask(api, LEASES_GROUP, "/ask " + "租金" * MAX_QUESTION)
        sticker = await ask(api, 605, None, sticker={"file_id": "S", "file_unique_id": "S",
                                                     "type": "regular", "width": 1,
                                                     "height": 1, "is_animated": False,
                                                     "is_video": False})
    assert "例如：租金是怎么规定的\n" in hello
    assert thanks == "不客氣！還有問題可以直接發給我，例如：租金是怎麼規定的"
    assert empty == "请在 /ask 后写上问题，例如 /ask 租金是怎么规定的"
    assert compare == "请在 /compare 后写上主题"
    assert english.startswith(
        "沒有找到與問題相關的條款。合同是中文的，請用中文提問，例如：租金是怎麼規定的\n")
    assert too_long.endswith("请只问一个简短的问题，例如：租金是怎么规定的"), too_long
    assert "例如：租金是怎麼規定的。" in sticker  # the asker last wrote Traditional
