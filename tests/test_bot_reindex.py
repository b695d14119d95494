"""/reindex and uploads follow the rules of ``index build``: they rebuild every source the index
remembers plus the upload folder, and a rebuild that would empty the index or drop most of it
changes nothing until an admin confirms it with /reindex replace."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path

import pytest
from bot_helpers import message
from botapi_server import FakeBotApi
from index_corpus import LEASE, fast_encoder, parse_json, write_corpus
from test_bot_e2e import ADMIN, build, running_bot

from bot.admin import library_sources
from bot.state import BotState
from index import EncoderError, IndexWriteError, Searcher, remembered_sources, store
from index.build import build_index


def test_the_bot_rebuilds_the_remembered_sources_and_the_upload_folder(tmp_path: Path) -> None:
    library, uploads, idx = tmp_path / "library", tmp_path / "uploads", tmp_path / "idx"
    write_corpus(library, LEASE)
    build([library], idx)
    assert remembered_sources(idx) == (library.resolve(),)
    assert library_sources(idx, uploads) == [library.resolve()]  # no uploads yet
    (uploads / "customer-a" / ".uploads").mkdir(parents=True)  # a refused upload's staging
    (uploads / "customer-a" / "Thumbs.db").write_bytes(b"\0")  # Windows browsed the folder
    assert library_sources(idx, uploads) == [library.resolve()]  # nothing uploaded still
    (uploads / "customer-a" / "lease.txt").write_text("租赁合同", encoding="utf-8")
    assert library_sources(idx, uploads) == [library.resolve(), uploads]
    assert library_sources(idx, library) == [library.resolve()]  # each folder once


async def test_reindex_before_any_upload_names_no_empty_upload_folder(tmp_path: Path) -> None:
    """A library built with `index build` and an upload folder that holds only what a refused
    upload left (its staging folder): /reindex answered 索引已重建：2 份合同… and then
    `uploads：empty folder: nothing to index`, as if a file had failed."""
    uploads = tmp_path / "uploads"
    async with running_bot(tmp_path, sources_dir=uploads) as api:
        api.files["documents/E1"] = b'{"empty": true}'
        api.push("message", message(ADMIN, None, message_id=1, caption="customer-a", document={
            "file_id": "E1", "file_unique_id": "E1", "file_name": "空合同.txt", "file_size": 15}))
        await api.settled()
        assert api.sent()[-1]["text"].startswith("无法读取 空合同.txt")
        assert (uploads / "customer-a" / ".uploads").is_dir()
        api.push("message", message(ADMIN, "/reindex", message_id=2))
        done = await first_reply(api, 2)
    assert done["text"] == "索引已重建：2 份合同，15 条。"


async def test_reindex_names_a_source_that_is_a_link_loop(tmp_path: Path) -> None:
    """The folder the index remembers became a symbolic link to itself: `index build` says so,
    /reindex said 找不到合同来源 src, as if it were gone. It names the loop, in the admin's
    script; a missing source beside it is still said to be missing."""
    import shutil

    from bot.admin import build_error_text
    from index import MissingSourceError

    src = tmp_path / "src"
    async with running_bot(tmp_path, sources_dir=tmp_path / "uploads") as api:
        shutil.rmtree(src)
        src.symlink_to(src.name)  # src -> src
        api.push("message", message(ADMIN, "/reindex", message_id=1))
        [refused] = await api.wait_for("sendMessage", 1, timeout=30)
    assert refused["text"] == ("索引未更改：合同来源 src 是指向自身的链接（循环），"
                               "不是文件或文件夹。")
    # `index build` without SOURCES asks the same (RuntimeError: unexpected error, exit 1)
    [root] = library_sources(tmp_path / "index", tmp_path / "uploads")
    assert root.name == "src" and root.is_symlink()
    both = MissingSourceError(("/x/lib", "/x/src"), loops=("/x/src",))
    assert build_error_text(both, script="traditional") == (
        "索引未更改：找不到合同來源 lib；合同來源 src 是指向自身的連結（循環），不是檔案或資料夾。")


async def test_reindex_that_would_empty_the_index_waits_for_replace(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as api:
        live = store.current_generation(tmp_path / "index")
        for path in (tmp_path / "src").iterdir():
            path.unlink()  # every contract file is gone from the sources
        api.push("message", message(ADMIN, "/reindex", message_id=1))
        [refused] = await api.wait_for("sendMessage", 1, timeout=30)
        assert refused["text"].startswith("索引未更改：这次重建会清空索引（现有 2 份合同）")
        assert "/reindex replace" in refused["text"]
        assert store.current_generation(tmp_path / "index") == live
        write_corpus(tmp_path / "src", LEASE)
        api.push("message", message(ADMIN, "/reindex replace", message_id=2))
        done = (await api.wait_for("sendMessage", 2, timeout=30))[-1]
    assert done["text"].startswith("索引已重建：1 份合同")
    manifest = store.read_manifest(store.require_generation(tmp_path / "index"))
    assert [s.contract for s in manifest.sources] == [json.loads(json.dumps(LEASE))["key"]]


async def test_reindex_with_a_collection_folder_found_empty_waits_for_replace(
        tmp_path: Path) -> None:
    """A collection folder of the upload folder holds nothing now but .DS_Store (a disk that is
    not mounted there): /reindex keeps its contracts, though they are fewer than half, and
    says which folder is empty."""
    async with running_bot(tmp_path) as api:
        write_corpus(tmp_path / "src" / "customer-a", LEASE)
        api.push("message", message(ADMIN, "/reindex", message_id=1))
        assert (await first_reply(api, 1))["text"].startswith("索引已重建：3 份合同")
        live = store.current_generation(tmp_path / "index")
        (tmp_path / "src" / "customer-a" / "lease.txt").rename(tmp_path / "lease.txt")
        (tmp_path / "src" / "customer-a" / ".DS_Store").write_bytes(b"\0")
        api.push("message", message(ADMIN, "/reindex", message_id=2))
        refused = await first_reply(api, 2)
        assert refused["text"].startswith(
            "索引未更改：合同文件夹 customer-a 现在是空的（磁盘未挂载？），这次重建会删除已收录的 "
            "3 份合同中的 1 份（lease.txt）")
        assert "/reindex replace" in refused["text"]
        assert store.current_generation(tmp_path / "index") == live


def test_a_rebuild_with_another_encoder_tells_the_admin_how_to_confirm_it() -> None:
    """The bot's /reindex and uploads build with the bot's own encoder; an index built with
    another one is kept until an admin confirms with /reindex replace."""
    from bot.admin import build_error_text
    from index import WouldChangeEncoderError

    text = build_error_text(WouldChangeEncoderError("e5-small", "use-multilingual", 261))
    assert text == ("索引未更改：现有索引由编码器 e5-small 建立，这次重建会改用 use-multilingual，"
                    "并重新嵌入全部 261 条。如确要更换，请发送 /reindex replace。")


async def test_an_index_rebuilt_with_another_encoder_is_not_switched_to(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """An index rebuilt on purpose with another encoder (--replace) while the bot runs: the bot
    goes on answering from the generation it has, and says once in its log what to do."""
    import asyncio

    from index_corpus import parse_json
    from test_build import CountingEncoder

    from index.build import build_index

    async with running_bot(tmp_path) as api:
        other = CountingEncoder()
        other.name = "another-encoder"
        await asyncio.to_thread(build_index, [tmp_path / "src"], tmp_path / "index", other,
                                parse=parse_json, progress=False, replace=True)
        with caplog.at_level(logging.WARNING, logger="bot"):
            for n in (1, 2):
                api.push("message", message(ADMIN, "乙方响应时间是多少", message_id=n))
                first = await first_reply(api, n)
                assert "7.2</b>" in first["text"], first["text"]  # the answer, not an error
    unreadable = [r for r in caplog.records if "another-encoder" in r.getMessage()]
    assert len(unreadable) == 1 and "CONTRACTBOT_EMBED_MODEL=another-encoder" in (
        unreadable[0].getMessage())
    manifest = store.read_manifest(store.require_generation(tmp_path / "index"))
    assert manifest.encoder == "another-encoder"  # the live index is the other encoder's


async def first_reply(api: FakeBotApi, message_id: int, timeout: float = 30) -> dict:
    """The first message sent in reply to message ``message_id``."""
    import asyncio
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for sent in api.sent("sendMessage"):
            params = sent.get("reply_parameters") or {}
            if params.get("message_id", sent.get("reply_to_message_id")) == message_id:
                return sent
        await asyncio.sleep(0.05)
    raise AssertionError(f"no reply to message {message_id}")


def served_lease(tmp_path: Path) -> tuple[Path, Path, BotState]:
    """Sources, index and a bot state serving them: one lease, the tests' fast encoder."""
    src, idx = tmp_path / "src", tmp_path / "idx"
    write_corpus(src, LEASE)
    build_index([src], idx, fast_encoder(), parse=parse_json, progress=False)
    state = BotState()
    state.searcher = Searcher(idx, fast_encoder())
    return src, idx, state


