"""Telegram HTML rendering: escaping, the 4096 limit, balanced tags, blank flag."""

from __future__ import annotations

import pytest
from bot_helpers import html_errors

from bot.compose import compose
from bot.filenames import safe_name
from bot.render import LIMIT, pack, render_answer, size, with_line, with_line_above
from index import Clause, Hit, SearchResult


def result(*texts: str, question: str = "乙方的义务是什么") -> SearchResult:
    hits = tuple(Hit(Clause("a", f"7.{i}", "第七章", "质量保证", t), "服务合同", 1.0)
                 for i, t in enumerate(texts, 1))
    return SearchResult(question, hits)


def test_clause_text_is_escaped() -> None:
    [msg] = render_answer(compose(result("脚本<script>alert(1)</script>与符号&和<b>")))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in msg and "&amp;" in msg
    assert "<script>" not in msg
    assert html_errors(msg) == []
    assert msg.startswith("<b>《服务合同》 第七章 质量保证 › 7.1</b>\n<blockquote>")


def test_many_clauses_split_at_clause_boundaries() -> None:
    texts = [f"第{i}段：" + "乙方应按约定提供服务。" * 80 for i in range(6)]
    messages = render_answer(compose(result(*texts)))
    assert len(messages) > 1
    for msg in messages:
        assert len(msg) <= LIMIT
        assert html_errors(msg) == []
        assert msg.startswith("<b>")  # every message starts at a clause heading
    joined = "".join(messages)
    assert all(f"› 7.{i}</b>" in joined for i in range(1, 7))


def test_blocks_fill_a_message_up_to_the_limit_exactly() -> None:
    a, b, c = "a" * 2000, "b" * 2094, "c"
    assert pack([a, b]) == [f"{a}\n\n{b}"]  # 4096 characters: one message
    assert pack([a, b, c]) == [f"{a}\n\n{b}", c]
    assert pack([a + "a", b]) == [a + "a", b]


def test_one_clause_longer_than_a_message_splits_at_sentences() -> None:
    text = "".join(f"第{i}句乙方应按约定提供服务&维护<系统>。" for i in range(400))
    messages = render_answer(compose(result(text)))
    assert len(messages) >= 3
    for msg in messages:
        assert len(msg) <= LIMIT
        assert html_errors(msg) == []
        body = msg.split("<blockquote>", 1)[1]
        assert body.endswith("。</blockquote>")  # cut after a sentence end
    assert sum(m.count("&amp;") for m in messages) == 400


def test_a_note_is_never_a_message_of_its_own() -> None:
    """Who 甲方/乙方 are, before a clause too long for one message: the note heads the clause's
    first message instead of going alone."""
    long = "".join(f"第{i}句乙方应按约定提供服务。" for i in range(400))
    res = result(long, question="乙方要做什么")
    res = SearchResult(res.question, res.hits, parties={"a": {"甲方": "用户方", "乙方": "维护方"}},
                       uncited=("第九十九条",))
    messages = render_answer(compose(res))
    assert messages[0].startswith("<i>没有找到第九十九条，以下是最相关的条款。</i>\n\n"
                                  "<i>本合同中甲方为用户方，乙方为维护方</i>\n\n<b>《服务合同》")
    assert all(len(m) <= LIMIT and html_errors(m) == [] for m in messages)
    assert sum("本合同中" in m for m in messages) == 1


def test_the_other_files_of_a_clause_are_escaped_and_leave_its_message_room() -> None:
    """File names holding & and <, many of them, some very long (a source folder's files
    have no length limit): the line naming them is escaped, names as many as fit 200
    characters, and a long clause under it still splits into messages Telegram takes."""
    text = "".join(f"第{i}句乙方应按约定提供服务。" for i in range(400))
    copies = ("R&D<合同>", "x" * 250, "维修&保养", "y")
    hit = Hit(Clause("a", "7.1", "第七章", "质量保证", text), "服务合同", 1.0, source="a.txt",
              name="a", also=tuple(Clause(n, "7.1", "第七章", "质量保证", text) for n in copies),
              also_names=copies)
    messages = render_answer(compose(SearchResult("乙方要做什么", (hit,))))
    assert messages[0].startswith("<b>《服务合同》（a.txt） 第七章 质量保证 › 7.1</b>\n"
                                  "相同条款也见于：R&amp;D&lt;合同&gt; 等 4 份\n<blockquote>")
    assert all(len(m) <= LIMIT and html_errors(m) == [] for m in messages)
    assert sum("相同条款" in m for m in messages) == 1


