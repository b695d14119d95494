"""Index builds: generations, incremental reuse, removed and failed sources, exit codes."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from index_corpus import (
    LEASE,
    MAINT,
    count_early_embeddings,
    fast_encoder,
    parse_json,
    write_corpus,
)

from bot.settings import SAMPLES_DIR
from index import store
from index.build import build_index, collect_sources
from index.build.sources import EMPTY_FOLDER
from index.build.texts import clause_rows, title_parts
from index.errors import IndexBusyError, MissingSourceError, NoSourcesError, WouldDropError


class CountingEncoder:
    """The real default encoder, counting how many texts it embeds."""

    def __init__(self) -> None:
        self._inner = fast_encoder()
        self.name = self._inner.name
        self.dim = self._inner.dim
        self.texts = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.texts += len(texts)
        return self._inner.encode(texts)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._inner.encode_queries(texts)


def test_first_build_then_incremental(tmp_path) -> None:
    src, idx = tmp_path / "src", tmp_path / "idx"
    write_corpus(src, MAINT, LEASE)
    enc = CountingEncoder()
    first = build_index([src], idx, enc, parse=parse_json, progress=False)
    n_maint, n_lease = len(MAINT["clauses"]), len(LEASE["clauses"])
    assert (first.contracts, first.clauses) == (2, n_maint + n_lease)
    assert enc.texts == first.embedded == n_maint + n_lease
    assert first.exit_code == 0

    # unchanged: nothing parsed or embedded, same ids
    enc.texts = 0
    second = build_index([src], idx, enc, parse=parse_json, progress=False)
    assert (second.parsed, second.reused, enc.texts) == (0, 2, 0)
    gen_dir = store.require_generation(idx)
    before = {r.id for r in store.read_clauses(gen_dir)}

    # change one clause of the lease: only the lease is re-parsed, only that clause re-embedded
    changed = json.loads(json.dumps(LEASE))
    changed["clauses"][2][3] = "租赁期限为两年，自交房之日起计算。"
    write_corpus(src, changed)
    third = build_index([src], idx, enc, parse=parse_json, progress=False)
    assert (third.parsed, third.reused, third.embedded) == (1, 1, 1)
    assert enc.texts == 1
    gen_dir = store.require_generation(idx)
    rows = store.read_clauses(gen_dir)
    assert len(before - {r.id for r in rows}) == 1  # only the changed clause got a new id
    # reused vectors are the same as freshly computed ones
    vectors = store.read_vectors(gen_dir)
    maint_row = next(r for r in rows if r.clause.contract == "maint")
    fresh = fast_encoder().encode([maint_row.embed_text])[0]
    np.testing.assert_allclose(store.reconstruct(vectors, [maint_row.id])[0], fresh, atol=1e-5)
    # the current and the previous generation are kept, older ones removed
    assert len(list((idx / store.GENERATIONS).iterdir())) == 2


def test_a_text_shared_by_clauses_is_embedded_once(tmp_path) -> None:
    src, idx = tmp_path / "src", tmp_path / "idx"
    twin = json.loads(json.dumps(LEASE))
    twin["key"] = "lease-copy"
    write_corpus(src, LEASE, twin)
    enc = CountingEncoder()
    report = build_index([src], idx, enc, parse=parse_json, progress=False)
    assert report.clauses == 2 * len(LEASE["clauses"])
    assert enc.texts == report.embedded == len(LEASE["clauses"])
    gen_dir = store.require_generation(idx)
    rows = store.read_clauses(gen_dir)
    vecs = store.reconstruct(store.read_vectors(gen_dir), [r.id for r in rows])
    by_text: dict[str, np.ndarray] = {}
    for r, v in zip(rows, vecs, strict=True):
        np.testing.assert_array_equal(by_text.setdefault(r.embed_text, v), v)
    assert len(by_text) == len(LEASE["clauses"])


def test_removed_source_drops_out(tmp_path) -> None:
    src, idx = tmp_path / "src", tmp_path / "idx"
    paths = write_corpus(src, MAINT, LEASE)
    build_index([src], idx, fast_encoder(), parse=parse_json, progress=False)
    paths[1].unlink()
    report = build_index([src], idx, fast_encoder(), parse=parse_json, progress=False)
    assert report.contracts == 1
    gen_dir = store.require_generation(idx)
    assert {r.clause.contract for r in store.read_clauses(gen_dir)} == {"maint"}
    assert store.read_vectors(gen_dir).ntotal == len(MAINT["clauses"])


def test_failed_sources_are_recorded_and_set_the_exit_code(tmp_path) -> None:
    src, idx = tmp_path / "src", tmp_path / "idx"
    write_corpus(src, MAINT, {"key": "blank", "empty": True})
    (src / "prices.xlsx").write_bytes(b"PK\x03\x04 a spreadsheet")
    report = build_index([src], idx, fast_encoder(), parse=parse_json, progress=False)
    assert report.contracts == 1 and report.exit_code == 3
    reasons = dict(report.failed)
    assert reasons[str(src / "blank.txt")] == "holds no contract text"
    assert reasons[str(src / "prices.xlsx")].startswith("spreadsheets are not supported")
    manifest = store.read_manifest(store.require_generation(idx))
    assert {source for source, _ in manifest.failed} == set(reasons)
    assert manifest.encoder == "use-multilingual" and manifest.dim == 512
    assert manifest.contracts == 1 and manifest.clauses == len(MAINT["clauses"])
    assert manifest.sources[0].contract == "maint" and manifest.built_at
    assert manifest.roots == (str(src.resolve()),)

    blank = tmp_path / "blank"
    write_corpus(blank, {"key": "blank", "empty": True})
    nothing = build_index([blank], tmp_path / "idx2", fast_encoder(), parse=parse_json,
                          progress=False)
    assert nothing.exit_code == 4 and not nothing.written
    assert not store.current_generation(tmp_path / "idx2")  # no empty index was written


def test_a_missing_source_changes_nothing(tmp_path) -> None:
    src, idx = tmp_path / "src", tmp_path / "idx"
    write_corpus(src, MAINT)
    build_index([src], idx, fast_encoder(), parse=parse_json, progress=False)
    live = store.current_generation(idx)
    with pytest.raises(MissingSourceError, match=r"nowhere\.pdf"):
        build_index([src, tmp_path / "nowhere.pdf"], idx, fast_encoder(), parse=parse_json,
                    progress=False)
    assert store.current_generation(idx) == live
    with pytest.raises(MissingSourceError):
        build_index([tmp_path / "typo"], tmp_path / "new-idx", fast_encoder(), parse=parse_json)
    assert not (tmp_path / "new-idx").exists()  # not even the lock file of a new index


def test_no_sources_rebuilds_the_remembered_ones(tmp_path) -> None:
    a, b, idx = tmp_path / "a", tmp_path / "b", tmp_path / "idx"
    write_corpus(a, MAINT)
    write_corpus(b, LEASE)
    build_index([a, b], idx, fast_encoder(), parse=parse_json, progress=False)
    changed = json.loads(json.dumps(LEASE))
    changed["clauses"][2][3] = "租赁期限为两年，自交房之日起计算。"
    write_corpus(b, changed)
    report = build_index(None, idx, fast_encoder(), parse=parse_json, progress=False)
    assert (report.contracts, report.parsed, report.reused) == (2, 1, 1)
    manifest = store.read_manifest(store.require_generation(idx))
    assert manifest.roots == (str(a.resolve()), str(b.resolve()))
    with pytest.raises(NoSourcesError, match="no index"):
        build_index(None, tmp_path / "none", fast_encoder(), parse=parse_json)


def _three(tmp_path) -> tuple[Path, Path, Path]:
    """An index of three contracts: two in folder lib/a, one in folder lib/b."""
    a, b, idx = tmp_path / "lib" / "a", tmp_path / "lib" / "b", tmp_path / "idx"
    lease_b = json.loads(json.dumps(LEASE))
    lease_b["key"] = "lease-b"
    write_corpus(a, MAINT, LEASE)
    write_corpus(b, lease_b)
    build_index([a, b], idx, fast_encoder(), parse=parse_json, progress=False)
    return a, b, idx


def test_a_build_that_drops_most_of_the_index_changes_nothing(tmp_path) -> None:
    a, b, idx = _three(tmp_path)
    live = store.current_generation(idx)
    with pytest.raises(WouldDropError) as refused:
        build_index([b], idx, fast_encoder(), parse=parse_json, progress=False)
    err = refused.value
    assert (sorted(err.dropped), err.total, err.empty) == (["lease.txt", "maint.txt"], 3, False)
    assert err.missing_roots == (str(a.resolve()),)
    assert store.current_generation(idx) == live


def test_files_gone_from_the_sources_drop_out_and_are_named(tmp_path) -> None:
    a, b, idx = _three(tmp_path)
    (a / "lease.txt").unlink()
    report = build_index(None, idx, fast_encoder(), parse=parse_json, progress=False)
    assert report.contracts == 2 and report.dropped == (str((a / "lease.txt").resolve()),)
    assert "1 dropped" in report.summary()
    # --replace allows what is refused otherwise
    report = build_index([b], idx, fast_encoder(), parse=parse_json, replace=True)
    assert report.contracts == 1 and len(report.dropped) == 1


def test_a_build_that_empties_the_index_changes_nothing(tmp_path) -> None:
    _, _, idx = _three(tmp_path)
    live = store.current_generation(idx)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(WouldDropError) as refused:
        build_index([empty], idx, fast_encoder(), parse=parse_json, progress=False)
    assert refused.value.empty and refused.value.failed == ((str(empty), EMPTY_FOLDER),)
    assert store.current_generation(idx) == live
    report = build_index([empty], idx, fast_encoder(), parse=parse_json, replace=True)
    assert report.written and report.contracts == 0 and report.exit_code == 4


def test_a_wrong_folder_is_refused_without_embedding_its_texts(tmp_path, monkeypatch) -> None:
    """With the standard parser a contract's key is its file's stem: a folder whose names would
    drop most of the index is read only to name the files that cannot be, and none of its
    texts is embedded before the refusal (the workers embedded each file's texts as it was
    read: 80.9 s for the 19 real contracts with e5-small, 2.6 s now)."""
    from index import Reading, build_from_sources

    samples = SAMPLES_DIR
    lib, wrong, idx = tmp_path / "lib", tmp_path / "wrong", tmp_path / "idx"
    lib.mkdir()
    wrong.mkdir()
    for p in samples.glob("*.txt"):
        (lib / p.name).write_bytes(p.read_bytes())
        text = p.read_text("utf-8").replace("甲方", "委托方")  # texts the index does not hold
        (wrong / f"copy-{p.name}").write_text(text, "utf-8")
    (wrong / "prices.xlsx").write_bytes(b"PK\x03\x04" + b"\0" * 64)
    reading = Reading(workers=1)
    name = fast_encoder().name
    build_from_sources([lib], idx, name, progress=False, reading=reading)
    live = store.current_generation(idx)
    embedded = count_early_embeddings(monkeypatch)  # texts embedded while reading
    with pytest.raises(WouldDropError) as refused:
        build_from_sources([wrong], idx, name, progress=False, reading=reading)
    assert sorted(refused.value.dropped) == sorted(p.name for p in lib.iterdir())
    assert [Path(f).name for f, _ in refused.value.failed] == ["prices.xlsx"]  # still named
    assert store.current_generation(idx) == live
    assert embedded == []
    # the folder it was built from is read and embedded as before
    text = (samples / "在线客服系统升级服务合同.txt").read_text("utf-8")
    (lib / "extra.txt").write_text(text.replace("乙方", "承包方"), "utf-8")  # new texts
    report = build_from_sources([lib], idx, name, progress=False, reading=reading)
    assert (report.contracts, report.parsed, report.exit_code) == (3, 1, 0)
    assert sum(embedded) > 0


def test_a_build_with_another_encoder_changes_nothing_unless_replace(tmp_path) -> None:
    from index import WouldChangeEncoderError

    src, idx = tmp_path / "src", tmp_path / "idx"
    write_corpus(src, MAINT, LEASE)
    build_index([src], idx, fast_encoder(), parse=parse_json, progress=False)
    live = store.current_generation(idx)
    other = CountingEncoder()
    other.name = "another-encoder"
    with pytest.raises(WouldChangeEncoderError) as refused:
        build_index([src], idx, other, parse=parse_json, progress=False)
    assert (refused.value.built_with, refused.value.configured) == (fast_encoder().name,
                                                                    "another-encoder")
    manifest = store.read_manifest(store.require_generation(idx))
    assert refused.value.clauses == sum(s.clauses for s in manifest.sources) > 0
    assert store.current_generation(idx) == live and other.texts == 0
    report = build_index([src], idx, other, parse=parse_json, progress=False, replace=True)
    assert report.written and other.texts == report.clauses  # everything embedded again
    assert store.read_manifest(store.require_generation(idx)).encoder == "another-encoder"


def test_another_tokenizer_reads_every_source_again_but_embeds_nothing(tmp_path) -> None:
    """BM25 tokens depend on the tokenizer, embedding texts do not: an index built with another
    tokenizer (an older default) is re-read, not re-embedded."""
    src, idx = tmp_path / "src", tmp_path / "idx"
    write_corpus(src, MAINT, LEASE)
    build_index([src], idx, fast_encoder(), parse=parse_json, progress=False, mode="both")
    enc = CountingEncoder()
    report = build_index([src], idx, enc, parse=parse_json, progress=False, mode="unibigram")
    assert (report.parsed, report.reused, report.embedded, enc.texts) == (2, 0, 0, 0)
    assert store.read_manifest(store.require_generation(idx)).tokenizer == "unibigram"
    again = build_index([src], idx, enc, parse=parse_json, progress=False, mode="unibigram")
    assert (again.parsed, again.reused, enc.texts) == (0, 2, 0)


def test_busy_index_refuses_a_second_build(tmp_path) -> None:
    src = tmp_path / "src"
    write_corpus(src, LEASE)
    with store.build_lock(tmp_path / "idx"), pytest.raises(IndexBusyError):
        build_index([src], tmp_path / "idx", fast_encoder(), parse=parse_json, progress=False)


def test_collect_sources_recurses_and_names_empty_folders(tmp_path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / ".git").mkdir()
    (tmp_path / "a" / "empty").mkdir()
    for name in ("a/x.pdf", "a/b/y.DOCX", "a/b/z.txt", "a/notes.md", "a/scan.png",
                 "a/b/photo.JPG", "a/skip.zip", "a/.hidden.txt", "a/.git/HEAD"):
        (tmp_path / name).write_text("x")
    files, skipped = collect_sources([tmp_path / "a", tmp_path / "a" / "x.pdf",
                                      tmp_path / "a" / "empty"])
    # every file but the hidden ones: the plan names those that are not contracts, and why
    assert sorted(os.path.relpath(f, tmp_path) for f in files) == [
        "a/b/photo.JPG", "a/b/y.DOCX", "a/b/z.txt", "a/notes.md", "a/scan.png", "a/skip.zip",
        "a/x.pdf"]
    assert skipped == [(str(tmp_path / "a" / "empty"), EMPTY_FOLDER)]


def test_clause_texts_carry_titles_and_children() -> None:
    from index_corpus import contract_from

    rows = {c.clause: (" ".join(s), e) for c, s, e in clause_rows(contract_from(MAINT))}
    search, embed = rows["4.2"]
    assert "保密" in search and "三年内继续有效" in search  # chapter title + child text
    assert embed.startswith("软件维护服务合同 保密")
    assert rows["2.1"][0].startswith("响应时间 ")


def test_stored_bm25_counts_are_the_tokens_of_the_stored_texts(tmp_path) -> None:
    from collections import Counter

    from index.store.lexical import LexicalIndex
    from index.store.tokenize import tokenize

    src, idx = tmp_path / "src", tmp_path / "idx"
    write_corpus(src, MAINT, LEASE)
    build_index([src], idx, fast_encoder(), parse=parse_json, progress=False)
    changed = json.loads(json.dumps(LEASE))
    changed["clauses"][2][3] = "租赁期限为两年，自交房之日起计算。"
    write_corpus(src, changed)  # the second build carries the maint rows over
    build_index([src], idx, fast_encoder(), parse=parse_json, progress=False)
    gen_dir = store.require_generation(idx)
    rows = store.read_clauses(gen_dir)
    titles = [" ".join(parts) for parts in title_parts([r.clause for r in rows])]
    for folder, texts in ((store.BM25_DIR, [r.search_text for r in rows]),
                          (store.TITLES_BM25_DIR, titles)):
        lexical = LexicalIndex.load(gen_dir / folder, len(rows))
        for i, text in enumerate(texts):
            terms, counts = lexical.row(i)
            stored = Counter({lexical.vocab[t]: int(c) for t, c in zip(terms, counts, strict=True)})
            assert stored == Counter(tokenize(text)), text


def test_incremental_build_writes_what_a_full_build_writes(tmp_path) -> None:
    """Carried-over rows are copied inside SQLite with their order shifted: the result is the
    same metadata, vectors and BM25 rows as a build from scratch, whatever moved where."""
    third = json.loads(json.dumps(LEASE))
    third["key"], third["title"] = "lease-b", "商铺租赁合同"
    src, idx, full = tmp_path / "src", tmp_path / "idx", tmp_path / "full"
    paths = write_corpus(src, MAINT, LEASE, third)
    build_index([src], idx, fast_encoder(), parse=parse_json, progress=False)
    changed = json.loads(json.dumps(MAINT))  # the first contract grows: the others shift
    changed["clauses"].insert(1, ["1.1a", "第一章", "服务内容", "乙方应配备两名驻场工程师。"])
    write_corpus(src, changed)
    paths[1].unlink()  # and the middle one goes
    report = build_index([src], idx, fast_encoder(), parse=parse_json, progress=False)
    assert (report.parsed, report.reused) == (1, 1)
    build_index([src], full, fast_encoder(), parse=parse_json, progress=False)

    a, b = store.require_generation(idx), store.require_generation(full)
    rows = store.read_clauses(a)
    assert rows == store.read_clauses(b)
    assert [r.order for r in rows] == list(range(len(MAINT["clauses"]) + 1 + len(LEASE["clauses"])))
    assert store.read_contracts(a) == store.read_contracts(b)
    ids = [r.id for r in rows]
    np.testing.assert_allclose(store.reconstruct(store.read_vectors(a), ids),
                               store.reconstruct(store.read_vectors(b), ids), atol=1e-5)
    from index.store.lexical import LexicalIndex

    for name in (store.BM25_DIR, store.TITLES_BM25_DIR):
        la, lb = LexicalIndex.load(a / name), LexicalIndex.load(b / name)
        for i in range(len(rows)):
            (ta, ca), (tb, cb) = la.row(i), lb.row(i)
            assert sorted(zip([la.vocab[t] for t in ta], ca.tolist(), strict=True)) == sorted(
                zip([lb.vocab[t] for t in tb], cb.tolist(), strict=True))


def test_an_index_inside_its_source_folder_is_not_a_source(tmp_path) -> None:
    write_corpus(tmp_path, MAINT)
    build_index([tmp_path], tmp_path / "idx", fast_encoder(), parse=parse_json, progress=False)
    report = build_index(None, tmp_path / "idx", fast_encoder(), parse=parse_json,
                         progress=False)
    assert (report.contracts, report.reused, report.failed) == (1, 1, ())
