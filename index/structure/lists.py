"""Where a list ends: the lines after a clause's last item that are the clause's own again.

OWNER: clause tree. Unnumbered lines belong to the numbered line above them, so a list's last
item also took what follows the list: its parent's next way ("第 2 种方式：" after the items of
"第 1 种方式："), section (B. after A.'s items) or closing paragraph ("…采用上述第（1）种方式。").
"""

from __future__ import annotations

import re

from ..text import printed_length
from .numbering import CHAPTER_FAMILIES, ITEM_FAMILIES, ordinal_of
from .tree import Node

# A paragraph that speaks of the items above it, so is not one of them.
_REFERS_BACK = re.compile(r"上述|上列|前述|前列|上開|上开|上揭")
_ITEM_ENDS = ("。", "；", ";", ".")


def split_items(node: Node) -> tuple[list[Node], list[Node]]:
    """Children that are list items of ``node`` and children that are clauses."""
    if node.label is None:
        return [], node.children
    structural_parent = node.family not in ITEM_FAMILIES
    items: list[Node] = []
    clauses: list[Node] = []
    for child in node.children:
        fam = child.family
        is_item = fam in ITEM_FAMILIES or (
            structural_parent and node.family not in CHAPTER_FAMILIES and fam in ("cn", "dot1")
        )
        if node.family in CHAPTER_FAMILIES or (node.family == "cn" and fam == "article"):
            is_item = False
        (items if is_item else clauses).append(child)
    return items, clauses


def end_lists(root: Node) -> None:
    """Give back to each clause the lines after its last item that are its own: from a line
    going on with an ordinal of the clause's own lines (第 1 种 -> 第 2 种, A. -> B.), or, after
    items of one paragraph each, from a paragraph that speaks of them (上述, 上列, 前述)."""
    stack = list(root.children)
    while stack:
        node = stack.pop()
        for child in node.children:  # a second list may follow "第 2 种方式：" in turn
            leaf = _last_leaf(child)
            at = _next_ordinal(node, leaf.extra)
            if at is None and child is node.children[-1] and leaf is child:
                at = _closing(node)
            if at is not None:
                node.after.extend(leaf.extra[at:])
                child.gave += sum(map(printed_length, leaf.extra[at:]))
                del leaf.extra[at:]
        stack.extend(node.children)


def _last_leaf(node: Node) -> Node:
    """The node that took the lines after ``node`` and all under it."""
    while node.children:
        node = node.children[-1]
    return node


def _next_ordinal(node: Node, lines: list[str]) -> int | None:
    """The first of ``lines`` that goes on with an ordinal opening one of ``node``'s lines."""
    own = {o for line in (node.body, *node.extra, *node.after)
           if (o := ordinal_of(line)) is not None}
    if not own:
        return None
    return next((k for k, line in enumerate(lines)
                 if (o := ordinal_of(line)) is not None and (o[0], o[1] - 1) in own), None)


def _closing(node: Node) -> int | None:
    """0 when the paragraphs after ``node``'s last item close its list: every item is one
    paragraph, the last ends a sentence, and the paragraph after it speaks of the items."""
    if node.family in CHAPTER_FAMILIES:
        return None
    items, clauses = split_items(node)
    if clauses or len(items) < 2 or any(it.extra or it.children for it in items[:-1]):
        return None
    last = items[-1]
    ends = last.body.rstrip().endswith(_ITEM_ENDS)
    return 0 if ends and last.extra and _REFERS_BACK.search(last.extra[0]) else None
