"""Which loaded posts go into feeds at all: a pure filter run once on the load result.

A post stays published (its page is the generator's business) but is left out of every
feed — main, category, tag and archive — when its front matter says ``feed: false`` or
``hidden: true`` (hexo-hide-posts' key), or when it has a category listed in the site's
``exclude_categories`` or a tag listed in ``exclude_tags`` (names compared without
regard to case). The same pass reports, once per post, the post-level keys the formats
will drop (an unsafe ``source`` URL, an ``audio`` without a URL...).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from laojia_feed.feeds.formats import post_keys
from laojia_feed.model import Article, Diagnostic, LoadResult, Severity, Site
from laojia_feed.read.load import display_path


def _folded(names: Iterable[str]) -> frozenset[str]:
    return frozenset(name.casefold() for name in names)


def in_feeds(article: Article, site: Site) -> bool:
    """Whether ``article`` belongs in the site's feeds (see the module docstring)."""
    extra = article.extra
    if post_keys.flag(extra.get("feed")) is False or post_keys.flag(extra.get("hidden")):
        return False
    if site.exclude_categories and _folded(article.categories) & _folded(site.exclude_categories):
        return False
    return not (site.exclude_tags and _folded(article.tags) & _folded(site.exclude_tags))


def key_warnings(article: Article, site: Site, posts: str | Path) -> list[Diagnostic]:
    """One warning per post-level key the formats drop or fix, naming the post and key."""
    found: list[Diagnostic] = []
    where = display_path(posts, article.source_path)

    def warn(message: str) -> None:  # post_keys says "key: problem"
        key, _, text = message.partition(": ")
        found.append(Diagnostic(where, key, text, Severity.WARNING))

    post_keys.source(article, site, warn)
    post_keys.audio(article, site, warn)
    return found


def for_feeds(load: LoadResult, site: Site, posts: str | Path) -> LoadResult:
    """``load`` with only the articles that belong in feeds, plus the warnings about
    their post-level keys. Unchanged (the same object) when no post is concerned."""
    kept = tuple(article for article in load.articles if in_feeds(article, site))
    warnings = [
        warning
        for article in kept
        if any(key in article.extra for key in (*post_keys.SOURCE_KEYS, *post_keys.AUDIO_KEYS))
        for warning in key_warnings(article, site, posts)
    ]
    if len(kept) == len(load.articles) and not warnings:
        return load
    return replace(load, articles=kept, diagnostics=(*load.diagnostics, *warnings))
