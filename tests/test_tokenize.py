"""Tokens for BM25: bigrams, jieba with the contract dictionary, stopwords."""

from __future__ import annotations

import pytest

from index.store.tokenize import QUESTION_WORDS, content_words, tokenize


def test_bigrams_of_chinese_runs_and_ascii_words() -> None:
    assert tokenize("违约金 ABC 7.2", mode="bigram") == ["违约", "约金", "abc", "7.2"]


def test_single_character_run_is_kept() -> None:
    assert tokenize("费", mode="bigram") == ["费"]


def test_jieba_keeps_domain_words_whole() -> None:
    words = tokenize("乙方应支付违约金并承担违约责任", mode="jieba")
    assert "违约金" in words
    assert "违约责任" in words
    assert "乙方" in words


def test_user_dictionary_words() -> None:
    assert "质量保证期" in tokenize("在质量保证期内", mode="jieba")
    assert "不可抗力" in tokenize("因不可抗力导致", mode="jieba")


def test_union_mode() -> None:
    both = tokenize("乙方应支付违约金", mode="both")
    assert "方应" in both and "违约金" in both  # every bigram, across word boundaries
    assert both.count("乙方") == 1  # a jieba word and the same bigram count once
    assert "签" in tokenize("验收后要签什么", mode="both")  # single-character verbs stay


def test_unigrams_and_bigrams() -> None:
    assert tokenize("要签报告", mode="unibigram") == ["要签", "签报", "报告", "签", "报", "告"]


def test_question_words_are_not_content() -> None:
    assert content_words("乙方响应时间是多少") == ["乙方", "响应时间"]
    assert "怎么办" in QUESTION_WORDS
    assert not {"什么", "吗", "哪些"} & set(tokenize("服务包括哪些内容吗什么", mode="jieba"))


@pytest.mark.parametrize("mode", ["jieba", "bigram", "unibigram", "both"])
def test_tokenize_parts_is_exactly_tokenize_of_the_joined_text(mode: str) -> None:
    from index.store.tokenize import tokenize_parts

    parts = ["质量保证", "乙方响应时间为接到通知后两小时内", "甲方应支付维护费", "质量保证",
             "第 3.2 条 ab12 服务", "的"]
    memo: dict = {}
    assert tokenize_parts(parts, mode, memo) == tokenize(" ".join(parts), mode)  # type: ignore[arg-type]
    assert len(memo) == len(set(parts))


def test_preload_and_first_use_at_once_load_one_dictionary() -> None:
    import threading

    from index.store import tokenize as tk

    tk._JIEBA.clear()  # as in a new process
    found: list[object] = []
    threads = [tk.preload()] + [threading.Thread(target=lambda: found.append(tk._jieba()))
                                for _ in range(3)]
    for t in threads[1:]:
        t.start()
    for t in threads:
        t.join()
    assert len({id(x) for x in found}) == 1 and found[0] is tk._jieba()
    assert len(tk._JIEBA) == 1


def test_durations_and_percentages_in_words_and_digits_score_alike() -> None:
    from index.store.lexical import LexicalIndex

    docs = [tokenize("押金三个月内退还"), tokenize("押金一个月内退还"),
            tokenize("违约金为合同总价的百分之五"), tokenize("违约金为合同总价的百分之十")]
    index = LexicalIndex.build(docs)
    by_days = index.scores(tokenize("押金90天内退还"))
    assert by_days[0] > by_days[1]
    by_percent = index.scores(tokenize("违约金是不是5%"))
    assert by_percent[2] > by_percent[3]
    assert tokenize("三个月", "jieba")[-1] == tokenize("90天", "jieba")[-1] == "q:90d"
