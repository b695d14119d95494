"""What a process killed while writing the OCR cache leaves (``.<key>.<pid>.tmp``, written
whole, then renamed into place) is removed by the next build: only such files, only once
their process is gone (or an hour after), never one another process is writing now."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from index_corpus import LEASE, fast_encoder, parse_json, write_corpus

from index.build import build_index
from index.ingest.scans import ABANDONED_AFTER, STRAY_AFTER, drop_stray_writes
from index.store import ocr_cache_dir

KEY = "0123456789abcdef" * 2  # a cache key: 32 hex digits


def _gone_pid() -> int:
    """The pid of a process that has ended."""
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    return int(done.stdout)


def _file(folder: Path, name: str, *, age: float) -> Path:
    path = folder / name
    path.write_text('{"engine": "half', "utf-8")
    stamp = time.time() - age
    os.utime(path, (stamp, stamp))
    return path


def test_only_the_strays_of_killed_writers_are_removed(tmp_path: Path) -> None:
    folder, dead, alive = tmp_path / "ocr", _gone_pid(), os.getpid()
    folder.mkdir()
    old, fresh = STRAY_AFTER + 5, 1.0
    stray = _file(folder, f".{KEY}.{dead}.tmp", age=old)
    abandoned = _file(folder, f".{'f' * 32}.{alive}.tmp", age=ABANDONED_AFTER + 5)
    kept = [
        _file(folder, f".{'a' * 32}.{dead}.tmp", age=fresh),  # its writer may be elsewhere
        _file(folder, f".{'b' * 32}.{alive}.tmp", age=old),  # a slow writer still running
        _file(folder, f"{KEY}.json", age=ABANDONED_AFTER + 5),  # the cache itself
        _file(folder, f".notes.{dead}.tmp", age=ABANDONED_AFTER + 5),  # not a name of ours
        _file(folder, f".{KEY}.{dead}.tmp.json", age=ABANDONED_AFTER + 5),
    ]
    assert sorted(drop_stray_writes(folder)) == sorted([stray.name, abandoned.name])
    assert sorted(folder.iterdir()) == sorted(kept)
    assert drop_stray_writes(tmp_path / "no-cache-yet") == ()


def test_a_build_removes_what_a_killed_ocr_write_left(tmp_path: Path) -> None:
    src, idx = tmp_path / "src", tmp_path / "idx"
    write_corpus(src, LEASE)
    build_index([src], idx, fast_encoder(), parse=parse_json, progress=False)
    cache = ocr_cache_dir(idx)
    cache.mkdir(parents=True, exist_ok=True)
    stray = _file(cache, f".{KEY}.{_gone_pid()}.tmp", age=STRAY_AFTER + 5)
    writing = _file(cache, f".{'c' * 32}.{os.getpid()}.tmp", age=1.0)  # a parse running now
    report = build_index([src], idx, fast_encoder(), parse=parse_json, progress=False)
    assert report.contracts == 1
    assert not stray.exists() and writing.exists()
