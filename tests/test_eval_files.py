"""The question files of eval/ and ../shared/eval: every gold id names a clause the parser
gives, and each file keeps to its half of eval/split.json (eval/README.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from shared_trees import ALL, SHARED, ids, parse_file, parsed


def test_dev_gold_clauses_exist() -> None:
    lines = (SHARED / "eval" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    gold = {g for line in lines if line.strip() for g in json.loads(line)["gold"]}
    assert gold
    for item in sorted(gold):
        stem, clause = item.split("#", 1)
        assert clause in ids(parsed(stem)), item


EVAL = Path(__file__).resolve().parent.parent / "eval"
OFFTOPIC_FILES = (  # questions no clause answers: no gold
    "offtopic.jsonl", "fresh-offtopic.jsonl", "offtopic2.jsonl", "fresh2-offtopic.jsonl",
    "fresh3-offtopic.jsonl", "fresh4-offtopic.jsonl", "taiwan2-offtopic.jsonl",
    "cantonese2-offtopic.jsonl", "cantonese3-offtopic.jsonl",
    "fresh5-offtopic.jsonl", "typos-offtopic.jsonl", "typos2-offtopic.jsonl",
    "fresh6-offtopic.jsonl", "typos3-offtopic.jsonl", "fresh7-offtopic.jsonl",
    "typos4-offtopic.jsonl", "fresh8-offtopic.jsonl", "typos5-offtopic.jsonl",
    "fresh9-offtopic.jsonl", "typos6-offtopic.jsonl", "fresh10-offtopic.jsonl",
    "fresh11-offtopic.jsonl", "typos7-offtopic.jsonl", "fresh12-offtopic.jsonl",
    "typos8-offtopic.jsonl", "fresh13-offtopic.jsonl",
    "fresh14-offtopic.jsonl",
)
EVAL_FILES = sorted(p for p in EVAL.glob("*.jsonl") if p.name not in OFFTOPIC_FILES)


@pytest.mark.parametrize("path", EVAL_FILES, ids=[p.name for p in EVAL_FILES])
def test_eval_gold_clauses_exist(path: Path) -> None:
    """Every gold id of the project's question sets names a clause the tree has."""
    lines = path.read_text(encoding="utf-8").splitlines()
    gold = {g for line in lines if line.strip() for g in json.loads(line)["gold"]}
    assert gold
    for item in sorted(gold):
        stem, clause = item.split("#", 1)
        source = next(p for p in ALL if p.stem == stem)
        assert clause in ids(parse_file(source)), item


def test_offtopic_questions_have_no_gold_and_name_real_contracts(shared: Path) -> None:
    """eval/offtopic.jsonl: questions no clause answers, some asked of one named contract."""
    path = Path(__file__).resolve().parent.parent / "eval" / "offtopic.jsonl"
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    stems = {p.stem for folder in ("contracts", "contracts-real")
             for p in (shared / folder).iterdir()}
    assert len(rows) >= 60 and all(r["gold"] == [] for r in rows)
    assert {r["contract"] for r in rows if r["contract"]} <= stems


def _rows(name: str) -> list[dict]:
    lines = (EVAL / name).read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


# The scored-only sets (eval/README.md): file, minimum size, minimum questions per held-out and
# per tuning contract.
FRESH_FILES = (("fresh.jsonl", 120, 4, 3), ("fresh2.jsonl", 110, 4, 4),
               ("fresh3.jsonl", 115, 4, 4), ("fresh4.jsonl", 116, 4, 4),
               ("fresh5.jsonl", 115, 4, 4), ("fresh6.jsonl", 116, 4, 4),
               ("fresh7.jsonl", 116, 4, 4), ("fresh8.jsonl", 116, 4, 4),
               ("fresh9.jsonl", 116, 4, 4), ("fresh10.jsonl", 115, 4, 4),
               ("fresh11.jsonl", 116, 4, 4), ("fresh12.jsonl", 116, 4, 4),
               ("fresh13.jsonl", 116, 4, 4), ("fresh14.jsonl", 116, 4, 4))


@pytest.mark.parametrize("name,size,heldout_min,tuning_min", FRESH_FILES,
                         ids=[f[0] for f in FRESH_FILES])
def test_fresh_questions_name_real_contracts_and_clauses(name: str, size: int, heldout_min: int,
                                                         tuning_min: int) -> None:
    """eval/fresh.jsonl and fresh2-14.jsonl: every contract key is one
    the index uses, a named contract is the only one its golds come from, and each contract has its
    minimum of questions. That every gold id is a clause the parser gives is
    test_eval_gold_clauses_exist[NAME]. The sets are scored only; see eval/README.md."""
    keys = {p.stem for p in ALL}
    split = json.loads((EVAL / "split.json").read_text("utf-8"))
    rows = _rows(name)
    assert len(rows) >= size
    per_contract: dict[str, int] = {}
    for r in rows:
        assert set(r) == {"q", "contract", "gold"} and r["q"].strip() and r["gold"], r
        assert r["contract"] is None or r["contract"] in keys, r["contract"]
        stems = {g.split("#", 1)[0] for g in r["gold"]}
        assert stems <= keys, r
        if r["contract"] is not None:
            assert stems == {r["contract"]}, r
        for stem in stems:
            per_contract[stem] = per_contract.get(stem, 0) + 1
    assert set(split["tuning"]) | set(split["heldout"]) == keys
    assert all(per_contract.get(k, 0) >= heldout_min for k in split["heldout"]), per_contract
    assert all(per_contract.get(k, 0) >= tuning_min for k in split["tuning"]), per_contract


