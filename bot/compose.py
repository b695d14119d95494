"""Turn a SearchResult into a structured answer shared by the bot and the CLI.

Groups hits by contract, builds the heading line of each clause, the party note and the
unfilled-blank flag, and converts everything to the script of the question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index import (
    HAN,
    PARTIES,
    Clause,
    Hit,
    Script,
    SearchResult,
    detect_script,
    han_characters,
    to_script,
    to_simplified,
)

from .quoting import child_line, own_text, quoted_children, quoted_under
from .quoting import quoted_once as quoted_once  # the bot pages its answers from it
from .shortlists import shortlist
from .texts import (
    ALSO_IN,
    ASK_IN_CHINESE,
    BLANK_FLAG,
    DEFAULT_QUESTION,
    MORE_CHILDREN,
    NOTHING,
    UNCITED,
    UNCITED_ALONE,
    say,
)

CLAUSE_CHILD_CHARS = 12_000  # characters of a heading's sub-clauses /clause quotes
ALSO_NAMED = 3  # other files holding a quoted clause named by name; more are counted
ALSO_CHARS = 200  # … and no more than fit these characters (the first is always named)

# An unfilled blank, however the contract draws it: a run of underscores (half or full width),
# of dashes or of spaces (full-width spaces are spaces after cleaning) between two words (not
# around a number: "达  30  日" is filled in), a
# percent, amount or date with its number left out ("—%", "人民币 元", "自 年 月 日", "第 种"),
# a space where a value belongs before punctuation or between two Chinese words (Chinese has no
# spaces: "坐落于： 。", "为 ，", "依法实行以 为周期"), an explicit marker,
# or a template field never filled ("${contract.rent}").
_BLANK = re.compile(
    r"[_＿]{3,}|＿{2}|[—－]{3,}|-{4,}"
    r"|(?<![0-9０-９.])[—－-]{1,3}\s*[%％]|[_＿]+\s*[%％]"
    r"|(?<=[^\s\d])[ \t]{2,}(?=[^\s\d])"
    rf"|(?<=[{HAN}（(：:，,])[ \t]+(?:[%％]|元|天|日|个月|年|月|份|次|名|人|种|项|条|期)"
    r"|(?<![0-9０-９])[年月][ \t]+[月日]|第[ \t]+[种条项款次期层]"
    rf"|[{HAN}：:][ \t]+[，。；;、）)]|[{HAN}][ \t]+[{HAN}]"
    r"|（空白）|\(空白\)|\$\{[^}]*\}"
)
# A short label padded with spaces ("地    址：", "电 话："): layout, not a blank.
_PADDED_LABEL = re.compile(r"(?m)(?:^|(?<=[\s；;，,。]))(\S)[ \t]+(\S{1,2})(?=[：:])")
# A choice left open: two check boxes on a line ("□同意 □不同意", "□是 □否"), none ticked on
# that line (a clause may hold one choice made and another left open).
_OPEN_CHOICE = re.compile(r"[□☐][^□☐\n]{0,40}[□☐]")
_TICKED = re.compile(r"[☑☒■√✓✔✗×]")


def has_blank(text: str) -> bool:
    """True when the clause holds an unfilled blank (____, ＿＿, ———, runs of spaces, —%,
    "人民币 元", "自 年 月 日", （空白）, ${field}) or a choice left open (□是 □否, none ticked)."""
    if any(_OPEN_CHOICE.search(line) and not _TICKED.search(line)
           for line in text.splitlines()):
        return True
    return bool(_BLANK.search(_PADDED_LABEL.sub(r"\1\2", text)))


@dataclass(frozen=True)
class ComposedHit:
    """One quoted clause: the heading line, its text, its sub-clauses (one line each, for a
    heading cited as the answer), how many more were left out, and whether a value is left
    blank."""

    heading: str
    text: str
    blank: bool
    contract: str
    children: tuple[str, ...] = ()
    more_children: str | None = None  # "……另有 N 条子条款未显示…" when some were left out
    also: str | None = None  # "相同条款也见于：…": the other files holding it word for word


@dataclass(frozen=True)
class ContractGroup:
    """The hits of one contract, with the party note when the question names a party."""

    contract: str
    title: str
    note: str | None
    hits: tuple[ComposedHit, ...]


@dataclass(frozen=True)
class ComposedAnswer:
    """A whole answer in the question's script; ``groups`` is empty when nothing is relevant."""

    question: str
    script: Script
    groups: tuple[ContractGroup, ...]
    nothing: str | None = None
    lead: str | None = None  # a note before the clauses: the cited number that is not there

    @property
    def found(self) -> bool:
        """True when there is at least one clause to show."""
        return bool(self.groups)


