"""Typing errors of the same sound (压金 for 押金): proposed from the index's words, searched only
when a clause the dense ranking puts first holds the repaired word (index/search/homophones.py)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from index_corpus import parse_json, write_corpus

from index.build import build_index
from index.search import SearchConfig, Searcher
from index.search.homophones import (
    Repair,
    propose_repairs,
    readings,
    repaired_text,
    sounds_of,
)
from index.search.question import parse_query
from index.search.thesaurus import Thesaurus
from index.store.lexical import LexicalIndex
from index.store.tokenize import dictionary_words, tokenize

LEASE = {
    "key": "lease",
    "title": "房屋租赁合同",
    "parties": {"甲方": "出租人", "乙方": "承租人"},
    "clauses": [
        ["第一条", None, None, "租金为每月三千元，乙方应于每月五日前支付。"],
        ["第二条", None, None, "乙方未经甲方书面同意不得转租。"],
        ["第三条", None, None, "租赁期限为一年，自交房之日起计算。"],
        ["第四条", None, None, "乙方应在接到甲方通知后两小时内响应。"],
        ["第五条", None, None, "押金为两个月租金，租赁期满后甲方无息退还。"],
    ],
}


class KeywordEncoder:
    """A stand-in model whose cosines a test can read off: a text's vector counts the
    occurrences of one keyword, beside a constant (an index is built and asked with it)."""

    name = "keyword-test"
    dim = 2

    def __init__(self, keyword: str) -> None:
        self.keyword = keyword

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        rows = np.array([[t.count(self.keyword), 0.1] for t in texts], dtype=np.float32)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.encode(texts)


@pytest.fixture(scope="module")
def indexes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """LEASE indexed with the keyword 金, and with the keyword 乙方."""
    root = tmp_path_factory.mktemp("homophones")
    write_corpus(root / "src", LEASE)
    for keyword in ("金", "乙方"):
        build_index([root / "src"], root / keyword, KeywordEncoder(keyword), parse=parse_json,
                    progress=False)
    return {k: root / k for k in ("金", "乙方")}


def sounds():
    """The sounds of an index of LEASE's clause texts."""
    index = LexicalIndex.build([tokenize(str(row[3])) for row in LEASE["clauses"]])
    return sounds_of(index.vocab, index.document_frequencies())


def propose(question: str) -> tuple[Repair, ...]:
    return propose_repairs(parse_query(question).text, sounds(), dictionary_words())


def ask(indexes: dict[str, Path], question: str, *, keyword: str = "金", top: int = 3):
    searcher = Searcher(indexes[keyword], KeywordEncoder(keyword),
                        SearchConfig(homophone_top=top))
    sig = searcher.signals(question)
    return sig, [h.clause.clause for h in searcher.rank(sig).hits]


def test_readings_are_pypinyins_toneless_readings_of_a_character() -> None:
    """``readings`` reads pypinyin's table without importing the package (a fifth of the time,
    a quarter of the memory): every reading of a character, as pypinyin.pinyin gives them."""
    from pypinyin import Style, pinyin
    from pypinyin.pinyin_dict import pinyin_dict

    assert readings("押") == ("ya", "xia", "jia") and readings("绿") == ("lv", "lu")
    assert readings("a") == () and readings("𠮶") == ()
    for code in list(pinyin_dict)[::7]:  # a seventh of its 41,923 characters: 0.2 s
        char = chr(code)
        assert readings(char) == tuple(pinyin(char, style=Style.NORMAL, heteronym=True)[0])


def test_a_pair_of_no_clause_is_taken_for_the_word_of_its_sound() -> None:
    assert propose("压金多少") == (Repair("压金", "押金", 0),)
    assert propose("壓金多少？") == (Repair("压金", "押金", 0),)  # Traditional, as normalised


def test_a_character_of_a_neighbouring_word_stays() -> None:
    """方响 is in no clause, but 乙方 and 响应 are words of the index: nothing is typed wrong."""
    assert "方响" not in sounds().pairs
    assert propose("乙方响应") == ()


def test_a_question_of_the_index_terms_only_is_left_alone() -> None:
    assert all(p in sounds().pairs for p in ("无息", "息退", "退还"))
    assert propose("无息退还") == ()


