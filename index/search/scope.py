"""Scope: the contracts a question names ("维护协议里…", "《…》", "劳动合同样例里…"), and names
that match none.

A name may fit several contracts (three files titled 《劳动合同》): the question is then limited
to all of them, unless a word of one file's name tells it apart (样例, Word原版, 模板七). Titles
are prepared once per index generation (``TitleIndex``) since every question is compared with
all of them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence

from ..models import key_stem
from ..text import HAN, normalize_text, to_mainland

# The words that close a contract's name (Simplified): 合同, 协议书 …
DESIGNATORS = r"合同书|合同|协议书|协议|契约书|契约|合约书|合约"
_DESIGNATOR_RE = re.compile(DESIGNATORS)
# The same words as a question may write them, in either script.
_DESIGNATOR_ANY_RE = re.compile(r"(?:合同|协议|協議|契约|契約|合约|合約)(?:书|書)?")
_GENERIC = frozenset(
    "合同 协议 契约 合约 服务 系统 有限 公司 议书 同书 约书 一份 那份 这份 本合 甲方 乙方".split()
)
# Users' words for a kind of contract, and the word titles use for it: "租房合同里…" asks of
# every lease, "上班签的合同" of the labour contracts (docs/retrieval.md, stop 29). Not 工作:
# 工作量, 工作成果 and 委托工作 name no labour contract.
KIND_WORDS = {
    "租房": "租赁", "租屋": "租赁", "出租": "租赁", "租约": "租赁",
    "买房": "买卖", "购房": "买卖", "卖房": "买卖",
    "上班": "劳动", "打工": "劳动",
}
# Every word for a kind, the title word itself too (租赁: 租赁), and the kind it names.
_KINDS = {**KIND_WORDS, **{k: k for k in KIND_WORDS.values()}}


def asked_words(words: Sequence[str], names: Iterable[str]) -> list[str]:
    """The question's words beyond those naming its contracts (模板七, 租赁 of "租赁合同里…"):
    what is asked. Generic words (合同, 服务) stay; all of them when nothing else is left."""
    named = " ".join(normalize_text(n).lower() for n in names)
    asked = [w for w in words if w in _GENERIC or w.lower() not in named]
    return asked or list(words)


@functools.lru_cache(maxsize=4096)
def plain_name(name: str) -> str:
    """A contract's name as a lookup reads it whatever words write it: normalised, in
    mainland words (軟體 -> 软件), and closed by 合同 whichever of ``DESIGNATORS`` closes it
    (房屋租賃合約, 商鋪租賃契約書 -> 房屋租赁合同, 商铺租赁合同): /use and /clause take a
    name as Taiwan and Hong Kong write it, as a question does."""
    return _DESIGNATOR_RE.sub("合同", normalize_text(to_mainland(name)))


def _bigram_set(text: str) -> set[str]:
    han = re.sub(rf"[^{HAN}]", " ", text)
    return {r[i : i + 2] for r in han.split() for i in range(len(r) - 1)}


class TitleIndex:
    """Contract titles prepared once for scope detection: normalised, their bigram sets, how
    many titles hold each bigram, and the kinds of contract they name (a Searcher builds one
    per index generation)."""

    def __init__(self, titles: Mapping[str, str]) -> None:
        self.titles = dict(titles)
        self.norm = {k: normalize_text(t) for k, t in titles.items()}
        self.bigrams = {k: _bigram_set(t) for k, t in self.norm.items()}
        self.grams = {k: g - _GENERIC for k, g in self.bigrams.items()}
        self.counts: dict[str, int] = {}
        for gset in self.grams.values():
            for g in gset:
                self.counts[g] = self.counts.get(g, 0) + 1
        self.keys_lower = {k: key_stem(k).lower() for k in titles}
        # names as a question writes them: Simplified, lower case, no spaces or brackets
        self.names = {k: {n for n in (_compact(key_stem(k)), _compact(t)) if len(n) >= 2}
                      for k, t in titles.items()}
        self.terms = {k: _name_terms(key_stem(k), t) for k, t in titles.items()}
        # the kinds (KIND_WORDS' values) each title or file name has, in any of its words
        self.kinds_of = {k: frozenset(kind for w, kind in _KINDS.items()
                                      if any(w in n for n in (self.norm[k], *self.names[k])))
                         for k in titles}
        self.kinds = frozenset().union(*self.kinds_of.values())
        runs = {k: _name_runs(key_stem(k), t) for k, t in titles.items()}
        holders: dict[str, set[str]] = {}
        for k, found in runs.items():
            for run in found:
                holders.setdefault(run, set()).add(k)
        # runs of three or more characters that only one file's name has ("模板七", "已填写")
        self.file_words = {
            run: k for run, ks in holders.items() if len(ks) == 1 and (k := next(iter(ks)))
            and not any(run in n for other, names in self.names.items() if other != k
                        for n in names)}


def _compact(name: str) -> str:
    return re.sub(r"[\s()（）\[\]【】、,，._\-]+", "", normalize_text(name).lower())


def _name_terms(key: str, title: str) -> set[str]:
    """The words of a file's name beyond its title ("已填写样例" of 劳动合同（已填写样例）):
    their bigrams, and Latin words."""
    extra = _compact(key).replace(_compact(title), " ")
    latin = set(re.findall(r"[a-z]{2,}", extra))
    return (_bigram_set(extra) | latin) - _GENERIC


def _name_runs(key: str, title: str) -> set[str]:
    """Every run of three or more characters of a file's name beyond its title."""
    extra = _compact(key).replace(_compact(title), " ")
    out: set[str] = set(re.findall(r"[a-z]{3,}", extra))  # Latin words whole ("word")
    for run in re.findall(rf"[{HAN}]{{3,}}", extra):
        out.update(run[i:j] for i in range(len(run)) for j in range(i + 3, len(run) + 1))
    return out


