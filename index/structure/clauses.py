"""Contract body text -> the clause tree (chapters, clauses, sub-clauses). OWNER: clause tree.

How the tree is built (see also ``index.structure.numbering`` for the label families):

* Body start: site notices and numbered lines before the contract's title line are skipped, and
  so are front-matter sections (目录, 注意事项, 使用说明, 说明, 名词解释 ...) that end at the
  title repeated or at the first party line ("甲方（委托人）："). A table of contents (a run of
  short heading lines whose labels come again later) is skipped too. Unnumbered lines before the
  first clause are the preamble and belong to no clause.
* Families are ranked by the document: the first family met is the top level and each new family
  met under it nests one level deeper (一、 above 第X条 in one contract, under it in another).
  A label is accepted only when it continues its family's count (1.1 -> 1.2, 第三条 -> 第四条,
  2.1 -> 2.1.1, a new child starting at 1, 第X条 running across chapters); anything else, and
  any label in mid-line, is text. Very long lines (text that lost its line breaks) are cut at
  labels that continue the count exactly.
* Chapters are 第X章 / 第X部分 / 第X节 at the top, or 一、 when it groups 第X条. A chapter is not a
  clause, unless it has paragraphs of its own (then it is emitted with its label as id).
* Ids are the labels as written with half-width digits and no trailing punctuation: "7.2",
  "2.1.1.1", "第十二条", "第一條", "1-1"; 一、 gives "一", "1、"/"1." give "1".
* List items （一） (1) ① — and 一、 / 1. nested under a clause — stay inside their clause's text,
  one per line, unless there are at least two of them and they average more than 60 characters,
  or more than 30 in a list over 400 (too long to quote whole): then they become child clauses
  with id parent + item label: "第五条（二）", "3.2(1)", "第三条第1项" (for 1. / 1、 items),
  "第六條一" is written "第六條（一）" for 一、 items.
* A heading with no body ("2.3 维护响应时间") gets ``title``; its text is the paragraphs that
  follow it, or the title itself when only sub-clauses follow.
* Ids are unique within a contract: when numbering restarts (an annex, a second part), later
  duplicates are prefixed with their chapter and a space ("附件五 1", "第三部分 1.1"), or
  suffixed "#2", "#3". Annex headings (附件一 …) after the clauses start chapters of their own;
  one without a title takes the one the contract's list of annexes gives it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from ..models import PAGE_BREAK, Clause
from ..text import HAN, printed_length, to_simplified
from .body import body_lines
from .closing import is_filled
from .lists import end_lists, split_items
from .numbering import ITEM_FAMILIES, SENTENCE_PUNCT, TITLE_MAX, Label, annex_of_part
from .parties import find_title
from .tree import Node, build_tree, listed_annex_titles

ITEM_PROMOTE_CHARS = 60  # list items averaging more than this become clauses of their own
# ... and so do the items of a list too long to quote as one answer (a phone's screen), when
# they are provisions (averaging over half of the above), not words or fields
LIST_PROMOTE_CHARS = 400

_HEADING_PUNCT = re.compile(r"[。，,！!？?]|[；;：:︰]$")
# A heading may list its topics between semicolons ("期限；试用期；终止；终止前的权利及义务"):
# each a few words, where a sentence's clauses run longer.
_TOPIC_SEP = re.compile(r"[；;]")
TOPIC_MAX = 10
_TRAIL_PUNCT = " \t\u3000:：、.．。;；,，︰"
_COLONS = (":", "：", "︰")
# A text that ends introducing what follows: "…包括下列文件与许可程序：", "…达成如下协议：" (not a
# form field left blank: "发包人（全称）：").
_ANNOUNCES = re.compile(r"(?:下列|如下|以下|下述)[^\n：:︰。]{0,20}[：:︰]$")
_WORDS = re.compile(rf"[{HAN}A-Za-z0-9]")


def split_clauses(text: str, contract: str, first_page: int | None = None, *,
                  page_numbers: Sequence[int | None] | None = None) -> list[Clause]:
    """Split a cleaned contract body into clauses in document order (headings and leaves).

    A clause's page is ``first_page`` plus the page breaks before it, or, given
    ``page_numbers`` (the number of each page of ``text``, None for a DOCX's text between the
    pictures of its pages), the number of the page it starts on."""
    lines = body_lines(text)
    root = build_tree(lines, titled=bool(lines) and bool(find_title(text[:lines[0].offset])))
    end_lists(root)
    numbers: Sequence[int | None] = (page_numbers if page_numbers is not None
                                     else _numbered_from(first_page, text.count(PAGE_BREAK) + 1))
    return _emit(root, text, contract, numbers)


def _numbered_from(first: int | None, count: int) -> list[int | None]:
    return [None if first is None else first + k for k in range(count)]


def _chapter_family(root: Node) -> str | None:
    """The family that forms chapters: 第X章/部分/节 at the top, or 一、 grouping 第X条."""
    tops = {c.family for c in root.children}
    for fam in ("chapter", "part", "section"):
        if fam in tops:
            return fam
    if "cn" in tops and any(
        g.family == "article" for c in root.children if c.family == "cn" for g in c.children
    ):
        return "cn"
    return None


def _emit(root: Node, text: str, contract: str,
          page_numbers: Sequence[int | None]) -> list[Clause]:
    out: list[Clause] = []
    chap_fam = _chapter_family(root)
    chapter: str | None = None
    chapter_title: str | None = None
    seen: set[str] = set()
    only_chapters = all(not c.children for c in root.children)
    in_annex = False
    folded: list[tuple[int, str]] = []  # (clause position, blank item line to append)

    def page_of(node: Node) -> int | None:
        if node.line is None or not page_numbers:
            return None
        return page_numbers[min(text.count(PAGE_BREAK, 0, node.line.offset),
                                len(page_numbers) - 1)]

    def add(node: Node, cid: str, parent: str | None, level: int, body_lines: list[str]) -> str:
        if in_annex and chapter and not cid.startswith(chapter):
            cid = f"{chapter} {cid}"
        title, body = _title_and_text(node.body, body_lines, bool(node.children))
        if not _WORDS.search(body):
            if title:
                body = title  # a heading whose paragraphs are only a blank ("其他约定" / "。")
            elif not node.children and out and node.line is not None:
                # an item left blank ("6. ；"): a line of the clause above at its level (the
                # item before it), or of its parent, not a clause
                at = next((k for k in range(len(out) - 1, -1, -1)
                           if (out[k].parent, out[k].chapter) == (parent, chapter)
                           or out[k].clause == (parent or chapter)), len(out) - 1)
                folded.append((at, node.line.text))
                return cid
        cid = _unique(cid, chapter, seen)
        out.append(
            Clause(
                contract=contract, clause=cid, chapter=chapter, chapter_title=chapter_title,
                text=body, page=page_of(node), title=title, parent=parent, level=level,
                text_simplified=to_simplified(body),
            )
        )
        return cid

    def walk(node: Node, parent_id: str | None, level: int) -> None:
        assert node.label is not None
        if node.family == "signature" and not is_filled(node.extra):
            return  # a signature block left blank: nothing to quote
        items, clauses = split_items(node)
        promote = _promote(items)
        own = list(node.extra)
        if not promote:
            for it in items:
                own.extend(_flatten(it))
        own.extend(node.after)
        cid = add(node, _clause_id(node, parent_id), parent_id, level, own)
        if promote:
            for it in items:
                assert it.label is not None
                sub = Node(it.label, it.line, it.body, [], [], node)
                add(sub, cid + _item_suffix(it.label), cid, level + 1,
                    it.extra + [ln for c in it.children for ln in _flatten(c)] + it.after)
        for child in clauses:
            walk(child, cid, level + 1)

    whole = {t.label.text for t in root.children if t.label and t.family == "annex"}
    listed = listed_annex_titles(text)
    for top in root.children:
        group = annex_of_part(top.label) if top.label else None
        if group is not None and group not in whole:  # 附件一A, 附件一B without 附件一 itself
            whole.add(group)
            parts = [t for t in root.children if t.label and annex_of_part(t.label) == group]
            body = "\n".join(f"{t.label.text} {t.body}".rstrip() for t in parts if t.label)
            out.append(Clause(contract=contract, clause=_unique(group, None, seen), chapter=None,
                              chapter_title=None, text=body, page=page_of(top), parent=None,
                              level=1, text_simplified=to_simplified(body)))
        if top.family == "annex" or (chap_fam is not None and top.family == chap_fam):
            assert top.label is not None
            in_annex = top.family == "annex"
            chapter = top.label.text
            chapter_title = _chapter_title(top.body)
            items, clauses = split_items(top)
            own = [*top.extra, *(ln for it in items for ln in _flatten(it)), *top.after]
            if (
                not top.body
                and top.extra
                and not top.extra[0].endswith(_COLONS)
                and _chapter_title(top.extra[0]) is not None
            ):
                chapter_title = _chapter_title(own.pop(0))  # "第一章" / "总则" on two lines
            if chapter_title is None and top.body:
                own.insert(0, top.body)
            if chapter_title is None and in_annex and group is None:
                chapter_title = listed.get(top.label.value[0])  # 附件8： titled by the list
            # the chapter's own clause, when it announces the clauses under it; an annex's
            # heading, its title alone, always carries them (an annex is a document of its own)
            head = None
            if own or (in_annex and (clauses or top.body)) or (only_chapters and top.body
                                                               and not clauses):
                body = "\n".join(own) or top.body or chapter_title or chapter
                # a chapter with nothing under it is a clause, not a chapter of one clause
                where = (chapter, chapter_title) if clauses else (None, None)
                cid = _unique(chapter, chapter, seen)
                out.append(
                    Clause(
                        contract=contract, clause=cid, chapter=where[0], chapter_title=where[1],
                        text=body, page=page_of(top), title=chapter_title,
                        parent=group, level=1 if group is None else 2,
                        text_simplified=to_simplified(body),
                    )
                )
                head = cid if in_annex or _ANNOUNCES.search(body) else None
            start = len(out)
            for child in clauses:
                walk(child, None, (2 if group is None else 3) if head else 1)
            for k in range(start, len(out)) if head else ():
                if out[k].parent is None:
                    out[k] = replace(out[k], parent=head)
        else:
            if chap_fam is None or top.family == "signature":
                chapter = chapter_title = None
                in_annex = False
            walk(top, None, 1)
    for at, line in folded:
        text = f"{out[at].text}\n{line}"
        out[at] = replace(out[at], text=text, text_simplified=to_simplified(text))
    return out


def _promote(items: list[Node]) -> bool:
    """Whether list items are long enough to be clauses, or so many provisions that the list is
    too long to quote whole: sized as read, with the lines the last gave back to its parent
    (giving them back merges no items into their parent), a run of blanks counted as one (a
    blank to fill in is as wide as its source draws it)."""
    if len(items) < 2:
        return False
    sizes = [printed_length(it.body) + sum(map(printed_length, it.extra)) + it.gave
             for it in items]
    average = sum(sizes) / len(sizes)
    return average > ITEM_PROMOTE_CHARS or (sum(sizes) > LIST_PROMOTE_CHARS
                                            and average > ITEM_PROMOTE_CHARS / 2)


def _flatten(node: Node) -> list[str]:
    """A list item and everything under it as text lines, labels kept."""
    assert node.line is not None
    out = [node.line.text, *node.extra]
    for c in node.children:
        out.extend(_flatten(c))
    return out + node.after


def _clause_id(node: Node, parent_id: str | None) -> str:
    assert node.label is not None
    fam = node.family
    if fam in ITEM_FAMILIES and parent_id is not None:
        return parent_id + _item_suffix(node.label)
    return node.label.text


def _item_suffix(label: Label) -> str:
    if label.family == "dot1":
        return f"第{label.value[0]}项"
    if label.family == "cn":
        return f"（{label.text}）"
    return label.text


def _unique(cid: str, chapter: str | None, seen: set[str]) -> str:
    if cid in seen and chapter and not cid.startswith(chapter):
        cid = f"{chapter} {cid}"
    n = 2
    base = cid
    while cid in seen:
        cid = f"{base}#{n}"
        n += 1
    seen.add(cid)
    return cid


def _chapter_title(body: str) -> str | None:
    title = body.strip(_TRAIL_PUNCT)
    if not title or len(title) > 30 or SENTENCE_PUNCT.search(title):
        return None
    return title


def _topics_short(body: str) -> bool:
    """Whether the parts of ``body`` between semicolons, if it has any, are each a topic."""
    topics = _TOPIC_SEP.split(body)
    return len(topics) == 1 or all(0 < len(t.strip()) <= TOPIC_MAX for t in topics)


def _title_and_text(body: str, extra: list[str], has_children: bool) -> tuple[str | None, str]:
    """A short punctuation-free body followed by paragraphs or sub-clauses is a heading."""
    body = body.strip()
    title_like = (
        0 < len(body) <= TITLE_MAX
        and not _HEADING_PUNCT.search(body)
        and _topics_short(body)
        and (extra or has_children)
    )
    if title_like:
        return body, "\n".join(extra) if extra else body
    lines = [body, *extra] if body else list(extra)
    return None, "\n".join(lines)
