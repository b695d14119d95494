"""Questions over a whole library of small contracts: names that fit several files, words that
tell copies apart, Traditional names, numbers in words and digits, Latin words, copies quoted
once. Exact expected ranks on a tiny inline corpus."""

from __future__ import annotations

from pathlib import Path

import pytest
from index_corpus import fast_encoder, parse_json, write_corpus

from index import Searcher, build_index

LABOUR = {"key": "劳动合同", "title": "劳动合同", "parties": {"甲方": "用人单位"}, "clauses": [
    ["第一条", None, None, "本合同期限为三年，其中试用期为六个月。"],
    ["第二条", None, None, "甲方应按月支付乙方工资，每月十日前发放。"],
    ["第三条", None, None, "乙方严重违反劳动纪律的，甲方可以解除本合同。"],
]}
LABOUR_SAMPLE = {"key": "劳动合同（已填写样例）", "title": "劳动合同", "parties": {},
                 "clauses": [
    ["第一条", None, None, "本合同期限为两年，其中试用期为两个月。"],
    ["第二条", None, None, "甲方应按月支付乙方工资，每月十日前发放。"],
    ["第三条", None, None, "加班工资按国家规定的标准支付。"],
]}
TW_LEASE = {"key": "房屋租賃契約書", "title": "房屋租賃契約書", "parties": {}, "clauses": [
    ["第一條", None, None, "租賃期間自民國一百十三年一月一日起共一年。"],
    ["第二條", None, None, "押金為新台幣三萬元，租期屆滿無息返還。"],
]}
LEASE = {"key": "房屋租赁合同", "title": "房屋租赁合同", "parties": {}, "clauses": [
    ["第一条", None, None, "押金为两个月租金，租赁期满后退还。"],
    ["第二条", None, None, "合同解除后承租人应在三个月内搬离。"],
]}
PLATFORM = {"key": "订位服务协议", "title": "订位服务协议", "parties": {}, "clauses": [
    ["1", None, None, "甲方协助乙方在EZTABLE平台上建立网路订位系统。"],
    ["2", None, None, "乙方应按月支付平台服务费。"],
]}


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Searcher:
    root = tmp_path_factory.mktemp("library")
    write_corpus(root / "src", LABOUR, LABOUR_SAMPLE, TW_LEASE, LEASE, PLATFORM)
    encoder = fast_encoder()
    build_index([root / "src"], root / "idx", encoder, parse=parse_json, progress=False)
    return Searcher(Path(root / "idx"), encoder)


def found(searcher: Searcher, question: str, k: int = 3) -> list[str]:
    return [f"{h.clause.contract}#{h.clause.clause}"
            for h in searcher.search(question, top_k=k).hits]


def test_a_name_that_fits_several_files_limits_the_question_to_them(library) -> None:
    res = library.search("劳动合同里试用期多久", top_k=3)
    assert res.scope is None and res.scopes == ("劳动合同", "劳动合同（已填写样例）")
    assert {h.clause.contract for h in res.hits} == {"劳动合同", "劳动合同（已填写样例）"}
    assert library.search("试用期多久").scopes == ()
    assert found(library, "劳动合同里试用期多久", k=2)[0].endswith("#第一条")


def test_a_word_of_one_files_name_picks_that_file(library) -> None:
    res = library.search("劳动合同样例里试用期多久", top_k=2)
    assert res.scope == "劳动合同（已填写样例）"
    assert found(library, "劳动合同样例里试用期多久", k=1) == ["劳动合同（已填写样例）#第一条"]


def test_a_word_of_one_files_name_is_enough_and_is_not_what_is_asked(library) -> None:
    """"已填写样例里试用期多久" names no title and no 合同, yet only one file's name has 已填写;
    the words that name the file do not count against the answer's relevance."""
    res = library.search("已填写样例里试用期多久", top_k=1)
    assert res.scope == "劳动合同（已填写样例）"
    assert [h.clause.clause for h in res.hits] == ["第一条"]
    assert res.evidence[1] == 1.0  # 试用期: the one word asked (填写, 样例 name the file)
    assert library.search("劳动合同里试用期多久").evidence[1] == 1.0  # 劳动 names them too


def test_the_words_naming_a_contract_are_not_asked() -> None:
    from index.search.scope import asked_words

    names = ["房屋租赁合同 模板七", "房屋租赁合同"]
    assert asked_words(["模板", "租金", "怎么", "付"], names) == ["租金", "怎么", "付"]
    assert asked_words(["租赁", "合同", "押金"], names) == ["合同", "押金"]  # 合同 is generic
    assert asked_words(["模板", "租赁"], names) == ["模板", "租赁"]  # nothing else: all stay
    assert asked_words(["押金"], []) == ["押金"]


def test_a_traditional_question_names_a_contract_like_a_simplified_one(library) -> None:
    assert library.search("房屋租賃契約書裡押金多少").scope == "房屋租賃契約書"
    assert library.search("房屋租赁契约书里押金多少").scope == "房屋租賃契約書"
    assert found(library, "房屋租賃契約書裡押金多少", k=1) == ["房屋租賃契約書#第二條"]


def test_latin_words_match_whatever_their_case(library) -> None:
    assert found(library, "eztable平台是做什么的", k=1) == ["订位服务协议#1"]
    assert found(library, "EzTable", k=1) == ["订位服务协议#1"]


def test_one_text_in_two_files_is_quoted_once_with_both_sources(library) -> None:
    hits = library.search("劳动合同里工资每月几号发放", top_k=3).hits
    first = hits[0]
    assert first.clause.clause == "第二条"
    assert {first.clause.contract, *(c.contract for c in first.also)} == {
        "劳动合同", "劳动合同（已填写样例）"}
    assert sum(h.clause.clause == "第二条" for h in hits) == 1
    assert first.as_json()["also"] == [
        {"contract": first.also[0].contract, "clause": "第二条", "chapter": None}]
