"""The one list of party words: the designators 甲方/乙方… and the role names contracts give them.

Structure reads roles from preambles with these words; search uses them to see which party a
question and a clause are about; answers name the parties with them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

# Party designators, in the order answers list them.
PARTIES = ("甲方", "乙方", "丙方", "丁方")

# Role names a preamble gives a party ("出租人（以下简称甲方）"), Simplified and Traditional.
ROLE_NAMES = (
    "出租人", "承租人", "出租方", "承租方", "委托人", "委託人", "受托人", "受託人",
    "委托方", "委託方", "受托方", "受託方", "服务方", "服務方", "许可方", "許可方",
    "被许可方", "被許可方", "转让方", "轉讓方", "受让方", "受讓方", "出卖人", "出賣人",
    "买受人", "買受人", "卖方", "賣方", "买方", "買方", "发包人", "發包人", "承包人",
    "用人单位", "用人單位", "劳动者", "勞動者", "借款人", "贷款人", "貸款人", "出借人",
    "供方", "需方", "被转让方", "被轉讓方", "转让人", "轉讓人", "受让人", "受讓人", "引进方",
    "引進方", "许可人", "許可人", "被许可人", "被許可人", "委托单位", "委託單位", "服务单位",
    "服務單位", "中介方",
)

# Verbs by which a preamble says who does what for whom ("乙方委託甲方…刊登廣告"): the role of
# the party before the verb, then that of the party after it (role names of ROLE_NAMES).
ROLE_VERBS = {
    "委托": ("委托方", "受托方"),
    "委託": ("委託方", "受託方"),
}

# What the parties of a joint venture are called when its contract names them by company
# ("中国×××公司（以下简称甲方）" under 合营各方): by where each is registered.
JOINT_VENTURERS = ("中国合营者", "外国合营者")


def alternation(words: tuple[str, ...]) -> str:
    """A regex alternation of ``words``, longest first (被许可方 before 许可方)."""
    return "|".join(sorted(words, key=len, reverse=True))


PARTY_ALT = alternation(PARTIES)
ROLE_ALT = alternation(ROLE_NAMES)


# Everyday names of a party that the thesaurus does not expand (Taiwan's 房客 and 屋主, 租户),
# in Simplified: only follow-ups read them as parties (房東 in place of 房客), not the search.
EVERYDAY_PARTIES = ("房客", "屋主", "租户")


def party_words(synonyms: Mapping[str, Sequence[str]]) -> frozenset[str]:
    """Every word that names a party: the designators, the role names, the everyday words
    the thesaurus reads first as one of them (房东 > 出租人 甲方, 员工 = 劳动者) and
    ``EVERYDAY_PARTIES``, so a follow-up 那房东呢 can be told to swap the party of the
    question before."""
    named = {*PARTIES, *ROLE_NAMES}
    return frozenset(named | set(EVERYDAY_PARTIES) | {word for word, targets in synonyms.items()
                                                      if targets and targets[0] in named})
