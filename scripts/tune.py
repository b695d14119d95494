#!/usr/bin/env python3
"""Learn the ranking weights and relevance thresholds of one encoder from the tuning half only.

    scripts/tune.py --encoder e5-small --sources ../shared/contracts ../shared/contracts-real
        [--index DIR] [--from-shipped] [--keep-weights] [--write index/data/ranking.json]

The question files of QUESTION_FILES (never eval/fresh*.jsonl, which is only scored, to report)
are split by eval/split.json: only questions whose gold contracts are all in the "tuning" half
are used here. The weights are found by coordinate descent over a grid (objective: hit@1 + MRR),
from the defaults or (--from-shipped) from the weights shipped in index/data/ranking.json,
cross-validated by leaving out one family of tuning contracts at a time (contracts whose titles
contain one another are one family); thresholds separate on-topic tuning questions from the
even lines of eval/offtopic.jsonl and every line of OFFTOPIC_TUNING. The held-out half is
scored once at the end, for the report only: it guides nothing. Each question's signals (BM25
and dense scores) are computed once; a weighting is then array arithmetic (``Searcher.rank``),
so thousands are tried in a minute.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for extra in (ROOT, ROOT / "scripts"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from evaluate import half_of, hits_rank, load_questions  # noqa: E402

from index import SearchConfig, Searcher, Signals, build_index, load_encoder  # noqa: E402

QUESTION_FILES = ("../shared/eval/dev.jsonl", "eval/dev-real.jsonl", "eval/paraphrase.jsonl",
                  "eval/everyday.jsonl", "eval/everyday2.jsonl")
# Off-topic questions written for tuning (all their lines calibrate; of --offtopic, the even ones)
OFFTOPIC_TUNING = ("eval/offtopic2.jsonl",)
GRID: dict[str, tuple[float, ...]] = {
    "bm25_weight": (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8),
    "title_weight": (0.0, 0.1, 0.2, 0.3, 0.4),
    "expansion_weight": (0.0, 0.2, 0.4, 0.6, 0.8),
    "child_weight": (0.0, 0.15, 0.3, 0.45, 0.6),
    "role_bonus": (0.0, 0.04, 0.08, 0.12, 0.16, 0.24),
    "role_penalty": (0.0, 0.1, 0.2, 0.3, 0.4),
    "list_bonus": (0.0, 0.05, 0.1, 0.15, 0.2, 0.3),
    "definition_penalty": (0.0, 0.1, 0.2, 0.3, 0.5),
    "char_weight": (0.0, 0.1, 0.2, 0.3),
    "hub_weight": (0.0, 0.1, 0.2, 0.3, 0.5),
}
INTENT_KNOBS = ("list_bonus", "definition_penalty", "role_bonus", "role_penalty")
PASSES = 3


@dataclass(frozen=True)
class Asked:
    """A question with its signals and gold."""

    signals: Signals
    gold: tuple[str, ...]
    contracts: frozenset[str]  # its gold contracts


def collect(searcher: Searcher, files: Sequence[Path]) -> list[Asked]:
    """Signals of every question of ``files``."""
    out = []
    for path in files:
        for q in load_questions(path):
            sig = searcher.signals(q["q"], contract=q.get("contract"))
            out.append(Asked(sig, tuple(q["gold"]),
                             frozenset(g.partition("#")[0] for g in q["gold"])))
    return out


def scores(searcher: Searcher, asked: Sequence[Asked], cfg: SearchConfig,
           parents: dict[tuple[str, str], str | None]) -> dict[str, float]:
    """hit@1, hit@3 and MRR of ``asked`` under ``cfg``."""
    ranks = []
    for a in asked:
        ranks.append(hits_rank(searcher.rank(a.signals, 10, config=cfg).hits, a.gold, parents))
    n = max(len(ranks), 1)
    return {"hit@1": sum(r == 1 for r in ranks) / n,
            "hit@3": sum(1 for r in ranks if r is not None and r <= 3) / n,
            "mrr": sum(1 / r for r in ranks if r) / n, "n": len(ranks)}


def with_knob(cfg: SearchConfig, knob: str, value: float) -> SearchConfig:
    """``cfg`` with one knob changed."""
    changes: dict[str, Any] = {knob: value}
    return replace(cfg, **changes)


def objective(s: dict[str, float]) -> float:
    return s["hit@1"] + s["mrr"]


def descend(searcher: Searcher, asked: Sequence[Asked], start: SearchConfig,
            parents: dict[tuple[str, str], str | None]) -> SearchConfig:
    """Coordinate descent over GRID: each knob in turn takes its best value, PASSES times.
    Ties keep the current value, or the smaller one (a bonus must earn its place)."""
    cfg = start
    best = objective(scores(searcher, asked, cfg, parents))
    for _ in range(PASSES):
        moved = False
        for knob, values in GRID.items():
            for value in sorted(values, key=lambda v: (v != getattr(cfg, knob), v)):
                trial = with_knob(cfg, knob, value)
                got = objective(scores(searcher, asked, trial, parents))
                if got > best + 1e-9:
                    cfg, best, moved = trial, got, True
        if not moved:
            break
    return cfg


def families(contracts: Sequence[str], titles: dict[str, str]) -> list[set[str]]:
    """Groups of contracts whose titles contain one another (劳动合同 and its copies)."""
    groups: list[set[str]] = []
    for key in contracts:
        title = titles.get(key, key)
        for g in groups:
            if any(title in titles.get(k, k) or titles.get(k, k) in title for k in g):
                g.add(key)
                break
        else:
            groups.append({key})
    return groups


def calibrate(searcher: Searcher, on_topic: Sequence[Asked], off_topic: Sequence[Signals],
              cfg: SearchConfig) -> SearchConfig:
    """Relevance thresholds that best separate on-topic from off-topic questions (balanced
    accuracy), searched over the observed scores. Thresholds do not change the ranking, so
    each question's evidence (best dense score, top hit's word coverage) is taken once."""
    on = [searcher.rank(a.signals, 1, config=cfg).evidence for a in on_topic]
    off = [searcher.rank(s, 1, config=cfg).evidence for s in off_topic]

    def accuracy(trial: SearchConfig) -> float:
        right_on = sum(trial.is_relevant(*e) for e in on) / max(len(on), 1)
        right_off = sum(not trial.is_relevant(*e) for e in off) / max(len(off), 1)
        return right_on + right_off

    dense = sorted({round(d, 4) for d, _ in on + off})
    best, best_cfg = accuracy(cfg), cfg
    for min_dense in dense:
        for weak in [d for d in dense if d <= min_dense]:
            for cover in (0.34, 0.5, 0.67, 0.75):
                trial = replace(cfg, min_dense=min_dense, weak_dense=weak, min_coverage=cover)
                got = accuracy(trial)
                if got > best + 1e-9:
                    best, best_cfg = got, trial
    return best_cfg


def main(argv: Sequence[str] | None = None) -> int:
    """Learn, cross-validate, report, and optionally write the weights."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--encoder", default="e5-small")
    ap.add_argument("--sources", nargs="+", type=Path, required=True)
    ap.add_argument("--index", type=Path, default=None, help="build/reuse the index here")
    ap.add_argument("--split", type=Path, default=ROOT / "eval" / "split.json")
    ap.add_argument("--offtopic", type=Path, default=ROOT / "eval" / "offtopic.jsonl")
    ap.add_argument("--write", type=Path, default=None, help="update this ranking.json")
    ap.add_argument("--no-cv", action="store_true", help="skip the cross-validation")
    ap.add_argument("--keep-weights", action="store_true",
                    help="calibrate the relevance thresholds only (when learned weights do not "
                         "beat the defaults in cross-validation)")
    ap.add_argument("--from-shipped", action="store_true",
                    help="start from the encoder's weights in index/data/ranking.json, not the "
                         "defaults, and cross-validate against them")
    args = ap.parse_args(argv)

    encoder = load_encoder(args.encoder)
    split = json.loads(args.split.read_text("utf-8"))
    tuning = set(split["tuning"])
    with tempfile.TemporaryDirectory(prefix="cb-tune-") as tmp:
        index_dir = args.index or Path(tmp)
        build_index(args.sources, index_dir, encoder, progress=False, replace=True)
        searcher = Searcher(index_dir, encoder, SearchConfig())
        parents = {(c.contract, c.clause): c.parent for c in searcher.all_clauses()}
        titles = {c.key: c.title for c in searcher.contracts()}
        asked = collect(searcher, [ROOT / f for f in QUESTION_FILES])
        train = [a for a in asked if half_of({"gold": a.gold}, tuning) == "tuning"]
        heldout = [a for a in asked if half_of({"gold": a.gold}, tuning) == "heldout"]
        off = [searcher.signals(q["q"], contract=q.get("contract"))
               for q in load_questions(args.offtopic)]
        off_tuning = [searcher.signals(q["q"], contract=q.get("contract"))
                      for f in OFFTOPIC_TUNING for q in load_questions(ROOT / f)]
        default = SearchConfig()
        start = SearchConfig.for_encoder(args.encoder) if args.from_shipped else default
        report: dict[str, Any] = {"encoder": args.encoder, "tuning_questions": len(train),
                                  "heldout_questions": len(heldout)}
        if not args.no_cv:
            cv_learned, cv_default = [], []
            for group in families(sorted(tuning & set(titles)), titles):
                inside = [a for a in train if a.contracts & group]
                outside = [a for a in train if not a.contracts & group]
                if not inside:
                    continue
                learned = descend(searcher, outside, start, parents)
                cv_learned += [objective(scores(searcher, [a], learned, parents))
                               for a in inside]
                cv_default += [objective(scores(searcher, [a], start, parents))
                               for a in inside]
            report["cv"] = {"shipped" if args.from_shipped else "default":
                            sum(cv_default) / len(cv_default),
                            "learned": sum(cv_learned) / len(cv_learned)}
        learned = start if args.keep_weights else descend(searcher, train, start, parents)
        learned = calibrate(searcher, train, off[0::2] + off_tuning, learned)
        report["learned"] = {k: v for k, v in asdict(learned).items()
                             if v != getattr(default, k)}
        for name, cfg in (("shipped" if args.from_shipped else "default", start),
                          ("learned", learned)):
            report[name + "_tuning"] = scores(searcher, train, cfg, parents)
            report[name + "_heldout"] = scores(searcher, heldout, cfg, parents)
        report["ablation_heldout"] = {
            knob: scores(searcher, heldout, with_knob(learned, knob, 0.0), parents)
            for knob in INTENT_KNOBS if getattr(learned, knob)}
        report["offtopic_heldout_refused"] = sum(
            not searcher.rank(s, 1, config=learned).relevant for s in off[1::2]) / len(off[1::2])
    print(json.dumps(report, ensure_ascii=False, indent=1))
    if args.write:
        data = json.loads(args.write.read_text("utf-8")) if args.write.is_file() else {}
        data[args.encoder] = {**report["learned"],
                              "_learned": _dt.date.today().isoformat(),
                              "_questions": len(train)}
        args.write.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
