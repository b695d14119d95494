"""The gold-matching rule of ../shared/README.md, as scripts/evaluate.py implements it."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest
from conftest import ROOT

from index import store

_spec = importlib.util.spec_from_file_location("evaluate", ROOT / "scripts" / "evaluate.py")
assert _spec and _spec.loader
evaluate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(evaluate)


@pytest.mark.parametrize(("contract", "clause", "gold", "ancestors", "expected"), [
    ("c", "7.2", "c#7.2", (), True),            # same clause
    ("d", "7.2", "c#7.2", (), False),           # other contract
    ("c", "7.2.1", "c#7.2", (), True),          # a descendant
    ("c", "7.20", "c#7.2", (), False),          # not a descendant: 7.20 is not under 7.2
    ("c", "2.1", "c#2.1.2", (), True),          # a dotted heading carrying the gold clause
    ("c", "2", "c#2.1.2", (), False),           # "2" is not a dotted number
    ("c", "7.1", "c#7.2", (), False),           # a sibling
    ("c", "第七条（一）", "c#第七条", (), True),  # 第X条 and the clause starts with it
    ("c", "第七条", "c#第七条（一）", (), False),  # the reverse is not a match
    ("c", "第十七条", "c#第七条", (), False),
    ("c", "4-2-1", "c#4-2", ("4-2", "第四条"), True),  # a descendant by the tree
    ("c", "4-2", "c#4-2-1", ("第四条",), False),       # 4-2 is not a dotted number
])
def test_matches_gold(contract, clause, gold, ancestors, expected) -> None:
    assert evaluate.matches_gold(contract, clause, gold, ancestors) is expected


def test_first_match_rank_and_scores() -> None:
    results = [("c", "1.1"), ("c", "7.2.1"), ("c", "7.2")]
    assert evaluate.first_match_rank(results, ["c#7.2"]) == 2
    assert evaluate.first_match_rank(results, ["c#9"]) is None
    parents = {("c", "x"): "7.2"}
    assert evaluate.first_match_rank([("c", "x")], ["c#7.2"], parents) == 1
    assert evaluate.score([1, 2, None, 3]) == {
        "hit@1": 0.25, "hit@3": 0.75, "mrr": pytest.approx((1 + 0.5 + 1 / 3) / 4)}


def test_set_gives_each_knob_its_own_type() -> None:
    """`--set homophone_top=0` is the integer the knob is (it was a float, as every knob but
    fusion was), a weight a float, fusion a string; a knob SearchConfig lacks is refused."""
    knobs = evaluate.config_knobs(["homophone_top=0", "per_contract=1", "bm25_weight=0.4",
                                   "fusion=rrf"])
    assert knobs == {"homophone_top": 0, "per_contract": 1, "bm25_weight": 0.4, "fusion": "rrf"}
    assert [type(v) for v in knobs.values()] == [int, int, float, str]
    with pytest.raises(SystemExit, match="no knob 'homophones'"):
        evaluate.config_knobs(["homophones=3"])
    # a switch: bool("0") would be True
    assert evaluate.config_knobs(["homophone_dense=0"]) == {"homophone_dense": False}
    assert evaluate.config_knobs(["homophone_dense=1"]) == {"homophone_dense": True}
    assert evaluate.config_knobs(["homophone_dense=off"]) == {"homophone_dense": False}
    with pytest.raises(SystemExit, match="homophone_dense is 1 or 0"):
        evaluate.config_knobs(["homophone_dense=maybe"])


def test_rebuild_script_says_busy_and_exits_75(tmp_path) -> None:
    (tmp_path / "src").mkdir()
    with store.build_lock(tmp_path):
        proc = subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "rebuild_index.py"), str(tmp_path / "src"),
             "--index", str(tmp_path)],
            capture_output=True, text=True, timeout=120,
        )
    assert proc.returncode == 75
    assert proc.stderr == (f"rebuild_index: another index build is running on {tmp_path}; "
                           "nothing was built, try again later\n")  # it held no index


LEASE_TEXT = """房屋租赁合同

甲方：张三
乙方：李四

第一条 乙方应于每月五日前支付租金三千元。
第二条 乙方逾期付款的，应支付违约金一千元。
第三条 租赁期限为一年。
"""
PURCHASE_TEXT = """设备采购合同

甲方：某公司
乙方：某厂

