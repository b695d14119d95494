"""A build stopped part-way by Ctrl-C or SIGTERM, as the command line and cron run it: one line
says what it left on disk (the live index as it was, unless it had just switched; the vectors
embedded and not yet indexed, kept in the index's cache). How SIGTERM unwinds it: ``sigterm.py``."""

from __future__ import annotations

from pathlib import Path

from index import live_generation, unfinished_vectors


def interrupted(index_dir: Path, before: str | None, *, terminated: bool) -> str:
    """The line of a build stopped part-way (Ctrl-C, SIGTERM): what it left, said as it is on
    disk. ``before``: the generation that was live when it started."""
    how = "stopped (SIGTERM)" if terminated else "interrupted"
    try:
        now, kept = live_generation(index_dir), unfinished_vectors(index_dir)
    except OSError:  # it cannot be read: say what holds for an index that is there
        now, kept = before, 0
    if now != before:  # stopped after the switch, before it could report
        return (f"the build was {how} just after it made its new index live (generation "
                f"{now}); `contractbot index status` describes it")
    left = "the index is unchanged" if before is not None else "nothing was built"
    if kept:
        # the cache's count: this build's and any earlier stopped build's, so not "so far"
        left += (f"; the vectors of {kept} {'text' if kept == 1 else 'texts'} embedded but "
                 "not yet indexed are kept for the next build")
    return f"the build was {how}: {left}"
