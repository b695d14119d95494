"""CONTRACTBOT_ACCESS_FILE: its shape, precedence over the allow-list and admins, and reading
it again when it changes (a broken change keeps the last good table)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from bot.access import (
    EVERYTHING,
    GONE_GRACE,
    RACY,
    AccessFile,
    AccessFileError,
    ChatAccess,
    chat_access,
    parse_access,
)
from bot.settings import Settings


def test_shape_of_the_chats_table() -> None:
    table = parse_access('[chats]\n"-100" = ["a", "b"]\n"7" = ["*", "a"]\n"8" = []\n9 = "c"\n'
                         '" 10 " = [" d ", " "]\n"11" = [" * "]\n')
    assert table == {-100: ChatAccess(frozenset({"a", "b"})), 7: EVERYTHING,
                     9: ChatAccess(frozenset({"c"})), 10: ChatAccess(frozenset({"d"})),
                     11: EVERYTHING}
    for bad in ('[chats]\n"x" = ["a"]\n', '[chats]\n"1" = [1]\n', "chats = 3\n", "[chats\n"):
        with pytest.raises(AccessFileError):
            parse_access(bad)
    assert parse_access("") == {}  # no chat yet


def test_a_misspelt_table_or_chats_above_it_are_errors_not_an_empty_table() -> None:
    """`[chat]` for `[chats]`, or the chat lines without the `[chats]` line above them, parsed
    as a table of no chat: every group it was meant for was refused, and nothing said why."""
    with pytest.raises(AccessFileError, match=r"unknown table or key 'chat': the file holds "
                       r"one table, \[chats\]"):
        parse_access('[chat]\n"-1001" = ["customer-a"]\n')
    with pytest.raises(AccessFileError, match=r"chat -1001 is not under the \[chats\] line"):
        parse_access('"-1001" = ["customer-a"]\n')
    with pytest.raises(AccessFileError, match="unknown table or key 'group'"):
        parse_access('[chats]\n"-1" = ["a"]\n[group]\n"-2" = ["b"]\n')


def test_allow_list_and_admins_read_everything_others_what_the_file_says(tmp_path: Path) -> None:
    path = tmp_path / "access.toml"
    path.write_text('[chats]\n"-5" = ["a"]\n"10" = ["b"]\n', "utf-8")
    settings = Settings(index_dir=tmp_path, sources_dir=tmp_path, allowed_chats=frozenset({10}),
                        admins=frozenset({42}))
    access = AccessFile(path)
    assert chat_access(settings, access, 10) is EVERYTHING  # allow-list wins
    assert chat_access(settings, access, 42, user_id=42) is EVERYTHING  # admin in private
    assert chat_access(settings, access, -5, user_id=42) == ChatAccess(frozenset({"a"}))
    assert chat_access(settings, access, -6) is None
    assert chat_access(settings, None, -5) is None


def test_changes_are_read_and_a_broken_change_keeps_the_last_good_table(tmp_path: Path) -> None:
    path = tmp_path / "access.toml"
    path.write_text('[chats]\n"1" = ["a"]\n', "utf-8")
    access = AccessFile(path)
    assert access.table() == {1: ChatAccess(frozenset({"a"}))}
    path.write_text('[chats]\n"1" = ["a"]\n"2" = ["b"]\n', "utf-8")
    os.utime(path, ns=(1, 10**18))  # a new modification time even within one clock tick
    assert set(access.table()) == {1, 2}
    path.write_text('[chats\n"3" = ["c"]\n', "utf-8")
    os.utime(path, ns=(1, 2 * 10**18))
    assert set(access.table()) == {1, 2}
    with pytest.raises(AccessFileError):
        AccessFile(tmp_path / "missing.toml")  # at start: an error, not an empty table


def test_a_deleted_file_fails_closed_and_a_file_put_back_is_read(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Deleting the access file is how an operator revokes access: the chats it listed lose
    it (logged), and get it back when the file is back. Until 2026-11-29 the last table
    stayed in force, so deleting the file changed nothing."""
    path = tmp_path / "access.toml"
    path.write_text('[chats]\n"1" = ["a"]\n"2" = ["b"]\n', "utf-8")
    settings = Settings(index_dir=tmp_path, sources_dir=tmp_path)
    now = [100.0]
    access = AccessFile(path, clock=lambda: now[0])
    assert chat_access(settings, access, 1) == ChatAccess(frozenset({"a"}))
    path.unlink()
    with caplog.at_level("WARNING", logger="bot.access"):
        assert chat_access(settings, access, 1) == ChatAccess(frozenset({"a"}))  # a moment
        now[0] += 2 * GONE_GRACE
        assert access.table() == {} and chat_access(settings, access, 1) is None
        assert access.table() == {}
    [gone] = [r.getMessage() for r in caplog.records]  # said once, not on every question
    assert gone == f"access file {path} is gone: the 2 chats it listed have no access until " \
        "it is back"
    path.write_text('[chats]\n"2" = ["b"]\n', "utf-8")
    assert chat_access(settings, access, 2) == ChatAccess(frozenset({"b"}))
    assert chat_access(settings, access, 1) is None


