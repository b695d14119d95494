"""Browsing what a chat may read: /contracts, /use, /clause and /compare, each inside the
chat's collections and in the asker's script."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from html import escape

from telegram import Message, Update

from index import (
    ContractInfo,
    QueryError,
    Script,
    Searcher,
    SearchResult,
    UnknownContractError,
    compare_contracts,
    names_among,
    shown_source,
    to_script,
)
from index import normalize_text as _norm

from . import texts
from .access import ChatAccess
from .chat_examples import chat_examples
from .comparing import render_comparison
from .compose import CLAUSE_CHILD_CHARS, compose
from .departures import gone_note
from .examples import example_values
from .followups import compared, per_contract
from .naming import (
    clause_target,
    close_names,
    loosely_named,
    named_title,
    pick_contracts,
    written_names,
)
from .outline import CLAUSE_MESSAGES, chapter_outline, numbering_hint
from .render import pack, render_answer, with_line_above
from .replies import (
    asker_script,
    chat_state,
    guard,
    query_error_text,
    reachable_scope,
    reply,
    topic_of,
)
from .state import Ctx, Pointed

CONTRACTS_PER_PAGE = 30  # /contracts lines a reply holds: a big library is not a wall in a group


def contract_lines(infos: list[ContractInfo], script: Script) -> list[str]:
    """One line per contract: number, name (its file stem, ``collection/stem`` when another
    listed contract's file has that name), title in ``script`` (with the file name when
    another listed contract has the same title) and clause count; the collection when the
    list spans several."""
    titles = [_norm(c.title) for c in infos]
    names = names_among([(c.collection, c.key) for c in infos])
    several = len({c.collection for c in infos}) > 1
    return [texts.say(
        texts.CONTRACT_LINE, script, n=n, key=escape(name),
        title=escape(to_script(c.title, script)),
        source=f"（{escape(shown_source(name, c.source))}）"
        if titles.count(titles[n - 1]) > 1 and c.source else "",
        clauses=c.clauses, collection=f" · {escape(c.collection)}" if several else "")
        for n, (c, name) in enumerate(zip(infos, names, strict=True), 1)]


def _page_asked(args: list[str] | None) -> int:
    """The page ``/contracts N`` asks for; 1 without a whole number above 0."""
    word = (args or [""])[0]
    return int(word) if word.isdigit() and int(word) > 0 else 1


def _where(update: Update, chat: str, topic: str, general: str) -> str:
    """The words for where /use applies: a chat, a forum topic, or a forum outside its
    topics (General), whose /use leaves the topics as they are."""
    if topic_of(update) is not None:
        return topic
    forum = update.effective_chat is not None and bool(update.effective_chat.is_forum)
    return general if forum else chat


def scope_note(update: Update, infos: list[ContractInfo], scope: str, script: Script) -> str:
    """The line that says /use limits this chat (or forum topic) to contract ``scope``."""
    used = next(c for c in infos if c.key == scope)
    note = _where(update, texts.SCOPE_NOTE, texts.SCOPE_NOTE_TOPIC, texts.SCOPE_NOTE_GENERAL)
    return texts.say(note, script, **named_title(infos, used, script))


def overridden_note(infos: list[ContractInfo], scope: str, searched: tuple[str, ...],
                    script: Script) -> str | None:
    """The line that says a question searched the contracts it named in 《》 (``searched``),
    not the /use contract ``scope``, when the two differ; None when they do not."""
    if not searched or set(searched) == {scope}:
        return None
    titles = {c.key: c.title for c in infos}
    if scope not in titles:
        return None
    named = "、".join(dict.fromkeys(f"《{escape(to_script(titles[k], script))}》"
                                   for k in searched if k in titles))
    return texts.say(texts.SCOPE_OVERRIDDEN, script, named=named)


def lapsed_note(update: Update, context: Ctx, script: Script) -> str | None:
    """Once, the line that says the contract /use limited this chat (or forum topic) to is no
    longer indexed and that it now searches every contract it reads (``reachable_scope``
    found it gone). Unnamed: one moved out of the chat's collections is said alike, as a
    contract of another collection is answered exactly like one that does not exist."""
    lapsed, topic = chat_state(context).lapsed, topic_of(update)
    if topic not in lapsed:
        return None
    lapsed.discard(topic)
    note = _where(update, texts.SCOPE_LAPSED, texts.SCOPE_LAPSED_TOPIC,
                  texts.SCOPE_LAPSED_GENERAL)
    return texts.say(note, script)


Now = tuple[Searcher, Sequence[ContractInfo]]
"""The index a reply reads and the contracts the chat reads in it."""


def lapsed_first(update: Update, context: Ctx, script: Script, messages: list[str], *,
                 now: Now | None = None) -> list[str]:
    """``messages`` with ``lapsed_note``'s line before the first (a message of its own when
    the first has no room for it), when there is one, and, given the index and the contracts
    the chat reads in it (``now``), ``departures.gone_note``'s."""
    line = _said_first(update, context, script, now)
    return with_line_above(messages, line) if line and messages else messages


