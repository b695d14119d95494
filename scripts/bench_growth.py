#!/usr/bin/env python3
"""Benchmark of growth: question latency, load time, disk size and HNSW recall at 1,000 to
100,000 clauses, exact FAISS search against HNSW (docs/performance.md, "Growth").

    scripts/bench_growth.py INDEX_DIR [--sizes 1000,10000,100000] [--encoder use-multilingual]

INDEX_DIR is an index built by ``contractbot index build`` (e.g. by ``scripts/bench.py --keep``);
its contracts are copied under new names, their vectors nudged so copies are near but not
equal. A white-box benchmark of the store: unlike the other scripts it writes generations with
``index.store`` directly and reads the searcher's vectors, which the public API does not offer.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import QUESTIONS, search_latency  # noqa: E402


def synth_generation(base: Path, out: Path, n: int, ann_threshold: int) -> Path:
    """An index dir of ``n`` clauses copied from the index at ``base`` (copies of its contracts
    under new names, vectors nudged so copies are near but not equal), written directly."""
    import dataclasses

    import numpy as np

    from index import store
    from index.store.lexical import LexicalIndex

    gen_base = store.require_generation(base)
    manifest = store.read_manifest(gen_base)
    rows = store.read_clauses(gen_base)
    lexical = LexicalIndex.load(gen_base / store.BM25_DIR)
    titles = LexicalIndex.load(gen_base / store.TITLES_BM25_DIR)
    vecs = store.reconstruct(store.read_vectors(gen_base), [r.id for r in rows])
    contracts = store.read_contracts(gen_base)
    rng = np.random.default_rng(0)
    new_rows: list[Any] = []
    new_vecs: list[Any] = []
    new_contracts: list[Any] = []
    k = 0
    while len(new_rows) < n:
        take = min(len(rows), n - len(new_rows))
        for r in rows[:take]:
            clause = dataclasses.replace(r.clause, contract=f"{r.clause.contract}~{k}")
            new_rows.append(dataclasses.replace(r, id=len(new_rows) + 1, order=len(new_rows),
                                                clause=clause))
        v = vecs[:take] + (rng.normal(0, 0.35 / np.sqrt(vecs.shape[1]), vecs[:take].shape)
                           if k else 0)
        new_vecs.append((v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32))
        used = {r.clause.contract for r in rows[:take]}
        new_contracts += [(dataclasses.replace(c, key=f"{c.key}~{k}"), h)
                          for c, h in contracts if c.key in used]
        k += 1
    gen_dir = store.generation_dir(out, "synthetic")
    gen_dir.mkdir(parents=True)
    store.write_tables(gen_dir, new_contracts, new_rows)
    store.write_vectors(gen_dir, np.array([r.id for r in new_rows], dtype=np.int64),
                        np.vstack(new_vecs), manifest.dim, ann_threshold=ann_threshold)
    base_pos = [i % len(rows) for i in range(len(new_rows))]
    LexicalIndex.build([lexical.row(p) for p in base_pos], lexical.vocab).save(
        gen_dir / store.BM25_DIR)
    LexicalIndex.build([titles.row(p) for p in base_pos], titles.vocab).save(
        gen_dir / store.TITLES_BM25_DIR)
    counts: dict[str, int] = {}
    for r in new_rows:
        counts[r.clause.contract] = counts.get(r.clause.contract, 0) + 1
    sources = tuple(store.SourceEntry(c.source, c.key, c.title, h, counts.get(c.key, 0))
                    for c, h in new_contracts)
    from index.store.hubs import write_hubs

    store.write_manifest(gen_dir, dataclasses.replace(
        manifest, generation="synthetic", sources=sources,
        hubness=write_hubs(gen_dir, np.vstack(new_vecs))))
    store.switch_generation(out, "synthetic")
    return out


def _dir_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def growth(base: Path, sizes: Sequence[int], encoder: str, work: Path) -> list[dict[str, Any]]:
    """Question latency, load time and size at each size, exact and HNSW, and HNSW recall."""
    import numpy as np

    from index import Searcher
    from index.store.vectors import recall_at, recall_by_score

    out = []
    for n in sizes:
        row: dict[str, Any] = {"clauses": n}
        searchers = {}
        for kind, threshold in (("exact", 10**9), ("hnsw", 0)):
            start = time.perf_counter()
            idx = synth_generation(base, work / f"growth-{n}-{kind}", n, threshold)
            row[f"{kind}_write_s"] = round(time.perf_counter() - start, 1)
            row[f"{kind}_disk_mb"] = round(_dir_mb(idx), 1)
            start = time.perf_counter()
            searchers[kind] = Searcher.open(idx, encoder)
            row[f"{kind}_load_s"] = round(time.perf_counter() - start, 1)
            searchers[kind].warm_up()
            p50, p95 = search_latency(searchers[kind], rounds=3)
            row[f"{kind}_p50_ms"], row[f"{kind}_p95_ms"] = round(p50, 1), round(p95, 1)
        exact, hnsw = searchers["exact"]._gen.dense, searchers["hnsw"]._gen.dense
        queries = searchers["exact"].encoder.encode(list(QUESTIONS))
        assert exact._matrix is not None and exact._matrix_pos is not None
        start = time.perf_counter()
        for q in queries:
            exact._matrix @ q
        row["exact_dense_ms"] = round((time.perf_counter() - start) * 1000 / len(QUESTIONS), 2)
        sims = queries @ exact._matrix.T
        ids = exact._ids[exact._matrix_pos]
        exact_ids = ids[np.argsort(-sims, axis=1)[:, :10]]
        start = time.perf_counter()
        # as a question does it: one at a time, DENSE_CANDIDATES of them
        nearest = [hnsw.nearest(q[None])[1][:, :10] for q in queries]
        row["hnsw_dense_ms"] = round((time.perf_counter() - start) * 1000 / len(QUESTIONS), 2)
        found = np.vstack(nearest)
        order = np.argsort(ids)
        columns = order[np.searchsorted(ids[order], found)]  # faiss ids -> matrix columns
        found_sims = np.take_along_axis(sims, columns, axis=1)
        row["hnsw_recall_at_10_ids"] = round(recall_at(exact_ids, found, 10), 3)
        row["hnsw_recall_at_10"] = round(recall_by_score(sims, found_sims, 10), 3)
        out.append(row)
    return out


def growth_table(rows: list[dict[str, Any]]) -> str:
    """The growth rows as a Markdown table."""
    keys = list(rows[0])
    lines = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    lines += ["| " + " | ".join(str(r[k]) for k in keys) + " |" for r in rows]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Copy the index to each size, measure, print the table (or JSON)."""
    ap = argparse.ArgumentParser(description="contractbot growth benchmark")
    ap.add_argument("index", type=Path, help="an index to copy clauses from")
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--encoder", default="use-multilingual")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    sizes = [int(x) for x in args.sizes.split(",") if x.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        rows = growth(args.index, sizes, args.encoder, Path(tmp))
    print(json.dumps(rows, ensure_ascii=False) if args.json else growth_table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
