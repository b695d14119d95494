"""The record an upload held for an admin's answer keeps beside its staged file, and the one a
replacement's undo keeps in its backup folder (bot/held.py): read back when the bot starts,
when it has the expected shape, its files are still there and it is not stale; never a path
outside the upload folder. Backups past their undo are swept."""

from __future__ import annotations

import dataclasses
import json
import os
import time
from pathlib import Path

import pytest

from bot.held import (
    RECORD,
    SWEEP_AFTER,
    UNDO_RECORD,
    drop_old_backups,
    forget_held,
    held_uploads,
    keep_held,
    keep_undoable,
    spend_undoable,
    undoable_uploads,
)
from bot.uploads import (
    REPLACED,
    STALE,
    PendingUpload,
    Replacement,
    UploadBook,
    install,
    open_staging,
    undo,
)


def _held(owner: Path, target: Path, *, created: float | None = None) -> tuple[str, PendingUpload]:
    """An upload staged in ``owner``'s area for ``target``, held with its record written."""
    staged, out = open_staging(owner, target.name)
    out.close()
    upload = PendingUpload(staged, target, created if created is not None else time.time())
    token = UploadBook().ask(upload)
    keep_held(token, upload)
    return token, upload


def test_held_uploads_are_read_back_oldest_first(tmp_path: Path) -> None:
    src = tmp_path / "src"
    (src / "客户甲").mkdir(parents=True)
    new = _held(src, src / "客戶乙" / "office.txt", created=time.time() - 60)
    replace = _held(src / "客户甲", src / "客户甲" / "maint.txt")
    assert held_uploads(src) == [new, replace]
    text = (new[1].staged.parent / RECORD).read_text("utf-8")
    assert json.loads(text)["target"] == "客戶乙/office.txt" and str(tmp_path) not in text
    forget_held(new[1])
    assert held_uploads(src) == [replace]
    book = UploadBook(limit=1)
    book.restore([new, replace])  # more than it holds: the oldest goes
    assert book.pending == {replace[0]: replace[1]} and not new[1].staged.exists()


def test_odd_stale_or_orphaned_records_are_not_read(tmp_path: Path) -> None:
    src = tmp_path / "src"
    (src / "客户甲").mkdir(parents=True)
    _held(src, src / "old.txt", created=time.time() - STALE - 1)
    _, gone = _held(src, src / "gone.txt")
    gone.staged.unlink()
    _held(src / "客户甲", src / "客户甲" / "x" / "deep.txt")  # a collection's area: no folder
    for target in ("../../evil.txt", ".hidden/a.txt", "a/b/c.txt", "", "/etc/passwd"):
        staged, out = open_staging(src, "a.txt")
        out.close()
        (staged.parent / RECORD).write_text(json.dumps(
            {"token": "0123abcd", "target": target, "created": time.time()}), "utf-8")
    for record in ({"token": "xyz", "target": "a.txt", "created": time.time()},
                   {"token": "0123abcd", "target": "a.txt", "created": "now"},
                   {"token": "0123abcd", "target": "a.txt", "created": True},
                   ["0123abcd"], "{not json"):
        staged, out = open_staging(src, "a.txt")
        out.close()
        (staged.parent / RECORD).write_text(
            record if isinstance(record, str) else json.dumps(record), "utf-8")
    assert held_uploads(src) == []
    assert held_uploads(tmp_path / "nowhere") == []


def _replaced(src: Path, name: str = "lease.txt", *, folder: str = "") -> Replacement:
    """``name`` in ``folder`` of the upload folder ``src`` replaced by an upload of that name
    (its undo not yet kept)."""
    (src / folder / name).write_text("old", "utf-8")
    staged, target = _staged(src / folder, name)
    return install(staged, target, [target], sources=src)


def test_an_undo_is_read_back_until_it_is_taken(tmp_path: Path) -> None:
    """A replacement's undo, kept in its backup folder, is offered again after a restart
    (no server path in its record) until it is taken."""
    src = tmp_path / "src"
    (src / "客户甲").mkdir(parents=True)
    first, second = _replaced(src), _replaced(src, "维护.txt", folder="客户甲")
    book = UploadBook()
    tokens = [book.keep_undo(done) for done in (first, second)]
    for token, done in zip(tokens, (first, second), strict=True):
        keep_undoable(token, done, sources_dir=src)
    assert undoable_uploads(src) == list(zip(tokens, (first, second), strict=True))
    assert str(tmp_path) not in (first.backup / UNDO_RECORD).read_text("utf-8")
    spend_undoable(first)
    assert undoable_uploads(src) == [(tokens[1], second)]
    fresh = UploadBook(limit=1)
    fresh.restore_undo([(tokens[0], first), (tokens[1], second)])  # the oldest goes
    assert fresh.undoable == {tokens[1]: second}


