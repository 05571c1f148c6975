"""The site options of the commands, in groups: each command lists only the ones it uses.

Every option is defined once, in :data:`OPTIONS` (the order ``--help`` shows them);
:func:`site_options` gives a command the groups it takes — :data:`GENERAL` (config file,
site URL, how diagnostics are printed) for all, :data:`READING` (what reading the posts
depends on, and the run options) for ``check``, :data:`FEEDS` (what only writing feeds
uses) for ``build`` and ``serve`` (whose ``--watch`` builds). :func:`overrides` turns the
options given into configuration keys.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar, cast

import click

F = TypeVar("F", bound=Callable[..., Any])

#: Every site option, by its name on the command line, in the order ``--help`` lists them.
OPTIONS: Mapping[str, Callable[[Callable[..., Any]], Callable[..., Any]]] = {
    "config": click.option("--config", "config_path",
                           type=click.Path(dir_okay=False, path_type=Path),
                           help="Config file (default: laojia-feed.toml or pyproject.toml "
                                "[tool.laojia-feed] next to POSTS, its parent, or here)."),
    "site-url": click.option("--site-url",
                             help="Absolute URL of the site, e.g. https://blog.example.org/."),
    "title": click.option("--title", help="Feed title."),
    "description": click.option("--description", help="Feed description."),
    "language": click.option("--language", help="Language tag, e.g. zh-CN."),
    "author": click.option("--author", help="Default author name."),
    "timezone": click.option("--timezone", help="IANA time zone of dates without one."),
    "permalink": click.option("--permalink",
                              help="Item URL pattern, e.g. :year/:month/:day/:slug/."),
    "limit": click.option("--limit", type=click.IntRange(min=0),
                          help="At most N items (0 = all)."),
    "budget": click.option("--budget",
                           help='Byte budget per feed, e.g. 2MiB; "none" for no budget.'),
    "include-future": click.option("--include-future/--no-include-future", default=None,
                                   help="Publish posts dated in the future."),
    "unwrap-proxies": click.option("--unwrap-proxies/--no-unwrap-proxies", default=None,
                                   help="Replace CORS-proxy image URLs by the inner URL."),
    "image-proxy": click.option("--image-proxy", metavar="TEMPLATE",
                                help="Image proxy URL with {url}, e.g. "
                                     "https://img.example.org/?url={url}."),
    "referrer-policy": click.option("--referrer-policy",
                                    help='referrerpolicy of every body image, e.g. no-referrer; '
                                         '"" keeps images as written.'),
    "category-feeds": click.option("--category-feeds/--no-category-feeds", default=None,
                                   help="Also a feed per category under categories/<name>/."),
    "tag-feeds": click.option("--tag-feeds/--no-tag-feeds", default=None,
                              help="Also a feed per tag under tags/<name>/."),
    "section-feeds": click.option("--section-feeds/--no-section-feeds", default=None,
                                  help="Also a feed per section under <section>/ (Hugo's)."),
    "language-feeds": click.option("--language-feeds/--no-language-feeds", default=None,
                                   help="Also a feed per language under languages/<tag>/."),
    "archives": click.option("--archives/--no-archives", default=None,
                             help="RFC 5005 archive pages of older posts under archive/<n>/."),
    "archive-size": click.option("--archive-size", type=click.IntRange(min=0),
                                 help="Posts per archive page (0 = as many as the main feed)."),
    "stylesheet": click.option("--stylesheet",
                               help='XSL stylesheet href for rss.xml/atom.xml; '
                                    '"default" ships feed.xsl.'),
    "hub": click.option("--hub", help="WebSub hub URL to advertise in every feed."),
    "pages": click.option("--pages/--no-pages", default=None,
                          help="Also HTML pages for people: feed.html beside each feed, "
                               "feeds.html listing them all."),
    "cache-dir": click.option("--cache-dir",
                              help="Keep an incremental build cache in this folder (opt-in)."),
    "jobs": click.option("--jobs", type=click.IntRange(min=0),
                         help="Processes for reading posts (0 = automatic, 1 = one)."),
    "summary-only": click.option("--summary-only", is_flag=True, default=None,
                                 help="Put summaries, not full content, in the feeds."),
    "format": click.option("--format", "style", type=click.Choice(["text", "json", "github"]),
                           default="text", show_default=True,
                           help="How diagnostics are printed."),
    "quiet": click.option("-q", "--quiet", count=True, help="Only errors."),
    "verbose": click.option("-v", "--verbose", count=True,
                            help="Also notes (sanitizer, encodings)."),
}  # fmt: skip

#: What every command takes: the config file, the site URL, how diagnostics are printed.
GENERAL = frozenset({"config", "site-url", "format", "quiet", "verbose"})

#: What reading the posts depends on (``check``), with the run options.
READING = frozenset(
    {"author", "timezone", "permalink", "include-future", "unwrap-proxies", "image-proxy",
     "cache-dir", "jobs"}
)  # fmt: skip

#: What only writing the feeds uses (``build``, and ``serve --watch`` which builds).
FEEDS = frozenset(OPTIONS) - GENERAL - READING

#: What ``links`` prints depends on: the feeds' title and, with pages, their words.
LINKS = frozenset({"title", "language", "pages"})


def site_options(*groups: frozenset[str]) -> Callable[[F], F]:
    """Decorate a command with the options of ``groups`` (and :data:`GENERAL`)."""
    wanted = GENERAL.union(*groups)

    def decorate(func: F) -> F:
        for name, option in reversed(list(OPTIONS.items())):
            if name in wanted:
                func = cast(F, option(func))
        return func

    return decorate


#: Configuration key of each option that sets one, by its parameter name.
_KEYS = {
    "site_url": "url", "title": "title", "description": "description",
    "language": "language", "author": "author", "timezone": "timezone",
    "permalink": "permalink", "limit": "limit", "budget": "budget",
    "include_future": "include_future", "unwrap_proxies": "unwrap_proxies",
    "category_feeds": "category_feeds", "tag_feeds": "tag_feeds", "archives": "archives",
    "language_feeds": "language_feeds", "section_feeds": "section_feeds",
    "archive_size": "archive_size", "stylesheet": "stylesheet", "hub": "hub",
    "cache_dir": "cache_dir", "jobs": "jobs", "pages": "pages",
    "image_proxy": "image_proxy", "referrer_policy": "referrer_policy",
}  # fmt: skip


def overrides(flags: Mapping[str, Any]) -> dict[str, object]:
    """Config overrides from the flags that were given."""
    given: dict[str, object] = {
        key: flags[flag] for flag, key in _KEYS.items() if flags.get(flag) is not None
    }
    if flags.get("summary_only"):
        given["full_content"] = False
    return given


class Folder(click.Path):
    """A folder on the command line: never ``""`` (which would mean the current folder);
    with ``exists``, a folder indeed (not a FIFO, a device or a socket)."""

    def __init__(self, *, exists: bool = False) -> None:
        super().__init__(exists=exists, file_okay=False, path_type=Path)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and not value:
            self.fail("is empty: name a folder (. for the current one)", param, ctx)
        path = super().convert(value, param, ctx)
        if self.exists and not (isinstance(path, Path) and path.is_dir()):
            self.fail(f"{click.format_filename(value)!r} is not a folder", param, ctx)
        return path


POSTS = click.argument("posts", type=Folder(exists=True))


#: ``--allow-empty`` (build, and serve's --watch builds): a run option, not a site setting.
ALLOW_EMPTY = click.option(
    "--allow-empty",
    is_flag=True,
    help="Publish feeds without items even over feeds that hold some (no post was found).",
)