def test_a_file_saved_by_rename_keeps_its_chats_meanwhile(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    """An editor that saves by renaming the old file away and writing the new one leaves no
    file for a moment: a question asked then is not refused, nothing is logged, and the bot's
    event loop, which asks, is not made to wait."""
    monkeypatch.setattr(time, "sleep", lambda _: pytest.fail("the access check slept"))
    path = tmp_path / "access.toml"
    path.write_text('[chats]\n"1" = ["a"]\n', "utf-8")
    now = [100.0]
    access = AccessFile(path, clock=lambda: now[0])
    path.rename(tmp_path / "access.toml~")
    with caplog.at_level("WARNING", logger="bot.access"):
        assert access.table() == {1: ChatAccess(frozenset({"a"}))}
        now[0] += GONE_GRACE / 2
        assert access.table() == {1: ChatAccess(frozenset({"a"}))}  # no wait on the loop
        path.write_text('[chats]\n"1" = ["a", "b"]\n', "utf-8")
        now[0] += GONE_GRACE  # back: the moment it was gone is forgotten
        assert access.table() == {1: ChatAccess(frozenset({"a", "b"}))}
        path.rename(tmp_path / "access.toml~")
        assert access.table() == {1: ChatAccess(frozenset({"a", "b"}))}  # a new moment
    assert caplog.records == []


def test_a_chat_in_the_allow_list_and_the_file_is_logged(tmp_path: Path,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    """The allow-list wins, so a chat that the access file gives one collection but that is
    also in CONTRACTBOT_ALLOWED_CHATS reads every customer's contracts: the operator is told,
    when the file is read and again when it changes."""
    path = tmp_path / "access.toml"
    path.write_text('[chats]\n"-1001234567890" = ["customer-a"]\n"-7" = ["*"]\n', "utf-8")
    with caplog.at_level("WARNING", logger="bot.access"):
        AccessFile(path, allow_list=frozenset({-1001234567890, -7}))
    [warned] = [r.getMessage() for r in caplog.records]
    assert "-1001234567890" in warned and "CONTRACTBOT_ALLOWED_CHATS" in warned
    # one warning, for the limited chat; "-7" reads every collection anyway (the check is on
    # the chat named, not the whole line: a temporary path such as pytest-753 holds "-7")
    assert warned.startswith("chat -1001234567890 is in") and "customer-a" in warned


def test_a_file_not_in_utf8_is_an_error_at_start_and_keeps_the_last_table_later(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """An access file saved as GBK (a Chinese comment, an editor on a Chinese Windows) raised
    UnicodeDecodeError: a traceback at start, and once the bot ran, on every message (each
    chat got 出错了). It is an AccessFileError at start; a change to it later is logged once,
    and the last good table stays in force, as for a change that is not TOML."""
    path = tmp_path / "access.toml"
    gbk = '# 客户甲的群\n[chats]\n"1" = ["b"]\n'.encode("gbk")
    path.write_bytes(gbk)
    with pytest.raises(AccessFileError, match="UTF-8"):
        AccessFile(path)
    path.write_text('[chats]\n"1" = ["a"]\n', "utf-8")
    access = AccessFile(path)
    path.write_bytes(gbk)
    with caplog.at_level("ERROR", logger="bot.access"):
        assert access.table() == {1: ChatAccess(frozenset({"a"}))}
        assert access.table() == {1: ChatAccess(frozenset({"a"}))}
    [said] = [r.getMessage() for r in caplog.records]
    assert "not UTF-8" in said and "keeping the previous access table" in said


def test_a_broken_change_is_logged_once_not_on_every_question(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A change that does not parse is logged when it is found; the questions asked until the
    file changes again keep the last good table without reading it again or logging again."""
    path = tmp_path / "access.toml"
    path.write_text('[chats]\n"1" = ["a"]\n', "utf-8")
    access = AccessFile(path)
    path.write_text('[chats\n"1" = ["b"]\n', "utf-8")
    os.utime(path, ns=(1, 10**18))
    with caplog.at_level("ERROR", logger="bot.access"):
        for _ in range(3):
            assert access.table() == {1: ChatAccess(frozenset({"a"}))}
    [broken] = [r.getMessage() for r in caplog.records]
    assert "keeping the previous access table" in broken


def test_an_unchanged_file_is_neither_read_nor_parsed_again_and_an_edit_is(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every question checked access by reading the whole file again. It is one stat now:
    the file is read when that stat changed, and parsed when what it holds changed; while its
    last change is too recent for the stat to tell the next one (within RACY seconds: an
    edit in the same tick of the file system's clock), it is still read every time."""
    import bot.access

    path = tmp_path / "access.toml"
    path.write_text('[chats]\n"1" = ["a"]\n', "utf-8")
    reads: list[Path] = []
    parses: list[str] = []
    read_bytes, parse = Path.read_bytes, bot.access.parse_access

    def counted_read(p: Path) -> bytes:
        reads.append(p)
        return read_bytes(p)

    def counted_parse(text: str) -> dict[int, ChatAccess]:
        parses.append(text)
        return parse(text)

    monkeypatch.setattr(Path, "read_bytes", counted_read)
    monkeypatch.setattr(bot.access, "parse_access", counted_parse)
    later = [time.time()]
    access = AccessFile(path, wall=lambda: later[0])
    assert (len(reads), len(parses)) == (1, 1)
    for _ in range(3):  # just written: the stat may not tell an edit yet
        assert access.table() == {1: ChatAccess(frozenset({"a"}))}
    assert (len(reads), len(parses)) == (4, 1)
    later[0] += 2 * RACY  # long enough after the last change: the stat tells
    assert access.table() == {1: ChatAccess(frozenset({"a"}))}
    for _ in range(3):
        assert access.table() == {1: ChatAccess(frozenset({"a"}))}
    assert (len(reads), len(parses)) == (5, 1)
    path.write_text('[chats]\n"1" = ["b"]\n', "utf-8")  # the same size
    later[0] = time.time() + 2 * RACY
    assert access.table() == {1: ChatAccess(frozenset({"b"}))}
    assert access.table() == {1: ChatAccess(frozenset({"b"}))}
    assert (len(reads), len(parses)) == (6, 2)


def test_a_file_copied_with_an_old_modification_time_is_read_until_its_change_is_old(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``cp -p`` keeps the modification time of the copy (a day ago) but the change time is
    now: the change is recent, so the stat cannot tell the next one yet and the file is read
    at every check until RACY seconds have passed."""
    path = tmp_path / "access.toml"
    path.write_text('[chats]\n"1" = ["a"]\n', "utf-8")
    day_ago = time.time_ns() - 86_400 * 10**9
    os.utime(path, ns=(day_ago, day_ago))
    reads: list[Path] = []
    read_bytes = Path.read_bytes

    def counted_read(p: Path) -> bytes:
        reads.append(p)
        return read_bytes(p)

    monkeypatch.setattr(Path, "read_bytes", counted_read)
    later = [time.time()]
    access = AccessFile(path, wall=lambda: later[0])
    for _ in range(2):
        assert access.table() == {1: ChatAccess(frozenset({"a"}))}
    assert len(reads) == 3
    later[0] += 2 * RACY
    for _ in range(3):
        assert access.table() == {1: ChatAccess(frozenset({"a"}))}
    assert len(reads) == 4


def test_an_edit_that_keeps_size_and_modification_time_is_read(tmp_path: Path) -> None:
    """A same-size file copied over it with its old modification time (``cp -p``, ``rsync
    -t``): only the change time tells; the new chats are in force at the next check."""
    path = tmp_path / "access.toml"
    path.write_text('[chats]\n"1" = ["a"]\n', "utf-8")
    day_ago = time.time_ns() - 86_400 * 10**9
    os.utime(path, ns=(day_ago, day_ago))
    later = [time.time() + 2 * RACY]  # the stat tells changes from the start
    access = AccessFile(path, wall=lambda: later[0])
    assert access.table() == {1: ChatAccess(frozenset({"a"}))}
    time.sleep(0.01)  # a change time the file system tells from the last one
    path.write_text('[chats]\n"1" = ["b"]\n', "utf-8")
    os.utime(path, ns=(day_ago, day_ago))
    later[0] = time.time() + 2 * RACY
    assert access.table() == {1: ChatAccess(frozenset({"b"}))}
