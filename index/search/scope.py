"""Scope: the one contract a question names ("维护协议里…", "《…》"), and names that match none.

Titles are prepared once per index generation (``TitleIndex``) since every question is
compared with all of them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ..text import normalize_text

_DESIGNATOR_RE = re.compile(r"合同书|合同|协议书|协议|契约书|契约|合约书|合约")
_GENERIC = frozenset(
    "合同 协议 契约 合约 服务 系统 有限 公司 议书 同书 约书 一份 那份 这份 本合 甲方 乙方".split()
)


def _bigram_set(text: str) -> set[str]:
    han = re.sub(r"[^\u3400-\u9fff]", " ", text)
    return {r[i : i + 2] for r in han.split() for i in range(len(r) - 1)}


class TitleIndex:
    """Contract titles prepared once for scope detection: normalised, their bigram sets, and
    how many titles hold each bigram (a Searcher builds one per index generation)."""

    def __init__(self, titles: Mapping[str, str]) -> None:
        self.titles = dict(titles)
        self.norm = {k: normalize_text(t) for k, t in titles.items()}
        self.bigrams = {k: _bigram_set(t) for k, t in self.norm.items()}
        self.grams = {k: g - _GENERIC for k, g in self.bigrams.items()}
        self.counts: dict[str, int] = {}
        for gset in self.grams.values():
            for g in gset:
                self.counts[g] = self.counts.get(g, 0) + 1
        self.keys_lower = {k: k.lower() for k in titles}


def _title_index(titles: Mapping[str, str] | TitleIndex) -> TitleIndex:
    return titles if isinstance(titles, TitleIndex) else TitleIndex(titles)


def detect_scope(question: str, titles: Mapping[str, str] | TitleIndex) -> str | None:
    """The one contract a normalised question names ("维护协议里…", "《…》"), else None.

    Evidence: the text before a word like 合同/协议 (or inside 《》) shares title bigrams that no
    other contract's title has, or the question holds four or more consecutive characters of one
    title only (with two distinctive bigrams among them); a tie or less means the whole library.
    """
    index = _title_index(titles)
    if not index.titles:
        return None
    norm, grams, counts = index.norm, index.grams, index.counts
    lowered = question.lower()
    for key, low in index.keys_lower.items():  # the file stem written literally
        if low in lowered and re.search(rf"(?<![\w-]){re.escape(low)}(?![\w-])", lowered):
            return key
    windows = [m.group(1) for m in re.finditer(r"《([^》]{2,40})》", question)]
    for m in _DESIGNATOR_RE.finditer(question):
        windows.append(question[max(0, m.start() - 12) : m.start()])
    if not windows:
        return _named_by_title_run(question, norm, grams, counts)
    best: dict[str, int] = {}
    for window in windows:
        wgrams = _bigram_set(window)
        for key, gset in grams.items():
            distinctive = {g for g in gset & wgrams if counts[g] == 1}
            if distinctive:
                best[key] = max(best.get(key, 0), len(distinctive))
    if not best:
        return None
    top = max(best.values())
    winners = [k for k, v in best.items() if v == top]
    return winners[0] if len(winners) == 1 else None


def unknown_title(question: str, titles: Mapping[str, str] | TitleIndex) -> str | None:
    """A contract the question names in 《》 that no indexed title resembles, else None.

    The question is the user's own text; the name comes back as written (Traditional stays).
    Only a bracketed name holding a word like 合同/协议 counts (《民法典》 is a law, not a
    contract); it resembles a title when half of its non-generic bigrams occur in that title.
    """
    if "《" not in question:
        return None
    index = _title_index(titles)
    norm = list(index.bigrams.values())
    for m in re.finditer(r"《([^》]{2,40})》", question):
        name = m.group(1)
        simple = normalize_text(name)
        if not _DESIGNATOR_RE.search(simple) or name.lower() in index.keys_lower.values():
            continue
        grams = _bigram_set(simple) - _GENERIC
        if not grams:
            continue
        best = max((len(grams & t) / len(grams) for t in norm), default=0.0)
        if best < 0.5:
            return name
    return None


def _named_by_title_run(question: str, titles: Mapping[str, str],
                        grams: Mapping[str, set[str]], counts: Mapping[str, int]) -> str | None:
    """The one contract whose title shares a run of >= 4 characters with the question, the run
    holding at least two bigrams no other title has ("软体维护的费用" -> 《软体维护服务合约》)."""
    found: set[str] = set()
    for key, title in titles.items():
        for start in range(len(question) - 3):
            run = question[start : start + 4]
            if run in title and sum(
                1 for g in _bigram_set(run) if g in grams[key] and counts.get(g) == 1
            ) >= 2:
                found.add(key)
                break
    return found.pop() if len(found) == 1 else None


