"""A contract a chat could read that left the index since its last answer (its file deleted and
the index rebuilt by another group's /reindex, an admin's /remove, the operator's build) is
said once, on the chat's next answer, as the pairs of versions are: not a message to every
group, only a line where people are asking. Each chat remembers the contracts it read at its
last answer (``ChatData.known``, kept in chats.json, so a rebuild during a restart is said
too)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from index import (
    ContractInfo,
    QueryError,
    Script,
    Searcher,
    UnknownContractError,
    key_stem,
    to_script,
)

from . import texts
from .replies import chat_state
from .shortlists import shortlist
from .state import Ctx

GONE_NAMED = 5  # contracts a line names as gone; more are counted (…等 N 份)


def gone_note(context: Ctx, searcher: Searcher, infos: Sequence[ContractInfo],
              script: Script) -> str | None:
    """Once, the line that names the contracts this chat read at its last answer that are not
    among ``infos`` (the contracts it reads now) and that ``searcher``'s index no longer holds
    (one moved to another folder the chat reads is there still; one the access file no longer
    gives the chat is not news of the index, and as a contract of another collection is never
    named, neither is it); None when none left. A title another contract still has is told
    apart by its file's name."""
    left = chat_state(context).gone_from([(c.qualified, c.title) for c in infos])
    stems = {c.stem for c in infos}
    gone = [(name, title) for name, title in left
            if key_stem(name) not in stems and not _indexed(searcher, name)]
    if not gone:
        return None
    titles = {c.title for c in infos}
    names = [f"《{escape(to_script(title, script))}》"
             + (f"（{escape(key_stem(name))}）" if title in titles else "")
             for name, title in gone]
    return texts.say(texts.CONTRACTS_GONE, script,
                     names=shortlist(names, most=GONE_NAMED, script=script))


def _indexed(searcher: Searcher, name: str) -> bool:
    """Whether the index holds a contract ``name`` (``collection/stem``) names, in any
    collection (a set lookup, no clause counted)."""
    try:
        searcher.contract_named(name)
    except UnknownContractError:
        return False
    except QueryError:  # several: it is there
        return True
    return True
