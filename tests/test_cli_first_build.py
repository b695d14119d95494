"""An operator's first `index build`, through the real command line (in this process,
cli_traps.run_here; the rebuild script in a subprocess): the collection folders given as
SOURCES (each its own source root, so every contract lands in `default`) build, and one note
says so and how to get the collections; no SOURCES and no index says how to start, not that a
missing index "is unchanged"."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from cli_traps import last_line, run

from index import index_status

REBUILD = [sys.executable, str(Path(__file__).resolve().parent.parent / "scripts"
                               / "rebuild_index.py")]


def _customers(shared: Path, root: Path) -> Path:
    """lib/customer-a (2 contracts) and lib/customer-b (2), each file directly in its folder."""
    for folder, names in (("customer-a", ("cs-upgrade", "cs-maintenance")),
                          ("customer-b", ("ecommerce-cs-upgrade", "edu-cs-appraisal"))):
        (root / "lib" / folder).mkdir(parents=True)
        for name in names:
            shutil.copy(shared / "contracts" / f"{name}.txt", root / "lib" / folder)
    return root / "lib"


def test_a_first_build_of_collection_folders_says_they_are_in_default(
        shared: Path, tmp_path: Path, cli_here) -> None:
    _customers(shared, tmp_path)
    folders = ("lib/customer-a", "lib/customer-b")
    proc = cli_here("index", "build", *folders, "--index", "idx")
    assert proc.returncode == 0, proc.stderr  # a first build is not refused
    assert proc.stderr.splitlines() == [last_line(proc)]
    assert last_line(proc) == (
        "contractbot: note: collections come from the first folder below each source; "
        "lib/customer-a and lib/customer-b are sources, so their 4 contracts are in collection "
        "default. To index them as collections customer-a and customer-b, build their parent "
        "(--replace moves them out of default): contractbot index build lib --replace "
        "--index idx")  # this index, not the default one
    assert {s.collection for s in index_status(tmp_path / "idx").sources} == {"default"}
    again = cli_here("index", "build", *folders, "--index", "idx")
    assert (again.returncode, again.stderr) == (0, "")  # said once, not on every rebuild
    assert cli_here("index", "build", "--index", "idx").stderr == ""
    advised = cli_here("index", "build", "lib", "--index", "idx", "--replace")
    assert (advised.returncode, advised.stderr) == (0, "")
    by_key = {s.contract: s.collection for s in index_status(tmp_path / "idx").sources}
    assert by_key == {"cs-upgrade": "customer-a", "cs-maintenance": "customer-a",
                      "ecommerce-cs-upgrade": "customer-b", "edu-cs-appraisal": "customer-b"}


def test_the_parent_or_one_folder_or_files_build_without_the_note(
        shared: Path, tmp_path: Path, cli_here) -> None:
    lib = _customers(shared, tmp_path)
    files = [str(p) for p in sorted((lib / "customer-a").iterdir())]
    for n, sources in enumerate(([str(lib)], [str(lib / "customer-a")], files)):
        proc = cli_here("index", "build", *sources, "--index", f"idx{n}")
        assert (proc.returncode, proc.stderr) == (0, ""), sources


def test_no_sources_and_no_index_says_how_to_start(tmp_path: Path, cli_here) -> None:
    proc = cli_here("index", "build", "--index", "nb/idx")
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [last_line(proc)]
    assert last_line(proc) == (
        "contractbot: no SOURCES given, and there is no index at nb/idx to rebuild; give the "
        "folders or files of your contracts: contractbot index build DIR... --index nb/idx")
    script = run(tmp_path, "--index", "nb/idx", cmd=REBUILD)
    assert script.returncode == 2
    assert last_line(script, "rebuild_index: ") == (
        "rebuild_index: no SOURCES given, and there is no index at nb/idx to rebuild; give the "
        "folders or files of your contracts: scripts/rebuild_index.py DIR... --index nb/idx")
    assert not (tmp_path / "nb").exists()


def test_the_note_names_a_few_and_no_parent_when_there_is_none() -> None:
    from bot.building import flat_roots_note

    many = flat_roots_note([(f"lib/c{n}", 1) for n in range(5)], rerun="`contractbot index build`")
    assert "lib/c0, lib/c1, lib/c2 and 2 more are sources, so their 5 contracts" in many
    assert many.endswith("as collections c0, c1, c2 and 2 more, build their parent (--replace "
                         "moves them out of default): contractbot index build lib --replace")
    apart = flat_roots_note([("/srv/a", 2), ("/home/op/b", 1)], rerun="scripts/rebuild_index.py")
    assert apart.endswith("/srv/a and /home/op/b are sources, so their 3 contracts are in "
                          "collection default. To index them as collections a and b, build one "
                          "folder that holds them, with --replace (it moves them out of default)")


def test_a_first_build_over_the_quick_starts_samples_is_not_told_to_rebuild_them(
        shared: Path, tmp_path: Path, cli_here) -> None:
    """After the Quick start (`ask` built the samples at the default place), building one's own
    folder is refused; the refusal said to run `index build` with no SOURCES, which rebuilds
    the samples. It says that --replace replaces the samples instead."""
    from index_corpus import FAST_ENCODER

    from bot.settings import SAMPLES_DIR
    from index import build_from_sources

    default = tmp_path / "xdg" / "contractbot" / "index"  # where `ask` builds the samples
    assert build_from_sources([SAMPLES_DIR], default, FAST_ENCODER, progress=False).exit_code == 0
    lib = _customers(shared, tmp_path)
    proc = cli_here("index", "build", str(lib))
    assert proc.returncode == 5 and "Traceback" not in proc.stderr
    line = proc.stderr.splitlines()[-1]  # it names the samples' Chinese file names
    assert line.endswith(
        f"it leaves out {SAMPLES_DIR}, which the index was built from. The index is unchanged: "
        "pass --replace to allow it (it holds the sample contracts `contractbot ask` indexed "
        "on first use: --replace replaces them with yours)"), line
    assert "no SOURCES" not in line
    replaced = cli_here("index", "build", str(lib), "--replace")
    assert replaced.returncode == 0, replaced.stderr
    assert index_status(default).roots == (str(lib),)


def test_only_a_build_leaving_out_the_samples_alone_is_told_they_are_samples() -> None:
    """The samples note is for the Quick start's index alone: a build that leaves out the
    samples and another source, or leaves out none (an empty folder), is told as before."""
    from bot.building import refusal
    from bot.settings import SAMPLES_DIR
    from index.errors import WouldDropError

    both = WouldDropError(("a.txt", "b.txt"), 2, empty=True,
                          missing_roots=(str(SAMPLES_DIR), "/srv/contracts"))
    emptied = WouldDropError(("a.txt",), 1, empty=True, empty_roots=("/srv/contracts",))
    said = [refusal(err, rerun="`contractbot index build`") for err in (both, emptied)]
    assert "sample contracts" not in said[0] and "with no SOURCES" in said[0]
    assert "sample contracts" not in said[1] and "put the folder's contracts back" in said[1]
