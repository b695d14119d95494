"""Which collection an upload's caption names. An existing one however it is written (客戶甲
for 客户甲, full-width letters, another case) is that one; a name no collection has is made
a new collection folder at once only when a chat would read it (the access file gives it to a
chat, or a chat reads every collection); else the admin is shown the collections and which
chats read them, and a new one is made only when they confirm it (a typo, or a name in the
other script, would otherwise file a contract that no group ever sees). No caption is the
default collection, asked about alike when the access file gives chats other collections and
none reads it (the collection's name forgotten)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from index import DEFAULT_COLLECTION, Script, normalize_text

from . import texts
from .access import Table
from .shortlists import shortlist
from .state import BotState

_COLLECTION = re.compile(r"[^\W][\w\-]{0,63}")
LISTED = 20  # collections a question about a new one lists (the rest as 等)
READERS_LISTED = 3  # chats named for each of them


def split_caption(caption: str | None) -> tuple[str | None, str | None]:
    """A photo's caption as (collection, name): "customer-a/租赁合同" puts the photo named
    租赁合同 in collection customer-a; a caption without "/" names the photo only."""
    text = (caption or "").strip()
    collection, slash, name = text.partition("/")
    if not slash:
        return None, text or None
    return collection.strip(), name.strip() or None


def upload_folder(sources_dir: Path, caption: str | None) -> Path | None:
    """Where a document goes: the collection named in its caption (a folder below
    ``sources_dir``), ``sources_dir`` itself for none or "default"; None for a name that is
    not a plain folder name."""
    name = (caption or "").strip()
    if not name or name == DEFAULT_COLLECTION:
        return sources_dir
    return sources_dir / name if _COLLECTION.fullmatch(name) else None


def collection_key(name: str) -> str:
    """A collection name as captions are compared: width, script and case folded, so 客戶甲,
    客户甲 and ＣＵＳＴＯＭＥＲ－Ａ meet their collection's name."""
    return normalize_text(name).casefold()


@dataclass(frozen=True)
class Collections:
    """The collections an upload may name (``folders`` of the upload folder and the index's;
    those the access file gives chats), the chats given each by name (``readers``), and the
    chats that read every collection (``everyone``: CONTRACTBOT_ALLOWED_CHATS, ``"*"``)."""

    folders: frozenset[str]
    readers: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    everyone: frozenset[int] = frozenset()

    @property
    def names(self) -> list[str]:
        """Every collection but ``default``, sorted."""
        return sorted((self.folders | set(self.readers)) - {DEFAULT_COLLECTION})


def gather_collections(folders: Iterable[str], table: Table,
                       allowed: Iterable[int]) -> Collections:
    """The ``Collections`` of the upload folder's and the index's ``folders``, the access
    file's ``table`` and the chats ``allowed`` everything (CONTRACTBOT_ALLOWED_CHATS)."""
    readers: dict[str, list[int]] = {}
    everyone = set(allowed)
    for chat_id, access in table.items():
        if access.collections is None:
            everyone.add(chat_id)
            continue
        for name in access.collections:
            readers.setdefault(name, []).append(chat_id)
    return Collections(frozenset(folders), {n: tuple(sorted(c)) for n, c in readers.items()},
                       frozenset(everyone))


async def collections_now(state: BotState) -> Collections:
    """The collections an upload's caption may name: the upload folder's and the index's,
    and those the access file gives chats."""
    settings = state.settings
    searcher = await state.live_searcher()
    indexed = {c.collection for c in await asyncio.to_thread(searcher.contracts)}
    folders = await asyncio.to_thread(_folders, settings.sources_dir)
    return gather_collections(indexed | folders, state.access.table(), settings.allowed_chats)


def _folders(sources_dir: Path) -> set[str]:
    """The collection folders of the upload folder (hidden ones are not collections)."""
    try:
        return {p.name for p in sources_dir.iterdir()
                if p.is_dir() and not p.name.startswith(".")}
    except OSError:  # no upload folder yet
        return set()


