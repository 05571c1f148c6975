"""A feed of every post written entry by entry: each post rendered and serialized in all
formats on the worker cores, the entries appended to the staged files as they come back,
so that neither the bodies nor the feeds are ever held whole. The newest few items (body
rendered) may be kept on the way, for the feed's page.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import replace
from types import MappingProxyType
from typing import TYPE_CHECKING

from laojia_feed import parallel
from laojia_feed.feeds import stylesheet
from laojia_feed.feeds.formats import FeedFormat
from laojia_feed.feeds.plan import EPOCH, FeedPlan, document, enabled_formats, file_name
from laojia_feed.model import (
    Article,
    FeedDocument,
    FeedItem,
    FieldError,
    Rendered,
)
from laojia_feed.read.load import (
    collector_paused,
)
from laojia_feed.render.batch import RENDER_MIN_PARALLEL, Bodies, render_entries
from laojia_feed.write import output
from laojia_feed.write.writer import Placed, Writer

if TYPE_CHECKING:
    from laojia_feed.feeds.formats._common import Parts


#: Most posts per chunk while a feed is streamed: their entries in three formats come
#: back at once (~3 MiB), a few chunks in flight.
_STREAM_CHUNK = 500


class _AbandonedError(Exception):
    """Internal: a post's body could not be read back while its feed was streamed."""


#: What a streamed feed gives back: its files, and its newest items as asked for.
Streamed = tuple[list[Placed], list[FeedItem]]


def stream_feed(plan: FeedPlan, bodies: Bodies, writer: Writer, keep: int = 0) -> Streamed | None:
    """Every post of ``plan`` rendered and written entry by entry on every core, each
    entry appended to the staged files as it comes: neither the bodies nor the feeds are
    ever held whole, only the newest ``keep`` items, in the feed's order. None, with
    nothing left staged, when that cannot be done — a file cannot be staged, a text of
    the feed itself needs cleaning, a post's body cannot be read back — and the caller
    takes the whole-document path, which reports why."""
    site = plan.site
    updated = max((a.updated for a in plan.articles), default=EPOCH)
    base = replace(document(site, (), plan.feed_urls), updated=updated, links=MappingProxyType({}))
    named = [(fmt, file_name(plan.folder, name)) for fmt, name in enabled_formats(site)]
    try:
        parts = [
            fmt.render_parts(base, stylesheet=stylesheet.href_for(site.stylesheet, name))
            for fmt, name in named
        ]
    except ValueError:
        return None
    streams = _open_streams(writer, [name for _fmt, name in named])
    if streams is None:
        return None
    try:
        docs = [(fmt, base) for fmt, _ in named]
        notes, kept = _write_entries(plan, bodies, docs, streams, parts, keep)
        tickets = [stream.finish() for stream in streams]
    except (_AbandonedError, OSError):
        for stream in streams:
            stream.abandon()
        return None
    for article, found in notes:
        bodies.report(article, found)
    count = len(plan.articles)
    files = [
        Placed(name, stream.size, fmt.name, count, ticket)
        for (fmt, name), stream, ticket in zip(named, streams, tickets, strict=True)
    ]
    return files, kept


def _open_streams(writer: Writer, names: Sequence[str]) -> list[output.StagedStream] | None:
    """A staged stream for each name, or None (and none left open)."""
    streams: list[output.StagedStream] = []
    for name in names:
        stream = writer.stream(name)
        if stream is None:
            for opened in streams:
                opened.abandon()
            return None
        streams.append(stream)
    return streams


def _write_entries(
    plan: FeedPlan,
    bodies: Bodies,
    docs: Sequence[tuple[FeedFormat, FeedDocument]],
    streams: Sequence[output.StagedStream],
    parts: Sequence[Parts],
    keep: int,
) -> tuple[list[tuple[Article, Rendered]], list[FeedItem]]:
    """Write each document's parts and every post's entries into its stream, in order;
    the remarks on each post (see :meth:`Bodies.report`) and the first ``keep`` items.
    :class:`_AbandonedError` when a body is unreadable."""
    for stream, part in zip(streams, parts, strict=True):
        stream.write(part.opening)
    kept: list[FeedItem] = []
    wanted = frozenset(article.id for article in plan.articles[:keep])
    work = functools.partial(render_entries, plan.site, docs, wanted, tags=bodies.tags)
    pairs = [bodies.pair(article) for article in plan.articles]
    notes: list[tuple[Article, Rendered]] = []
    with collector_paused():
        for chunk in parallel.iter_chunks(
            work, pairs, jobs=bodies.jobs, minimum=RENDER_MIN_PARALLEL, most=_STREAM_CHUNK
        ):
            for entries in chunk:
                if isinstance(entries, FieldError):
                    raise _AbandonedError
                for stream, part, data in zip(streams, parts, entries[1], strict=True):
                    stream.write(part.separator + data if notes else data)
                article = plan.articles[len(notes)]
                if len(kept) < keep and entries[2] is not None:
                    kept.append(FeedItem(article, entries[2]))
                notes.append((article, entries[0]))
    for stream, part in zip(streams, parts, strict=True):
        stream.write(part.closing)
    return notes, kept
