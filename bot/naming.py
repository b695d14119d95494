"""Which contracts a name means: /use and /clause take a contract by its key, number, title or
file name as the library writes it, and by a part of one name only (完整版, 模板七)."""

from __future__ import annotations

import difflib
import functools
from collections import Counter
from collections.abc import Callable, Iterable
from html import escape

from index import (
    ContractInfo,
    Script,
    han_characters,
    names_among,
    plain_name,
    shown_source,
    to_script,
)
from index import normalize_text as _norm

from .filenames import filed_stem

CLOSE_ENOUGH = 0.6  # a name this alike (difflib's ratio) is offered for a name that is none
CLOSE_ENOUGH_LETTERS = 0.75  # a name without Chinese: few letters make many names alike
CLOSE_MOST = 3  # names offered at most
# What /use and /clause take a contract by, besides goes_by's key and stem, most exact first
_NAMED_BY: tuple[Callable[[ContractInfo], str], ...] = (
    lambda c: c.key, lambda c: c.title, lambda c: c.source,
    lambda c: c.source.rsplit(".", 1)[0])


def written_names(infos: Iterable[ContractInfo]) -> frozenset[str]:
    """The names of ``infos`` with Chinese in them as the library writes them, as a user
    copies them from /contracts or a reply: each name ``pick_contracts`` takes, and the
    title in either script (/contracts shows it in the reader's). They are not the user's
    writing and do not tell the user's script (``asker_script``). Asked for every question:
    kept for the last libraries seen (0.2 ms a contract to make)."""
    return _written_names(tuple((c.key, c.title, c.source, c.collection) for c in infos))


@functools.lru_cache(maxsize=32)
def _written_names(named: tuple[tuple[str, str, str, str], ...]) -> frozenset[str]:
    """``written_names`` of the contracts of these keys, titles, file names and collections."""
    infos = [ContractInfo(key=key, title=title, clauses=0, source=source, collection=collection)
             for key, title, source, collection in named]
    names = {n for c in infos for n in (
        c.stem, c.qualified, *(named_by(c) for named_by in _NAMED_BY),
        to_script(c.title, "simplified"), to_script(c.title, "traditional"))}
    return frozenset(n for n in names if han_characters(n))


def named_title(infos: list[ContractInfo], chosen: ContractInfo,
                script: Script) -> dict[str, str]:
    """``title`` and ``source`` (HTML) of a reply naming ``chosen`` among ``infos``: the file
    name when another listed contract has its title, with its collection when another has its
    file name, so two 《房屋租赁合同》 are told apart wherever a reply names them."""
    shared = sum(_norm(c.title) == _norm(chosen.title) for c in infos) > 1
    name = names_among([(c.collection, c.key) for c in infos])[infos.index(chosen)]
    return {"title": escape(to_script(chosen.title, script)),
            "source": f"（{escape(shown_source(name, chosen.source))}）"
            if shared and chosen.source else ""}


def pick_contracts(infos: list[ContractInfo], name: str) -> list[ContractInfo]:
    """The contracts ``name`` means: a key, a file stem or ``collection/stem``, a number in
    the /contracts list, or (in either script, with or without 《》) a key, title or file
    name, or the name an upload sent as ``name`` is filed under (a:b as a_b); several when
    titles, or file names in two collections, repeat. Else the one contract whose name holds
    ``name`` (``loosely_named``: 完整版, 模板七), when only one does."""
    if found := _named_exactly(infos, name):
        return found
    loose = loosely_named(infos, name)
    return loose if len(loose) == 1 else []


def _named_exactly(infos: list[ContractInfo], name: str) -> list[ContractInfo]:
    """``pick_contracts`` without its last resort: the names as the library writes them."""
    name = name.strip()
    exact = [c for c in infos if c.goes_by(name)]
    if exact:
        return exact
    if name.isdigit():
        return [infos[int(name) - 1]] if 1 <= int(name) <= len(infos) else []
    want = _norm(name.strip("《》 "))
    for named in _NAMED_BY:
        found = [c for c in infos if want and _norm(named(c)) == want]
        if found:
            return found
    sent = name.strip("《》 ")
    filed = filed_stem(sent)  # an upload sent as a:b is filed as a_b
    worded = any(ch.isalnum() for ch in sent)  # a name of none is not an upload's
    return _named_exactly(infos, filed) if worded and filed != sent else []


