#!/usr/bin/env python3
"""Benchmark: build, rebuild, question latency, memory and bot start on a ~10,000-clause library.

    scripts/bench.py [--contracts 200] [--encoder use-multilingual] [--distinct 1.0] [--json]

The library is made from the 27 contracts we have (../shared/contracts, ../shared/contracts-real,
samples/): each base contract's cleaned text is written as ``--contracts`` text variants with
their own title number, and a share ``--distinct`` of the clause lines gets a variant-specific
sentence, so that share of the clauses has text no other contract has (1.0: every clause is
distinct, the worst case for the embedding cache; real libraries built from templates share
many clauses). Everything runs as the user runs it: ``contractbot index build``, ``contractbot
ask`` and ``contractbot serve`` as separate processes (peak RSS from /usr/bin/time or
/proc), the bot against the loopback Bot API server of the tests. How a question's cost grows
to 100,000 clauses is ``scripts/bench_growth.py``.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
for extra in (ROOT, ROOT / "tests"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

QUESTIONS = (
    "乙方响应时间是多少", "违约金怎么计算", "合同的有效期是多久", "甲方的付款方式是什么",
    "维护费用如何支付", "保密义务有哪些", "系统升级包括哪些内容", "合同可以提前解除吗",
    "出租人的维修责任", "押金什么时候退还", "工程款怎么支付", "劳动者的试用期多长",
    "不可抗力怎么处理", "争议如何解决", "知识产权归谁所有", "验收不合格怎么办",
    "維護服務的範圍包括哪些", "乙方遲延履行怎麼處理", "技术服务的报酬是多少", "房屋交付的时间",
)
_CLAUSE_LINE = re.compile(
    r"^\s*(第[一二三四五六七八九十百零〇\d]+[条條章]|\d+(\.\d+)*[、.．\s]"
    r"|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)"
)


@functools.lru_cache(maxsize=1)
def base_texts() -> list[tuple[str, str]]:
    """(name, cleaned text) of every contract we have."""
    from index import read_text

    paths = sorted((SHARED / "contracts").glob("*.txt")) + sorted(
        p for p in (SHARED / "contracts-real").iterdir() if p.suffix in (".pdf", ".docx", ".txt")
    ) + sorted((ROOT / "samples").iterdir())
    return [(p.stem, read_text(p)) for p in paths]


def make_library(folder: Path, contracts: int, distinct: float) -> list[Path]:
    """Write ``contracts`` text variants of the base contracts into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    bases = base_texts()
    files = []
    for v in range(contracts):
        name, text = bases[v % len(bases)]
        lines = text.replace("\f", "\n").split("\n")
        out = []
        for i, line in enumerate(lines):
            if (_CLAUSE_LINE.match(line) and line.rstrip().endswith("。")
                    and zlib.crc32(f"{v}:{i}".encode()) % 1000 < distinct * 1000):
                line = f"{line.rstrip()}本条所称项目为第{v + 1}号项目第{i}项。"
            out.append(line)
        path = folder / f"{name}-{v + 1:03d}.txt"
        path.write_text(f"（第{v + 1}号）\n" + "\n".join(out), encoding="utf-8")
        files.append(path)
    return files


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONTRACTBOT_", "TELEGRAM_"))}
    env.update(extra or {})
    return env


def timed_run(args: list[str], env: dict[str, str]) -> tuple[float, int, str, str]:
    """Run a command; (seconds, peak RSS in MB, stdout, stderr)."""
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "MAXRSS %M", *args], env=env,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - start
    rss = re.findall(r"MAXRSS (\d+)", proc.stderr)
    if proc.returncode not in (0, 3):
        raise RuntimeError(f"{args[:4]} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return seconds, int(rss[-1]) // 1024 if rss else 0, proc.stdout, proc.stderr


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "bot.cli", *args]


def warm_rebuild(changed: Path, lib: Path, idx: Path, encoder: str) -> float:
    """One-file rebuild inside a running bot's process (its upload path): the searcher is open
    and warmed up, so the encoder and the tokenizer's dictionary are loaded already."""
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


