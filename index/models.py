"""The frozen records that flow through the pipeline: extracted pages, clauses, contracts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

Script = Literal["simplified", "traditional"]
PAGE_BREAK = "\f"
DEFAULT_COLLECTION = "default"  # files directly in a source root, or named on their own


@dataclass(frozen=True)
class Page:
    """Text of one page (PDF, a picture in a DOCX) or of a document without pages (DOCX, text:
    number is None)."""

    number: int | None
    text: str


@dataclass(frozen=True)
class Document:
    """What extraction returns: the pages of one source file, in order."""

    source: str  # path of the source file
    kind: Literal["pdf", "docx", "text", "image"]
    pages: tuple[Page, ...]
    notes: tuple[str, ...] = ()  # what reading it noticed that users should know (OCR quality)

    @property
    def text(self) -> str:
        """All pages joined with a form feed ("\\f") between pages.

        Cleaning keeps form feeds, so the clause splitter can count them to give each clause
        its page: the number of the page after as many "\\f" as come before the clause.
        """
        return PAGE_BREAK.join(p.text for p in self.pages)

    @property
    def page_numbers(self) -> tuple[int | None, ...]:
        """The number of each page (None for text without pages: a DOCX's, a text file's)."""
        return tuple(p.number for p in self.pages)


@dataclass(frozen=True)
class Clause:
    """One numbered unit of a contract: a chapter heading's clause, a clause or a sub-clause.

    ``clause`` is the id exactly as written ("7.2", "第十二条", "第五条（二）");
    ``text`` is the content after the number, cleaned, in the source script (a heading's own
    title is its text when it has no body); ``text_simplified`` is its OpenCC t2s copy for search.
    """

    contract: str
    clause: str
    chapter: str | None
    chapter_title: str | None
    text: str
    page: int | None = None
    title: str | None = None  # heading title ("维护响应时间") when the clause has one
    parent: str | None = None  # id of the enclosing clause, None at top level
    level: int = 1  # depth in the tree (1 = directly under a chapter or the contract)
    text_simplified: str = ""

    def as_json(self) -> dict[str, object]:
        """One clause of ``parse --json``: its heading title too (null when it has none)."""
        return {
            "clause": self.clause,
            "chapter": self.chapter,
            "chapter_title": self.chapter_title,
            "text": self.text,
            "page": self.page,
            "title": self.title,
        }


@dataclass(frozen=True)
class Contract:
    """A parsed contract: key (file stem), title, party roles and its clauses in document order."""

    key: str  # the file stem, or collection/stem when another collection had it first
    title: str
    parties: dict[str, str] = field(default_factory=dict)  # {"甲方": "维护方", ...} source script
    clauses: tuple[Clause, ...] = ()
    script: Script = "simplified"
    source: str = ""
    notes: tuple[str, ...] = ()  # what parsing changed and users should know (split clauses)
    collection: str = "default"  # first folder below the source root (set by the build)

    def rekeyed(self, key: str) -> Contract:
        """This contract under ``key``, its clauses too."""
        if key == self.key:
            return self
        return replace(self, key=key, clauses=tuple(replace(c, contract=key)
                                                    for c in self.clauses))

    def as_json(self) -> dict[str, object]:
        """The exact shape of ``contractbot parse --json``."""
        return {
            "contract": self.key,
            "title": self.title,
            "parties": dict(self.parties),
            "clauses": [c.as_json() for c in self.clauses],
        }


def key_stem(key: str) -> str:
    """The file stem a contract key names: the key itself, or what follows ``collection/`` in a
    key a build qualified because another collection had the stem first."""
    return key.rsplit("/", 1)[-1]


def qualified_key(collection: str, stem: str) -> str:
    """``collection/stem``: the name that tells a contract from another collection's file of
    the same name (a file name never holds ``/``, so it is read back unambiguously)."""
    return f"{collection}/{stem}"


def goes_by(name: str, key: str, collection: str) -> bool:
    """Whether ``name`` names the contract ``key`` of ``collection``: its key, its file stem,
    or ``collection/stem``."""
    stem = key_stem(key)
    return name in (key, stem, qualified_key(collection, stem))


def names_among(named: Sequence[tuple[str, str]]) -> list[str]:
    """What each of ``named`` (collection, key) is called among them: its file stem, or
    ``collection/stem`` when another of them has that stem. A chat that reads one collection
    sees its files by their names, whatever key a build gave them."""
    stems = [key_stem(key) for _, key in named]
    counts = Counter(stems)
    return [stem if counts[stem] == 1 else qualified_key(collection, stem)
            for (collection, _), stem in zip(named, stems, strict=True)]


def shown_source(name: str, source: str) -> str:
    """A contract's file name as shown beside a ``names_among`` name: with its collection
    when the name is qualified (two reachable files share it)."""
    return f"{name.rsplit('/', 1)[0]}/{source}" if source and "/" in name else source


@dataclass(frozen=True)
class ContractInfo:
    """One indexed contract as listed to users (/contracts, index status)."""

    key: str
    title: str
    clauses: int
    parties: dict[str, str] = field(default_factory=dict)
    script: Script = "simplified"
    collection: str = "default"
    source: str = ""  # file name of the contract's source

    @property
    def stem(self) -> str:
        """Its file's name without the extension."""
        return key_stem(self.key)

    @property
    def qualified(self) -> str:
        """``collection/stem``: a name no other contract has, whatever its key."""
        return qualified_key(self.collection, self.stem)

    def goes_by(self, name: str) -> bool:
        """Whether ``name`` (a key, a file stem or ``collection/stem``) names this contract."""
        return goes_by(name, self.key, self.collection)


