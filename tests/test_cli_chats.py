"""`contractbot index status` says which chats may ask the bot and what each reads (the access
file, CONTRACTBOT_ALLOWED_CHATS, the admins), so that the operator of one bot for several
customers' groups sees it, and a collection that holds nothing, without starting the bot."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from index_corpus import FAST_ENCODER, LEASE, MAINT
from team_bot import access_file, build, write_layout

from bot.cli import main


@pytest.fixture()
def idx(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An index of two collections, customer-a (MAINT) and customer-b (LEASE)."""
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in ("CONTRACTBOT_ALLOWED_CHATS", "CONTRACTBOT_ADMINS", "CONTRACTBOT_ACCESS_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CONTRACTBOT_EMBED_MODEL", FAST_ENCODER)
    write_layout(tmp_path / "src", {"customer-a": [MAINT], "customer-b": [LEASE]})
    build([tmp_path / "src"], tmp_path / "idx")
    return tmp_path / "idx"


def test_index_status_lists_each_chat_and_what_it_reads(
        idx: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Each group reads its collections (a typo'd or empty one is named), the allow list's
    chat reads everything also when the file gives it less, and an admin's private chat
    reads everything."""
    rules = access_file(tmp_path / "access.toml", {-1001: ["customer-a"],
                                                   -1002: ["customer-b", "shared"],
                                                   77: ["customer-a"], 42: ["customer-b"]})
    monkeypatch.setenv("CONTRACTBOT_ACCESS_FILE", str(rules))
    monkeypatch.setenv("CONTRACTBOT_ALLOWED_CHATS", "77")
    monkeypatch.setenv("CONTRACTBOT_ADMINS", "42")
    assert main(["index", "status", "--index", str(idx)]) == 0
    shown = capsys.readouterr().out.split("\nchats:", 1)[1].splitlines()[1:]
    assert shown == [
        "  77     every collection  (2 contracts; CONTRACTBOT_ALLOWED_CHATS)",
        "  -1002  customer-b, shared  (1 contract; shared holds no indexed contract; "
        "CONTRACTBOT_ACCESS_FILE)",
        "  -1001  customer-a  (1 contract; CONTRACTBOT_ACCESS_FILE)",
        "  42     every collection (in private)  (2 contracts; CONTRACTBOT_ADMINS)"]
    assert main(["index", "status", "--index", str(idx), "--json"]) == 0
    chats = json.loads(capsys.readouterr().out)["chats"]
    assert chats[1] == {"chat": -1002, "collections": ["customer-b", "shared"],
                        "by": "CONTRACTBOT_ACCESS_FILE", "contracts": 1, "empty": ["shared"]}


def test_a_broken_access_file_is_said_and_no_chat_settings_say_nothing(
        idx: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """With no chat setting the status is as it was; an access file serve would refuse is
    one line on stderr (the index's status is still printed, exit 0: the index is whole)."""
    assert main(["index", "status", "--index", str(idx)]) == 0
    assert "chats:" not in capsys.readouterr().out
    broken = tmp_path / "broken.toml"
    broken.write_text('[chat]\n"-1001" = ["customer-a"]\n', "utf-8")
    monkeypatch.setenv("CONTRACTBOT_ACCESS_FILE", str(broken))
    assert main(["index", "status", "--index", str(idx)]) == 0
    captured = capsys.readouterr()
    assert "contracts: 2" in captured.out and "chats:" not in captured.out
    assert captured.err == (f"contractbot: CONTRACTBOT_ACCESS_FILE: {broken}: unknown table or "
                            "key 'chat': the file holds one table, [chats] (\"CHAT_ID\" = "
                            "[\"collection\", ...]) (serve refuses to start on it)\n")
