"""The end of a contract: its signature block, and notes printed after the contract.

A signature block ("甲方（签名/盖章）： 乙方（签名/盖章）：", "法定代表人：", "年 月 日") is not
text of the last clause. Filled in (a name, a place, a date after its labels), it becomes a
clause of its own, ``签署`` (``附件四 签署`` in an annex), so that the signing parties, place and
date can be found; left blank (a template), it is dropped. Notes after the contract (填写说明,
评述 …: how to fill the form in, an editor's commentary) are dropped up to the next annex.
"""

from __future__ import annotations

import re

from ..roles import PARTY_ALT, ROLE_ALT
from ..text import HAN
from .numbering import CHAPTER_FAMILIES, parse_label

SIGNATURE = "签署"  # the id of a signature block's clause
# A line that asks for a signature or a seal ("甲方（签名/盖章）：", "签字：＿＿",
# "发包人：（公章）"), or names the parties signing ("立契約書人"); not a sentence about signing.
_SIGN_RE = re.compile(
    r"[（(【][^（()）【】]{0,10}(?:签|簽|盖|蓋|章|印)[^（()）【】]{0,10}[）)】]"
    r"|(?:签字|簽字|签名|簽名|签章|簽章|盖章|蓋章|签署地点|簽署地點|签署日期|簽署日期"
    r"|签订地点|簽訂地點|签约地点|簽約地點|签订时间|簽訂時間|签约时间|簽約時間)\s*[：:]"
    # "出租方（甲方）：        承租方（乙方）：": both parties' labels, to be filled in
    rf"|^[^，。；;：:]{{0,8}}(?:{PARTY_ALT})[^，。；;：:]{{0,4}}[：:][\s_＿]*"
    rf"[^，。；;：:]{{0,12}}(?:{PARTY_ALT})[^，。；;：:]{{0,4}}[：:][\s_＿]*$"
    r"|按手印|公章粘贴处|^(?:\$\{[^}]*\})?立(?:契约书|契約書|约|約|协议书|協議書)人"
)
_NAME_LINE_RE = re.compile(r"^[^，。；;：:、,（(]{2,30}$")  # "“拥有”计算机股份有限公司"
# A party's block without a word of signing: "甲方：某某股份有限公司" over "负责人：…",
# "统一编号：…", "地址：…".
_PARTY_COLON_RE = re.compile(rf"^\s*(?:{PARTY_ALT})\s*[：:]")
_CONTACT_RE = re.compile(
    r"^\s*(?:负责人|負責人|法定代表人|代表人|统一编号|統一編號|统一社会信用代码|統一社會信用代碼"
    r"|地址|住所|电话|電話|联系电话|聯絡電話)\s*[：:]"
)
# An annex without a number after the signature block: a title naming a list or a form
# ("房 屋 交 割 清 单"), which also ends the signature block.
_ANNEX_TITLE_RE = re.compile(
    r"^[^：:，,。；;、（()）]{2,20}(?:清单|清單|清册|清冊|交割单|交割單|明细表|明細表|一览表|一覽表"
    r"|附表|确认书|確認書)$"
)
_NOTES = frozenset({"填写说明", "填寫說明", "使用说明", "使用說明", "评述", "評述", "编者按",
                    "編者按"})
_ENDS = CHAPTER_FAMILIES  # what ends a signature block or notes: an annex, part or chapter
# Labels that would mean more clauses follow: a "signature" line before them is not the end.
_CLAUSE_FAMILIES = frozenset({"article", "cn", "cn_paren", "num_paren", "circled", "dot1", "dot2",
                              "dot3", "dot4", "dash2", "dash3", "dash4"})


def _family(text: str) -> str | None:
    label = parse_label(text)
    return None if label is None else label.family


def drop_notes(texts: list[str], first: int) -> list[int]:
    """Indices of the lines kept: notes after the contract (a heading such as 填写说明 or 评述
    at or after line ``first``, where the clauses begin) are left out up to the next annex."""
    keep: list[int] = []
    dropping = False
    for k, text in enumerate(texts):
        if k >= first and re.sub(r"[\s\u3000]+", "", text) in _NOTES:
            dropping = True
        elif dropping and _family(text) == "annex":
            dropping = False
        if not dropping:
            keep.append(k)
    return keep


def _is_sentence(text: str) -> bool:
    """A line of prose (退房确认：甲乙双方已对…进行了验收。), which no signature block holds."""
    return len(text) > 40 and "。" in text


def is_annex_title(text: str) -> bool:
    """A line that titles an unnumbered annex after the signature block ("房屋交割清单")."""
    return _ANNEX_TITLE_RE.match(re.sub(r"[\s\u3000]+", "", text)) is not None


def signature_starts(texts: list[str], first: int) -> set[int]:
    """Indices of the lines that start a signature block: a line asking for a signature or a
    seal (with the company name line just above it, if any), after line ``first``, followed by
    no more clauses before the next annex, part or chapter (or the end)."""
    starts: set[int] = set()
    k = first
    while k < len(texts):
        text = texts[k]
        signs = _SIGN_RE.search(text) is not None or (
            _PARTY_COLON_RE.match(text) is not None and k + 1 < len(texts)
            and _CONTACT_RE.match(texts[k + 1]) is not None)
        if not signs or re.search(r"[。，,]", text) or len(text) > 120:
            k += 1
            continue
        end = next((j for j in range(k + 1, len(texts))
                    if _family(texts[j]) in _ENDS or is_annex_title(texts[j])), len(texts))
        if any(_family(texts[j]) in _CLAUSE_FAMILIES or _is_sentence(texts[j])
               for j in range(k + 1, end)):
            k += 1  # more clauses or sentences follow: a form's row to sign, not the end
            continue
        above = k - 1
        name = (above > first and _NAME_LINE_RE.match(texts[above]) is not None
                and _family(texts[above]) is None)
        starts.add(above if name else k)
        k = end
    return starts


# What a signature block's line holds besides its values: prompts "（签字或盖章）" "【法定代表人】",
# labels "法定代表人：", party words, blanks and unfilled ${fields}, the date's 年 月 日.
_NOT_VALUE = re.compile(
    rf"[（(【][^（()）【】]{{0,12}}[）)】]|[^：:；;\s]{{1,16}}[：:︰]|{PARTY_ALT}|{ROLE_ALT}"
    r"|\$\{[^}]*\}|[_＿]+|[年月日]"
)
_VALUE_CHAR = re.compile(rf"[{HAN}A-Za-z0-9]")


def is_filled(lines: list[str]) -> bool:
    """Whether a signature block holds a value after one of its labels (a name, a place, a
    date; four characters or a digit): "签署地点：杭州市西湖区" yes; "甲方（签名/盖章）：
    乙方（签名/盖章）：", "地    址：", "方：住所（通讯地址）" no."""
    for line in lines:
        for part in re.split(r"[；;]", re.sub(r"\s+", "", line)):
            _, colon, value = part.partition("：") if "：" in part else part.partition(":")
            left = _VALUE_CHAR.findall(_NOT_VALUE.sub("", value)) if colon else []
            if len(left) >= 4 or any(ch.isdigit() for ch in left):
                return True
    return False
