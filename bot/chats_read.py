"""Which collections each chat the settings let ask reads, for ``contractbot index status``: the
access file's table, CONTRACTBOT_ALLOWED_CHATS (every collection; it wins over the file) and
the admins' private chats, so that the operator of one bot for several customers sees what
each group reads, and a collection that holds nothing, without starting the bot."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .access import AccessFileError, Table, parse_access
from .settings import Settings

BY_LIST, BY_FILE, BY_ADMIN = "CONTRACTBOT_ALLOWED_CHATS", "CONTRACTBOT_ACCESS_FILE", \
    "CONTRACTBOT_ADMINS"


@dataclass(frozen=True)
class ChatReads:
    """One chat that may ask: its collections (None: every one), the setting that lets it,
    how many indexed contracts it reaches and the collections it is given that hold none."""

    chat: int
    collections: tuple[str, ...] | None
    by: str
    contracts: int
    empty: tuple[str, ...] = ()

    def as_json(self) -> dict[str, object]:
        """The record for ``index status --json``."""
        return {"chat": self.chat, "collections": list(self.collections)
                if self.collections is not None else None, "by": self.by,
                "contracts": self.contracts, "empty": list(self.empty)}


def access_table(settings: Settings) -> Table:
    """The access file's table (empty when none is set); AccessFileError, naming the file,
    when it cannot be read or has another shape (serve would not start on it)."""
    path = settings.access_file
    if path is None:
        return {}
    try:
        return parse_access(path.read_bytes().decode("utf-8"))
    except OSError as err:
        raise AccessFileError(f"{path}: {err.strerror or err}") from None
    except UnicodeDecodeError:
        raise AccessFileError(f"{path}: not UTF-8 text (save it as UTF-8)") from None
    except AccessFileError as err:
        raise AccessFileError(f"{path}: {err}") from None


def chats_read(settings: Settings, table: Table, counts: Mapping[str, int]) -> list[ChatReads]:
    """Each chat that may ask, as ``chat_access`` decides, with what it reaches among the
    indexed collections (``counts``: contracts per collection): the allow list's chats, then
    the file's, then the admins' private chats not already listed."""
    every = sum(counts.values())
    rows = [ChatReads(chat, None, BY_LIST, every) for chat in sorted(settings.allowed_chats)]
    for chat, access in sorted(table.items()):
        if chat in settings.allowed_chats or chat in settings.admins:
            continue  # the allow list wins (the bot logs the conflict), and so does an admin
            # in their own private chat (a group's id is never a user's)
        if access.collections is None:
            rows.append(ChatReads(chat, None, BY_FILE, every))
            continue
        names = tuple(sorted(access.collections))
        rows.append(ChatReads(chat, names, BY_FILE, sum(counts.get(n, 0) for n in names),
                              tuple(n for n in names if not counts.get(n))))
    listed = {row.chat for row in rows}
    rows += [ChatReads(admin, None, BY_ADMIN, every) for admin in sorted(settings.admins)
             if admin not in listed]
    return rows


def chat_lines(rows: list[ChatReads]) -> list[str]:
    """``index status``'s lines for ``rows``, one a chat."""
    width = max((len(str(row.chat)) for row in rows), default=0)
    lines = []
    for row in rows:
        reads = ", ".join(row.collections) if row.collections is not None else "every collection"
        if row.by == BY_ADMIN:
            reads += " (in private)"
        count = f"{row.contracts} contract{'s' if row.contracts != 1 else ''}"
        empty = "".join(f"; {name} holds no indexed contract" for name in row.empty)
        lines.append(f"  {row.chat:<{width}}  {reads}  ({count}{empty}; {row.by})")
    return lines
