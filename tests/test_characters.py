"""The character field: single Chinese characters, stopwords dropped, built in array code."""

from __future__ import annotations

import numpy as np
import pytest

from index.store.characters import build_character_index, character_tokens
from index.store.lexical import LexicalIndex


def test_every_chinese_character_but_stopwords() -> None:
    assert character_tokens("租赁期限为一年，CPU 甲") == ["租", "赁", "期", "限", "年", "甲"]
    assert character_tokens("㐀𠀀") == ["㐀"]  # extension A is kept; beyond the BMP is not


TEXTS = ["租赁期限为一年，自交房之日起计算。", "", "押金为两个月租金，租赁期满后甲方无息退还。",
         "CPU 7.2", "乙方未经甲方书面同意不得转租。"]


@pytest.mark.parametrize("question", ["租期", "甲方退押金", "的了", "年"])
def test_the_array_build_scores_as_token_lists_would(question: str) -> None:
    fast = build_character_index(TEXTS)
    lists = LexicalIndex.build([character_tokens(t) for t in TEXTS])
    assert fast.num_docs == len(TEXTS)
    q = character_tokens(question)
    assert np.allclose(fast.scores(q), lists.scores(q))


def test_exact_scores_of_a_tiny_field() -> None:
    field = build_character_index(["甲乙", "甲甲", "丙"])
    # 甲 is in 2 of 3 texts: idf ln(1 + 1.5/2.5); lengths 2, 2, 1 (average 5/3)
    idf = np.log(1 + 1.5 / 2.5)
    norm = 1.5 * (0.25 + 0.75 * 2 / (5 / 3))
    assert field.scores(["甲"]).tolist() == pytest.approx(
        [idf / (norm + 1), idf * 2 / (norm + 2), 0.0])
    assert build_character_index([]).scores(["甲"]).tolist() == []
