"""Whether a line break falls inside a sentence: the one rule PDF, OCR, DOCX and text sources
share to join "买受人未收到交\\n付通知书的" while keeping headings, list items, form fields,
table rows and party lines on lines of their own.

A break is inside a sentence when the text before it ends with a Chinese character (or an
opening mark, a comma) and is not a heading or a ``label：value`` field, and the text after it
goes on with a Chinese character (or closing punctuation) without starting a new item.
"""

from __future__ import annotations

import re

from ..numerals import starts_with_label
from ..roles import PARTY_ALT, ROLE_ALT
from ..text import HAN

_WORD = re.compile(rf"[{HAN}A-Za-z0-9]")
# A word no sentence ends with ("…对此种支持的" / "费率将是：…"): what follows goes on with it.
_DANGLING = re.compile(r"(?:的|和|与|及|或|在|对|将|为|按|以|向|由|被|把|从|于|之|其|并|且|应|是)$")
_ENDS_OPEN = re.compile(rf"[{HAN}，、（《“‘]$")
_GOES_ON = re.compile(rf"^[{HAN}，。、；：）》”’！？]")
# A field or table row: a short name and a colon ("甲方：现金＿＿元", "项目：冷水；单价：3").
_FIELD = re.compile(r"^[^，。；;：:\s]{1,12}[：:︰]")
_ROW = re.compile(r"^[^：:]{1,12}[：:][^；;]*[；;][^：:；;]{1,12}[：:]")
_FIELD_LINE_MAX = 30  # a longer line that starts like a field is prose ("定义：本合同中…")
# Lines that start something of their own: a party or signature line, an annex, a note.
_NEW_ITEM = re.compile(
    rf"^(?:(?:{PARTY_ALT}|{ROLE_ALT})\s*[（(：:︰]|附\s*件\s*[零〇一二三四五六七八九十\d]"
    r"|注\s*[：:]|[※★●■◆▲□√☑]|签\s*[订字章署]|日\s*期|地\s*址|电\s*话)"
)
_LABEL_HEAD = re.compile(
    r"^\s*(?:第\s*\S{1,6}?\s*[章节節条條款部分篇]|[（(]\s*\S{1,3}\s*[）)]|\S{1,4}\s*[、．.]"
    r"|\d+(?:\.\d+)+|附\s*件\s*[零〇一二三四五六七八九十\d]+[A-Z]?|[A-Z]\s)\s*"
)
_PUNCT = re.compile(r"[，。；;：:,！!？?□☐■＿_]|[ \u3000]{2}")  # blanks and boxes: a form
_SENTENCE_END = re.compile(r"[。；;！!？?：:]")
_FULL_STOP = re.compile(r"[。；;！!？?]")
_SHORT = 15  # a line this short ends where it does on purpose, unless it is mid-sentence
_HEADING_MAX = 24  # characters of a heading ("第十二条 交付时间和手续" after its label)
# "第十三条的约定", "第 20 条〔争议解决〕": a reference going on with the sentence, not a label.
_REFERENCE = re.compile(
    r"^第\s*[零〇一二三四五六七八九十百\d]+\s*[条條款项項目章节節]\s*"
    r"(?:的|规定|規定|约定|約定|所|之|第|、|和|及|或|至|中|〔|项下|項下)"
)


def is_heading(line: str) -> bool:
    """A title or heading line: short and without punctuation once its label is off."""
    body = _LABEL_HEAD.sub("", line.strip(), count=1)
    return len(body) <= _HEADING_MAX and not _PUNCT.search(body)


def is_field(line: str) -> bool:
    """A ``name：value`` line of a form, or a table row (``列名：值；列名：值``)."""
    line = line.strip()
    return bool(_ROW.match(line)) or (bool(_FIELD.match(line)) and len(line) <= _FIELD_LINE_MAX)


def starts_new_line(before: str, after: str) -> bool:
    """``after`` starts an item of its own: a clause label, a party, signature or note line, or
    the next field of a list of fields ("人数：…" / "目的：…")."""
    if starts_with_label(after) and not _REFERENCE.match(after):
        return True
    if _NEW_ITEM.match(after):
        return True
    field = _FIELD.match(after)
    if field is None or _DANGLING.search(before):
        return False
    last = _LABEL_HEAD.sub("", before.rsplit("\n", 1)[-1].strip(), count=1)
    # "…以" / "下内容：" goes on; "名称：（签章）" with a value, or in a list of fields, does not
    return bool(_FIELD.match(last)) or bool(_WORD.search(after[field.end():]))


def continues_sentence(before: str, after: str) -> bool:
    """Whether ``after`` goes on with a sentence (or a word) that ``before`` leaves open."""
    a, b = before.rstrip(" \t\u3000"), after.lstrip(" \t\u3000")
    if not _ENDS_OPEN.search(a) or not _GOES_ON.match(b):
        return False
    last = a.rsplit("\n", 1)[-1]
    tail = _SENTENCE_END.split(last)[-1]  # the sentence (or the field's value) left open
    # a heading: the whole line ("第 3 种方式：承包人直接实施的暂估价项目" too), or a numbered
    # one run on after a sentence ("…签订。十一、补充协议")
    whole = _FULL_STOP.split(last)[-1] == last
    heading = is_heading(tail) and (whole or bool(_LABEL_HEAD.match(tail)))
    if heading or is_field(last) or (len(last) < _SHORT and "，" not in tail):
        return False
    if is_heading(b.split("\n", 1)[0]):
        return False  # a heading line of its own follows
    return not starts_new_line(a, b)
