"""A build that would put the contracts the index holds in other collections (the collection
folders given as sources where their parent was, or the other way round) is refused, the live
index unchanged, unless --replace; a file moved on disk to another folder is followed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from index_corpus import (
    LEASE,
    MAINT,
    count_early_embeddings,
    fast_encoder,
    parse_json,
    write_corpus,
)

from index import index_status, store
from index.build import build_index
from index.errors import WouldMoveError


def _build(sources: list[Path] | None, idx: Path, *, replace: bool = False) -> None:
    build_index(sources, idx, fast_encoder(), parse=parse_json, progress=False,
                replace=replace)


def _collections(idx: Path) -> dict[str, str]:
    return {s.contract: s.collection for s in index_status(idx).sources}


def _library(root: Path) -> Path:
    """lib/customer-a holds maint, lib/customer-b lease."""
    write_corpus(root / "lib" / "customer-a", MAINT)
    write_corpus(root / "lib" / "customer-b", LEASE)
    return root / "lib"


def test_the_collection_folders_given_where_their_parent_was_change_nothing(
        tmp_path: Path) -> None:
    lib, idx = _library(tmp_path), tmp_path / "idx"
    _build([lib], idx)
    live = store.current_generation(idx)
    with pytest.raises(WouldMoveError) as refused:
        _build([lib / "customer-a", lib / "customer-b"], idx)
    err = refused.value
    assert sorted(err.moves) == [("lease.txt", "customer-b", "default"),
                                 ("maint.txt", "customer-a", "default")]
    assert sorted(err.keys) == ["lease", "maint"] and err.total == 2
    assert err.roots == (str(lib),)
    assert str(err).startswith("this build would move 2 of the index's 2 contracts to another "
                               "collection (")
    assert store.current_generation(idx) == live
    assert _collections(idx) == {"maint": "customer-a", "lease": "customer-b"}
    _build(None, idx)  # the sources it remembers: nothing moves
    assert _collections(idx) == {"maint": "customer-a", "lease": "customer-b"}


def test_replace_moves_them(tmp_path: Path) -> None:
    lib, idx = _library(tmp_path), tmp_path / "idx"
    _build([lib], idx)
    with pytest.raises(WouldMoveError):
        _build([lib / "customer-a", lib / "customer-b"], idx)
    _build([lib / "customer-a", lib / "customer-b"], idx, replace=True)
    assert _collections(idx) == {"maint": "default", "lease": "default"}


def test_the_parent_given_where_its_folders_were_is_refused_too(tmp_path: Path) -> None:
    """The other way round, chats given ``default`` would lose the contracts and chats given
    customer-a gain them: the same refusal."""
    lib, idx = _library(tmp_path), tmp_path / "idx"
    _build([lib / "customer-a", lib / "customer-b"], idx)
    live = store.current_generation(idx)
    with pytest.raises(WouldMoveError) as refused:
        _build([lib], idx)
    assert sorted(refused.value.moves) == [("lease.txt", "default", "customer-b"),
                                           ("maint.txt", "default", "customer-a")]
    assert store.current_generation(idx) == live


def test_one_contract_moved_among_many_is_refused(tmp_path: Path) -> None:
    """Not only a move of most of the index: one contract read into ``default`` is one a chat
    given ``default`` may read."""
    lib, idx = _library(tmp_path), tmp_path / "idx"
    write_corpus(lib / "customer-a", {**LEASE, "key": "annex"})
    _build([lib], idx)
    with pytest.raises(WouldMoveError) as refused:
        _build([lib, lib / "customer-b"], idx)  # the deepest root decides: customer-b's files
    assert refused.value.moves == (("lease.txt", "customer-b", "default"),)
    assert refused.value.total == 3


def test_a_file_moved_on_disk_to_another_folder_is_followed(tmp_path: Path) -> None:
    """The operator moved it: its old place is gone (dropped, as any file that is gone) and
    it is indexed where it lies now, under the same name, without --replace; the same file
    read from another root after that is refused."""
    lib, idx = _library(tmp_path), tmp_path / "idx"
    write_corpus(lib / "customer-a", {**LEASE, "key": "annex"})
    _build([lib], idx)
    (lib / "customer-a" / "annex.txt").rename(lib / "customer-b" / "annex.txt")
    _build(None, idx)
    assert _collections(idx) == {"maint": "customer-a", "lease": "customer-b",
                                 "annex": "customer-b"}
    with pytest.raises(WouldMoveError) as refused:
        _build([lib / "customer-a", lib / "customer-b"], idx)
    assert ("annex.txt", "customer-b", "default") in refused.value.moves


def test_an_index_from_before_collections_takes_them_without_replace(tmp_path: Path) -> None:
    """Its manifest records no collection (read as ``default``): the first build puts its
    contracts in their folders' collections, as the version that wrote it had none; from then
    on they are recorded, and a move is refused."""
    lib, idx = _library(tmp_path), tmp_path / "idx"
    _build([lib / "customer-a", lib / "customer-b"], idx)
    gen = store.current_generation(idx)
    assert gen is not None
    manifest = store.generation_dir(idx, gen) / store.MANIFEST
    data = json.loads(manifest.read_text("utf-8"))
    for source in data["sources"]:
        del source["collection"]
    data["roots"] = [str(lib)]
    manifest.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    _build(None, idx)
    assert _collections(idx) == {"maint": "customer-a", "lease": "customer-b"}
    with pytest.raises(WouldMoveError):
        _build([lib / "customer-a", lib / "customer-b"], idx)


def test_a_library_read_through_a_link_is_refused_too(tmp_path: Path) -> None:
    """The sources are recorded where they lead (``contracts -> releases/v2``, switched on each
    deploy): the collection folders given through the link are the same files, and moving
    them to ``default`` is refused as it is without the link."""
    real = _library(tmp_path / "releases")
    lib, idx = tmp_path / "contracts", tmp_path / "idx"
    lib.symlink_to(real, target_is_directory=True)
    _build([lib], idx)
    live = store.current_generation(idx)
    with pytest.raises(WouldMoveError) as refused:
        _build([lib / "customer-a", lib / "customer-b"], idx)
    assert sorted(refused.value.moves) == [("lease.txt", "customer-b", "default"),
                                           ("maint.txt", "customer-a", "default")]
    assert store.current_generation(idx) == live
    assert _collections(idx) == {"maint": "customer-a", "lease": "customer-b"}


def test_a_move_is_refused_without_embedding_its_texts(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """With the standard parser the build knows from the files' names and places that it
    will be refused: their texts (changed since, so none could be reused) are not embedded
    before the refusal, as for a build that would drop contracts (test_build.py)."""
    from bot.settings import SAMPLES_DIR
    from index import Reading, build_from_sources

    folder, idx = tmp_path / "lib" / "customer-a", tmp_path / "idx"
    folder.mkdir(parents=True)
    for p in sorted(SAMPLES_DIR.glob("*.txt"))[:2]:
        (folder / p.name).write_bytes(p.read_bytes())
    reading, name = Reading(workers=1), fast_encoder().name
    build_from_sources([tmp_path / "lib"], idx, name, progress=False, reading=reading)
    live = store.current_generation(idx)
    for p in folder.iterdir():  # texts the index does not hold
        p.write_text(p.read_text("utf-8").replace("甲方", "委托方"), "utf-8")
    embedded = count_early_embeddings(monkeypatch)  # texts embedded while reading
    with pytest.raises(WouldMoveError) as refused:
        build_from_sources([folder], idx, name, progress=False, reading=reading)
    assert {new for _, _, new in refused.value.moves} == {"default"}
    assert store.current_generation(idx) == live
    assert embedded == []
    build_from_sources([tmp_path / "lib"], idx, name, progress=False, reading=reading)
    assert sum(embedded) > 0  # read from where it was built from, they are embedded as read
