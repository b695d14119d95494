"""Two collections' files of one name (customer A's 合同.txt and customer B's) on the real command
line, when a build puts them in one collection (`index build lib/customer-a lib/customer-b`
after `index build lib`): a collection holds one file of a name, so one of them is refused and
nothing of it is kept; every message names each of them by its folder, so the operator knows
which; and the live index is never lost on the way."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from cli_traps import run, snapshot

from index import WouldDropError, build_from_sources, index_status, source_names

CLASH = "customer-b/合同.txt: another source of its collection already has the contract name 合同"


@pytest.fixture(scope="module")
def named(shared: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """lib/customer-a: 合同.txt and another; lib/customer-b: 合同.txt (another contract) and
    another; an index built from lib (4 contracts, B's 合同 keyed customer-b/合同)."""
    root = tmp_path_factory.mktemp("named")
    lib = root / "lib"
    for folder, same, other in (("customer-a", "cs-upgrade", "edu-cs-appraisal"),
                                ("customer-b", "cs-maintenance", "ecommerce-cs-upgrade")):
        (lib / folder).mkdir(parents=True)
        shutil.copy(shared / "contracts" / f"{same}.txt", lib / folder / "合同.txt")
        shutil.copy(shared / "contracts" / f"{other}.txt", lib / folder)
    report = build_from_sources([lib], root / "idx", "use-multilingual", progress=False)
    assert report.exit_code == 0
    assert _held(root / "idx") == [("customer-b/合同", "customer-b"), ("ecommerce-cs-upgrade",
                                   "customer-b"), ("edu-cs-appraisal", "customer-a"),
                                   ("合同", "customer-a")]
    return lib, root / "idx"


def _held(idx: Path) -> list[tuple[str, str]]:
    return sorted((s.contract, s.collection) for s in index_status(idx).sources)


def test_the_collection_folders_as_sources_are_refused_naming_each_file(named, tmp_path: Path,
                                                                        cli_here) -> None:
    lib, built = named
    idx = Path(shutil.copytree(built, tmp_path / "idx"))
    before = snapshot(idx)
    proc = cli_here("index", "build", str(lib / "customer-a"), str(lib / "customer-b"),
                    "--index", str(idx))
    assert proc.returncode == 5
    assert "Traceback" not in proc.stderr
    assert proc.stderr.splitlines() == [CLASH, (
        "contractbot: this build would move 3 of the index's 4 contracts to another collection "
        "(edu-cs-appraisal.txt from customer-a to default, customer-a/合同.txt from customer-a "
        "to default, ecommerce-cs-upgrade.txt from customer-b to default). The index is "
        f"unchanged: build the sources it was built from as before ({lib}: run `contractbot "
        f"index build` with no SOURCES and --index {idx}), or pass --replace if the move is "
        "intended")]
    assert snapshot(idx) == before


def test_replace_puts_one_file_of_the_name_in_default_and_keeps_nothing_of_the_other(
        named, tmp_path: Path, cli_here) -> None:
    lib, built = named
    idx = Path(shutil.copytree(built, tmp_path / "idx"))
    a, b = lib / "customer-a", lib / "customer-b"
    proc = cli_here("index", "build", str(a), str(b), "--replace", "--index", str(idx))
    assert proc.returncode == 3, proc.stderr
    # one 合同 in default, A's (indexed first), with the key it had
    assert _held(idx) == [("ecommerce-cs-upgrade", "default"), ("edu-cs-appraisal", "default"),
                          ("合同", "default")]
    assert [s.source for s in index_status(idx).sources if s.contract == "合同"] == [
        str((a / "合同.txt").resolve())]
    assert proc.stderr.splitlines() == [
        CLASH,  # named by its folder, said once: not kept, not "dropped"
        f"contractbot: note: collections come from the first folder below each source; {a} and "
        f"{b} are sources, so their 3 contracts are in collection default. To index them as "
        "collections customer-a and customer-b, build their parent (--replace moves them out of "
        f"default): contractbot index build {lib} --replace --index {idx}"]
    assert "; 1 failed;" in proc.stdout and "dropped" not in proc.stdout
    status = cli_here("index", "status", "--index", str(idx))
    assert status.returncode == 0
    failed = [line for line in status.stdout.splitlines() if "failed" in line]
    assert failed == [f"  failed: {CLASH}"]
    # the parent again, as the note says: both are back, each in its collection
    back = cli_here("index", "build", str(lib), "--replace", "--index", str(idx))
    assert back.returncode == 0, back.stderr
    assert back.stderr == ""
    assert _held(idx) == [("customer-b/合同", "customer-b"), ("ecommerce-cs-upgrade",
                          "customer-b"), ("edu-cs-appraisal", "customer-a"),
                          ("合同", "customer-a")]


def test_a_first_build_of_the_folders_names_the_refused_file_by_its_folder(
        named, tmp_path: Path, cli_here) -> None:
    lib, _ = named
    idx = tmp_path / "new-idx"
    proc = cli_here("index", "build", str(lib / "customer-a"), str(lib / "customer-b"),
                    "--index", str(idx))
    assert proc.returncode == 3, proc.stderr
    assert proc.stderr.splitlines()[0] == CLASH
    assert len(proc.stderr.splitlines()) == 2 and "note: collections come" in proc.stderr
    assert _held(idx) == [("ecommerce-cs-upgrade", "default"), ("edu-cs-appraisal", "default"),
                          ("合同", "default")]


def test_a_first_build_of_the_folders_counts_only_what_entered_the_index(
        named, tmp_path: Path, cli_here) -> None:
    """The refused 合同.txt was read, and its texts embedded as soon as it was, before the
    one-name guard refused it: the summary counted them among the texts embedded (165 for an
    index of 88 clauses). Every count it prints is now what `index status` shows, and the
    texts embedded are those of the files that entered the index."""
    lib, _ = named
    idx = tmp_path / "new-idx"
    proc = cli_here("index", "build", str(lib / "customer-a"), str(lib / "customer-b"),
                    "--index", str(idx))
    assert proc.returncode == 3, proc.stderr
    said = re.fullmatch(r"indexed (\d+) contracts, (\d+) clauses \((\d+) parsed, (\d+) reused, "
                        r"(\d+) texts embedded\); (\d+) failed; generation (\S+)\n", proc.stdout)
    assert said, proc.stdout
    status = index_status(idx)
    assert [int(n) for n in said.groups()[:6]] == [len(status.sources), status.clauses,
                                                    len(status.sources), 0,
                                                    _texts_of(lib, tmp_path), len(status.failed)]
    assert said[7] == status.generation


def _texts_of(lib: Path, tmp_path: Path) -> int:
    """How many texts a build of only the three files that enter the index embeds."""
    files = [lib / "customer-a" / "合同.txt", lib / "customer-a" / "edu-cs-appraisal.txt",
             lib / "customer-b" / "ecommerce-cs-upgrade.txt"]
    report = build_from_sources(files, tmp_path / "alone", "use-multilingual", progress=False)
    assert report.exit_code == 0 and report.contracts == 3
    return report.embedded


def test_a_file_is_named_by_its_folder_only_when_another_has_its_name() -> None:
    lib = "/srv/lib"
    a, b, c = f"{lib}/customer-a/合同.pdf", f"{lib}/customer-b/合同.pdf", f"{lib}/customer-a/x.pdf"
    assert source_names([b, c], among=[a, b, c], roots=[lib]) == ((b, "customer-b/合同.pdf"),)
    # the collection folders as roots: from the root, both are 合同.pdf; one folder up tells
    roots = [f"{lib}/customer-a", f"{lib}/customer-b"]
    assert source_names([a, b], among=[a, b], roots=roots) == (
        (a, "customer-a/合同.pdf"), (b, "customer-b/合同.pdf"))
    # deeper below the root: its whole path from there, though less would tell them apart
    d = f"{lib}/customer-a/2024/合同.pdf"
    assert source_names([d], among=[a, d], roots=[lib]) == ((d, "customer-a/2024/合同.pdf"),)
    # two roots of one name: as far up as tells them apart
    e, f = "/mnt/one/lib/合同.pdf", "/mnt/two/lib/合同.pdf"
    assert source_names([e], among=[e, f], roots=["/mnt/one/lib", "/mnt/two/lib"]) == (
        (e, "one/lib/合同.pdf"),)
    assert source_names([a], among=[a, a], roots=[lib]) == ()  # the same file twice is one


def test_a_refused_drop_names_a_file_by_its_folder_when_another_has_its_name(
        named, tmp_path: Path) -> None:
    """customer-b emptied (an unmounted disk): the refusal lists B's 合同.txt by its folder,
    not as the 合同.txt that customer-a still holds."""
    lib, _ = named
    copy = Path(shutil.copytree(lib, tmp_path / "lib"))
    idx = tmp_path / "idx"
    assert build_from_sources([copy], idx, "use-multilingual", progress=False).exit_code == 0
    for f in (copy / "customer-b").iterdir():
        f.unlink()
    with pytest.raises(WouldDropError) as err:
        build_from_sources([copy], idx, "use-multilingual", progress=False)
    assert sorted(err.value.dropped) == ["customer-b/合同.txt", "ecommerce-cs-upgrade.txt"]


def test_a_file_under_two_roots_is_named_from_the_deeper_one() -> None:
    """Roots lib and lib/customer-a (an index of lib, built again from lib/customer-a): a
    file of customer-a is named from lib/customer-a, as far down as tells it apart."""
    lib = "/srv/lib"
    d, e = f"{lib}/customer-a/2024/合同.pdf", f"{lib}/customer-b/old/合同.pdf"
    assert source_names([d], among=[d, e], roots=[lib, f"{lib}/customer-a"]) == (
        (d, "2024/合同.pdf"),)


def test_a_name_is_told_apart_from_every_other_file_of_its_name() -> None:
    """Three 合同.pdf: x/合同.pdf tells a's from c's but not from b's, so a's is a/x/合同.pdf;
    one whose every tail another path ends in is named by its whole path."""
    a, b, c = "/srv/lib/a/x/合同.pdf", "/srv/lib/b/x/合同.pdf", "/srv/lib/c/y/合同.pdf"
    roots = ["/srv/lib/a", "/srv/lib/b", "/srv/lib/c"]
    assert source_names([a], among=[a, b, c], roots=roots) == ((a, "a/x/合同.pdf"),)
    e = "/mnt/lib/合同.pdf"
    assert source_names([e], among=[e, f"/srv{e}"], roots=[]) == ((e, e),)


def test_an_unreadable_namesake_keeps_nothing_its_collection_has_the_name_of(
        named, tmp_path: Path) -> None:
    """B's 合同.txt broken, the folders built with --replace (both in default): B's earlier
    version is not kept as 'the version indexed before', for default holds A's 合同."""
    lib, _ = named
    copy = Path(shutil.copytree(lib, tmp_path / "lib"))
    idx = tmp_path / "idx"
    assert build_from_sources([copy], idx, "use-multilingual", progress=False).exit_code == 0
    (copy / "customer-b" / "合同.txt").write_text("no clauses here\n", "utf-8")
    report = build_from_sources([copy / "customer-a", copy / "customer-b"], idx,
                                "use-multilingual", progress=False, replace=True)
    assert report.kept == ()
    assert [Path(s).parent.name for s, _ in report.failed] == ["customer-b"]
    assert _held(idx) == [("ecommerce-cs-upgrade", "default"), ("edu-cs-appraisal", "default"),
                          ("合同", "default")]


LOST = ("customer-b/合同.txt: the version indexed before is dropped: another source of its "
        "collection already has the contract name 合同")


def test_a_namesake_whose_earlier_version_cannot_be_kept_is_named_as_dropped(
        named, tmp_path: Path) -> None:
    """B's 合同.txt broken (or B's folder unreadable), the folders built with --replace: B's
    earlier version cannot be kept, for default holds A's 合同. It left the index silently
    (only its failure was named; under an unreadable folder, it was 'no longer among the
    sources' though it is there): each such contract is named, with why."""
    from cli_traps import CLI, as_a_user

    lib, _ = named
    for broken in ("file", "folder"):
        copy = Path(shutil.copytree(lib, tmp_path / broken / "lib"))
        idx = tmp_path / broken / "idx"
        assert build_from_sources([copy], idx, "use-multilingual", progress=False).exit_code == 0
        cmd, folder = None, copy / "customer-b"
        if broken == "file":
            (folder / "合同.txt").write_text("no clauses here\n", "utf-8")
        else:
            cmd = [*as_a_user(), *CLI]
            folder.chmod(0)
        try:
            proc = run(tmp_path, "index", "build", str(copy / "customer-a"), str(folder),
                       "--replace", "--index", str(idx), cmd=cmd)
        finally:
            folder.chmod(0o755)
        assert proc.returncode == 3, proc.stderr
        lines = proc.stderr.splitlines()
        assert LOST in lines, (broken, proc.stderr)
        assert "no longer among the sources" not in proc.stderr
        assert "; 1 dropped; 1 failed;" in proc.stdout
        assert _held(idx) == [("ecommerce-cs-upgrade", "default"),
                              ("edu-cs-appraisal", "default"), ("合同", "default")]
