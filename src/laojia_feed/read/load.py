"""Read a posts folder into Articles: discover → read bytes → decode → front matter → fields.

Each post ends in exactly one outcome: an Article, an exclusion (draft, unpublished,
future, not a regular file), or error diagnostics. One post's problem never stops
the others from loading. A build loads posts without their bodies (:func:`load_deferred`)
and reads each body back when it renders it (:class:`BodyReader`, :func:`with_body`).
"""

from __future__ import annotations

import gc
import re
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo
from functools import partial
from pathlib import Path
from typing import Protocol, TypeAlias

from laojia_feed import parallel
from laojia_feed.model import (
    Article,
    Diagnostic,
    Excluded,
    Exclusion,
    FieldError,
    LoadResult,
    Severity,
    Site,
    Warn,
)
from laojia_feed.read import article as fields
from laojia_feed.read import dates, decode, discover, frontmatter

#: Where the body of a post loaded without it starts in its decoded text, and the size
#: and CRC-32 of the post's bytes when its metadata was read: ``(start, size, crc)``.
BodySpan: TypeAlias = tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class BodyRef:
    """Where the body of an article loaded without it is: see :class:`BodyReader`."""

    #: The post file.
    found: discover.Found
    #: Where in it, and what its bytes were.
    span: BodySpan


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one post file."""

    #: The article, when the post is published.
    article: Article | None = None
    #: Why it was left out, when it was on purpose.
    excluded: Exclusion | None = None
    #: Its diagnostics (errors mean it was skipped).
    diagnostics: tuple[Diagnostic, ...] = ()
    #: Where the article's body is in the post, when it was loaded without it.
    body_span: BodySpan | None = None


#: What a deferred body is re-read against: the same bytes, or the post is not published.
CHANGED = "changed while the build was running; skipped (build again)"


def _digest(data: bytes) -> tuple[int, int]:
    """What tells a concurrent edit apart: the size and CRC-32 of the bytes (not a defence
    against someone who may write the posts: they can publish anything anyway)."""
    return len(data), zlib.crc32(data)


def _ignore(message: str) -> None:
    """Warnings of a second read were reported by the first."""
    del message


def with_body(
    article: Article, ref: BodyRef | None, folders: discover.OpenFolders | None = None
) -> Article:
    """``article`` with the body ``ref`` points to (None: it has its body); :class:`FieldError`
    when the file no longer holds the bytes the article was read from."""
    if ref is None:
        return article
    data = discover.read_post_bytes(ref.found, folders=folders)
    start, size, crc = ref.span
    if _digest(data) != (size, crc):
        raise FieldError(CHANGED)
    return replace(article, body=decode.decode_text(data, _ignore)[start:])


class BodyReader:
    """The bodies a deferred load (:func:`load_deferred`) left out, read when asked for.

    A build that publishes only the newest few hundred of 50,000 posts needs only their
    bodies, and one that publishes them all renders each on some core straight from its
    file: either way, the bodies are never all kept in memory nor sent between processes.
    A body is read back only if the file still holds the bytes its metadata came from,
    so an article's title and body always come from the same version of the post.
    """

    def __init__(self, refs: Mapping[str, BodyRef]) -> None:
        self._refs = refs

    def ref(self, article: Article) -> BodyRef | None:
        """Where the body of ``article`` is; None when it was loaded with it."""
        return self._refs.get(article.id)

    def __call__(self, article: Article) -> Article:
        """``article`` with its body; :class:`FieldError` when the file changed since."""
        return with_body(article, self.ref(article))


class _Collector:
    """Collects the diagnostics of one post under its display path."""

    def __init__(self, display: str) -> None:
        self.display = display
        self.found: list[Diagnostic] = []

    def warner(self, field: str) -> Warn:
        """A ``warn`` callback that files warnings under ``field``."""

        def warn(message: str) -> None:
            self.found.append(Diagnostic(self.display, field, message, Severity.WARNING))

        return warn

    def warn_key(self, field: str, message: str) -> None:
        """File a warning under ``field`` (a front-matter key)."""
        self.found.append(Diagnostic(self.display, field, message, Severity.WARNING))

    @contextmanager
    def stage(self, field: str) -> Iterator[None]:
        """Turn a FieldError raised inside the block into an error under ``field``."""
        try:
            yield
        except FieldError as problem:
            self.found.append(Diagnostic(self.display, field, str(problem)))
            raise _SkipPostError from problem


class _SkipPostError(Exception):
    """Internal: the post cannot go on (its error is already collected)."""


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while posts are loaded or read back from the cache.

    Loading 10k posts makes a few hundred thousand tuples, strings and Articles, none in
    a cycle; the collector would walk them all again and again as they pile up (~4% of
    the load, and more than half the time of unpickling them from the worker processes).
    It runs again, and collects anything left, when the block ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def display_path(posts: str | Path, relpath: str) -> str:
    """How a post is named in diagnostics: the posts folder as given, then the relative path."""
    base = str(posts).rstrip("/\\") or "."
    return f"{base}/{relpath}"


def load_post(
    found: discover.Found,
    display: str,
    site: Site,
    tz: tzinfo,
    now: datetime,
    defer_body: bool = False,
    folders: discover.OpenFolders | None = None,
) -> Outcome:
    """Read, decode, split and validate one post file (without its body: see
    :class:`BodyReader`)."""
    if found.draft:
        return Outcome(excluded=Exclusion.DRAFT)
    if found.relpath.rsplit("/", 1)[-1].startswith("_index."):
        return Outcome(excluded=Exclusion.LIST_PAGE)  # a Hugo section page, not a post
    report = _Collector(display)
    try:
        with report.stage("file"):
            data = discover.read_post_bytes(found, folders=folders)
            text = decode.decode_text(data, report.warner("file"))
        with report.stage("front matter"):
            raw = frontmatter.split_post(
                text, report.warner("front matter"), report.warn_key, site.generator
            )
    except _SkipPostError:
        return Outcome(diagnostics=tuple(report.found))
    ctx = fields.Context(site=site, tz=tz, relpath=found.relpath)
    parsed = fields.parse_fields(raw.meta, ctx, display)
    if raw.syntax == frontmatter.BARE and parsed.values["date"] is None:
        return Outcome(excluded=Exclusion.UNDATED_PAGE, diagnostics=tuple(report.found))
    diagnostics = with_lines((*report.found, *parsed.diagnostics), text, raw.body_line)
    reason = fields.exclusion(parsed.values)
    if reason is not None:  # quietly, but an unclear flag that failed closed is worth a word
        flags = tuple(d for d in parsed.diagnostics if d.field in {"draft", "published"})
        return Outcome(excluded=reason, diagnostics=flags)
    if parsed.failed:
        return Outcome(diagnostics=diagnostics)
    body = "" if defer_body else raw.body
    article = fields.make_article(parsed.values, raw.meta, body, found.relpath, site, tz)
    if article.published > now and not site.include_future:
        return Outcome(excluded=Exclusion.FUTURE, diagnostics=diagnostics)
    span = (len(text) - len(raw.body), *_digest(data)) if defer_body else None
    return Outcome(article=article, diagnostics=diagnostics, body_span=span)


def key_line(front: str, key: str) -> int | None:
    """The 1-based line where ``key`` is set in front-matter text (YAML, TOML or JSON)."""
    pattern = rf'^[ \t]*(?:"{re.escape(key)}"|{re.escape(key)})[ \t]*[:=]'
    match = re.search(pattern, front, flags=re.MULTILINE)
    return front.count("\n", 0, match.start()) + 1 if match else None


def with_lines(
    diagnostics: tuple[Diagnostic, ...], text: str, body_line: int
) -> tuple[Diagnostic, ...]:
    """Diagnostics about a front-matter key, with the line that sets it (for editors and CI)."""
    if not diagnostics:
        return diagnostics
    front = "\n".join(text.split("\n", body_line - 1)[: body_line - 1])
    return tuple(
        replace(d, line=key_line(front, d.field))
        if d.line is None and d.field not in _PSEUDO_FIELDS
        else d
        for d in diagnostics
    )


#: Diagnostic fields that are not front-matter keys.
_PSEUDO_FIELDS = frozenset({"file", "front matter", "body"})


def load_posts(
    files: Sequence[discover.Found],
    posts: str,
    site: Site,
    now: datetime,
    defer_bodies: bool = False,
) -> list[Outcome]:
    """:func:`load_post` for each file, in order (one chunk of a possibly parallel load)."""
    tz = dates.resolve_timezone(site.timezone)
    with collector_paused(), discover.OpenFolders() as folders:
        return [
            load_post(item, display_path(posts, item.relpath), site, tz, now, defer_bodies, folders)
            for item in files
        ]


#: Loads the posts a store cannot answer: each file's outcome, in order.
LoadAll: TypeAlias = Callable[[Sequence[discover.Found]], list[Outcome]]


class PostStore(Protocol):
    """Outcomes kept from earlier loads, reused for unchanged posts: the load side of the
    incremental cache (:class:`laojia_feed.cache.Cache` implements it). A stored outcome
    never holds a body: its article always points to its file (a :data:`BodySpan`)."""

    def outcomes(
        self, files: Sequence[discover.Found], posts: str, site: Site, load_all: LoadAll
    ) -> tuple[list[Outcome], str]:
        """Every file's outcome, in order (``load_all`` for those it cannot answer, without
        their bodies), and a digest of every input, for :attr:`LoadResult.inputs_digest`."""
        ...


def post_outcomes(
    files: Sequence[discover.Found],
    posts: str,
    site: Site,
    now: datetime,
    progress: Callable[[int, int], None] | None = None,
    defer_bodies: bool = False,
    *,
    jobs: int | None = None,
    store: PostStore | None = None,
) -> tuple[list[Outcome], str | None]:
    """The outcome of every file, in order, on every core for large folders (see
    :mod:`~laojia_feed.parallel`), and the inputs' digest when ``store`` answered (whose
    outcomes always point to their bodies)."""

    def load_all(todo: Sequence[discover.Found], defer: bool = False) -> list[Outcome]:
        work = partial(load_posts, posts=posts, site=site, now=now, defer_bodies=defer)
        with collector_paused():  # also while other processes' results are unpickled here
            return parallel.map_chunks(work, todo, jobs=jobs, progress=progress)

    if store is None:
        return load_all(files, defer_bodies), None
    return store.outcomes(files, posts, site, partial(load_all, defer=True))


def newest_first(articles: Iterable[Article]) -> tuple[Article, ...]:
    """Deterministic feed order: newest first, ties broken by id."""
    by_id = sorted(articles, key=lambda a: a.id)
    return tuple(sorted(by_id, key=lambda a: a.published, reverse=True))


def unique_ids(
    articles: list[tuple[str, Article]],
) -> tuple[list[Article], list[Diagnostic]]:
    """Keep the first post (in path order) for each id; later claimants are errors."""
    owners: dict[str, str] = {}
    kept: list[Article] = []
    problems: list[Diagnostic] = []
    for display, article in articles:
        owner = owners.get(article.id)
        if owner is not None:
            problems.append(
                Diagnostic(display, "id", f"{article.id} is already used by {owner}; skipped")
            )
            continue
        owners[article.id] = display
        kept.append(article)
    return kept, problems


def load(
    posts: str | Path,
    site: Site,
    *,
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
    defer: bool = False,
    jobs: int | None = None,
    store: PostStore | None = None,
) -> tuple[LoadResult, BodyReader]:
    """Load every post under ``posts``: valid Articles newest first, plus every problem, and
    the reader of the bodies left out (``defer``: every Article's ``body`` is empty until the
    reader gives it back). See :func:`laojia_feed.load_articles` and
    :func:`laojia_feed.load_deferred`, which wire the run options in."""
    return _load(posts, site, now or datetime.now(UTC), progress, defer, jobs, store)


def _load(
    posts: str | Path,
    site: Site,
    now: datetime,
    progress: Callable[[int, int], None] | None,
    defer: bool,
    jobs: int | None,
    store: PostStore | None,
) -> tuple[LoadResult, BodyReader]:
    try:
        dates.resolve_timezone(site.timezone)  # checked once here; each chunk resolves it
    except FieldError as problem:
        failed = Diagnostic("config", "timezone", str(problem))
        return LoadResult((), (failed,), unreadable=True), BodyReader({})
    try:
        found = discover.discover(Path(posts), site.patterns)
    except FieldError as problem:
        failed = Diagnostic(str(posts), "file", str(problem))
        return LoadResult((), (failed,), unreadable=True), BodyReader({})
    diagnostics = [replace(d, path=display_path(posts, d.path)) for d in found.diagnostics]
    excluded = [replace(e, path=display_path(posts, e.path)) for e in found.excluded]
    loaded: list[tuple[str, Article]] = []
    refs: dict[str, BodyRef] = {}
    outcomes, digest = post_outcomes(
        found.files, str(posts), site, now, progress, defer, jobs=jobs, store=store
    )
    for item, outcome in zip(found.files, outcomes, strict=True):
        display = display_path(posts, item.relpath)
        diagnostics.extend(outcome.diagnostics)
        if outcome.excluded is not None:
            excluded.append(Excluded(display, outcome.excluded))
        elif outcome.article is not None:
            article = outcome.article
            ref = BodyRef(item, outcome.body_span) if outcome.body_span is not None else None
            if ref is not None and not defer:  # from the cache, which keeps no body
                try:
                    article = with_body(article, ref)
                except FieldError as problem:
                    diagnostics.append(Diagnostic(display, "file", str(problem)))
                    continue
            elif ref is not None:
                refs.setdefault(article.id, ref)
            loaded.append((display, article))
    kept, clashes = unique_ids(loaded)
    result = LoadResult(
        articles=newest_first(kept),
        diagnostics=tuple(diagnostics + clashes),
        excluded=tuple(excluded),
        inputs_digest=digest,
        deferred=defer,
    )
    return result, BodyReader(refs)
