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
lease). Every word that closes a contract's name (``scope.DESIGNATORS``) is the contract: 合約期限
(Simplified first, 合约期限) is 合同期限, 协议期限 and 租赁期间 in a lease (期限 = 期间), where the
contract says it of itself (本协议期限, not 技术转让协议期限). Where the clause's headings hold
the synonym, they decide, not its text: 15.3.3
headed 质量保证金的退还 is about the quality bond although its text says 返还保证金.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from ..store.tokenize import content_words, cut_words
from ..text import normalize_text
from .ranking import coverage
from .scope import DESIGNATORS

_DESIGNATOR_WORDS = tuple(DESIGNATORS.split("|"))  # longest first: 合同书 before 合同
_BRACKETS = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")
_LABEL = re.compile(r"\s*([^\s，。；、:：︰,;]{2,12})\s*[:：︰]")
_GLUE = frozenset("本该此其的")  # what may stand between a word and the contract it is said of
_WHEN = r"[之以]?[后前内]"  # what makes a mention a time (终止后, 工作时间内)
_KIND_END = re.compile(rf"(?:{DESIGNATORS})$")


def kind_words(title: str) -> tuple[str, ...]:
    """What kind of contract ``title`` names, as its clauses say it: the title without its
    brackets and closing 合同/协议/契约书…, and each tail of its words of two characters or
    more (房屋租赁合同: 房屋租赁, 租赁; 商品房买卖合同（现售）: 商品房买卖, 买卖)."""
    stem = _KIND_END.sub("", _BRACKETS.sub("", normalize_text(title)).strip())
    words = content_words(stem)
    tails = ("".join(words[i:]) for i in range(len(words)))
    return tuple(dict.fromkeys(t for t in tails if len(t) >= 2))


@dataclass(frozen=True)
class Holding:
    """How a clause holds a question's words, as /compare chooses among a contract's clauses:
    ``share`` of them anywhere in it (text, headings, sub-clauses); ``titled`` 2 when its
    headings (or the ``label`` its text opens with) hold every one as the question or the
    contract writes it (协议期限 for 合同期限, 租赁期限 in a lease), 1 when some only through
    the thesaurus (租赁期间), 0 when not all; ``named`` whether its own title or label holds
    them all (交付 over a sibling under the chapter 交付与验收); ``itself`` whether its own
    text and headings hold them all (not its sub-clauses alone); ``contract`` whether its own
    text says each of them of the contract (``of_contract``: 解除合同, not 解除抵押); ``own``
    whether its own text says them all as written (a mention that names the clause on a word,
    本合同保密条款 or the heading 争议解决条款效力, counts for none of ``named``, ``contract``,
    ``own``: ``referred``); ``aside`` whether it is in an annex whose heading does not hold them
    (a guarantee form's 争议解决). ``order`` ranks them in that order: a
    clause whose headings say what it is about beats one that mentions the words in passing; a
    clause beats a parent holding them through it; one that says them itself beats a sibling
    under the same heading."""

    share: float
    titled: int = 0
    named: bool = False
    itself: bool = False
    contract: bool = False
    own: bool = False
    aside: bool = False  # in an annex on another thing (a guarantee form, a licence)

    @property
    def order(self) -> tuple[float, int, bool, bool, bool, bool]:
        return self.share, self.titled, self.named, self.itself, self.contract, self.own


def clause_share(words: Sequence[str], text: str, *, headings: Sequence[str],
                 synonyms: Mapping[str, Iterable[str]], kinds: Sequence[str],
                 terms: str = "") -> float:
    """Share of ``words`` a clause holds: ``text`` is what it is searched by (headings, its
    text, its sub-clauses), ``headings`` the titles above and of it, ``kinds`` its contract's
    ``kind_words``, ``terms`` all its contract's headings (where it names its own terms)."""
    return clause_holding(words, text, own="", headings=headings, synonyms=synonyms,
                          kinds=kinds, terms=terms).share


