"""The question log: 👍/👎 votes on answers and questions that got no relevant clause, in a
SQLite file in the index folder (``feedback.sqlite``), for admins to see what went wrong.

Kept per row: time (UTC), chat id, the question, the cited clauses (contract key and clause
number), and the vote or "unanswered". A vote row is one member's vote on one answer: its
``answer`` column names the answer and a pseudonym of the voter (``chat:key:voter``; logs
written before votes were per voter have ``chat:key``, one row per answer, still counted).
No user names or user ids. Rows older than ``days`` are deleted (``days`` 0: none). The file is
created readable by its owner only.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import sqlite3
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from index import ContractbotError, Script, normalize_text, to_script

LOG_FILE = "feedback.sqlite"
_END_MARKS = "?？!！。.~～ "
PURGE_EVERY = 3600.0  # seconds between deletions of expired rows while the bot runs
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS entries (id INTEGER PRIMARY KEY, answer TEXT UNIQUE, "
    "at TEXT NOT NULL, chat_id INTEGER NOT NULL, question TEXT NOT NULL, clauses TEXT NOT NULL, "
    "kind TEXT NOT NULL CHECK (kind IN ('up', 'down', 'unanswered')))"
)


def _now() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc)


def _cutoff(days: int) -> str:
    """The time before which rows are no longer kept; none when ``days`` is 0 (keep every
    row: 0 means no limit, as in the other settings, and never "delete them all")."""
    if days <= 0:
        return ""  # no row's time sorts before it
    return (_now() - _dt.timedelta(days=days)).isoformat(timespec="seconds")


class QuestionLogError(ContractbotError):
    """The question log file cannot be read (damaged, not a log)."""


@dataclass(frozen=True)
class Entry:
    """One question as listed: how often it was voted down (or went unanswered), and when last."""

    question: str
    count: int
    last_at: str
    clauses: tuple[str, ...] = ()
    chats: int = 1  # in how many chats

    def as_json(self) -> dict[str, object]:
        """One item of ``feedback --json``'s lists."""
        return {"question": self.question, "count": self.count, "last_at": self.last_at,
                "clauses": list(self.clauses), "chats": self.chats}


@dataclass(frozen=True)
class Summary:
    """Counts over the kept period, and the most recent 👎 and unanswered questions."""

    days: int
    up: int = 0
    down: int = 0
    unanswered: int = 0
    downvoted: tuple[Entry, ...] = ()
    unanswered_questions: tuple[Entry, ...] = field(default=())

    def as_json(self) -> dict[str, object]:
        """The shape of ``contractbot feedback --json``."""
        return {"days": self.days,
                "counts": {"up": self.up, "down": self.down, "unanswered": self.unanswered},
                "down": [e.as_json() for e in self.downvoted],
                "unanswered": [e.as_json() for e in self.unanswered_questions]}


class QuestionLog:
    """The log file, safe to use from worker threads (one connection behind a lock)."""

    def __init__(self, path: Path, *, days: int = 90) -> None:
        self.path = Path(path)
        self.days = days
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.path.exists():  # private to its owner from the start
            os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
        self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=10)
        self._lock = threading.Lock()
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")  # no fsync per vote; WAL keeps it whole
            self._db.execute(_SCHEMA)
            self._db.commit()
        self._purged = 0.0
        self.purge()

    @classmethod
    def open(cls, index_dir: Path, *, days: int = 90) -> QuestionLog:
        """The log of the index at ``index_dir``."""
        return cls(Path(index_dir) / LOG_FILE, days=days)

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            self._db.close()

    def purge(self) -> int:
        """Delete rows older than ``days``; how many went."""
        with self._lock:
            gone = self._db.execute("DELETE FROM entries WHERE at < ?",
                                    (_cutoff(self.days),)).rowcount
            self._db.commit()
        self._purged = time.monotonic()
        return int(gone)

    def _write(self, sql: str, args: tuple[object, ...]) -> None:
        if time.monotonic() - self._purged > PURGE_EVERY:
            self.purge()
        with self._lock:
            self._db.execute(sql, args)
            self._db.commit()

    def record_unanswered(self, chat_id: int, question: str) -> None:
        """A question that got no relevant clause."""
        self._write("INSERT INTO entries (at, chat_id, question, clauses, kind) "
                    "VALUES (?, ?, ?, '[]', 'unanswered')",
                    (_now().isoformat(timespec="seconds"), chat_id, question))

    def record_vote(self, answer: str, chat_id: int, question: str, clauses: Sequence[str],
                    vote: str, *, voter: str) -> None:
        """A 👍 ("up") or 👎 ("down") by ``voter`` (a pseudonym, never a user id) on answer
        ``answer``: each member's vote counts once, and a later vote by the same voter on it
        replaces theirs only."""
        if vote not in ("up", "down"):
            raise ValueError(f"unknown vote {vote!r}")
        self._write(
            "INSERT INTO entries (answer, at, chat_id, question, clauses, kind) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(answer) DO UPDATE SET at = excluded.at, "
            "kind = excluded.kind",
            (f"{answer}:{voter}", _now().isoformat(timespec="seconds"), chat_id, question,
             json.dumps(list(clauses), ensure_ascii=False), vote))

    def summary(self, *, limit: int = 20) -> Summary:
        """Counts and the ``limit`` most recent 👎 and unanswered questions (grouped by text)."""
        with self._lock:
            return _summary(self._db, self.days, limit)


