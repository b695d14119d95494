"""A tiny inline corpus of two contracts for index/search tests, and a parser for it.

Each contract is written as a JSON file; ``parse_json`` turns it into a Contract, so build and
search are tested without depending on the text extraction pipeline.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from index.errors import EmptySourceError
from index.models import Clause, Contract
from index.store.encoders import Encoder

MAINT = {
    "key": "maint",
    "title": "软件维护服务合同",
    "parties": {"甲方": "委托方", "乙方": "维护方"},
    "clauses": [
        ["1.1", "第一章", "服务内容", "乙方负责系统的日常维护和故障排除。"],
        ["1.2", "第一章", "服务内容", "乙方应每月提供一次巡检报告。"],
        ["2.1", "第二章", "响应时间", "乙方应在接到甲方通知后两小时内响应。"],
        ["2.2", "第二章", "响应时间", "一般故障应在二十四小时内修复完毕。"],
        ["3.1", "第三章", "费用与支付", "维护费用为每年十万元。"],
        ["3.2", "第三章", "费用与支付", "甲方应在每季度开始后十日内支付当季费用。"],
        ["4.1", "第四章", "保密", "双方应对在合作中获知的对方商业秘密予以保密。"],
        ["4.2", "第四章", "保密", "保密期限", None, "保密期限"],
        ["4.2.1", "第四章", "保密", "本章义务在合同终止后三年内继续有效。", "4.2"],
        ["5.1", "第五章", "争议解决",
         "因本合同引起的纠纷，双方应协商解决；协商不成的，向甲方所在地人民法院提起诉讼。"],
    ],
}

LEASE = {
    "key": "lease",
    "title": "房屋租赁合同",
    "parties": {"甲方": "出租人", "乙方": "承租人"},
    "clauses": [
        ["第一条", None, None, "租金为每月三千元，乙方应于每月五日前支付。"],
        ["第二条", None, None, "押金为两个月租金，租赁期满后甲方无息退还。"],
        ["第三条", None, None, "租赁期限为一年，自交房之日起计算。"],
        ["第四条", None, None, "乙方未经甲方书面同意不得转租。"],
        ["第五条", None, None, "任何一方违反本合同约定的，应向对方支付违约金五千元。"],
    ],
}


def contract_from(data: dict) -> Contract:
    """The Contract described by one corpus dict."""
    clauses = []
    for row in data["clauses"]:
        number, chapter, chapter_title, text = row[:4]
        parent = row[4] if len(row) > 4 else None
        title = row[5] if len(row) > 5 else None
        clauses.append(Clause(
            contract=data["key"], clause=number, chapter=chapter, chapter_title=chapter_title,
            text=text, parent=parent, title=title, level=2 if parent else 1,
            text_simplified=text,
        ))
    return Contract(key=data["key"], title=data["title"], parties=dict(data["parties"]),
                    clauses=tuple(clauses))


FAST_ENCODER = "use-multilingual"  # the tests' encoder: ten times faster to build than e5-small


def fast_encoder() -> Encoder:
    """The tests' encoder (the default, e5-small, is tested on its own in test_e5.py)."""
    from index.store.encoders import load_encoder

    return load_encoder(FAST_ENCODER)


def write_corpus(folder: Path, *contracts: dict) -> list[Path]:
    """Write each contract dict as JSON in <key>.txt (a suffix index builds pick up)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for data in contracts:
        path = folder / f"{data['key']}.txt"
        path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
        paths.append(path)
    return paths


def parse_json(path: Path) -> Contract:
    """Parser for corpus files; a file with {"empty": true} is an EmptySourceError."""
    data = json.loads(Path(path).read_text("utf-8"))
    if data.get("empty"):
        raise EmptySourceError(str(path), "holds no contract text")
    return contract_from(data)


def build_tiny_index(root: Path, *contracts: dict) -> Path:
    """Index ``contracts`` (default: MAINT and LEASE) under ``root`` with the tests' encoder;
    returns the index dir."""
    from index.build import build_index

    write_corpus(root / "src", *(contracts or (MAINT, LEASE)))
    build_index([root / "src"], root / "idx", fast_encoder(), parse=parse_json, progress=False)
    return root / "idx"


def compare_rows(searcher: Any, question: str) -> dict[str, str | None]:
    """/compare's rows for ``question``: each contract's quoted clause id, None for 未约定."""
    from index.search import compare_contracts

    return {r.contract: r.hit.clause.clause if r.hit else None
            for r in compare_contracts(searcher, question).rows}


def count_early_embeddings(monkeypatch: Any) -> list[int]:
    """The texts a build's workers embed while reading, from now on, as the build counts them
    (``BuildProgress.embedded_early``): a build that is refused must embed none."""
    from index.build.progress import BuildProgress

    embedded: list[int] = []
    real = BuildProgress.embedded_early

    def counting(self: BuildProgress, n: int) -> None:
        embedded.append(n)
        real(self, n)

    monkeypatch.setattr(BuildProgress, "embedded_early", counting)
    return embedded