def clause_holding(words: Sequence[str], text: str, *, own: str, headings: Sequence[str],
                   synonyms: Mapping[str, Iterable[str]], kinds: Sequence[str],
                   terms: str = "", title: str = "", annex: str | None = None) -> Holding:
    """``clause_share`` and where the words are (``Holding``): ``own`` is the clause's own
    text, without its headings and sub-clauses, ``title`` its own heading (also the last of
    ``headings``). A clause with headings (or a ``label``) that do not hold a word does not
    hold it by a mention in passing, as a time (协议终止后, 正常工作时间内: ``in_passing``).
    ``annex`` is the heading of the annex the clause is in (None: in the contract's body): an
    annex whose heading does not hold the words is on another thing (``aside``: a guarantee
    form's 争议解决, a licence's 终止), one that holds them is the contract's terms on them
    (附件八 关于保修范围…的约定)."""
    if not words:
        return Holding(0.0)
    name = label(own)
    heads = [*headings, name] if name else list(headings)
    titles = " ".join(heads)

    def has(word: str, where: str, *, meaning: Mapping[str, Iterable[str]] = synonyms,
            within: Sequence[str] = (), body: bool = True) -> bool:
        if body and heads:
            where = in_passing(word, where, synonyms=meaning, kinds=kinds)
        return held(word, where, headings=within, synonyms=meaning, kinds=kinds, terms=terms)

    titled = [has(w, titles, within=heads, body=False) for w in words]
    found = sum(1 for w, t in zip(words, titled, strict=True)
                if t or has(w, text, within=headings))
    if not found:
        return Holding(0.0)
    direct = all(has(w, titles, meaning={}, within=heads, body=False) for w in words)
    mine = [t for t in (title, name) if t]

    def about(word: str, where: str, within: Sequence[str] = ()) -> bool:  # not its clause's
        cited = referred(word, where, synonyms=synonyms)
        return has(word, cited, within=[referred(word, m, synonyms=synonyms) for m in within],
                   body=False) if within else has(word, cited, meaning={})

    return Holding(found / len(words), 2 if direct else int(all(titled)),
                   bool(mine) and all(about(w, " ".join(mine), mine) for w in words),
                   all(t or has(w, own) for w, t in zip(words, titled, strict=True)),
                   all(of_contract(w, referred(w, own, synonyms=synonyms), synonyms=synonyms,
                                   kinds=kinds) for w in words),
                   all(about(w, own) for w in words),
                   annex is not None and not all(
                       has(w, annex, within=[annex], body=False) for w in words))


def referred(word: str, text: str, *, synonyms: Mapping[str, Iterable[str]]) -> str:
    """``text`` without the mentions of ``word`` (its forms and thesaurus words) that name the
    clause on it, right before 条款 (违反本合同保密条款, the heading 争议解决条款效力): a clause
    that refers to the confidentiality clause is not the one that says what it is."""
    said_as = {w for f in forms(word) for w in (f, *meanings(f, synonyms))}
    for w in sorted(said_as, key=len, reverse=True):
        text = re.sub(rf"{re.escape(w)}(?=的?条款)", "\u3000" * len(w), text)
    return text


def of_contract(word: str, text: str, *, synonyms: Mapping[str, Iterable[str]],
                kinds: Sequence[str]) -> bool:
    """Whether ``text`` says ``word`` (or a thesaurus word for it) of the contract: in one
    word with 合同, 协议… (解除合同) or next to one, or to a noun of the contract's kind, with
    at most 本, 该, 此, 其 or 的 between (解除本合同, 合同的解除, 交付该房屋 in a 房屋租赁合同;
    not 解除抵押, 交付租金)."""
    said_as = {w for f in forms(word) for w in (f, *meanings(f, synonyms))}
    words = _words(text)

    def ours(at: int, step: int) -> bool:
        if 0 <= at < len(words) and words[at] in _GLUE:
            at += step
        return 0 <= at < len(words) and (any(d in words[at] for d in _DESIGNATOR_WORDS) or (
            len(words[at]) > 1 and own_noun(words[at], kinds)))

    return any(any(s in w for s in said_as) and (
        any(d in w for d in _DESIGNATOR_WORDS) or ours(i - 1, -1) or ours(i + 1, 1))
        for i, w in enumerate(words))


def in_passing(word: str, text: str, *, synonyms: Mapping[str, Iterable[str]],
               kinds: Sequence[str]) -> str:
    """``text`` without the mentions of ``word`` (its forms, thesaurus words and compounds
    with the contract's kind word) as a time: right before 后, 前 or 内 (之后, 以前, 以内…):
    本协议终止后, 在正常工作时间内; not 试用期期间的工资, the wage of a probation."""
    said_as = {w for f in forms(word) for w in (f, *meanings(f, synonyms))}
    rest = next((word[len(g):] for g in _DESIGNATOR_WORDS if word.startswith(g)), "")
    if rest:
        said_as.update(k + r for k in kinds for r in (rest, *synonyms.get(rest, ())))
    for w in sorted(said_as, key=len, reverse=True):
        text = re.sub(rf"{re.escape(w)}(?={_WHEN})", "\u3000" * len(w), text)
    return text