async def test_a_rebuilt_index_that_cannot_be_read_is_not_switched_to(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The live generation switched to one whose vector file is gone: the bot keeps the one it
    has and logs once what to do."""
    src, idx, state = served_lease(tmp_path)
    old = state.searcher.generation
    changed = json.loads(json.dumps(LEASE))
    changed["clauses"][2][3] = "租赁期限为两年。"
    write_corpus(src, changed)
    report = build_index([src], idx, fast_encoder(), parse=parse_json, progress=False)
    (store.generation_dir(idx, report.generation) / store.VECTORS).unlink()
    with caplog.at_level(logging.ERROR, logger="bot"):
        for _ in range(2):
            assert (await state.live_searcher()).generation == old
    [logged] = [r.getMessage() for r in caplog.records]
    assert report.generation in logged
    assert logged.endswith(f"; rebuild it: contractbot index build --index {idx}")


def unreadable(path: Path) -> Callable[..., str]:
    """``Path.read_text`` refusing ``path`` as a file of another user is refused (the tests
    run as root, so chmod would not do it)."""
    read_text = Path.read_text

    def refused(self: Path, *args: object, **kwargs: object) -> str:
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return read_text(self, *args, **kwargs)  # type: ignore[arg-type]

    return refused


async def test_an_index_rebuilt_by_another_user_is_not_switched_to(
        tmp_path: Path, caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """`sudo contractbot index build` (as root, not as the bot's user) leaves a pointer the bot
    may not read: every question was 'an error occurred' with a traceback. The bot keeps the
    generation it has and logs once what to do (the tests run as root: the read is refused)."""
    _, idx, state = served_lease(tmp_path)
    old = state.searcher.generation
    pointer = idx / store.POINTER
    refused = unreadable(pointer)
    monkeypatch.setattr(Path, "read_text", refused)
    with caplog.at_level(logging.ERROR, logger="bot"):
        for _ in range(2):
            assert (await state.live_searcher()).generation == old
    [logged] = [r.getMessage() for r in caplog.records]
    assert logged == (f"still answering from index generation {old}: cannot read {pointer} "
                      "(Permission denied): give the index folder to the bot's user "
                      "(chown -R), and build as that user")


async def test_the_same_trouble_again_after_a_switch_is_logged_again(
        tmp_path: Path, caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Logged once while it lasts, not once per bot: `sudo contractbot index build`, fixed
    (the bot switches to the next build), then done again, is logged the second time too."""
    src, idx, state = served_lease(tmp_path)
    pointer = idx / store.POINTER
    refused = unreadable(pointer)
    with caplog.at_level(logging.ERROR, logger="bot"):
        with monkeypatch.context() as patched:
            patched.setattr(Path, "read_text", refused)
            await state.live_searcher()
        changed = json.loads(json.dumps(LEASE))
        changed["clauses"][2][3] = "租赁期限为两年。"
        write_corpus(src, changed)
        report = build_index([src], idx, fast_encoder(), parse=parse_json, progress=False)
        assert (await state.live_searcher()).generation == report.generation
        with monkeypatch.context() as patched:
            patched.setattr(Path, "read_text", refused)
            assert (await state.live_searcher()).generation == report.generation
    logged = [r.getMessage() for r in caplog.records]
    assert len(logged) == 2
    assert all(f"cannot read {pointer} (Permission denied)" in m for m in logged)

async def test_a_file_that_cannot_be_read_this_time_is_said_to_keep_its_version(
        tmp_path: Path) -> None:
    """A contract file emptied by a copy in progress is kept as indexed before: /reindex names
    it with its reason and says its earlier version stays, so the admin does not take it for
    lost (the build's own line says "the version indexed before is kept")."""
    async with running_bot(tmp_path) as api:
        (tmp_path / "src" / "maint.txt").write_bytes(b"")
        api.push("message", message(ADMIN, "/reindex", message_id=1))
        [done] = await api.wait_for("sendMessage", 1, timeout=30)
    lines = done["text"].split("\n")
    assert lines[0].startswith("索引已重建：2 份合同")
    assert lines[1:] == ["maint.txt：文件是空的（仍保留之前收录的版本）"]


@pytest.mark.parametrize(("error", "language", "words"), [
    (IndexWriteError("the index folder /srv/idx cannot be written (Permission denied)"), "zh",
     "重建失败，索引保持不变：服务器无法写入新的索引（磁盘可能已满，或没有写入权限）。"),
    (EncoderError("the encoder 'e5-small' failed in a worker (MemoryError)"), "zh-hant",
     "重建失敗，索引保持不變。原因已記入機器人的日誌，請告知伺服器管理員。"),
])
async def test_a_rebuild_the_server_cannot_do_is_said_in_chinese_and_logged(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
        error: Exception, language: str, words: str) -> None:
    """A rebuild that fails for the server's reason (a full disk, an encoder that fails) told
    the admin that reason in English; it is said in Chinese, and the English goes to the log."""
    def fail(index_dir: Path) -> None:
        raise error

    caplog.set_level(logging.WARNING, logger="bot")
    async with running_bot(tmp_path) as api:
        monkeypatch.setattr("index.build.pipeline.require_writable", fail)
        asked = message(ADMIN, "/reindex", message_id=1)
        asked["from"]["language_code"] = language
        api.push("message", asked)
        done = await first_reply(api, 1)
    assert done["text"] == words
    assert any(str(error) in r.getMessage() for r in caplog.records)


async def test_an_upload_the_server_cannot_index_is_said_in_chinese_and_logged(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    def fail(index_dir: Path) -> None:
        raise EncoderError("the encoder 'e5-small' failed in a worker (MemoryError)")

    caplog.set_level(logging.WARNING, logger="bot")
    plain = "采购合同\n第一条 乙方应在合同签订后十日内交货。\n第二条 甲方验收后付款。\n"
    async with running_bot(tmp_path) as api:
        monkeypatch.setattr("index.build.pipeline.require_writable", fail)
        api.files["documents/P1"] = plain.encode()
        api.push("message", message(ADMIN, None, message_id=1, document={
            "file_id": "P1", "file_unique_id": "P1", "file_name": "采购.txt",
            "file_size": len(plain.encode())}))
        sent = await api.wait_for("sendMessage", 2, timeout=60)
    assert sent[-1]["text"] == ("已保存 采购.txt，但索引暂未更新：重建失败，索引保持不变。"
                                "原因已记入机器人的日志，请告知服务器管理员。")
    assert any("failed in a worker (MemoryError)" in r.getMessage() for r in caplog.records)
