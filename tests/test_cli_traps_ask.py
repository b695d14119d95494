"""The traps of `ask`, `parse` and `--help`, each run through the real command line: each ends
in one clear English line (no traceback) and leaves the live index as it was. (The traps of
`index build` are in test_cli_traps.py.)"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

from cli_traps import CLI, Cli, env, last_line, run
from conftest import ROOT


def test_top_k_below_one_is_refused(idx: Path, tmp_path: Path, cli_here: Cli) -> None:
    for bad in ("0", "-3", "many"):
        proc = cli_here("ask", "押金是多少", "--top-k", bad, "--index", str(idx))
        assert proc.returncode == 2 and proc.stdout == ""
        line = last_line(proc, "contractbot ask: argument --top-k: ")
        assert len(proc.stderr.splitlines()) == 1 and "--help" in line


def test_a_collection_that_is_not_indexed_is_a_wrong_argument(idx: Path,
                                                               tmp_path: Path,
                                                               cli_here: Cli) -> None:
    """`--collection b2` (a typo) searched nothing and said `No clause in the index answers
    this question.`, exit 0, as if the contracts had no answer."""
    for command in ("ask", "compare"):
        proc = cli_here(command, "押金是多少", "--collection", "default", "--collection",
                        "b2", "--index", str(idx))
        assert proc.returncode == 2 and proc.stdout == ""
        assert last_line(proc) == ("contractbot: --collection b2: no contract of that "
                                   "collection is indexed (collections: default)")
    assert cli_here("ask", "押金是多少", "--collection", "default", "--index",
                    str(idx)).returncode == 0


def test_ask_batch_into_head_ends_quietly(idx: Path, tmp_path: Path) -> None:
    batch = tmp_path / "q.jsonl"
    batch.write_text("".join(json.dumps({"q": f"第{i}条押金是多少"}, ensure_ascii=False) + "\n"
                             for i in range(300)), "utf-8")
    proc = subprocess.Popen([*CLI, "ask", "--batch", str(batch), "--json", "--index", str(idx)],
                            cwd=tmp_path, env=env(tmp_path), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    assert json.loads(proc.stdout.readline())["question"] == "第0条押金是多少"
    proc.stdout.close()  # what `| head -1` does
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141
    assert err == ""


def test_ask_batch_file_missing_is_one_line(idx: Path, tmp_path: Path, cli_here: Cli) -> None:
    proc = cli_here("ask", "--batch", "nope.jsonl", "--index", str(idx))
    assert proc.returncode == 2
    assert last_line(proc) == "contractbot: no such file: nope.jsonl"


def test_help_describes_every_option_and_its_default(tmp_path: Path) -> None:
    from bot.arguments import build_parser

    for command, sub in _commands(build_parser(), ()):
        proc = run(tmp_path, *command, "--help")
        assert proc.returncode == 0 and proc.stderr == ""
        for action in sub._actions:
            if not action.option_strings or action.dest == "help":
                continue
            assert action.help and "default" in action.help, (command, action.option_strings)
            assert action.option_strings[-1] in proc.stdout, (command, action.option_strings)
    ask = run(tmp_path, "ask", "--help").stdout
    assert "--top-k N" in ask and "(default: 5)" in ask and "--contract KEY" in ask


def test_help_lists_every_exit_status_of_the_readme(tmp_path: Path) -> None:
    """`contractbot --help` names each exit status README's table gives, and no other."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")
    table = readme.split("| exit status | meaning |", 1)[1].split("\n\n", 1)[0]
    codes = re.findall(r"^\| (\d+) \|", table, flags=re.M)
    assert {"0", "2", "5", "130", "141", "143"} <= set(codes)
    epilog = " ".join(run(tmp_path, "--help").stdout.split("Exit status:", 1)[1].split())
    assert re.findall(r"(?:^|, )(\d+) ", epilog.split(". Settings")[0]) == codes