def loosely_named(infos: list[ContractInfo], name: str) -> list[ContractInfo]:
    """The contracts whose key, title or file name (in either script, any case) holds
    ``name``, a part of a name as staff say it (完整版, 模板七, Word原版): at least two Chinese
    characters, or three letters or digits, so a stray 合 or a number names nothing. When
    none does, the name as Taiwan and Hong Kong write it (``plain_name``: 合約 or 契約 for
    合同, 軟體 for 软件): the contracts it names whole (房屋租賃合約), else those holding it."""
    want = _norm(name.strip("《》 ")).casefold()
    if name.strip().isdigit() or not (len(han_characters(want)) >= 2 or (
            len(want) >= 3 and any(ch.isalpha() for ch in want))):
        return []
    found = [c for c in infos if any(want in _norm(named(c)).casefold() for named in _NAMED_BY)]
    plain = plain_name(name.strip("《》 ")).casefold()  # 房屋租賃合約, 採購合約, 軟體維護
    if found or plain == want or len(han_characters(plain.replace("合同", ""))) < 2:
        return found  # 合約 alone names a kind of document, no contract
    read = [(c, [plain_name(named(c)).casefold() for named in _NAMED_BY]) for c in infos]
    return ([c for c, names in read if plain in names]  # a whole name first
            or [c for c, names in read if any(plain in n for n in names)])


def clause_target(infos: list[ContractInfo],
                   args: list[str]) -> tuple[list[ContractInfo], str]:
    """The contracts and the clause number of /clause's ``args``: the longest tail that
    names contracts (房屋租赁合同 模板一), and the rest; else the longest head that names
    them, as staff say it (劳动合同 第七条); a number written with spaces (第 十三 条) when
    neither names one."""
    for start in range(1, len(args)):
        chosen = pick_contracts(infos, " ".join(args[start:]))
        if chosen:
            return chosen, " ".join(args[:start])
    for end in range(len(args) - 1, 0, -1):
        chosen = pick_contracts(infos, " ".join(args[:end]))
        if chosen:
            return chosen, " ".join(args[end:])
    return [], " ".join(args)


def close_names(infos: list[ContractInfo], name: str, *,
                most: int = CLOSE_MOST) -> list[ContractInfo]:
    """The contracts to offer for ``name`` that names none: those whose name holds it
    (``loosely_named``), else those whose title or file stem is most like it, a typo
    (房屋租凭合同, mant) or a title said another way (租房合同 for 房屋租赁合同), best first;
    at most ``most``, in the order of ``infos`` among equals; none when no name is near. A
    collection and a file's extension are left out of the comparison (``customer-b/x.txt``
    is not near every ``.txt``), and a name without Chinese must be closer."""
    if loose := loosely_named(infos, name):
        return loose[:most]
    want = _norm(_bare_stem(name.strip("《》 "))).casefold()
    if len(want) < 2 or want.isdigit():
        return []
    enough = CLOSE_ENOUGH if han_characters(want) else CLOSE_ENOUGH_LETTERS
    scored = [(max(_likeness(want, _norm(named).casefold())
                   for named in (c.title, c.stem, _bare_stem(c.source))), n, c)
              for n, c in enumerate(infos)]
    near = sorted((t for t in scored if t[0] >= enough), key=lambda t: (-t[0], t[1]))
    return [c for _, _, c in near[:most]]


def _bare_stem(name: str) -> str:
    """``name`` without a collection before it or a file's extension after it."""
    stem = name.rsplit("/", 1)[-1]
    head, dot, tail = stem.rpartition(".")
    return head if dot and head and 1 <= len(tail) <= 5 and tail.isalnum() else stem


def _likeness(want: str, name: str) -> float:
    """How alike ``want`` is to ``name`` or, for three Chinese characters or more, to the
    part of ``name`` of its length that is most like it (模版一 in 房屋租赁合同 模板一): 0 to 1;
    0 at once when too few of its characters are in ``name`` to come near (a library of
    thousands is read in a blink). (Letters are compared whole: lease is not sales in
    aftersales-upgrade.)"""
    common = sum((Counter(want) & Counter(name)).values())
    if 2 * common / (len(want) + min(len(want), len(name))) < CLOSE_ENOUGH:
        return 0.0
    matcher = difflib.SequenceMatcher(None, name, want)
    best = matcher.ratio()
    if len(han_characters(want)) < 3 or len(name) <= len(want):
        return best
    for i in range(len(name) - len(want) + 1):
        matcher.set_seq1(name[i:i + len(want)])
        best = max(best, matcher.ratio())
    return best
