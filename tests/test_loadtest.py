"""200 chats ask the real bot at once through the loopback Bot API: each gets its answer, once."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from loadtest import LoadResult, run_load, sample_index


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sample_index(tmp_path_factory.mktemp("load"))


async def test_200_chats_at_once_each_get_their_answer_exactly_once(index_dir: Path) -> None:
    result = await run_load(index_dir, chats=200, rate_limit=False, timeout=120)
    assert (result.answered, result.missing, result.duplicated, result.wrong) == (200, 0, 0, 0), \
        result.problems
    assert result.ok and 0 < result.p50_ms <= result.p95_ms <= result.max_ms


async def test_with_the_flood_limiter_every_chat_is_answered_and_typing_yields(
        index_dir: Path) -> None:
    """Production settings: AIORateLimiter with answers first. Chat actions are skipped while
    the bucket fills, so far fewer than one per chat go out (without that: 200)."""
    result = await run_load(index_dir, chats=200, rate_limit=True, timeout=120)
    assert result.ok, result.problems
    assert result.chat_actions < 100


def test_result_is_not_ok_when_a_chat_is_missed_or_answered_twice() -> None:
    base = dict(chats=3, answered=3, missing=0, duplicated=0, wrong=0, p50_ms=1.0, p95_ms=1.0,
                max_ms=1.0, wall_s=1.0, rate_limit=False)
    assert LoadResult(**base).ok  # type: ignore[arg-type]
    for change in ({"answered": 2, "missing": 1}, {"duplicated": 1}, {"wrong": 1}):
        assert not LoadResult(**{**base, **change}).ok  # type: ignore[arg-type]