def foreign_question(question: str) -> bool:
    """Whether ``question`` is written in another language (letters, no Chinese): "请用中文提问"
    is said to it, not to a number (5) or a clause number (7.2) alone."""
    return not han_characters(question) and any(ch.isalpha() for ch in question)


def heading_line(hit: Hit, script: Script | None = None) -> str:
    """《title》 第七章 质量保证 › 7.2 标题: the chapter part is omitted when the clause has none,
    its own heading title follows its number, and the file name follows the title when another
    contract has the same title or other files hold the clause too (``also``); a clause that
    is its chapter whole (an annex of one clause: 附件 房屋交割清单) is not named twice.
    Converted to ``script`` when given (the file name never)."""
    c = hit.clause
    number = f"{c.clause} {c.title}" if c.title else c.clause
    chapter = " ".join(p for p in (c.chapter, c.chapter_title) if p)
    if chapter and number in (chapter, c.chapter):  # 附件 房屋交割清单 › 附件 房屋交割清单
        return chapter_line(hit, script)
    number = to_script(number, script) if script else number
    sep = " › " if chapter else " "
    return f"{chapter_line(hit, script)}{sep}{number}"


def chapter_line(hit: Hit, script: Script | None = None) -> str:
    """《title》 第七章 质量保证: the contract and chapter of ``hit``'s clause, as
    ``heading_line`` begins it (the file name after the title when it names one)."""
    c = hit.clause
    conv = (lambda t: to_script(t, script)) if script else (lambda t: t)
    named = (hit.shared_title or hit.also) and hit.source
    title = f"《{conv(hit.title)}》" + (f"（{hit.source}）" if named else "")
    where = conv(" ".join(p for p in (c.chapter, c.chapter_title) if p))
    return f"{title} {where}" if where else title


def also_line(hit: Hit, script: Script) -> str | None:
    """"相同条款也见于：B、C（第四章 第十条）": the other files that hold ``hit``'s clause word
    for word, by the names /clause and /use take for them (``also_names``), with the copy's
    chapter and number when they differ from the quoted one's; the first ``ALSO_NAMED`` (as
    many as fit ``ALSO_CHARS``: long file names must leave a message room for the clause),
    then "等 N 份". None when no other file holds it."""
    names = hit.also_names or tuple(a.contract for a in hit.also)
    cited: dict[str, str] = {}
    for copy, name in zip(hit.also, names, strict=True):
        if name in cited or name == hit.name:
            continue
        same = (copy.chapter, copy.clause) == (hit.clause.chapter, hit.clause.clause)
        where = " ".join(p for p in (copy.chapter, copy.clause) if p)
        cited[name] = name if same else f"{name}（{to_script(where, script)}）"
    if not cited:
        return None
    shown = shortlist(list(cited.values()), most=ALSO_NAMED, chars=ALSO_CHARS, script=script)
    return say(ALSO_IN, script, names=shown)


def party_note(question: str, parties: dict[str, str]) -> str | None:
    """"本合同中甲方为维护方，乙方为用户方" when the question names a role the contract defines."""
    q = to_simplified(question)
    if not any(role in q for role in PARTIES if role in parties):
        return None
    named = [f"{role}为{parties[role]}" for role in PARTIES if parties.get(role)]
    return "本合同中" + "，".join(named) if named else None


def _rest_from(hit: Hit, rest: tuple[Clause, ...], budget: int) -> str:
    """The clause number whose /clause shows the sub-clauses left out: the heading itself when
    /clause quotes all of them, else the first one left out."""
    whole = sum(len(child_line(c)) for c in hit.children)
    return hit.clause.clause if budget < CLAUSE_CHILD_CHARS >= whole else rest[0].clause


def _children(hit: Hit, script: Script, budget: int | None) -> tuple[tuple[str, ...], str | None]:
    """The sub-clause lines of ``hit`` within ``budget`` characters, and the note on those
    left out."""
    shown = quoted_children(hit, script, budget)
    lines = tuple(to_script(child_line(child), script) for child in shown)
    if len(shown) == len(hit.children):
        return lines, None
    rest = hit.children[len(shown):]
    note = MORE_CHILDREN.format(count=len(rest), number=_rest_from(hit, rest, budget or 0),
                                key=hit.name or hit.clause.contract)
    return lines, to_script(note, script)


