"""Comparisons in words: one line per contract with its best clause's citation and a short
excerpt, 未约定 where no clause is relevant, a flag on unfilled blanks; for the CLI and the bot."""

from __future__ import annotations

from html import escape

from index import Comparison, ComparisonRow, Script, to_script

from .compose import BLANK_FLAG, has_blank
from .quoting import child_line, own_text
from .render import pack
from .texts import COMPARE_HEAD, NOT_AGREED

EXCERPT_CHARS = 60


def _title(row: ComparisonRow, script: Script) -> str:
    title = f"《{to_script(row.title, script)}》"
    return title + (f"（{row.source}）" if row.shared_title and row.source else "")


def _excerpt(row: ComparisonRow, script: Script) -> tuple[str, str, bool]:
    """(citation, excerpt, has a blank) of a row with a clause."""
    assert row.hit is not None
    c = row.hit.clause
    citation = to_script(f"{c.clause} {c.title}" if c.title else c.clause, script)
    parts = [own_text(c), *(child_line(k) for k in row.hit.children)]
    text = " ".join(p.replace("\n", " ") for p in parts if p).strip()
    blank = any(has_blank(t) for t in (c.text, *(k.text for k in row.hit.children)))
    cut = text[:EXCERPT_CHARS] + ("…" if len(text) > EXCERPT_CHARS else "")
    return citation, to_script(cut, script), blank


def comparison_lines(comparison: Comparison, script: Script) -> list[str]:
    """Plain lines: a head line, then one per contract."""
    lines = [to_script(COMPARE_HEAD, script).format(question=comparison.question)]
    for row in comparison.rows:
        if row.hit is None:
            lines.append(f"{_title(row, script)}：{to_script(NOT_AGREED, script)}")
            continue
        citation, excerpt, blank = _excerpt(row, script)
        flag = to_script(BLANK_FLAG, script) if blank else ""
        lines.append(f"{_title(row, script)} › {citation}：{excerpt}{flag}")
    return lines


def render_comparison(comparison: Comparison, script: Script) -> list[str]:
    """Telegram HTML messages, each under 4096 characters, one line per contract."""
    lines = [escape(to_script(COMPARE_HEAD, script).format(question=comparison.question))]
    for row in comparison.rows:
        title = f"<b>{escape(_title(row, script))}</b>"
        if row.hit is None:
            lines.append(f"{title}：<i>{escape(to_script(NOT_AGREED, script))}</i>")
            continue
        citation, excerpt, blank = _excerpt(row, script)
        flag = f" <i>{escape(to_script(BLANK_FLAG, script))}</i>" if blank else ""
        lines.append(f"{title} › {escape(citation)}：{escape(excerpt)}{flag}")
    return pack(lines, sep="\n")
