#!/usr/bin/env python3
"""Libraries of distinct contracts for the benchmarks: no clause text repeated across copies.

    scripts/bench_library.py FOLDER [--contracts 60]

The 27 contracts we have (../shared/contracts, ../shared/contracts-real, bot/samples/) are read and
cleaned once; contract number v is base v mod 27 with its text varied deterministically: blanks
of the templates (＿＿＿, wide gaps) are filled with numbers of its own, and every sentence of a
clause line gets a reference to a project and a number of its own before its full stop. So two
copies of one base share headings (违约责任) but no clause sentence, as two contracts made from
one template and filled in for different deals do. The old benchmark wrote variants that shared
about a third of their clause texts, and an identical text is embedded only once, so its
clauses/s counted thousands of clauses that were never embedded.
"""

from __future__ import annotations

import argparse
import functools
import re
import sys
import zlib
from pathlib import Path

from bot.settings import SAMPLES_DIR
from index import HAN

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"

CITIES = ("北京 上海 广州 深圳 杭州 南京 成都 武汉 西安 苏州 天津 重庆 长沙 郑州 青岛 厦门 宁波 "
          "合肥 福州 济南").split()
SITES = "数据中心 客服平台 办公楼 生产线 仓储系统 门店 研发中心 物流园 培训基地 展厅".split()
_BLANK = re.compile(rf"[＿_]{{2,}}|(?<=[{HAN}：:])[ \u3000]{{3,}}(?=[{HAN}])")
_END = re.compile(r"[。；;]$")
_STOP = re.compile(rf"(?<=[{HAN}）)])[。；;]")
_HAN = re.compile(f"[{HAN}]")


@functools.lru_cache(maxsize=1)
def base_texts() -> list[tuple[str, str]]:
    """(name, cleaned text) of every contract we have."""
    from index import read_text

    paths = sorted((SHARED / "contracts").glob("*.txt")) + sorted(
        p for p in (SHARED / "contracts-real").iterdir() if p.suffix in (".pdf", ".docx", ".txt")
    ) + sorted(SAMPLES_DIR.iterdir())
    return [(p.stem, read_text(p)) for p in paths]


def _pick(words: list[str], *key: object) -> str:
    return words[zlib.crc32(":".join(map(str, key)).encode()) % len(words)]


def vary(text: str, v: int) -> str:
    """Contract text ``text`` made into contract number ``v``: its own filled blanks and a
    project reference of its own in every sentence of a clause line."""
    out = []
    for i, line in enumerate(text.replace("\f", "\n").split("\n")):
        filled = 0

        def fill(_: re.Match[str], i: int = i) -> str:
            nonlocal filled
            filled += 1
            return str(zlib.crc32(f"{v}:{i}:{filled}".encode()) % 900 + 100)

        line = _BLANK.sub(fill, line)
        han = len(_HAN.findall(line))
        if (han >= 4 and _END.search(line.rstrip())) or (han >= 12 and len(line) > 24):
            place = f"{_pick(CITIES, v, i)}{_pick(SITES, i, v)}"
            marks = 0

            def mark(m: re.Match[str], i: int = i, place: str = place) -> str:
                nonlocal marks
                marks += 1
                return f"（适用于{place}项目，编号{v + 1:03d}-{i:03d}-{marks}）{m.group(0)}"

            stripped = line.rstrip()
            line = _STOP.sub(mark, stripped)
            if not marks:
                line = f"{stripped}（适用于{place}项目，编号{v + 1:03d}-{i:03d}）"
        out.append(line)
    return "\n".join(out)


def make_library(folder: Path, contracts: int) -> list[Path]:
    """Write ``contracts`` distinct contracts as text files into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    bases = base_texts()
    files = []
    for v in range(contracts):
        name, text = bases[v % len(bases)]
        path = folder / f"{name}-{v + 1:03d}.txt"
        path.write_text(vary(text, v), encoding="utf-8")
        files.append(path)
    return files


def main() -> int:
    """Write a library into a folder."""
    ap = argparse.ArgumentParser(description="write a library of distinct contracts")
    ap.add_argument("folder", type=Path)
    ap.add_argument("--contracts", type=int, default=60)
    args = ap.parse_args()
    print(f"{len(make_library(args.folder, args.contracts))} contracts in {args.folder}")
    return 0


if __name__ == "__main__":
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    sys.exit(main())