def _title_index(titles: Mapping[str, str] | TitleIndex) -> TitleIndex:
    return titles if isinstance(titles, TitleIndex) else TitleIndex(titles)


def detect_scopes(question: str, titles: Mapping[str, str] | TitleIndex) -> frozenset[str]:
    """The contracts a normalised question names; empty for the whole library.

    Evidence, strongest first: a file name or title written out (the longest one found; every
    contract whose name holds it, narrowed by a word only one file's name has: 样例, Word原版);
    the text before a word like 合同/协议 (or inside 《》) sharing title bigrams that no other
    contract's title has (the best-sharing contracts), else a user's word for the kind of
    contract (租房合同: every title with 租赁), else the most title bigrams shared (at least two)
    with one title (电商客服升级合同, whose words other titles have one by one; all files of
    that title); four or more consecutive characters of one title only, with two distinctive
    bigrams among them.
    """
    index = _title_index(titles)
    if not index.titles:
        return frozenset()
    named = _named_outright(question, index)
    if named:
        return named
    asked = _compact(question)  # "模板七里租金怎么付": a word only one file's name has
    by_word = {k for w, k in index.file_words.items() if w in asked}
    if len(by_word) == 1:
        return frozenset(by_word)
    norm, grams, counts = index.norm, index.grams, index.counts
    lowered = question.lower()
    for key, low in index.keys_lower.items():  # an ASCII file stem written literally
        if low in lowered and re.search(  # ASCII bounds: "cs-upgrade第7.2条" names it
                rf"(?<![A-Za-z0-9_-]){re.escape(low)}(?![A-Za-z0-9_-])", lowered):
            return frozenset({key})
    windows = [m.group(1) for m in re.finditer(r"《([^》]{2,40})》", question)]
    kinds = [next((k for w, k in _KINDS.items() if w in window), None) for window in windows]
    for m in _DESIGNATOR_RE.finditer(question):
        windows.append(window := question[max(0, m.start() - 12) : m.start()])
        kinds.append(found[0] if (found := _kind_at(window)) else None)
    if not windows:
        run = _named_by_title_run(question, norm, grams, counts)
        return frozenset({run}) if run else frozenset()
    best: dict[str, int] = {}
    for window, kind in zip(windows, kinds, strict=True):
        wgrams = _bigram_set(window)
        for key, gset in grams.items():
            if kind and kind not in index.kinds_of[key]:
                continue  # 商品房买卖合同 is no 商品委托行销合约, though both say 商品
            distinctive = {g for g in gset & wgrams if counts[g] == 1}
            if distinctive:
                best[key] = max(best.get(key, 0), len(distinctive))
    if not best:
        return _named_by_kind(windows, kinds, index) or _named_by_overlap(windows, kinds, index)
    top = max(best.values())
    return frozenset(k for k, v in best.items() if v == top)


def _named_by_kind(windows: Sequence[str], kinds: Sequence[str | None],
                   index: TitleIndex) -> frozenset[str]:
    """Every contract whose title has the word for the kind of contract a window names, in
    users' words (KIND_WORDS: 租房 -> 租赁) or as titles write it (租赁协议: 租赁)."""
    for window in windows:
        for word, title_word in KIND_WORDS.items():
            if word in window:
                found = _of_kind(title_word, index)
                if found:
                    return found
    for kind in kinds:
        if kind and (found := _of_kind(kind, index)):
            return found
    return frozenset()


def _of_kind(kind: str, index: TitleIndex) -> frozenset[str]:
    """The contracts whose title has the title word of a kind (租赁)."""
    return frozenset(k for k, t in index.norm.items() if kind in t)


