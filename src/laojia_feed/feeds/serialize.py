"""A feed's files as bytes, in every enabled format, trimmed to the byte budget.

Sizes are first estimated from the rendered bodies (:func:`within_budget`), then each
format is serialized and the oldest items dropped until every file fits (:func:`serialize`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from types import MappingProxyType

from laojia_feed.feeds import stylesheet
from laojia_feed.feeds.plan import (
    FeedPlan,
    FormatLinks,
    document,
    enabled_formats,
    file_name,
)
from laojia_feed.model import (
    Article,
    Diagnostic,
    FeedItem,
    Severity,
    Site,
)
from laojia_feed.render.batch import Bodies
from laojia_feed.wording import size_text
from laojia_feed.write.writer import OutputFile, Placed, Writer

#: Bytes a feed spends per item besides its content (links, dates, ids, tags).
_ITEM_OVERHEAD = 1200


#: Bytes a feed spends besides its items.
_DOCUMENT_OVERHEAD = 2048


def estimated_size(item: FeedItem) -> int:
    """A cheap upper-ish guess of the bytes one item costs in the largest format."""
    content = item.rendered.content_html
    escapes = 3 * (content.count("<") + content.count(">")) + 4 * content.count("&")
    text = content + item.rendered.summary + item.article.title
    return len(text.encode("utf-8")) + escapes + _ITEM_OVERHEAD


def likely_fit(
    articles: Sequence[Article], budget: int, size_of: Callable[[Article], int]
) -> Sequence[Article]:
    """The newest articles whose bodies as written fill ``budget``: about the ones
    :func:`within_budget` keeps, worth rendering ahead on every core."""
    spent = _DOCUMENT_OVERHEAD
    for index, article in enumerate(articles):
        spent += size_of(article) + _ITEM_OVERHEAD
        if spent > budget:
            return articles[: index + 1]
    return articles


def within_budget(articles: Sequence[Article], site: Site, bodies: Bodies) -> tuple[Article, ...]:
    """The newest articles whose estimated size fits the budget (always at least one)."""
    spent = _DOCUMENT_OVERHEAD
    kept: list[Article] = []
    for article in articles:
        rendered = bodies.get(article)
        if rendered is None:
            continue
        spent += estimated_size(FeedItem(article, rendered))
        if site.budget is not None and spent > site.budget and kept:
            break
        kept.append(article)
    return tuple(kept)


def render_plan(
    plan: FeedPlan, items: Sequence[FeedItem], links: FormatLinks
) -> Iterator[OutputFile]:
    """Serialize ``items`` in every enabled format, one at a time, each with its own
    RFC 5005 links."""
    base = document(plan.site, items, plan.feed_urls)
    for fmt, name in enabled_formats(plan.site):
        path = file_name(plan.folder, name)
        doc = replace(base, links=MappingProxyType(dict(links.get(fmt.name, {}))))
        href = stylesheet.href_for(plan.site.stylesheet, path)
        # no local keeps the bytes: the writer drops them while the next format renders
        yield OutputFile(path, fmt.render(doc, stylesheet=href), fmt.name, len(items))


def _no_links(count: int) -> FormatLinks:
    del count
    return {}


def serialize(
    plan: FeedPlan,
    items: Sequence[FeedItem],
    writer: Writer,
    links_for: Callable[[int], FormatLinks] = _no_links,
) -> tuple[list[Placed], int]:
    """Serialize every format into ``writer``, dropping the oldest items until each fits
    the budget. Without a budget each format goes to the writer as soon as it is
    serialized; with one, a try is held until it is known to fit.

    ``links_for``: the RFC 5005 links for a given number of items kept.
    """
    budget = plan.site.budget
    count = len(items)
    while True:
        files = render_plan(plan, items[:count], links_for(count))
        if budget is None:
            placed: list[Placed] = []
            for file in files:
                placed.append(writer.put(file))
                del file  # one format's bytes at a time
            return placed, count
        rendered = list(files)
        largest = max((len(f.data) for f in rendered), default=0)
        if largest <= budget or count == 0:
            return [writer.put(f) for f in rendered], count
        count = min(count - 1, int(count * budget / largest * 0.98))


def budget_warning(site: Site, total: int, kept: int, where: str) -> Diagnostic | None:
    """One warning when the byte budget left posts out of the feeds."""
    if kept >= total or site.budget is None:
        return None
    return Diagnostic(
        where,
        "budget",
        f"feeds carry the newest {kept} of {total} posts to stay under "
        f'{size_text(site.budget)} each (set budget = "none" to publish all)',
        Severity.WARNING,
    )
