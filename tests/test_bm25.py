"""Our BM25 arrays: the scores bm25s computes, ranks on a tiny corpus, rows carried over."""

from __future__ import annotations

import numpy as np

from index.store.lexical import LexicalIndex

DOCS = [
    ["乙方", "响应", "时间", "两", "小时"],
    ["甲方", "支付", "维护", "费用", "费用"],
    ["违约金", "合同", "总额", "违约金"],
    [],
    ["乙方", "维护", "系统", "响应"],
]


def test_ranks_on_a_tiny_corpus() -> None:
    index = LexicalIndex.build(DOCS)
    ranked = np.argsort(-index.scores(["乙方", "响应"]), kind="stable")
    assert [int(i) for i in ranked[:2]] == [4, 0]  # both hold both words; 4 is shorter
    assert int(np.argmax(index.scores(["违约金"]))) == 2
    assert not index.scores(["不存在"]).any() and not index.scores([]).any()
    assert (index.scores(["费用", "费用"]) == index.scores(["费用"])).all()  # once per term


def test_scores_equal_bm25s_lucene() -> None:
    import bm25s

    reference = bm25s.BM25()
    reference.index([d or [""] for d in DOCS], show_progress=False)
    ours = LexicalIndex.build(DOCS)
    for query in (["乙方", "响应"], ["维护", "费用"], ["违约金", "合同", "乙方"]):
        ids = [reference.vocab_dict[t] for t in query]
        np.testing.assert_allclose(ours.scores(query), reference.get_scores_from_ids(ids),
                                   rtol=1e-5, atol=1e-6)


def test_rows_carried_into_a_new_index_score_the_same(tmp_path) -> None:
    first = LexicalIndex.build(DOCS)
    first.save(tmp_path)
    loaded = LexicalIndex.load(tmp_path, len(DOCS))
    again = LexicalIndex.build([loaded.row(i) for i in range(len(DOCS))], loaded.vocab)
    for query in (["乙方"], ["费用", "系统"]):
        np.testing.assert_array_equal(again.scores(query), first.scores(query))
    grown = LexicalIndex.build([loaded.row(0), ["新", "条款", "乙方"]], loaded.vocab)
    assert grown.num_docs == 2 and grown.vocab[: len(loaded.vocab)] == loaded.vocab
    assert grown.scores(["条款"])[1] > 0
