"""The examples the bot's words give (a question, a /clause number, a /compare topic), taken
from the contracts the asking chat reads: a group that reads only leases is not told to ask
about 乙方响应时间 nor to try a /clause 7.2 none of its contracts has.

The picker is pure: it reads clause trees and gives the same examples for the same library
(``library_examples`` reads them from a searcher, for the bot and the CLI)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

from index import (
    CN_NUM,
    HAN,
    Clause,
    ContractInfo,
    Script,
    Searcher,
    party_words,
    to_script,
    to_simplified,
)

from . import texts

# A clause's heading as its text opens when it has no title: 租赁期限：…, ※服务内容：…
_LABEL = re.compile(rf"[※*\s]*([{HAN}]{{2,10}})\s*[：:︰]")
_HEADING = re.compile(rf"[{HAN}、和及与]{{2,10}}")  # a heading a question can be built from
# A clause number a question can cite as it is (第三条是怎么规定的, 7.2是怎么规定的), and one
# it cites as 第X条 (五、 → 第五条是怎么规定的, which finds 五)
_CITED = re.compile(rf"第[{HAN}\d]+[条條]|\d+(?:\.\d+)+")
_BARE = re.compile(rf"{CN_NUM}|\d+")
# Headings that make no question (其他是怎么规定的) or only define words: passed over.
# A party's name (甲方, 出租人: its definition) and a heading that only leads into a list
# (费用如下) make none either.
_PASSED_OVER = re.compile(r"定义|释义|解释|术语|其[他它]|(?:如下|以下)$"
                          r"|^(?:总则|附则|鉴于|前言|引言|序言|说明|签署|签字|附件.*|特约事项"
                          r"|通则|一般规定)$")
_DEFINITIONS = re.compile(r"定义|释义|术语")  # a chapter of them: its labels are words defined
_PARTY_NAMES = party_words({})  # the designators and role names alone


@dataclass(frozen=True)
class Examples:
    """What the bot's words show as examples: ``question`` (in its contract's script, or
    the bot's when it is not one), the argument of a /clause (a number, with the contract's
    number in /contracts when the chat reads several), the ``chapter`` /clause may quote too
    (None: no chapter to show) and the /compare ``topic`` (None: none that two contracts
    share)."""

    question: str
    clause: str
    chapter: str | None = None
    topic: str | None = None


DEFAULT_EXAMPLES = Examples(texts.DEFAULT_QUESTION, texts.DEFAULT_CLAUSE,
                            texts.DEFAULT_CHAPTER, texts.DEFAULT_TOPIC)
"""The examples of the bundled samples: said where no contract is known (no index yet, a
chat that reads nothing, a chat that may not ask)."""


Library = tuple[frozenset[str] | None, str | None]  # (collections, /use contract)
MAX_LIBRARIES = 256  # libraries whose examples one generation keeps; the oldest go first


class ExampleBook:
    """The examples picked for each library of one index generation; a new generation
    forgets those of the last."""

    def __init__(self) -> None:
        self.generation: str | None = None
        self._picked: dict[Library, Examples] = {}

    def get(self, generation: str, library: Library) -> Examples | None:
        """The examples picked for ``library`` in ``generation``, if they were."""
        return self._picked.get(library) if generation == self.generation else None

    def keep(self, generation: str, library: Library, examples: Examples) -> None:
        """Remember ``examples`` of ``library`` in ``generation``."""
        if generation != self.generation:
            self.generation, self._picked = generation, {}
        self._picked[library] = examples
        while len(self._picked) > MAX_LIBRARIES:
            self._picked.pop(next(iter(self._picked)))


def clause_heading(clause: Clause) -> str | None:
    """The heading of ``clause`` a question can be built from: its title, else the label its
    text opens with (租赁期限：…); None when it has neither, or only one that makes no
    question (其他, 定义与解释)."""
    heading = (clause.title or "").strip()
    if not heading and (label := _LABEL.match(clause.text)) is not None:
        heading = label.group(1)
    simple = to_simplified(heading)
    if not _HEADING.fullmatch(heading) or _PASSED_OVER.search(simple) or simple in _PARTY_NAMES:
        return None
    return heading


def _headed(clauses: Iterable[Clause]) -> list[tuple[Clause, str]]:
    """The clauses with a heading (``clause_heading``), in document order, but for those of
    a chapter of definitions (在线客服系统：指…, a word defined, not a topic)."""
    return [(c, h) for c in clauses if (h := clause_heading(c)) is not None
            and not any(ch.isspace() for ch in c.clause)
            and not _DEFINITIONS.search(to_simplified(c.chapter_title or ""))]


def _shared_topic(by_key: dict[str, list[tuple[Clause, str]]]) -> str | None:
    """The heading most contracts have (two at least), as the first contract by key to have
    it writes it; of as many, the one met first."""
    count: dict[str, int] = {}  # simplified heading → contracts that have it, in order met
    written: dict[str, str] = {}
    for key in sorted(by_key):
        for _, heading in by_key[key]:
            written.setdefault(to_simplified(heading), heading)
        for simple in dict.fromkeys(to_simplified(h) for _, h in by_key[key]):
            count[simple] = count.get(simple, 0) + 1
    shared = [simple for simple, n in count.items() if n >= 2]
    return written[max(shared, key=count.__getitem__)] if shared else None


def _shared_word(own: dict[str, list[Clause]]) -> str | None:
    """The first of ``texts.COMPARE_TOPICS`` the text of two contracts or more has."""
    whole = [to_simplified("".join(c.text for c in found)) for found in own.values()]
    return next((word for word in texts.COMPARE_TOPICS
                 if sum(word in text for text in whole) >= 2), None)


def _topical(heading: str) -> bool:
    """Whether ``heading`` speaks of one of the common topics (租金, 违约责任, 合同期限): what
    most users ask of, so the question example is one they would ask."""
    simple = to_simplified(heading)
    return any(word in simple for word in texts.COMPARE_TOPICS)


def pick_examples(contracts: Sequence[ContractInfo], clauses: Iterable[Clause]) -> Examples:
    """The examples of the library ``contracts`` (as /contracts lists them, numbered from 1)
    and their ``clauses``: the first heading, by contract key and then in the contract's
    order, that speaks of a common topic (else the first heading) gives the question (违约责任
    → 违约责任是怎么规定的) and the /clause number (that clause; with no heading anywhere,
    the first clause of a chapter on a common topic, else past the definitions, asked of by
    its number); the heading most contracts share, else a
    common topic two of them speak of, the /compare topic. The same library gives the same
    examples. No contract: ``DEFAULT_EXAMPLES``."""
    if not contracts:
        return DEFAULT_EXAMPLES
    number = {c.key: n for n, c in enumerate(contracts, 1)}
    own: dict[str, list[Clause]] = {c.key: [] for c in contracts}
    for clause in clauses:
        if clause.contract in own:
            own[clause.contract].append(clause)
    by_key = {key: _headed(found) for key, found in own.items()}
    topic = _shared_topic(by_key) or _shared_word(own)
    keys = sorted(own)
    headed = [pair for key in keys for pair in by_key[key]]
    picked = next((pair for pair in headed if _topical(pair[1])), None) or \
        next(iter(headed), None)
    if picked is None:  # no heading anywhere: a real number still, asked of by its number
        numbered = [c for key in keys for c in own[key]
                    if not any(ch.isspace() for ch in c.clause)]
        first = next((c for c in numbered if _topical(c.chapter_title or "")), None) or \
            next((c for c in numbered
                  if not _DEFINITIONS.search(to_simplified(c.chapter_title or ""))), None) or \
            next(iter(numbered), None)
        if first is None:
            return DEFAULT_EXAMPLES
        clause = first
        cited = cited_number(first.clause)
        question = texts.DEFAULT_QUESTION if cited is None \
            else texts.EXAMPLE_QUESTION.format(heading=cited)
    else:
        clause, heading = picked
        question = texts.EXAMPLE_QUESTION.format(heading=heading)
    which = f" {number[clause.contract]}" if len(contracts) > 1 else ""
    chapter = f"{clause.chapter}{which}" if clause.chapter and " " not in clause.chapter \
        else None
    return Examples(question, f"{clause.clause}{which}", chapter, topic)


def library_examples(searcher: Searcher, library: Library) -> Examples:
    """The examples of ``library`` in ``searcher``'s generation (every clause is read: in the
    bot, run it in a thread)."""
    collections, scope = library
    infos = searcher.contracts(collections=collections)
    if scope is not None:
        infos = [c for c in infos if c.key == scope]
    keys = {c.key for c in infos}
    return pick_examples(infos, (c for c in searcher.all_clauses() if c.contract in keys))


def cited_number(clause: str) -> str | None:
    """The example /clause argument ``clause`` (第二条 1, 4.2) as a question cites its number
    (第二条, 4.2; 五 → 第五条), None when a question cannot cite it so."""
    number = clause.split(" ", 1)[0]
    if _CITED.fullmatch(number):
        return number
    return f"第{number}条" if _BARE.fullmatch(number) else None


def example_values(examples: Examples, script: Script) -> dict[str, str]:
    """The values the bot's words take for their examples (``question``, ``clause``,
    ``chapter``, ``compare``, ``cited``), in ``script`` and ready for HTML."""
    chapter = texts.say(texts.CHAPTER_EXAMPLE, script,
                        chapter=escape(to_script(examples.chapter, script))) \
        if examples.chapter else ""
    compare = texts.say(texts.COMPARE_EXAMPLE, script,
                        topic=escape(to_script(examples.topic, script))) \
        if examples.topic else ""
    number = cited_number(examples.clause)
    cited = texts.say(texts.CITED_EXAMPLE, script,
                      number=escape(to_script(number, script))) if number else ""
    return {"question": escape(to_script(examples.question, script)),
            "clause": escape(to_script(examples.clause, script)),
            "chapter": chapter, "compare": compare, "cited": cited}