def _named_by_overlap(windows: Sequence[str], kinds: Sequence[str | None],
                      index: TitleIndex) -> frozenset[str]:
    """The contracts whose title shares the most bigrams (two or more, none generic) with a
    window, when they all have that one title and the kind the window names; else none."""
    best: dict[str, int] = {}
    for window, kind in zip(windows, kinds, strict=True):
        wgrams = _bigram_set(window)
        for key, gset in index.grams.items():
            if kind and kind not in index.kinds_of[key]:
                continue
            if (shared := len(gset & wgrams)) >= 2:
                best[key] = max(best.get(key, 0), shared)
    if not best:
        return frozenset()
    top = max(best.values())
    found = frozenset(k for k, v in best.items() if v == top)
    return found if len({index.norm[k] for k in found}) == 1 else frozenset()


def _named_outright(question: str, index: TitleIndex) -> frozenset[str]:
    """Contracts whose file name or title the question writes out (the longest such name:
    "房屋租赁合同" over "租赁合同"), narrowed to the one file a word of its name points at."""
    asked = _compact(question)
    found = [n for names in index.names.values() for n in names
             if n in asked and not n.isascii()]
    if not found:
        return frozenset()
    longest = max(found, key=len)
    family = {k for k, names in index.names.items() if any(longest in n for n in names)}
    if (bare := _DESIGNATOR_RE.sub("", longest)) in KIND_WORDS.values() and longest.startswith(
            bare) and _DESIGNATOR_RE.fullmatch(longest[len(bare):]):
        family |= _of_kind(bare, index)  # 租赁合同 names a kind: every lease, not one file's name
    if len(family) == 1:
        return frozenset(family)
    said = _bigram_set(longest)  # the family's own name tells no member apart
    terms = {k: index.terms[k] - said for k in family}
    shared: dict[str, int] = {}
    for k in family:
        for term in terms[k]:
            shared[term] = shared.get(term, 0) + 1
    score = {k: sum(1 for t in terms[k] if shared[t] == 1 and t in asked) for k in family}
    top = max(score.values())
    narrowed = [k for k, v in score.items() if v == top]
    return frozenset(narrowed if top > 0 and len(narrowed) == 1 else family)


def bracketed_scopes(question: str, titles: Mapping[str, str] | TitleIndex) -> frozenset[str]:
    """The contracts a question names in 《》 (《智能客服软件维护协议》的保密期限), and no other
    way: what overrules a chat's /use contract."""
    if "《" not in question:
        return frozenset()
    index = _title_index(titles)
    return frozenset().union(*(detect_scopes(normalize_text(m.group(0)), index)
                               for m in re.finditer(r"《([^》]{2,40})》", question)))


def without_named(question: str, scopes: frozenset[str],
                  titles: Mapping[str, str] | TitleIndex) -> str:
    """``question`` without the 《》 names of its ``scopes`` (《在线客服系统升级服务合同》乙方
    响应时间是多少 → 乙方响应时间是多少): inside that contract its title's words tell no clause
    apart, but its definitions repeat them and would outrank the answer. Unchanged when nothing
    would be left to ask, or a bracketed name names none of ``scopes`` (《民法典》)."""
    if "《" not in question or not scopes:
        return question
    index = _title_index(titles)

    def drop(m: re.Match[str]) -> str:
        named = detect_scopes(normalize_text(m.group(0)), index)
        return " " if named and named <= scopes else m.group(0)

    asked = re.sub(r"《([^》]{2,40})》", drop, question).strip()
    return asked if re.search(rf"[{HAN}A-Za-z0-9]", asked) else question


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


def unknown_kind(question: str, titles: Mapping[str, str] | TitleIndex) -> str | None:
    """The words that name a kind of contract no title in ``titles`` has (租赁合同, 上班签的
    合同 where no title has 租赁, 劳动), as the question writes them; else None.

    A question names a contract loosely with a kind (KIND_WORDS: 租赁, or a user's word for it,
    租房) just before a word like 合同/协议 (not 合同法, a law): asked of contracts none of
    which is of that kind, it is told so, as a name in 《》 that no title resembles is, instead
    of being answered from the others. Only the titles given count (a chat's own), so a kind
    another collection has changes nothing."""
    index = _title_index(titles)
    for m in _DESIGNATOR_ANY_RE.finditer(question):
        if question.startswith("法", m.end()):
            continue
        head = re.search(rf"[{HAN}]{{0,12}}$", question[: m.start()])
        run = head.group(0) if head else ""
        simple = normalize_text(run)
        found = _kind_at(simple)
        if found and len(simple) == len(run) and found[0] not in index.kinds:
            return run[found[1]:] + m.group(0)
    return None


def _kind_at(run: str) -> tuple[str, int] | None:
    """The kind of contract the text ``run`` just before a 合同/协议 names (KIND_WORDS: 租赁 of
    房屋租赁, of 租房, and of 租房签的: at most two characters between), and where its word
    starts; else None."""
    for word, kind in _KINDS.items():
        at = run.rfind(word, max(0, len(run) - len(word) - 2))
        if at >= 0:
            return kind, at
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


