"""The bot's typed state: BotState as bot_data, ChatData per chat, and the handlers' Ctx type.

python-telegram-bot makes both with no arguments (ContextTypes); build_application and
post_init fill in BotState's fields.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from index import (
    BuildReport,
    EncoderMismatchError,
    IndexDamagedError,
    ModelChangedError,
    Revision,
    Script,
    Searcher,
    SearchResult,
    key_stem,
)

from .access import AccessFile
from .albums import Albums
from .answering import Answering
from .building import index_build
from .examples import ExampleBook
from .feedback import QuestionLog
from .placements import Placements
from .ratelimit import QuestionRate
from .rebuilds import Rebuilds
from .settings import Settings
from .uploads import UploadBook

if TYPE_CHECKING:
    from .removing import Removal

log = logging.getLogger(__name__)
MAX_MORE_PAGES = 20  # 更多 pages kept per chat; the oldest is dropped first


class Builder(Protocol):
    """Builds the index at ``index_dir`` from ``sources`` (None: the ones it remembers)."""

    def __call__(self, sources: Sequence[Path] | None, index_dir: Path, *,
                 replace: bool = False) -> BuildReport: ...


MAX_VOTES = 50  # answers per chat whose 👍/👎 buttons still record a vote
MAX_ANSWERS = 50  # questions per chat whose answer is edited when the question is
MAX_QUOTED = 200  # answer messages per chat whose first clause a reply under them points at
MAX_QUOTED_TOPICS = 50  # forum topics per chat whose last answer a bare follow-up points at
# pairs of files per chat it remembers being told of (bot/reindexing.py); a chat whose
# collections hold more hears of the oldest again
MAX_TOLD_PAIRS = 200
PAIR_KEY_BYTES = 8
# contracts per chat whose leaving the index its next answer says (bot/departures.py); of a
# chat that reads more, the first listed
MAX_KNOWN = 200


def pair_key(pair: Revision) -> str:
    """What a chat remembers of a pair of files it was told of: a short digest of their two
    source paths, so that the state kept on disk (chats.json) holds no server path."""
    both = f"{pair.first}\0{pair.second}".encode("utf-8", "surrogateescape")
    return hashlib.blake2b(both, digest_size=PAIR_KEY_BYTES).hexdigest()


@dataclass(eq=False)
class BotState:
    """What every handler shares. ``settings``, ``build`` and ``access`` are set by
    build_application, ``searcher`` by post_init; reading one before that raises
    AttributeError. ``log`` is opened by post_init, and is None when the question log is off."""

    settings: Settings = field(init=False)
    build: Builder = field(init=False, repr=False)
    searcher: Searcher = field(init=False, repr=False)
    access: AccessFile = field(init=False, repr=False)
    log: QuestionLog | None = field(default=None, repr=False)
    reload_lock: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False)
    question_rate: QuestionRate = field(default_factory=lambda: QuestionRate(0), repr=False)
    rebuilds: Rebuilds = field(default_factory=Rebuilds, repr=False)
    uploads: UploadBook = field(default_factory=UploadBook, repr=False)
    removals: dict[str, Removal] = field(default_factory=dict, repr=False)  # /remove, by token
    placements: Placements = field(default_factory=Placements, repr=False)
    albums: Albums = field(default_factory=Albums, repr=False)
    answering: Answering = field(default_factory=Answering, repr=False)
    examples: ExampleBook = field(default_factory=ExampleBook, repr=False)  # per generation
    stopping: threading.Event = field(default_factory=threading.Event, repr=False)
    refresh_error: str | None = field(default=None, repr=False)  # last one logged
    conflict_logged: float | None = field(default=None, repr=False)  # monotonic time

    async def live_searcher(self) -> Searcher:
        """The searcher of the live index generation: a rebuilt index is opened as a new
        Searcher and swapped in, so searches running in threads never see a half-loaded one.
        One this bot cannot open (built with another encoder, damaged, or by another user) is
        not: the bot goes on answering from the generation it has and logs why once."""
        async with self.reload_lock:
            try:
                searcher = await asyncio.to_thread(self.searcher.refreshed)
            except (EncoderMismatchError, IndexDamagedError, PermissionError) as err:
                if str(err) != self.refresh_error:
                    self.refresh_error = str(err)
                    log.error("still answering from index generation %s: %s",
                              self.searcher.generation or "(none: no index yet)",
                              _advice(err, self.searcher.index_dir))
                return self.searcher
            self.refresh_error = None
            if searcher is not self.searcher:
                self.searcher = searcher
                log.info("switched to index generation %s", searcher.generation)
            return searcher


def _advice(err: EncoderMismatchError | IndexDamagedError | PermissionError,
            index_dir: Path) -> str:
    """Why the live index cannot be switched to, and what the admin can do (the build names
    the bot's index: the shell that reads the log may not have the bot's settings)."""
    if isinstance(err, PermissionError):  # built by another user (root)
        return (f"cannot read {err.filename} ({err.strerror}): give the index folder to the "
                "bot's user (chown -R), and build as that user")
    if isinstance(err, ModelChangedError):  # it holds the model as it was when it started
        return (f"the index was rebuilt with the files of the model {err.built_with} as they "
                "are now, not as this bot loaded them; restart it to load them")
    if isinstance(err, EncoderMismatchError):
        return (f"the index was rebuilt with encoder {err.built_with}, which this bot does not "
                f"use; restart it with CONTRACTBOT_EMBED_MODEL={err.built_with}")
    return f"{err}; rebuild it: {index_build(index_dir)()}"


class MorePage(NamedTuple):
    """Hits ``offset:offset+size`` of a search result, shown in ``script``; ``unsure``: the
    closest clauses of a question none of them seemed to answer, shown on request."""

    result: SearchResult
    offset: int
    size: int
    script: Script
    unsure: bool = False


class Quoted(NamedTuple):
    """The clause an answer quoted first (contract key, clause number, chapter), which a
    follow-up such as 这条是什么意思 points at; ``several``: the answer quoted more (one of
    a /clause's clauses in several contracts, each contract's first, is ``several`` too: a
    follow-up to it is asked which contract's in the words of a reply, not of a /compare)."""

    contract: str
    clause: str
    chapter: str | None
    several: bool = False


Pointed = tuple[Quoted, ...]
"""What a follow-up to an answer points at: its clause, or one clause per contract (a
/compare), or nothing (a refusal, a clause not found)."""


class Asked(NamedTuple):
    """The question a topic last searched (as asked, or as a follow-up such as 那房东呢 carried
    it), when it was sent (seconds since the epoch), and the contract a follow-up limited it
    to (那模板二呢: its key): what the next such follow-up carries."""

    question: str
    at: float
    contract: str | None = None


class Voted(NamedTuple):
    """What a 👍/👎 under an answer records: the question and the clauses it cited."""

    question: str
    clauses: tuple[str, ...]


@dataclass
class UserData:
    """One user's state: the script they last asked in (for replies to bare commands);
    ``named``: it is only that of a contract name they copied (/use 房屋租賃契約書), which
    their own words, their Telegram language and the next name come before."""

    script: Script | None = None
    named: bool = False


@dataclass
class ChatData:
    """One chat's state: the /use scope of the chat and of each forum topic, the 更多 pages
    not yet asked for, the answers that can still be voted on, by key, the messages that
    answered recent questions, by the question's message id, and the clause each recent
    answer quoted first, by its messages and (the last one) by topic, and the pairs of files
    it was told look like two versions of one contract, the script each topic last asked in
    (for a member whose own words show none), and the contracts it read at its last answer
    (to say which left since); the newest of the last five are kept on disk too
    (bot/persistence.py); and the question each topic last searched and each recent answer
    answered (not kept on disk)."""

    scopes: dict[int | None, str] = field(default_factory=dict)  # topic id (None: the chat)
    pages: dict[str, MorePage] = field(default_factory=dict)
    taken: dict[str, None] = field(default_factory=dict)  # keys of pages already shown
    votes: dict[str, Voted] = field(default_factory=dict)
    answers: dict[int, tuple[int, ...]] = field(default_factory=dict)
    quoted: dict[int, Pointed] = field(default_factory=dict)  # by the answer's message ids
    last_quoted: dict[int | None, Pointed] = field(default_factory=dict)  # by topic
    # the topics whose /use contract was found gone, until a reply there says so
    lapsed: set[int | None] = field(default_factory=set)
    # the pairs of files that look like two versions of one contract this chat's /reindex
    # replies (of those the index held then) and upload replies named, by ``pair_key``,
    # oldest first (bot/reindexing.py)
    told_pairs: tuple[str, ...] = ()
    # the script each topic (None: the chat outside topics) was last asked in, the newest last
    scripts: dict[int | None, Script] = field(default_factory=dict)
    # the contracts it read at its last answer, collection/stem → title (bot/departures.py)
    known: dict[str, str] = field(default_factory=dict)
    # the question each topic last searched, for a follow-up 那房东呢 (bot/carrying.py), and
    # the question each recent answer's messages answered, for one sent as a reply to it;
    # in memory only: chats.json keeps no question text
    asked: dict[int | None, Asked] = field(default_factory=dict)
    answered: dict[int, Asked] = field(default_factory=dict)  # by the answer's message ids

    def heard(self, topic: int | None, script: Script) -> None:
        """``topic`` was just asked in ``script`` (the oldest topics go first)."""
        self.scripts.pop(topic, None)
        self.scripts[topic] = script
        while len(self.scripts) > MAX_QUOTED_TOPICS:
            self.scripts.pop(next(iter(self.scripts)))

    def spoken(self, topic: int | None) -> Script | None:
        """The script ``topic`` was last asked in, else the chat's last anywhere; None when
        nobody's words here showed one yet."""
        return self.scripts.get(topic) or next(reversed(self.scripts.values()), None)

    def scope(self, topic: int | None) -> str | None:
        """The contract /use limits ``topic`` (None: the chat outside topics) to, if any."""
        return self.scopes.get(topic)

    def set_scope(self, topic: int | None, contract: str | None) -> None:
        """Limit ``topic`` to ``contract`` (None: every contract again)."""
        self.lapsed.discard(topic)  # a /use since a scope lapsed: that one is not news
        if contract is None:
            self.scopes.pop(topic, None)
        else:
            self.scopes[topic] = contract

    def drop_scope(self, topic: int | None) -> None:
        """``topic``'s /use contract is gone: every contract again, and the next reply there
        says so (``lapsed``)."""
        if (scope := self.scopes.pop(topic, None)) is not None:
            self.lapsed.add(topic)
            self.forget_known([key_stem(scope)])  # said, unnamed, by the lapsed note

    def keep_answer(self, question: int, messages: tuple[int, ...]) -> None:
        """Remember the messages that answer the question ``question`` (the oldest go first)."""
        self.answers.pop(question, None)
        self.answers[question] = messages
        while len(self.answers) > MAX_ANSWERS:
            self.answers.pop(next(iter(self.answers)))

    def add_to_answer(self, answer: int, messages: tuple[int, ...]) -> None:
        """Count ``messages`` (a 更多 page under message ``answer``) as part of the answer that
        holds ``answer``, so that editing its question replaces them too."""
        for question, sent in self.answers.items():
            if answer in sent:
                self.answers[question] = sent + messages
                return

    def keep_quoted(self, topic: int | None, messages: tuple[int, ...],
                    quoted: Pointed) -> None:
        """Remember what the answer sent as ``messages`` in ``topic`` quoted first (the
        oldest answers and topics go first); nothing (a refusal, an edited question now
        refused) leaves the topic and those messages with no clause to point back at."""
        self.last_quoted.pop(topic, None)
        if quoted:
            self.last_quoted[topic] = quoted
        for message in messages:
            self.quoted.pop(message, None)
            if quoted:
                self.quoted[message] = quoted
        while len(self.quoted) > MAX_QUOTED:
            self.quoted.pop(next(iter(self.quoted)))
        while len(self.last_quoted) > MAX_QUOTED_TOPICS:
            self.last_quoted.pop(next(iter(self.last_quoted)))

    def keep_asked(self, topic: int | None, asked: Asked) -> None:
        """Remember the question ``topic`` just searched (the oldest topics go first)."""
        self.asked.pop(topic, None)
        self.asked[topic] = asked
        while len(self.asked) > MAX_QUOTED_TOPICS:
            self.asked.pop(next(iter(self.asked)))

    def keep_answered(self, messages: tuple[int, ...], asked: Asked | None) -> None:
        """Remember that the answer sent as ``messages`` answered ``asked`` (the oldest
        answers go first); None (no search: a greeting, an edited question now one) leaves
        those messages with no question to carry."""
        for message in messages:
            self.answered.pop(message, None)
            if asked is not None:
                self.answered[message] = asked
        while len(self.answered) > MAX_QUOTED:
            self.answered.pop(next(iter(self.answered)))

    def mark_told(self, pair: Revision) -> None:
        """Remember that this chat was told of ``pair`` (an upload's reply named it), so that
        its next /reindex does not name it again."""
        key = pair_key(pair)
        self.told_pairs = (*(k for k in self.told_pairs if k != key), key)[-MAX_TOLD_PAIRS:]

    def news_of(self, held: Sequence[Revision]) -> tuple[Revision, ...]:
        """Of the pairs the index holds now in this chat's collections (``held``), those it was
        not told of; from now on it remembers these only, so a pair gone and back is news
        again."""
        told = set(self.told_pairs)
        keys = [pair_key(r) for r in held]
        now = set(keys)
        self.told_pairs = (*(k for k in self.told_pairs if k in now),
                           *dict.fromkeys(k for k in keys if k not in told))[-MAX_TOLD_PAIRS:]
        return tuple(r for r, k in zip(held, keys, strict=True) if k not in told)

    def gone_from(self, now: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
        """Of the contracts this chat read at its last answer, those not among ``now`` (its
        contracts now, as ``collection/stem`` and title), as (name, title); from now on it
        knows ``now`` (the first ``MAX_KNOWN``), so each is said once."""
        names = {name for name, _ in now}
        gone = [(name, title) for name, title in self.known.items() if name not in names]
        self.known = dict(list(dict(now).items())[:MAX_KNOWN])
        return gone

    def forget_known(self, stems: Sequence[str]) -> None:
        """This chat was told that the contracts of the file stems ``stems`` left (a /reindex
        or /remove reply named them, or a lapsed /use): its next answer does not say so
        again."""
        told = set(stems)
        self.known = {n: t for n, t in self.known.items() if key_stem(n) not in told}

    def keep_vote(self, key: str, voted: Voted) -> None:
        """Remember what the answer with buttons keyed ``key`` cited (the oldest go first)."""
        self.votes[key] = voted
        while len(self.votes) > MAX_VOTES:
            self.votes.pop(next(iter(self.votes)))

    def keep(self, page: MorePage) -> str:
        """Store ``page`` under a new random key (for the button's callback data) and return
        the key: a counter would start again after a restart, and an old 更多 button would
        then show the next hits of a newer question."""
        key = secrets.token_hex(4)
        while key in self.pages:
            key = secrets.token_hex(4)
        self.pages[key] = page
        if len(self.pages) > MAX_MORE_PAGES:
            self.pages.pop(next(iter(self.pages)))
        return key

    def take(self, key: str) -> MorePage | None:
        """The page stored under ``key``, removed; None when unknown or already taken."""
        page = self.pages.pop(key, None)
        if page is not None:
            self.taken[key] = None
            while len(self.taken) > MAX_MORE_PAGES:
                self.taken.pop(next(iter(self.taken)))
        return page

    def was_taken(self, key: str) -> bool:
        """Whether the page of ``key`` was taken already (its button pressed twice), as far
        as the last ``MAX_MORE_PAGES`` taken pages go."""
        return key in self.taken


CONTEXT_TYPES = ContextTypes(bot_data=BotState, chat_data=ChatData, user_data=UserData)
Ctx = CallbackContext[ExtBot[Any], UserData, ChatData, BotState]
BotApp = Application[ExtBot[Any], Ctx, UserData, ChatData, BotState, Any]
