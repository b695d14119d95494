"""Body lines -> a tree of numbered nodes, nested in the order the document uses its families.

OWNER: clause tree. A label is accepted only when it continues its family's count; everything
else is text of the node above it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..numerals import CN_NUM, cn_to_int, int_to_cn
from .body import Line
from .closing import SIGNATURE
from .numbering import (
    CHAPTER_FAMILIES,
    ITEM_FAMILIES,
    Label,
    annex_of_part,
    letter_heading,
    parse_label,
)
from .parties import names_parties


@dataclass
class Node:
    """A numbered line and what belongs to it: its body, unnumbered lines after it, children."""

    label: Label | None
    line: Line | None
    body: str = ""
    extra: list[str] = field(default_factory=list)  # unnumbered lines that follow
    children: list[Node] = field(default_factory=list)
    parent: Node | None = None
    listing: bool = False  # a bare "附件：" heading over a list of the annexes, not an annex
    nested: bool = False  # a list restarting at 1. under a clause of a family used above (12.4.6)
    after: list[str] = field(default_factory=list)  # its lines after its children (lists.py)
    gave: int = 0  # characters of its lines it gave back to its parent (lists.py)

    @property
    def family(self) -> str:
        return self.label.family if self.label else "root"


def build_tree(lines: list[Line], *, titled: bool = False) -> Node:
    """Accept labels that continue a count; nest families in the order the document uses.
    ``titled``: a contract's title stands above ``lines`` (they are a whole contract's)."""
    root = Node(None, None)
    stack: list[Node] = [root]
    last: dict[str, tuple[int, ...]] = {}  # last accepted value per family, whole document
    used: set[tuple[str, tuple[int, ...]]] = set()  # every label accepted so far
    labels = [Label("annex", (0,), "附件", 0) if line.annex else parse_label(line.text)
              for line in lines]
    # an annex named again further on: this one is a line of a list of the annexes
    final_annex = {_annex_key(lab): k for k, lab in enumerate(labels)
                   if lab is not None and lab.family == "annex"}
    listed = _listed_annexes(lines, labels)
    _resume(lines, labels, stack, last, whole=titled)
    for k, (line, label) in enumerate(zip(lines, labels, strict=True)):
        if label is not None and label.family == "annex" and (
                final_annex[_annex_key(label)] > k or k in listed):
            label = None
        placed = False
        if line.signature:
            _place_signature(line, stack)
            continue
        if label is None:
            label = _section(line, stack)
        if label is not None:
            placed = _place(label, line, stack, last, used, opens=_opens(labels, k))
        if placed:
            assert label is not None
            used.add((label.family, label.value))
            stack[-1].listing = k + 1 in listed
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


def _resume(lines: list[Line], labels: list[Label | None], stack: list[Node],
            last: dict[str, tuple[int, ...]], *, whole: bool) -> None:
    """A text that starts mid-way through a contract (a scan of two of its pages): its first
    clause number is 第六条, with 第七条 the next, instead of 第一条. The count resumes there,
    and the lines above it, the foot of the clause before it, are that clause (第五条), not a
    preamble: what the pages say stays cited as the contract cites it. Not when a 第一条
    follows (articles of a law quoted above a contract's own). A text that is a ``whole``
    contract (its title above the lines) or whose lines above the first clause name its
    parties as a preamble does (甲方：… 乙方：…) is no such pages: when OCR lost its 第一条
    heading it counts on from 第二条 too, but what is above stays its preamble, no 第一条."""
    numbered = [(k, lab) for k, lab in enumerate(labels)
                if lab is not None and lab.family not in ITEM_FAMILIES]
    if not numbered or numbered[0][1].family != "article" or any(
            lab.family == "article" and lab.value == (1,) for _, lab in numbered):
        return
    k, first = numbered[0]
    (n,) = first.value if len(first.value) == 1 else (0,)
    following = next((lab for _, lab in numbered[1:] if lab.family == "article"), None)
    if n < 2 or following is None or following.value != (n + 1,):
        return
    last["article"] = (n - 1,)
    if k == 0 or whole or names_parties("\n".join(line.text for line in lines[:k])):
        return
    number = str(n - 1) if first.text[1:-1].isdigit() else int_to_cn(n - 1)
    before = Label("article", (n - 1,), f"第{number}{first.text[-1]}", 0)
    node = Node(before, lines[0], parent=stack[0])
    stack[0].children.append(node)
    stack.append(node)


def _listed_annexes(lines: list[Line], labels: list[Label | None]) -> set[int]:
    """Lines of a list of the annexes under a bare "附件：" line: two or more in a row, each
    an annex's name after a colon ("附件一：《岗位说明书》"), the annexes not attached. Headings
    ("附件一Ａ　合同产品目录（略）") are annexes, however short."""
    listed: set[int] = set()
    for k, label in enumerate(labels):
        if label is None or label.family != "annex" or label.value != (0,):
            continue
        run = k + 1
        while (run < len(labels) and (lab := labels[run]) is not None and lab.family == "annex"
               and lines[run].text[:lab.end].rstrip().endswith(("：", ":"))):
            run += 1
        if run - k > 2:
            listed.update(range(k + 1, run))
    return listed


def _section(line: Line, stack: list[Node]) -> Label | None:
    """The letter of a section of an annex (Ａ．安装及初始改制 … Ｂ．初始培训服务): an A. heading
    right under the annex's own lines, or the next letter after a section's."""
    label = letter_heading(line.text)
    if label is None:
        return None
    if label.value == (1,) and stack[-1].family == "annex":
        return label
    at = _same_family(stack, "letter", len(stack))
    return label if at is not None and _continues(_value(stack[at]), label.value, True) else None


def _place_signature(line: Line, stack: list[Node]) -> None:
    """The signature block: a clause of its own after the last one (in its annex, if any; a
    list of the annexes is no annex)."""
    keep = 2 if len(stack) > 1 and stack[1].family == "annex" and not stack[1].listing else 1
    del stack[keep:]
    node = Node(Label("signature", (0,), SIGNATURE, 0), line, extra=[line.text],
                parent=stack[-1])  # its first line is text, not a heading
    stack[-1].children.append(node)
    stack.append(node)


# "附件 8 ：履约担保格式附件 9 ：预付款担保格式": a list of the annexes, each number with its title
_LISTED_ANNEX = re.compile(
    rf"附\s*件\s*({CN_NUM}|\d+)\s*[：:]\s*([^：:\n]{{2,30}}?)[ \t\u3000]*"
    rf"(?=附\s*件\s*(?:{CN_NUM}|\d+)\s*[：:]|\n|$)"
)


def listed_annex_titles(text: str) -> dict[int, str]:
    """The titles a list of the annexes gives them, by number ({8: "履约担保格式"}): for an
    annex whose own heading has none (附件8： over its addressee line)."""
    titles: dict[int, str] = {}
    for m in _LISTED_ANNEX.finditer(text):
        number = cn_to_int(m.group(1))
        title = m.group(2).strip()
        if number and not re.search(r"[。；;，,、（(]|附\s*件", title):
            titles.setdefault(number, title)
    return titles


def _annex_key(label: Label) -> tuple[tuple[int, ...], str]:
    """附件三 and 附件3 alike; 附件一A and 附件一B apart."""
    return label.value, label.text[-1] if annex_of_part(label) else ""


def _opens(labels: list[Label | None], k: int) -> bool:
    """Whether the next clause label after line ``k`` numbers the first clause under it (3.
    followed by 3.1): a heading of the document's count rather than an item of a list."""
    label = labels[k]
    if label is None or not label.family.startswith("dot"):
        return False
    nxt = next((lab for j in range(k + 1, len(labels)) if (lab := labels[j]) is not None
                and lab.family not in ITEM_FAMILIES), None)  # no copy: linear in all
    return nxt is not None and nxt.family.startswith("dot") and nxt.value == (*label.value, 1)


def _place(label: Label, line: Line, stack: list[Node], last: dict[str, tuple[int, ...]],
           used: set[tuple[str, tuple[int, ...]]], *, opens: bool = False) -> bool:
    """Put ``label``'s node where it continues a count (False: it does not, it is text);
    ``opens``: numbers under it follow (3. then 3.1), so it ends a list nested above."""
    fam = label.family
    if fam == "annex":
        # an annex closes the contract body: it needs clauses before it
        if len(stack[0].children) == 0:
            return False
        del stack[1:]
        node = Node(label, line, body=line.text[label.end:].strip(), parent=stack[0])
        stack[0].children.append(node)
        stack.append(node)
        last[fam] = label.value
        return True
    idx = _same_family(stack, fam, len(stack))
    strict = line.soft
    while idx is not None and stack[idx].nested:  # has the list nested there ended?
        outer = _same_family(stack, fam, idx)
        if _continues(_value(stack[idx]), label.value, True) and not (
                opens and outer is not None and _continues(_value(stack[outer]), label.value,
                                                           strict)):
            break  # its next item (not a heading of the count above that goes on: 3. > 3.1)
        idx = outer
    if idx is not None and _nests_list(label, stack, idx):
        node = Node(label, line, body=line.text[label.end:].strip(), parent=stack[-1],
                    nested=True)
        stack[-1].children.append(node)
        stack.append(node)
        return True  # (its count is not the document's: ``last`` keeps the one above)
    if idx is not None:
        prev = stack[idx].label
        assert prev is not None
        if not (_continues(prev.value, label.value, strict)
                or (fam in ITEM_FAMILIES and label.value == (1,))
                or (not strict and (fam, label.value) in used
                    and len(label.value) == len(prev.value) and label.value > prev.value)):
            return False  # (a label met before may skip ahead: 专用条款 list what they change)
        parent, nested = stack[idx - 1], stack[idx].nested
        del stack[idx:]
    else:
        if len(stack) == 1 and fam in ITEM_FAMILIES:
            return False  # a list before any clause is preamble
        depth = _open_depth(fam, stack)
        parent, nested = stack[depth - 1], False
        if not _starts(label, parent, last.get(fam), strict):
            return False
        del stack[depth:]
    node = Node(label, line, body=line.text[label.end:].strip(), parent=parent, nested=nested)
    parent.children.append(node)
    stack.append(node)
    if not nested:  # a nested list's count is not the document's
        last[fam] = label.value
    return True


def _same_family(stack: list[Node], fam: str, below: int) -> int | None:
    """The index of the innermost node of family ``fam`` in ``stack[:below]`` (not the root)."""
    return next((i for i in range(below - 1, 0, -1) if stack[i].family == fam), None)


def _value(node: Node) -> tuple[int, ...]:
    return node.label.value if node.label else ()


def _nests_list(label: Label, stack: list[Node], idx: int) -> bool:
    """A "1." opening a list under a deeper numbered clause although "N." numbers the clauses
    above it (Word numbering: 12. > 12.4 > 12.4.6 > 1. / 2.)."""
    top = stack[-1]
    return (label.family == "dot1" and label.value == (1,) and idx < len(stack) - 1
            and top.family.startswith("dot") and top.family != "dot1")


def _open_depth(fam: str, stack: list[Node]) -> int:
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


def _starts(label: Label, parent: Node, last: tuple[int, ...] | None, strict: bool) -> bool:
    """``label`` may open a new level under ``parent``: it starts at 1 or continues its count."""
    value = label.value
    pv = parent.label.value if parent.label else None
    kind = label.family.rstrip("0123456789")
    if pv is not None and kind in ("dot", "dash") and parent.family.rstrip("0123456789") == kind:
        # 2.1 -> 2.1.1, 3-5 -> 3-5-1: a deeper number must extend its parent's; one level
        # deeper it may start past 1 (特别条款 list only the clauses they change: 8. -> 8.4)
        return (len(value) > len(pv) and value[: len(pv)] == pv
                and (value[-1] == 1 or len(value) == len(pv) + 1))
    if last is not None and label.family not in ITEM_FAMILIES and _continues(last, value, strict):
        return True  # 第X条 running across chapters; a list starts at (1) under each clause
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

