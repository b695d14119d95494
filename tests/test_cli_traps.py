"""The traps a new user falls into, each run through the real command line in a subprocess: each
ends in one clear English line (no traceback) and leaves the live index as it was."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from cli_traps import CLI, PNG, TOKEN, Cli, last_line, run, snapshot
from conftest import ROOT

from index import store

# ----------------------------------------------------------------------------- index build


def test_a_mistyped_source_changes_nothing(lib: Path, idx: Path, tmp_path: Path,
                                           cli_here: Cli) -> None:
    before = snapshot(idx)
    proc = cli_here("index", "build", str(lib / "contract"), "--index", str(idx))
    assert proc.returncode == 2
    assert last_line(proc) == (f"contractbot: no such file or folder: {lib / 'contract'}; "
                               "the index is unchanged")
    assert len(proc.stderr.splitlines()) == 1 and snapshot(idx) == before


def test_a_symbolic_link_loop_is_said_to_be_one(idx: Path, tmp_path: Path, cli_here: Cli) -> None:
    """A link that leads back to itself (``contracts -> contracts``, or round two links) is
    there: "no such file or folder" sent the user looking for a typo."""
    (tmp_path / "contracts").symlink_to("contracts")
    (tmp_path / "one").symlink_to("two")
    (tmp_path / "two").symlink_to("one")
    before = snapshot(idx)
    for loop in ("contracts", "one"):
        path = tmp_path / loop
        proc = cli_here("index", "build", str(path), "--index", str(idx))
        assert proc.returncode == 2 and snapshot(idx) == before
        assert last_line(proc) == (f"contractbot: {path} is a symbolic link that leads back "
                                   "to itself (a loop), not a file or folder; the index is "
                                   "unchanged")
    both = cli_here("index", "build", str(tmp_path / "contracts"), str(tmp_path / "gone"),
                    "--index", str(idx))
    assert both.returncode == 2 and last_line(both) == (
        f"contractbot: no such file or folder: {tmp_path / 'gone'}; {tmp_path / 'contracts'} is "
        "a symbolic link that leads back to itself (a loop), not a file or folder; the index "
        "is unchanged")
    parse = cli_here("parse", str(tmp_path / "contracts"))
    assert parse.returncode == 2 and "(a loop)" in last_line(parse)


def test_a_mistyped_source_of_a_first_build_says_nothing_was_built(lib: Path,
                                                                   tmp_path: Path,
                                                                   cli_here: Cli) -> None:
    idx = tmp_path / "new"  # no index yet: there is none to be "unchanged"
    proc = cli_here("index", "build", str(lib / "contract"), "--index", str(idx))
    assert proc.returncode == 2 and not idx.exists()
    assert last_line(proc) == (f"contractbot: no such file or folder: {lib / 'contract'}; "
                               "nothing was built")
    assert len(proc.stderr.splitlines()) == 1


def test_a_remembered_folder_that_moved_says_how_to_build_from_its_new_place(
        lib: Path, tmp_path: Path, cli_here: Cli) -> None:
    contracts, idx = tmp_path / "contracts", tmp_path / "idx"
    shutil.copytree(lib / "a", contracts)
    assert cli_here("index", "build", str(contracts), "--index", str(idx)).returncode == 0
    before = snapshot(idx)
    contracts.rename(tmp_path / "moved")
    proc = cli_here("index", "build", "--index", str(idx))
    assert proc.returncode == 2 and snapshot(idx) == before
    assert last_line(proc) == (f"contractbot: no such file or folder: {contracts}; the index "
                               "is unchanged (the index remembers it: if it moved, build once "
                               "from where it is now: contractbot index build NEW_PLACE "
                               f"--index {idx})")
    moved = cli_here("index", "build", str(tmp_path / "moved"), "--index", str(idx))
    assert moved.returncode == 0 and "0 texts embedded" in moved.stdout  # as README says
    rebuild = [CLI[0], str(ROOT / "scripts" / "rebuild_index.py")]
    script = run(tmp_path, "--index", str(idx), cmd=rebuild)
    assert script.returncode == 0, script.stderr  # it remembers the new place


def test_an_empty_folder_says_so_and_changes_nothing(idx: Path, tmp_path: Path,
                                                     cli_here: Cli) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    before = snapshot(idx)
    proc = cli_here("index", "build", str(empty), "--index", str(idx))
    assert proc.returncode == 5
    assert proc.stderr.splitlines()[0] == "empty: empty folder: nothing to index"
    line = last_line(proc)
    assert "would leave the index empty" in line and "--replace" in line
    # it suggested `keep them and add` the empty folder: a build that adds nothing, exits 3
    # and remembers the folder, failing every rebuild from then on
    assert line.endswith(f"The index is unchanged: {empty} gave no contract that can be "
                         "indexed (is it the folder of your contracts?); pass --replace only "
                         "to empty the index"), line
    assert snapshot(idx) == before
    fresh = cli_here("index", "build", str(empty), "--index", str(tmp_path / "new"))
    assert fresh.returncode == 4 and "empty folder" in fresh.stderr
    assert "no index was written" in fresh.stdout and "Traceback" not in fresh.stderr
    assert not (tmp_path / "new").exists()  # nor a folder with a lock file in it


def test_a_collection_folder_found_empty_changes_nothing(shared: Path, tmp_path: Path,
                                                         cli_here: Cli) -> None:
    """``lib`` built, then ``lib/customer-a`` holds only Thumbs.db and an Office lock file (a
    disk not mounted there, a sync that emptied it): its contract is one of three, but the
    build, and the script, refuse to drop it, naming the folder and what to do."""
    lib, idx = tmp_path / "lib", tmp_path / "idx"
    for folder, names in (("customer-a", ("cs-upgrade",)),
                          ("customer-b", ("cs-maintenance", "ecommerce-cs-upgrade"))):
        (lib / folder).mkdir(parents=True)
        for name in names:
            shutil.copy(shared / "contracts" / f"{name}.txt", lib / folder)
    assert cli_here("index", "build", str(lib), "--index", str(idx)).returncode == 0
    before = snapshot(idx)
    (lib / "customer-a" / "cs-upgrade.txt").rename(tmp_path / "cs-upgrade.txt")
    (lib / "customer-a" / "Thumbs.db").write_bytes(b"\0" * 64)
    (lib / "customer-a" / "~$cs-upgrade.docx").write_bytes(b"\0" * 162)
    emptied = lib / "customer-a"
    proc = cli_here("index", "build", "--index", str(idx))
    assert proc.returncode == 5 and snapshot(idx) == before
    assert proc.stderr.splitlines()[0] == "customer-a: empty folder: nothing to index"
    assert len(proc.stderr.splitlines()) == 2  # Thumbs.db and ~$… are no sources to name
    assert last_line(proc) == (
        "contractbot: this build would drop 1 of the index's 3 contracts (cs-upgrade.txt); "
        f"{emptied}, the folder of its collection customer-a, is an empty folder now (a disk "
        "that is not mounted?). The index is unchanged: pass --replace to allow it, or put the "
        "folder's contracts back (mount its disk) and build again")
    script = run(tmp_path, "--index", str(idx), cmd=[str(ROOT / "scripts" / "rebuild_index.py")])
    assert script.returncode == 5 and snapshot(idx) == before
    assert "the folder of its collection customer-a" in last_line(script, "rebuild_index:")


def test_another_encoder_setting_changes_nothing(idx: Path, tmp_path: Path, cli_here: Cli) -> None:
    """A shell whose CONTRACTBOT_EMBED_MODEL differs from the index's (another .env, a stale
    export) would re-embed every clause and leave an index the bot serving it cannot read: it
    is refused before anything is read, and --replace does it."""
    before = snapshot(idx)
    proc = cli_here("index", "build", "--index", str(idx),
                    CONTRACTBOT_EMBED_MODEL="e5-small")
    assert proc.returncode == 5
    assert last_line(proc) == (
        "contractbot: the index was built with encoder use-multilingual; this build would "
        "replace it with one built with e5-small, embedding all its 261 clauses again. The "
        "index is unchanged: set CONTRACTBOT_EMBED_MODEL=use-multilingual to update it, or "
        "pass --replace to rebuild it with e5-small")
    assert len(proc.stderr.splitlines()) == 1 and snapshot(idx) == before
    same = cli_here("index", "build", "--index", str(idx),
                    CONTRACTBOT_EMBED_MODEL="use-multilingual")
    assert same.returncode == 0, same.stderr


def test_an_encoder_short_name_reads_the_index_of_its_long_name(idx: Path,
                                                               tmp_path: Path,
                                                               cli_here: Cli) -> None:
    """README lists `use` (and `usem3`, `e5`) as short for the encoders' names: an index built
    with use-multilingual is asked and rebuilt under `use` as under its long name (`ask` said
    "built with encoder 'use-multilingual' but 'use' is configured")."""
    for name in ("use", "usem3"):
        asked = cli_here("ask", "乙方响应时间是多少", "--index", str(idx),
                         CONTRACTBOT_EMBED_MODEL=name)
        assert asked.returncode == 0, asked.stderr
        assert "响应" in asked.stdout
    built = cli_here("index", "build", "--index", str(idx), CONTRACTBOT_EMBED_MODEL="use")
    assert built.returncode == 0, built.stderr
    other = cli_here("ask", "乙方响应时间是多少", "--index", str(idx),
                     CONTRACTBOT_EMBED_MODEL="e5")
    assert other.returncode == 1
    assert ("built with encoder 'use-multilingual' but CONTRACTBOT_EMBED_MODEL is 'e5-small': "
            "set CONTRACTBOT_EMBED_MODEL=use-multilingual, or rebuild") in last_line(other)


def test_a_damaged_index_says_so_and_a_rebuild_repairs_it(idx: Path, tmp_path: Path,
                                                          cli_here: Cli) -> None:
    """The live generation's vector file deleted by hand: `ask` says which generation cannot
    be read and what to do (it was "unexpected error (RuntimeError: Error in faiss::…"), and
    `index build` with no SOURCES reads everything again (it failed the same way)."""
    gen = store.generation_dir(idx, store.require_generation(idx).name)
    (gen / store.VECTORS).unlink()
    asked = cli_here("ask", "押金是多少", "--index", str(idx))
    assert asked.returncode == 1
    line = last_line(asked)
    assert line == (f"contractbot: the index generation {gen.name} cannot be read (missing "
                    f"vectors.faiss); rebuild it: contractbot index build --index {idx}")
    # (no faiss internals)
    built = cli_here("index", "build", "--index", str(idx))
    assert built.returncode == 0, built.stderr
    assert "5 parsed, 0 reused" in built.stdout
    assert f"it replaces an index that could not be read: the index generation {gen.name}" in (
        built.stdout)
    assert cli_here("ask", "押金是多少", "--index", str(idx)).returncode == 0


def test_a_pointer_to_a_generation_that_is_gone_is_damage_and_keeps_the_rest(
        idx: Path, tmp_path: Path, cli_here: Cli) -> None:
    """The live generation's folder deleted by hand (a copy cut short): it is damage, not "no
    index", so nothing builds over it as if it were none; a rebuild without SOURCES reads the
    sources the generation before remembers, and keeps that generation."""
    from index import has_index

    assert cli_here("index", "build", "--index", str(idx)).returncode == 0  # a 2nd one
    live = store.require_generation(idx)
    older = [p.name for p in (idx / store.GENERATIONS).iterdir() if p.name != live.name]
    assert older, "two generations to start with"
    shutil.rmtree(live)
    asked = cli_here("ask", "押金是多少", "--index", str(idx))
    assert asked.returncode == 1
    assert last_line(asked) == (f"contractbot: the index generation {live.name} cannot be read "
                                "(missing manifest.json, clauses.sqlite, vectors.faiss, bm25, "
                                f"bm25-titles); rebuild it: contractbot index build --index {idx}")
    assert has_index(idx)
    built = cli_here("index", "build", "--index", str(idx))
    assert built.returncode == 0, built.stderr
    assert f"it replaces an index that could not be read: the index generation {live.name}" in (
        built.stdout)
    assert "(0 parsed, 5 reused, 0 texts embedded)" in built.stdout  # the whole one serves
    assert set(older) < {p.name for p in (idx / store.GENERATIONS).iterdir()}
    assert cli_here("ask", "押金是多少", "--index", str(idx)).returncode == 0


def test_status_json_of_no_index_or_a_lost_generation_is_still_an_object(
        idx: Path, tmp_path: Path, cli_here: Cli) -> None:
    """A monitoring script that parses `index status --json` gets an object it can read also
    when there is no index (it printed nothing: json.loads failed) or the pointer names a
    generation that is gone; the exit status and the stderr line are as before."""
    keys = set(json.loads(cli_here("index", "status", "--json", "--index",
                                   str(idx)).stdout))
    none = cli_here("index", "status", "--json", "--index", str(tmp_path / "none"))
    assert none.returncode == 1
    assert last_line(none) == (f"contractbot: no index at {tmp_path / 'none'}; build one with: "
                               f"contractbot index build SOURCES... --index {tmp_path / 'none'}")
    status = json.loads(none.stdout)
    assert set(status) == keys and not (tmp_path / "none").exists()
    assert status["exists"] is False and status["index_dir"] == str(tmp_path / "none")
    assert (status["contracts"], status["sources"], status["damaged"]) == (0, [], [])
    live = store.require_generation(idx)
    shutil.rmtree(live)
    lost = cli_here("index", "status", "--json", "--index", str(idx))
    assert lost.returncode == 1 and last_line(lost).endswith(
        f"rebuild it: contractbot index build --index {idx}")
    status = json.loads(lost.stdout)
    assert status["exists"] is True and status["contracts"] == 0
    assert [d["part"] for d in status["damaged"]] == ["CURRENT"]
    assert live.name in status["damaged"][0]["reason"]


def test_one_folder_of_a_two_folder_library_changes_nothing(lib: Path, idx: Path,
                                                            tmp_path: Path, cli_here: Cli) -> None:
    before = snapshot(idx)
    proc = cli_here("index", "build", str(lib / "b"), "--index", str(idx))
    assert proc.returncode == 5
    line = last_line(proc)
    assert "would drop 2 of the index's 5 contracts" in line
    assert "cs-upgrade.txt" in line and str(lib / "a") in line and "--replace" in line
    assert snapshot(idx) == before
    # with no SOURCES, the build rebuilds every source the index remembers
    again = cli_here("index", "build", "--index", str(idx))
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("indexed 5 contracts") and "5 reused" in again.stdout


def test_a_refused_build_suggests_a_command_that_rebuilds_this_index(
        shared: Path, lib: Path, idx: Path, tmp_path: Path, cli_here: Cli) -> None:
    """After a build of lib/a and lib/b, `index build new --index DIR` (a folder the index does
    not remember) is refused. It said to run `contractbot index build` with no SOURCES, which
    reads neither `new` nor, without --index, this index. It now suggests the build that keeps
    what the index holds and adds `new`, of this index; and one given a remembered folder
    alone (which a no-SOURCES rebuild reads) is told that rebuild, of this index."""
    new = tmp_path / "new"
    new.mkdir()
    shutil.copy(shared / "contracts-real" / "技术服务合同.txt", new)
    before = snapshot(idx)
    proc = cli_here("index", "build", "new", "--index", str(idx))
    assert proc.returncode == 5 and snapshot(idx) == before
    command = f"contractbot index build {lib / 'a'} {lib / 'b'} {new} --index {idx}"
    assert last_line(proc).endswith(
        f"The index is unchanged: pass --replace to allow it, or keep them and add new: {command}")
    half = cli_here("index", "build", str(lib / "b"), "--index", str(idx))
    assert half.returncode == 5 and snapshot(idx) == before
    assert last_line(half).endswith(
        "pass --replace to allow it, or run `contractbot index build` with no SOURCES and "
        f"--index {idx} to rebuild every source it remembers")
    # the command it suggests does what it says: this index keeps its 5 contracts, adds one
    done = cli_here(*command.split()[1:])
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("indexed 6 contracts") and "5 reused" in done.stdout
    assert store.read_manifest(store.require_generation(idx)).roots == (
        str(lib / "a"), str(lib / "b"), str(new))


def test_files_that_are_not_contracts_are_named_with_their_reason(
    shared: Path, tmp_path: Path, cli_here: Cli) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    shutil.copy(shared / "contracts-real" / "SOURCES.md", folder)
    shutil.copy(shared / "contracts" / "cs-upgrade.txt", folder)
    (folder / "prices.xlsx").write_bytes(b"PK\x03\x04" + b"\0" * 64)
    (folder / "photo.png").write_bytes(PNG)
    (folder / "old.zip").write_bytes(b"PK\x03\x04" + b"\0" * 64)
    proc = cli_here("index", "build", str(folder), "--index", str(tmp_path / "idx"))
    assert proc.returncode == 3 and "Traceback" not in proc.stderr
    lines = sorted(proc.stderr.splitlines())
    assert lines == [
        "SOURCES.md: does not look like a contract",
        "old.zip: archives are not read: unpack it and index the folder",
        "photo.png: not a readable image",  # images are read by OCR: this one is broken
        "prices.xlsx: spreadsheets are not supported: save the contract as .docx or PDF",
    ]
    status = json.loads(cli_here("index", "status", "--json", "--index",
                                 str(tmp_path / "idx")).stdout)
    assert [s["contract"] for s in status["sources"]] == ["cs-upgrade"]


def test_a_folder_of_only_images_and_spreadsheets_changes_nothing(idx: Path,
                                                                  tmp_path: Path,
                                                                  cli_here: Cli) -> None:
    folder = tmp_path / "scans"
    folder.mkdir()
    (folder / "page1.png").write_bytes(PNG)
    (folder / "prices.xlsx").write_bytes(b"PK\x03\x04" + b"\0" * 64)
    before = snapshot(idx)
    proc = cli_here("index", "build", str(folder), "--index", str(idx))
    assert proc.returncode == 5
    assert sorted(proc.stderr.splitlines()[:2]) == [
        "page1.png: not a readable image",
        "prices.xlsx: spreadsheets are not supported: save the contract as .docx or PDF"]
    assert "would leave the index empty" in last_line(proc)
    assert snapshot(idx) == before


def test_an_unknown_encoder_lists_the_known_ones(lib: Path, idx: Path, tmp_path: Path,
                                                 cli_here: Cli) -> None:
    before = snapshot(idx)
    for args in (("index", "build", "--index", str(idx)),
                 ("ask", "押金是多少", "--index", str(idx)),
                 ("compare", "押金", "--index", str(idx)),  # it said: rebuild with that name
                 ("serve", "--index", str(idx))):
        proc = cli_here(*args, CONTRACTBOT_EMBED_MODEL="use-multilingal",
                        TELEGRAM_BOT_TOKEN=TOKEN)
        assert proc.returncode == 2, args
        line = last_line(proc)
        assert len(proc.stderr.splitlines()) == 1
        assert line.startswith("contractbot: unknown encoder 'use-multilingal'; known encoders: "
                               "e5-small (the default), use-multilingual; ")
    assert snapshot(idx) == before


def test_the_script_follows_the_same_rules(lib: Path, idx: Path, tmp_path: Path) -> None:
    script = [str(ROOT / "scripts" / "rebuild_index.py")]  # run as the README shows
    before = snapshot(idx)
    typo = run(tmp_path, str(lib / "contract"), "--index", str(idx), cmd=script)
    assert typo.returncode == 2 and "no such file or folder" in last_line(typo, "rebuild_index:")
    half = run(tmp_path, str(lib / "b"), "--index", str(idx), cmd=script)
    assert half.returncode == 5 and "--replace" in last_line(half, "rebuild_index:")
    assert "scripts/rebuild_index.py with no SOURCES" in half.stderr
    assert snapshot(idx) == before
    again = run(tmp_path, "--index", str(idx), cmd=script)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("rebuild_index: indexed 5 contracts")


def test_scripts_are_executable_with_a_shebang() -> None:
    for script in sorted((ROOT / "scripts").glob("*.py")):
        assert os.access(script, os.X_OK), script.name
        assert script.read_text("utf-8").startswith("#!/usr/bin/env python3\n"), script.name


def test_workers_past_what_the_machine_can_run_are_refused(idx: Path, lib: Path,
                                                          tmp_path: Path, cli_here: Cli) -> None:
    """`--workers 10000` on a 2-core box started a process per worker, each loading the
    encoder, until memory ran out. More than 4 per core is a wrong argument (exit 2), as
    `--top-k 0` is, said before any work; so is CONTRACTBOT_BUILD_WORKERS."""
    from index.limits import cores

    most = 4 * cores()
    before = snapshot(idx)
    proc = cli_here("index", "build", str(lib), "--index", str(idx), "--workers", "10000")
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == (f"contractbot index build: argument --workers: must be at most "
                           f"{most} (4 per core; this machine has {cores()}), not 10000 "
                           "(see contractbot index build --help)\n")
    proc = cli_here("index", "build", str(lib), "--index", str(idx),
                    CONTRACTBOT_BUILD_WORKERS=str(most + 1))
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == (f"contractbot: CONTRACTBOT_BUILD_WORKERS: {most + 1} is more than "
                           f"{most} (4 per core; this machine has {cores()})\n")
    assert snapshot(idx) == before
    proc = cli_here("index", "build", "--help")
    assert f"at most {most}" in " ".join(proc.stdout.split())
