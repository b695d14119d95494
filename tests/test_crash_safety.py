"""Real build processes killed with SIGKILL mid-way, and two builds at once: the previous index
keeps serving, nothing half-written becomes live, and the next build succeeds."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_traps import run_here

from bot.settings import SAMPLES_DIR
from index import store
from index.build import build_from_sources
from index.search import Searcher

ENCODER = "use-multilingual"
FIRST = ("售后服务合同\n第一条 乙方应在接到报修后四小时内到达现场。\n"
         "第二条 甲方应按季度支付服务费。\n")


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONTRACTBOT_")}
    env["XDG_DATA_HOME"] = str(tmp_path / "xdg")
    env["CONTRACTBOT_EMBED_MODEL"] = ENCODER
    return env


def _start_build(sources: Path, idx: Path, tmp_path: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "index", "build", str(sources), "--index", str(idx)],
        cwd=tmp_path, env=_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )


@pytest.fixture(scope="module")
def one_contract(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """A folder of one small contract and an index built from it (its generation), made once
    per module: tests copy the index before they change it."""
    root = tmp_path_factory.mktemp("one")
    src = root / "src"
    src.mkdir()
    (src / "aftersales.txt").write_text(FIRST, encoding="utf-8")
    first = build_from_sources([src], root / "idx", ENCODER, progress=False)
    return src, root / "idx", first.generation


@pytest.fixture(scope="module")
def bigger(one_contract: tuple[Path, Path, str], shared: Path,
           tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A bigger folder to rebuild that index from (never written to)."""
    folder = tmp_path_factory.mktemp("bigger") / "bigger"
    shutil.copytree(SAMPLES_DIR, folder)
    for f in sorted((shared / "contracts").glob("*.txt")):
        shutil.copy(f, folder / f.name)
    shutil.copy(one_contract[0] / "aftersales.txt", folder / "aftersales.txt")
    return folder


@pytest.fixture
def library(one_contract: tuple[Path, Path, str], bigger: Path,
            tmp_path: Path) -> tuple[Path, Path, str]:
    """An index of one small contract (live, this test's own copy), and a bigger folder to
    rebuild it from."""
    _, idx, generation = one_contract
    return Path(shutil.copytree(idx, tmp_path / "idx")), bigger, generation


def _serves_the_old_index(idx: Path, old: str) -> None:
    assert store.current_generation(idx) == old
    searcher = Searcher.open(idx, ENCODER)
    hit = searcher.search("多久到达现场", top_k=1).hits[0]
    assert hit.clause.clause == "第一条" and "四小时内" in hit.clause.text


def _kill_when(proc: subprocess.Popen[bytes], ready: float | None, idx: Path, old: str) -> None:
    """SIGKILL ``proc`` after ``ready`` seconds, or (None) as soon as a new generation folder
    appears, i.e. while the build is writing it (not at its write probe, a file)."""
    start = time.monotonic()
    gens = idx / store.GENERATIONS
    while proc.poll() is None and time.monotonic() - start < 120:
        if ready is not None and time.monotonic() - start >= ready:
            break
        if ready is None and any(p.name != old and p.is_dir() for p in gens.iterdir()):
            break
        time.sleep(0.002)
    assert proc.poll() is None, "the build ended before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()


@pytest.fixture(scope="module")
def build_seconds(bigger: Path, tmp_path_factory: pytest.TempPathFactory) -> float:
    """How long the same build takes uninterrupted here (into a scratch index), so the kill
    moments are fractions of it on a fast machine and a slow one alike (timed once a module)."""
    scratch = tmp_path_factory.mktemp("timing")
    start = time.monotonic()
    proc = _start_build(bigger, scratch / "scratch-index", scratch)
    proc.communicate(timeout=300)
    assert proc.returncode == 0
    return time.monotonic() - start