def test_a_heading_too_long_for_a_message_is_cut_and_the_clause_still_split() -> None:
    """A heading of 5,000 characters over a long clause (none is that long today: titles,
    file names and questions are bounded): it is cut to 400, and the clause split into
    messages Telegram takes; a heading that left the clause no room looped for ever."""
    import threading

    hits = (Hit(Clause("a", "7.1", None, None, "乙方应按约定提供服务。" * 600),
                "长" * 5000 + "合同", 1.0),)
    out: list[list[str]] = []
    worker = threading.Thread(target=lambda: out.append(
        render_answer(compose(SearchResult("乙方的义务", hits)))), daemon=True)
    worker.start()
    worker.join(20)
    assert out, "rendering did not end"
    [messages] = out
    assert len(messages) >= 2
    for msg in messages:
        assert len(msg) <= LIMIT
        assert html_errors(msg) == []
        assert msg.startswith("<b>《" + "长" * 398 + "…</b>")  # 400 characters


def test_a_line_under_an_answer_never_makes_a_message_too_long() -> None:
    """A note (the follow-up line under an answer of several contracts) goes under the last
    message when it fits, else it is a message of its own: Telegram refuses one over 4096."""
    first, last = "甲" * LIMIT, "乙" * (LIMIT - 5)
    assert with_line([first, last], "追问这条") == [first, f"{last}\n追问这条"]  # 4096: fits
    assert with_line([first, last + "乙"], "追问这条") == [first, last + "乙", "追问这条"]
    short = render_answer(compose(result("乙方应按约定提供服务。")))
    assert with_line(short, "追问这条") == [f"{short[0]}\n追问这条"]


def test_a_line_above_an_answer_never_makes_a_message_too_long() -> None:
    """A note said first (a lapsed /use) goes above the first message when it fits, else it
    is a message of its own before it."""
    first, last = "甲" * (LIMIT - 5), "乙" * LIMIT
    assert with_line_above([first, last], "不再收录") == [f"不再收录\n{first}", last]  # 4096
    assert with_line_above([first + "甲", last], "不再收录") == ["不再收录", first + "甲", last]
    assert with_line_above([], "不再收录") == ["不再收录"]


def test_characters_outside_the_bmp_count_two_as_telegram_counts_them() -> None:
    """𠮷 (CJK Extension B) or an emoji is one Python character but two UTF-16 code units,
    which is what Telegram counts: a clause of them is cut into messages Telegram takes (it
    was packed by Python's count, about 8,000 units in one message, and refused)."""
    assert size("𠮷a吉") == 4 and size("👍") == 2
    text = "𠮷野家的租金按月支付。" * 400  # 11 characters, 12 UTF-16 units each sentence
    messages = render_answer(compose(result(text)))
    assert len(messages) > 1
    for msg in messages:
        assert size(msg) <= LIMIT
        assert html_errors(msg) == []
    assert "".join(messages).count("𠮷") == 400


def test_blank_flag_rendered() -> None:
    [msg] = render_answer(compose(result("违约金为合同总额的____%。")))
    assert "（合同此处未填写）" in msg


def test_nothing_found_is_plain() -> None:
    [msg] = render_answer(compose(SearchResult("天气", (), relevant=False)))
    assert msg == "没有找到与问题相关的条款。"


def test_safe_name_keeps_cjk_and_drops_paths() -> None:
    assert safe_name("../../租赁 合同.TXT") == "租赁 合同.txt"
    assert safe_name("..\\..\\etc\\passwd") == "passwd"
    assert safe_name("../.docx") == "contract.docx"


@pytest.mark.parametrize(("sent", "saved"), [
    # the name as sent: full-width brackets, 、, inner spaces (also ideographic) and CJK
    ("委托合同（Word原版）.docx", "委托合同（Word原版）.docx"),
    ("房屋租赁合同 模板一.docx", "房屋租赁合同 模板一.docx"),
    ("劳动合同、附件\u3000一（2024-v1.2）.pdf", "劳动合同、附件\u3000一（2024-v1.2）.pdf"),
    # what a file name cannot hold on Windows, or anywhere
    ('a<b>c:d"e|f?g*h.pdf', "a_b_c_d_e_f_g_h.pdf"),
    ("合同\x00.txt", "合同_.txt"),
    # a hidden file or an Office lock file is not a source; Windows drops trailing dots
    (".合同.docx", "合同.docx"), ("~$合同.docx", "合同.docx"), (" 合同 .docx", "合同.docx"),
    ("合同. .docx", "合同.docx"), ("合同.docx. ", "合同.docx"),
    ("CON.txt", "CON_.txt"), ("lpt1.v2.pdf", "lpt1_.v2.pdf"), ("contract.txt", "contract.txt"),
    ("NUL .a.pdf", "NUL _.a.pdf"),  # Windows ignores the space before the dot too
])
def test_safe_name_keeps_the_name_as_sent_and_replaces_only_the_unsafe(sent: str,
                                                                     saved: str) -> None:
    assert safe_name(sent) == saved
