"""End to end: 👍/👎 votes and unanswered questions in the question log, /feedback and
``contractbot feedback``, the log switched off, old rows deleted; /compare in the bot."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

from bot_helpers import html_errors, message
from index_corpus import LEASE, MAINT, build_tiny_index
from team_bot import ADMIN, buttons, callback, sent_message, team_bot
from test_bot_teams import SUPPLY

from bot.cli import main
from bot.comparing import render_comparison
from bot.feedback import LOG_FILE, QuestionLog, format_summary
from bot.render import LIMIT
from index import Clause, Comparison, ComparisonRow, Hit

CHAT = 600
CLOSEST = "仍然显示最接近的条款"  # a refusal's one button: no vote on it


async def test_votes_and_unanswered_questions_are_logged_without_names(
        tmp_path: Path, capsys) -> None:
    async with team_bot(tmp_path, {"": [MAINT, LEASE]},
                        allowed_chats=frozenset({CHAT})) as (api, _):
        api.push("message", message(CHAT, "押金是多少", message_id=1))
        [first] = await api.wait_for("sendMessage", 1)
        shown = sent_message(api, first)
        down = next(b for b in buttons(shown) if b["text"] == "👎")
        api.push("callback_query", callback(CHAT, shown, down["callback_data"], query_id="v1"))
        [thanks] = await api.wait_for("answerCallbackQuery", 1)
        assert thanks["text"] == "已记录，谢谢反馈。"
        api.push("message", message(CHAT, "明天的天气怎么样", message_id=2))
        api.push("message", message(CHAT, "明天的天气怎么样", message_id=3))
        api.push("message", message(CHAT, "《厂房买卖合同》的押金是多少", message_id=31))
        sent = await api.wait_for("sendMessage", 4)
        offers = sorted([b["text"] for b in buttons(sent_message(api, s))] for s in sent[1:])
        assert offers == [[], [CLOSEST], [CLOSEST]]  # nothing to vote on
        api.push("callback_query", callback(CHAT, shown, "vote:ffffffff:up", query_id="v2"))
        expired = (await api.wait_for("answerCallbackQuery", 2))[-1]
        assert expired["text"] == "这条回答已过期，无法记录反馈。"
        api.push("message", message(CHAT, "/feedback", message_id=4))
        refused = (await api.wait_for("sendMessage", 5))[-1]
        assert "只有管理员" in refused["text"]
        api.push("message", message(ADMIN, "/feedback", message_id=5))
        report = (await api.wait_for("sendMessage", 6))[-1]["text"]
    assert "👎 1" in report and "未答 3" in report and "《厂房买卖合同》的押金是多少" in report
    assert "1× 押金是多少" in report and "2× 明天的天气怎么样" in report
    db = sqlite3.connect(tmp_path / "index" / LOG_FILE)
    columns = [r[1] for r in db.execute("PRAGMA table_info(entries)")]
    rows = db.execute("SELECT chat_id, question, clauses, kind FROM entries ORDER BY id").fetchall()
    assert columns == ["id", "answer", "at", "chat_id", "question", "clauses", "kind"]
    assert rows[0][0] == CHAT and rows[0][1] == "押金是多少" and rows[0][3] == "down"
    assert "lease 第二条" in json.loads(rows[0][2])
    assert sorted(r[3] for r in rows[1:]) == ["unanswered"] * 3
    assert oct((tmp_path / "index" / LOG_FILE).stat().st_mode & 0o777) == "0o600"
    assert main(["feedback", "--json", "--index", str(tmp_path / "index")]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["counts"] == {"up": 0, "down": 1, "unanswered": 3} and out["days"] == 90
    assert out["down"][0]["question"] == "押金是多少" and out["down"][0]["count"] == 1
    weather = next(e for e in out["unanswered"] if e["question"] == "明天的天气怎么样")
    assert weather["count"] == 2 and weather["chats"] == 1


async def test_each_members_vote_in_a_group_counts_once(tmp_path: Path) -> None:
    """Two members vote 👎 on one answer in a group, then the first changes their mind: one
    👍 and one 👎. A second member's vote replaced the first's; a member's change replaces
    only their own. Who voted is kept as a pseudonym, never as a user id."""
    group, first, second = -610, 7, 8
    async with team_bot(tmp_path, {"": [MAINT, LEASE]},
                        allowed_chats=frozenset({group})) as (api, _):
        api.push("message", message(group, "/ask 押金是多少", user_id=first, message_id=1))
        [answer] = await api.wait_for("sendMessage", 1)
        shown = sent_message(api, answer)
        up, down = (next(b["callback_data"] for b in buttons(shown) if b["text"] == face)
                    for face in ("👍", "👎"))
        for voter, data, query in ((first, down, "v1"), (second, down, "v2"),
                                   (first, up, "v3")):
            api.push("callback_query", callback(group, shown, data, user_id=voter,
                                                chat_type="supergroup", query_id=query))
            await api.settled()  # each press in turn, as members press them
        api.push("message", message(ADMIN, "/feedback", message_id=2))
        report = (await api.wait_for("sendMessage", 2))[-1]["text"]
    assert report.startswith("最近 90 天：👍 1  👎 1  未答 0\n👎：\n  1× 押金是多少")
    db = sqlite3.connect(tmp_path / "index" / LOG_FILE)
    rows = db.execute("SELECT answer, chat_id, kind FROM entries ORDER BY id").fetchall()
    key = down.split(":")[1]
    assert [(chat, kind) for _, chat, kind in rows] == [(group, "up"), (group, "down")]
    pseudonyms = [answer.removeprefix(f"{group}:{key}:") for answer, _, _ in rows]
    assert all(len(p) == 16 and set(p) <= set("0123456789abcdef") for p in pseudonyms)
    assert len(set(pseudonyms)) == 2


def test_a_log_written_before_votes_were_per_voter_is_read_as_it_was(tmp_path: Path,
                                                                      capsys) -> None:
    """Rows of an older log name the answer alone (``chat:key``): each still counts once,
    beside the per-voter rows written since, in the bot and in ``contractbot feedback``."""
    idx = build_tiny_index(tmp_path)
    db = sqlite3.connect(idx / LOG_FILE)
    db.execute("CREATE TABLE entries (id INTEGER PRIMARY KEY, answer TEXT UNIQUE, at TEXT NOT "
               "NULL, chat_id INTEGER NOT NULL, question TEXT NOT NULL, clauses TEXT NOT NULL, "
               "kind TEXT NOT NULL CHECK (kind IN ('up', 'down', 'unanswered')))")
    now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    db.executemany("INSERT INTO entries (answer, at, chat_id, question, clauses, kind) "
                   "VALUES (?, ?, -5, ?, '[\"lease 第二条\"]', ?)",
                   [("-5:aaaa0001", now, "押金是多少", "down"),
                    ("-5:aaaa0002", now, "租金怎么付", "up")])
    db.commit()
    db.close()
    log = QuestionLog.open(idx)
    log.record_vote("-5:aaaa0001", -5, "押金是多少", ["lease 第二条"], "down", voter="b")
    log.record_vote("-5:aaaa0001", -5, "押金是多少", ["lease 第二条"], "down", voter="b")
    summary = log.summary()
    log.close()
    assert (summary.up, summary.down) == (1, 2)
    assert [(e.question, e.count) for e in summary.downvoted] == [("押金是多少", 2)]
    assert main(["feedback", "--json", "--index", str(idx)]) == 0
    assert json.loads(capsys.readouterr().out)["counts"] == {"up": 1, "down": 2,
                                                             "unanswered": 0}


async def test_question_log_off_keeps_nothing_and_shows_no_buttons(tmp_path: Path) -> None:
    async with team_bot(tmp_path, {"": [LEASE]}, allowed_chats=frozenset({CHAT}),
                        question_log=False) as (api, _):
        api.push("message", message(CHAT, "押金是多少", message_id=1))
        api.push("message", message(CHAT, "明天的天气怎么样", message_id=2))
        sent = await api.wait_for("sendMessage", 2)
        api.push("message", message(ADMIN, "/feedback"))
        off = (await api.wait_for("sendMessage", 3))[-1]
    # the two questions are answered concurrently: tell the replies apart by what they answer
    offers = {s["reply_parameters"]["message_id"]:
              [b["text"] for b in buttons(sent_message(api, s))] for s in sent}
    assert offers == {1: [], 2: [CLOSEST]}  # no vote on either; the refusal offers the closest
    assert "已关闭" in off["text"]
    assert not (tmp_path / "index" / LOG_FILE).exists()


def log_with_an_old_row(path: Path) -> QuestionLog:
    """A question log holding a new unanswered question and one 91 days old."""
    log = QuestionLog(path, days=90)
    log.record_unanswered(1, "新问题")
    old = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=91)).isoformat()
    log._db.execute("INSERT INTO entries (at, chat_id, question, clauses, kind) "
                    "VALUES (?, 2, '旧问题', '[]', 'unanswered')", (old,))
    log._db.commit()
    return log


def test_rows_older_than_the_kept_days_are_deleted(tmp_path: Path) -> None:
    log = log_with_an_old_row(tmp_path / LOG_FILE)
    assert log.purge() == 1
    assert [e.question for e in log.summary().unanswered_questions] == ["新问题"]
    log.close()


def test_zero_days_keeps_every_row(tmp_path: Path) -> None:
    """CONTRACTBOT_LOG_DAYS=0 means no limit, as 0 does for the other limits: it deleted every
    row (an operator who meant "keep them" lost the whole log)."""
    log_with_an_old_row(tmp_path / LOG_FILE).close()
    log = QuestionLog(tmp_path / LOG_FILE, days=0)  # opening it purges
    assert log.purge() == 0
    summary = log.summary()
    assert [e.question for e in summary.unanswered_questions] == ["新问题", "旧问题"]
    assert format_summary(summary).startswith("all kept: 👍 0  👎 0  unanswered 2")
    assert format_summary(summary, lang="zh").startswith("全部：👍 0  👎 0  未答 2")
    log.close()


async def test_feedback_keeps_questions_and_keys_as_logged_for_a_traditional_admin(
        tmp_path: Path) -> None:
    """An admin who asks in Traditional gets /feedback's words in Traditional, but each
    question as its asker wrote it (who asks in which script shows) and each cited clause by
    its contract key (租赁合同, not 租賃合同, a key that does not exist)."""
    keyed = {**LEASE, "key": "租赁合同"}
    async with team_bot(tmp_path, {"": [MAINT, keyed]},
                        allowed_chats=frozenset({CHAT})) as (api, app):
        log = app.bot_data.log
        log.record_vote("a1", CHAT, "押金是多少", ["租赁合同 第二条"], "down", voter="v")
        log.record_unanswered(CHAT, "颱風天怎麼辦")
        api.push("message", message(ADMIN, "押金怎麼退", message_id=1))
        await api.wait_for("sendMessage", 1)
        api.push("message", message(ADMIN, "/feedback", message_id=2))
        report = (await api.wait_for("sendMessage", 2))[-1]["text"]
    assert report.startswith("最近 90 天：👍 0  👎 1  未答 1\n👎：\n")
    assert "  1× 押金是多少  [租赁合同 第二条]" in report
    assert "未找到相關條款：\n  1× 颱風天怎麼辦  (" in report


def test_one_question_in_either_script_is_one_entry(tmp_path: Path) -> None:
    """A support group asks in both scripts: 试用期多长 and 試用期多長？ are one question to a
    lead, counted together (the bot shows every question in the admin's script, so two lines
    of one count each looked like a duplicate)."""
    log = QuestionLog(tmp_path / LOG_FILE)
    log.record_vote("a1", 1, "试用期多长", ["lease 第三条"], "down", voter="v")
    log.record_vote("a2", 2, "試用期多長？", ["lease 第一条"], "down", voter="v")
    log.record_vote("a3", 2, "押金多少", ["lease 第二条"], "down", voter="v")
    for chat, question in ((1, "外星人条款"), (2, "外星人條款 ")):
        log.record_unanswered(chat, question)
    summary = log.summary()
    assert (summary.down, summary.unanswered) == (3, 2)
    assert [(e.question, e.count, e.chats) for e in summary.downvoted] == [
        ("押金多少", 1, 1), ("試用期多長？", 2, 2)]
    assert summary.downvoted[1].clauses == ("lease 第一条",)  # the newest answer's
    assert [(e.question, e.count) for e in summary.unanswered_questions] == [("外星人條款 ", 2)]
    assert len(log.summary(limit=1).downvoted) == 1


def test_the_feedback_listing_writes_nothing(tmp_path: Path, capsys) -> None:
    """A missing index is one line (exit 1) and no folder; an index without a log lists
    nothing and gets no log; a log is read as it is: nothing purged, nothing left beside it."""
    assert main(["feedback", "--index", str(tmp_path / "none")]) == 1
    assert capsys.readouterr().err.startswith(f"contractbot: no index at {tmp_path / 'none'}")
    assert not (tmp_path / "none").exists()
    idx = build_tiny_index(tmp_path)
    before = sorted(p.name for p in idx.iterdir())
    assert main(["feedback", "--json", "--index", str(idx)]) == 0
    assert json.loads(capsys.readouterr().out)["counts"] == {"up": 0, "down": 0,
                                                             "unanswered": 0}
    assert sorted(p.name for p in idx.iterdir()) == before
    log_with_an_old_row(idx / LOG_FILE).close()
    before = sorted(p.name for p in idx.iterdir())
    assert main(["feedback", "--json", "--index", str(idx)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [e["question"] for e in out["unanswered"]] == ["新问题"]
    assert out["counts"]["unanswered"] == 1
    assert sorted(p.name for p in idx.iterdir()) == before
    rows = sqlite3.connect(idx / LOG_FILE).execute("SELECT COUNT(*) FROM entries").fetchone()
    assert rows == (2,)  # the bot purges old rows; a listing does not


async def test_compare_in_the_bot(tmp_path: Path) -> None:
    async with team_bot(tmp_path, {"": [MAINT, LEASE, SUPPLY]},
                        allowed_chats=frozenset({CHAT})) as (api, _):
        api.push("message", message(CHAT, "/compare 逾期交付的违约金"))
        [sent] = await api.wait_for("sendMessage", 1)
        api.push("message", message(CHAT, "/compare"))
        usage = (await api.wait_for("sendMessage", 2))[-1]
    lines = sent["text"].split("\n")
    assert lines[0] == "「逾期交付的违约金」在各合同中的约定："
    assert len(lines) == 4 and html_errors(sent["text"]) == []
    supply = next(x for x in lines if "设备采购合同" in x)
    assert "第十三条 逾期交付责任" in supply and "（合同此处未填写）" in supply
    assert any(x.endswith("：<i>未约定</i>") for x in lines)
    assert "/compare 违约金" in usage["text"]


def test_a_long_comparison_is_split_under_the_limit() -> None:
    rows = tuple(ComparisonRow(f"c{i}", f"第{i}号长长的服务合同标题", Hit(
        Clause(f"c{i}", "7.2", "第七章", "质量保证", "乙方应" * 100), "t", 0.5))
        for i in range(120))
    messages = render_comparison(Comparison("违约金", rows), "simplified")
    assert len(messages) > 1 and all(len(m) <= LIMIT and not html_errors(m) for m in messages)
    assert sum(m.count("› 7.2") for m in messages) == 120
