#!/usr/bin/env python3
"""Benchmark: build, rebuild, question latency, memory and bot start on a library of distinct
contracts, for each encoder; and the speedup of a Dask cluster with 1 and 2 workers.

    scripts/bench.py [--contracts 60] [--encoders e5-small,use-multilingual]
                     [--cluster-workers 1,2] [--cluster-encoder use-multilingual] [--json]

The library (``scripts/bench_library.py``) has no clause text repeated across contracts.
Everything runs as the user runs it: ``contractbot index build``, ``contractbot ask`` and
``contractbot serve`` as separate processes (peak RSS of the process from /usr/bin/time, of the
process with its worker processes by sampling /proc), the bot against the loopback Bot API
server of the tests. Each encoder's build is measured side by side with the same build on one
process (``Reading(workers=0)``: parse and embed in the building process, as before worker
processes), in the same run. How a question's cost grows is ``scripts/bench_growth.py``; long
lines are ``scripts/bench_longline.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as _dt
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for extra in (ROOT, ROOT / "tests", ROOT / "scripts"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from bench_library import make_library  # noqa: E402
from bench_process import subreaper, timed_run  # noqa: E402

QUESTIONS = (
    "乙方响应时间是多少", "违约金怎么计算", "合同的有效期是多久", "甲方的付款方式是什么",
    "维护费用如何支付", "保密义务有哪些", "系统升级包括哪些内容", "合同可以提前解除吗",
    "出租人的维修责任", "押金什么时候退还", "工程款怎么支付", "劳动者的试用期多长",
    "不可抗力怎么处理", "争议如何解决", "知识产权归谁所有", "验收不合格怎么办",
    "維護服務的範圍包括哪些", "乙方遲延履行怎麼處理", "技术服务的报酬是多少", "房屋交付的时间",
)


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONTRACTBOT_", "TELEGRAM_"))}
    env.update(extra or {})
    return env


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "bot.cli", *args]


def serial_build(lib: Path, idx: Path, encoder: str) -> float:
    """The same build in one process (no worker processes): seconds."""
    code = ("import sys; from pathlib import Path; from index import Reading, build_from_sources;"
            " build_from_sources([Path(sys.argv[1])], Path(sys.argv[2]), sys.argv[3],"
            " progress=False, reading=Reading(workers=0))")
    return timed_run([sys.executable, "-c", code, str(lib), str(idx), encoder], _env())["s"]


def warm_rebuild(changed: Path, lib: Path, idx: Path, encoder: str) -> float:
    """One-file rebuild inside a running bot's process (its upload path)."""
    from index import Searcher, build_from_sources

    Searcher.open(idx, encoder).warm_up()
    extra = "\n第九十八条 本合同补充条款自签订之日起生效。\n"
    changed.write_text(changed.read_text("utf-8") + extra, encoding="utf-8")
    start = time.perf_counter()
    report = build_from_sources([lib], idx, encoder, progress=False)
    assert report.parsed == 1, report.summary()
    return round(time.perf_counter() - start, 2)


def warm_latency(index_dir: Path, encoder: str, rounds: int = 5) -> tuple[float, float]:
    """p50 and p95 of Searcher.search in this process, after a warm-up."""
    from index import Searcher

    searcher = Searcher.open(index_dir, encoder)
    searcher.warm_up()
    return search_latency(searcher, rounds)


def search_latency(searcher: Any, rounds: int) -> tuple[float, float]:
    """p50 and p95 in ms of ``searcher.search`` over QUESTIONS, ``rounds`` times, after one
    round unmeasured."""
    for q in QUESTIONS:
        searcher.search(q)
    times = []
    for _ in range(rounds):
        for q in QUESTIONS:
            start = time.perf_counter()
            searcher.search(q)
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.95 * len(times))]


async def _serve_first_answer(index_dir: Path, env: dict[str, str]) -> tuple[float, int]:
    """Start ``contractbot serve``; seconds until its first answer arrives, and its peak RSS."""
    from bot_helpers import message
    from botapi_server import FakeBotApi

    api = FakeBotApi()
    await api.start()
    env = _env({**env, "TELEGRAM_BOT_TOKEN": "1:BENCH", "TELEGRAM_BASE_URL": api.base_url,
                "TELEGRAM_BASE_FILE_URL": api.base_file_url, "CONTRACTBOT_LOG_LEVEL": "WARNING"})
    start = time.perf_counter()
    proc = subprocess.Popen(cli("serve", "--index", str(index_dir)), env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    api.push("message", message(100, "乙方响应时间是多少"))
    try:
        await api.wait_for("sendMessage", 1, timeout=120)
        ready = time.perf_counter() - start
        status = Path(f"/proc/{proc.pid}/status").read_text()
        rss = int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) // 1024  # type: ignore[union-attr]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        await api.stop()
    return ready, rss