@dataclass(frozen=True)
class Destination:
    """Where an upload goes: its collection's ``folder``, and whether that collection is
    ``new`` (no folder, no contract, no chat reads it: the admin confirms it first)."""

    folder: Path
    collection: str
    new: bool = False


def upload_destination(sources_dir: Path, named: str | None,
                       known: Collections) -> Destination | None:
    """The destination of an upload whose caption names collection ``named``: an existing
    collection written in either script, width or case is that one; None for a name that is
    not a plain folder name."""
    name = (named or "").strip()
    if not name:  # no caption: the default collection, asked about first when no group reads it
        return Destination(sources_dir, DEFAULT_COLLECTION, new=_unread_default(known))
    found = _existing(name, known)
    if found == DEFAULT_COLLECTION:
        return Destination(sources_dir, DEFAULT_COLLECTION)
    if found is not None and (found in known.folders or _COLLECTION.fullmatch(found)):
        return Destination(sources_dir / found, found)
    folder = upload_folder(sources_dir, name)
    if folder is None:
        return None
    return Destination(folder, name, new=not known.everyone)


def _unread_default(known: Collections) -> bool:
    """Whether an upload without a caption would file a contract that no group sees: the
    access file gives chats collections by name, neither they nor a chat that reads every
    collection read ``default``, and it holds no contract yet. A new version of a customer's
    contract sent without its collection's name was indexed there, beside the old one its
    group kept reading."""
    return (bool(known.readers) and not known.everyone
            and DEFAULT_COLLECTION not in known.readers and DEFAULT_COLLECTION not in known.folders)


def _existing(name: str, known: Collections) -> str | None:
    """The collection ``name`` is written for: itself when it exists, else the one collection
    whose folded name is its own (None for none, or several: customer-A beside customer-a)."""
    every = {*known.folders, *known.readers, DEFAULT_COLLECTION}
    if name in every:
        return name
    key = collection_key(name)
    found = [c for c in every if collection_key(c) == key]
    return found[0] if len(found) == 1 else None


def new_collection_text(place: Destination, known: Collections, *, name: str, title: str,
                        clauses: int, caption: str | None, script: Script) -> str:
    """The question an upload for a ``new`` collection gets (``name``, a contract ``title`` of
    ``clauses`` clauses): that no chat would read it, the collections there are and the chats
    that read each, how to send it to one of them (its ``caption`` again, that collection's
    name in place of the new one) and how to make the new one."""
    unnamed = not (caption or "").strip()  # the default collection, no name sent
    lines = [texts.say(texts.UPLOAD_UNREAD_DEFAULT if unnamed else texts.UPLOAD_NEW_COLLECTION,
                       script, collection=escape(place.collection), name=escape(name),
                       title=escape(title), clauses=clauses)]
    names = known.names
    if names:
        listed = [_with_readers(c, known.readers.get(c, ()), script) for c in names]
        example = next((c for c in names if known.readers.get(c)), names[0])
        if caption is not None and "/" in caption:  # a photo's "collection/name"
            example = f"{example}/{caption.partition('/')[2].strip()}"
        lines.append(texts.say(texts.UPLOAD_COLLECTIONS, script,
                               names=shortlist(listed, most=LISTED, script=script,
                                               counted=False),
                               count=len(names), example=escape(example)))
    else:
        lines.append(texts.say(texts.UPLOAD_NO_COLLECTIONS, script))
    lines.append(texts.say(texts.UPLOAD_CREATE_COLLECTION, script,
                           collection=escape(place.collection)))
    return "\n".join(lines)


def _with_readers(collection: str, readers: tuple[int, ...], script: Script) -> str:
    """A collection as the list of collections names it: with the chats that read it."""
    if not readers:
        return texts.say(texts.COLLECTION_UNREAD, script, collection=escape(collection))
    chats = shortlist([str(c) for c in readers], most=READERS_LISTED, script=script,
                      counted=False)
    return texts.say(texts.COLLECTION_READ_BY, script, collection=escape(collection),
                     chats=chats)
