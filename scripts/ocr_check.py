#!/usr/bin/env python3
"""How well scans are read: shared PDFs turned into image-only scans, read by OCR, compared
with their text layer.

    scripts/ocr_check.py [--pdfs 委托合同.pdf 劳动合同.pdf] [--dpi 200] [--keep DIR] [--json]

Each page is rendered at ``--dpi`` (pypdfium2), turned 0.6-0.9° and blurred a little (Pillow),
and the pages are saved as an image-only PDF of the same name. The scans and the originals are
parsed and indexed; reported per PDF: pages, OCR seconds a page (2 cores here), the share of the
text layer's clause ids the scan has (target ≥ 0.85), the mean text similarity of those clauses
(target ≥ 0.90), notes; and, for the questions of eval/*.jsonl on these contracts, how often the
scan's index gives the same first clause as the original's, and hit@1 of both against gold.
Results and their date go to docs/ocr.md.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import difflib
import json
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "contracts-real"
for path in (ROOT, ROOT / "scripts"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

DEFAULT_PDFS = ("委托合同.pdf", "劳动合同.pdf")


def make_scan(pdf: Path, out: Path, dpi: int) -> int:
    """Write ``pdf`` as an image-only scan to ``out``; returns its page count."""
    import pypdfium2 as pdfium
    from PIL import ImageFilter

    doc = pdfium.PdfDocument(str(pdf))
    images = []
    for k in range(len(doc)):
        page = doc[k].render(scale=dpi / 72).to_pil().convert("L")
        angle = (0.6, -0.9, 0.8, -0.7)[k % 4]
        turned = page.rotate(angle, expand=True, fillcolor=255, resample=3)
        images.append(turned.filter(ImageFilter.GaussianBlur(0.7)))
    doc.close()
    images[0].save(out, save_all=True, append_images=images[1:], resolution=dpi)
    return len(images)


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text).translate(str.maketrans("()：:", "（）：："))


def compare(original: Any, scan: Any) -> dict[str, Any]:
    """Recall of the original's clause ids in the scan, and the text similarity of those."""
    ref = {c.clause: c.text for c in original.clauses}
    got = {c.clause: c.text for c in scan.clauses}
    found = [k for k in ref if k in got]
    sims = [difflib.SequenceMatcher(None, _norm(ref[k]), _norm(got[k]), autojunk=False).ratio()
            for k in found]
    return {"clauses": len(ref), "recalled": len(found),
            "recall": round(len(found) / max(1, len(ref)), 3),
            "similarity": round(sum(sims) / max(1, len(sims)), 3),
            "missing": [k for k in ref if k not in got][:10],
            "extra": [k for k in got if k not in ref][:10]}


def questions_on(stems: set[str]) -> list[dict[str, Any]]:
    """The questions of eval/*.jsonl asked about these contracts (scoped to them)."""
    out = []
    for path in sorted((ROOT / "eval").glob("*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                q = json.loads(line)
                if q.get("contract") in stems:
                    out.append(q)
    return out


def answers(original_idx: Path, scan_idx: Path, questions: list[dict[str, Any]]) -> dict[str, Any]:
    """Same first clause from both indexes, and hit@1 of each against gold."""
    from evaluate import first_match_rank

    from index import Searcher

    a, b = Searcher.open(original_idx, "use-multilingual"), Searcher.open(scan_idx,
                                                                         "use-multilingual")
    same = hit_a = hit_b = 0
    for q in questions:
        ra = [(h.clause.contract, h.clause.clause) for h in a.search(q["q"], contract=q["contract"],
                                                                     top_k=3).hits]
        rb = [(h.clause.contract, h.clause.clause) for h in b.search(q["q"], contract=q["contract"],
                                                                     top_k=3).hits]
        same += bool(ra and rb and ra[0] == rb[0])
        hit_a += first_match_rank(ra[:1], q["gold"]) == 1
        hit_b += first_match_rank(rb[:1], q["gold"]) == 1
    n = max(1, len(questions))
    return {"questions": len(questions), "same_first_clause": round(same / n, 3),
            "hit_at_1_original": round(hit_a / n, 3), "hit_at_1_scan": round(hit_b / n, 3)}


def run(pdfs: Sequence[str], dpi: int, work: Path) -> dict[str, Any]:
    """Scan, parse, compare and index; the figures of the check."""
    from index import build_from_sources, ocr_cache_dir, parse_contract

    originals, scans = work / "original", work / "scan"
    originals.mkdir(parents=True)
    scans.mkdir(parents=True)
    cache = ocr_cache_dir(work / "scan-index")
    rows = []
    for name in pdfs:
        shutil.copy(REAL / name, originals / name)
        pages = make_scan(REAL / name, scans / name, dpi)
        start = time.perf_counter()
        scan = parse_contract(scans / name, ocr_cache=cache)
        seconds = time.perf_counter() - start
        rows.append({"pdf": name, "pages": pages, "ocr_s_per_page": round(seconds / pages, 2),
                     **compare(parse_contract(originals / name), scan),
                     "notes": list(scan.notes)})
    built_a = build_from_sources([originals], work / "original-index", "use-multilingual",
                                 progress=False)
    built_b = build_from_sources([scans], work / "scan-index", "use-multilingual", progress=False)
    stems = {Path(n).stem for n in pdfs}
    return {
        "date": _dt.date.today().isoformat(), "dpi": dpi, "pdfs": rows,
        "indexed": {"original": built_a.contracts, "scan": built_b.contracts,
                    "scan_failed": [list(f) for f in built_b.failed]},
        "answers": answers(work / "original-index", work / "scan-index", questions_on(stems)),
    }


def table(result: dict[str, Any]) -> str:
    """The result as the Markdown of docs/ocr.md."""
    lines = ["| PDF | pages | OCR s/page | clause ids recalled | text similarity | notes |",
             "|---|---|---|---|---|---|"]
    for r in result["pdfs"]:
        lines.append(f"| {r['pdf']} | {r['pages']} | {r['ocr_s_per_page']} | "
                     f"{r['recalled']}/{r['clauses']} ({r['recall']:.0%}) | {r['similarity']} "
                     f"| {'; '.join(r['notes']) or '—'} |")
    a = result["answers"]
    lines += ["", f"Indexed: {result['indexed']['scan']} scans, "
                  f"{len(result['indexed']['scan_failed'])} failed. Questions of eval/*.jsonl on "
                  f"these contracts: {a['questions']}; same first clause as the original: "
                  f"{a['same_first_clause']:.0%}; hit@1 original {a['hit_at_1_original']:.0%}, "
                  f"scan {a['hit_at_1_scan']:.0%}."]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the check and print its table (or JSON)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pdfs", nargs="+", default=list(DEFAULT_PDFS),
                    help="PDFs of ../shared/contracts-real (default: %(default)s)")
    ap.add_argument("--dpi", type=int, default=200, help="scan resolution (default: 200)")
    ap.add_argument("--keep", type=Path, default=None, help="work here and keep the files")
    ap.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cb-ocr-") as tmp:
        work = args.keep or Path(tmp)
        if args.keep:
            shutil.rmtree(args.keep, ignore_errors=True)
        result = run(args.pdfs, args.dpi, work)
    print(json.dumps(result, ensure_ascii=False) if args.json else table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