@pytest.mark.parametrize("share", [0.2, 0.5, None], ids=["starting", "parsing", "writing"])
def test_killed_build_leaves_previous_index_serving(
    library: tuple[Path, Path, str], tmp_path: Path, share: float | None,
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str]
) -> None:
    idx, bigger, old = library
    moment = None if share is None else share * request.getfixturevalue("build_seconds")
    before = Searcher.open(idx, ENCODER)  # a bot holding the index open
    _kill_when(_start_build(bigger, idx, tmp_path), moment, idx, old)

    _serves_the_old_index(idx, old)
    assert before.search("多久到达现场", top_k=1).hits[0].clause.clause == "第一条"
    assert before.refreshed() is before

    # the next build, in this process: the process that matters here is the one killed
    done = run_here(tmp_path, monkeypatch, capsys, "index", "build", str(bigger),
                    "--index", str(idx))
    assert done.returncode == 0, done.stderr
    new = store.current_generation(idx)
    assert new is not None and new != old
    assert {p.name for p in (idx / store.GENERATIONS).iterdir()} == {old, new}  # leftovers gone
    manifest = store.read_manifest(store.generation_dir(idx, new))
    assert manifest.contracts == len(list(bigger.iterdir()))
    after = before.refreshed()
    assert after is not before
    hit = after.search("乙方响应时间是多少", top_k=1).hits[0]
    assert hit.clause.contract != "aftersales"


def test_two_builds_at_once_one_waits_out_nothing_corrupt(
    library: tuple[Path, Path, str], tmp_path: Path
) -> None:
    idx, bigger, old = library
    procs = [_start_build(bigger, idx, tmp_path) for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    codes = sorted(p.returncode for p in procs)
    assert codes == [0, 75], [o[1].decode() for o in outs]
    busy = next(o[1].decode() for p, o in zip(procs, outs, strict=True) if p.returncode == 75)
    assert busy.strip() == (f"contractbot: another index build is running on {idx}; "
                            "the index is unchanged, try again later")
    new = store.current_generation(idx)
    assert new is not None and new != old
    manifest = store.read_manifest(store.generation_dir(idx, new))
    assert manifest.contracts == len(list(bigger.iterdir())) and not manifest.failed
    searcher = Searcher.open(idx, ENCODER)
    assert searcher.search("乙方响应时间是多少", top_k=1).hits


@pytest.mark.parametrize("damage", ["vectors deleted", "database cut short", "bm25 deleted",
                                    "manifest garbled"])
def test_a_damaged_index_is_an_error_and_a_rebuild_repairs_it(
        one_contract: tuple[Path, Path, str], tmp_path: Path, damage: str) -> None:
    """A live generation with a file deleted by hand, cut short by a copy that did not finish,
    or garbled: opening it is an IndexDamagedError naming the generation (it was a crash deep
    in FAISS or SQLite), and `index build` reads every source again instead of failing on
    what it would have reused. (Each damages a copy of one index built once.)"""
    from index import IndexDamagedError, NoSourcesError

    src, built, first = one_contract
    idx = Path(shutil.copytree(built, tmp_path / "idx"))
    gen = store.generation_dir(idx, first)
    if damage == "vectors deleted":
        (gen / store.VECTORS).unlink()
    elif damage == "database cut short":
        db = gen / store.CLAUSES_DB
        db.write_bytes(db.read_bytes()[:1000])
    elif damage == "bm25 deleted":
        shutil.rmtree(gen / store.BM25_DIR)
    else:
        (gen / store.MANIFEST).write_text("{not json", "utf-8")
    with pytest.raises(IndexDamagedError, match=first):
        Searcher.open(idx, ENCODER)
    if damage == "manifest garbled":  # the sources it remembers are in the manifest
        with pytest.raises(NoSourcesError, match="give them"):
            build_from_sources(None, idx, ENCODER, progress=False)
        report = build_from_sources([src], idx, ENCODER, progress=False)
    else:
        report = build_from_sources(None, idx, ENCODER, progress=False)
    assert (report.contracts, report.parsed, report.reused) == (1, 1, 0)
    assert first in report.repaired and "could not be read" in report.summary()
    _serves_the_old_index(idx, report.generation)
    assert gen.exists()  # the damaged one is kept (as the previous generation), not deleted
