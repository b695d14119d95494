"""Chinese tokens for BM25: jieba words with a contract dictionary, character bigrams, or both.

bm25s keeps a run of Chinese characters as one token, so we give it pre-tokenised input.
Input is expected in Simplified, half-width (see ``index.text.normalize_text``).
"""

from __future__ import annotations

import re
import tempfile
import threading
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from ..numerals import quantity_tokens
from ..text import HAN
from .private import private_dir

TokenMode = Literal["jieba", "bigram", "unibigram", "both"]
DEFAULT_MODE: TokenMode = "both"  # measured best (docs/retrieval.md)

_RUN_RE = re.compile(rf"[{HAN}]+|[a-z0-9]+(?:\.[0-9]+)*")  # a Chinese run, or a Latin one
_WORD_RE = re.compile(rf"[{HAN}a-z0-9]")

# Words that carry no content in a question or a clause: question words, particles, glue.
QUESTION_WORDS = frozenset(
    """多少 谁 怎么办 怎么 怎样 怎么样 吗 呢 吧 啊 哪些 哪个 哪份 哪 什么 如何
    是否 几 几个 何时 什么时候 为什么 请问 可以 能否 能不能 有没有 是不是
    要不要 会不会 需不需要 具体 告诉 一下 那份 这份 里 里面""".split()
)
# Cantonese (Hong Kong) question words and particles, as questions are read (in Simplified:
# 邊個 is 边个, 嗰 is 𠮶): none is in a contract's text, so clauses tokenize as before.
CANTONESE_WORDS = frozenset(
    """几多 边个 几时 点样 点算 点搞 点做 点解 点办 会点 有冇 系唔系 系咪 可唔可以 得唔得
    要唔要 会唔会 使唔使 咩 乜嘢 唔 冇 咗 嘅 啲 𠮶 嗰 佢 哋 我哋 佢哋 嘢 喺 咁 噉 呀 啦 喎
    嘛 吖 嚟 俾""".split()
)
STOPWORDS = QUESTION_WORDS | CANTONESE_WORDS | frozenset(
    """的 了 是 在 和 与 及 或 等 对 为 之 其 该 本 此 并 将 被 把 由 从 于 以
    也 都 就 要 会 有 中 上 下 个 后 时 内 所 应 则 即 如 若 而 且 但 向 给 跟
    我 你 他 她 它 们 这 那 没有 进行 一 二""".split()
)


_JIEBA_LOCK = threading.Lock()
_JIEBA: list[Any] = []  # the tokenizer, once loaded


def cache_dir() -> str:
    """A private folder for jieba's dictionary cache: its default, /tmp/jieba.cache, is a
    file any local user could plant (jieba loads it with marshal). ~/.cache/contractbot, or
    a fresh temporary folder when the home folder cannot be written."""
    try:
        return str(private_dir(Path.home() / ".cache" / "contractbot"))
    except (OSError, RuntimeError):
        return tempfile.mkdtemp(prefix="contractbot-")


def _jieba() -> Any:
    """A private jieba tokenizer (global jieba state stays untouched) with our user dictionary.

    Loaded once per process under a lock, so a background ``preload`` and the first caller
    never load the 9 MB dictionary twice."""
    if _JIEBA:
        return _JIEBA[0]
    with _JIEBA_LOCK:
        if not _JIEBA:
            import logging

            import jieba

            jieba.setLogLevel(logging.WARNING)
            tok = jieba.Tokenizer()
            tok.tmp_dir = cache_dir()
            path = resources.files("index") / "data" / "userdict.txt"
            with resources.as_file(path) as p:
                tok.load_userdict(str(p))
            _JIEBA.append(tok)
    return _JIEBA[0]


def cut_words(text: str, *, guess: bool = True) -> list[str]:
    """The words of a normalised text in jieba's precise mode, punctuation included, nothing
    dropped: where a word stands on its own (质量保证金 is one word, 租房 押金 two), as
    ``tokenize`` does not tell (it also gives a long word's parts). ``guess=False``: only the
    dictionary's words, unknown characters one by one (jieba's HMM guesses none)."""
    return list(_jieba().lcut(text.lower(), HMM=guess))