def read_summary(index_dir: Path, *, days: int = 90, limit: int = 20) -> Summary:
    """The summary of the log of the index at ``index_dir``, read without writing anything
    (``contractbot feedback``): no log is created, no row purged; no log, an empty summary."""
    path = Path(index_dir) / LOG_FILE
    if not path.is_file():
        return Summary(days=days)
    try:  # mode=rw never creates the file; closing removes the WAL files SQLite opened
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, timeout=10)
        try:
            return _summary(db, days, limit)
        finally:
            db.close()
    except sqlite3.Error as err:
        raise QuestionLogError(f"cannot read the question log {path}: {err}") from None


def _summary(db: sqlite3.Connection, days: int, limit: int) -> Summary:
    """Counts and the ``limit`` most recent 👎 and unanswered questions of the last ``days``."""
    cutoff = _cutoff(days)
    counts = dict(db.execute(
        "SELECT kind, COUNT(*) FROM entries WHERE at >= ? GROUP BY kind", (cutoff,)).fetchall())
    lists = {kind: _grouped(db.execute(
        "SELECT question, at, chat_id, clauses FROM entries WHERE kind = ? AND at >= ? "
        "ORDER BY at DESC, id DESC", (kind, cutoff)).fetchall(), limit)
        for kind in ("down", "unanswered")}
    return Summary(days=days, up=counts.get("up", 0), down=counts.get("down", 0),
                   unanswered=counts.get("unanswered", 0), downvoted=lists["down"],
                   unanswered_questions=lists["unanswered"])


def _same_question(question: str) -> str:
    """What makes two logged questions one: 试用期多长, 試用期多長 and 试用期多长？ are one."""
    return normalize_text(question).strip().rstrip(_END_MARKS).strip().lower()


def _grouped(rows: list[tuple[str, str, int, str]], limit: int) -> tuple[Entry, ...]:
    """Rows (newest first) grouped by question in either script: the newest wording, how
    often, when last, its newest cited clauses and in how many chats; the ``limit`` most
    recent."""
    groups: dict[str, list[tuple[str, str, int, str]]] = {}
    for row in rows:
        groups.setdefault(_same_question(row[0]), []).append(row)
    return tuple(Entry(group[0][0], len(group), group[0][1],
                       tuple(json.loads(group[0][3] or "[]")), len({r[2] for r in group}))
                 for group in list(groups.values())[:limit])


def format_summary(summary: Summary, *, lang: str = "en",
                   script: Script = "simplified") -> str:
    """A readable summary: counts, then the 👎 and unanswered questions (English for the CLI,
    Chinese in ``script`` for the bot's /feedback). Questions stay as asked, in their asker's
    script, and cited clauses as their contract keys, so that /use and /clause take them."""
    zh = lang == "zh"
    span = (("全部" if summary.days <= 0 else f"最近 {summary.days} 天") if zh
            else ("all kept" if summary.days <= 0 else f"last {summary.days} days"))
    head = (f"{span}：👍 {summary.up}  👎 {summary.down}  未答 {summary.unanswered}"
            if zh else f"{span}: 👍 {summary.up}  👎 {summary.down}  "
            f"unanswered {summary.unanswered}")
    lines = [to_script(head, script) if zh else head]
    for title, items in ((("👎：" if zh else "👎:"), summary.downvoted),
                         (("未找到相关条款：" if zh else "unanswered:"),
                          summary.unanswered_questions)):
        if not items:
            continue
        lines.append(to_script(title, script) if zh else title)
        for e in items:
            cited = f"  [{', '.join(e.clauses)}]" if e.clauses else ""
            lines.append(f"  {e.count}× {e.question}{cited}  ({e.last_at[:16].replace('T', ' ')})")
    return "\n".join(lines)
