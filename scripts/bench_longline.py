#!/usr/bin/env python3
"""Benchmark: parse time and memory against line length, for contracts that lost their line
breaks (one line of 100 KB to 9.9 MB), and a full `index build` of a 1 MB one-line contract.

    scripts/bench_longline.py [--sizes 100,300,600,1000,2000,4000,9900] [--build-encoders
        use-multilingual,e5-small] [--baseline OLD_CHECKOUT --baseline-max 300]
        [--svg docs/longline.svg]

The text is the real text and DOCX contracts of ../shared/contracts-real, cleaned, joined
without a single line break and repeated to the size (KB of UTF-8). Each parse runs in a fresh
process (``parse_contract``), timed, with its peak RSS sampled from /proc. A 1.2 MB
one-paragraph DOCX is parsed too. ``--baseline`` runs the same parses with another
checkout's code (PYTHONPATH), for the sizes up to ``--baseline-max`` KB: the quadratic parser
before the fix. The figure is parse time against line length, one line per code.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
for extra in (ROOT, ROOT / "scripts", ROOT / "tests"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))


def one_line_text() -> str:
    """The real text contracts, cleaned and joined into one line."""
    from index import read_text

    paths = sorted(p for p in (SHARED / "contracts-real").iterdir()
                   if p.suffix in (".txt", ".docx"))
    return "".join(read_text(p).replace("\f", "").replace("\n", "") for p in paths)


def write_sizes(folder: Path, sizes_kb: Sequence[int]) -> list[tuple[int, Path]]:
    """One-line text files of each size (KB of UTF-8)."""
    base = one_line_text()
    out = []
    for kb in sizes_kb:
        size = kb * 1000
        data = (base * (size // len(base.encode()) + 1)).encode()[:size]
        path = folder / f"line-{kb}kb.txt"
        path.write_bytes(data.decode("utf-8", "ignore").encode())
        out.append((kb, path))
    return out


def write_docx(folder: Path, kb: int = 1200) -> Path:
    """A DOCX whose contract is one paragraph of about ``kb`` KB."""
    import docx

    base = one_line_text()
    chars = kb * 1000 // 3
    document = docx.Document()
    document.add_paragraph((base * (chars // len(base) + 1))[:chars])
    path = folder / f"paragraph-{kb}kb.docx"
    document.save(str(path))
    return path


def timed(args: list[str], env: dict[str, str], timeout: float) -> tuple[float, int, int]:
    """Seconds, peak RSS (MB) of the process with every process it starts (sampled from /proc)
    and exit status of a command (status -1 on timeout). It runs outside the checkout, so that
    ``python -c`` imports the code of PYTHONPATH, not of the working directory."""
    from bench_process import sample_tree

    box: list[int] = []
    with sample_tree(box) as peak:
        start = time.perf_counter()
        proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, cwd=tempfile.gettempdir())
        box.append(proc.pid)
        try:
            status = proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            status = -1
        seconds = time.perf_counter() - start
    return seconds, peak[0], status


def _env(pythonpath: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONTRACTBOT_")}
    env["PYTHONPATH"] = str(pythonpath)
    env.update(extra or {})
    return env


def parse_cmd(path: Path) -> list[str]:
    code = ("import sys; from index import parse_contract; "
            "c = parse_contract(sys.argv[1]); print(len(c.clauses))")
    return [sys.executable, "-c", code, str(path)]


def _nice(top: float) -> float:
    """The smallest 1, 2 or 5 times a power of ten, times 5, at or above ``top``."""
    import math

    step = top / 5
    power = 10 ** math.floor(math.log10(step))
    return 5 * next(f * power for f in (1, 2, 2.5, 5, 10) if f * power >= step)


def svg(series: dict[str, list[tuple[float, float]]], path: Path) -> None:
    """A line chart of parse seconds against line length (KB), one line per series."""
    w, h, m = 640, 400, 60
    xs = [x for pts in series.values() for x, _ in pts]
    ys = [y for pts in series.values() for _, y in pts]
    xmax, ymax = _nice(max(xs)), _nice(max(ys))

    def px(x: float, y: float) -> tuple[float, float]:
        return m + x / xmax * (w - 2 * m), h - m - y / ymax * (h - 2 * m)

    colors = ["#1f77b4", "#d62728", "#2ca02c"]
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
             f'font-family="sans-serif" font-size="12">',
             f'<rect width="{w}" height="{h}" fill="white"/>',
             f'<line x1="{m}" y1="{h - m}" x2="{w - m}" y2="{h - m}" stroke="black"/>',
             f'<line x1="{m}" y1="{m}" x2="{m}" y2="{h - m}" stroke="black"/>',
             f'<text x="{w / 2}" y="{h - 15}" text-anchor="middle">line length (KB, one '
             'line)</text>',
             f'<text x="15" y="{h / 2}" transform="rotate(-90 15 {h / 2})" '
             'text-anchor="middle">parse time (s)</text>']
    for k in range(6):
        x, y = xmax * k / 5, ymax * k / 5
        parts.append(f'<text x="{px(x, 0)[0]:.0f}" y="{h - m + 16}" text-anchor="middle">'
                     f'{x:g}</text>')
        parts.append(f'<text x="{m - 6}" y="{px(0, y)[1] + 4:.0f}" text-anchor="end">'
                     f'{y:g}</text>')
    for i, (name, pts) in enumerate(series.items()):
        color = colors[i % len(colors)]
        line = " ".join(f"{px(x, y)[0]:.1f},{px(x, y)[1]:.1f}" for x, y in sorted(pts))
        parts.append(f'<polyline points="{line}" fill="none" stroke="{color}" '
                     'stroke-width="2"/>')
        parts += [f'<circle cx="{px(x, y)[0]:.1f}" cy="{px(x, y)[1]:.1f}" r="3" '
                  f'fill="{color}"/>' for x, y in pts]
        parts.append(f'<text x="{m + 10}" y="{m + 16 * (i + 1)}" fill="{color}">{name}</text>')
    parts.append("</svg>")
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="long-line parsing benchmark")
    ap.add_argument("--sizes", default="100,300,600,1000,2000,4000,9900", help="KB")
    ap.add_argument("--build-encoders", default="use-multilingual,e5-small")
    ap.add_argument("--baseline", type=Path, default=None, help="an older checkout to compare")
    ap.add_argument("--baseline-max", type=int, default=300, help="KB")
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--svg", type=Path, default=None)
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    series: dict[str, list[tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = write_sizes(folder, sizes)
        print("| code | line (KB) | parse (s) | peak RSS (MB) | status |\n|---|---|---|---|---|")
        for name, code_root, limit in (("this code (labels read from a window)", ROOT,
                                        max(sizes)),
                                       ("baseline (--baseline checkout)", args.baseline,
                                        args.baseline_max)):
            if code_root is None:
                continue
            for kb, path in files:
                if kb > limit:
                    continue
                s, rss, status = timed(parse_cmd(path), _env(code_root), args.timeout)
                series.setdefault(name, []).append((kb, s))
                print(f"| {name} | {kb} | {s:.2f} | {rss} | {status} |", flush=True)
        docx_path = write_docx(folder)
        s, rss, status = timed(parse_cmd(docx_path), _env(ROOT), args.timeout)
        print(f"| this code | {docx_path.name} | {s:.2f} | {rss} | {status} |")
        one_mb = next((p for kb, p in files if kb == 1000), files[0][1])
        build_dir = folder / "src"
        build_dir.mkdir()
        (build_dir / one_mb.name).write_bytes(one_mb.read_bytes())
        print("\n| encoder | `index build` of a one-line contract | seconds | peak RSS with its "
              "workers (MB) | status |\n|---|---|---|---|---|")
        for encoder in [e for e in args.build_encoders.split(",") if e]:
            cmd = [sys.executable, "-m", "bot.cli", "index", "build", str(build_dir),
                   "--index", str(folder / f"idx-{encoder}")]
            s, rss, status = timed(cmd, _env(ROOT, {"CONTRACTBOT_EMBED_MODEL": encoder}),
                                   args.timeout)
            print(f"| {encoder} | {one_mb.name} | {s:.1f} | {rss} | {status} |", flush=True)
    if args.svg:
        svg(series, args.svg)
    return 0


if __name__ == "__main__":
    sys.exit(main())
