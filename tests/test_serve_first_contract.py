"""A fresh install serves before any contract is indexed: `contractbot serve` starts without an
index, tells askers that no contract is indexed yet, and an admin's first upload is indexed
(alone: the bundled samples never enter the operator's index) and answered."""

from __future__ import annotations

import asyncio
import json
import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from bot_helpers import message
from botapi_server import FakeBotApi
from cli_traps import CLI, TOKEN, env
from test_cli_serve_traps import _lines_until_ready, bot_api

from index import store

ADMIN, ASKER = 42, 100


def _push(api: FakeBotApi, loop: asyncio.AbstractEventLoop, payload: dict[str, Any]) -> None:
    """Queue an update from the test's thread on the loop the loopback Bot API runs on."""
    loop.call_soon_threadsafe(api.push, "message", payload)


def _reply_to(api: FakeBotApi, message_id: int, deadline: float, *,
              wanted: str = "") -> dict[str, Any]:
    """The last message sent in reply to ``message_id`` whose text holds ``wanted``."""
    while time.monotonic() < deadline:
        for sent in reversed(api.sent()):
            params = sent.get("reply_parameters") or {}
            if isinstance(params, str):
                params = json.loads(params)
            if params.get("message_id") == message_id and wanted in sent["text"]:
                return sent
        time.sleep(0.05)
    raise AssertionError(f"no reply to {message_id} holding {wanted!r}: {api.sent()}")


def test_a_fresh_install_serves_and_indexes_the_first_upload(shared: Path,
                                                              tmp_path: Path) -> None:
    xdg = tmp_path / "xdg"  # the default index and upload folders, neither there yet
    index_dir = xdg / "contractbot" / "index"
    with bot_api() as api:
        proc = subprocess.Popen(
            [*CLI, "serve"], cwd=tmp_path, stderr=subprocess.PIPE, text=True,
            env=env(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_BASE_URL=api.base_url,
                    TELEGRAM_BASE_FILE_URL=api.base_file_url,
                    CONTRACTBOT_ALLOWED_CHATS=str(ASKER), CONTRACTBOT_ADMINS=str(ADMIN)))
        try:
            deadline = time.monotonic() + 180
            lines = _lines_until_ready(proc, deadline)
            assert any("bot @contract_bot ready" in line for line in lines), lines
            loop = _loop_of(api)
            _push(api, loop, message(ASKER, "乙方响应时间是多少", message_id=1))
            nothing = _reply_to(api, 1, deadline)
            assert nothing["text"] == "目前还没有收录任何合同。"
            _push(api, loop, message(ADMIN, "/reindex", message_id=4))
            assert _reply_to(api, 4, deadline)["text"] == (
                "还没有可以收录的合同。请在私聊中直接把合同文件（PDF、DOCX、TXT 或照片）发给我。")
            data = (shared / "contracts" / "cs-upgrade.txt").read_bytes()
            api.files["documents/F1"] = data
            _push(api, loop, message(ADMIN, None, message_id=2, document={
                "file_id": "F1", "file_unique_id": "F1", "file_name": "cs-upgrade.txt",
                "file_size": len(data)}))
            indexed = _reply_to(api, 2, deadline, wanted="已收录")
            assert "已收录《在线客服系统升级服务合同》" in indexed["text"], indexed["text"]
            _push(api, loop, message(ASKER, "乙方响应时间是多少", message_id=3))
            answer = _reply_to(api, 3, deadline)
            assert "7.2" in answer["text"] and "在线客服系统升级服务合同" in answer["text"]
        finally:
            proc.send_signal(signal.SIGTERM)
            rest = proc.communicate(timeout=60)[1]
    assert proc.returncode == 0, rest
    assert "Traceback" not in rest
    assert lines[0] == (f"contractbot: warning: no index at {index_dir} yet: the bot answers "
                        "that no contract is indexed until an admin sends one, or `contractbot "
                        "index build SOURCES...` builds it")
    manifest = store.read_manifest(store.require_generation(index_dir))
    assert [s.contract for s in manifest.sources] == ["cs-upgrade"]  # no sample contract
    assert (xdg / "contractbot" / "contracts" / "cs-upgrade.txt").is_file()


def _loop_of(api: FakeBotApi) -> asyncio.AbstractEventLoop:
    """The event loop the loopback Bot API's server runs on."""
    assert api._server is not None
    return api._server.get_loop()


def test_a_searcher_of_no_index_yet_answers_nothing_and_takes_the_first_build(
        tmp_path: Path) -> None:
    """What the bot answers from before the first build: no contract, no hit; the first
    build's generation is picked up; a pointer to a generation that is gone is damage."""
    from index_corpus import FAST_ENCODER, LEASE, fast_encoder, parse_json, write_corpus

    from index import IndexDamagedError, Searcher
    from index.build import build_index

    idx = tmp_path / "idx"
    searcher = Searcher.open(idx, FAST_ENCODER, missing_ok=True)
    assert searcher.contracts() == [] and searcher.search("押金是多少").hits == ()
    assert searcher.refreshed() is searcher and not idx.exists()  # nothing written
    write_corpus(tmp_path / "src", LEASE)
    build_index([tmp_path / "src"], idx, fast_encoder(), parse=parse_json, progress=False)
    built = searcher.refreshed()
    assert [c.key for c in built.contracts()] == ["lease"]
    assert "第二条" in [h.clause.clause for h in built.search("押金是多少").hits]
    gen = store.require_generation(idx)
    shutil.rmtree(gen)  # the pointer names a generation that is gone: damage, not "no index"
    with pytest.raises(IndexDamagedError):
        Searcher.open(idx, FAST_ENCODER, missing_ok=True)
    with pytest.raises(IndexDamagedError):
        searcher.refreshed()
