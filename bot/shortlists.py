"""A list of names cut to fit one line of a reply (the files a refused rebuild would drop or
move, those /reindex dropped, the other files that hold a quoted clause): the first few, joined
by 、, then a word that there are more. The one home for it; the command line's English lists
are ``building._listed``'s."""

from __future__ import annotations

from collections.abc import Sequence

from index import Script

from . import texts


def shortlist(names: Sequence[str], *, most: int, script: Script, chars: int | None = None,
              counted: bool = True) -> str:
    """The first ``most`` of ``names`` joined by 、 (with ``chars``, only as many as fit that
    many characters, the first always: long file names leave a message room for the rest),
    then, when some are left out, 等 N 份 (N all of them), or a bare 等 when not ``counted``
    (the sentence around it gives the count already)."""
    shown: list[str] = []
    for name in names[:most]:
        if chars is not None and shown and len("、".join([*shown, name])) > chars:
            break
        shown.append(name)
    line = "、".join(shown)
    if len(shown) == len(names):
        return line
    if not counted:
        return f"{line}等"
    return texts.say(texts.MORE_NAMES, script, names=line, count=len(names))
