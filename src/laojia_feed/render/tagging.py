"""Template tags expanded in a body before it is rendered, with what one build knows.

:func:`plan` gathers once per build what tags may print of the other posts
(:class:`~laojia_feed.generators.tags.refs.Targets`: their URLs and titles under the
names the generator gives them) into a :class:`TagPlan`, plain data that pickles to the
worker processes; :func:`expand_body` expands one body with it (see
:mod:`laojia_feed.generators.tags`); :func:`unknown_warning` is the build's one warning
about the tags laojia-feed does not know, with their counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import cast

from laojia_feed.generators.tags import Expanded, Generator, TagContext, expand
from laojia_feed.generators.tags.refs import Targets
from laojia_feed.model import Article, Diagnostic, JSONValue, Severity, Site


@dataclass(frozen=True, slots=True)
class TagPlan:
    """What every body of one build needs to expand its template tags."""

    #: Whose tags the bodies hold.
    generator: Generator
    #: The generator's config variables (``site.baseurl``, ``root``, ``params``).
    variables: Mapping[str, JSONValue]
    #: Every loaded post by the references that name it.
    targets: Targets
    #: Hexo ``post_asset_folder``: a post's assets are under its permalink.
    asset_folders: bool


def plan(site: Site, articles: Iterable[Article]) -> TagPlan | None:
    """The tag plan of a build of ``articles`` (every loaded post: a tag may name any);
    None when the site expands no tags."""
    if site.template_tags is None:
        return None
    kind = cast(Generator, site.template_tags)
    folder = PurePosixPath(site.tags_folder)
    posts = ((str(folder / a.source_path), a.url, a.title) for a in articles)
    return TagPlan(kind, site.site_vars, Targets.of(posts, kind), site.asset_folders)


def _page(article: Article) -> dict[str, object]:
    """The post's fields as its tags read them (Jekyll ``page.x``, Hexo ``{{ x }}``)."""
    return {
        **article.extra,
        "title": article.title,
        "slug": article.slug,
        "url": article.url,
        "categories": article.categories,
        "tags": article.tags,
    }


def expand_body(article: Article, body: str, tags: TagPlan) -> Expanded:
    """``body`` (``article``'s) with its template tags expanded."""
    ctx = TagContext(
        site=tags.variables,
        page=_page(article),
        post_url=tags.targets.url,
        post_title=tags.targets.title,
        asset_base=article.url if tags.asset_folders else None,
    )
    return expand(body, tags.generator, ctx)


def unknown_warning(counts: Counter[str], where: str) -> Diagnostic | None:
    """The one warning of a build about the tags no generator built-in expands, most
    frequent first; None when there were none."""
    if not counts:
        return None
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    listed = ", ".join(f"{name} ×{count}" for name, count in ranked)
    message = (
        f"template tags laojia-feed does not know (content kept, single tags dropped): {listed}"
    )
    return Diagnostic(where, "body", message, Severity.WARNING)
