#!/usr/bin/env python3
"""Score retrieval on question files: hit@1, hit@3, MRR, per tuning and held-out half.

    scripts/evaluate.py QUESTIONS.jsonl... --sources DIR... [--encoder NAME] [--index DIR]
        [--split eval/split.json] [--mode bm25|dense|hybrid] [--set knob=value]
        [--own-contracts] [--json]

Each line of QUESTIONS is {"q", "contract": stem or null, "gold": ["stem#clause", ...]}; the
matching rule is the one in ../shared/README.md (``matches_gold``). All files are asked of one
index built from ``--sources`` (kept in ``--index`` to be reused). With ``--split``, each score
is also given for the tuning half (every gold contract in the split's "tuning" list) and the
held-out half (the rest); misses are listed for the tuning half only, since only it may guide
changes (eval/README.md). A file named ``fresh*.jsonl`` lists no misses at all: it is only
scored, to report. Each score comes with how many of its questions were refused (found not
relevant: the bot would refuse them); a file of off-topic questions (no gold) gives only that,
for all its lines and for its even and odd lines (eval/offtopic.jsonl calibrates on the even
ones).

``--json`` prints one object, by file name: ``{"all": {"hit@1", "hit@3", "mrr", "n",
"refused"}, "tuning": {…}, "heldout": {…}, "ms_per_question", "misses": [{"q", "gold", "rank",
"top3"}]}``, or for an off-topic file ``{"offtopic": true, "ms_per_question", "refused": {"all",
"even", "odd"}, "n": {"all", "even", "odd"}}``; ``refused`` and ``n`` are numbers (questions
refused, questions asked), which the text table shows as ``refused 1/2``.

``--own-contracts`` asks each question of an index that holds only its gold contracts instead,
as a bot that serves one customer's few contracts has them: BM25 statistics come from those
contracts alone. Each such index is built from a copy of the whole one, so no text is embedded
again.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from index import Encoder, Hit, SearchConfig, Searcher

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

_DOTTED = re.compile(r"\d+(?:\.\d+)+")
_TIAO = re.compile(r"第[^条條]+[条條]")
HALVES = ("tuning", "heldout")


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


def hits_rank(hits: Sequence[Hit], gold: Sequence[str],
              parents: dict[tuple[str, str], str | None]) -> int | None:
    """1-based rank of the first hit matching a gold id, by its own clause or by one of the
    identical clauses of other files it stands for (``Hit.also``)."""
    for rank, hit in enumerate(hits, start=1):
        sources = [hit.clause, *hit.also]
        if first_match_rank([(c.contract, c.clause) for c in sources], gold, parents):
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


def half_of(question: dict[str, Any], tuning: set[str]) -> str:
    """"tuning" when every gold contract is in the tuning half, else "heldout"."""
    stems = {g.partition("#")[0] for g in question["gold"]}
    return "tuning" if stems <= tuning else "heldout"


Asked = tuple[int | None, list[str], bool]  # rank of the first gold match, top 3, relevant


def ranks_of(searcher: Searcher, questions: Sequence[dict[str, Any]],
             top_k: int = 10) -> list[Asked]:
    """For each question: the rank of its first gold match, its top 3 as "stem#clause", and
    whether it was found relevant (False: the bot would refuse it; so is a question the
    searcher turns down, such as one naming a contract in 《》 that is not indexed)."""
    from index import ContractbotError

    parents = {(c.contract, c.clause): c.parent for c in searcher.all_clauses()}
    out: list[Asked] = []
    for q in questions:
        try:
            res = searcher.search(q["q"], contract=q.get("contract"), top_k=top_k)
        except ContractbotError:
            out.append((None, [], False))
            continue
        top3 = [f"{h.clause.contract}#{h.clause.clause}" for h in res.hits[:3]]
        out.append((hits_rank(res.hits, q["gold"], parents), top3, res.relevant))
    return out


Ranker = Callable[[Sequence[dict[str, Any]]], list[Asked]]


def own_contracts_ranker(index_dir: Path, sources: Sequence[Path], encoder: Encoder,
                         config: SearchConfig, work: Path, *, mode: str = "both") -> Ranker:
    """``ranks_of`` with each question asked of an index of its gold contracts only, built
    (once per set of contracts) in ``work`` from a copy of ``index_dir``."""
    from index import Searcher, build_index, collect_sources

    by_name = {p.name: p for p in collect_sources(sources)[0]}
    whole = Searcher(index_dir, encoder, config)
    path_of = {c.key: by_name[c.source] for c in whole.contracts()}
    searchers: dict[frozenset[str], Searcher] = {}

    def searcher_for(contracts: frozenset[str]) -> Searcher:
        if contracts not in searchers:
            folder = work / f"own-{len(searchers)}"
            shutil.copytree(index_dir, folder)
            build_index([path_of[k] for k in sorted(contracts)], folder, encoder,
                        progress=False, mode=mode, replace=True)  # type: ignore[arg-type]
            searchers[contracts] = Searcher(folder, encoder, config)
        return searchers[contracts]

    def rank(questions: Sequence[dict[str, Any]]) -> list[Asked]:
        return [ranks_of(searcher_for(frozenset(g.partition("#")[0] for g in q["gold"])),
                         [q])[0] for q in questions]

    return rank


def evaluate(searcher: Searcher, questions: list[dict], top_k: int = 10) -> dict[str, object]:
    """Run every question through ``searcher`` and score it."""
    ranked = ranks_of(searcher, questions, top_k)
    misses = [{"q": q["q"], "gold": q["gold"], "rank": r, "top3": top3}
              for q, (r, top3, _) in zip(questions, ranked, strict=True) if r != 1]
    return {**score([r for r, _, _ in ranked]), "n": len(questions), "misses": misses}


FRESH_PREFIX = "fresh"  # question files nobody may tune on, or read the misses of


def load_questions(path: Path) -> list[dict]:
    """Questions of a JSONL file (blank lines skipped)."""
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def refused(ranked: Sequence[Asked], idx: Sequence[int]) -> int:
    """How many of the questions at ``idx`` were found not relevant."""
    return sum(1 for i in idx if not ranked[i][2])


def report(searcher: Searcher, files: Sequence[Path],
           tuning: set[str] | None, *, ranker: Ranker | None = None) -> dict[str, dict[str, Any]]:
    """Scores per file (and per half when ``tuning`` is given), with the tuning misses and how
    many questions were refused; ``ranker`` asks the questions (default: all of ``searcher``).

    A file whose questions all have no gold is off-topic: it gives only how many were refused,
    of all its lines and of its even and odd lines (eval/offtopic.jsonl calibrates on the even
    ones and checks on the odd ones)."""
    out: dict[str, dict[str, Any]] = {}
    for path in files:
        questions = load_questions(path)
        start = time.perf_counter()
        ranked = ranker(questions) if ranker else ranks_of(searcher, questions)
        ms = 1000 * (time.perf_counter() - start) / max(len(questions), 1)
        every = range(len(questions))
        if questions and not any(q["gold"] for q in questions):
            parts = {"all": every, "even": every[0::2], "odd": every[1::2]}
            out[path.name] = {"offtopic": True, "ms_per_question": round(ms, 1),
                              "refused": {k: refused(ranked, i) for k, i in parts.items()},
                              "n": {k: len(i) for k, i in parts.items()}}
            continue
        row: dict[str, Any] = {"all": {**score([r for r, _, _ in ranked]), "n": len(questions),
                                       "refused": refused(ranked, every)},
                               "ms_per_question": round(ms, 1)}
        halves = {h: [i for i, q in enumerate(questions) if tuning is None
                      or half_of(q, tuning) == h] for h in HALVES} if tuning is not None else {}
        for half, idx in halves.items():
            row[half] = {**score([ranked[i][0] for i in idx]), "n": len(idx),
                         "refused": refused(ranked, idx)}
        shown = halves.get("tuning", every) if tuning is not None else every
        if path.name.startswith(FRESH_PREFIX):
            shown = []  # only scored, to report: its misses must not be read (eval/README.md)
        row["misses"] = [{"q": questions[i]["q"], "gold": questions[i]["gold"],
                          "rank": ranked[i][0], "top3": ranked[i][1]}
                         for i in shown if ranked[i][0] != 1]
        out[path.name] = row
    return out


def config_knobs(items: Sequence[str]) -> dict[str, Any]:
    """``--set knob=value`` items as SearchConfig values, each of its knob's type (fusion=rrf a
    string, homophone_top=0 and per_contract=1 integers, bm25_weight=0.4 a float,
    homophone_dense=1 a switch: 1/0, true/false, on/off)."""
    from index import SearchConfig

    defaults = SearchConfig()
    knobs: dict[str, Any] = {}
    for item in items:
        k, _, v = item.partition("=")
        if not hasattr(defaults, k):
            raise SystemExit(f"--set {item}: SearchConfig has no knob {k!r}")
        kind = type(getattr(defaults, k))
        if kind is bool:  # homophone_dense=1 (bool("0") would be True)
            if v.lower() not in ("1", "0", "true", "false", "on", "off", ""):
                raise SystemExit(f"--set {item}: {k} is 1 or 0")
            knobs[k] = v.lower() in ("1", "true", "on")
        else:
            knobs[k] = kind(v)
    return knobs


def main(argv: Sequence[str] | None = None) -> int:
    """Build (or reuse) the index, ask every file's questions, print the scores."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("questions", type=Path, nargs="+")
    ap.add_argument("--sources", nargs="+", type=Path, required=True)
    ap.add_argument("--mode", choices=["bm25", "dense", "hybrid"], default="hybrid")
    ap.add_argument("--encoder", default="use-multilingual")
    ap.add_argument("--index", type=Path, default=None, help="build/reuse the index here")
    ap.add_argument("--split", type=Path, default=None, help="eval/split.json: report halves")
    ap.add_argument("--set", action="append", default=[], help="config knob, e.g. bm25_weight=0.4")
    ap.add_argument("--tokenizer", default="both",
                    choices=["jieba", "bigram", "unibigram", "both"])
    ap.add_argument("--own-contracts", action="store_true",
                    help="ask each question of an index of its gold contracts only")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    from index import SearchConfig, Searcher, build_index, load_encoder

    encoder = load_encoder(args.encoder)
    with tempfile.TemporaryDirectory(prefix="cb-eval-") as tmp:
        index_dir = args.index or Path(tmp) / "index"
        built = build_index(args.sources, index_dir, encoder, progress=False, mode=args.tokenizer,
                            replace=True)  # exactly these sources
        for src, reason in built.failed:
            print(f"{Path(src).name}: {reason}", file=sys.stderr)
        knobs: dict[str, Any] = {"mode": args.mode, **config_knobs(args.set)}
        # the encoder's learned weights (index/data/ranking.json), with --mode and --set on top
        config = replace(SearchConfig.for_encoder(args.encoder), **knobs)
        searcher = Searcher(index_dir, encoder, config)
        tuning = set(json.loads(args.split.read_text("utf-8"))["tuning"]) if args.split else None
        ranker = own_contracts_ranker(index_dir, args.sources, encoder, config, Path(tmp) / "own",
                                      mode=args.tokenizer) if args.own_contracts else None
        result = report(searcher, args.questions, tuning, ranker=ranker)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    print(f"{args.encoder} {args.tokenizer} {knobs}"
          + (" (each question over its own contracts)" if args.own_contracts else ""))
    for name, row in result.items():
        if row.get("offtopic"):
            r, n = row["refused"], row["n"]
            print(f"{name}: off-topic, refused {r['all']}/{n['all']} (even lines "
                  f"{r['even']}/{n['even']}, odd lines {r['odd']}/{n['odd']}) "
                  f"({row['ms_per_question']} ms/q)")
            continue
        parts = [f"{h} {row[h]['hit@1']:.3f}/{row[h]['hit@3']:.3f}/{row[h]['mrr']:.3f} "
                 f"n={row[h]['n']} refused {row[h]['refused']}/{row[h]['n']}"
                 for h in ("all", *HALVES)
                 if h in row]
        print(f"{name}: hit@1/hit@3/MRR " + "; ".join(parts) + f" ({row['ms_per_question']} ms/q)")
        for m in row["misses"]:
            print(f"  miss {m['q']} gold={m['gold']} rank={m['rank']} top3={m['top3']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
