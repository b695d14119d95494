"""Who may ask, and which collections each chat reads.

A chat in CONTRACTBOT_ALLOWED_CHATS, and an admin in their own private chat, read every
collection. CONTRACTBOT_ACCESS_FILE (TOML) gives other chats their collections::

    [chats]
    "-1001234567890" = ["customer-a"]
    "123456789" = ["customer-a", "customer-b"]
    "-1009876543210" = ["*"]          # every collection

The file is checked at every question with one ``stat`` and parsed again whenever what it holds
changes (no restart). It is read again only when that stat changed (inode, size, modification
or change time) or while its last change is within ``RACY`` seconds of when it was last read:
an edit within one tick of the file system's clock can leave the times as they were, so the
times alone are no guide until that tick has surely passed (git's "racily clean" rule). A
change that does not parse, or is not UTF-8, is logged and the last good version stays in
force. A file that is deleted fails closed: the chats it listed lose access (logged) until
it is back. An editor that saves by renaming leaves it
gone for a moment, so the table stays in force for ``GONE_GRACE`` seconds after the file is
first found missing, without waiting (this runs on the bot's event loop).
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .settings import Settings

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

log = logging.getLogger(__name__)
ALL = "*"
GONE_GRACE = 0.3  # seconds a vanished access file stays in force (an editor saving by rename)
RACY = 2.0  # seconds within which a file's times may not tell an edit (FAT's tick is 2 s)
Stamp = tuple[int, int, int, int, int]  # (device, inode, size, mtime_ns, ctime_ns)


class AccessFileError(ValueError):
    """CONTRACTBOT_ACCESS_FILE cannot be read or is not in the expected shape."""


@dataclass(frozen=True)
class ChatAccess:
    """What one allowed chat reads: ``collections`` None means every collection."""

    collections: frozenset[str] | None = None


EVERYTHING = ChatAccess(None)
Table = dict[int, ChatAccess]


def parse_access(text: str) -> Table:
    """The [chats] table of an access file; AccessFileError when it has another shape."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise AccessFileError(f"not valid TOML: {err}") from None
    for key in data:
        if key != "chats":
            raise AccessFileError(_stray(key))
    chats = data.get("chats", {})
    if not isinstance(chats, dict):
        raise AccessFileError("[chats] must be a table of \"CHAT_ID\" = [\"collection\", ...]")
    table: Table = {}
    for key, names in chats.items():
        try:
            chat_id = int(str(key).strip())
        except ValueError:
            raise AccessFileError(f"not a chat id: {key!r}") from None
        if isinstance(names, str):
            names = [names]
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise AccessFileError(f"chat {key}: give a list of collection names")
        cleaned = {n.strip() for n in names if n.strip()}
        if cleaned:
            table[chat_id] = EVERYTHING if ALL in cleaned else ChatAccess(frozenset(cleaned))
    return table


def _stray(key: str) -> str:
    """Why a key outside [chats] is refused: a misspelt table (``[chat]``) or chat lines
    above the ``[chats]`` line gave every chat of the file no access, with no word."""
    try:
        int(key.strip())
    except ValueError:
        return (f"unknown table or key {key!r}: the file holds one table, [chats] "
                "(\"CHAT_ID\" = [\"collection\", ...])")
    return f"chat {key} is not under the [chats] line: put a [chats] line above the chats"


def unknown_collections(table: Table, known: frozenset[str]) -> dict[int, list[str]]:
    """The collections each chat is given that hold no indexed contract (a typo such as
    ``custmer-a`` leaves that chat an empty library, with no word anywhere else)."""
    out: dict[int, list[str]] = {}
    for chat_id, found in table.items():
        missing = sorted((found.collections or frozenset()) - known)
        if missing:
            out[chat_id] = missing
    return out