def answers(index_dir: Path, env: dict[str, str]) -> list[list[tuple[str, str]]]:
    """The (contract, clause) hits of every question, through `contractbot ask --batch`."""
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
        f.write("\n".join(json.dumps({"q": q}, ensure_ascii=False) for q in QUESTIONS))
    try:
        out = timed_run(cli("ask", "--batch", f.name, "--json", "--index", str(index_dir)),
                        env)["out"]
    finally:
        os.unlink(f.name)
    return [[(r["contract"], r["clause"]) for r in json.loads(line)["results"]]
            for line in out.splitlines()]


SCANS = (("委托合同.pdf", range(1, 9)), ("劳动合同.pdf", range(1, 9)))  # 16 distinct pages


def make_scans(folder: Path) -> int:
    """Image-only PDFs of shared contracts' pages, rendered at 200 dpi as a scanner would
    (../shared/contracts-real); the pages written."""
    import pypdfium2

    folder.mkdir(parents=True, exist_ok=True)
    pages = 0
    for name, numbers in SCANS:
        pdf = pypdfium2.PdfDocument(str(ROOT.parent / "shared" / "contracts-real" / name))
        images = [pdf[n - 1].render(scale=200 / 72).to_pil().convert("L") for n in numbers]
        images[0].save(folder / f"scan-{name}", save_all=True, append_images=images[1:],
                       resolution=200)
        pages += len(images)
    return pages


def ocr_pages_per_s(work: Path, encoder: str) -> dict[str, Any]:
    """OCR pages a second in a build of scanned contracts, with one worker per core and with
    one worker (side by side), and the build's peak RSS with its workers."""
    scans = work / "scans"
    pages = make_scans(scans)
    env = _env({"CONTRACTBOT_EMBED_MODEL": encoder, "XDG_DATA_HOME": str(work / "xdg")})
    out: dict[str, Any] = {"pages": pages}
    for label, extra in (("every_core", ()), ("one_worker", ("--workers", "1"))):
        idx = work / f"ocr-{label}"  # a fresh index: its OCR cache is empty
        run = timed_run(cli("index", "build", str(scans), "--index", str(idx), *extra), env)
        out[label] = round(pages / run["s"], 2)
        out[f"{label}_tree_rss_mb"] = run["tree_rss"]
    return out


