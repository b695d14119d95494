"""Files an admin sends together (several documents at once, or the same one twice by mistake):
each upload rebuilt the index on its own, one after the other (ten files, ten rebuilds, the last
told minutes later), and the same file sent twice quickly asked to replace itself (替换). Uploads
read together now share one rebuild, each told its own outcome, and a file already on its way
in is told so. Real parser, real builds, the loopback Bot API."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from botapi_server import FakeBotApi
from cli_traps import file_hashes
from team_bot import admin_bot
from test_bot_upload_reasons import CONTRACT, _status, _upload
from test_uploads import NEW, OTHER, _press, _visible

from bot import texts
from index import BuildReport, build_from_sources, store

LEASE = OTHER
SERVICE = "技术服务合同\n第一条 乙方提供系统维护服务。\n第二条 服务期限为一年。\n"
TRAINING = "培训服务合同\n" + "".join(
    f"第{i}条 乙方应按照甲方的书面要求提供第{i}项培训服务，内容包括系统操作与日常维护。\n"
    for i in range(1, 400))  # long enough that its rebuild is still running when sent again


@asynccontextmanager
async def counted_bot(tmp_path: Path, builds: list[list[str]], *,
                      before_build: Any = None) -> AsyncIterator[tuple[FakeBotApi, Any]]:
    """The bot over one real text contract, with the production build (the server and the
    Application); ``builds`` gets the file names each rebuild read (``before_build``, if
    given, runs first: a file changed on disk meanwhile)."""
    src, idx = tmp_path / "src", tmp_path / "index"
    src.mkdir()
    (src / "purchase.txt").write_text(CONTRACT, encoding="utf-8")
    await asyncio.to_thread(build_from_sources, [src], idx, "use-multilingual", progress=False)

    def build(sources: Sequence[Path] | None, index_dir: Path, *,
              replace: bool = False) -> BuildReport:
        builds.append(sorted(p.name for p in src.iterdir() if not p.name.startswith(".")))
        if before_build is not None:
            before_build()
        return build_from_sources(sources, index_dir, "use-multilingual", progress=False,
                                  replace=replace)

    async with admin_bot(src, idx, embed_model="use-multilingual", build=build) as running:
        yield running


def _told(api: FakeBotApi) -> dict[int, list[dict[str, Any]]]:
    """The bot's replies, by the message they answer."""
    said: dict[int, list[dict[str, Any]]] = {}
    for sent in api.sent():
        said.setdefault(sent["reply_parameters"]["message_id"], []).append(sent)
    return said


