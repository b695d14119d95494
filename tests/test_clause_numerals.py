"""/clause 第六条 finds clause six however a contract numbers it: 第六条, 六、 (a contract whose
clauses are 一、二、…: its sixth clause) or 6 (a decimal-numbered contract's clause 6, which
such a contract cites as 第 6 条). A contract numbered both ways (the 完整版 construction
contract: its agreement 一、…十三、, its general conditions 1…20) gave both for 6, 六, 第6条 and
第六条 alike; the number as typed now picks: digits the 6, Chinese numerals the 六."""

from __future__ import annotations

import pytest
from index_corpus import build_tiny_index

from index.search import Searcher


def contract(key: str, *numbers: str) -> dict:
    return {"key": key, "title": f"{key}合同", "parties": {},
            "clauses": [[n, None, None, f"{key}的条款{n}。"] for n in numbers]}


# Clause six as each kind of contract writes it, and one written both ways (part one 六,
# part two 6, as the parse gives 建设工程施工合同（完整版）).
LABOUR = contract("labour", "第五条", "第六条")
TECH = contract("tech", "五", "六")
DECIMAL = contract("decimal", "5", "6")
BOTH = {"key": "both", "title": "建设工程施工合同", "parties": {}, "clauses": [
    ["六", "第一部分", "合同协议书", "本协议书与下列文件一起构成合同文件。"],
    ["6", "第二部分", "通用合同条款", "安全文明施工与环境保护", None, "安全文明施工与环境保护"],
    ["6.1", "第二部分", "通用合同条款", "承包人应遵守安全生产规定。", "6"],
]}


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    idx = build_tiny_index(tmp_path_factory.mktemp("numerals"), LABOUR, TECH, DECIMAL, BOTH)
    return Searcher.open(idx, "use-multilingual")


def numbers(searcher, number, contract=None) -> dict[str, list[str]]:
    """Each contract's clauses ``/clause number`` quotes."""
    out: dict[str, list[str]] = {}
    for h in searcher.get_clause(number, contract):
        out.setdefault(h.clause.contract, []).append(h.clause.clause)
    return out


@pytest.mark.parametrize("typed", ["第六条", "第六條", "第6条", "6", "六"])
def test_clause_six_of_each_contract_however_it_is_numbered(searcher, typed) -> None:
    found = numbers(searcher, typed)
    assert (found["labour"], found["tech"], found["decimal"]) == (["第六条"], ["六"], ["6"])


@pytest.mark.parametrize(("typed", "clause"), [
    ("第六条", "六"), ("六", "六"), ("第六條", "六"), ("第6条", "6"), ("6", "6")])
def test_a_contract_numbered_both_ways_gives_the_clause_written_as_typed(
        searcher, typed, clause) -> None:
    assert numbers(searcher, typed, "both") == {"both": [clause]}
    assert numbers(searcher, typed)["both"] == [clause]