def run_encoder(encoder: str, lib: Path, files: list[Path], work: Path, *,
                serial: bool = True) -> dict[str, Any]:
    """Every measurement of one encoder's column (``serial``: the build in one process too)."""
    from index import index_status

    idx = work / f"index-{encoder}"
    env = _env({"CONTRACTBOT_EMBED_MODEL": encoder, "XDG_DATA_HOME": str(work / "xdg")})
    build = timed_run(cli("index", "build", str(lib), "--index", str(idx)), env)
    serial_s = serial_build(lib, work / f"serial-{encoder}", encoder) if serial else None
    manifest = index_status(idx)
    clauses = manifest.clauses
    embedded = int(re.search(r"(\d+) texts? embedded", build["out"]).group(1))  # type: ignore[union-attr]
    rebuilds = []  # three one-file rebuilds, each of another file: the median
    for changed in (files[len(files) // 2], files[len(files) // 2 + 1], files[len(files) // 4]):
        extra = "\n第九十九条 本合同附加条款于签订时生效。\n"
        changed.write_text(changed.read_text("utf-8") + extra, encoding="utf-8")
        rebuilds.append(timed_run(cli("index", "build", str(lib), "--index", str(idx)), env))
    warm = warm_rebuild(files[len(files) // 3], lib, idx, encoder)
    p50, p95 = warm_latency(idx, encoder)
    asks = [timed_run(cli("ask", q, "--index", str(idx)), env) for q in QUESTIONS[:5]]
    ready, serve_rss = asyncio.run(_serve_first_answer(idx, env))
    return {
        "encoder": encoder, "contracts": manifest.contracts, "clauses": clauses,
        "distinct_texts": embedded, "build_s": round(build["s"], 1),
        "build_cpu_s": round(build["cpu"], 1),
        "clauses_per_s": round(clauses / build["s"], 1),
        "serial_clauses_per_s": round(clauses / serial_s, 1) if serial_s else None,
        "rebuild_one_file_s": round(statistics.median(r["s"] for r in rebuilds), 2),
        "rebuild_one_file_cpu_s": round(statistics.median(r["cpu"] for r in rebuilds), 2),
        "warm_rebuild_one_file_s": warm,
        "question_p50_ms": round(p50, 1), "question_p95_ms": round(p95, 1),
        "ask_process_p50_s": round(statistics.median(a["s"] for a in asks), 2),
        "build_rss_mb": build["rss"], "build_tree_rss_mb": build["tree_rss"],
        "ask_rss_mb": max(a["rss"] for a in asks),
        "serve_rss_mb": serve_rss, "bot_first_answer_s": round(ready, 2),
    }


def run_cluster(encoder: str, lib: Path, work: Path, sizes: Sequence[int]) -> dict[str, Any]:
    """Builds through a loopback Dask cluster of each size: clauses/s, and whether the answers
    equal a local build's."""
    from distributed import LocalCluster

    from index import index_status

    env = _env({"CONTRACTBOT_EMBED_MODEL": encoder, "XDG_DATA_HOME": str(work / "xdg")})
    local = work / f"index-{encoder}"
    if not local.exists():
        timed_run(cli("index", "build", str(lib), "--index", str(local)), env)
    expected = answers(local, env)
    out: dict[str, Any] = {"encoder": encoder}
    for n in sizes:
        with LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                          dashboard_address=":0") as cluster:
            idx = work / f"cluster{n}-{encoder}"
            run = timed_run(cli("index", "build", str(lib), "--index", str(idx), "--cluster",
                                cluster.scheduler_address), env)
        clauses = index_status(idx).clauses
        out[f"workers_{n}_clauses_per_s"] = round(clauses / run["s"], 1)
        out[f"workers_{n}_same_answers"] = answers(idx, env) == expected
    if len(sizes) > 1:
        first, last = sizes[0], sizes[-1]
        out["speedup"] = round(out[f"workers_{last}_clauses_per_s"]
                               / out[f"workers_{first}_clauses_per_s"], 2)
    return out


LABELS = {
    "encoder": "encoder", "contracts": "contracts", "clauses": "clauses",
    "distinct_texts": "distinct texts embedded", "build_s": "full build (s)",
    "build_cpu_s": "full build, CPU user + system with its workers (s)",
    "clauses_per_s": "build clauses/s (worker processes, one per core)",
    "serial_clauses_per_s": "build clauses/s in one process (side by side)",
    "rebuild_one_file_s": "one-file rebuild, `index build` process, median of 3 (s)",
    "rebuild_one_file_cpu_s": "one-file rebuild, CPU with its workers, median of 3 (s)",
    "warm_rebuild_one_file_s": "one-file rebuild in a warm process (bot upload) (s)",
    "question_p50_ms": "question p50 in process (ms)", "question_p95_ms": "question p95 (ms)",
    "ask_process_p50_s": "`contractbot ask` process (s)",
    "build_rss_mb": "build peak RSS, building process (MB)",
    "build_tree_rss_mb": "build peak RSS, with its workers (MB)",
    "ask_rss_mb": "ask peak RSS (MB)", "serve_rss_mb": "serve peak RSS (MB)",
    "bot_first_answer_s": "bot start to first answer (s)",
}


def table(columns: list[dict[str, Any]]) -> str:
    """The encoder columns as one Markdown table."""
    lines = ["| measure | " + " | ".join(str(c["encoder"]) for c in columns) + " |",
             "|---|" + "---|" * len(columns)]
    for key, label in LABELS.items():
        if key != "encoder":
            lines.append(f"| {label} | " + " | ".join(str(c.get(key)) for c in columns) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Build the library, measure, print the tables (or JSON)."""
    ap = argparse.ArgumentParser(description="contractbot benchmark")
    ap.add_argument("--contracts", type=int, default=60)
    ap.add_argument("--encoders", default="e5-small,use-multilingual")
    ap.add_argument("--cluster-workers", default="1,2", help="Dask cluster sizes ('' = none)")
    ap.add_argument("--cluster-encoder", default="use-multilingual")
    ap.add_argument("--keep", type=Path, default=None, help="work here and keep it")
    ap.add_argument("--no-ocr", dest="ocr", action="store_false",
                    help="skip the OCR measure (16 scanned pages)")
    ap.add_argument("--no-serial", dest="serial", action="store_false",
                    help="skip the same build in one process")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    subreaper()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        lib = work / "library"
        files = make_library(lib, args.contracts)
        started = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="minutes")
        columns = [run_encoder(e, lib, files, work, serial=args.serial)
                   for e in args.encoders.split(",") if e]
        sizes = [int(n) for n in args.cluster_workers.split(",") if n]
        cluster = run_cluster(args.cluster_encoder, lib, work, sizes) if sizes else None
        ocr = ocr_pages_per_s(work, args.cluster_encoder) if args.ocr else None
    result = {"started": started, "load": os.getloadavg(), "columns": columns,
              "cluster": cluster, "ocr": ocr}
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(f"started {started}; load average at the end {os.getloadavg()}\n")
        print(table(columns))
        if cluster:
            print("\n" + json.dumps(cluster, ensure_ascii=False))
        if ocr:
            print("\nOCR pages/s: " + json.dumps(ocr, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
