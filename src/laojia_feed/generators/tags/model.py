"""The data of tag expansion: what a post's tags may read, what expanding gives back."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from .scan import Token


def _nothing(reference: str) -> str | None:
    return None


#: An empty mapping that cannot be changed.
EMPTY: Mapping[str, object] = MappingProxyType({})


@dataclass(frozen=True)
class TagContext:
    """Everything the built-in tags of one post may read. Nothing else is ever evaluated."""

    #: The site's configuration as the generator reads it: Jekyll ``url``, ``baseurl``,
    #: ``title``…; Hexo ``url``, ``root``; Hugo ``baseURL``. Nested mappings are reachable
    #: through dotted names (``{{ site.author.name }}``).
    site: Mapping[str, object] = field(default_factory=lambda: EMPTY)
    #: The post's own front matter (Jekyll ``{{ page.title }}``, Hexo ``{{ title }}``).
    page: Mapping[str, object] = field(default_factory=lambda: EMPTY)
    #: The URL of the post (or page) a reference names, or None: Hexo ``post_link`` gets a
    #: slug or file name, Jekyll ``post_url`` ``2010-07-21-name`` and ``link`` a source path,
    #: Hugo ``ref`` a content path (``posts/x.md``, ``x``). An absolute URL is best: each tag
    #: prints it the way its generator does (Hugo ``ref`` absolute, the others as a path).
    post_url: Callable[[str], str | None] = _nothing
    #: The title of the post a reference names (Hexo ``post_link`` prints it), or None.
    post_title: Callable[[str], str | None] = _nothing
    #: The URL under which the post's assets are published, ending in ``/`` (Hexo
    #: ``post_asset_folder``: the post's permalink folder, ``/2021/09/08/slug/``), or None.
    asset_base: str | None = None


@dataclass(frozen=True)
class Expanded:
    """A body with its tags expanded, and what could not be."""

    #: Markdown/HTML for the Markdown renderer; HTML blocks stand on lines of their own.
    text: str
    #: Tags (and ``{{ variables }}``, ``| filters``) that are no built-in, with their counts.
    unknown: Mapping[str, int]
    #: Tags that are built in but could not be expanded, one sentence each.
    problems: tuple[str, ...]


@dataclass
class Report:
    """What expanding one body noticed (mutable, private to one expansion)."""

    unknown: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    def problem(self, message: str) -> None:
        if message not in self.problems:
            self.problems.append(message)


@dataclass(frozen=True)
class Call:
    """One tag to expand: the tag, and for a paired tag its content."""

    token: Token
    #: The content with its own tags expanded; None for a single tag.
    body: str | None = None
    #: The content as written; None for a single tag.
    raw: str | None = None


#: Expands one built-in tag.
Handler = Callable[[Call, TagContext, Report], str]
