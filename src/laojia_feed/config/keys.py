"""Every configuration key as data: the setting it sets, its parser, its one-line help
(:data:`KEYS`, in the order ``laojia-feed init`` writes them); :data:`RUN_KEYS` are the
keys of :class:`~laojia_feed.model.RunOptions`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from laojia_feed.config import extras
from laojia_feed.config.values import (
    author,
    cache_dir,
    count,
    flag,
    folders,
    id_style,
    image_proxy,
    item_budget,
    jobs,
    language,
    nonempty,
    optional_url,
    outputs,
    page_size,
    parse_size,
    patterns,
    plain,
    read_more,
    referrer_policy,
    site_url,
    summary_length,
    timezone,
)
from laojia_feed.generators import tag_keys


@dataclass(frozen=True, slots=True)
class Key:
    """One configuration key: the attribute it sets and its parser."""

    #: Attribute of :class:`~laojia_feed.model.Site` (or of
    #: :class:`~laojia_feed.model.RunOptions`, for the keys in :data:`RUN_KEYS`).
    attr: str
    #: Turns the raw TOML value into the attribute's value; raises FieldError.
    parse: Callable[[object], Any]
    #: One line for ``laojia-feed init`` and README.
    help: str


#: Every configuration key, in the order ``laojia-feed init`` writes them.
KEYS: Mapping[str, Key] = MappingProxyType(
    {
        "title": Key("title", nonempty, "Feed title"),
        "url": Key("url", site_url, "Absolute URL of the site; item links are built on it"),
        "description": Key("description", plain, "Feed description / subtitle"),
        "language": Key("language", language, "Language tag of the feeds"),
        "author": Key("author", author, 'Default author: a name or {name, email, url}'),
        "timezone": Key("timezone", timezone, "IANA time zone for dates written without one"),
        "permalink": Key("permalink", nonempty, "Item URL pattern (:year :month :day :slug)"),
        "limit": Key("limit", count, "At most this many items per feed (0 = every post)"),
        "budget": Key("budget", parse_size, 'Byte budget of one feed ("none" = no budget)'),
        "item_budget": Key("item_budget", item_budget, "Byte cap of one item's content"),
        "include_future": Key("include_future", flag, "Publish posts dated in the future"),
        "unwrap_proxies": Key("unwrap_proxies", flag, "Use the inner URL of CORS-proxy images"),
        "full_content": Key("full_content", flag, "Full content (false = summaries only)"),
        "summary_length": Key("summary_length", summary_length, "Length of generated summaries"),
        "patterns": Key("patterns", patterns, "File name patterns of posts"),
        "icon": Key("icon", optional_url, "Feed icon URL"),
        "hub": Key("hub", optional_url, "WebSub hub URL"),
        "category_feeds": Key("category_feeds", flag, "A feed per category: categories/<name>/"),
        "tag_feeds": Key("tag_feeds", flag, "Also a feed per tag: tags/<name>/"),
        "archives": Key("archives", flag, "RFC 5005 archive pages of older posts: archive/<n>/"),
        "archive_size": Key("archive_size", page_size, "Posts per archive page (0 = auto)"),
        "stylesheet": Key("stylesheet", plain, 'XSL stylesheet href; "default" ships feed.xsl'),
        "cache_dir": Key("cache_dir", cache_dir, "Incremental build cache folder (opt-in)"),
        "jobs": Key("jobs", jobs, "Processes for reading posts (0 = automatic, 1 = one)"),
        "id_style": Key("id_style", id_style, 'Entry ids: "permalink", "jekyll" or "url"'),
        "outputs": Key("outputs", outputs, "Feed file names; \"\" disables one"),
        "pages": Key("pages", flag, "HTML pages for people: feed.html by each feed, feeds.html"),
        "logo": Key("logo", optional_url, "Feed logo URL (Atom logo, RSS image)"),
        "cover_in_content": Key("cover_in_content", flag, "Show each post's cover atop it"),
        "webfeeds": Key("webfeeds", extras.webfeeds, "Feedly webfeeds: true or a table"),
        "comments": Key("comments", flag, "Comment links: true = all posts, false = none"),
        "comments_anchor": Key("comments_anchor", extras.comments_anchor, "Comments' #anchor"),
        "exclude_categories": Key("exclude_categories", extras.terms, "Categories: no feed"),
        "exclude_tags": Key("exclude_tags", extras.terms, "Posts with these tags: no feed"),
        "guess_language": Key("guess_language", flag, "Guess entry languages (en on a zh site)"),
        "podcast": Key("podcast", extras.podcast, "iTunes podcast tags: a table"),
        "template_tags": Key("template_tags", tag_keys.parse_generator,
                             'Expand these template tags: "hexo", "hugo", "jekyll", "none"'),
        "generator": Key("generator", tag_keys.parse_generator,
                         'Posts follow this generator\'s conventions: "hexo", "hugo", "jekyll"'),
        "site_vars": Key("site_vars", tag_keys.parse_variables,
                         "The generator's variables tags print ({{ site.baseurl }}, params)"),
        "asset_folders": Key("asset_folders", flag, "Hexo post_asset_folder: assets by the post"),
        "tags_folder": Key("tags_folder", tag_keys.parse_folder,
                           "Posts folder under the one tags name posts from (Hugo content/)"),
        "referrer_policy": Key("referrer_policy", referrer_policy,
                               'referrerpolicy of every body image ("" = as written)'),
        "image_proxy": Key("image_proxy", image_proxy, "Image proxy URL template with {url}"),
        "read_more": Key("read_more", read_more,
                         "Link text after a cut body (default: by language)"),
        "section_feeds": Key("section_feeds", flag, "A feed per section: <section>/ (Hugo's)"),
        "language_feeds": Key("language_feeds", flag, "A feed per language: languages/<tag>/"),
        "sections": Key("sections", folders, "Hugo's sections under content/ (:sections)"),
    }
)  # fmt: skip


#: The keys that say how a run executes (:class:`~laojia_feed.model.RunOptions`), not
#: what the feeds say.
RUN_KEYS = frozenset({"cache_dir", "jobs"})
