"""/reindex reads the index's manifest once for its reply: the pairs of versions, the files it
could not index and the moves it names all come from that one read (they read it up to three
times, and the library's sources again each, in a chat that reads some collections only)."""

from __future__ import annotations

import threading
import traceback
from pathlib import Path
from typing import Any

import pytest
from team_bot import ADMIN, access_file, ask, team_bot
from test_bot_teams import GROUP_A, LAYOUT

from index.store import MANIFEST

REPLY_CODE = str(Path("bot") / "reindexing.py")


def count_reply_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each read of a manifest from the code of the /reindex reply (its module and what it
    calls, in a thread or not) from now on, as the stack that read it."""
    reads: list[str] = []
    lock = threading.Lock()
    real = Path.read_text

    def read_text(self: Path, *args: Any, **kwargs: Any) -> str:
        if self.name == MANIFEST:
            stack = traceback.extract_stack()
            if any(f.filename.endswith(REPLY_CODE) for f in stack):
                with lock:
                    reads.append("".join(traceback.format_list(stack[-6:])))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", read_text)
    return reads


async def test_reindex_in_a_customers_group_reads_the_manifest_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An admin's /reindex in customer A's group, with a file of A's that cannot be read:
    the reply names it and the count of A's contracts, from one read of the manifest."""
    rules = access_file(tmp_path / "access.toml", {GROUP_A: ["customer-a"]})
    async with team_bot(tmp_path, LAYOUT, access_file=rules) as (api, _):
        (tmp_path / "src" / "customer-a" / "a-broken.txt").write_text("not json", "utf-8")
        reads = count_reply_reads(monkeypatch)
        built = await ask(api, GROUP_A, "/reindex", user_id=ADMIN)
    assert built.startswith("索引已重建：2 份合同") and "a-broken.txt" in built
    assert len(reads) == 1, "\n---\n".join(reads)
