"""A question that asks for a chapter and nothing else (劳动合同第三章, 第三章讲什么, 第三章 under
/use) quotes its clauses in the document's order, as /clause 第三章 does; one that asks
something of the chapter (第三章里加班费怎么算) leads with the clause that answers."""

from __future__ import annotations

import pytest
from index_corpus import FAST_ENCODER, build_tiny_index

from index.search import Searcher


def labor(key: str, place: str, *, later: str = "三") -> dict:
    """A 劳动合同 whose 第五条 names its chapter (第三章): by score it led the chapter; its
    第四条 and 第五条 in chapter ``later``."""
    return {"key": key, "title": "劳动合同", "parties": {"甲方": "用人单位", "乙方": "劳动者"},
            "clauses": [
                ["第一条", "一", "合同期限", f"本合同为固定期限劳动合同，工作地点在{place}。"],
                ["第二条", "二", "工作内容", "乙方从事客服工作。"],
                ["第三条", "三", "工作时间和休息休假",
                 f"乙方在{place}实行标准工时制，每日工作八小时。"],
                ["第四条", later, "工作时间和休息休假",
                 f"甲方安排乙方在{place}加班的，应支付加班费。"],
                ["第五条", later, "工作时间和休息休假",
                 f"第三章所称休假，包括法定节假日和年休假（{place}）。"],
                ["第六条", "四", "劳动报酬", "甲方每月十日前支付工资。"],
            ]}


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    idx = build_tiny_index(tmp_path_factory.mktemp("order"), labor("labor-a", "上海"),
                           labor("labor-b", "北京"),
                           labor("labor-c", "广州", later="四"))
    return Searcher.open(idx, FAST_ENCODER)


def hits(searcher, question, **options) -> list[str]:
    res = searcher.search(question, **{"top_k": 6, **options})
    return [f"{h.clause.contract}#{h.clause.clause}" for h in res.hits]


@pytest.mark.parametrize("question", ["第三章", "第三章讲什么", "第3章的内容", "第三章講了什麼？"])
def test_a_chapter_asked_alone_is_quoted_in_the_documents_order(searcher, question) -> None:
    assert hits(searcher, question, contract="labor-a")[:3] == [
        "labor-a#第三条", "labor-a#第四条", "labor-a#第五条"]
    assert hits(searcher, question, preferred="labor-b")[:3] == [  # a chat's /use contract
        "labor-b#第三条", "labor-b#第四条", "labor-b#第五条"]


def test_a_chapter_of_contracts_named_leads_with_all_its_clauses_in_order(searcher) -> None:
    """劳动合同第三章 asks every 劳动合同: every clause of the chapter comes before any other,
    at most two of one contract before the others' (c's chapter 三 is one clause: a's 第五条
    went after c's best clause outside the chapter), each contract's in the document's order."""
    found = hits(searcher, "劳动合同第三章", top_k=7)
    assert found == ["labor-a#第三条", "labor-a#第四条", "labor-b#第三条", "labor-b#第四条",
                     "labor-c#第三条", "labor-a#第五条", "labor-b#第五条"]
    assert hits(searcher, "《劳动合同》第三章写了什么", top_k=7) == found


def test_a_question_about_the_chapter_leads_with_its_answer(searcher) -> None:
    assert hits(searcher, "第三章里加班费怎么算", contract="labor-a")[0] == "labor-a#第四条"
    assert hits(searcher, "试用期第三章", contract="labor-a")[:3] != [  # not a contract's name
        "labor-a#第三条", "labor-a#第四条", "labor-a#第五条"]