@dataclass(frozen=True)
class Hit:
    """One retrieved clause with the title of its contract and its fused score.

    ``children`` are the clause's sub-clauses (all levels, document order): a heading cited as
    an answer is quoted with them. ``source`` is the file name of its contract; ``shared_title``
    says another contract the search could reach has the same title (name the file then);
    ``name`` is the name /clause and /use take for its contract there.
    ``also`` are the same clause, word for word, in other files (quoted once, every file
    named); ``also_names`` what each of their contracts is called there, one per ``also``."""

    clause: Clause
    title: str
    score: float
    children: tuple[Clause, ...] = ()
    source: str = ""
    shared_title: bool = False
    also: tuple[Clause, ...] = ()
    name: str = ""  # what its contract is called where it was found (Reach.names)
    also_names: tuple[str, ...] = ()  # what each of ``also``'s contracts is called there

    def as_json(self) -> dict[str, object]:
        """One entry of ``ask --json``'s results."""
        c = self.clause
        out: dict[str, object] = {
            "contract": c.contract,
            "title": self.title,
            "clause": c.clause,
            "chapter": c.chapter,
            "chapter_title": c.chapter_title,
            "text": c.text,
            "page": c.page,
            "score": round(float(self.score), 6),
        }
        if self.also:
            out["also"] = [{"contract": a.contract, "clause": a.clause, "chapter": a.chapter}
                           for a in self.also]
        return out


@dataclass(frozen=True)
class SearchResult:
    """The answer to one question: hits best first, and what the search understood."""

    question: str
    hits: tuple[Hit, ...]
    scope: str | None = None  # contract key the search was limited to, if any
    scopes: tuple[str, ...] = ()  # every contract it was limited to (several share a name)
    parties: dict[str, dict[str, str]] = field(default_factory=dict)  # contract -> role map
    relevant: bool = True  # False when no hit clears the relevance threshold
    evidence: tuple[float, float] = (0.0, 0.0)  # (best dense score, top hit's word coverage)
    cited: int = 0  # how many of the first hits are clauses the question cites (第十一条)
    uncited: tuple[str, ...] = ()  # numbers the question cites that no clause in scope has

    def as_json(self) -> dict[str, object]:
        """The exact shape of ``ask --json``: the hits are listed even when none is relevant,
        and ``relevant`` says whether they answer the question (text mode's 'no clause')."""
        return {"question": self.question, "results": [h.as_json() for h in self.hits],
                "relevant": self.relevant and bool(self.hits)}


@dataclass(frozen=True)
class ComparisonRow:
    """One contract of a comparison: its best clause for the question, or none relevant."""

    contract: str
    title: str
    hit: Hit | None  # None: no clause of this contract is relevant (未约定)
    source: str = ""
    shared_title: bool = False

    def as_json(self) -> dict[str, object]:
        """One row of ``compare --json``."""
        c = self.hit.clause if self.hit else None
        return {
            "contract": self.contract,
            "title": self.title,
            "found": self.hit is not None,
            "clause": c.clause if c else None,
            "chapter": c.chapter if c else None,
            "text": c.text if c else None,
            "score": round(float(self.hit.score), 6) if self.hit else None,
        }


@dataclass(frozen=True)
class Comparison:
    """One question asked of every contract in scope, one row per contract in build order."""

    question: str
    rows: tuple[ComparisonRow, ...]

    def as_json(self) -> dict[str, object]:
        """The exact shape of ``compare --json``."""
        return {"question": self.question, "rows": [r.as_json() for r in self.rows]}
