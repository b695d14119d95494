"""Ranking maths on hand-made arrays: fusion, structure adjustments, top-k, relevance."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from index.search.config import SearchConfig
from index.search.features import ClauseFeatures, is_definition
from index.search.ranking import (
    adjust_for_structure,
    coverage,
    fuse,
    lift_cited,
    merge_same_text,
    pick_hits,
    rrf,
    scaled,
    spread_over_contracts,
    top_positions,
    without_bare_headings,
)

ALL = np.ones(4, dtype=bool)


def features(**given: object) -> ClauseFeatures:
    """Four clauses with no structure, but what ``given`` sets."""
    none = np.array([None] * 4, dtype=object)
    base: dict[str, object] = {
        "parent": np.full(4, -1, dtype=np.int64), "heading": np.zeros(4, dtype=bool),
        "actor": none, "obligor": none, "condition": none,
        "listing": np.zeros(4, dtype=bool), "definition": np.zeros(4, dtype=bool),
    }
    base.update(given)
    return ClauseFeatures(**base)  # type: ignore[arg-type]


def test_rrf_exact_scores_and_order() -> None:
    fused = rrf([["a", "b", "c"], ["c", "a", "d"]], k=1)
    # a: 1/2 + 1/3, c: 1/4 + 1/2, b: 1/3, d: 1/4
    assert [d for d, _ in fused] == ["a", "c", "b", "d"]
    assert fused[0][1] == pytest.approx(1 / 2 + 1 / 3)
    assert fused[1][1] == pytest.approx(1 / 4 + 1 / 2)


def test_rrf_ties_keep_first_seen_and_weights_count() -> None:
    assert [d for d, _ in rrf([["x", "y", "z"], ["z", "w", "x"]], k=1000)][:2] == ["x", "z"]
    assert [d for d, _ in rrf([["a", "b"], ["b", "a"]], k=0, weights=[1.0, 3.0])] == ["b", "a"]


def test_scaled_only_inside_the_mask() -> None:
    mask = np.array([True, True, False, True])
    assert scaled(np.array([2.0, 4.0, 100.0, 3.0]), mask).tolist() == [0.0, 1.0, 0.0, 0.5]
    assert scaled(np.array([1.0, 1.0, 1.0, 1.0]), ALL).tolist() == [0.0] * 4
    assert scaled(np.array([1.0, 2.0, 3.0, 4.0]), np.zeros(4, dtype=bool)).tolist() == [0.0] * 4


def test_weighted_fusion_exact() -> None:
    cfg = SearchConfig(bm25_weight=0.5, title_weight=0.0)
    lexical = np.array([4.0, 2.0, 0.0, 0.0])  # scaled 1, .5, 0, 0
    dense = np.array([0.1, 0.5, 0.3, 0.1])  # scaled 0, 1, .5, 0
    fused = fuse(lexical, np.zeros(4), dense, ALL, cfg)
    assert fused.tolist() == pytest.approx([0.5, 0.75, 0.25, 0.0])
    titled = fuse(lexical, np.array([0.0, 0.0, 0.0, 2.0]), dense, ALL,
                  SearchConfig(bm25_weight=1.0, title_weight=0.5))
    assert titled.tolist() == pytest.approx([0.5, 0.25, 0.0, 0.5])


def test_single_characters_count_below_words() -> None:
    cfg = SearchConfig(bm25_weight=1.0, title_weight=0.0, char_weight=0.1)
    words = np.array([2.0, 0.0, 1.0, 0.0])  # scaled 1, 0, .5, 0
    chars = np.array([0.0, 5.0, 5.0, 0.0])  # scaled 0, 1, 1, 0
    fused = fuse(words, np.zeros(4), np.zeros(4), ALL, cfg, chars=chars)
    assert fused.tolist() == pytest.approx([1 / 1.1, 0.1 / 1.1, 0.6 / 1.1, 0.0])
    # no word in common with any clause: the characters still count only their share, so
    # the dense score decides (in a short contract every clause has a character in common)
    half = SearchConfig(bm25_weight=0.5, title_weight=0.0, char_weight=0.1)
    dense = np.array([0.0, 0.0, 0.0, 1.0])
    fused = fuse(np.zeros(4), np.zeros(4), dense, ALL, half, chars=chars)
    assert fused.tolist() == pytest.approx([0.0, 0.05 / 1.1, 0.05 / 1.1, 0.5])
    off = fuse(words, np.zeros(4), np.zeros(4), ALL, replace(cfg, char_weight=0.0), chars=chars)
    assert off.tolist() == pytest.approx([1.0, 0.0, 0.5, 0.0])


def test_rrf_fusion_ranks_lexical_hits_then_dense() -> None:
    cfg = SearchConfig(fusion="rrf", rrf_k=1)
    fused = fuse(np.array([0.0, 3.0, 1.0, 0.0]), np.zeros(4), np.array([0.9, 0.1, 0.2, 0.3]),
                 ALL, cfg)
    # lexical ranks: 1, 2 (0 and 3 have no lexical score); dense ranks: 0, 3, 2, 1
    assert fused.tolist() == pytest.approx([1 / 2, 1 / 2 + 1 / 5, 1 / 3 + 1 / 4, 1 / 3])


def test_a_heading_takes_a_share_of_its_best_child() -> None:
    f = features(parent=np.array([-1, 0, 0, -1]))
    out = adjust_for_structure(np.array([0.2, 1.0, 0.4, 0.0]), ALL, f,
                               SearchConfig(child_weight=0.3, definition_penalty=0.0))
    assert out.tolist() == pytest.approx([0.3 * 1.0 + 0.7 * 0.2, 1.0, 0.4, 0.0])


def test_the_asked_party_acting_wins_over_another_partys_duty() -> None:
    f = features(actor=np.array(["乙方", "甲方", None, "甲方"], dtype=object),
                 obligor=np.array([None, "甲方", "甲方", "甲方"], dtype=object),
                 condition=np.array([None, None, None, "乙方"], dtype=object))
    cfg = SearchConfig(child_weight=0.0, role_bonus=0.1, role_penalty=0.2,
                       definition_penalty=0.0)
    out = adjust_for_structure(np.array([0.0, 1.0, 0.5, 0.5]), ALL, f, cfg, role="乙方")
    # span 1: 乙方 acts in 0 (+0.1); 甲方's duty in 1 and 2 (-0.2); 3 is about 乙方's condition
    assert out.tolist() == pytest.approx([0.1, 0.8, 0.3, 0.5])
    assert adjust_for_structure(np.array([0.0, 1.0, 0.5, 0.5]), ALL, f, cfg).tolist() == \
        pytest.approx([0.0, 1.0, 0.5, 0.5])


def test_list_questions_and_definitions() -> None:
    f = features(listing=np.array([False, True, False, False]),
                 definition=np.array([False, False, True, False]))
    cfg = SearchConfig(child_weight=0.0, list_bonus=0.1, definition_penalty=0.3)
    scores = np.array([1.0, 0.9, 0.95, 0.0])
    assert top_positions(adjust_for_structure(scores, ALL, f, cfg), ALL, 4) == [0, 1, 2, 3]
    listed = adjust_for_structure(scores, ALL, f, cfg, intents=frozenset({"list", "definition"}))
    assert listed.tolist() == pytest.approx([1.0, 1.0, 0.95, 0.0])
    assert adjust_for_structure(scores, ALL, f, cfg, intents=frozenset({"list"}))[2] == \
        pytest.approx(0.65)


def test_top_positions_best_first_ties_in_index_order() -> None:
    scores = np.array([0.5, 0.9, 0.5, 0.1, 0.9])
    mask = np.array([True, True, True, True, False])
    assert top_positions(scores, mask, 3) == [1, 0, 2]
    assert top_positions(scores, np.ones(5, dtype=bool), 2) == [1, 4]
    assert top_positions(scores, mask, 0) == []


def test_a_bare_heading_goes_when_its_sub_clause_is_there() -> None:
    f = features(parent=np.array([-1, 0, -1, 2]), heading=np.array([True, False, False, False]))
    assert without_bare_headings([0, 1, 2, 3], f) == [1, 2, 3]
    assert without_bare_headings([0, 2], f) == [0, 2]


def test_relevance_by_dense_score_or_word_coverage() -> None:
    cfg = SearchConfig(min_dense=0.3, weak_dense=0.2, min_coverage=0.5)
    assert coverage(["押金", "退还"], "押金于租期届满后返还", {"退还": ("返还",)}) == 1.0
    assert coverage(["押金", "利息"], "押金于租期届满后返还", {}) == 0.5
    assert coverage([], "text", {}) == 0.0
    assert cfg.is_relevant(0.31, 0.0) and cfg.is_relevant(0.3, 0.0)  # at the bound: relevant
    assert cfg.is_relevant(0.2, 0.5) and not cfg.is_relevant(0.19, 0.5)
    assert cfg.is_relevant(0.25, 0.5) and not cfg.is_relevant(0.25, 0.4)
    assert not cfg.is_relevant(0.19, 1.0)
    # limited to contracts it names, a question whose hit holds every word it asks is on topic
    assert cfg.is_relevant(0.0, 1.0, scoped=True) and not cfg.is_relevant(0.0, 0.99, scoped=True)
    assert not cfg.is_relevant(0.1, 0.99, scoped=True) and cfg.is_relevant(0.25, 0.5, scoped=True)


def test_learned_knobs_are_found_under_an_encoders_short_name_too() -> None:
    """`scripts/evaluate.py --encoder e5` scored with the untuned defaults (every question on
    topic) while `e5` is README's short name for e5-small."""
    for short, full in (("e5", "e5-small"), ("use", "use-multilingual"),
                        ("usem3", "use-multilingual")):
        assert SearchConfig.for_encoder(short) == SearchConfig.for_encoder(full)
    assert SearchConfig.for_encoder("e5").min_dense > 0 > SearchConfig().min_dense
    assert SearchConfig.for_encoder("some/st-model") == SearchConfig()


