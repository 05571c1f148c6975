"""Many bodies rendered, each once: ahead on every core when there are many, on demand
otherwise; a deferred load's bodies read back from their files as they are rendered.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from laojia_feed import parallel
from laojia_feed.feeds.formats import FeedFormat
from laojia_feed.model import (
    Article,
    Diagnostic,
    FeedDocument,
    FeedItem,
    FieldError,
    Rendered,
    Severity,
    Site,
)
from laojia_feed.read import discover
from laojia_feed.read.load import (
    BodyReader,
    BodyRef,
    collector_paused,
    display_path,
    with_body,
)
from laojia_feed.render import bodies, tagging
from laojia_feed.render.tagging import TagPlan

#: An article and where its body is (None: it has it).
Pairing = tuple[Article, BodyRef | None]


def render_chunk(
    site: Site, pairs: Sequence[Pairing], tags: TagPlan | None = None
) -> list[Rendered | FieldError]:
    """The rendered body of each article, read from its file first when it was loaded
    without it, its template tags expanded with ``tags`` (the work of one process in
    :meth:`Bodies.prefetch`); a body that cannot be read back gives its error instead."""
    done: list[Rendered | FieldError] = []
    with discover.OpenFolders() as folders:
        for article, ref in pairs:
            try:
                done.append(bodies.render(with_body(article, ref, folders), site, tags))
            except FieldError as problem:
                done.append(problem)
    return done


#: One post's remarks (its rendered body without content: notes, tags), its entry in
#: every format and, when asked for, its rendered body; or why its body could not be
#: read back.
Entries = tuple[Rendered, tuple[bytes, ...], Rendered | None] | FieldError


def _remarks(rendered: Rendered) -> Rendered:
    """What is reported of a rendered body: all but its content and summary."""
    return replace(rendered, content_html="", summary="")


def render_entries(
    site: Site,
    docs: Sequence[tuple[FeedFormat, FeedDocument]],
    keep: frozenset[str],
    pairs: Sequence[Pairing],
    tags: TagPlan | None = None,
) -> list[Entries]:
    """Each post rendered (its tags expanded with ``tags``), then written as an entry of
    every document of ``docs`` (the feed without items, one per format): the remarks to
    report, the entries' bytes and, for the posts whose id is in ``keep``, the rendered
    body; the work of one process in :func:`stream_feed`."""
    rendered = render_chunk(site, pairs, tags)
    items = tuple(
        FeedItem(article, done)
        for (article, _ref), done in zip(pairs, rendered, strict=True)
        if not isinstance(done, FieldError)
    )
    written = [iter(fmt.render_items(replace(doc, items=items))) for fmt, doc in docs]
    return [
        done
        if isinstance(done, FieldError)
        else (
            _remarks(done),
            tuple(next(w) for w in written),
            done if article.id in keep else None,
        )
        for (article, _ref), done in zip(pairs, rendered, strict=True)
    ]


#: Bodies rendered ahead on every core from this many (rendering one costs several loads).
RENDER_MIN_PARALLEL = 200


class Bodies:
    """Each article's body rendered once; its sanitizer notes reported once.

    ``reader`` gives back the bodies of a deferred load (:func:`~laojia_feed.read.load.load`);
    a post whose body cannot be read back is reported once and left out of the feeds.
    """

    def __init__(
        self,
        site: Site,
        posts: str | Path,
        report: list[Diagnostic],
        reader: BodyReader | None = None,
        jobs: int | None = None,
        tags: TagPlan | None = None,
    ) -> None:
        #: Processes to render on (see :func:`parallel.worker_count`).
        self.jobs = jobs
        #: What template tags are expanded with (None: the bodies hold none).
        self.tags = tags
        #: The tags no built-in expands, with their counts, over every body reported.
        self.unknown_tags: Counter[str] = Counter()
        self._site = site
        self._posts = posts
        self._report = report
        self._reader = reader
        self._done: dict[str, Rendered | None] = {}
        self._ready: dict[str, Rendered | FieldError] = {}

    def pair(self, article: Article) -> tuple[Article, BodyRef | None]:
        """``article`` and where its body is (None: it has it)."""
        return article, self._reader.ref(article) if self._reader is not None else None

    def prefetch(self, articles: Iterable[Article]) -> None:
        """Render ``articles`` ahead, on every core when there are many (see
        :func:`parallel.map_chunks`); each is still reported when first asked for."""
        unique: dict[str, Article] = {}
        for article in articles:
            if article.id not in self._done:
                unique.setdefault(article.id, article)
        todo = list(unique.values())
        jobs = self.jobs
        if parallel.worker_count(jobs, len(todo), RENDER_MIN_PARALLEL) <= 1:
            return  # rendering on demand costs the same
        work = functools.partial(render_chunk, self._site, tags=self.tags)
        pairs = [self.pair(article) for article in todo]
        with collector_paused():  # thousands of results unpickled: no cycles among them
            done = parallel.map_chunks(work, pairs, jobs=jobs, minimum=RENDER_MIN_PARALLEL)
        for article, rendered in zip(todo, done, strict=True):
            self._ready[article.id] = rendered

    def source_size(self, article: Article) -> int:
        """The size of ``article``'s body as written (its file's, when it was left out)."""
        ref = self._reader.ref(article) if self._reader is not None else None
        return ref.span[1] if ref is not None else len(article.body)

    def get(self, article: Article) -> Rendered | None:
        """The rendered body of ``article``; None when its body could not be read back."""
        if article.id in self._done:
            return self._done[article.id]
        rendered = self._ready.pop(article.id, None)
        if rendered is None:
            rendered = render_chunk(self._site, [self.pair(article)], self.tags)[0]
        if isinstance(rendered, FieldError):
            where = display_path(self._posts, article.source_path)
            self._report.append(Diagnostic(where, "file", str(rendered)))
            self._done[article.id] = None
            return None
        self._done[article.id] = rendered
        self.report(article, rendered)
        return rendered

    def report(self, article: Article, rendered: Rendered) -> None:
        """What rendering ``article``'s body noticed: what sanitizing removed, for the
        record; its tag problems (one warning); its unknown tags, counted."""
        where = display_path(self._posts, article.source_path)
        for note in rendered.notes:
            severity = Severity.WARNING if "budget" in note else Severity.INFO
            self._report.append(Diagnostic(where, "body", note, severity))
        if rendered.tag_problems:
            message = "template tags: " + "; ".join(rendered.tag_problems)
            self._report.append(Diagnostic(where, "body", message, Severity.WARNING))
        self.unknown_tags.update(dict(rendered.unknown_tags))

    def finish(self) -> list[Diagnostic]:
        """The report, the one warning about the unknown tags of every body reported added
        last (once)."""
        unknown = tagging.unknown_warning(self.unknown_tags, str(self._posts))
        if unknown is not None:
            self._report.append(unknown)
            self.unknown_tags.clear()
        return self._report

    def items(self, articles: Iterable[Article], fixes: Mapping[str, Article]) -> list[FeedItem]:
        """A feed item for each article whose body is available (``fixes``: replacements)."""
        found: list[FeedItem] = []
        for article in articles:
            rendered = self.get(article)
            if rendered is not None:
                found.append(FeedItem(fixes.get(article.id, article), rendered))
        return found