def _titles(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    return sorted(s["title"] for s in _status(tmp_path / "index", capsys)["sources"])


async def test_files_sent_together_share_one_rebuild(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = {"租赁.txt": LEASE, "服务.txt": SERVICE, "修订.txt": NEW, "培训.txt": TRAINING}
    builds: list[list[str]] = []
    async with counted_bot(tmp_path, builds) as (api, _):
        for i, (name, text) in enumerate(files.items(), start=1):
            _upload(api, f"F{i}", name, text.encode(), i)
        await api.settled()
    said = _told(api)
    assert builds == [sorted(["purchase.txt", *files])]  # one rebuild read them all
    for i, text in enumerate(files.values(), start=1):
        title, clauses = text.splitlines()[0], len(text.splitlines()) - 1
        assert [s["text"] for s in said[i]] == [
            texts.UPLOAD_WORKING_TEXT, texts.UPLOAD_OK.format(title=title, clauses=clauses)]
    assert _titles(tmp_path, capsys) == sorted(t.splitlines()[0]
                                               for t in (CONTRACT, *files.values()))


async def test_the_same_file_sent_twice_together_is_indexed_once(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Both were read before either was in place: the second was told 同名文件…刚被创建，请重新
    上传, and sent again it asked 替换 (of itself)."""
    builds: list[list[str]] = []
    async with counted_bot(tmp_path, builds) as (api, _):
        _upload(api, "T1", "租赁.txt", LEASE.encode(), 1)
        _upload(api, "T2", "租赁.txt", LEASE.encode(), 2)
        await api.settled()
    said = _told(api)
    outcomes = sorted(said[i][-1]["text"] for i in (1, 2))
    assert outcomes == sorted([texts.UPLOAD_OK.format(title="房屋租赁合同", clauses=3),
                               texts.UPLOAD_ALREADY_ADDING.format(name="租赁.txt")])
    assert not any(s.get("reply_markup") for s in api.sent())  # no 替换 asked
    assert len(builds) == 1
    assert _visible(tmp_path / "src") == ["purchase.txt", "租赁.txt"]
    assert not (tmp_path / "src" / ".replaced").exists()
    assert not any((tmp_path / "src" / ".uploads").iterdir())


async def test_the_same_file_sent_again_while_it_is_indexed_is_on_its_way(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Sent again while its rebuild ran (the file in place, not yet indexed): it asked to
    replace 培训.txt with 培训.txt."""
    builds: list[list[str]] = []
    async with counted_bot(tmp_path, builds) as (api, _):
        _upload(api, "L1", "培训.txt", TRAINING.encode(), 1)
        while not builds:  # its rebuild runs
            await asyncio.sleep(0.01)
        _upload(api, "L2", "培训.txt", TRAINING.encode(), 2)
        await api.settled()
    said = _told(api)
    assert said[2][-1]["text"] == texts.UPLOAD_ALREADY_ADDING.format(name="培训.txt")
    assert not said[2][-1].get("reply_markup")
    assert said[1][-1]["text"] == texts.UPLOAD_OK.format(title="培训服务合同", clauses=399)
    assert len(builds) == 1 and not (tmp_path / "src" / ".replaced").exists()


async def test_files_sent_together_while_the_index_is_busy_leave_it_unchanged(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A build from the command line holds the index: one rebuild is tried for all of them,
    each is told it is saved but not indexed, and the live index is as it was."""
    builds: list[list[str]] = []
    idx = tmp_path / "index"
    async with counted_bot(tmp_path, builds) as (api, _):
        status, hashes = _status(idx, capsys), file_hashes(idx)
        with store.build_lock(idx):
            _upload(api, "B1", "租赁.txt", LEASE.encode(), 1)
            _upload(api, "B2", "服务.txt", SERVICE.encode(), 2)
            await api.settled()
            assert file_hashes(idx) == hashes
    said = _told(api)
    for i, name in ((1, "租赁.txt"), (2, "服务.txt")):
        assert said[i][-1]["text"] == texts.UPLOAD_NOT_INDEXED.format(
            name=name, reason=texts.INDEX_BUSY)
    assert len(builds) == 1
    assert _status(idx, capsys) == status


async def test_a_file_of_a_shared_rebuild_it_cannot_index_is_taken_back_alone(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """One of the files emptied on disk after it was read (a sync, an editor): the rebuild
    they share indexes the others; that one is told why and taken back, the others indexed."""
    src = tmp_path / "src"

    def empty_one() -> None:
        if (src / "服务.txt").exists():
            (src / "服务.txt").write_bytes(b"")

    builds: list[list[str]] = []
    async with counted_bot(tmp_path, builds, before_build=empty_one) as (api, _):
        _upload(api, "G1", "租赁.txt", LEASE.encode(), 1)
        _upload(api, "G2", "服务.txt", SERVICE.encode(), 2)
        await api.settled()
    said = _told(api)
    assert said[1][-1]["text"] == texts.UPLOAD_OK.format(title="房屋租赁合同", clauses=3)
    assert said[2][-1]["text"].startswith("无法读取 服务.txt：")
    assert len(builds) == 1
    assert _visible(src) == ["purchase.txt", "租赁.txt"]
    assert _titles(tmp_path, capsys) == ["房屋租赁合同", "设备采购合同"]

async def test_a_file_saved_while_the_index_was_busy_is_indexed_when_sent_again(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Sent while a build from the command line held the index, the file was saved but not
    indexed; sent again once nothing ran, it asked to replace 租赁.txt with itself (替换). It is
    indexed now, the admin told that nothing was replaced; the live index was as it was until
    then."""
    builds: list[list[str]] = []
    idx, src = tmp_path / "index", tmp_path / "src"
    async with counted_bot(tmp_path, builds) as (api, _):
        status, hashes = _status(idx, capsys), file_hashes(idx)
        with store.build_lock(idx):
            _upload(api, "S1", "租赁.txt", LEASE.encode(), 1)
            await api.settled()
        assert file_hashes(idx) == hashes and _status(idx, capsys) == status
        _upload(api, "S2", "租赁.txt", LEASE.encode(), 2)
        await api.settled()
    said = _told(api)
    assert said[1][-1]["text"] == texts.UPLOAD_NOT_INDEXED.format(name="租赁.txt",
                                                                  reason=texts.INDEX_BUSY)
    assert [s["text"] for s in said[2]] == [texts.UPLOAD_WORKING_TEXT, "\n".join([
        texts.UPLOAD_OK.format(title="房屋租赁合同", clauses=3),
        texts.UPLOAD_SAVED_BEFORE.format(name="租赁.txt")])]
    assert not any(s.get("reply_markup") for s in api.sent())  # no 替换 asked, no undo
    assert len(builds) == 2
    assert _visible(src) == ["purchase.txt", "租赁.txt"]
    assert (src / "租赁.txt").read_text("utf-8") == LEASE
    assert not (src / ".replaced").exists()
    assert _titles(tmp_path, capsys) == ["房屋租赁合同", "设备采购合同"]

async def test_an_undo_does_not_wait_for_files_still_being_received(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An upload read while another was still being received (downloaded and read) waited
    for it, up to 30 s, holding the move lock: the admin's undo of an earlier replacement
    waited as long. The undo is answered at once now, and the upload is still put in place
    once the other has been received (one rebuild for both)."""
    builds: list[list[str]] = []
    src = tmp_path / "src"
    async with counted_bot(tmp_path, builds) as (api, app):
        _upload(api, "R1", "purchase.txt", NEW.encode(), 1)
        await api.settled()
        await _press(api, texts.BUTTON_REPLACE, 3)  # replaced: an undo button
        await api.settled()
        assert (src / "purchase.txt").read_text("utf-8") == NEW
        placements = app.bot_data.placements
        with placements.receiving():  # another upload, still downloading (a slow network)
            _upload(api, "H2", "租赁.txt", LEASE.encode(), 2)
            while not placements.waiting:  # 租赁.txt is read: it waits for the other one
                await asyncio.sleep(0.01)
            count = len(api.sent())
            await _press(api, texts.BUTTON_UNDO, count + 1, cb="undo")  # (it came 30 s later)
            assert [s["text"] for s in api.sent()[count:]] == [
                texts.UPLOAD_UNDONE.format(old="purchase.txt")]
            assert (src / "purchase.txt").read_text("utf-8") == CONTRACT
            assert not (src / "租赁.txt").exists() and len(builds) == 2
        await api.settled()
    assert _told(api)[2][-1]["text"] == texts.UPLOAD_OK.format(title="房屋租赁合同", clauses=3)
    assert len(builds) == 3  # the replacement, the undo, the upload
    assert _titles(tmp_path, capsys) == ["房屋租赁合同", "设备采购合同"]