@lru_cache(maxsize=4096)
def _words(text: str) -> tuple[str, ...]:
    """jieba's plain cut of ``text``, kept: one comparison reads each clause's text for many
    words and rules."""
    return tuple(cut_words(text))


def label(text: str) -> str:
    """The words a clause's text opens with as its own heading, before a colon (租赁期间︰共…个月,
    协议书展延与终止：…), or ""."""
    match = _LABEL.match(text)
    return match.group(1) if match else ""


def joined(words: Sequence[str], question: str) -> list[str]:
    """The question's words, a word closing a contract's name joined to the next when the
    question writes them together and the two are one word with 合同 in its place (协议期限,
    合約期限 as jieba cuts 合同期限, a word of its own; not 合同解除, two words)."""
    out: list[str] = []
    for word in words:
        if (out and out[-1] in _DESIGNATOR_WORDS and out[-1] + word in question
                and len(_words("合同" + word)) == 1):
            out[-1] += word
        else:
            out.append(word)
    return out


def held(word: str, text: str, *, headings: Sequence[str],
         synonyms: Mapping[str, Iterable[str]], kinds: Sequence[str], terms: str = "") -> bool:
    """Whether a clause holds ``word`` (see the module's docstring), in any of its ``forms``."""
    titles = " ".join(headings)
    return any(
        said(w, text, kinds) or in_kind(w, text, kinds, synonyms=synonyms)
        or any(stands(s, text, titles=titles, kinds=kinds, terms=terms)
               for s in meanings(w, synonyms))
        or any(coverage([w], "", synonyms, titles=h) > 0 for h in headings)
        or same_head(w, text, meanings(w, synonyms))
        for w in forms(word))


def forms(word: str) -> list[str]:
    """``word`` and, when it begins with a word that closes a contract's name
    (``scope.DESIGNATORS``: 合同, 协议书, 契约, 合约…), the same with each of the others in its
    place: 合约期限 (合約期限 in Traditional) is 合同期限 and 协议期限, 合约 is 合同."""
    head = next((d for d in _DESIGNATOR_WORDS if word.startswith(d)), "")
    if not head:
        return [word]
    return [word, *(d + word[len(head):] for d in _DESIGNATOR_WORDS if d != head)]


def said(word: str, text: str, kinds: Sequence[str]) -> bool:
    """``word`` written in ``text``; one that begins with a word closing a contract's name
    (合同期限, 协议期限) only where it is this contract's: first, or after glue of one character
    (本, 的) or a noun of its own (劳动 of 劳动合同期限 in a 劳动合同), not another's
    (技术转让协议期限)."""
    if word not in text:
        return False
    head = next((d for d in _DESIGNATOR_WORDS if word.startswith(d)), "")
    if not head or len(word) == len(head):
        return True
    at, before = 0, {0: ""}
    for w in _words(text):
        at += len(w)
        before[at] = w
    return any(m.start() in before and (len(before[m.start()]) < 2
                                         or own_noun(before[m.start()], kinds))
               for m in re.finditer(re.escape(word), text))


def same_head(word: str, text: str, others: Sequence[str]) -> bool:
    """A word of two characters whose thesaurus words all end in its last character, that
    character carrying the meaning (退还, 返还: 还): held by any word of two characters ending
    in it (归还)."""
    if len(word) != 2 or not others or any(
            len(o) != 2 or o[-1] != word[-1] for o in others) or word[-1] not in text:
        return False
    return any(len(w) == 2 and w[-1] == word[-1] for w in _words(text))


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


def in_kind(word: str, text: str, kinds: Sequence[str], *,
            synonyms: Mapping[str, Iterable[str]] | None = None) -> bool:
    """合同期限 said as the contract's kind word and the rest, or a thesaurus word for the rest:
    委托期限 in a 委托合同, 租赁期间 in a lease (``期限 = 期间``), 本合约期间 in any."""
    rest = next((word[len(g):] for g in _DESIGNATOR_WORDS if word.startswith(g)), "")
    if len(rest) < 2:
        return False
    rests = [rest, *(synonyms or {}).get(rest, ())]
    return any(k + r in text for k in kinds for r in rests) or any(
        said(d + r, text, kinds) for d in _DESIGNATOR_WORDS for r in rests[1:])


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
    for word in _words(where):
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
    """合同, 协议 (any word that closes a contract's name) or a word of the contract's kind: a
    compound with it names the contract's own thing (合同有效期, 租赁保证金)."""
    return noun in _DESIGNATOR_WORDS or any(noun in k for k in kinds)