def test_the_same_question_gets_the_same_repair() -> None:
    assert propose("压金多少") == propose("压金多少")


def test_a_repair_the_dense_ranking_confirms_is_searched(indexes: dict[str, Path]) -> None:
    """第一条 (租金) has the best cosine and 第五条 (押金) is among the three first: 押金 is
    searched, and its clause goes first; with the repair off, the dense ranking's first stays."""
    sig, hits = ask(indexes, "压金多少")
    assert "押金" in sig.query.expansion and sig.lexical_expansion[4] > 0
    assert hits[0] == "第五条"
    off, hits_off = ask(indexes, "压金多少", top=0)
    assert off.query == parse_query("压金多少", thesaurus=Thesaurus.load())
    assert not off.lexical_expansion.any() and hits_off[0] == "第一条"
    again, hits_again = ask(indexes, "压金多少")
    assert again.query == sig.query and hits_again == hits


def test_a_repair_in_no_clause_of_the_dense_top_is_not_searched(
        indexes: dict[str, Path]) -> None:
    """Asked with 乙方, the three clauses of best cosine are those of 乙方 (第一、二、四条): 押金
    is in none of them, so it is not searched, and the answer is the one without the repair."""
    assert propose("乙方压金多少") == (Repair("压金", "押金", 2),)
    sig, hits = ask(indexes, "乙方压金多少", keyword="乙方")
    off, hits_off = ask(indexes, "乙方压金多少", keyword="乙方", top=0)
    assert "押金" not in sig.query.expansion and sig.query == off.query
    assert np.array_equal(sig.lexical_expansion, off.lexical_expansion) and hits == hits_off


class TwoKeywordEncoder:
    """A stand-in model of two keywords: a text's vector counts 金 and 押, beside a constant."""

    name = "two-keywords-test"
    dim = 3

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        rows = np.array([[t.count("金"), t.count("押"), 0.1] for t in texts], dtype=np.float32)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.encode(texts)


def test_a_repaired_text_writes_each_pair_as_its_word() -> None:
    assert repaired_text("压金多少", [Repair("压金", "押金", 0)]) == "押金多少"
    assert repaired_text("交压金和房组", [Repair("房组", "房租", 4), Repair("压金", "押金", 1)]) \
        == "交押金和房租"
    # overlapping: the first stays; a repair that no longer matches the text is left out
    assert repaired_text("压金多", [Repair("压金", "押金", 0), Repair("金多", "金朵", 1)]) \
        == "押金多"
    assert repaired_text("押金多少", [Repair("压金", "押金", 0)]) == "押金多少"
    assert repaired_text("多少", []) == "多少"


def test_a_confirmed_repair_is_read_as_it_was_meant_too(tmp_path: Path) -> None:
    """With ``homophone_dense`` (off by default): 压金多少 reads as 金 alone, 第一条 (租金)
    first, 第五条 (押金, 租金) second, so 押金 is confirmed. Embedded again as 押金多少, 第五条's
    cosine rises to that of the meant question (0.95 from 0.89); 第一条 keeps its better one.
    Off, the cosines are the typed question's."""
    write_corpus(tmp_path / "src", LEASE)
    build_index([tmp_path / "src"], tmp_path / "idx", TwoKeywordEncoder(), parse=parse_json,
                progress=False)
    enc = TwoKeywordEncoder()
    on = Searcher(tmp_path / "idx", enc,
                  SearchConfig(homophone_top=3, homophone_dense=True)).signals("压金多少")
    off = Searcher(tmp_path / "idx", enc, SearchConfig(homophone_top=3)).signals("压金多少")
    typed, meant = enc.encode_queries(["压金多少", "押金多少"])
    clauses = enc.encode([str(row[3]) for row in LEASE["clauses"]])
    assert np.allclose(off.dense, clauses @ typed, atol=1e-6)
    assert np.allclose(on.dense, np.maximum(clauses @ typed, clauses @ meant), atol=1e-6)
    assert on.dense[4] > off.dense[4] + 0.05 and on.dense[0] == pytest.approx(off.dense[0])
    assert "押金" in on.query.expansion and on.query == off.query
