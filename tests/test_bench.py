"""The benchmarks' library generator and synthetic growth index, at a tiny size."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from bench import make_library
from bench_growth import synth_generation

from index import Searcher, build_from_sources, store


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("bench")
    files = make_library(root / "lib", 3, distinct=1.0)
    assert [f.name for f in files] == ["aftersales-upgrade-001.txt", "cs-maintenance-002.txt",
                                       "cs-upgrade-003.txt"]
    report = build_from_sources([root / "lib"], root / "idx", "use-multilingual",
                                progress=False)
    assert report.exit_code == 0
    return root, root / "idx"


def test_variants_make_clause_texts_distinct(tmp_path: Path) -> None:
    files = make_library(tmp_path / "lib", 60, distinct=1.0)  # each base twice or more
    i = next(k for k, f in enumerate(files) if f.name.startswith("在线客服系统升级服务合同"))
    first, second = files[i].read_text("utf-8"), files[i + 27].read_text("utf-8")
    assert f"第{i + 1}号项目" in first and f"第{i + 28}号项目" not in first
    assert f"第{i + 28}号项目" in second and f"第{i + 1}号项目" not in second
    plain = make_library(tmp_path / "plain", 1, distinct=0.0)[0].read_text("utf-8")
    assert "号项目" not in plain


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