def _said_first(update: Update, context: Ctx, script: Script, now: Now | None) -> str | None:
    """The lines said above a reply, once: that its /use lapsed, and (given ``now``) which
    contracts it read left the index; None when neither."""
    lines = [lapsed_note(update, context, script),
             None if now is None else gone_note(context, *now, script)]
    return "\n".join(line for line in lines if line) or None


def not_one(infos: list[ContractInfo], chosen: list[ContractInfo], name: str,
             script: Script) -> str:
    """The reply to a contract name that means none or several of ``infos`` (in a thread: a
    name that means none is compared with every contract's, ``close_names``)."""
    head = texts.USE_AMBIGUOUS
    if not chosen and (chosen := loosely_named(infos, name)):  # several hold it: 劳动, 租赁
        head = texts.USE_LOOSE
    if not chosen:
        return with_close_names(texts.say(texts.USE_UNKNOWN, script, arg=escape(name)),
                                infos, name, script)
    lines = contract_lines(infos, script)
    keys = {c.key for c in chosen}
    return "\n".join([texts.say(head, script, count=len(chosen), arg=escape(name)),
                      *(line for c, line in zip(infos, lines, strict=True) if c.key in keys)])


def with_close_names(line: str, infos: list[ContractInfo], name: str, script: Script) -> str:
    """``line``, which says that no contract is named ``name``, with the contracts whose names
    are close to it under it (``close_names``: a typo, 租房合同 for 房屋租赁合同), numbered as
    in /contracts to pick one by; ``line`` alone when none is."""
    near = {c.key for c in close_names(infos, name)}
    if not near:
        return line
    listed = [shown for c, shown in zip(infos, contract_lines(infos, script), strict=True)
              if c.key in near]
    return "\n".join([line, texts.say(texts.CLOSE_NAMES, script), *listed])