第一条 乙方应于三十日内交付设备。
第二条 违约方应向对方支付违约金，违约金为合同总价的百分之十，违约金不足以弥补损失的，另行赔偿。
第三条 设备质保期为两年。
"""


def test_own_contracts_asks_each_question_of_its_gold_contracts_alone(tmp_path, capsys) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "lease.txt").write_text(LEASE_TEXT, "utf-8")
    (tmp_path / "src" / "buy.txt").write_text(PURCHASE_TEXT, "utf-8")
    questions = tmp_path / "q.jsonl"
    questions.write_text('{"q": "违约金是多少", "contract": null, "gold": ["lease#第二条"]}\n',
                         "utf-8")
    argv = [str(questions), "--sources", str(tmp_path / "src"), "--encoder", "use-multilingual",
            "--index", str(tmp_path / "idx"), "--json"]
    assert evaluate.main(argv) == 0
    whole = json.loads(capsys.readouterr().out)["q.jsonl"]
    assert evaluate.main([*argv, "--own-contracts"]) == 0
    own = json.loads(capsys.readouterr().out)["q.jsonl"]
    # over both contracts the purchase contract's penalty clause comes first; over the lease
    # alone, the lease's
    assert whole["misses"][0]["top3"][:2] == ["buy#第二条", "lease#第二条"]
    assert own["all"]["hit@1"] == 1.0 and own["misses"] == []
    # the one-contract indexes are built on copies: the index given keeps both contracts
    kept = store.read_manifest(store.require_generation(tmp_path / "idx")).sources
    assert sorted(s.contract for s in kept) == ["buy", "lease"]


def test_a_fresh_file_is_scored_but_lists_no_misses(tmp_path, capsys) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "lease.txt").write_text(LEASE_TEXT, "utf-8")
    (tmp_path / "src" / "buy.txt").write_text(PURCHASE_TEXT, "utf-8")
    line = '{"q": "违约金是多少", "contract": null, "gold": ["lease#第二条"]}\n'
    for name in ("fresh-x.jsonl", "other.jsonl"):
        (tmp_path / name).write_text(line, "utf-8")
    argv = [str(tmp_path / "fresh-x.jsonl"), str(tmp_path / "other.jsonl"), "--sources",
            str(tmp_path / "src"), "--encoder", "use-multilingual", "--index",
            str(tmp_path / "idx"), "--json"]
    assert evaluate.main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    # the same miss (the purchase contract's clause first): scored in both, listed in one
    assert out["fresh-x.jsonl"]["all"]["hit@1"] == out["other.jsonl"]["all"]["hit@1"] == 0.0
    assert out["fresh-x.jsonl"]["misses"] == []
    assert [m["q"] for m in out["other.jsonl"]["misses"]] == ["违约金是多少"]


def test_refusals_are_counted_and_an_offtopic_file_gives_only_them(tmp_path, capsys) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "lease.txt").write_text(LEASE_TEXT, "utf-8")
    (tmp_path / "src" / "buy.txt").write_text(PURCHASE_TEXT, "utf-8")
    (tmp_path / "q.jsonl").write_text(
        '{"q": "租金每月几号前付", "contract": "lease", "gold": ["lease#第一条"]}\n'
        '{"q": "红烧肉怎么做才好吃", "contract": null, "gold": ["lease#第三条"]}\n', "utf-8")
    (tmp_path / "off.jsonl").write_text(
        '{"q": "红烧肉怎么做才好吃", "contract": null, "gold": []}\n'
        '{"q": "租金每月几号前付", "contract": "lease", "gold": []}\n'
        '{"q": "《劳动合同》试用期多久", "contract": null, "gold": []}\n', "utf-8")
    argv = [str(tmp_path / "q.jsonl"), str(tmp_path / "off.jsonl"), "--sources",
            str(tmp_path / "src"), "--encoder", "use-multilingual", "--index",
            str(tmp_path / "idx"), "--json"]
    assert evaluate.main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    # numbers, as a JSON reader expects (they were "1/2" strings): refused, and of how many
    assert (out["q.jsonl"]["all"]["refused"], out["q.jsonl"]["all"]["n"]) == (1, 2)  # the
    assert out["q.jsonl"]["all"]["hit@1"] == 0.5  # recipe, not the rent
    # off-topic: no scores. Line 0 (the recipe) is refused, line 1 (the rent) answered, and
    # line 2 names a contract in 《》 that is not indexed: the searcher turns it down, refused
    off = out["off.jsonl"]
    assert off["offtopic"] is True and "hit@1" not in off
    assert off["refused"] == {"all": 2, "even": 2, "odd": 0}
    assert off["n"] == {"all": 3, "even": 2, "odd": 1}
    # the text table says the same as before
    assert evaluate.main(argv[:-1]) == 0
    table = capsys.readouterr().out
    assert "n=2 refused 1/2 (" in table
    assert "off.jsonl: off-topic, refused 2/3 (even lines 2/2, odd lines 0/1) (" in table
