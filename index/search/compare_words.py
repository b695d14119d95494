"""Which of a question's words a clause holds, as /compare judges that a contract has a clause
on a topic (``compare.py``); ranking and relevance read ``ranking.coverage`` and none of this.

A word is held when the clause's text or headings hold it, or one heading holds it in two
parts (合同期限 under 合同性质与期限, ``coverage``; not 合同 in the chapter 通用合同条款 and
期限 in the heading 日期和期限); when it begins with 合同 or 协议 and the clause says the rest
after the contract's own kind word (合同期限 as 委托期限 in a 委托合同, 租赁期限 in a 房屋租赁合同:
a compound with the question's head, 期限); or through a thesaurus synonym (its own, or those
of a word it begins with: 退还 as 返还 through ``退 > 退还 返还``; and when they all share its
last character, any two-character word ending in it: 归还) written as words of its own (not
著作权 inside 著作权法). 押金 = 保证金 holds in 租金及保证金 or 返还保证金, not in 质量保证金
where the contract names 质量保证金 in a heading, a compound of its own (a quality bond is
not a deposit), unless its first word is 合同 or the contract's own kind word (租赁保证金 in a
lease). Where the clause's headings hold the synonym, they decide, not its text: 15.3.3
headed 质量保证金的退还 is about the quality bond although its text says 返还保证金.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from ..store.tokenize import content_words, cut_words
from ..text import normalize_text
from .ranking import coverage
from .scope import DESIGNATORS

GENERIC = ("合同", "协议")  # what a question calls any contract (合同期限, 协议期限)
_BRACKETS = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")
_KIND_END = re.compile(rf"(?:{DESIGNATORS})$")


def kind_words(title: str) -> tuple[str, ...]:
    """What kind of contract ``title`` names, as its clauses say it: the title without its
    brackets and closing 合同/协议/契约书…, and each tail of its words of two characters or
    more (房屋租赁合同: 房屋租赁, 租赁; 商品房买卖合同（现售）: 商品房买卖, 买卖)."""
    stem = _KIND_END.sub("", _BRACKETS.sub("", normalize_text(title)).strip())
    words = content_words(stem)
    tails = ("".join(words[i:]) for i in range(len(words)))
    return tuple(dict.fromkeys(t for t in tails if len(t) >= 2))


def clause_share(words: Sequence[str], text: str, *, headings: Sequence[str],
                 synonyms: Mapping[str, Iterable[str]], kinds: Sequence[str],
                 terms: str = "") -> float:
    """Share of ``words`` a clause holds: ``text`` is what it is searched by (headings, its
    text, its sub-clauses), ``headings`` the titles above and of it, ``kinds`` its contract's
    ``kind_words``, ``terms`` all its contract's headings (where it names its own terms)."""
    if not words:
        return 0.0
    titles = " ".join(headings)
    found = sum(1 for w in words if w in text or in_kind(w, text, kinds)
                or any(stands(s, text, titles=titles, kinds=kinds, terms=terms)
                       for s in meanings(w, synonyms))
                or any(coverage([w], "", synonyms, titles=h) > 0 for h in headings)
                or same_head(w, text, meanings(w, synonyms)))
    return found / len(words)


def same_head(word: str, text: str, others: Sequence[str]) -> bool:
    """A word of two characters whose thesaurus words all end in its last character, that
    character carrying the meaning (退还, 返还: 还): held by any word of two characters ending
    in it (归还)."""
    if len(word) != 2 or not others or any(
            len(o) != 2 or o[-1] != word[-1] for o in others) or word[-1] not in text:
        return False
    return any(len(w) == 2 and w[-1] == word[-1] for w in cut_words(text))


def meanings(word: str, synonyms: Mapping[str, Iterable[str]]) -> list[str]:
    """The thesaurus's words for ``word``: its own synonyms, then those of the words it begins
    with that are as long as it, words in its place rather than one of its parts (退还 begins
    with 退, ``退 > 退还 返还``: 返还; 合同期限 with 合同期, ``合同期 > 期限 有效期 服务期限``:
    服务期限, not 期限)."""
    out = list(synonyms.get(word, ()))
    for i in range(len(word) - 1, 0, -1):
        out.extend(t for t in synonyms.get(word[:i], ())
                   if len(t) == len(word) and t != word and t not in out)
    return out


def in_kind(word: str, text: str, kinds: Sequence[str]) -> bool:
    """合同期限 said as the contract's kind word and the rest: 委托期限 in a 委托合同."""
    rest = next((word[len(g):] for g in GENERIC if word.startswith(g)), "")
    return len(rest) >= 2 and any(k + rest in text for k in kinds)


def stands(synonym: str, text: str, *, titles: str, kinds: Sequence[str],
           terms: str = "") -> bool:
    """Whether ``synonym`` stands for itself in a clause: whole words (one or more, never part
    of one) somewhere in its headings (``titles``) when they hold it, else in ``text``, and
    not after a word (two characters or more) with which the contract's headings (``terms``)
    name a thing of their own, unless that word is 合同 or the contract's kind word (质量保证金
    under the heading 质量保证金; not 租房押金, a term no heading names)."""
    where = (titles if synonym in titles else text).lower()
    if synonym not in where:
        return False
    starts, ends, before = set(), set(), {}  # word bounds; the word ending at each bound
    at = 0
    for word in cut_words(where):
        starts.add(at)
        at += len(word)
        ends.add(at)
        before[at] = word
    for m in re.finditer(re.escape(synonym), where):
        if m.start() not in starts or m.end() not in ends:
            continue  # part of a longer word: 著作权 in 著作权法
        prev = before.get(m.start(), "")  # a word of its own (质量), not glue (及, 的, 可)
        if not (len(prev) > 1 and prev + synonym in terms and not own_noun(prev, kinds)):
            return True
    return False


def own_noun(noun: str, kinds: Sequence[str]) -> bool:
    """合同, 协议 or a word of the contract's kind: a compound with it names the contract's own
    thing (合同有效期, 租赁保证金)."""
    return noun in GENERIC or any(noun in k for k in kinds)
