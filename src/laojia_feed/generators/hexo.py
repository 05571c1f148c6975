"""Hexo: its ``_config.yml`` and hexo-generator-feed's ``feed`` block as laojia-feed settings.

Permalink tokens are translated into laojia-feed's; where the config is silent,
Hexo's and hexo-generator-feed's own defaults apply (20 items, ``atom.xml``, the
build machine's time zone), each recorded with its source.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from types import MappingProxyType

from laojia_feed.generators.siteconfig import (
    Settings,
    author_zone_url,
    feed_limit,
    mapping,
    scalar,
    translate_pattern,
)
from laojia_feed.generators.tagsettings import tag_settings

#: Hexo permalink tokens → laojia-feed tokens.
HEXO_TOKENS: Mapping[str, str] = MappingProxyType(
    {
        ":year": ":year", ":month": ":month", ":day": ":day", ":i_month": ":i_month",
        ":i_day": ":i_day", ":hour": ":hour", ":minute": ":minute", ":second": ":second",
        ":timestamp": ":timestamp", ":title": ":path", ":name": ":filename",
        ":post_title": ":post_title", ":id": ":id", ":category": ":category",
        ":hash": ":hash", ":abbrlink": ":abbrlink",
    }
)  # fmt: skip

#: Hexo's permalink when ``_config.yml`` names none.
HEXO_DEFAULT_PERMALINK = ":year/:month/:day/:title/"

#: hexo-generator-feed's ``limit`` when the site names none.
FEED_LIMIT = 20

#: hexo-generator-feed ``type`` → our format name.
_FEED_TYPES: Mapping[str, str] = MappingProxyType({"atom": "atom", "rss2": "rss"})

_PLUGIN = "hexo-generator-feed"


def feed_types(raw: object) -> tuple[str, ...]:
    """hexo-generator-feed's ``type`` as it normalises it: atom, rss2, or both."""
    if isinstance(raw, str):
        return (raw,) if raw in _FEED_TYPES else ("atom",)
    if not isinstance(raw, list) or not raw:
        return ("atom",)
    if len(raw) == 1:
        return (raw[0],) if raw[0] in _FEED_TYPES else ("atom",)
    return ("atom", "rss2")  # two or more: always both (its own comparison never matches)


def feed_paths(types: tuple[str, ...], raw_type: object, raw: object) -> tuple[str, ...]:
    """hexo-generator-feed's ``path`` for ``types``: a string for a string ``type``, a list
    for a list (else its defaults), padded or cut to the types, ``.xml`` added."""
    listed = isinstance(raw_type, list) and (len(raw_type) > 1 or types == tuple(raw_type))
    if isinstance(raw, str) and raw and not listed:
        paths = [raw]
    elif isinstance(raw, list) and raw and listed:
        paths = [str(p) for p in raw[: len(types)]]
        paths += [f"{kind}.xml" for kind in types[len(paths) :]]
    else:
        paths = [f"{kind}.xml" for kind in types]
    return tuple(p if posixpath.splitext(p)[1] else p + ".xml" for p in paths)


def _outputs(feed: Mapping[str, object]) -> dict[str, str]:
    """Feed file names: what the plugin writes, nothing else (JSON Feed is opt-in)."""
    types = feed_types(feed.get("type"))
    outputs = {"rss": "", "atom": "", "json": ""}
    paths = feed_paths(types, feed.get("type"), feed.get("path"))
    for kind, path in zip(types, paths, strict=True):
        outputs[_FEED_TYPES[kind]] = path.lstrip("/")
    return outputs


def _feed(settings: Settings, feed: Mapping[str, object]) -> None:
    """The ``feed`` block of hexo-generator-feed, its defaults where it is silent."""
    source = "feed.type/feed.path" if "type" in feed or "path" in feed else None
    outputs = _outputs(feed)
    if source:
        settings.read("outputs", outputs, source)
    else:
        settings.set("outputs", outputs, f"{_PLUGIN}'s default")
    if "limit" in feed and (limit := feed_limit(feed["limit"])) is not None:
        settings.read("limit", limit, "feed.limit")
    settings.default("limit", FEED_LIMIT, f"{_PLUGIN}'s default")
    if isinstance(feed.get("content"), bool):
        settings.read("full_content", feed["content"], "feed.content")
    content_limit = feed.get("content_limit")
    if isinstance(content_limit, int) and not isinstance(content_limit, bool):
        settings.read("summary_length", content_limit, "feed.content_limit")
    settings.text("hub", feed.get("hub"), "feed.hub")
    icon = scalar(feed.get("icon"))
    site_url = settings.values.get("url")
    if icon:
        is_absolute = re.match(r"^https?://", icon, re.IGNORECASE)
        base = site_url if isinstance(site_url, str) else None
        absolute = icon if is_absolute or not base else base + icon.lstrip("/")
        settings.read("icon", absolute, "feed.icon")


def hexo_settings(config: Mapping[str, object], file_name: str = "_config.yml") -> Settings:
    """laojia-feed settings from a Hexo ``_config.yml``, with their sources."""
    settings = Settings(file_name)
    settings.text("title", config.get("title"), "title")
    if config.get("subtitle"):
        settings.text("description", config.get("subtitle"), "subtitle")
    else:
        settings.text("description", config.get("description"), "description")
    language = config.get("language")
    language = language[0] if isinstance(language, list) and language else language
    if scalar(language) not in {None, "default"}:
        settings.read("language", scalar(language), "language")
    author_zone_url(settings, config, "root")
    permalink = scalar(config.get("permalink"))
    pattern = translate_pattern(permalink or HEXO_DEFAULT_PERMALINK, HEXO_TOKENS, "Hexo")
    if permalink:
        settings.read("permalink", pattern, "permalink")
    else:
        settings.set("permalink", pattern, "Hexo's default")
    _feed(settings, mapping(config.get("feed")))
    tag_settings(settings, "hexo", config)
    settings.set("id_style", "url", f"{_PLUGIN}'s ids (the post URL, never a front-matter id)")
    return settings
