"""Typing errors of the same sound: 压金 for 押金, 工姿 for 工资, 严收 for 验收.

Users type on pinyin keyboards and pick a wrong character of the right sound; the pair it makes
is in no clause, so BM25 misses the word. ``propose_repairs`` swaps one character of each pair
the index does not know for another of the same toneless pinyin where that makes a term of the
index and a word of jieba's dictionary; ``repaired_query`` searches a repaired word (as a
thesaurus term) only when one of the clauses the dense ranking puts first holds it (stop 39,
docs/retrieval.md). Pure functions over a generation's vocabulary; pypinyin's table of readings
loads on first use.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from ..store.tokenize import tokenize
from ..text import HAN
from .question import ParsedQuery

_HAN_RE = re.compile(f"[{HAN}]")
_PAIR_RE = re.compile(f"[{HAN}]{{2}}")
_TONES = dict.fromkeys(map(ord, "\u0300\u0301\u0304\u030c"))  # the four tone marks, decomposed


@dataclass(frozen=True)
class Repair:
    """A pair of a question's characters the index does not know, and the word taken for it."""

    typed: str  # 压金
    word: str  # 押金
    at: int  # where the pair starts in the question's normalised text


@dataclass(frozen=True)
class Sounds:
    """What repairs are looked up in, built once per generation (``sounds_of``)."""

    pairs: Mapping[str, int]  # each term of two Chinese characters -> the clauses that hold it
    by_sound: Mapping[str, tuple[str, ...]]  # toneless pinyin -> the index's characters of it


@cache
def _table() -> Mapping[int, str]:
    """pypinyin's table of each character's readings (code point -> 'yā,xiá,jiǎ'), read from
    its file without importing the package: the package loads its phrase table too, which one
    character never needs (0.3 s and 50 MB at import; this, 0.06 s and 12 MB)."""
    package = importlib.util.find_spec("pypinyin")  # finds it without running it
    folders = package.submodule_search_locations if package else None
    spec = importlib.util.spec_from_file_location(
        "_pypinyin_table", Path(folders[0]) / "pinyin_dict.py") if folders else None
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError("pypinyin (pip install pypinyin)", name="pypinyin")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    table: Mapping[int, str] = module.pinyin_dict
    return table


@cache
def readings(char: str) -> tuple[str, ...]:
    """Every toneless pinyin reading of one character (押: ya, xia, jia; 绿: lv, lu), exactly as
    ``pypinyin.pinyin(char, style=Style.NORMAL, heteronym=True)`` gives them (a test checks);
    none for a character it does not know. Cached: one entry per character at most."""
    found = _table().get(ord(char))
    if not found:
        return ()
    return tuple(dict.fromkeys(
        unicodedata.normalize("NFC", unicodedata.normalize("NFD", r).translate(_TONES))
        .replace("ü", "v") for r in found.split(",")))


def sounds_of(vocab: Sequence[str], frequencies: np.ndarray) -> Sounds:
    """The two-character terms of an index's vocabulary with their document frequencies
    (``LexicalIndex.document_frequencies``), and its characters by sound (only the contracts'
    characters are ever proposed)."""
    held = [(term, df) for term, df in zip(vocab, frequencies.tolist(), strict=True) if df > 0]
    pairs = {term: df for term, df in held if len(term) == 2 and _PAIR_RE.fullmatch(term)}
    by_sound: dict[str, list[str]] = {}
    for char in sorted(set(_HAN_RE.findall("".join(term for term, _ in held)))):
        for sound in readings(char):
            by_sound.setdefault(sound, []).append(char)
    return Sounds(pairs, {s: tuple(chars) for s, chars in by_sound.items()})


