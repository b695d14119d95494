"""``contractbot parse FILE [--json]`` end to end, in-process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main


def test_parse_json_shape(shared: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = shared / "contracts" / "cs-upgrade.txt"
    assert main(["parse", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert list(out) == ["contract", "title", "parties", "clauses"]
    assert out["contract"] == "cs-upgrade"
    assert out["title"] == "在线客服系统升级服务合同"
    assert out["parties"] == {"甲方": "服务需求方", "乙方": "服务提供方"}
    clauses = out["clauses"]
    assert all(list(c) == ["clause", "chapter", "chapter_title", "text", "page", "title"]
               for c in clauses)
    ids = [c["clause"] for c in clauses]
    # document order, headings and leaves alike
    assert ids.index("2.1") < ids.index("2.1.1") < ids.index("2.2") < ids.index("7.2")
    c72 = clauses[ids.index("7.2")]
    assert (c72["chapter"], c72["chapter_title"], c72["page"]) == ("第七章", "质量保证", None)
    assert c72["title"] is None  # a clause without a heading title of its own


def test_parse_json_gives_a_clauses_heading_title(shared: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", str(shared / "contracts" / "cs-maintenance.txt"), "--json"]) == 0
    clauses = {c["clause"]: c for c in json.loads(capsys.readouterr().out)["clauses"]}
    assert clauses["2.3"]["title"] == "维护响应时间"


def test_parse_tree_text(shared: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = shared / "contracts" / "cs-maintenance.txt"
    assert main(["parse", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("《智能客服软件维护协议》")
    assert "甲方: 维护方" in out[1] and "乙方: 用户方" in out[1]
    assert "第二章 软件维护内容" in out
    assert any(line.strip() == "2.3 维护响应时间" for line in out)
    assert any(line.strip().startswith("2.3.1 甲方应在收到乙方故障报告后") for line in out)


def test_parse_missing_file_is_one_plain_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["parse", str(tmp_path / "nope.pdf")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nope.pdf" in err and "Traceback" not in err


def test_parse_a_file_that_cannot_be_read_exits_4_as_the_readme_says(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """"4: nothing could be indexed (or parsed)", for a file as for a folder (it exited 1)."""
    photo = tmp_path / "photo.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    assert main(["parse", str(photo)]) == 4
    assert capsys.readouterr().err == "photo.png: not a readable image\n"


def test_parse_an_empty_folder_says_it_holds_no_contract_files_and_which_it_reads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """parse does not index: an empty folder (or one of hidden files only) is not "nothing to
    index" but no contract files, with the suffixes parse reads; exit 4 as README says."""
    (tmp_path / "empty").mkdir()
    (tmp_path / "hidden").mkdir()
    (tmp_path / "hidden" / ".DS_Store").write_bytes(b"\x00")
    for folder in ("empty", "hidden"):
        assert main(["parse", str(tmp_path / folder)]) == 4
        err = capsys.readouterr().err
        assert err == (f"contractbot: no contract files in {tmp_path / folder} (parse reads "
                       ".docx, .pdf, .markdown, .md, .text, .txt, .bmp, .gif, .jpeg, .jpg, "
                       ".png, .tif, .tiff, .webp)\n")
        assert "index" not in err


def test_the_default_index_of_a_command_run_in_the_tests_is_the_tests_own(
        tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """``parse`` without an index keeps what OCR read in the default index's cache: in the
    tests that is under their own XDG_DATA_HOME (conftest's ``data_home``), never the user's
    ~/.local/share, where a later run read what an earlier one's OCR had read."""
    from bot.settings import Settings

    monkeypatch.delenv("CONTRACTBOT_INDEX_DIR", raising=False)
    index_dir = Settings.from_env(dotenv=False).index_dir
    assert tmp_path_factory.getbasetemp() in index_dir.parents, index_dir
