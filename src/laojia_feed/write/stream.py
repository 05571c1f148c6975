"""A feed of every post written entry by entry: each post rendered and serialized in all
formats on the worker cores, the entries appended to the staged files as they come back,
so that neither the bodies nor the feeds are ever held whole.
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
    FieldError,
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


def stream_feed(plan: FeedPlan, bodies: Bodies, writer: Writer) -> list[Placed] | None:
    """Every post of ``plan`` rendered and written entry by entry on every core, each
    entry appended to the staged files as it comes: neither the bodies nor the feeds are
    ever held whole. None, with nothing left staged, when that cannot be done — a file
    cannot be staged, a text of the feed itself needs cleaning, a post's body cannot be
    read back — and the caller takes the whole-document path, which reports why."""
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
        notes = _write_entries(plan, bodies, [(fmt, base) for fmt, _ in named], streams, parts)
        tickets = [stream.finish() for stream in streams]
    except (_AbandonedError, OSError):
        for stream in streams:
            stream.abandon()
        return None
    for article, found in notes:
        bodies.report_notes(article, found)
    count = len(plan.articles)
    return [
        Placed(name, stream.size, fmt.name, count, ticket)
        for (fmt, name), stream, ticket in zip(named, streams, tickets, strict=True)
    ]


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
) -> list[tuple[Article, tuple[str, ...]]]:
    """Write each document's parts and every post's entries into its stream, in order;
    the sanitizer notes of each post. :class:`_AbandonedError` when a body is unreadable."""
    for stream, part in zip(streams, parts, strict=True):
        stream.write(part.opening)
    work = functools.partial(render_entries, plan.site, docs)
    pairs = [bodies.pair(article) for article in plan.articles]
    notes: list[tuple[Article, tuple[str, ...]]] = []
    with collector_paused():
        for chunk in parallel.iter_chunks(
            work, pairs, jobs=bodies.jobs, minimum=RENDER_MIN_PARALLEL, most=_STREAM_CHUNK
        ):
            for entries in chunk:
                if isinstance(entries, FieldError):
                    raise _AbandonedError
                for stream, part, data in zip(streams, parts, entries[1], strict=True):
                    stream.write(part.separator + data if notes else data)
                notes.append((plan.articles[len(notes)], entries[0]))
    for stream, part in zip(streams, parts, strict=True):
        stream.write(part.closing)
    return notes
