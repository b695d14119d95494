"""The contract's title and the roles of its parties, read from the text before the clauses.

Both are kept in the source script (Traditional stays Traditional); only layout spaces
("劳 动 合 同") are removed. ``TITLE_RE`` is the one pattern of a contract's title line.
"""

from __future__ import annotations

import re

from ..roles import JOINT_VENTURERS, PARTIES, PARTY_ALT, ROLE_ALT, ROLE_VERBS, alternation
from .numbering import ITEM_FAMILIES, parse_label

_PREAMBLE_CHARS = 6000  # party lines live in the first pages
_KIND = r"(?:合同|协议|協議|契约|契約|合约|合約)(?:书|書)?"
TITLE_RE = re.compile(rf"^[^\s，。：:；;、,]{{0,40}}?{_KIND}(?:[（(][^）)]{{1,12}}[）)])?$")
# A title glued to what follows it: "…升級服務合同合同編號:___", "…合同甲方(…):".
_GLUED_TITLE_RE = re.compile(
    rf"^([^\s，。：:；;、,]{{2,40}}?{_KIND})(?=合同编号|合同編號|编号|編號|甲方|乙方|立约|立約)"
)
_VARIANT_RE = re.compile(r"[（(][一二三四五六七八九十\d]{1,3}[）)]$")  # "技术服务合同（一）"
_PARTY = rf"({PARTY_ALT})"
_FORWARD_RE = re.compile(rf"{_PARTY}\s*[（(]([^（()）\n]{{1,24}})[）)]")
_REVERSE_RE = re.compile(
    rf"(?:^|[\s：:，,；;])([^\s：:（()）_＿]{{2,12}}?)\s*[（(]\s*{_PARTY}\s*[）)]"
)
_ROLE_THEN_PARTY_RE = re.compile(
    rf"(?:^|\n)\s*([^\s：:（()）_＿]{{1,10}}[方人])\s*[：:︰][\s_＿]*\n?\s*[（(]\s*{_PARTY}\s*[）)]"
)
# A line naming a party, as a preamble does: "甲方：", "出租方（甲方）：", "乙方（承租人）：".
_PARTY_LINE_RE = re.compile(
    rf"(?m)^[ \t\u3000]*(?:[^\s：:（()）]{{1,10}}[（(][ \t\u3000]*)?{_PARTY}[ \t\u3000]*[）)]?"
    r"[ \t\u3000]*(?:[（(][^）)\n]{0,12}[）)])?[ \t\u3000]*[：:︰]")
# "出租人 ${name}（以下簡稱甲方）": a known role word, a name, then the party it is called.
_CALLED_RE = re.compile(
    rf"(?<![被])({ROLE_ALT})[\s:：︰]*[^\n（]{{0,120}}?[（(]\s*以下(?:简称|簡稱)\s*{_PARTY}\s*[）)]"
)
# Parties named by their role only, in the order the preamble introduces them: "出卖人：",
# "发包人（全称）：", "…公司（以下简称许可方）".
_ROLE_LINE_RE = re.compile(
    rf"(?m)(?:^|[ \t\u3000])[ \t\u3000]*({ROLE_ALT})[ \t\u3000]*(?:[（(][^）)\n]{{0,10}}[）)])?"
    r"[ \t\u3000]*[：:︰]"
)
_CALLED_ROLE_RE = re.compile(
    rf"[（(]\s*以下(?:简称|簡稱)\s*[“「\"]?({ROLE_ALT})[”」\"]?\s*[）)]"
)
# A joint venture's parties: "中国×××公司（以下简称甲方）" in the section 合营各方.
_VENTURERS_HEADING = re.compile(r"合[营營]各方")
_VENTURER_RE = re.compile(
    rf"(?m)^\s*([^\s（(]{{2,40}}?)[（(]\s*以下(?:简称|簡稱)\s*({PARTY_ALT})\s*[）)]"
)
# "乙方委託甲方…": who entrusts whom, said in the preamble.
_VERB_RE = re.compile(rf"({PARTY_ALT})\s*({alternation(tuple(ROLE_VERBS))})\s*({PARTY_ALT})")
_NOT_ROLE = re.compile(r"[_＿$#{}。，,；;：:/]|签|簽|章|盖|蓋|字|印|以下|简称|簡稱|或|代表")


