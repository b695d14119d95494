"""The benchmarks' library generator and synthetic growth index, at a tiny size."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from bench_growth import synth_generation
from bench_library import make_library

from index import Searcher, build_from_sources, store


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("bench")
    files = make_library(root / "lib", 3)
    assert [f.name for f in files] == ["aftersales-upgrade-001.txt", "cs-maintenance-002.txt",
                                       "cs-upgrade-003.txt"]
    report = build_from_sources([root / "lib"], root / "idx", "use-multilingual",
                                progress=False)
    assert report.exit_code == 0
    return root, root / "idx"


def test_copies_of_one_base_share_no_clause_text(tmp_path: Path) -> None:
    """Contracts 1 and 28 are made from the same base contract: the benchmark's library must
    not hand the encoder the same clause twice (identical texts are embedded once)."""
    from index import parse_contract
    from index.build.texts import clause_rows

    files = make_library(tmp_path / "lib", 28)
    one, two = (parse_contract(files[k]) for k in (0, 27))
    assert len(one.clauses) == len(two.clauses) > 20
    texts_one = {embed for _, _, embed in clause_rows(one)}
    texts_two = {embed for _, _, embed in clause_rows(two)}
    assert len(texts_one & texts_two) <= len(texts_one) // 10  # headings, lists of annexes
    sentences = {c.text for c in one.clauses if "。" in c.text}
    assert sentences and not sentences & {c.text for c in two.clauses}


def test_synthetic_generation_has_n_searchable_clauses(library: tuple[Path, Path],
                                                        tmp_path: Path) -> None:
    _, idx = library
    out = synth_generation(idx, tmp_path / "grown", 500, ann_threshold=100)
    manifest = store.read_manifest(store.require_generation(out))
    assert manifest.clauses == 500
    searcher = Searcher.open(out, "use-multilingual")
    assert not searcher._gen.dense.exact  # above the threshold: HNSW
    hits = searcher.search("乙方响应时间是多少", top_k=3).hits
    assert hits and all("~" in h.clause.contract for h in hits)
