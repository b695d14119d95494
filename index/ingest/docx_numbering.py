"""Word automatic numbering (numbering.xml) rendered back into label text: "1.1.1", "第三条".

Counters are kept per abstract numbering definition across paragraphs; a level advancing
resets the deeper levels; ``w:lvlOverride/w:startOverride`` restarts a list instance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..numerals import int_to_cn

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_ZODIAC = "子丑寅卯辰巳午未申酉戌亥"
_CN_COUNTING = frozenset({
    "chineseCounting", "chineseCountingThousand", "ideographDigital", "taiwaneseCounting",
    "taiwaneseCountingThousand", "japaneseCounting",
})
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


@dataclass(frozen=True)
class Level:
    """One level of a list: number format, label template ("%1.%2."), start value."""

    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1
    legal: bool = False  # w:isLgl: show every level as decimal
    pstyle: str | None = None  # paragraph style bound to this level (heading numbering)


@dataclass
class _Num:
    abstract: str
    starts: dict[int, int] = field(default_factory=dict)  # ilvl -> startOverride
    levels: dict[int, Level] = field(default_factory=dict)  # ilvl -> overriding level
    started: bool = False


class NumberingRenderer:
    """Turns a paragraph's numPr (own or from its style) into the label Word would print."""

    def __init__(
        self,
        abstracts: dict[str, dict[int, Level]],
        nums: dict[str, _Num],
        style_num: dict[str, tuple[str | None, int | None]],
    ) -> None:
        self._abstracts = abstracts
        self._nums = nums
        self._style_num = style_num
        self._counters: dict[str, dict[int, int]] = {}

    @classmethod
    def from_document(cls, document: Any) -> NumberingRenderer:
        """Read numbering definitions and numbered paragraph styles of a python-docx Document."""
        abstracts: dict[str, dict[int, Level]] = {}
        nums: dict[str, _Num] = {}
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            numbering = None
        links: dict[str, str] = {}  # abstractNumId -> numbering style it takes its levels from
        if numbering is not None:
            for an in numbering.iterchildren(f"{W}abstractNum"):
                an_id = an.get(f"{W}abstractNumId")
                abstracts[an_id] = _levels(an)
                link = _val(an.find(f"{W}numStyleLink"))
                if link:
                    links[an_id] = link
            for num in numbering.iterchildren(f"{W}num"):
                nums[num.get(f"{W}numId")] = _num(num)
        style_num = _style_numbering(document)
        for an_id, style in links.items():  # w:numStyleLink: levels live in another list
            target_num = style_num.get(style, (None, None))[0]
            if target_num in nums and nums[target_num].abstract != an_id:
                for num in nums.values():
                    if num.abstract == an_id:
                        num.abstract = nums[target_num].abstract
        return cls(abstracts, nums, style_num)

    def label_for(self, p: Any) -> str:
        """The rendered label of paragraph ``p`` (advancing the counters), or "" if unnumbered."""
        num_id, ilvl, style = self._num_pr(p)
        if num_id is None or num_id == "0" or num_id not in self._nums:
            return ""
        num = self._nums[num_id]
        levels = self._abstracts.get(num.abstract, {})
        if ilvl is None:  # numbering from the style: the level bound to that style, else 0
            ilvl = next((k for k, lv in levels.items() if style and lv.pstyle == style), 0)
        level = num.levels.get(ilvl) or levels.get(ilvl)
        if level is None:
            return ""
        counters = self._counters.setdefault(num.abstract, {})
        if not num.started:
            num.started = True
            for lvl, start in num.starts.items():
                counters[lvl] = start - 1
        counters[ilvl] = counters.get(ilvl, self._start(num, levels, ilvl) - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        if level.fmt == "none" or (level.fmt == "bullet"):
            return ""
        return self._render(level, num, levels, counters)

    def _start(self, num: _Num, levels: dict[int, Level], ilvl: int) -> int:
        lvl = num.levels.get(ilvl) or levels.get(ilvl)
        return lvl.start if lvl else 1

    def _render(
        self, level: Level, num: _Num, levels: dict[int, Level], counters: dict[int, int]
    ) -> str:
        out = level.text
        for i in range(9, 0, -1):
            key = f"%{i}"
            if key not in out:
                continue
            lvl = num.levels.get(i - 1) or levels.get(i - 1) or Level()
            value = counters.get(i - 1, self._start(num, levels, i - 1))
            fmt = "decimal" if level.legal else lvl.fmt
            out = out.replace(key, format_number(value, fmt))
        return out.strip()

    def _num_pr(self, p: Any) -> tuple[str | None, int | None, str | None]:
        """(numId, ilvl, styleId) of a paragraph, from its own numPr over its style's."""
        ppr = p.find(f"{W}pPr")
        if ppr is None:
            return None, None, None
        num_id: str | None = None
        ilvl: int | None = None
        style = _val(ppr.find(f"{W}pStyle"))
        if style and style in self._style_num:
            num_id, ilvl = self._style_num[style]
        numpr = ppr.find(f"{W}numPr")
        if numpr is not None:
            own_id = _val(numpr.find(f"{W}numId"))
            own_lvl = _val(numpr.find(f"{W}ilvl"))
            if own_id is not None:
                num_id = own_id
            if own_lvl is not None and own_lvl.isdigit():
                ilvl = int(own_lvl)
        return num_id, ilvl, style


def _val(node: Any) -> str | None:
    return None if node is None else node.get(f"{W}val")


def _int(node: Any, default: int) -> int:
    v = _val(node)
    try:
        return int(v) if v is not None else default
    except ValueError:
        return default


def _level(lvl: Any) -> Level:
    text_node = lvl.find(f"{W}lvlText")
    text = _val(text_node) if text_node is not None else ""
    return Level(
        fmt=_val(lvl.find(f"{W}numFmt")) or "decimal",
        text=text or "",
        start=_int(lvl.find(f"{W}start"), 1),
        legal=lvl.find(f"{W}isLgl") is not None and _val(lvl.find(f"{W}isLgl")) != "0",
        pstyle=_val(lvl.find(f"{W}pStyle")),
    )


def _levels(abstract: Any) -> dict[int, Level]:
    return {_int_attr(lvl): _level(lvl) for lvl in abstract.iterchildren(f"{W}lvl")}


def _int_attr(lvl: Any) -> int:
    try:
        return int(lvl.get(f"{W}ilvl") or 0)
    except ValueError:
        return 0


def _num(num: Any) -> _Num:
    out = _Num(abstract=_val(num.find(f"{W}abstractNumId")) or "")
    for ov in num.iterchildren(f"{W}lvlOverride"):
        ilvl = _int_attr(ov)
        start = ov.find(f"{W}startOverride")
        if start is not None:
            out.starts[ilvl] = _int(start, 1)
        lvl = ov.find(f"{W}lvl")
        if lvl is not None:
            out.levels[ilvl] = _level(lvl)
    return out


def _style_numbering(document: Any) -> dict[str, tuple[str | None, int | None]]:
    """styleId -> (numId, ilvl) for paragraph styles that carry numbering (following basedOn)."""
    try:
        styles = document.styles.element
    except (KeyError, AttributeError, NotImplementedError):
        return {}
    own: dict[str, tuple[str | None, int | None]] = {}
    based: dict[str, str] = {}
    for st in styles.iterchildren(f"{W}style"):
        sid = st.get(f"{W}styleId")
        if sid is None:
            continue
        parent = _val(st.find(f"{W}basedOn"))
        if parent:
            based[sid] = parent
        numpr = st.find(f"{W}pPr/{W}numPr")
        if numpr is not None:
            lvl = _val(numpr.find(f"{W}ilvl"))
            own[sid] = (_val(numpr.find(f"{W}numId")), int(lvl) if lvl and lvl.isdigit() else None)
    resolved: dict[str, tuple[str | None, int | None]] = {}
    for sid in {*own, *based}:
        seen: set[str] = set()
        cur: str | None = sid
        num_id: str | None = None
        ilvl: int | None = None
        while cur is not None and cur not in seen:
            seen.add(cur)
            if cur in own:
                n, i = own[cur]
                num_id = num_id if num_id is not None else n
                ilvl = ilvl if ilvl is not None else i
            cur = based.get(cur)
        if num_id is not None:
            resolved[sid] = (num_id, ilvl)
    return resolved


def format_number(n: int, fmt: str) -> str:
    """Render counter ``n`` in Word number format ``fmt`` (decimal, chineseCounting, ...)."""
    if fmt in ("decimal", "decimalHalfWidth") or n <= 0:
        return str(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "decimalFullWidth" or fmt == "decimalFullWidth2":
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return _CIRCLED[n - 1] if n <= len(_CIRCLED) else f"({n})"
    if fmt in ("decimalEnclosedParen",):
        return f"({n})"
    if fmt in ("upperLetter", "lowerLetter"):
        s = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return s if fmt == "upperLetter" else s.lower()
    if fmt in ("upperRoman", "lowerRoman"):
        s = _roman(n)
        return s if fmt == "upperRoman" else s.lower()
    if fmt in _CN_COUNTING:
        if fmt == "ideographDigital":
            return "".join("〇一二三四五六七八九"[int(d)] for d in str(n))
        return int_to_cn(n)
    if fmt in ("chineseLegalSimplified", "ideographLegalTraditional"):
        return int_to_cn(n, _CN_LEGAL, "拾佰仟")
    if fmt in ("ideographTraditional",):
        return _TIANGAN[(n - 1) % 10]
    if fmt == "ideographZodiac":
        return _ZODIAC[(n - 1) % 12]
    return str(n)


def _roman(n: int) -> str:
    vals = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
            (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for v, s in vals:
        while n >= v:
            out += s
            n -= v
    return out