FRESH_OFFTOPIC_FILES = (("fresh-offtopic.jsonl", 20, 6), ("fresh2-offtopic.jsonl", 25, 8),
                        ("fresh3-offtopic.jsonl", 26, 8), ("fresh4-offtopic.jsonl", 26, 8),
                        ("taiwan2-offtopic.jsonl", 12, 4), ("cantonese2-offtopic.jsonl", 12, 4),
                        ("cantonese3-offtopic.jsonl", 12, 4), ("fresh5-offtopic.jsonl", 26, 8),
                        ("typos-offtopic.jsonl", 12, 4), ("typos2-offtopic.jsonl", 12, 4),
                        ("fresh6-offtopic.jsonl", 26, 8), ("typos3-offtopic.jsonl", 12, 4),
                        ("fresh7-offtopic.jsonl", 26, 8), ("typos4-offtopic.jsonl", 12, 4),
                        ("fresh8-offtopic.jsonl", 25, 8), ("typos5-offtopic.jsonl", 12, 4),
                        ("fresh9-offtopic.jsonl", 25, 8), ("typos6-offtopic.jsonl", 12, 4),
                        ("fresh10-offtopic.jsonl", 26, 8), ("fresh11-offtopic.jsonl", 40, 16),
                        ("typos7-offtopic.jsonl", 12, 4), ("fresh12-offtopic.jsonl", 40, 16),
                        ("typos8-offtopic.jsonl", 12, 4), ("fresh13-offtopic.jsonl", 38, 16),
                        ("fresh14-offtopic.jsonl", 40, 16))


@pytest.mark.parametrize("name,size,named_min", FRESH_OFFTOPIC_FILES,
                         ids=[f[0] for f in FRESH_OFFTOPIC_FILES])
def test_fresh_offtopic_questions_have_no_gold_and_name_real_contracts(name: str, size: int,
                                                                       named_min: int) -> None:
    """eval/fresh-offtopic.jsonl (20 questions, 6 asked of one named contract) and
    eval/fresh2-offtopic.jsonl (25, 8 named), fresh3- to fresh7-offtopic.jsonl
    (26, 8 named each), fresh8- and fresh9-offtopic.jsonl (25, 8 named), fresh10-offtopic.jsonl
    (26, 8 named), fresh11- and fresh12-offtopic.jsonl (40, 16 named), fresh13-offtopic.jsonl
    (38, 16 named), fresh14-offtopic.jsonl (40, 16 named), taiwan2-, cantonese2-,
    cantonese3-, typos- and typos2- to typos8-offtopic.jsonl (12, 4 named each): questions no
    clause answers."""
    keys = {p.stem for p in ALL}
    rows = _rows(name)
    assert len(rows) >= size and all(r["gold"] == [] for r in rows)
    assert all(set(r) == {"q", "contract", "gold"} and r["q"].strip() for r in rows)
    named = [r["contract"] for r in rows if r["contract"]]
    assert len(named) >= named_min and set(named) <= keys


def test_everyday2_and_offtopic2_stay_on_the_tuning_half() -> None:
    """eval/everyday2.jsonl and eval/offtopic2.jsonl are tuning data: every contract they name,
    in "contract" or in a gold id, is one of the tuning contracts of eval/split.json. That every
    gold id is a clause the parser gives is test_eval_gold_clauses_exist[everyday2.jsonl]."""
    keys = {p.stem for p in ALL}
    tuning = set(json.loads((EVAL / "split.json").read_text("utf-8"))["tuning"])
    assert tuning <= keys
    rows = _rows("everyday2.jsonl")
    off = _rows("offtopic2.jsonl")
    assert len(rows) >= 150 and len(off) >= 30
    per_contract: dict[str, int] = {}
    for r in rows + off:
        assert set(r) == {"q", "contract", "gold"} and r["q"].strip(), r
        assert r["contract"] is None or r["contract"] in tuning, r
        stems = {g.split("#", 1)[0] for g in r["gold"]}
        assert stems <= tuning, r
        if r["contract"] is not None and r["gold"]:
            assert stems == {r["contract"]}, r
        for stem in stems:
            per_contract[stem] = per_contract.get(stem, 0) + 1
    assert all(r["gold"] for r in rows)
    assert all(r["gold"] == [] for r in off)
    assert all(per_contract.get(k, 0) >= 9 for k in tuning), per_contract
    assert sum(r["contract"] is None for r in rows) >= 25
    assert sum(r["contract"] is not None for r in off) >= 10