def dictionary_words() -> Mapping[str, int]:
    """jieba's dictionary with our user dictionary: word -> frequency (a word's prefixes are
    there too, at 0)."""
    freq: Mapping[str, int] = _jieba().FREQ
    return freq


def load_dictionary() -> None:
    """Load jieba's dictionary now, in this thread (0.6 s; a worker does it before its first
    source's clock starts)."""
    _jieba()


def preload() -> threading.Thread:
    """Start loading jieba's dictionary (0.6 s) in a background thread; returns the thread."""
    thread = threading.Thread(target=_jieba, name="jieba-preload", daemon=True)
    thread.start()
    return thread


def _bigrams(text: str) -> list[str]:
    out: list[str] = []
    for run in _RUN_RE.findall(text):
        if run[0].isascii():  # a Latin run (_RUN_RE)
            out.append(run)
        elif len(run) == 1:
            out.append(run)
        else:
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


def _han_chars(text: str) -> list[str]:
    return [c for run in _RUN_RE.findall(text) if not run[0].isascii() and len(run) > 1
            for c in run]


def _jieba_words(text: str) -> list[str]:
    return [w for w in _jieba().lcut_for_search(text) if _WORD_RE.search(w)]


def tokenize(text: str, mode: TokenMode = DEFAULT_MODE, drop_stopwords: bool = True) -> list[str]:
    """Tokens of a normalised text for BM25, then one canonical token per duration or
    percentage (``index.numerals.quantity_tokens``: 三个月, 3个月 and 90天 are one token).

    ``jieba``: words (search mode: a long word also gives its parts); ``bigram``: character
    bigrams of every Chinese run; ``unibigram``: bigrams plus single characters; ``both``: jieba
    words plus every bigram that is not already a jieba word (the measured best: jieba keeps
    single-character verbs like 签/赔, bigrams match where jieba splits question and clause apart).
    """
    text = text.lower()
    if mode == "bigram":
        words = _bigrams(text)
    elif mode == "unibigram":
        words = _bigrams(text) + _han_chars(text)
    else:
        words = _jieba_words(text)
        if mode == "both":
            seen = set(words)
            words.extend(g for g in _bigrams(text) if g not in seen)
    if drop_stopwords:
        words = [w for w in words if w not in STOPWORDS]
    return words + quantity_tokens(text)


def _raw(text: str, mode: TokenMode) -> tuple[list[str], list[str]]:
    """The two token lists ``tokenize`` puts one after the other (jieba words and bigrams, or
    bigrams and characters), of one piece of text, before stopwords."""
    text = text.lower()
    if mode == "bigram":
        return _bigrams(text), []
    if mode == "unibigram":
        return _bigrams(text), _han_chars(text)
    return _jieba_words(text), (_bigrams(text) if mode == "both" else [])


def tokenize_parts(parts: Sequence[str], mode: TokenMode = DEFAULT_MODE,
                   memo: dict[str, tuple[list[str], list[str]]] | None = None) -> list[str]:
    """Exactly ``tokenize(" ".join(parts), mode)``, tokenizing each distinct part once.

    A space never falls inside a token, so the tokens of joined parts are the parts' tokens in
    order; a build's search texts repeat the same titles and clause texts many times over.
    """
    memo = {} if memo is None else memo
    words: list[str] = []
    extra: list[str] = []
    for part in parts:
        raw = memo.get(part)
        if raw is None:
            raw = memo[part] = _raw(part, mode)
        words.extend(raw[0])
        extra.extend(raw[1])
    if mode == "both":
        seen = set(words)
        words.extend(g for g in extra if g not in seen)
    else:
        words.extend(extra)
    quantities = quantity_tokens(" ".join(parts).lower())  # a regex: cheap on the whole text
    return [w for w in words if w not in STOPWORDS] + quantities


def content_words(text: str) -> list[str]:
    """The jieba words of a question that carry content (question words and glue removed)."""
    words = _jieba().lcut(text.lower())
    return [w for w in words if _WORD_RE.search(w) and w not in STOPWORDS]
