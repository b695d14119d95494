"""Odd questions (empty, 5,000 characters, emoji, punctuation, HTML, Markdown, SQL, a contract
that does not exist) get a clear answer and never a crash, from the CLI and from the bot."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bot_helpers import html_errors, message
from test_bot_e2e import PRIVATE, reply_id, running_bot

from bot.cli import main
from bot.settings import SAMPLES_DIR
from index.build import build_from_sources

LONG = "乙方响应时间是多少" * 556  # 5,004 characters
SQL = "'; DROP TABLE clauses; -- SELECT * FROM contracts WHERE 1=1"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    idx = tmp_path_factory.mktemp("odd") / "idx"
    assert build_from_sources([SAMPLES_DIR], idx, "use-multilingual", progress=False).exit_code == 0
    return idx


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CONTRACTBOT_EMBED_MODEL", "use-multilingual")  # the fast test encoder
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize(("question", "reason"), [
    ("", "the question is empty"),
    ("   \n ", "the question is empty"),
    (LONG, "the question is too long (over 500 characters)"),
    ("😀🎉👍🏻", "the question has no words to search for"),
    ("？？！！。。……!?", "the question has no words to search for"),
    ("《不存在的合同》的违约金是多少", "no contract named 《不存在的合同》 is indexed"),
])
def test_cli_refuses_with_one_plain_line(index_dir: Path, question: str, reason: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", question, "--index", str(index_dir)]) == 1
    out, err = capsys.readouterr()
    assert (out, err) == ("", f"contractbot: {reason}\n")


def test_cli_unknown_contract_option(index_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "违约金是多少", "--contract", "nosuch", "--index", str(index_dir)]) == 2
    assert capsys.readouterr().err == (
        "contractbot: no contract named nosuch is indexed (--contract takes a key that "
        "`contractbot index status` lists)\n")  # a wrong argument: exit 2


@pytest.mark.parametrize("question", [
    "<b>违约金</b>是多少？<script>alert(1)</script>",
    "**违约金**是多少？ `code` [link](http://x)",
])
def test_cli_markup_in_questions_is_just_text(index_dir: Path, question: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", question, "--json", "--top-k", "1", "--index", str(index_dir)]) == 0
    hit = json.loads(capsys.readouterr().out)["results"][0]
    assert "违约金" in hit["text"]


def test_cli_sql_like_question_finds_nothing_and_harms_nothing(
    index_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ask", SQL, "--index", str(index_dir)]) == 0
    assert capsys.readouterr().out.strip() == (  # in no Chinese: an example of the index's own
        "No clause in the index answers this question. The contracts are in Chinese: ask in "
        "Chinese, for example: 付款方式是怎么规定的")  # 付款: a common topic, first
    assert main(["index", "status", "--json", "--index", str(index_dir)]) == 0
    assert json.loads(capsys.readouterr().out)["clauses"] > 50


BOT_CASES = [
    ("/ask", "请在 /ask 后写上问题"),
    (LONG[:4000] + "？", "问题太长（超过 500 字）"),
    ("😀🎉👍🏻", "问题里没有可以查找的文字"),
    ("？？！！。。", "问题里没有可以查找的文字"),
    ("《不存在的合同》的违约金是多少", "没有收录名为《不存在的合同》的合同"),
    ("《不存在的合約》的違約金是多少", "沒有收錄名為《不存在的合約》的合同"),
    (SQL, "没有找到与问题相关的条款"),
    ("<b>乙方响应时间</b>是多少<script>", "› 7.2</b>"),
    ("**乙方响应时间**是多少 _x_", "› 7.2</b>"),
]


async def test_bot_answers_each_odd_question_once_and_clearly(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as api:
        for n, (text, _) in enumerate(BOT_CASES, 1):  # one asker each: scripts are per user
            api.push("message", message(PRIVATE, text, message_id=n, user_id=1000 + n))
        await api.settled()  # every answer whole, also those in parts
        sent = api.sent("sendMessage")
        asked = set(range(1, len(BOT_CASES) + 1))
        errors = [c for c in api.calls if c[0] == "sendMessage" and "出错" in c[1]["text"]]
    by_reply: dict[int, list[str]] = {}  # an answer too long for one message comes in parts
    for s in sent:
        by_reply.setdefault(reply_id(s), []).append(s["text"])
    assert set(by_reply) == asked and not errors
    for n, (text, expected) in enumerate(BOT_CASES, 1):
        assert expected in by_reply[n][0], (text[:30], by_reply[n])  # the best hit comes first
        assert all(html_errors(part) == [] for part in by_reply[n])
