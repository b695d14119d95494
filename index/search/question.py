"""A question ready to search: checked, normalised, tokenised, expanded, and what it asks for.

Everything works on Simplified, half-width text (``index.text.normalize_text``) so the question
and the index agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import EmptyQuestionError, NoWordsError, QuestionTooLongError
from ..limits import MAX_QUESTION
from ..roles import PARTIES
from ..store.tokenize import TokenMode, content_words, tokenize
from ..text import normalize_text
from .thesaurus import Thesaurus

_WORD_RE = re.compile(r"[\w\u3400-\u9fff]")  # a letter, digit or Chinese character
_DEFINITION_Q = re.compile(r"是什么|什么是|指什么|是指|定义|含义|意思|释义|术语")
_LIST_Q = re.compile(r"包括|包含|哪些|哪几|有什么|什么内容|内容")
# What a question asks for, besides its subject: each intent has a cue in clauses
# (index.search.features) that ranking may prefer, with a weight learned per encoder.
_INTENTS = {
    "definition": _DEFINITION_Q,
    "list": _LIST_Q,
    "consequence": re.compile(r"会怎[样么]|怎么办|怎么处理|如何处理|后果|责任|赔|罚|违约"
                              r"|不[交付还]|拖欠|逾期|迟延|延迟"),
    "permission": re.compile(r"能不能|能否|可不可以|可以不|可以吗|是否可以|是否能|有没有权"
                             r"|有权|允许|准许|必须|需不需要|要不要|得不得"),
    "who": re.compile(r"谁|哪一方|哪方|哪个部门|由谁"),
    "duration": re.compile(r"多久|多长|多少天|几天|几个月|几年|期限|时限|期间|什么时候|何时"
                           r"|哪天|截止|之前|以内|内完成"),
}


@dataclass(frozen=True)
class ParsedQuery:
    """A question ready to search: normalised text, content tokens, expansion tokens, role."""

    text: str
    tokens: tuple[str, ...]
    expansion: tuple[str, ...]
    words: tuple[str, ...]
    role: str | None


def check_question(question: str) -> None:
    """Raise a QueryError for a question that cannot be searched: empty, too long, no words."""
    if not question or not question.strip():
        raise EmptyQuestionError("the question is empty")
    if len(question) > MAX_QUESTION:
        raise QuestionTooLongError(MAX_QUESTION)
    if not _WORD_RE.search(question):
        raise NoWordsError("the question has no words to search for")


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


def question_intents(question: str) -> frozenset[str]:
    """What a normalised question asks for: "definition", "list", "consequence",
    "permission", "who", "duration" (none, one or several)."""
    return frozenset(name for name, rx in _INTENTS.items() if rx.search(question))


def asks_definition(question: str) -> bool:
    """True when a question asks what a term means (then definition clauses are answers)."""
    return _DEFINITION_Q.search(question) is not None


def asks_list(question: str) -> bool:
    """True when a question asks for an enumeration (包括哪些 / 有什么内容)."""
    return _LIST_Q.search(question) is not None


def asked_role(question: str) -> str | None:
    """The one party a question is about ("乙方要…" -> "乙方"), None when none or several."""
    roles = [r for r in PARTIES if r in question]
    return roles[0] if len(roles) == 1 else None
