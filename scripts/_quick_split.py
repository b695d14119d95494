"""TEMPORARY scaffolding: a crude splitter for the sample contracts until index.parse lands.

Not library code; used only by scripts/evaluate.py --quick-split.
"""

from __future__ import annotations

import re
from pathlib import Path

from index.models import Clause, Contract
from index.query import normalize_text

_CN = "一二三四五六七八九十"


def quick_parse(path: Path) -> Contract:
    raw = path.read_text("utf-8")
    text = normalize_text(raw).replace("(wù)", "").replace("(", "(")
    text = re.sub(r"\([a-z\u00e0-\u01dc]{1,8}\)", "", text)  # pinyin after Traditional chars
    text = re.sub(rf"(第[{_CN}]+章)", r"\n\1", text)
    text = re.sub(r"(?<![\d.])(\d{1,2}(?:\.\d{1,2}){1,3})(?=[^\d.%])", r"\n\1 ", text)
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    key = path.stem
    title = ""
    for ln in lines:
        m = re.search(r"([\u4e00-\u9fff]{4,30}(?:合同|协议))", ln)
        if m:
            title = m.group(1)
            break
    clauses: list[Clause] = []
    chapter = chapter_title = None
    cur: dict | None = None
    end = False
    for ln in lines:
        if clauses and re.match(r"文档评论|相关文档|版权说明", ln):
            end = True
        if end:
            break
        m = re.match(rf"^(第[{_CN}]+章)\s*(.{{0,20}}?)(?=\d|$)", ln)
        if m and len(ln) < 40:
            chapter, chapter_title = m.group(1), m.group(2).strip()
            cur = None
            continue
        m = re.match(r"^(\d{1,2}(?:\.\d{1,2}){1,3})\s*(.*)$", ln)
        if m and chapter:
            num = m.group(1)
            parent = num.rsplit(".", 1)[0] if num.count(".") >= 2 else None
            cur = {"clause": num, "text": m.group(2), "parent": parent,
                   "level": num.count("."), "chapter": chapter, "chapter_title": chapter_title}
            clauses.append(cur)  # type: ignore[arg-type]
            continue
        if cur is not None:
            cur["text"] += ln
    out = tuple(
        Clause(contract=key, clause=c["clause"], chapter=c["chapter"],
               chapter_title=c["chapter_title"], text=c["text"], parent=c["parent"],
               level=c["level"], text_simplified=c["text"])
        for c in clauses
    )
    return Contract(key=key, title=title, clauses=out, source=str(path))