class AccessFile:
    """The access file, parsed again when what it holds changes; a chat it limits that is
    also in ``allow_list`` (CONTRACTBOT_ALLOWED_CHATS, which wins), or the private chat of one
    of ``admins`` (who read everything there), is logged, and so is a collection it names that
    ``known`` (the indexed collections) lacks."""

    def __init__(self, path: Path | None, *, allow_list: frozenset[int] = frozenset(),
                 admins: frozenset[int] = frozenset(),
                 known: Callable[[], frozenset[str] | None] | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 wall: Callable[[], float] = time.time) -> None:
        self.path = path
        self.allow_list = allow_list
        self.admins = admins
        self.known = known
        self._clock = clock
        self._wall = wall  # the clock the file system stamps files with
        self._gone_since: float | None = None  # when the file was first found missing
        self._content: bytes | None = None  # what the file held when last read
        self._stamp: Stamp | None = None  # its stat then, None: read it at the next check
        self._table: Table = {}
        if path is not None:
            try:
                content = self._read()
            except OSError as err:  # a missing or unreadable file at start is an error
                raise AccessFileError(f"{path}: {err.strerror or err}") from None
            self._content = content
            self._table = self._parse(content)

    def _parse(self, content: bytes) -> Table:
        """The table ``content`` gives, with the warnings it calls for; AccessFileError
        naming the file when it is not UTF-8 TOML of the expected shape."""
        try:
            table = parse_access(content.decode("utf-8"))
        except UnicodeDecodeError:
            raise AccessFileError(f"{self.path}: not UTF-8 text (save it as UTF-8)") from None
        except AccessFileError as err:
            raise AccessFileError(f"{self.path}: {err}") from None
        for chat_id, found in table.items():
            if found.collections is None:
                continue
            if chat_id in self.allow_list:
                log.warning("chat %s is in CONTRACTBOT_ALLOWED_CHATS, so it reads every "
                            "collection, not only %s as %s says; take it out of one of them",
                            chat_id, ", ".join(sorted(found.collections)), self.path)
            elif chat_id in self.admins:
                log.warning("user %s is in CONTRACTBOT_ADMINS, so their private chat reads "
                            "every collection, not only %s as %s says (groups they are in "
                            "read what the file gives those)", chat_id,
                            ", ".join(sorted(found.collections)), self.path)
        self.check_collections(table)
        return table

    def check_collections(self, table: Table | None = None) -> None:
        """Log each collection the table gives a chat that holds no indexed contract; quiet
        while nothing is known (the index is opened after the file is first read)."""
        known = self.known() if self.known is not None else None
        if known is None:
            return
        for chat_id, missing in unknown_collections(table or self._table, known).items():
            log.warning("%s gives chat %s collection %s, which holds no indexed contract "
                        "(indexed: %s): that chat finds nothing there", self.path, chat_id,
                        ", ".join(missing), ", ".join(sorted(known)) or "none")

    def _read(self) -> bytes:
        """The file's content, and its stat kept when that stat will tell the next change (its
        last change is more than ``RACY`` seconds old)."""
        assert self.path is not None
        now = self._wall()
        before = self.path.stat()
        content = self.path.read_bytes()
        stamp = _stamp(before)
        changed = max(before.st_mtime_ns, before.st_ctime_ns) / 1e9
        self._stamp = stamp if changed < now - RACY and _stamp(self.path.stat()) == stamp \
            else None
        return content

    def _content_now(self) -> bytes | None:
        """What the file holds now (read only when its stat says it may have changed); None
        when it is not there. A file there that cannot be read (its permissions) counts as
        unchanged."""
        assert self.path is not None
        try:
            if self._stamp is not None and _stamp(self.path.stat()) == self._stamp:
                return self._content
            return self._read()
        except (FileNotFoundError, NotADirectoryError):
            self._stamp = None
            return None
        except OSError as err:
            self._stamp = None
            log.debug("access file %s not read: %s", self.path, err)
            return self._content

    def table(self) -> Table:
        """The chats table in force (the file is stat'ed on every call, read when that says
        it may have changed, and parsed when what it holds changed); empty while the file is
        gone: its chats lose access rather than keep a table nobody can see or change any
        more."""
        if self.path is None:
            return self._table
        content = self._content_now()
        if content is None and self._content is not None:  # gone: an editor's rename?
            now = self._clock()
            if self._gone_since is None:
                self._gone_since = now
            if now - self._gone_since < GONE_GRACE:
                return self._table
        self._gone_since = None if content is not None else self._gone_since
        if content is None:
            if self._content is not None or self._table:
                log.warning("access file %s is gone: the %d chats it listed have no access "
                            "until it is back", self.path, len(self._table))
            self._content, self._table = None, {}
            return self._table
        if content != self._content:
            self._content = content  # a broken version is logged once, not on every call
            try:
                self._table = self._parse(content)
                log.info("access file %s read: %d chats", self.path, len(self._table))
            except AccessFileError as err:
                log.error("%s; keeping the previous access table", err)
        return self._table


def _stamp(st: os.stat_result) -> Stamp:
    """What a stat says of a file that changes when it is written, replaced or touched."""
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def chat_access(settings: Settings, access: AccessFile | None, chat_id: int, *,
                user_id: int | None = None) -> ChatAccess | None:
    """What the chat may read, or None when it may not ask at all."""
    if chat_id in settings.allowed_chats:
        return EVERYTHING
    if user_id is not None and user_id in settings.admins and chat_id == user_id:
        return EVERYTHING
    return access.table().get(chat_id) if access is not None else None


def is_admin(settings: Settings, user_id: int | None) -> bool:
    """True when ``user_id`` is one of CONTRACTBOT_ADMINS."""
    return user_id is not None and user_id in settings.admins
