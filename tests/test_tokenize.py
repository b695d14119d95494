"""Tokens for BM25: bigrams, jieba with the contract dictionary, stopwords."""

from __future__ import annotations

from index.tokenize import QUESTION_WORDS, content_words, tokenize


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