def test_an_undo_past_its_days_is_not_offered_and_its_backup_is_swept(tmp_path: Path) -> None:
    """Past UNDO_WINDOW the button says it expired and the backup folder goes (spent or not);
    a younger one stays, and so does a folder without a record (a contract /remove set
    aside is the operator's)."""
    src = tmp_path / "src"
    src.mkdir()
    old, spent, young = (_replaced(src, name) for name in ("a.txt", "b.txt", "c.txt"))
    then = time.time() - SWEEP_AFTER - 60
    for done in (old, spent):
        done = dataclasses.replace(done, created=then)
        keep_undoable("0123abcd", done, sources_dir=src)
        os.utime(done.backup / UNDO_RECORD, (then, then))
    spend_undoable(spent)
    keep_undoable("4567cdef", young, sources_dir=src)
    removed = src / REPLACED / "20200101T000000-lease-abcdef"
    removed.mkdir()
    (removed / "removed-lease.txt").write_text("kept", "utf-8")
    os.utime(removed, (then, then))
    assert undoable_uploads(src) == [("4567cdef", young)]
    book = UploadBook()
    token = book.keep_undo(dataclasses.replace(old, created=then))
    assert book.take_undo(token) is None and token not in book.undoable
    drop_old_backups(src)
    assert sorted(p.name for p in (src / REPLACED).iterdir()) == sorted(
        [young.backup.name, removed.name])
    assert (young.backup / "0-c.txt").read_text("utf-8") == "old"


def test_odd_undo_records_are_not_read(tmp_path: Path) -> None:
    """A record naming a path outside the upload folder, a hidden one, a copy that is gone or
    of another shape offers no undo."""
    src = tmp_path / "src"
    src.mkdir()
    good = {"token": "0123abcd", "installed": "x.txt", "saved": [["x.txt", "0-x.txt"]],
            "created": time.time()}
    changes: list[dict[str, object]] = [
        {"installed": "../x.txt"}, {"installed": "/etc/passwd"}, {"installed": "a/b/c.txt"},
        {"saved": [["../../x.txt", "0-x.txt"]]}, {"saved": [["x.txt", "../0-x.txt"]]},
        {"saved": [["x.txt", ".held.json"]]}, {"saved": [["x.txt", "gone.txt"]]},
        {"saved": []}, {"saved": "x.txt"}, {"token": "xyz"}, {"created": True}]
    for change in changes:
        done = _replaced(src, "x.txt")
        (done.backup / UNDO_RECORD).write_text(json.dumps({**good, **change}), "utf-8")
    assert undoable_uploads(src) == []
    done = _replaced(src, "x.txt")  # the same record as it should be is read
    (done.backup / UNDO_RECORD).write_text(json.dumps(good), "utf-8")
    assert [token for token, _ in undoable_uploads(src)] == ["0123abcd"]
    assert undoable_uploads(tmp_path / "nowhere") == []


def test_an_undo_moves_nothing_when_it_cannot_finish(tmp_path: Path) -> None:
    """A backup removed on the server, or a replaced file's place taken again: the upload stays
    where it is (it was moved aside first, and the contract vanished from the folder)."""
    src = tmp_path / "src"
    src.mkdir()
    done = _replaced(src, "x.docx")
    (src / "x.txt").write_text("old text", "utf-8")
    moved = install(*_staged(src, "x.pdf"), [src / "x.txt"], sources=src)
    (src / "x.txt").write_text("another", "utf-8")  # its place is taken again
    with pytest.raises(FileExistsError):
        undo(moved)
    assert (src / "x.pdf").read_bytes() == b"new" and not list(moved.backup.glob("undone-*"))
    for _, copy in done.saved:
        copy.unlink()
    with pytest.raises(FileNotFoundError):
        undo(done)
    assert (src / "x.docx").read_bytes() == b"new" and not list(done.backup.glob("undone-*"))


def _staged(src: Path, name: str) -> tuple[Path, Path]:
    """An upload ``name`` staged in ``src``'s area and where it goes."""
    staged, out = open_staging(src, name)
    out.write(b"new")
    out.close()
    return staged, src / name