def test_definition_clauses() -> None:
    assert is_definition("“维护服务”指乙方为甲方提供的……")
    assert is_definition("1.2 \"系统\"或“平台”是指……")
    assert not is_definition("乙方应提供维护服务")


def test_copies_fold_into_the_first_and_contracts_take_turns() -> None:
    contract_of = np.array(["a", "b", "a", "c", "a", "b"], dtype=object)
    same_text = np.array([0, 0, 1, 2, 3, 1])  # 0 and 1 are one text; so are 2 and 5
    merged = merge_same_text([0, 1, 2, 3, 4, 5], same_text, contract_of)
    assert merged == [(0, [1]), (2, [5]), (3, []), (4, [])]
    assert merge_same_text([2, 4], np.array([0, 0, 0, 0, 0, 0]), contract_of) == [
        (2, []), (4, [])]  # the same text twice in one contract is two answers
    assert spread_over_contracts(merged, contract_of, 1) == [(0, [1]), (3, []), (2, [5]),
                                                           (4, [])]
    assert spread_over_contracts(merged, contract_of, 0) == merged


def test_a_cited_clause_goes_above_all_others_and_keeps_its_sub_clauses() -> None:
    fused = np.array([0.9, 0.2, 0.5, 0.1])
    cited = np.array([False, True, False, True])
    assert lift_cited(fused, ALL, cited).tolist() == pytest.approx([0.9, 2.0, 0.5, 1.9])
    assert lift_cited(fused, ALL, np.zeros(4, dtype=bool)).tolist() == fused.tolist()
    # out of scope, a cited clause stays where it was
    scope = np.array([True, False, True, True])
    assert lift_cited(fused, scope, cited).tolist() == pytest.approx([0.9, 0.2, 0.5, 1.9])
    # 0 is a bare heading cited by number: it stays, and its sub-clause 1 (and 1's own, 2) go
    f = features(parent=np.array([-1, 0, 1, -1]), heading=np.array([True, False, False, False]))
    assert without_bare_headings([1, 0, 2, 3], f, np.array([True, False, False, False])) \
        == [0, 3]
    assert without_bare_headings([1, 0, 2, 3], f) == [1, 2, 3]


