"""A source folder given through a symbolic link (`contracts -> releases/2026-11`, switched
atomically on each deploy) is remembered as the link: the next build without SOURCES (cron,
/reindex) reads the folder it points to then, not the release it pointed to before."""

from __future__ import annotations

import shutil
from pathlib import Path

from cli_traps import last_line, run

from index import build_from_sources, index_status


def test_a_linked_source_folder_is_followed_to_its_new_target(shared: Path,
                                                              tmp_path: Path) -> None:
    releases = tmp_path / "releases"
    for release, names in (("v1", ("cs-upgrade", "cs-maintenance")),
                           ("v2", ("cs-upgrade", "cs-maintenance", "edu-cs-appraisal"))):
        (releases / release).mkdir(parents=True)
        for name in names:
            shutil.copy(shared / "contracts" / f"{name}.txt", releases / release)
    current = tmp_path / "contracts"
    current.symlink_to(releases / "v1")
    idx = tmp_path / "idx"
    assert build_from_sources([current], idx, "use-multilingual", progress=False).contracts == 2
    assert index_status(idx).roots == (str(current),)
    current.unlink()
    current.symlink_to(releases / "v2")  # the deploy switches the link
    proc = run(tmp_path, "index", "build", "--index", str(idx))
    assert proc.returncode == 0, proc.stderr
    status = index_status(idx)
    assert {s.contract for s in status.sources} == {"cs-upgrade", "cs-maintenance",
                                                    "edu-cs-appraisal"}
    assert status.roots == (str(current),)


def test_a_source_that_is_the_index_folder_is_a_usage_error(lib: Path, tmp_path: Path) -> None:
    """`index build contracts --index contracts` (the two swapped, or one typed twice) said
    "nothing could be indexed (0 sources skipped)" and left a lock file among the contracts."""
    folder = Path(shutil.copytree(lib / "a", tmp_path / "contracts"))
    before = sorted(p.name for p in folder.iterdir())
    proc = run(tmp_path, "index", "build", str(folder), "--index", str(folder))
    assert proc.returncode == 2, proc.stderr
    assert last_line(proc) == (f"contractbot: the source {folder} is the index folder: give the "
                               "contracts' folder and --index DIR apart; nothing was built")
    assert sorted(p.name for p in folder.iterdir()) == before
