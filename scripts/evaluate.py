#!/usr/bin/env python3
"""Score retrieval on a question file: hit@1, hit@3, MRR and the misses.

    scripts/evaluate.py QUESTIONS.jsonl --sources DIR... [--mode bm25|dense|hybrid]
        [--fusion weighted|rrf] [--encoder NAME] [--index DIR] [--json]

Each line of QUESTIONS is {"q", "contract": stem or null, "gold": ["stem#clause", ...]}; the
matching rule is the one in ../shared/README.md (see ``matches_gold``).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from index import Searcher

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

_DOTTED = re.compile(r"\d+(?:\.\d+)+")
_TIAO = re.compile(r"第[^条條]+[条條]")


def matches_gold(contract: str, clause: str, gold: str, ancestors: Sequence[str] = ()) -> bool:
    """True when result {contract, clause} matches gold "stem#N" (shared/README.md rule).

    ``ancestors``: ids of the clauses above the result in its tree (a descendant of N matches).
    """
    stem, _, number = gold.partition("#")
    if contract != stem:
        return False
    if clause == number or number in ancestors:
        return True
    if clause.startswith(number + "."):  # a descendant: 7.2.1 for 7.2
        return True
    if _DOTTED.fullmatch(clause) and number.startswith(clause + "."):  # heading 2.1 carries 2.1.2
        return True
    return bool(_TIAO.fullmatch(number)) and clause.startswith(number)  # 第七条（一） for 第七条


def first_match_rank(results: Sequence[tuple[str, str]], gold: Sequence[str],
                     parents: dict[tuple[str, str], str | None] | None = None) -> int | None:
    """1-based rank of the first result matching any gold id, None when none does.

    ``parents`` maps (contract, clause) to the parent clause id, to know a result's ancestors.
    """
    for rank, (contract, clause) in enumerate(results, start=1):
        ancestors = _ancestors(contract, clause, parents or {})
        if any(matches_gold(contract, clause, g, ancestors) for g in gold):
            return rank
    return None


def _ancestors(contract: str, clause: str, parents: dict[tuple[str, str], str | None]) -> list[str]:
    out: list[str] = []
    parent = parents.get((contract, clause))
    while parent and parent not in out:
        out.append(parent)
        parent = parents.get((contract, parent))
    return out


def score(ranks: Sequence[int | None]) -> dict[str, float]:
    """hit@1, hit@3 and MRR over the first-match ranks."""
    n = len(ranks) or 1
    return {
        "hit@1": sum(1 for r in ranks if r == 1) / n,
        "hit@3": sum(1 for r in ranks if r is not None and r <= 3) / n,
        "mrr": sum(1 / r for r in ranks if r) / n,
    }


def evaluate(searcher: Searcher, questions: list[dict], top_k: int = 10) -> dict[str, object]:
    """Run every question through ``searcher`` and score it."""
    ranks: list[int | None] = []
    misses = []
    parents = {(c.contract, c.clause): c.parent for c in searcher.all_clauses()}
    for q in questions:
        res = searcher.search(q["q"], contract=q.get("contract"), top_k=top_k)
        got = [(h.clause.contract, h.clause.clause) for h in res.hits]
        rank = first_match_rank(got, q["gold"], parents)
        ranks.append(rank)
        if rank != 1:
            misses.append({"q": q["q"], "gold": q["gold"], "rank": rank,
                           "top3": [f"{c}#{n}" for c, n in got[:3]]})
    return {**score(ranks), "n": len(questions), "misses": misses}


def load_questions(path: Path) -> list[dict]:
    """Questions of a JSONL file (blank lines skipped)."""
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("questions", type=Path)
    ap.add_argument("--sources", nargs="+", type=Path, required=True)
    ap.add_argument("--mode", choices=["bm25", "dense", "hybrid"], default="hybrid")
    ap.add_argument("--fusion", choices=["weighted", "rrf"], default=None)
    ap.add_argument("--encoder", default="use-multilingual")
    ap.add_argument("--index", type=Path, default=None, help="reuse/keep the index here")
    ap.add_argument("--set", action="append", default=[], help="config knob, e.g. bm25_weight=0.4")
    ap.add_argument("--tokenizer", default="both",
                    choices=["jieba", "bigram", "unibigram", "both"])
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    from index import SearchConfig, Searcher, build_index, load_encoder

    encoder = load_encoder(args.encoder)

    tmp = None
    index_dir = args.index
    if index_dir is None:
        tmp = tempfile.TemporaryDirectory(prefix="cb-eval-")
        index_dir = Path(tmp.name)
    report = build_index(args.sources, index_dir, encoder, progress=False,
                         mode=args.tokenizer, replace=True)  # exactly these sources
    for src, reason in report.failed:
        print(f"{Path(src).name}: {reason}", file=sys.stderr)
    knobs: dict[str, object] = {"mode": args.mode}
    if args.fusion:
        knobs["fusion"] = args.fusion
    for item in args.set:
        k, _, v = item.partition("=")
        knobs[k] = float(v) if k != "fusion" else v
    searcher = Searcher(index_dir, encoder, SearchConfig(**knobs))  # type: ignore[arg-type]
    t0 = time.perf_counter()
    result = evaluate(searcher, load_questions(args.questions))
    misses: list[dict[str, Any]] = result["misses"]  # type: ignore[assignment]
    result["ms_per_question"] = round(1000 * (time.perf_counter() - t0) / max(result["n"], 1), 1)  # type: ignore[call-overload]
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(f"{args.questions.name} {args.encoder} {args.tokenizer} {knobs}: "
              f"hit@1={result['hit@1']:.3f} "
              f"hit@3={result['hit@3']:.3f} MRR={result['mrr']:.3f} n={result['n']} "
              f"({result['ms_per_question']} ms/q)")
        for m in misses:
            print(f"  miss {m['q']} gold={m['gold']} rank={m['rank']} top3={m['top3']}")
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