def test_pick_hits_drops_bare_headings_folds_copies_and_spreads() -> None:
    # 0 is a bare heading over 1; 2 and 3 are one text in contracts a and b
    f = features(parent=np.array([-1, 0, -1, -1]), heading=np.array([True, False, False, False]))
    fused = np.array([0.9, 0.8, 0.7, 0.6])
    contract_of = np.array(["a", "a", "a", "b"], dtype=object)
    same_text = np.array([0, 1, 2, 2])
    assert pick_hits(fused, ALL, f, same_text, contract_of, 3) == [(1, []), (2, [3])]
    assert pick_hits(fused, ALL, f, same_text, contract_of, 1) == [(1, [])]
    assert pick_hits(fused, ALL, f, same_text, contract_of, 0) == []
    other = np.array([0, 1, 2, 3])  # all texts distinct: the third hit of a waits for b
    assert pick_hits(fused, ALL, f, other, contract_of, 3, per_contract=1) == [
        (1, []), (3, []), (2, [])]
    assert pick_hits(fused, ALL, f, other, contract_of, 3) == [(1, []), (2, []), (3, [])]


def test_cited_clauses_lift_in_index_order_when_asked_and_lead_the_spread() -> None:
    """A question asking for a chapter and nothing else (劳动合同第三章) quotes its clauses in
    the document's order, whatever their scores; and cited clauses come before every other
    clause even when one contract has more of them than ``per_contract``: the third clause of
    a's chapter went after b's best uncited clause."""
    fused = np.array([0.1, 0.9, 0.5, 0.7])
    cited = np.array([True, True, True, False])
    lifted = lift_cited(fused, ALL, cited, in_order=True)
    assert list(np.argsort(-lifted, kind="stable")) == [0, 1, 2, 3]
    assert lift_cited(fused, ALL, cited).tolist() == pytest.approx([1.9, 2.7, 2.3, 0.7])
    contract_of = np.array(["a", "a", "a", "b"], dtype=object)
    other = np.array([0, 1, 2, 3])
    assert pick_hits(lifted, ALL, features(), other, contract_of, 4, per_contract=2,
                     cited=cited) == [(0, []), (1, []), (2, []), (3, [])]
    assert pick_hits(lifted, ALL, features(), other, contract_of, 4, per_contract=2) == [
        (0, []), (1, []), (3, []), (2, [])]  # uncited, the spread holds