def find_title(text: str, default: str = "") -> str:
    """The contract's name: the first line that is a contract title, else ``default``."""
    for raw in text.split("\n")[:200]:
        line = re.sub(r"[\s\u3000]+", "", raw.replace("\f", ""))
        line = re.sub(r"^(?:[—\-－]\d{1,3}[—\-－]|\d{1,3})(?=\D)", "", line)
        if not line or parse_label(line) is not None:
            continue
        if TITLE_RE.match(line):
            return _VARIANT_RE.sub("", line)
        glued = _GLUED_TITLE_RE.match(line)
        if glued:
            return glued.group(1)
    return default


def find_parties(text: str) -> dict[str, str]:
    """Roles of the parties from the preamble: {"甲方": "维护方", "乙方": "用户方"}; {} if none."""
    head = text[:_PREAMBLE_CHARS]
    roles = _named_roles(head) or _roles_by_verb(head)
    return dict(sorted(roles.items(), key=lambda kv: "甲乙丙丁".index(kv[0][0])))


def names_parties(text: str) -> bool:
    """Whether ``text`` introduces a contract's parties as a preamble does: two of them, each
    on a line of its own (甲方：…, 出租方（甲方）：…) or named by role (出租人…（以下简称甲方）,
    出卖人：… 买受人：…). One party named in passing (甲方（出租人）有权…) or acting for the
    other (乙方委托甲方…), as a clause may say, is not enough."""
    head = text[:_PREAMBLE_CHARS]
    lines = {m.group(1) for m in _PARTY_LINE_RE.finditer(head)}
    return len(lines) >= 2 or len(_named_roles(head)) >= 2


def _named_roles(head: str) -> dict[str, str]:
    """Each party's role as the preamble names it (甲方（出租人）, 出租方（甲方）, …（以下简称
    甲方）, a joint venture's 合营各方, role lines in order), not by a verb."""
    found: list[tuple[int, str, str]] = []
    for m in _FORWARD_RE.finditer(head):
        found.append((m.start(), m.group(1), m.group(2)))
    for rx in (_REVERSE_RE, _ROLE_THEN_PARTY_RE, _CALLED_RE):
        for m in rx.finditer(head):
            found.append((m.start(), m.group(2), m.group(1)))
    roles: dict[str, str] = {}
    for _, party, role in sorted(found):
        role = re.sub(r"[\s\u3000]+", "", role)
        if party in roles or not _is_role(role):
            continue
        roles[party] = role
    return roles or _joint_venturers(head) or _roles_in_order(head)


def _roles_in_order(head: str) -> dict[str, str]:
    """A contract without 甲方/乙方 (出卖人 and 买受人, 发包人 and 承包人): its role names in the
    order the preamble introduces them, as 甲方, 乙方 … (the first party named is 甲方)."""
    found = sorted((m.start(), m.group(1)) for rx in (_ROLE_LINE_RE, _CALLED_ROLE_RE)
                   for m in rx.finditer(head))
    order: list[str] = []
    for _, role in found:
        if role not in order:
            order.append(role)
    return dict(zip(PARTIES, order, strict=False)) if len(order) >= 2 else {}


def _roles_by_verb(head: str) -> dict[str, str]:
    """甲方/乙方 named without roles, whose preamble says who acts for whom ("雙方茲就乙方委託甲方
    於其網站平台進行…"): 乙方 委託方, 甲方 受託方. Only the text before the first clause is read
    (a clause may have one party entrust the other with a single task)."""
    preamble = []
    for line in head.split("\n"):
        label = parse_label(line.strip())
        if label is not None and label.family not in ITEM_FAMILIES:
            break
        preamble.append(line)
    m = _VERB_RE.search("\n".join(preamble))
    if m is None or m.group(1) == m.group(3):
        return {}
    before, after = ROLE_VERBS[m.group(2)]
    return {m.group(1): before, m.group(3): after}


def _joint_venturers(head: str) -> dict[str, str]:
    """甲方/乙方 of a joint venture contract named by company under 合营各方: the Chinese and the
    foreign venturer, told apart by where the company is (中国… or not)."""
    heading = _VENTURERS_HEADING.search(head)
    if heading is None:
        return {}
    roles: dict[str, str] = {}
    for m in _VENTURER_RE.finditer(head, heading.end(), heading.end() + 1000):
        name, party = m.group(1), m.group(2)
        chinese = name.startswith(("中国", "中國", "中华", "中華"))
        roles.setdefault(party, JOINT_VENTURERS[0] if chinese else JOINT_VENTURERS[1])
    return roles if len(roles) >= 2 else {}


def _is_role(role: str) -> bool:
    return 2 <= len(role) <= 20 and not _NOT_ROLE.search(role) and not role.startswith(PARTIES)