def _commands(parser: argparse.ArgumentParser, words: tuple[str, ...]
              ) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every command (``index build`` ...) with its parser, whatever commands there are."""
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield words, parser
    for action in subs:
        for name, sub in action.choices.items():
            yield from _commands(sub, (*words, name))


def test_parse_a_folder_parses_each_file(lib: Path, shared: Path, tmp_path: Path,
                                         cli_here: Cli) -> None:
    proc = cli_here("parse", str(lib / "a"))
    assert proc.returncode == 0 and proc.stderr == ""
    titles = [line for line in proc.stdout.splitlines() if line.startswith("《")]
    assert titles == ["《智能客服软件维护协议》 (cs-maintenance, 77 clauses)",
                      "《在线客服系统升级服务合同》 (cs-upgrade, 42 clauses)"]
    folder = tmp_path / "mixed"
    folder.mkdir()
    shutil.copy(shared / "contracts-real" / "SOURCES.md", folder)
    shutil.copy(shared / "contracts" / "cs-upgrade.txt", folder)
    mixed = cli_here("parse", str(folder), "--json")
    assert mixed.returncode == 3
    assert [json.loads(x)["contract"] for x in mixed.stdout.splitlines()] == ["cs-upgrade"]
    assert mixed.stderr == "SOURCES.md: does not look like a contract\n"


def test_a_setting_that_cannot_be_used_is_one_line(idx: Path, tmp_path: Path,
                                                   cli_here: Cli) -> None:
    proc = cli_here("index", "status", "--index", str(idx),
                    CONTRACTBOT_ALLOWED_CHATS="12345,abc")
    assert proc.returncode == 2
    assert last_line(proc).startswith("contractbot: CONTRACTBOT_ALLOWED_CHATS: 'abc' is not")


def test_an_index_path_that_is_a_file_is_a_wrong_argument(lib: Path, tmp_path: Path,
                                                          cli_here: Cli) -> None:
    """--index (or CONTRACTBOT_INDEX_DIR) naming a file: exit 2 with what is wrong, for every
    command; it was "File exists" (exit 1), or "no index …; build one", which would fail too."""
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    for args in (("index", "build", str(lib / "a")), ("index", "status"), ("ask", "押金")):
        proc = cli_here(*args, "--index", str(not_a_folder))
        assert proc.returncode == 2 and len(proc.stderr.splitlines()) == 1, (args, proc.stderr)
        assert last_line(proc) == (f"contractbot: --index {not_a_folder} is a file, not a "
                                   "folder: give the index's folder")
    proc = cli_here("index", "status", CONTRACTBOT_INDEX_DIR=str(not_a_folder))
    assert proc.returncode == 2 and "CONTRACTBOT_INDEX_DIR" in last_line(proc)
    script = run(tmp_path, str(lib / "a"), "--index", str(not_a_folder),
                 cmd=[str(ROOT / "scripts" / "rebuild_index.py")])
    assert script.returncode == 2 and "is a file, not a folder" in last_line(script,
                                                                              "rebuild_index:")
    assert not_a_folder.read_text() == "x"


def test_the_default_path_never_imports_torch(lib: Path, tmp_path: Path) -> None:
    """The default install has no torch: building and asking must not even try to import it."""
    poison = tmp_path / "poison"
    marker = tmp_path / "imported"
    for name in ("torch", "sentence_transformers"):
        (poison / name).mkdir(parents=True)
        (poison / name / "__init__.py").write_text(
            f"open({str(marker)!r}, 'a').write({name!r})\nraise ImportError('default path')\n")
    path = os.pathsep.join([str(poison), os.environ.get("PYTHONPATH", "")])
    idx = tmp_path / "idx"
    build = run(tmp_path, "index", "build", str(lib / "a"), "--index", str(idx), PYTHONPATH=path)
    assert build.returncode == 0, build.stderr
    ask = run(tmp_path, "ask", "乙方响应时间是多少", "--index", str(idx), PYTHONPATH=path)
    assert ask.returncode == 0 and "7.2" in ask.stdout, ask.stderr
    assert not marker.exists(), marker.read_text()