def compose(result: SearchResult, *, offset: int = 0, size: int | None = None,
            script: Script | None = None, child_chars: int | None = None,
            example: str = DEFAULT_QUESTION) -> ComposedAnswer:
    """The structured answer to ``result`` (or to ``size`` of its hits from position
    ``offset``: a page) in ``script`` (default: the question's). A heading is quoted with its
    sub-clauses (at most ``child_chars`` characters of them when given); a hit another hit of
    the page quotes as a sub-clause is left out (``quoting.quoted_under``; across pages,
    ``quoting.quoted_once`` folds the hits before they are paged). A question in no Chinese
    that finds nothing is shown ``example`` (one of the contracts the asker reads)."""
    script = script or detect_script(result.question)
    end = len(result.hits) if size is None else offset + size
    chosen = result.hits[offset:end]
    numbers = "、".join(result.uncited)
    lead = to_script(UNCITED.format(numbers=numbers), script) if numbers and not offset else None
    if not result.relevant or not chosen:
        nothing = NOTHING + ASK_IN_CHINESE.format(question=example) \
            if foreign_question(result.question) else NOTHING
        if result.uncited:
            nothing = UNCITED_ALONE.format(numbers=numbers)
        return ComposedAnswer(result.question, script, (), to_script(nothing, script))
    # Hits are grouped by contract, the clauses the question cites by number first: 第七条 of
    # each of three 劳动合同 before another clause of the first one. Cited are the first
    # ``result.cited`` positions, not whatever hit equals one of them.
    order: list[tuple[str, bool]] = []
    by_contract: dict[tuple[str, bool], list[Hit]] = {}
    covered = quoted_under(chosen, script, child_chars)
    for position, hit in enumerate(chosen, start=offset):
        if (hit.clause.contract, hit.clause.clause) in covered:
            continue  # quoted under its heading
        key = (hit.clause.contract, position < result.cited)
        if key not in by_contract:
            order.append(key)
            by_contract[key] = []
        by_contract[key].append(hit)
    groups: list[ContractGroup] = []
    for key in order:
        items, contract = by_contract[key], key[0]
        parties = result.parties.get(contract, {})
        noted = bool(parties) and all(g.contract != contract for g in groups)  # once each
        note = party_note(result.question, parties) if noted else None
        composed = tuple(_composed(h, script, child_chars) for h in items)
        groups.append(ContractGroup(contract, to_script(items[0].title, script),
                                    to_script(note, script) if note else None, composed))
    return ComposedAnswer(result.question, script, tuple(groups), lead=lead)


def _composed(hit: Hit, script: Script, child_chars: int | None) -> ComposedHit:
    children, more = _children(hit, script, child_chars)
    texts = [hit.clause.text, *(c.text for c in hit.children)]
    return ComposedHit(
        heading=heading_line(hit, script),
        text=to_script(own_text(hit.clause) or ("" if children else hit.clause.text), script),
        blank=any(has_blank(t) for t in texts),
        contract=hit.clause.contract,
        children=children,
        more_children=more,
        also=also_line(hit, script),
    )


def quote_text(hit: ComposedHit) -> str:
    """The quoted text of a hit: its own text, then one line per sub-clause."""
    lines = [hit.text] if hit.text else []
    lines.extend(hit.children)
    if hit.more_children:
        lines.append(hit.more_children)
    return "\n".join(lines)


def format_text(answer: ComposedAnswer) -> str:
    """Plain-text rendering for the CLI: heading line, clause text, flag; notes per contract."""
    if not answer.found:
        return answer.nothing or NOTHING
    flag = to_script(BLANK_FLAG, answer.script)
    blocks: list[str] = [answer.lead] if answer.lead else []
    for group in answer.groups:
        if group.note:
            blocks.append(group.note)
        for h in group.hits:
            body = quote_text(h)
            head = f"{h.heading}\n{h.also}" if h.also else h.heading
            blocks.append(f"{head}\n{body}".rstrip("\n") + (f"\n{flag}" if h.blank else ""))
    return "\n\n".join(blocks)
