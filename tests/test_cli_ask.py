"""The ask / index status commands over a tiny index, and ask --batch order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from index_corpus import LEASE, MAINT, build_tiny_index

from bot.cli import main

NOTHING = "No clause in the index answers this question."


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    return build_tiny_index(tmp_path_factory.mktemp("cli"))


@pytest.fixture(autouse=True)
def _env(monkeypatch, tmp_path):
    monkeypatch.setenv("CONTRACTBOT_EMBED_MODEL", "use-multilingual")  # the fast test encoder
    monkeypatch.setenv("CONTRACTBOT_INDEX_DIR", str(tmp_path / "default-index"))
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_ask_json_shape(index_dir, capsys) -> None:
    assert main(["ask", "乙方响应时间是多少", "--json", "--top-k", "2", "--index",
                 str(index_dir)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["question"] == "乙方响应时间是多少"
    assert len(out["results"]) == 2
    first = out["results"][0]
    assert (first["contract"], first["clause"], first["chapter"], first["chapter_title"]) == (
        "maint", "2.1", "第二章", "响应时间")
    assert first["title"] == "软件维护服务合同" and first["text"].startswith("乙方应在")
    assert isinstance(first["score"], float) and first["page"] is None
    assert out["relevant"] is True


def test_ask_json_says_whether_the_hits_answer(index_dir, tmp_path, capsys) -> None:
    """Off-topic hits are still listed (scripts read them), with relevant false; text mode
    says no clause answers. A batch line says the same."""
    assert main(["ask", "今天天气怎么样", "--json", "--index", str(index_dir)]) == 0
    off = json.loads(capsys.readouterr().out)
    assert off["question"] == "今天天气怎么样" and off["results"] and off["relevant"] is False
    assert main(["ask", "今天天气怎么样", "--index", str(index_dir)]) == 0
    assert capsys.readouterr().out.strip() == "No clause in the index answers this question."
    batch = tmp_path / "q.jsonl"
    batch.write_text('{"q": "乙方响应时间是多少"}\n{"q": "今天天气怎么样"}\n', "utf-8")
    assert main(["ask", "--batch", str(batch), "--json", "--index", str(index_dir)]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [x["relevant"] for x in lines] == [True, False] and all(x["results"] for x in lines)


def test_ask_closest_prints_the_nearest_clauses_under_a_warning(index_dir, tmp_path,
                                                                 capsys) -> None:
    """--closest: an off-topic question gets the 'no clause' line, a line saying the clauses
    below are only the closest, then them; a relevant answer is as without it (and batch
    lines too)."""
    assert main(["ask", "今天天气怎么样", "--closest", "--top-k", "2", "--index",
                 str(index_dir)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:3] == ["No clause in the index answers this question.",
                         "None of these clauses seemed to answer the question; they are the "
                         "closest:", ""]
    assert sum(line.startswith("《") for line in lines) == 2
    assert main(["ask", "押金退不退", "--top-k", "1", "--index", str(index_dir)]) == 0
    plain = capsys.readouterr().out
    assert main(["ask", "押金退不退", "--top-k", "1", "--closest", "--index",
                 str(index_dir)]) == 0
    assert capsys.readouterr().out == plain
    batch = tmp_path / "q.jsonl"
    batch.write_text('{"q": "今天天气怎么样"}\n', "utf-8")
    assert main(["ask", "--batch", str(batch), "--closest", "--index", str(index_dir)]) == 0
    assert "they are the closest" in capsys.readouterr().out



def test_ask_closest_of_a_missing_clause_says_so_once(index_dir, capsys) -> None:
    """A question citing a clause no contract has, and about nothing they hold: the English
    line names the missing clause, and the closest clauses follow without a Chinese line
    saying 第九十九条 was not found and these are the most relevant (they are not)."""
    assert main(["ask", "第九十九条 明天的天气怎么样", "--closest", "--top-k", "2", "--index",
                 str(index_dir)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:4] == ["No clause 第九十九条 in scope. No clause in the index answers this "
                         "question.", "None of these clauses seemed to answer the question; "
                         "they are the closest:", "", lines[3]]
    assert lines[3].startswith("《") and sum(line.startswith("《") for line in lines) == 2


def test_ask_names_a_missing_chapter_or_annex_as_such(index_dir, capsys) -> None:
    """A chapter or annex no contract has (stop 33 cites them) is named as a chapter or an
    annex, not as a clause: it was 'No clause 第九十章 in scope.'."""
    assert main(["ask", "第九十章讲什么", "--index", str(index_dir)]) == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        "No chapter 第九十章 in scope. No clause in the index answers this question.")
    assert main(["ask", "第99条和附件九十讲什么", "--index", str(index_dir)]) == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        "No clause 第99条, annex 附件九十 in scope. No clause in the index answers this question.")
    assert main(["ask", "第五部分讲什么", "--index", str(index_dir)]) == 0  # a part, 第X部分
    assert capsys.readouterr().out.splitlines()[0] == (
        "No part 第五部分 in scope. No clause in the index answers this question.")


def test_ask_closest_of_an_empty_index_prints_no_closest_line(tmp_path, capsys) -> None:
    """An index emptied on purpose (--replace) has no clause to show: --closest prints no
    heading over nothing, and (stop 33) the one line is that the index holds no contracts,
    exit 1, as for no index: it was 'No clause in the index answers this question.', exit 0."""
    from index_corpus import fast_encoder, parse_json, write_corpus

    from index.build import build_index

    src, empty, idx = tmp_path / "src", tmp_path / "empty", tmp_path / "idx"
    write_corpus(src, LEASE)
    empty.mkdir()
    build_index([src], idx, fast_encoder(), parse=parse_json, progress=False)
    build_index([empty], idx, fast_encoder(), parse=parse_json, progress=False, replace=True)
    assert main(["ask", "押金是多少", "--closest", "--index", str(idx)]) == 1
    out = capsys.readouterr()
    assert out.out == ""
    assert out.err == (f"contractbot: the index at {idx} holds no contracts; build it from your "
                       f"contracts: contractbot index build SOURCES... --index {idx}\n")

def test_ask_readable(index_dir, capsys) -> None:
    assert main(["ask", "押金退不退", "--top-k", "1", "--index", str(index_dir)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "《房屋租赁合同》 第二条"
    assert "押金为两个月租金" in out


def test_ask_contract_option_and_unknown_contract(index_dir, capsys) -> None:
    assert main(["ask", "违约金", "--contract", "maint", "--json", "--index",
                 str(index_dir)]) == 0
    assert {r["contract"] for r in json.loads(capsys.readouterr().out)["results"]} == {"maint"}
    assert main(["ask", "违约金", "--contract", "nope", "--index", str(index_dir)]) == 2
    assert "no contract named nope" in capsys.readouterr().err  # a wrong argument


def test_ask_unknown_contract_names_the_closest_keys(index_dir, capsys) -> None:
    """A typo in --contract (mant), or the title said with a wrong character (房屋租凭合同),
    is refused with the keys it is most like, to copy; a name like none, with none."""
    for name, closest in (("mant", "maint"), ("房屋租凭合同", "lease"), ("维护服务", "maint")):
        assert main(["ask", "违约金", "--contract", name, "--index", str(index_dir)]) == 2
        assert capsys.readouterr().err == (
            f"contractbot: no contract named {name} is indexed (--contract takes a key that "
            f"`contractbot index status` lists); the closest: {closest}\n"), name
    assert main(["ask", "违约金", "--contract", "采购", "--index", str(index_dir)]) == 2
    assert "closest" not in capsys.readouterr().err


def test_batch_keeps_input_order(index_dir, tmp_path, capsys) -> None:
    questions = [("押金退不退", None), ("乙方响应时间是多少", "maint"), ("能转租吗", "lease"),
                 ("怎么起诉", None)]
    batch = tmp_path / "q.jsonl"
    batch.write_text("\n".join(json.dumps({"q": q, "contract": c}, ensure_ascii=False)
                               for q, c in questions) + "\n", "utf-8")
    assert main(["ask", "--batch", str(batch), "--json", "--top-k", "1", "--index",
                 str(index_dir)]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [x["question"] for x in lines] == [q for q, _ in questions]
    assert [x["results"][0]["clause"] for x in lines] == ["第二条", "2.1", "第四条", "5.1"]


def test_batch_gives_one_output_line_per_input_line(index_dir, tmp_path, capsys) -> None:
    """A line that is not a {"q": ...} object still gets its line (an error, also on stderr),
    so output lines keep matching input lines; without --json, one block per line."""
    batch = tmp_path / "q.jsonl"
    batch.write_text('{"q": "押金退不退"}\nnot json\n{"question": 1}\n["q"]\n{"q": 1}\n'
                     '{"q": "押金", "contract": 5}\n{"q": "😀"}\n\n{"q": "能转租吗"}\n', "utf-8")
    assert main(["ask", "--batch", str(batch), "--json", "--top-k", "1", "--index",
                 str(index_dir)]) == 1
    captured = capsys.readouterr()
    lines = [json.loads(x) for x in captured.out.splitlines()]
    assert [x["question"] for x in lines] == ["押金退不退", None, None, None, None, None, "😀",
                                              "能转租吗"]
    assert [bool(x["results"]) for x in lines] == [True] + [False] * 6 + [True]
    errors = [x.get("error") for x in lines]
    assert errors[1:6] == [f'line {n}: not a {{"q": ...}} line' for n in range(2, 7)]
    assert errors[0] is None and errors[7] is None and errors[6]
    assert all(x["relevant"] is False for x in lines[1:7])
    assert captured.err.splitlines() == [f"contractbot: {batch}:{n}: not a {{\"q\": ...}} line"
                                         for n in range(2, 7)]
    assert main(["ask", "--batch", str(batch), "--top-k", "1", "--index", str(index_dir)]) == 1
    blocks = capsys.readouterr().out.split("\n\n")
    assert [b.split("\n")[0] for b in blocks if b.strip()] == [
        "Q: 押金退不退", "Q: not json", 'Q: {"question": 1}', 'Q: ["q"]', 'Q: {"q": 1}',
        'Q: {"q": "押金", "contract": 5}', "Q: 😀", "Q: 能转租吗"]
    emoji = next(b for b in blocks if b.startswith("Q: 😀"))
    assert "{" not in emoji  # an unsearchable question is English text here, not JSON


def test_status_json(index_dir, capsys) -> None:
    assert main(["index", "status", "--json", "--index", str(index_dir)]) == 0
    status = json.loads(capsys.readouterr().out)
    assert (status["contracts"], status["clauses"], status["encoder"]) == (
        2, len(MAINT["clauses"]) + len(LEASE["clauses"]), "use-multilingual")
    assert status["failed"] == [] and status["built_at"] and status["missing"] == []


def test_status_names_the_missing_parts_of_a_damaged_index(index_dir, tmp_path,
                                                          capsys) -> None:
    """A monitoring script sees a damaged index in `index status` (exit 1, one line), as it
    sees a missing one, without the index being loaded."""
    import shutil

    from index import store

    index_dir = Path(shutil.copytree(index_dir, tmp_path / "copy"))  # the module's stays whole
    gen = store.require_generation(index_dir)
    (gen / store.VECTORS).unlink()
    shutil.rmtree(gen / store.TITLES_BM25_DIR)
    assert main(["index", "status", "--json", "--index", str(index_dir)]) == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out)["missing"] == ["vectors.faiss", "bm25-titles"]
    assert captured.err == (f"contractbot: the index generation {gen.name} is damaged "
                            "(vectors.faiss, bm25-titles missing); rebuild it: contractbot "
                            f"index build --index {index_dir}\n")
    assert main(["index", "status", "--index", str(index_dir)]) == 1
    captured = capsys.readouterr()
    assert "contracts: 2" in captured.out and "is damaged (vectors.faiss" in captured.err


def test_status_names_a_corrupt_part_of_the_index(index_dir, tmp_path, capsys) -> None:
    """clauses.sqlite present but corrupt (or cut short), vectors.faiss cut short: `ask` fails
    on them (exit 1) and `index status` said all was well (exit 0); a monitoring script relies
    on status, so it names the part and why, exit 1, as for a part that is missing."""
    import shutil

    from index import store

    copy = Path(shutil.copytree(index_dir, tmp_path / "copy"))
    gen = store.require_generation(copy)
    assert main(["index", "status", "--json", "--index", str(copy)]) == 0  # whole
    assert json.loads(capsys.readouterr().out)["damaged"] == []
    (gen / store.CLAUSES_DB).write_bytes(b"garbage " * 512)
    assert main(["index", "status", "--json", "--index", str(copy)]) == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out)["damaged"] == [
        {"part": "clauses.sqlite", "reason": "file is not a database"}]
    assert captured.err == (f"contractbot: the index generation {gen.name} is damaged "
                            "(clauses.sqlite cannot be read: file is not a database); rebuild "
                            f"it: contractbot index build --index {copy}\n")
    assert main(["ask", "押金", "--index", str(copy)]) == 1  # as ask finds it
    capsys.readouterr()
    shutil.copy(store.require_generation(index_dir) / store.CLAUSES_DB, gen / store.CLAUSES_DB)
    vectors = (gen / store.VECTORS).read_bytes()
    (gen / store.VECTORS).write_bytes(vectors[:len(vectors) // 2])
    assert main(["index", "status", "--index", str(copy)]) == 1
    captured = capsys.readouterr()
    assert "contracts: 2" in captured.out
    assert "is damaged (vectors.faiss cannot be read: " in captured.err
    assert len(captured.err.splitlines()) == 1 and "/project/faiss" not in captured.err


def test_status_json_of_a_garbled_manifest_names_it(index_dir, tmp_path, capsys) -> None:
    """The live generation's manifest overwritten: status cannot describe the index, and still
    prints an object naming the part (the pointer's own damage: test_cli_traps.py)."""
    import shutil

    from index import store

    copy = Path(shutil.copytree(index_dir, tmp_path / "copy"))
    (store.require_generation(copy) / store.MANIFEST).write_text("[1, 2]", "utf-8")
    assert main(["index", "status", "--json", "--index", str(copy)]) == 1
    captured = capsys.readouterr()
    status = json.loads(captured.out)
    assert (status["exists"], status["contracts"]) == (True, 0)
    assert [d["part"] for d in status["damaged"]] == ["manifest.json"]
    assert "manifest.json is not a JSON object" in status["damaged"][0]["reason"]
    assert captured.err.startswith("contractbot: ") and len(captured.err.splitlines()) == 1


def test_status_without_json_of_no_index_or_a_garbled_one_is_one_line(index_dir, tmp_path,
                                                                      capsys) -> None:
    """Only --json prints an object for an index status cannot describe: without it, the
    operator gets the one stderr line and nothing on stdout (exit 1)."""
    import shutil

    from index import store

    assert main(["index", "status", "--index", str(tmp_path / "none")]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == (
        f"contractbot: no index at {tmp_path / 'none'}; build one with: contractbot index "
        f"build SOURCES... --index {tmp_path / 'none'}\n")
    copy = Path(shutil.copytree(index_dir, tmp_path / "copy"))
    (store.require_generation(copy) / store.MANIFEST).write_text("[1, 2]", "utf-8")
    assert main(["index", "status", "--index", str(copy)]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and len(captured.err.splitlines()) == 1
    assert "manifest.json is not a JSON object" in captured.err


def test_encoder_mismatch_is_one_line(index_dir, monkeypatch, capsys) -> None:
    from index.store import encoders

    monkeypatch.setitem(encoders.ENCODERS, "other-model", encoders.UseEncoder)  # a known one
    monkeypatch.setenv("CONTRACTBOT_EMBED_MODEL", "other-model")
    assert main(["ask", "押金", "--index", str(index_dir)]) == 1
    err = capsys.readouterr().err
    assert "rebuild" in err and "contractbot index build" in err and "Traceback" not in err


def test_missing_index_status(tmp_path, capsys) -> None:
    assert main(["index", "status", "--index", str(tmp_path / "none")]) == 1
    assert "no index" in capsys.readouterr().err


# ----------------------------------------------------------------------------- index build


def test_index_build_exit_codes_and_failures(shared, tmp_path, capsys) -> None:
    idx = tmp_path / "idx"
    bad = tmp_path / "old.doc"
    bad.write_bytes(b"\xd0\xcf\x11\xe0 legacy word file")
    good = shared / "contracts" / "cs-upgrade.txt"
    assert main(["index", "build", str(good), "--index", str(idx)]) == 0
    assert "indexed 1 contract, " in capsys.readouterr().out
    assert main(["index", "build", str(good), str(bad), "--index", str(idx)]) == 3
    err = capsys.readouterr().err
    assert err.startswith("old.doc: ")
    assert main(["index", "status", "--json", "--index", str(idx)]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["contracts"] == 1 and status["failed"][0]["source"].endswith("old.doc")
    assert main(["index", "build", str(bad), "--index", str(tmp_path / "idx2")]) == 4


def test_the_build_summary_says_one_in_the_singular() -> None:
    from index import BuildReport

    one = BuildReport(Path("idx"), "g1", contracts=1, clauses=1, parsed=1, embedded=1, cached=1)
    assert one.summary() == ("indexed 1 contract, 1 clause (1 parsed, 0 reused, 1 text "
                             "embedded, 1 from the cache of an unfinished build); 0 failed; "
                             "generation g1")
    two = BuildReport(Path("idx"), "g2", contracts=2, clauses=5, parsed=2, embedded=5)
    assert two.summary() == ("indexed 2 contracts, 5 clauses (2 parsed, 0 reused, 5 texts "
                             "embedded); 0 failed; generation g2")
    for failed, word in ((1, "source"), (2, "sources")):
        nothing = BuildReport(Path("idx"), "", 0, 0, failed=(("a.doc", "legacy"),) * failed)
        assert nothing.summary() == (f"nothing could be indexed ({failed} {word} skipped); no "
                                     "index was written")


def test_ask_builds_from_samples_when_there_is_no_index(samples, tmp_path, monkeypatch,
                                                       capsys) -> None:
    monkeypatch.delenv("CONTRACTBOT_INDEX_DIR")  # the default place: under XDG_DATA_HOME
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert any(samples.iterdir()), "samples/ holds the project's sample contracts"
    assert main(["ask", "乙方响应时间是多少", "--json", "--top-k", "1"]) == 0
    captured = capsys.readouterr()
    assert "building one from" in captured.err and str(samples) in captured.err
    assert json.loads(captured.out)["results"], "the samples answer the quick-start question"
    assert (tmp_path / "xdg" / "contractbot" / "index" / "CURRENT").is_file()


def test_ask_puts_no_samples_in_the_index_folder_of_the_settings(tmp_path, capsys) -> None:
    """CONTRACTBOT_INDEX_DIR names the operator's index (docs/deploy.md creates it empty):
    an `ask` before the first build is 'no index', not the samples indexed there, which the
    real build then refused to drop (exit 5) and the bot served to its chats."""
    configured = tmp_path / "default-index"  # CONTRACTBOT_INDEX_DIR (the autouse fixture)
    configured.mkdir(mode=0o700)
    for command in (["ask", "乙方响应时间是多少"], ["compare", "违约金"]):
        assert main(command) == 1
        err = capsys.readouterr().err
        assert err.strip() == (f"contractbot: no index at {configured}; build one with: "
                               "contractbot index build SOURCES...")
    assert list(configured.iterdir()) == []


def test_ask_puts_no_samples_in_the_default_folder_a_bot_serves(tmp_path, monkeypatch,
                                                              capsys) -> None:
    """`contractbot serve` now starts with no index, at the default place too, and writes its
    question log and chat settings there while it waits for the first upload. An `ask` at the
    default place then built the samples into that folder, and the bot served them to its
    chats. The samples are built only into a folder that holds nothing yet."""
    monkeypatch.delenv("CONTRACTBOT_INDEX_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    served = tmp_path / "xdg" / "contractbot" / "index"
    served.mkdir(parents=True)
    (served / "feedback.sqlite").write_bytes(b"")  # what a bot waiting for a contract writes
    assert main(["ask", "乙方响应时间是多少"]) == 1
    assert capsys.readouterr().err.strip() == (
        f"contractbot: no index at {served}; build one with: contractbot index build "
        "SOURCES...")
    assert sorted(p.name for p in served.iterdir()) == ["feedback.sqlite"]


def test_a_question_in_english_is_shown_an_example_of_the_indexs_own_contracts(
        index_dir, tmp_path, capsys) -> None:
    """A question in no Chinese finds nothing: the line says to ask in Chinese, with a
    question of the index's own contracts (the bot's picker), of the --contract asked when
    one is; a question in Chinese that finds nothing, and the JSON, are as before."""
    hint = "The contracts are in Chinese: ask in Chinese, for example: "
    assert main(["ask", "what is the deposit", "--index", str(index_dir)]) == 0
    assert capsys.readouterr().out.strip() == f"{NOTHING} {hint}保密期限是怎么规定的"
    assert main(["ask", "what is the deposit", "--contract", "lease", "--index",
                 str(index_dir)]) == 0
    assert capsys.readouterr().out.strip() == f"{NOTHING} {hint}第一条是怎么规定的"
    assert main(["ask", "what is the deposit", "--closest", "--index", str(index_dir)]) == 0
    assert capsys.readouterr().out.startswith(f"{NOTHING} {hint}保密期限是怎么规定的\n")
    batch = tmp_path / "q.jsonl"
    batch.write_text('{"q": "what is the deposit"}\n{"q": "今天天气怎么样"}\n', "utf-8")
    assert main(["ask", "--batch", str(batch), "--index", str(index_dir)]) == 0
    assert capsys.readouterr().out.split("\n\n")[:2] == [
        f"Q: what is the deposit\n{NOTHING} {hint}保密期限是怎么规定的",
        f"Q: 今天天气怎么样\n{NOTHING}"]
    assert main(["ask", "what is the deposit", "--json", "--index", str(index_dir)]) == 0
    assert hint not in capsys.readouterr().out
