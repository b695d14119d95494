"""Build refusals beyond test_build's: most of a remembered folder gone, the index folder named
by another path, an emptied index that takes another encoder, and a remembered folder left out
(its parent folder instead drops nothing, but moves every contract: test_build_moves.py)."""

from __future__ import annotations

import shutil

import pytest
from index_corpus import LEASE, MAINT, fast_encoder, parse_json, write_corpus
from test_build import CountingEncoder, _three

from index import store
from index.build import build_index
from index.build.guard import drop_refusal, live_manifest
from index.errors import NoSourcesError, WouldDropError, WouldMoveError


def test_most_files_gone_from_a_remembered_folder_changes_nothing(tmp_path) -> None:
    """Two of three contracts gone from the folders the index remembers (a sync cut short, a
    mount half there): no folder is left out, but most of the index would go, so nothing is
    changed unless ``replace``."""
    a, _, idx = _three(tmp_path)
    live = store.current_generation(idx)
    (a / "maint.txt").unlink()
    (a / "lease.txt").unlink()
    with pytest.raises(WouldDropError) as refused:
        build_index(None, idx, fast_encoder(), parse=parse_json, progress=False)
    err = refused.value
    assert (sorted(err.dropped), err.total, err.empty, err.missing_roots) == (
        ["lease.txt", "maint.txt"], 3, False, ())
    assert store.current_generation(idx) == live


def test_the_index_folder_by_another_path_is_no_source(tmp_path) -> None:
    src, idx = tmp_path / "src", tmp_path / "idx"
    write_corpus(src, MAINT)
    build_index([src], idx, fast_encoder(), parse=parse_json, progress=False)
    live = store.current_generation(idx)
    (tmp_path / "link").symlink_to(idx)
    for alias in (tmp_path / "link", src / ".." / "idx"):
        with pytest.raises(NoSourcesError, match="is the index folder"):
            build_index([alias], idx, fast_encoder(), parse=parse_json, progress=False)
    assert store.current_generation(idx) == live


def test_an_empty_index_takes_another_encoder_without_replace(tmp_path) -> None:
    """Nothing to embed again: an index emptied on purpose is no encoder to keep."""
    src, empty, idx = tmp_path / "src", tmp_path / "empty", tmp_path / "idx"
    write_corpus(src, MAINT)
    empty.mkdir()
    build_index([src], idx, fast_encoder(), parse=parse_json, progress=False)
    build_index([empty], idx, fast_encoder(), parse=parse_json, progress=False, replace=True)
    other = CountingEncoder()
    other.name = "another-encoder"
    report = build_index([src], idx, other, parse=parse_json, progress=False)
    assert report.written and report.contracts == 1
    assert store.read_manifest(store.require_generation(idx)).encoder == "another-encoder"


def test_leaving_out_a_remembered_folder_changes_nothing(tmp_path) -> None:
    a, b, idx = _three(tmp_path)
    live = store.current_generation(idx)
    with pytest.raises(WouldDropError) as refused:  # one of three, but all of folder b
        build_index([a], idx, fast_encoder(), parse=parse_json, progress=False)
    assert refused.value.dropped == ("lease-b.txt",)
    assert refused.value.missing_roots == (str(b.resolve()),)
    assert store.current_generation(idx) == live
    # the parent folder of both keeps everything (it drops nothing), but in collections a and
    # b, not default: a move of every contract, refused as such (test_build_moves.py) unless
    # --replace
    parent = [str(tmp_path / "lib")]
    assert drop_refusal({"maint", "lease", "lease-b"}, live_manifest(idx), roots=parent,
                        replace=False) is None
    with pytest.raises(WouldMoveError):
        build_index([tmp_path / "lib"], idx, fast_encoder(), parse=parse_json, progress=False)
    assert store.current_generation(idx) == live
    report = build_index([tmp_path / "lib"], idx, fast_encoder(), parse=parse_json,
                         progress=False, replace=True)
    assert (report.contracts, report.failed, report.dropped) == (3, (), ())


def test_a_remembered_folder_found_empty_changes_nothing(tmp_path) -> None:
    """One folder of a two-folder library is an empty folder now (the mount point of a disk
    that is not mounted): its contracts are not dropped, though they are fewer than half, unless
    ``replace``; the folder back in place, the build goes on as ever."""
    a, b, idx = _three(tmp_path)
    live = store.current_generation(idx)
    away = tmp_path / "unmounted"
    away.mkdir()
    (b / "lease-b.txt").rename(away / "lease-b.txt")
    with pytest.raises(WouldDropError) as refused:
        build_index(None, idx, fast_encoder(), parse=parse_json, progress=False)
    err = refused.value
    assert (err.dropped, err.empty, err.missing_roots, err.empty_roots) == (
        ("lease-b.txt",), False, (), (str(b),))
    assert "is an empty folder now" in str(err) and "more than half" not in str(err)
    with pytest.raises(WouldDropError):  # so is the same build with the folders given
        build_index([a, b], idx, fast_encoder(), parse=parse_json, progress=False)
    assert store.current_generation(idx) == live
    (away / "lease-b.txt").rename(b / "lease-b.txt")
    report = build_index(None, idx, fast_encoder(), parse=parse_json, progress=False)
    assert (report.contracts, report.dropped) == (3, ())
    (b / "lease-b.txt").unlink()
    report = build_index(None, idx, fast_encoder(), parse=parse_json, progress=False,
                         replace=True)
    assert (report.contracts, report.dropped) == (2, (str(b / "lease-b.txt"),))


