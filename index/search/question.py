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
from ..store.characters import character_tokens
from ..store.tokenize import TokenMode, content_words, tokenize
from ..text import HAN, normalize_text, to_mainland
from .lookup import CITED_CHAPTER, Citation, cited_chapters, cited_numbers
from .scope import DESIGNATORS
from .thesaurus import Thesaurus

_WORD_RE = re.compile(rf"[\w{HAN}]")  # a letter, digit or Chinese character
_DEFINITION_Q = re.compile(r"是什么|什么是|指什么|是指|定义|含义|意思|释义|术语")
_LIST_Q = re.compile(r"包括|包含|哪些|哪几|有什么|什么内容|内容")
# What a question asks for, besides its subject: each intent has a cue in clauses
# (index.search.features) that ranking prefers. Consequence (会怎样), permission (能不能), who
# (谁) and duration (多久) intents were tried too and dropped: their learned weights were zero
# (docs/retrieval.md).
_INTENTS = {"definition": _DEFINITION_Q, "list": _LIST_Q}
# What closes a question and says nothing of it (？, 。, ！, ~, …): 押金退不退？ is asked and
# answered as 押金退不退 (it moved the question's vector enough to flip relevance; stop 34).
_CLOSING = re.compile(r"[\s?？。.!！~～…]+$")
# A question that asks for chapters and nothing beyond them (on normalised text): perhaps a
# name before them (劳动合同, 《…》, 完整版: Searcher checks that it names contracts), the
# chapters (第三章和第五章), and words that only ask what they say (讲什么, 写了什么, 的内容).
_CHAPTER = CITED_CHAPTER.pattern
_ABOUT = (r"(?:的|里|中|里面)?(?:都|主要|具体)?(?:怎么|如何|怎样)?"
          r"(?:讲|说|写|规定|约定|是|有|包括|包含)?"
          r"(?:了|的|些)?(?:什么|啥|哪些)?(?:内容|条款|条文|规定|全文)?(?:是什么|有哪些|有什么|是啥)?"
          r"(?:呢|吗|啊|呀)?")
_CHAPTERS_ONLY = re.compile(
    r"\s*(?:请问|请|麻烦)?(?:看看|看一下|查一下|显示|列出)?\s*(?P<name>.{0,40}?)\s*"
    rf"(?:的|里|中|里面)?\s*(?:{_CHAPTER})(?:\s*(?:和|与|及|以及|、|,)\s*(?:{_CHAPTER}))*"
    rf"\s*{_ABOUT}\s*[?？。!！.]*")
# 这份合同, 本合同: the contract in scope (a chat's /use one), named by no word of its own
_THIS_CONTRACT = re.compile(rf"(?:这个|这份|那份|该|本|此)?(?:{DESIGNATORS})")


@dataclass(frozen=True)
class ParsedQuery:
    """A question ready to search: normalised text, content tokens, expansion tokens, the
    characters of its content words, role, the clauses and chapters it cites by number."""

    text: str
    tokens: tuple[str, ...]
    expansion: tuple[str, ...]
    words: tuple[str, ...]
    role: str | None
    chars: tuple[str, ...] = ()
    cited: tuple[Citation, ...] = ()
    chapters: tuple[tuple[str, frozenset[str]], ...] = ()  # cited chapters: written, forms


def check_question(question: str) -> None:
    """Raise a QueryError for a question that cannot be searched: empty, too long, no words."""
    if not question or not question.strip():
        raise EmptyQuestionError("the question is empty")
    if len(question) > MAX_QUESTION:
        raise QuestionTooLongError(MAX_QUESTION)
    if not _WORD_RE.search(question):
        raise NoWordsError("the question has no words to search for")


def parse_query(
    question: str, *, thesaurus: Thesaurus | None = None, mode: TokenMode = "both"
) -> ParsedQuery:
    """Normalise a question and split it into content tokens and thesaurus expansion tokens."""
    text = _CLOSING.sub("", normalized := normalize_text(question)) or normalized
    tokens = tuple(tokenize(text, mode))
    expansion: list[str] = []
    readings = [text]
    # Taiwan words (軟體, 資料) read as the mainland's (软件, 数据): the other reading's words
    # are searched too, and nothing of the question's own is replaced
    if (mainland := _CLOSING.sub("", normalize_text(to_mainland(question)))) != text:
        readings.append(mainland)
        expansion.extend(t for t in tokenize(mainland, "jieba") if t not in tokens)
    if thesaurus is not None:
        for reading in readings:
            for term in thesaurus.expand(reading):
                expansion.extend(t for t in tokenize(term, "jieba") if t not in tokens)
    words = tuple(content_words(text))
    return ParsedQuery(
        text=text,
        tokens=tokens,
        expansion=tuple(dict.fromkeys(expansion)),
        words=words,
        role=asked_role(text),
        chars=tuple(character_tokens(" ".join(words))),  # question words are not content
        cited=cited_numbers(text),
        chapters=cited_chapters(text),
    )


def chapters_only(question: str) -> str | None:
    """What a normalised question writes before the chapters it cites when it asks for them
    and nothing else ('' for 第三章讲什么 and 这份合同的第三章, 劳动合同 for 劳动合同第三章,
    《…》 for 《…》第二部分的内容): their clauses are then quoted in the document's order, as
    /clause 第三章 quotes them, if that is a contract's name. None when it asks something of
    them (第三章里试用期多长: its clauses by how well they answer)."""
    m = _CHAPTERS_ONLY.fullmatch(question)
    if m is None:
        return None
    return "" if _THIS_CONTRACT.fullmatch(m.group("name")) else m.group("name")


def question_intents(question: str) -> frozenset[str]:
    """What a normalised question asks for: "definition", "list" (none, one or both)."""
    return frozenset(name for name, rx in _INTENTS.items() if rx.search(question))


def asked_role(question: str) -> str | None:
    """The one party a question is about ("乙方要…" -> "乙方"), None when none or several."""
    roles = [r for r in PARTIES if r in question]
    return roles[0] if len(roles) == 1 else None
