"""Understanding a question: normalisation, content words, thesaurus expansion, scope, roles.

Everything here works on Simplified, half-width text so the index and the question agree.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .tokenize import STOPWORDS, TokenMode, content_words, tokenize


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def normalize_text(text: str) -> str:
    """Full-width -> half-width, Traditional -> Simplified, runs of spaces collapsed."""
    if len(text) <= 64:  # titles and questions repeat: every search normalises all titles
        return _normalize_short(text)
    return _normalize(text)


@lru_cache(maxsize=8192)
def _normalize_short(text: str) -> str:
    return _normalize(text)


def _normalize(text: str) -> str:
    text = "".join(
        chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else (" " if c == "\u3000" else c)
        for c in text
    )
    text = unicodedata.normalize("NFC", text)
    text = _t2s().convert(text)
    for variant, standard in _VARIANTS:
        text = text.replace(variant, standard)
    return re.sub(r"[ \t]+", " ", text).strip()


# Orthographic variants common in contracts (older or Taiwan usage after t2s) -> one form.
_VARIANTS = (("帐", "账"), ("部份", "部分"), ("其它", "其他"), ("资讯", "信息"), ("签属", "签署"))


# ----------------------------------------------------------------------------- thesaurus


@dataclass(frozen=True)
class Thesaurus:
    """Term -> extra search terms, read from a data file (groups "a = b" and one-way "a > b c")."""

    entries: Mapping[str, tuple[str, ...]]

    @classmethod
    def load(cls, path: Path | None = None) -> Thesaurus:
        """Read the thesaurus (default: the one shipped in index/data/thesaurus.txt)."""
        if path is None:
            text = (resources.files("index") / "data" / "thesaurus.txt").read_text("utf-8")
        else:
            text = path.read_text("utf-8")
        return cls.parse(text)

    @classmethod
    def parse(cls, text: str) -> Thesaurus:
        """Parse thesaurus lines; later lines add to earlier ones."""
        out: dict[str, list[str]] = {}
        for raw in text.splitlines():
            line = normalize_text(raw.split("#", 1)[0])
            if not line:
                continue
            if ">" in line:
                key, _, rest = line.partition(">")
                targets = rest.split()
                keys = [key.strip()]
            else:
                terms = [t.strip() for t in line.split("=") if t.strip()]
                keys, targets = terms, terms
            for k in keys:
                bucket = out.setdefault(k, [])
                bucket.extend(t for t in targets if t != k and t not in bucket)
        return cls({k: tuple(v) for k, v in out.items()})

    def expand(self, text: str) -> list[str]:
        """Extra terms for a normalised question: targets of every key found in it, longest
        keys first; a key inside a longer matched key is not expanded again."""
        found: list[str] = []
        covered: list[tuple[int, int]] = []
        for key in sorted(self.entries, key=len, reverse=True):
            start = text.find(key)
            while start >= 0:
                end = start + len(key)
                if not any(s <= start and end <= e for s, e in covered):
                    covered.append((start, end))
                    found.extend(t for t in self.entries[key] if t not in found)
                    break
                start = text.find(key, start + 1)
        return [t for t in found if t not in text]


# ----------------------------------------------------------------------------- scope

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


# ----------------------------------------------------------------------------- roles

ROLE_WORDS = ("甲方", "乙方", "丙方")
_ACTS = "应|应当|须|必须|有权|负责|不得|承担|同意|保证|需|可以|可"


_DEFINITION_Q = re.compile(r"是什么|什么是|指什么|是指|定义|含义|意思|释义|术语")
_LIST_Q = re.compile(r"包括|包含|哪些|哪几|有什么|什么内容|内容")
_TERM = r"[\"“「『][^\"”」』]{1,30}[\"”」』]"
_DEFINITION_CLAUSE = re.compile(
    rf"^[\s\d.、]*{_TERM}(?:\s*[或和、]\s*{_TERM})*\s*(?:是)?(?:指|系指|意指|意为)"
)


def asks_definition(question: str) -> bool:
    """True when a question asks what a term means (then definition clauses are answers)."""
    return _DEFINITION_Q.search(question) is not None


def asks_list(question: str) -> bool:
    """True when a question asks for an enumeration (包括哪些 / 有什么内容)."""
    return _LIST_Q.search(question) is not None


def is_definition(text: str) -> bool:
    """True for a definition clause: “术语”指……"""
    return _DEFINITION_CLAUSE.match(text) is not None


def asked_role(question: str) -> str | None:
    """The one party role a question is about ("乙方要…" -> "乙方"), None when none or several."""
    roles = [r for r in ROLE_WORDS if r in question]
    return roles[0] if len(roles) == 1 else None


_ACTOR_RE = re.compile(rf"({'|'.join(ROLE_WORDS)})[^，。；,;:：]{{0,12}}?(?:{_ACTS}|将)")


_SUBJECT_RE = re.compile(rf"^\s*({'|'.join(ROLE_WORDS)})(?![、和与及])")


def clause_actor(text: str) -> str | None:
    """The party that acts in a clause: the first role word followed in the same phrase by
    应/有权/负责/不得… ("甲方应在收到乙方报告后…" -> 甲方); None when no party acts."""
    m = _SUBJECT_RE.match(text) or _ACTOR_RE.search(text[:80])
    return m.group(1) if m else None


_CONDITION_RE = re.compile(rf"^\s*(?:若|如|如果|倘若|假如|凡)\s*({'|'.join(ROLE_WORDS)})")


def condition_subject(text: str) -> str | None:
    """The party a conditional clause is about ("若乙方未按约定…" -> 乙方), else None."""
    m = _CONDITION_RE.match(text)
    return m.group(1) if m else None


_DUTY = "应|应当|须|必须|负责|承担"
_OBLIGOR_RE = re.compile(
    rf"^\s*({'|'.join(ROLE_WORDS)})[^。；;]{{0,20}}?(?:{_DUTY})"
    rf"|({'|'.join(ROLE_WORDS)})[^，。；,;:：]{{0,12}}?(?:{_DUTY})"
)


def clause_obligor(text: str) -> str | None:
    """The party a clause puts a duty on (甲方应…/甲方对…，应在…), None for rights or
    permissions (甲方同意乙方…) and for clauses that bind nobody in particular."""
    m = _OBLIGOR_RE.search(text[:80])
    return (m.group(1) or m.group(2)) if m else None


def role_acts(text: str, role: str) -> bool:
    """True when ``role`` is the actor of the clause (乙方应/乙方有权/乙方负责…)."""
    return clause_actor(text) == role


# ----------------------------------------------------------------------------- parsed query


@dataclass(frozen=True)
class ParsedQuery:
    """A question ready to search: normalised text, content tokens, expansion tokens, role."""

    text: str
    tokens: tuple[str, ...]
    expansion: tuple[str, ...]
    words: tuple[str, ...]
    role: str | None


def parse_query(
    question: str, thesaurus: Thesaurus | None = None, mode: TokenMode = "both"
) -> ParsedQuery:
    """Normalise a question and split it into content tokens and thesaurus expansion tokens."""
    text = normalize_text(question)
    tokens = tuple(tokenize(text, mode))
    expansion: list[str] = []
    if thesaurus is not None:
        for term in thesaurus.expand(text):
            expansion.extend(t for t in tokenize(term, "jieba") if t not in tokens)
    return ParsedQuery(
        text=text,
        tokens=tokens,
        expansion=tuple(dict.fromkeys(expansion)),
        words=tuple(content_words(text)),
        role=asked_role(text),
    )


# ----------------------------------------------------------------------------- clause numbers

_CN_NUM = "零〇一二三四五六七八九十百千两"


def clause_number_forms(number: str) -> set[str]:
    """Forms a clause number may take: "第7.2条" -> "7.2"; "第十二條" -> "第十二条", "12"."""
    from .numbering import cn_to_int

    raw = normalize_text(number).replace(" ", "")
    forms = {raw}
    m = re.fullmatch(r"第?([\d.]+|[" + _CN_NUM + r"]+)([条款章节])?", raw)
    if m:
        core, unit = m.group(1), m.group(2) or "条"
        forms.add(core)
        value = int(core) if core.isdigit() else (None if core[0].isdigit() else cn_to_int(core))
        if value is not None:
            forms.update({str(value), f"第{value}{unit}", f"第{_int_to_cn(value)}{unit}"})
            forms.add(_int_to_cn(value))
    return forms


def _int_to_cn(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    return str(n)


def strip_question_words(words: Iterable[str]) -> list[str]:
    """Drop question words and glue from a list of words."""
    return [w for w in words if w not in STOPWORDS]