def contract_pages(count: int) -> int:
    """The pages /contracts lists ``count`` contracts on."""
    return -(-count // CONTRACTS_PER_PAGE)


async def cmd_contracts(update: Update, context: Ctx) -> None:
    """/contracts: key, title and clause count of each contract the chat may read."""
    msg = update.effective_message
    if msg is None or (access := await guard(update, context)) is None:
        return
    listing = await contracts_listing(update, context, access, asker_script(update, context),
                                      page=_page_asked(context.args))
    for part in listing:
        await reply(msg, part)


async def contracts_listing(update: Update, context: Ctx, access: ChatAccess, script: Script,
                            *, page: int = 1, lead: str | None = None) -> list[str]:
    """The messages of /contracts (page ``page``): the contracts the chat may read, numbered
    for /use, with which one /use chose here (or that it lapsed); also the answer to 有哪些合同
    asked in words, with ``lead`` above the list (not above a word that there is none)."""
    searcher = await context.bot_data.live_searcher()
    infos = await asyncio.to_thread(searcher.contracts, collections=access.collections)
    if not infos:
        return [texts.say(texts.NO_CONTRACTS, script)]
    pages = contract_pages(len(infos))
    if page > pages:
        return [texts.say(texts.CONTRACTS_NO_PAGE, script, page=page, pages=pages)]
    start = (page - 1) * CONTRACTS_PER_PAGE  # numbers stay those of the whole list (/use N)
    lines = [*([lead] if lead else []), texts.say(texts.CONTRACTS_HEAD, script),
             *contract_lines(infos, script)[start:start + CONTRACTS_PER_PAGE]]
    if pages > 1:
        lines.append(texts.say(texts.CONTRACTS_NEXT if page < pages else texts.CONTRACTS_PAGE,
                               script, total=len(infos), page=page, pages=pages, next=page + 1))
    topic = topic_of(update)
    if (scope := reachable_scope(context, topic, searcher, access)) is not None:
        lines.append(scope_note(update, infos, scope, script))  # which one /use chose here
        if (gone := gone_note(context, searcher, infos, script)) is not None:
            lines.append(gone)
    elif (said := _said_first(update, context, script, (searcher, infos))) is not None:
        lines.append(said)
    return pack(lines, sep="\n")


async def cmd_use(update: Update, context: Ctx) -> None:
    """/use KEY|N|all: scope this chat (in a forum, this topic) to one contract, or clear it."""
    msg = update.effective_message
    if msg is None or (access := await guard(update, context)) is None:
        return
    arg = " ".join(context.args or []).strip()
    if not arg:
        await reply(msg, texts.say(texts.USE_USAGE, asker_script(update, context)))
        return
    topic = topic_of(update)
    if arg.lower() in ("all", "全部"):
        chat_state(context).set_scope(topic, None)
        cleared = _where(update, texts.USE_CLEARED, texts.USE_CLEARED_TOPIC,
                         texts.USE_CLEARED_GENERAL)
        await reply(msg, texts.say(cleared, asker_script(update, context, arg)))
        return
    searcher = await context.bot_data.live_searcher()
    infos = await asyncio.to_thread(searcher.contracts, collections=access.collections)
    script = asker_script(update, context, arg, names=written_names(infos))
    chosen = pick_contracts(infos, arg)
    if len(chosen) != 1:
        await reply(msg, await asyncio.to_thread(not_one, infos, chosen, arg, script))
        return
    state = chat_state(context)
    state.set_scope(topic, chosen[0].key)
    chosen_here = _where(update, texts.USE_SET, texts.USE_SET_TOPIC, texts.USE_SET_GENERAL)
    await reply(msg, texts.say(chosen_here, script, **named_title(infos, chosen[0], script)))


async def cmd_clause(update: Update, context: Ctx) -> None:
    """/clause NUMBER [KEY]: quote that clause (a heading with its sub-clauses)."""
    msg = update.effective_message
    if msg is None or (access := await guard(update, context)) is None:
        return
    args = context.args or []
    if not args:
        script = asker_script(update, context)
        values = example_values(await chat_examples(update, context, access), script)
        await reply(msg, texts.say(texts.CLAUSE_USAGE, script, **values))
        return
    searcher = await context.bot_data.live_searcher()
    infos = await asyncio.to_thread(searcher.contracts, collections=access.collections)
    script = asker_script(update, context, " ".join(args), names=written_names(infos))
    chosen, number = clause_target(infos, args)
    scope = reachable_scope(context, topic_of(update), searcher, access)
    lapsed = _said_first(update, context, script, (searcher, infos))

    async def answer(htmls: list[str], quoted: Pointed | None = None) -> None:
        """Reply, a lapsed /use said first, once; remembered for follow-ups when ``quoted``
        is given (() when nothing it says is a clause to point at)."""
        said = with_line_above(htmls, lapsed) if lapsed else htmls
        sent = [(await reply(msg, html)).message_id for html in said]
        if quoted is not None:
            chat_state(context).keep_quoted(topic_of(update), tuple(sent), quoted)
    try:
        hits = (await asyncio.to_thread(searcher.get_clause, number, chosen[0].key,
                                        collections=access.collections)
                if len(chosen) == 1 else [])
        if not hits:  # the tail may be part of the number (/clause 附件二 1): read it whole
            hits = await asyncio.to_thread(searcher.get_clause, " ".join(args), scope,
                                           collections=access.collections)
            if hits:
                chosen, number = [], " ".join(args)
        if not hits and not chosen and len(args) > 1:  # /clause 7.2 NOSUCHKEY: say so
            await asyncio.to_thread(searcher.get_clause, args[0], args[-1],
                                    collections=access.collections)
    except QueryError as err:
        said = query_error_text(err, script)
        if isinstance(err, UnknownContractError):  # /clause 7.2 房屋租凭合同: the close ones
            said = await asyncio.to_thread(with_close_names, said, infos, err.name, script)
        await answer([said])
        return
    if len(chosen) > 1 and not hits:
        named = " ".join(args[len(number.split()):])
        await answer([await asyncio.to_thread(not_one, infos, chosen, named, script)])
        return
    if not hits and not chosen and scope is None and len(infos) == 1:
        chosen = infos  # the chat reads one contract: /clause 第九条 is missing from it
    if not hits and chosen:  # /clause 第二十条 模板一: which contract, and what it has
        await answer([await asyncio.to_thread(missing_in, searcher, infos, chosen[0], number,
                                              script)], ())
        return
    if not hits:
        missing = texts.say(texts.CLAUSE_MISSING, script, number=escape(number))
        if not chosen and scope is not None:  # say why: /use limits this chat or topic
            missing += "\n" + scope_note(update, infos, scope, script)
        await answer([missing], ())  # 这条 is not an earlier clause
        return
    result = SearchResult(question=number, hits=tuple(hits))
    htmls = render_answer(compose(result, script=script, child_chars=CLAUSE_CHILD_CHARS))
    quoted = per_contract(result, script=script, child_chars=CLAUSE_CHILD_CHARS)
    if len(htmls) > 1 and len(keys := {h.clause.contract for h in hits}) > 1:
        htmls, quoted = _which_contract(infos, keys, number, script), ()  # not a wall
    elif len(htmls) > CLAUSE_MESSAGES and len(hits) > 1:  # a long chapter: its outline
        key = hits[0].clause.contract
        pick = next((str(n) for n, c in enumerate(infos, 1) if c.key == key), key)
        htmls, quoted = chapter_outline(hits, script, messages=len(htmls), pick=pick), ()
    await answer(htmls, quoted)


def missing_in(searcher: Searcher, infos: list[ContractInfo], info: ContractInfo, number: str,
               script: Script) -> str:
    """/clause's reply to a ``number`` the contract ``info`` lacks: that contract, named as
    other replies name it, and how its clauses are numbered (its number in /contracts picks
    it, as a chapter's outline says)."""
    pick = next((str(n) for n, c in enumerate(infos, 1) if c.key == info.key), info.key)
    clauses = [c for c in searcher.all_clauses() if c.contract == info.key]
    return texts.say(texts.CLAUSE_MISSING_IN, script, number=escape(number),
                     **named_title(infos, info, script)) + numbering_hint(clauses, script,
                                                                          pick=pick)


async def _quote(update: Update, context: Ctx, msg: Message, htmls: list[str],
                 quoted: Pointed) -> None:
    """Reply with ``htmls``, remembered as an answer that ``quoted`` those clauses: a
    follow-up (这条是什么意思, or 什么意思 replied to it) points at them."""
    sent = [(await reply(msg, html)).message_id for html in htmls]
    chat_state(context).keep_quoted(topic_of(update), tuple(sent), quoted)


def _which_contract(infos: list[ContractInfo], keys: set[str], number: str,
                    script: Script) -> list[str]:
    """The reply to /clause NUMBER without a contract when the contracts ``keys`` have that
    number and their clauses fill more than one message: which they are (numbered as in
    /contracts) and how to pick one."""
    lines = [line for c, line in zip(infos, contract_lines(infos, script), strict=True)
             if c.key in keys]
    first = next(n for n, c in enumerate(infos, 1) if c.key in keys)
    head = texts.say(texts.CLAUSE_SEVERAL, script, count=len(lines), number=escape(number),
                     n=first)
    return pack([head, *lines], sep="\n")


async def cmd_compare(update: Update, context: Ctx) -> None:
    """/compare TOPIC: each contract's best clause on the topic, or 未约定."""
    msg = update.effective_message
    if msg is None or (access := await guard(update, context)) is None:
        return
    question = " ".join(context.args or []).strip()
    script = asker_script(update, context, question)
    if not question:
        values = example_values(await chat_examples(update, context, access), script)
        await reply(msg, texts.say(texts.COMPARE_USAGE, script, **values))
        return
    searcher = await context.bot_data.live_searcher()
    try:
        comparison = await asyncio.to_thread(compare_contracts, searcher, question,
                                             collections=access.collections)
    except QueryError as err:
        examples = await chat_examples(update, context, access, searcher=searcher)
        await reply(msg, query_error_text(err, script, examples=examples))
        return
    if not comparison.rows:
        await reply(msg, texts.say(texts.NO_CONTRACTS, script))
        return
    await _quote(update, context, msg, render_comparison(comparison, script),
                 compared(comparison))