def test_a_collection_folder_found_empty_changes_nothing(tmp_path) -> None:
    """``lib`` built, then ``lib/b`` (a collection: a disk mounted there, not mounted now) holds
    only what systems leave in folders: its contracts are not dropped, though they are fewer
    than half, unless ``replace``. A new collection folder still empty says nothing, and one
    deleted on purpose drops its contracts as any file that is gone."""
    lib, idx = tmp_path / "lib", tmp_path / "idx"
    lease_b = dict(LEASE, key="lease-b")
    write_corpus(lib / "a", MAINT, LEASE)
    write_corpus(lib / "b", lease_b)
    build_index([lib], idx, fast_encoder(), parse=parse_json, progress=False)
    live = store.current_generation(idx)
    away = tmp_path / "unmounted"
    (lib / "b").rename(away)
    (lib / "b").mkdir()
    for junk in (".DS_Store", "Thumbs.db", "desktop.ini", "~$lease-b.txt"):
        (lib / "b" / junk).write_bytes(b"\0" * 16)
    (lib / "c").mkdir()  # a new customer's folder, nothing in it yet
    for sources in (None, [lib]):
        with pytest.raises(WouldDropError) as refused:
            build_index(sources, idx, fast_encoder(), parse=parse_json, progress=False)
        err = refused.value
        assert (err.dropped, err.empty, err.missing_roots, err.empty_roots,
                err.empty_collections) == (("lease-b.txt",), False, (), (), (str(lib / "b"),))
        assert (f"{lib / 'b'}, the folder of its collection b, is an empty folder now"
                in str(err)) and "more than half" not in str(err)
        assert store.current_generation(idx) == live
    report = build_index(None, idx, fast_encoder(), parse=parse_json, progress=False,
                         replace=True)  # emptied on purpose
    assert (report.contracts, report.dropped) == (2, (str(lib.resolve() / "b" / "lease-b.txt"),))
    assert report.failed == ((str(lib / "b"), "empty folder: nothing to index"),)
    report = build_index(None, idx, fast_encoder(), parse=parse_json, progress=False)
    assert report.written and report.failed == ()  # held no more: nothing to say
    # the folder back, then deleted on purpose: an ordinary drop (one of three)
    shutil.rmtree(lib / "b")
    away.rename(lib / "b")
    assert build_index(None, idx, fast_encoder(), parse=parse_json,
                       progress=False).contracts == 3
    shutil.rmtree(lib / "b")
    report = build_index(None, idx, fast_encoder(), parse=parse_json, progress=False)
    assert (report.contracts, report.failed) == (2, ())


@pytest.mark.parametrize("first_by_link", [True, False])
def test_a_folder_given_by_another_path_drops_a_deleted_file_as_usual(tmp_path,
                                                                     first_by_link) -> None:
    """A folder built as ``lib`` (a link to ``real``) and rebuilt as ``real``, or the other way
    round, is the same folder: a file deleted from it is an ordinary drop, not a remembered
    folder left out."""
    real, link, idx = tmp_path / "real", tmp_path / "lib", tmp_path / "idx"
    lease_b = dict(LEASE, key="lease-b")
    write_corpus(real, MAINT, LEASE, lease_b)
    link.symlink_to(real)
    first, then = (link, real) if first_by_link else (real, link)
    build_index([first], idx, fast_encoder(), parse=parse_json, progress=False)
    (real / "lease-b.txt").unlink()
    report = build_index([then], idx, fast_encoder(), parse=parse_json, progress=False)
    assert report.written and report.contracts == 2


def test_an_empty_list_of_sources_is_refused(tmp_path) -> None:
    with pytest.raises(NoSourcesError, match="no sources given"):
        build_index([], tmp_path / "idx", fast_encoder(), parse=parse_json, progress=False)


def test_a_library_named_through_a_link_has_no_empty_collection(tmp_path) -> None:
    """``lib`` named by a symbolic link to it: its collection folders hold their files (found
    where the link leads), and a second build says nothing of an empty folder."""
    lib, idx, link = tmp_path / "lib", tmp_path / "idx", tmp_path / "link"
    write_corpus(lib / "a", MAINT, LEASE)
    write_corpus(lib / "b", dict(LEASE, key="lease-b"))
    link.symlink_to(lib, target_is_directory=True)
    build_index([link], idx, fast_encoder(), parse=parse_json, progress=False)
    report = build_index([link], idx, fast_encoder(), parse=parse_json, progress=False)
    assert (report.contracts, report.failed) == (3, ())
