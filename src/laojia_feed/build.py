"""Load everything → render everything → write everything.

Nothing is written until every post has been read and every feed serialized;
then each feed file is replaced atomically under a lock on the output folder.
Only the items that reach a feed have their bodies rendered and sanitized.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType

from . import html, output, urls
from .formats import FORMATS, FeedFormat
from .load import display_path, load_articles
from .model import (
    Article,
    BuildResult,
    Diagnostic,
    FeedDocument,
    FeedItem,
    FieldError,
    LoadResult,
    Severity,
    Site,
    WrittenFeed,
)

#: Feed-level date of a feed with no items (fixed, so empty feeds are reproducible too).
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

#: Bytes a feed spends per item besides its content (links, dates, ids, tags).
_ITEM_OVERHEAD = 1200

#: Signature of a thumbnail checker: URLs → the subset that failed, with reasons.
ThumbnailChecker = Callable[[Sequence[str]], Mapping[str, str]]


def enabled_formats(site: Site) -> tuple[tuple[FeedFormat, str], ...]:
    """The formats to write, each with its file name (an empty name disables it)."""
    names = {"rss": site.outputs.rss, "atom": site.outputs.atom, "json": site.outputs.json}
    return tuple((fmt, names[fmt.name]) for fmt in FORMATS if names.get(fmt.name))


def feed_urls(site: Site) -> Mapping[str, str]:
    """Absolute URL of each enabled feed file."""
    found: dict[str, str] = {}
    for fmt, name in enabled_formats(site):
        joined = urls.join_url(site.url, name)
        found[fmt.name] = joined or site.url + name
    return MappingProxyType(found)


def estimated_size(item: FeedItem) -> int:
    """A cheap upper-ish guess of the bytes one item costs in the largest format."""
    content = item.rendered.content_html
    escapes = 3 * (content.count("<") + content.count(">")) + 4 * content.count("&")
    text = content + item.rendered.summary + item.article.title
    return len(text.encode("utf-8")) + escapes + _ITEM_OVERHEAD


def render_items(
    articles: Iterable[Article],
    site: Site,
    posts: str | Path,
    report: list[Diagnostic],
) -> tuple[FeedItem, ...]:
    """Render articles newest first until the (estimated) budget is reached."""
    items: list[FeedItem] = []
    spent = 2048
    for article in articles:
        rendered = html.render(article, site)
        item = FeedItem(article, rendered)
        spent += estimated_size(item)
        if site.budget is not None and spent > site.budget and items:
            break
        items.append(item)
        for note in rendered.notes:
            severity = Severity.WARNING if "budget" in note else Severity.INFO
            where = display_path(posts, article.source_path)
            report.append(Diagnostic(where, "body", note, severity))
    return tuple(items)


def document(site: Site, items: Sequence[FeedItem], links: Mapping[str, str]) -> FeedDocument:
    """The FeedDocument for ``items``; its date is the newest item's update, never the clock."""
    updated = max((i.article.updated for i in items), default=EPOCH)
    return FeedDocument(site=site, items=tuple(items), feed_urls=links, updated=updated)


def serialize(site: Site, items: tuple[FeedItem, ...]) -> tuple[dict[str, bytes], int]:
    """Serialize every enabled format, dropping the oldest items until each fits the budget."""
    links = feed_urls(site)
    count = len(items)
    while True:
        doc = document(site, items[:count], links)
        rendered = {fmt.name: fmt.render(doc) for fmt, _name in enabled_formats(site)}
        largest = max((len(data) for data in rendered.values()), default=0)
        if site.budget is None or largest <= site.budget or count == 0:
            break
        count = min(count - 1, int(count * site.budget / largest * 0.98))
    return rendered, count


def budget_warning(site: Site, total: int, kept: int, where: str) -> Diagnostic | None:
    """One warning when the byte budget left posts out of the feeds."""
    if kept >= total or site.budget is None:
        return None
    return Diagnostic(
        where,
        "budget",
        f"feeds carry the newest {kept} of {total} posts to stay under "
        f'{site.budget / 1024 / 1024:.1f} MiB each (set budget = "none" to publish all)',
        Severity.WARNING,
    )


def drop_unreachable_images(
    articles: Sequence[Article],
    checker: ThumbnailChecker,
    posts: str | Path,
    report: list[Diagnostic],
) -> list[Article]:
    """Remove images that the checker found unreachable, with a warning each."""
    failed = checker([a.image for a in articles if a.image])
    kept: list[Article] = []
    for article in articles:
        reason = failed.get(article.image or "")
        if reason is not None:
            where = display_path(posts, article.source_path)
            message = f"{article.image} {reason}; dropped"
            report.append(Diagnostic(where, "image", message, Severity.WARNING))
            article = replace(article, image=None)
        kept.append(article)
    return kept


def write_feeds(
    out: Path, site: Site, rendered: Mapping[str, bytes], items: int, report: list[Diagnostic]
) -> tuple[WrittenFeed, ...]:
    """Write every serialized feed atomically, under the output folder's lock."""
    written: list[WrittenFeed] = []
    try:
        output.ensure_dir(out)
        with output.build_lock(out):
            for fmt, name in enabled_formats(site):
                data = rendered[fmt.name]
                changed = output.write_atomic(out, name, data)
                written.append(WrittenFeed(fmt.name, name, len(data), items, changed))
    except output.BuildLockBusy as busy:
        report.append(Diagnostic(str(out), "output", str(busy)))
    except FieldError as problem:
        report.append(Diagnostic(str(out), "output", str(problem)))
    except OSError as problem:
        report.append(
            Diagnostic(str(out), "output", f"cannot write: {problem.strerror or problem}")
        )
    return tuple(written)


def build_from(
    load: LoadResult,
    posts: str | Path,
    out: str | Path,
    site: Site,
    *,
    check_thumbnails: ThumbnailChecker | None = None,
) -> BuildResult:
    """Render and write the feeds for an already loaded set of articles."""
    report: list[Diagnostic] = []
    articles: Sequence[Article] = load.articles
    if site.limit is not None:
        articles = articles[: site.limit]
    items = render_items(articles, site, posts, report)
    if check_thumbnails is not None:
        found = [i.article for i in items]
        checked = drop_unreachable_images(found, check_thumbnails, posts, report)
        items = tuple(FeedItem(a, i.rendered) for a, i in zip(checked, items, strict=True))
    rendered, kept = serialize(site, items)
    warning = budget_warning(site, len(articles), kept, str(out))
    if warning is not None:
        report.append(warning)
    feeds = write_feeds(Path(out), site, rendered, kept, report)
    return BuildResult(load=load, feeds=feeds, diagnostics=tuple(report))


def build(
    posts: str | Path,
    out: str | Path,
    site: Site | None = None,
    *,
    now: datetime | None = None,
    check_thumbnails: ThumbnailChecker | None = None,
) -> BuildResult:
    """Load every post under ``posts`` and write the feeds into ``out``.

    Never raises for bad posts or an unwritable output: everything is a
    diagnostic in the result, and ``result.ok`` says whether the exit code is 0.
    """
    site = site or Site()
    load = load_articles(posts, site, now=now)
    return build_from(load, posts, out, site, check_thumbnails=check_thumbnails)
