"""Over-long clauses are split into cited parts, reported, and still searchable end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from index.limits import MAX_CLAUSE_CHARS
from index.models import Clause
from index.structure.split import split_long_clauses

SENTENCE = "乙方应按照甲方的书面要求提供培训服务，培训内容包括系统操作、日常维护与故障排除。"


def _long_text(chars: int, marker: str, at: int) -> str:
    text = ""
    while len(text) < chars:
        text += SENTENCE if len(text) != at // len(SENTENCE) * len(SENTENCE) else marker
    return text


def test_a_30000_character_clause_is_split_into_ordered_parts() -> None:
    body = _long_text(30_000, "培训地点为甲方位于杭州的办公室。", 20_000)
    clause = Clause("c", "5.1", "第五章", "培训", body, title="培训安排", parent="5",
                    level=2, text_simplified=body)
    fee = "甲方承担差旅费。"
    short = Clause("c", "5.2", "第五章", "培训", fee, text_simplified=fee)
    out, notes = split_long_clauses([clause, short])
    parts = out[:-1]
    assert out[-1] == short
    assert 10 <= len(parts) <= 11  # 30,000 characters in whole sentences of at most 3,000
    assert "".join(p.text for p in parts) == body  # nothing dropped, nothing truncated
    assert all(len(p.text) <= MAX_CLAUSE_CHARS for p in parts)
    assert all(p.text.endswith("。") for p in parts)  # cut at sentence ends
    n = len(parts)
    assert [p.clause for p in parts] == ["5.1"] + [f"5.1（{k}/{n}）" for k in range(2, n + 1)]
    kept = {(p.chapter, p.title, p.parent, p.level) for p in parts}
    assert kept == {("第五章", "培训安排", "5", 2)}
    assert notes == [
        f"clause 5.1 has {len(body):,} characters, more than 3,000: split into {n} parts"]


def test_a_sentence_longer_than_the_limit_is_cut_without_loss() -> None:
    body = "甲" * 7_500
    out, notes = split_long_clauses([Clause("c", "1", None, None, body, text_simplified=body)])
    assert [len(c.text) for c in out] == [3000, 3000, 1500]
    assert "".join(c.text for c in out) == body and len(notes) == 1


def test_traditional_parts_keep_their_script_and_get_their_own_simplified_text() -> None:
    body = "乙方應於接獲通知後二小時內回覆，並派員到場處理。" * 200
    simplified = "乙方应于接获通知后二小时内回复，并派员到场处理。" * 200
    out, _ = split_long_clauses([Clause("c", "第三條", None, None, body,
                                        text_simplified=simplified)])
    assert len(out) == 2
    assert all("應於" in c.text and "应于" in c.text_simplified for c in out)
    assert all(len(c.text) == len(c.text_simplified) for c in out)


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CONTRACTBOT_EMBED_MODEL", "use-multilingual")  # the fast test encoder
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.chdir(tmp_path)


def test_build_reports_the_split_and_answers_from_the_middle_part(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "src"
    src.mkdir()
    body = _long_text(30_000, "培训地点为甲方位于杭州西湖区的办公室。", 20_000)
    (src / "training.txt").write_text(
        f"培训服务合同\n第一条 甲方应按月支付服务费用。\n第二条 {body}\n第三条 本合同一式两份。\n",
        encoding="utf-8")
    idx = tmp_path / "idx"
    assert main(["index", "build", str(src), "--index", str(idx)]) == 0
    err = capsys.readouterr().err
    assert "training.txt: note: clause 第二条 has 30," in err and "split into" in err

    assert main(["index", "status", "--json", "--index", str(idx)]) == 0
    status = json.loads(capsys.readouterr().out)
    assert [n["note"] for n in status["notes"]] == [err.split("note: ", 1)[1].splitlines()[0]]
    assert status["clauses"] >= 12

    assert main(["ask", "培训地点在哪里", "--json", "--top-k", "1", "--index", str(idx)]) == 0
    hit = json.loads(capsys.readouterr().out)["results"][0]
    assert hit["clause"].startswith("第二条（") and "杭州西湖区" in hit["text"]

    # an incremental rebuild reuses the contract and still reports its note
    assert main(["index", "build", str(src), "--index", str(idx)]) == 0
    assert "training.txt: note: clause 第二条" in capsys.readouterr().err
