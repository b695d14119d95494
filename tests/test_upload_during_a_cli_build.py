"""An upload the bot saved while a build from the command line held the index lock: the next
`contractbot index build` with no SOURCES indexes it, also when the index was built from a
library elsewhere and so did not remember the upload folder yet."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from bot_helpers import message
from cli_traps import Cli, run_here
from index_corpus import FAST_ENCODER
from team_bot import admin_bot
from test_bot_e2e import ADMIN

from bot import texts
from index import remembered_sources, store
from index.build import build_from_sources

CONTRACT = "设备采购合同\n第一条 乙方应于合同签订后十日内交货。\n第二条 甲方应在验收合格后付款。\n"


async def _upload_while_locked(library: Path, uploads: Path, idx: Path) -> str:
    """Send the bot a contract while another build holds the lock; the bot's reply."""
    data = CONTRACT.encode()
    async with admin_bot(uploads, idx, embed_model=FAST_ENCODER) as (server, _):
        server.files["documents/P1"] = data
        with store.build_lock(idx):  # `contractbot index build` running meanwhile
            server.push("message", message(ADMIN, None, message_id=1, document={
                "file_id": "P1", "file_unique_id": "P1", "file_name": "purchase.txt",
                "file_size": len(data)}))
            for _ in range(600):
                said = [s["text"] for s in server.sent("sendMessage")
                        if "purchase.txt" in s.get("text", "")]
                if said:
                    return said[-1]
                await asyncio.sleep(0.1)
    raise AssertionError("the bot did not answer the upload")


def test_the_next_build_indexes_an_upload_saved_during_a_cli_build(
        shared: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    library, uploads, idx = tmp_path / "library", tmp_path / "uploads", tmp_path / "idx"
    library.mkdir()
    for name in ("cs-upgrade", "cs-maintenance"):
        shutil.copy(shared / "contracts" / f"{name}.txt", library)
    build_from_sources([library], idx, FAST_ENCODER, progress=False)
    said = asyncio.run(_upload_while_locked(library, uploads, idx))
    assert said.startswith(texts.UPLOAD_NOT_INDEXED.split("{")[0])  # 已保存 …，但索引暂未更新
    assert (uploads / "purchase.txt").is_file()
    assert remembered_sources(idx) == (library.resolve(),)  # the upload folder is not

    settings = {"CONTRACTBOT_INDEX_DIR": str(idx), "CONTRACTBOT_SOURCES_DIR": str(uploads)}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:  # the real CLI, in this process
        return run_here(tmp_path, monkeypatch, capsys, *args, **settings)

    built = cli("index", "build")
    assert built.returncode == 0, built.stderr
    assert built.stderr.splitlines() == [
        f"contractbot: note: the upload folder {uploads} (CONTRACTBOT_SOURCES_DIR) is not "
        "among the sources the index remembers; this build reads it too"]
    status = json.loads(cli("index", "status", "--json").stdout)
    assert sorted(s["contract"] for s in status["sources"]) == [
        "cs-maintenance", "cs-upgrade", "purchase"]
    assert status["roots"] == [str(library), str(uploads)]
    again = cli("index", "build")  # remembered now: no note
    assert again.returncode == 0 and again.stderr == ""


def test_an_upload_folder_with_nothing_uploaded_is_not_added(
        shared: Path, tmp_path: Path, cli_here: Cli) -> None:
    """Only the staging folder of a refused upload (or a folder made ready for uploads): the
    build reads what it remembers, without an `empty folder` line and exit 3."""
    library, uploads, idx = tmp_path / "library", tmp_path / "uploads", tmp_path / "idx"
    library.mkdir()
    shutil.copy(shared / "contracts" / "cs-upgrade.txt", library)
    (uploads / ".uploads").mkdir(parents=True)
    build_from_sources([library], idx, FAST_ENCODER, progress=False)
    built = cli_here("index", "build", CONTRACTBOT_INDEX_DIR=str(idx),
                     CONTRACTBOT_SOURCES_DIR=str(uploads))
    assert (built.returncode, built.stderr) == (0, "")
    assert remembered_sources(idx) == (library.resolve(),)


def test_an_upload_folder_inside_the_library_is_read_as_part_of_it(
        shared: Path, tmp_path: Path, cli_here: Cli) -> None:
    """Its files are indexed already, in collection `uploads`: no second root that would put
    them in `default`."""
    library, idx = tmp_path / "library", tmp_path / "idx"
    (library / "uploads").mkdir(parents=True)
    shutil.copy(shared / "contracts" / "cs-upgrade.txt", library)
    shutil.copy(shared / "contracts" / "cs-maintenance.txt", library / "uploads")
    build_from_sources([library], idx, FAST_ENCODER, progress=False)
    built = cli_here("index", "build", CONTRACTBOT_INDEX_DIR=str(idx),
                     CONTRACTBOT_SOURCES_DIR=str(library / "uploads"))
    assert (built.returncode, built.stderr) == (0, "")
    assert remembered_sources(idx) == (library.resolve(),)
    status = json.loads(cli_here("index", "status", "--json",
                                 CONTRACTBOT_INDEX_DIR=str(idx)).stdout)
    assert {s["contract"]: s["collection"] for s in status["sources"]} == {
        "cs-upgrade": "default", "cs-maintenance": "uploads"}


def test_an_upload_folder_emptied_for_good_is_no_failure_of_every_later_build(
        shared: Path, tmp_path: Path, cli_here: Cli) -> None:
    """The index remembers the upload folder; its one contract is deleted. The next build is
    refused (a folder found empty), --replace drops it; every build after that (the nightly
    scripts/rebuild_index.py) ended in `uploads: empty folder: nothing to index`, exit 3, for
    as long as nothing was uploaded. It reads the library alone, until the folder holds files."""
    library, uploads, idx = tmp_path / "library", tmp_path / "uploads", tmp_path / "idx"
    library.mkdir()
    uploads.mkdir()
    shutil.copy(shared / "contracts" / "cs-upgrade.txt", library)
    (uploads / "purchase.txt").write_text(CONTRACT, encoding="utf-8")
    settings = {"CONTRACTBOT_INDEX_DIR": str(idx), "CONTRACTBOT_SOURCES_DIR": str(uploads)}
    build_from_sources([library, uploads], idx, FAST_ENCODER, progress=False)
    (uploads / "purchase.txt").unlink()
    (uploads / ".uploads").mkdir()  # a refused upload's staging folder: still nothing uploaded
    assert cli_here("index", "build", **settings).returncode == 5  # disk not mounted?
    replaced = cli_here("index", "build", "--replace", **settings)
    assert replaced.returncode == 3 and "purchase.txt: dropped" in replaced.stderr
    for _ in range(2):
        again = cli_here("index", "build", **settings)
        assert (again.returncode, again.stderr) == (0, ""), again.stderr
    assert remembered_sources(idx) == (library.resolve(),)
    (uploads / "purchase.txt").write_text(CONTRACT, encoding="utf-8")  # uploaded again
    back = cli_here("index", "build", **settings)
    assert back.returncode == 0 and "this build reads it too" in back.stderr
    assert {s.contract for s in store.read_manifest(store.require_generation(idx)).sources} == {
        "cs-upgrade", "purchase"}