def propose_repairs(text: str, sounds: Sounds, words: Mapping[str, int]) -> tuple[Repair, ...]:
    """For each pair of Chinese characters of a normalised question that is no term of the
    index, the most frequent term (then jieba's most frequent word, then the first in character
    order) made by swapping one of them for another of the same sound that is also a jieba word.
    A character of a neighbouring pair the index holds as a word stays (乙方响应: 方响 is no
    typing error)."""

    def known(pair: str) -> bool:
        return pair in sounds.pairs and words.get(pair, 0) > 0

    out: list[Repair] = []
    for i in range(len(text) - 1):
        typed = text[i:i + 2]
        if typed in sounds.pairs or not (_HAN_RE.match(typed[0]) and _HAN_RE.match(typed[1])):
            continue
        kept = (i > 0 and known(text[i - 1:i + 1]), known(text[i + 1:i + 3]))
        best: tuple[int, int, str] | None = None
        for side in (0, 1):
            if kept[side]:
                continue
            char = typed[side]
            for sound in readings(char):
                for other in sounds.by_sound.get(sound, ()):
                    word = other + typed[1] if side == 0 else typed[0] + other
                    df = sounds.pairs.get(word, 0) if other != char else 0
                    if df and (freq := words.get(word, 0)) > 0:
                        key = (-df, -freq, word)
                        best = key if best is None or key < best else best
        if best is not None:
            out.append(Repair(typed, best[2], i))
    return tuple(out)


def dense_top(dense: np.ndarray, mask: np.ndarray, k: int) -> np.ndarray:
    """The positions of the ``k`` clauses in ``mask`` of highest cosine, best first (ties in
    index order)."""
    inside = np.flatnonzero(mask)
    scores = dense[inside]
    if len(inside) > k:
        cut = np.partition(scores, len(scores) - k)[len(scores) - k]
        keep = scores >= cut
        inside, scores = inside[keep], scores[keep]
    return inside[np.argsort(-scores, kind="stable")[:k]]


def confirmed_words(repairs: Iterable[Repair], texts: Sequence[str]) -> tuple[str, ...]:
    """The repaired words that one of ``texts`` (the dense ranking's first clauses) holds."""
    return tuple(dict.fromkeys(r.word for r in repairs if any(r.word in t for t in texts)))


def confirmed_repairs(pq: ParsedQuery, sounds: Sounds, words: Mapping[str, int], *,
                      dense: np.ndarray, mask: np.ndarray, search_text: Sequence[str],
                      top: int) -> tuple[Repair, ...]:
    """The repairs of ``pq``'s typing errors whose word one of the ``top`` clauses of highest
    cosine in ``mask`` holds."""
    if top <= 0 or not mask.any():
        return ()
    repairs = propose_repairs(pq.text, sounds, words)
    if not repairs:
        return ()
    texts = [search_text[i] for i in dense_top(dense, mask, top)]
    confirmed = set(confirmed_words(repairs, texts))
    return tuple(r for r in repairs if r.word in confirmed)


def with_repairs(pq: ParsedQuery, repairs: Iterable[Repair]) -> ParsedQuery:
    """``pq`` with the words of ``repairs`` added to its expansion terms, tokenised as thesaurus
    terms are (tokens the question has already left out); ``pq`` itself when none is new."""
    extra = [t for w in dict.fromkeys(r.word for r in repairs) for t in tokenize(w, "jieba")
             if t not in pq.tokens]
    if not extra:
        return pq
    return dataclasses.replace(pq, expansion=tuple(dict.fromkeys((*pq.expansion, *extra))))


def repaired_text(text: str, repairs: Iterable[Repair]) -> str:
    """``text`` with each repaired pair written as its word (压金多少 → 押金多少); a repair
    overlapping one already made is left out."""
    out, end = [], 0
    for r in sorted(repairs, key=lambda r: r.at):
        if r.at < end or text[r.at:r.at + 2] != r.typed:
            continue
        out += [text[end:r.at], r.word]
        end = r.at + 2
    return "".join(out) + text[end:]


def repaired_query(pq: ParsedQuery, sounds: Sounds, words: Mapping[str, int], *,
                   dense: np.ndarray, mask: np.ndarray, search_text: Sequence[str],
                   top: int) -> ParsedQuery:
    """``pq`` with the repairs of its typing errors that one of the ``top`` clauses of highest
    cosine in ``mask`` holds added to its expansion terms; ``pq`` itself when there are none."""
    return with_repairs(pq, confirmed_repairs(pq, sounds, words, dense=dense, mask=mask,
                                              search_text=search_text, top=top))