def run(contracts: int, encoder: str, distinct: float, work: Path) -> dict[str, Any]:
    """Every measurement of the table, as a dict."""
    lib, idx = work / "library", work / "index"
    files = make_library(lib, contracts, distinct)
    env = _env({"CONTRACTBOT_EMBED_MODEL": encoder, "XDG_DATA_HOME": str(work / "xdg")})
    build_s, build_rss, out, _ = timed_run(cli("index", "build", str(lib), "--index", str(idx)),
                                           env)
    from index import index_status

    manifest = index_status(idx)
    clauses = manifest.clauses
    embedded = int(re.search(r"(\d+) texts embedded", out).group(1))  # type: ignore[union-attr]

    rebuilds = []  # three one-file rebuilds, each of another file: the median
    for changed in (files[len(files) // 2], files[len(files) // 2 + 1], files[len(files) // 4]):
        extra = "\n第九十九条 本合同附加条款于签订时生效。\n"
        changed.write_text(changed.read_text("utf-8") + extra, encoding="utf-8")
        rebuilds.append(timed_run(cli("index", "build", str(lib), "--index", str(idx)), env)[0])
    rebuild_s = statistics.median(rebuilds)
    warm_rebuild_s = warm_rebuild(files[len(files) // 3], lib, idx, encoder)

    p50, p95 = warm_latency(idx, encoder)
    asks = [timed_run(cli("ask", q, "--index", str(idx)), env) for q in QUESTIONS[:5]]
    ready, serve_rss = asyncio.run(_serve_first_answer(idx, env))
    return {
        "encoder": encoder, "contracts": manifest.contracts, "clauses": clauses,
        "distinct_texts": embedded, "build_s": round(build_s, 1),
        "clauses_per_s": round(clauses / build_s, 1), "rebuild_one_file_s": round(rebuild_s, 2),
        "warm_rebuild_one_file_s": warm_rebuild_s,
        "question_p50_ms": round(p50, 1), "question_p95_ms": round(p95, 1),
        "ask_process_p50_s": round(statistics.median(a[0] for a in asks), 2),
        "build_rss_mb": build_rss, "ask_rss_mb": max(a[1] for a in asks),
        "serve_rss_mb": serve_rss, "bot_first_answer_s": round(ready, 2),
    }


LABELS = {
    "encoder": "encoder", "contracts": "contracts", "clauses": "clauses",
    "distinct_texts": "distinct texts embedded", "build_s": "full build (s)",
    "clauses_per_s": "build clauses/s",
    "rebuild_one_file_s": "one-file rebuild, `index build` process, median of 3 (s)",
    "warm_rebuild_one_file_s": "one-file rebuild in a warm process (bot upload) (s)",
    "question_p50_ms": "question p50 in process (ms)", "question_p95_ms": "question p95 (ms)",
    "ask_process_p50_s": "`contractbot ask` process (s)", "build_rss_mb": "build peak RSS (MB)",
    "ask_rss_mb": "ask peak RSS (MB)", "serve_rss_mb": "serve peak RSS (MB)",
    "bot_first_answer_s": "bot start to first answer (s)",
}


def table(result: dict[str, Any]) -> str:
    """The result as a two-column Markdown table."""
    lines = ["| measure | value |", "|---|---|"]
    lines += [f"| {LABELS[k]} | {v} |" for k, v in result.items() if k in LABELS]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Build the library, measure, print the table (or JSON)."""
    ap = argparse.ArgumentParser(description="contractbot benchmark")
    ap.add_argument("--contracts", type=int, default=200)
    ap.add_argument("--encoder", default="use-multilingual")
    ap.add_argument("--distinct", type=float, default=1.0,
                    help="share of clause lines made unique to their variant (0..1)")
    ap.add_argument("--keep", type=Path, default=None, help="work here and keep it")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        if args.keep:
            shutil.rmtree(args.keep, ignore_errors=True)
            args.keep.mkdir(parents=True)
        result = run(args.contracts, args.encoder, args.distinct, work)
    print(json.dumps(result, ensure_ascii=False) if args.json else table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
