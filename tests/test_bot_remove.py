"""/remove: an admin removes a contract the bot saved (an upload) from Telegram, after
confirming; never an operator's library file; the live index is untouched when the rebuild is
refused (the file is put back)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from botapi_server import FakeBotApi
from index_corpus import LEASE, MAINT, write_corpus
from team_bot import ADMIN, answer_with_buttons, ask, build, press, team_bot
from test_bot_teams import SUPPLY

from bot import texts
from index import IndexWriteError, index_status, store

GROUP = -600
MEMBER = 601


def _live(idx: Path) -> tuple[str | None, list[tuple[str, str]]]:
    """The live generation and each indexed source's (file name, hash): what a removal that
    changed nothing must leave as it was."""
    return (store.current_generation(idx),
            sorted((Path(s.source).name, s.hash) for s in index_status(idx).sources))


async def _asked(api: FakeBotApi, text: str) -> dict:
    """Send ``text`` (a /remove) from the admin; the question it gets, with its buttons."""
    before = len(api.sent())
    said = await ask(api, ADMIN, text)
    assert said.startswith(("确定从索引中删除", "確定從索引中刪除")), said
    return answer_with_buttons(api, before)


async def test_remove_takes_an_upload_out_after_the_admin_confirms(tmp_path: Path) -> None:
    """README said nothing of removing an uploaded contract from Telegram, and there was no
    way: an admin had to ask the operator. /remove NAME asks first (取消 changes nothing),
    then moves the file aside into .replaced/ and rebuilds; a library file beside it stays."""
    chats = frozenset({ADMIN})
    async with team_bot(tmp_path, {"": [LEASE, SUPPLY]}, allowed_chats=chats) as (api, _):
        src, idx = tmp_path / "src", tmp_path / "index"
        write_corpus(tmp_path / "lib", MAINT)  # an operator's library, indexed with the uploads
        await asyncio.to_thread(build, [tmp_path / "lib", src], idx)
        before = _live(idx)
        shown = await _asked(api, "/remove supply")  # a key, N or title, as /use takes it
        cancelled = await press(api, ADMIN, shown, "取消")
        assert _live(idx) == before and (src / "supply.txt").is_file()
        await ask(api, ADMIN, "/contracts")  # the chat reads the lease
        shown = await _asked(api, "/remove 房屋租赁合同")
        assert shown["text"] == ("确定从索引中删除《房屋租赁合同》（lease.txt）吗？"
                                 "文件会移到服务器上的备份文件夹，不会直接删掉。")
        done = await press(api, ADMIN, shown, "删除")
        listed = await ask(api, ADMIN, "/contracts")
        stale = await press(api, ADMIN, shown, "删除")  # pressed again: nothing more happens
    assert cancelled["text"] == "已取消，supply.txt 没有删除。"
    assert done["text"] == ("已删除《房屋租赁合同》（lease.txt），索引现有 2 份合同。"
                            "文件已移到服务器上的 .replaced 备份文件夹。")
    assert not (src / "lease.txt").exists()
    assert [p.name for p in (src / ".replaced").glob("*/*")] == ["removed-lease.txt"]
    names = sorted(n for n, _ in _live(idx)[1])
    assert names == ["maint.txt", "supply.txt"] and "房屋租赁合同" not in listed
    assert "不再收录" not in listed  # the reply said it left: not again (departures.py)
    assert stale["text"] == texts.UPLOAD_EXPIRED


async def test_remove_never_takes_a_library_file_nor_answers_others(tmp_path: Path) -> None:
    """An operator's file is not removed (the reply says who can); a member is told admins
    only; in a group the admin is sent to the private chat; a name several contracts hold is
    listed, as /use lists it. Nothing of the index changes."""
    chats = frozenset({ADMIN, MEMBER, GROUP})
    async with team_bot(tmp_path, {"": [LEASE]}, allowed_chats=chats) as (api, _):
        idx = tmp_path / "index"
        write_corpus(tmp_path / "lib", MAINT, SUPPLY)
        await asyncio.to_thread(build, [tmp_path / "lib", tmp_path / "src"], idx)
        before = _live(idx)
        library = await ask(api, ADMIN, "/remove 软件维护服务合同")
        member = await ask(api, MEMBER, "/remove lease")
        group = await ask(api, GROUP, "/remove lease", user_id=ADMIN)
        several = await ask(api, ADMIN, "/remove 合同")
        usage = await ask(api, ADMIN, "/remove")
        helped, member_help = await ask(api, ADMIN, "/help"), await ask(api, MEMBER, "/help")
    assert library == ("《软件维护服务合同》（maint.txt）是在服务器上收录的，不能在这里删除："
                       "请服务器管理员删除该文件后重建索引。")
    # a member's /remove was told only admins 上传合同、重建索引或查看反馈: not what they asked
    assert member == "抱歉，只有管理员可以上传或删除合同、重建索引、查看反馈。"
    assert group == texts.REMOVE_PRIVATE
    assert several.startswith("有 3 份合同的名称含有“合同”"), several
    assert usage.startswith("用法：/remove")
    assert "/remove 合同名称" in helped and "/remove" not in member_help  # admins' /help only
    assert _live(idx) == before and (tmp_path / "lib" / "maint.txt").is_file()


async def test_a_removal_the_build_refuses_puts_the_file_back(tmp_path: Path) -> None:
    """The index's only contract: the rebuild would empty the index and is refused; the file
    is back where it was and the live index is as it was. (Asked in Traditional: said so.)"""
    async with team_bot(tmp_path, {"": [LEASE]}, allowed_chats=frozenset({ADMIN})) as (api, _):
        before = _live(tmp_path / "index")
        shown = await _asked(api, "/remove 房屋租賃合同")
        refused = await press(api, ADMIN, shown, "刪除")
        after = _live(tmp_path / "index")
    assert refused["text"] == ("沒有刪除 lease.txt，檔案已放回原處："
                               "它是索引中僅剩的合同，刪除會清空索引。")
    assert after == before and (tmp_path / "src" / "lease.txt").is_file()


async def test_removing_the_last_contract_of_a_collection_folder(tmp_path: Path) -> None:
    """The build takes a collection folder that became empty for a disk not mounted and keeps
    its contracts; removing its last contract on purpose is what the admin confirmed."""
    layout = {"customer-a": [LEASE], "": [MAINT, SUPPLY]}
    async with team_bot(tmp_path, layout, allowed_chats=frozenset({ADMIN})) as (api, _):
        shown = await _asked(api, "/remove lease")
        done = await press(api, ADMIN, shown, "删除")
    assert done["text"].startswith("已删除《房屋租赁合同》（lease.txt），索引现有 2 份合同。")
    assert sorted(n for n, _ in _live(tmp_path / "index")[1]) == ["maint.txt", "supply.txt"]


async def test_a_removal_whose_build_fails_puts_the_file_back(tmp_path: Path) -> None:
    """The rebuild fails for the server's own reason (a full disk): the file is back, the
    live index as it was, and the admin is told in one line, the detail going to the log."""
    def full_disk(*_: object, **__: object) -> object:
        raise IndexWriteError("cannot write the new generation: No space left on device")

    chats = frozenset({ADMIN})
    async with team_bot(tmp_path, {"": [LEASE, MAINT]}, allowed_chats=chats) as (api, app):
        before = _live(tmp_path / "index")
        app.bot_data.build = full_disk
        shown = await _asked(api, "/remove lease")
        failed = await press(api, ADMIN, shown, "删除")
        after = _live(tmp_path / "index")
    assert failed["text"] == "没有删除 lease.txt，文件已放回原处：" + texts.REBUILD_CANNOT_WRITE
    assert after == before and (tmp_path / "src" / "lease.txt").is_file()
    assert not list((tmp_path / "src" / ".replaced").glob("*/*"))
