"""Contract body text -> the clause tree (chapters, clauses, sub-clauses). OWNER: clause tree.

How the tree is built (see also ``index.numbering`` for the label families):

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
  one per line, unless there are at least two of them and they average more than 60 characters:
  then they become child clauses with id parent + item label: "第五条（二）", "3.2(1)",
  "第三条第1项" (for 1. / 1、 items), "第六條一" is written "第六條（一）" for 一、 items.
* A heading with no body ("2.3 维护响应时间") gets ``title``; its text is the paragraphs that
  follow it, or the title itself when only sub-clauses follow.
* Ids are unique within a contract: when numbering restarts (an annex, a second part), later
  duplicates are prefixed with their chapter and a space ("附件五 1", "第三部分 1.1"), or
  suffixed "#2", "#3". Annex headings (附件一 …) after the clauses start chapters of their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

from .models import PAGE_BREAK, Clause
from .numbering import (
    CHAPTER_FAMILIES,
    ITEM_FAMILIES,
    Label,
    parse_label,
    strip_page_furniture,
)

LONG_LINE = 120  # a line this long may have lost its line breaks
ITEM_PROMOTE_CHARS = 60  # list items averaging more than this become clauses of their own
TITLE_MAX = 24  # longest heading title ("维护响应时间")

_SENTENCE_PUNCT = re.compile(r"[。；;，,：:！!？?]")
_HEADING_PUNCT = re.compile(r"[。，,！!？?；;]|[：:︰]$")
_TRAIL_PUNCT = " \t\u3000:：、.．。;；,，︰"
_FRONT_HEADINGS = (
    "目录", "目錄", "注意事项", "注意事項", "使用说明", "使用說明", "填写说明", "填寫說明",
    "说明", "說明", "名词解释", "名詞解釋", "专业术语解释", "專業術語解釋", "术语解释", "签约须知",
)
_TITLE_LINE_RE = re.compile(
    r"^[^\s，。：:；;、]{0,40}(?:合同|协议|協議|契约|契約|合约|合約)(?:书|書)?"
    r"(?:[（(][^）)]{1,12}[）)])?$"
)
_PARTY_LINE_RE = re.compile(
    r"^(?:甲方|乙方|丙方|出卖人|出賣人|买受人|買受人|出租人|承租人|出租方|承租方|委托人|委託人|"
    r"受托人|受託人|委托方|服务方|用人单位|劳动者|发包人|承包人|许可方|被许可方|立契约书人|"
    r"立契約書人|立约人|立約人|立协议书人|立協議書人)\s*[（(：:︰]"
)
# Mid-line labels worth cutting a long line at: chapters, articles, dotted numbers.
_INLINE_RE = re.compile(
    r"第\s*[零〇一二三四五六七八九十百千两\d]+\s*[章条條]|(?<![\d.．])\d{1,3}(?:[.．]\d{1,3}){1,3}"
)
_REF_BEFORE = re.compile(r"(?:第|按|依|据|據|见|見|照|及|和|与|與|或|至|、)\s*$")


@dataclass
class _Line:
    text: str
    offset: int  # offset of the line's first character in the whole text
    soft: bool = False  # cut out of a long line: its label must continue a count exactly


@dataclass
class _Node:
    label: Label | None
    line: _Line | None
    body: str = ""
    extra: list[str] = field(default_factory=list)  # unnumbered lines that follow
    children: list[_Node] = field(default_factory=list)
    parent: _Node | None = None

    @property
    def family(self) -> str:
        return self.label.family if self.label else "root"


def split_clauses(text: str, contract: str, first_page: int | None = None) -> list[Clause]:
    """Split a cleaned contract body into clauses in document order (headings and leaves)."""
    lines = _explode_long_lines(_split_lines(text))
    start = body_start(lines)
    lines = _drop_toc(lines[start:])
    root = _build_tree(lines)
    return _emit(root, text, contract, first_page)


# --------------------------------------------------------------------------------- lines


def _split_lines(text: str) -> list[_Line]:
    """Non-empty stripped lines with their offsets; a page break before a label splits a line."""
    out: list[_Line] = []
    pos = 0
    for raw in text.split("\n"):
        pieces = raw.split(PAGE_BREAK)
        cur_text, cur_off = pieces[0], pos
        p = pos + len(pieces[0]) + 1
        for piece in pieces[1:]:
            cleaned = strip_page_furniture(piece.strip())
            if parse_label(cleaned) is not None:
                _append_line(out, cur_text, cur_off)
                cur_text, cur_off = piece, p
            else:
                cur_text += piece
            p += len(piece) + 1
        _append_line(out, cur_text, cur_off)
        pos += len(raw) + 1
    return out


def _append_line(out: list[_Line], text: str, offset: int) -> None:
    stripped = strip_page_furniture(text.strip())
    if stripped:
        out.append(_Line(stripped, offset + max(0, text.find(stripped[:1]))))


def _explode_long_lines(lines: list[_Line]) -> list[_Line]:
    """Cut lines that lost their line breaks at mid-line chapter / article / dotted labels."""
    out: list[_Line] = []
    for line in lines:
        if len(line.text) < LONG_LINE:
            out.append(line)
            continue
        cuts = [0]
        for m in _INLINE_RE.finditer(line.text):
            at = m.start()
            if at == 0 or _REF_BEFORE.search(line.text[max(0, at - 3):at]):
                continue
            if parse_label(line.text[at:]) is not None:
                cuts.append(at)
        cuts.append(len(line.text))
        for a, b in pairwise(cuts):
            piece = line.text[a:b].strip()
            if piece:
                out.append(_Line(piece, line.offset + a, soft=a > 0))
    return out


# ----------------------------------------------------------------------------- body start


def _norm(line: str) -> str:
    return re.sub(r"[\s\u3000]+", "", line)


def _is_title_line(line: str) -> bool:
    return _TITLE_LINE_RE.match(re.sub(r"^\d{1,3}", "", _norm(line))) is not None


def _is_front_heading(line: str) -> bool:
    s = _norm(line)
    for word in _FRONT_HEADINGS:
        if s == word or (s.endswith(word) and len(s) <= 20 and parse_label(s) is None):
            return True
    return False


def body_start(lines: list[_Line]) -> int:
    """Index of the first line of the contract proper: after notices, 目录 and 使用说明."""
    first_main = next(
        (i for i, ln in enumerate(lines) if _main_label(ln.text)), len(lines)
    )
    start = 0
    title = next((i for i in range(first_main) if _is_title_line(lines[i].text)), None)
    if title is not None:
        start = title + 1
    while True:
        front = next(
            (i for i in range(start, first_main) if _is_front_heading(lines[i].text)), None
        )
        if front is None:
            return start
        end = next(
            (
                i
                for i in range(front + 1, len(lines))
                if _is_title_line(lines[i].text) or _PARTY_LINE_RE.match(_norm(lines[i].text))
            ),
            None,
        )
        if end is None:
            return start
        start = end
        first_main = max(
            first_main,
            next((i for i in range(end, len(lines)) if _main_label(lines[i].text)), len(lines)),
        )


def _main_label(line: str) -> bool:
    label = parse_label(line)
    return label is not None and label.family in ("chapter", "article", "part")


def _drop_toc(lines: list[_Line]) -> list[_Line]:
    """Remove a table of contents: heading-only lines up to where its first heading comes again
    (3+ entries when they start with 第X章/部分/条, 5+ for other numbers; 2/3 of lines entries)."""
    for i, line in enumerate(lines):
        label = parse_label(line.text)
        if label is None or label.family in ITEM_FAMILIES or not _is_toc_entry(line.text):
            continue
        key = (label.family, label.text)
        again = next(
            (
                k
                for k in range(i + 1, len(lines))
                if (lab := parse_label(lines[k].text)) is not None
                and (lab.family, lab.text) == key
            ),
            None,
        )
        if again is None:
            continue
        entries = sum(_is_toc_entry(ln.text) for ln in lines[i:again])
        least = 3 if label.family in CHAPTER_FAMILIES or label.family == "article" else 5
        if entries >= least and entries * 3 >= (again - i) * 2:
            return lines[:i] + lines[again:]
    return lines


def _is_toc_entry(line: str) -> bool:
    label = parse_label(line)
    if label is None or label.family in ITEM_FAMILIES:
        return False
    body = re.sub(r"[.．…·\s\d]+$", "", line[label.end:].strip())
    return len(body) <= 60 and not _SENTENCE_PUNCT.search(body)


# ------------------------------------------------------------------------------ the tree


def _build_tree(lines: list[_Line]) -> _Node:
    """Accept labels that continue a count; nest families in the order the document uses."""
    root = _Node(None, None)
    stack: list[_Node] = [root]
    last: dict[str, tuple[int, ...]] = {}  # last accepted value per family, whole document
    for line in lines:
        label = parse_label(line.text)
        placed = False
        if label is not None:
            placed = _place(label, line, stack, last)
        if placed:
            continue
        if line.soft and len(stack) > 1:
            top = stack[-1]
            if top.extra:
                top.extra[-1] += line.text
            else:
                top.body += line.text
            continue
        if len(stack) > 1:
            stack[-1].extra.append(line.text)
    return root


def _place(label: Label, line: _Line, stack: list[_Node], last: dict[str, tuple[int, ...]]) -> bool:
    fam = label.family
    if fam == "annex":
        # an annex closes the contract body: it needs clauses before it and a non-falling number
        if len(stack[0].children) == 0 or last.get(fam, (0,)) > label.value:
            return False
        del stack[1:]
        node = _Node(label, line, body=line.text[label.end:].strip(), parent=stack[0])
        stack[0].children.append(node)
        stack.append(node)
        last[fam] = label.value
        return True
    idx = next((i for i in range(len(stack) - 1, 0, -1) if stack[i].family == fam), None)
    strict = line.soft
    if idx is not None:
        prev = stack[idx].label
        assert prev is not None
        if not (_continues(prev.value, label.value, strict)
                or (fam in ITEM_FAMILIES and label.value == (1,))):
            return False
        parent = stack[idx - 1]
        del stack[idx:]
    else:
        if len(stack) == 1 and fam in ITEM_FAMILIES:
            return False  # a list before any clause is preamble
        depth = _open_depth(fam, stack)
        parent = stack[depth - 1]
        if not _starts(label, parent, last.get(fam), strict):
            return False
        del stack[depth:]
    node = _Node(label, line, body=line.text[label.end:].strip(), parent=parent)
    parent.children.append(node)
    stack.append(node)
    last[fam] = label.value
    return True


def _open_depth(fam: str, stack: list[_Node]) -> int:
    """How much of the stack a new family keeps: 第X条 never nests under 1.1 or (一), and a
    chapter only under a part."""
    depth = len(stack)
    if fam == "article":
        while depth > 1 and _is_fine(stack[depth - 1].family):
            depth -= 1
    elif fam in CHAPTER_FAMILIES:
        while depth > 1 and stack[depth - 1].family not in CHAPTER_FAMILIES:
            depth -= 1
    return depth


def _is_fine(fam: str) -> bool:
    return fam in ITEM_FAMILIES or fam.startswith(("dot", "dash"))


def _continues(prev: tuple[int, ...], new: tuple[int, ...], strict: bool) -> bool:
    """``new`` is the next sibling of ``prev`` (same prefix, count + 1; one gap allowed)."""
    if len(prev) != len(new):
        return False
    gap = 1 if strict else 2
    if prev[:-1] == new[:-1]:
        return 1 <= new[-1] - prev[-1] <= gap
    # 1.5 -> 2.1 when no "2." heading: the next top number with a fresh count below it
    return 1 <= new[0] - prev[0] <= gap and all(v == 1 for v in new[1:])


def _starts(label: Label, parent: _Node, last: tuple[int, ...] | None, strict: bool) -> bool:
    """``label`` may open a new level under ``parent``: it starts at 1 or continues its count."""
    value = label.value
    pv = parent.label.value if parent.label else None
    kind = label.family.rstrip("0123456789")
    if pv is not None and kind in ("dot", "dash") and parent.family.rstrip("0123456789") == kind:
        # 2.1 -> 2.1.1, 3-5 -> 3-5-1: a deeper number must extend its parent's
        return len(value) > len(pv) and value[: len(pv)] == pv and value[-1] == 1
    if last is not None and _continues(last, value, strict):
        return True  # 第X条 running across chapters
    if label.family in CHAPTER_FAMILIES and last is None and not strict:
        return True  # the first chapter met may be "第二部分" when the text starts mid-way
    if value[-1] != 1:
        return False
    if len(value) == 1:
        return True
    if pv is not None and (parent.family == "article" or parent.family in CHAPTER_FAMILIES):
        if value[0] == pv[0]:
            return True  # 第七章 -> 7.1, 第一条 -> 1-1
    if last is not None:
        return value[:-1] > last[:-1]
    return all(v == 1 for v in value[1:-1])


# ------------------------------------------------------------------------------ emission


def _chapter_family(root: _Node) -> str | None:
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


def _emit(root: _Node, text: str, contract: str, first_page: int | None) -> list[Clause]:
    out: list[Clause] = []
    chap_fam = _chapter_family(root)
    chapter: str | None = None
    chapter_title: str | None = None
    seen: set[str] = set()
    only_chapters = all(not c.children for c in root.children)
    in_annex = False

    def page_of(node: _Node) -> int | None:
        if first_page is None or node.line is None:
            return None
        return first_page + text.count(PAGE_BREAK, 0, node.line.offset)

    def add(node: _Node, cid: str, parent: str | None, level: int, body_lines: list[str]) -> str:
        if in_annex and chapter and not cid.startswith(chapter):
            cid = f"{chapter} {cid}"
        cid = _unique(cid, chapter, seen)
        title, body = _title_and_text(node.body, body_lines, bool(node.children))
        out.append(
            Clause(
                contract=contract, clause=cid, chapter=chapter, chapter_title=chapter_title,
                text=body, page=page_of(node), title=title, parent=parent, level=level,
                text_simplified=_to_simplified(body),
            )
        )
        return cid

    def walk(node: _Node, parent_id: str | None, level: int) -> None:
        assert node.label is not None
        items, clauses = _split_items(node)
        promote = _promote(items)
        own = list(node.extra)
        if not promote:
            for it in items:
                own.extend(_flatten(it))
        cid = add(node, _clause_id(node, parent_id), parent_id, level, own)
        if promote:
            for it in items:
                assert it.label is not None
                sub = _Node(it.label, it.line, it.body, [], [], node)
                add(sub, cid + _item_suffix(it.label), cid, level + 1,
                    [ln for c in it.children for ln in _flatten(c)] + it.extra)
        for child in clauses:
            walk(child, cid, level + 1)

    for top in root.children:
        if top.family == "annex" or (chap_fam is not None and top.family == chap_fam):
            assert top.label is not None
            in_annex = top.family == "annex"
            chapter = top.label.text
            chapter_title = _chapter_title(top.body)
            items, clauses = _split_items(top)
            own = list(top.extra) + [ln for it in items for ln in _flatten(it)]
            if (
                not top.body
                and top.extra
                and not top.extra[0].endswith((":", "：", "︰"))
                and _chapter_title(top.extra[0]) is not None
            ):
                chapter_title = _chapter_title(own.pop(0))  # "第一章" / "总则" on two lines
            if chapter_title is None and top.body:
                own.insert(0, top.body)
            if own or (not clauses and only_chapters and top.body):
                cid = _unique(chapter, chapter, seen)
                out.append(
                    Clause(
                        contract=contract, clause=cid, chapter=chapter,
                        chapter_title=chapter_title, text="\n".join(own) or top.body,
                        page=page_of(top), title=chapter_title, parent=None, level=1,
                        text_simplified=_to_simplified("\n".join(own) or top.body),
                    )
                )
            for child in clauses:
                walk(child, None, 1)
        else:
            if chap_fam is None:
                chapter = chapter_title = None
            walk(top, None, 1)
    return out


def _split_items(node: _Node) -> tuple[list[_Node], list[_Node]]:
    """Children that are list items of ``node`` and children that are clauses."""
    if node.label is None:
        return [], node.children
    structural_parent = node.family not in ITEM_FAMILIES
    items: list[_Node] = []
    clauses: list[_Node] = []
    for child in node.children:
        fam = child.family
        is_item = fam in ITEM_FAMILIES or (
            structural_parent and node.family not in CHAPTER_FAMILIES and fam in ("cn", "dot1")
        )
        if node.family in CHAPTER_FAMILIES or (node.family == "cn" and fam == "article"):
            is_item = False
        (items if is_item else clauses).append(child)
    return items, clauses


def _promote(items: list[_Node]) -> bool:
    if len(items) < 2:
        return False
    sizes = [len(it.body) + sum(len(x) for x in it.extra) for it in items]
    return sum(sizes) / len(sizes) > ITEM_PROMOTE_CHARS


def _flatten(node: _Node) -> list[str]:
    """A list item and everything under it as text lines, labels kept."""
    assert node.line is not None
    out = [node.line.text, *node.extra]
    for c in node.children:
        out.extend(_flatten(c))
    return out


def _clause_id(node: _Node, parent_id: str | None) -> str:
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
    if not title or len(title) > 30 or _SENTENCE_PUNCT.search(title):
        return None
    return title


def _title_and_text(body: str, extra: list[str], has_children: bool) -> tuple[str | None, str]:
    """A short punctuation-free body followed by paragraphs or sub-clauses is a heading."""
    body = body.strip()
    title_like = (
        0 < len(body) <= TITLE_MAX
        and not _HEADING_PUNCT.search(body)
        and (extra or has_children)
    )
    if title_like:
        return body, "\n".join(extra) if extra else body
    lines = [body, *extra] if body else list(extra)
    return None, "\n".join(lines)


def _to_simplified(text: str) -> str:
    try:
        from .normalize import to_simplified

        return to_simplified(text)
    except (ImportError, NotImplementedError):
        return _opencc_t2s(text)


_CONVERTER = None


def _opencc_t2s(text: str) -> str:
    global _CONVERTER
    if _CONVERTER is None:
        import opencc

        _CONVERTER = opencc.OpenCC("t2s")
    return str(_CONVERTER.convert(text))
