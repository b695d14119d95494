"""The record an upload held for an admin's answer keeps beside its staged file (bot/held.py):
read back when the bot starts, when it has the expected shape, its file is still there and it
is not stale; never a path outside the upload folder."""

from __future__ import annotations

import json
import time
from pathlib import Path

from bot.held import RECORD, forget_held, held_uploads, keep_held
from bot.uploads import STALE, PendingUpload, UploadBook, open_staging


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
