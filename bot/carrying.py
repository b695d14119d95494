"""Follow-ups that change one thing of the question before: after 租客提前退租要赔多少, 那房东呢
(房东呢, 如果是房东呢, 換成乙方呢) asks 房东提前退租要赔多少, 那模板二呢 asks the same question of
the contract 模板二 names, and 那押金呢 asks the question before with 押金 added; 那房东怎么办
(Cantonese 咁業主點算) is 那房东呢 when its word names a party. Each topic's
question before is kept in memory for ``MAX_AGE`` (``ChatData.asked``): an older one, or none,
leaves the follow-up searched for its own words, as any question."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from index import ContractInfo, cut_words, to_simplified

from .addressing import bare_words
from .naming import pick_contracts

MAX_AGE = 30 * 60  # seconds a question is carried by the follow-ups after it
MAX_WORD = 12  # characters a follow-up's own word may have: a longer one is a question
# What may come before the word (那如果是房东呢, 換成乙方呢; Cantonese 咁業主呢, 如果係業主呢),
# in Simplified, tried longest first.
_LEADS = tuple(sorted((
    "那如果换成", "那如果是", "那要是", "如果换成", "如果是", "要是", "若是", "假如是", "假如",
    "换成", "换作", "换做", "那么", "如果", "那", "咁", "噉"), key=len, reverse=True))
# Cantonese 係 (是) after a lead that opens the message: 如果係業主呢 is 如果是业主呢 (not the
# 係 of 重要係數呢). Read before the message is made Simplified, where 係 and 系 (系统) are one.
_CANTONESE_IS = re.compile(r"^(\W*(?:那|咁|噉)?\W*(?:如果|若|要|假如|换成|換成))係")
# What may end it: 呢 after 的话 (Cantonese 嘅話) or alone; without 呢, only after one of
# ``_LEADS`` (Cantonese 又點 is 又如何, 點樣 怎么样).
_ENDS = re.compile(r"(?:[的嘅]话)?呢$")
# 那乙方呢怎么样 too.
_LED_ENDS = re.compile(r"(?:[的嘅]话)?呢?(?:又如何|又怎样|又怎么样|怎么样|如何|又点样|又点|点样)$"
                       r"|[的嘅]话$")
# What to do (怎么办, Cantonese 點算 and 點辦) ends it after a lead only for a word that names
# a party (那房东怎么办, 咁業主點算): 那房东不修怎么办 and 那押金怎么办 are questions of their own.
_PARTY_ENDS = re.compile(r"(?:[的嘅]话)?呢?又?(?:怎么办|咋办|点算|点办)$")
# A word that asks (押金怎么退呢, Cantonese 按金點退呢, 使唔使賠呢) or cites a clause (第二条呢,
# 7.2呢): a question of its own.
_ASKS = re.compile(r"怎|如何|什么|啥|多少|多久|多长|几|哪|谁|为何|是否|能否|可否|可以|能不能"
                   r"|会不会|要不要|有没有|吗|么|第|附件|\d|[零〇一二三四五六七八九十百两]+[条章款项节]"
                   r"|^点|点[样解算办退计]|咩|乜|边[个度间份]|唔|冇|系咪")
# A clause the question before cites (第六条怎么约定): the word added to it would still be
# answered by that clause, so 那违约金呢 after it is a question of its own.
_CITES = re.compile(r"第\s*[\d零〇一二三四五六七八九十百千两]+\s*[条章款项节部]|附件|\d+\.\d+")
_END_MARKS = "？?。！!，,；; "


@dataclass(frozen=True)
class Carried:
    """The question a follow-up asks: ``question`` (Simplified, what is searched and shown),
    limited to the contract of the key ``contract`` (one its word named, or the one the
    question before was limited to)."""

    question: str
    contract: str | None = None


def follow_up_word(question: str, *, parties: Collection[str]) -> str | None:
    """The one word ``question`` changes when it is a follow-up of that shape only (那房东呢 →
    房东, 如果是乙方的话呢 → 乙方, 換成模板二呢 → 模板二, 那房东怎么办 → 房东 as 房东 is one
    of ``parties``), in Simplified; None for anything else: a question of its own (押金呢怎么退,
    押金怎么退呢, 第二条呢, 那房东不修怎么办), or a longer one."""
    text = bare_words(_CANTONESE_IS.sub(r"\1是", question))
    led = False
    while lead := next((w for w in _LEADS if text.startswith(w) and len(text) > len(w)), None):
        text, led = text[len(lead):], True
    end = _ENDS.search(text) or (_LED_ENDS.search(text) if led else None)
    party_only = end is None and led
    if party_only:
        end = _PARTY_ENDS.search(text)
    if end is None:
        return None
    word = text[:end.start()].removesuffix("的").removesuffix("嘅")
    if not word or len(word) > MAX_WORD or _ASKS.search(word):
        return None
    if party_only and not names_party(word, parties):
        return None
    return word


def names_party(word: str, parties: Collection[str]) -> bool:
    """Whether ``word`` names a party: one of ``parties``, or a word of jieba's dictionary one
    of them closes (物业公司, 二房东; see ``party_compounds``)."""
    return word in parties or word in party_compounds(word, parties)


def party_compounds(text: str, parties: Collection[str]) -> frozenset[str]:
    """The words of ``text`` (jieba's dictionary words, none guessed) that one of ``parties``
    closes after words naming no party: 物业公司 (公司), 二房东, 分公司. A follow-up swaps such
    a word whole (物业公司 + 那房东呢: 房东, not 物业房东); 员工福利, which a party word opens,
    and 公司员工, which names two, are none."""
    return frozenset(word for word in cut_words(text, guess=False) if any(
        len(word) > len(party) and word.endswith(party)
        and not any(other in word[:-len(party)] for other in parties) for party in parties))


def carry_question(previous: str, word: str, *, parties: Collection[str],
                   contracts: Sequence[ContractInfo], within: str | None = None,
                   ) -> Carried | None:
    """``previous`` asked again with ``word`` changed: a party word (``parties``) in place of
    the party it names (租客提前退租要赔多少 + 房东 → 房东提前退租要赔多少; 乙方 when it names
    甲方 and 乙方 swaps them), else of that one contract of ``contracts`` ``word`` names (or,
    naming several, of the contracts it names in 《》), else with ``word`` added; None when
    ``previous`` cites a clause by its number, which would answer whatever is added to it.
    ``within``: the contract ``previous`` was limited to, which a changed party or an added
    word keeps. A word of ``previous`` that a party word closes (物业公司) is swapped whole:
    ``party_compounds``."""
    asked = to_simplified(previous).strip().rstrip(_END_MARKS)
    parties = frozenset(parties) | party_compounds(asked, parties) | party_compounds(
        word, parties)
    if word in parties and (named := _parties_in(asked, parties)):
        if word not in named:
            return Carried(asked.replace(named[0], word), within)
        if len(named) == 2:  # 甲方违约乙方怎么办 + 乙方: 乙方违约甲方怎么办
            first, second = named
            return Carried("".join(second if part == first else first if part == second
                                   else part for part in _split_on(asked, named)), within)
        return Carried(asked, within)
    if word not in parties and (chosen := pick_contracts(list(contracts), word)):
        return (Carried(asked, chosen[0].key) if len(chosen) == 1
                else Carried(f"《{word}》{asked}"))
    if _CITES.search(asked):
        return None
    if word in asked:
        return Carried(asked, within)
    return Carried(f"{word}{asked}" if word in parties else f"{asked} {word}", within)


def _parties_in(text: str, parties: Collection[str]) -> list[str]:
    """The party words of ``text`` in order, each once, the longest where two overlap
    (被许可方, not 许可方)."""
    return list(dict.fromkeys(part for part in _split_on(text, parties) if part in parties))


def _split_on(text: str, words: Collection[str]) -> list[str]:
    """``text`` cut around each of ``words`` in it (the longest first where two overlap)."""
    if not words:
        return [text]
    pattern = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return [part for part in re.split(f"({pattern})", text) if part]
