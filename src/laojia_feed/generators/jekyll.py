"""Jekyll: its ``_config.yml``, permalink styles and feed (jekyll-feed or its own) as settings.

Only files named ``YYYY-MM-DD-title.ext`` in ``_posts`` are posts to Jekyll (others,
such as a ``template.md``, are quietly skipped), so the file patterns say so.
jekyll-feed writes an Atom ``feed.xml`` of the 10 newest posts with Jekyll's post
ids. A site without jekyll-feed that serves its own ``feed.xml`` template keeps its
format, and its ids when ``_site/feed.xml`` shows which ones it published.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
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
from laojia_feed.model import Site

#: Jekyll permalink tokens → laojia-feed tokens (``:output_ext`` is ``.html`` for posts).
JEKYLL_TOKENS: Mapping[str, str] = MappingProxyType(
    {
        ":year": ":year", ":short_year": ":short_year", ":month": ":month",
        ":i_month": ":i_month", ":short_month": ":short_monthname", ":long_month": ":monthname",
        ":day": ":day", ":i_day": ":i_day", ":y_day": ":y_day", ":hour": ":hour",
        ":minute": ":minute", ":second": ":second", ":title": ":slug", ":slug": ":slug",
        ":categories": ":categories", ":week": ":week", ":w_year": ":week_year",
        ":w_day": ":isoweekday", ":short_day": ":short_dayname", ":long_day": ":weekdayname",
        ":output_ext": ".html",
    }
)  # fmt: skip

#: Jekyll's built-in permalink styles.
JEKYLL_STYLES: Mapping[str, str] = MappingProxyType(
    {
        "date": "/:categories/:year/:month/:day/:title:output_ext",
        "pretty": "/:categories/:year/:month/:day/:title/",
        "ordinal": "/:categories/:year/:y_day/:title:output_ext",
        "none": "/:categories/:title:output_ext",
        "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    }
)

#: jekyll-feed's ``posts_limit`` when the site names none.
FEED_LIMIT = 10

#: A post's file name as Jekyll wants it (a glob prefix): ``2021-12-09-``.
DATED_PREFIX = "[0-9]*-[0-9]*-[0-9]*-"

#: Post file patterns: laojia-feed's, with Jekyll's date prefix.
POST_PATTERNS = tuple(DATED_PREFIX + pattern for pattern in Site().patterns)

_PLUGIN = "jekyll-feed"

#: The root element of a feed template or file: ``<rss`` or ``<feed``.
_ROOT = re.compile(r"<(rss|feed)[\s>]")

#: An entry id in a Liquid template: ``{{ site.url }}{{ post.id }}``, ``{{ post.url }}``.
_TEMPLATE_ID = re.compile(
    r"<(?:guid|id)(?:\s[^>]*)?>[^<]*?\{\{[^}]*?\bpost\.(id|url)\b[^}]*\}\}[^<]*</(?:guid|id)>"
)

#: The post loop of a Liquid feed template, with its limit.
_TEMPLATE_LIMIT = re.compile(r"\{%-?\s*for\s+\w+\s+in\s+site\.posts\b[^%]*?\blimit\s*:\s*(\d+)")

_ID = re.compile(r"<(?:guid|id)(?:\s[^>]*)?>\s*([^<\s]+)\s*</(?:guid|id)>")
_LINK = re.compile(r"<link>\s*([^<\s]+)\s*</link>|<link\b[^>]*?href=\"([^\"]+)\"")


def uses_jekyll_feed(config: Mapping[str, object]) -> bool:
    """Whether ``plugins`` (or the old ``gems``) lists jekyll-feed."""
    for key in ("plugins", "gems"):
        raw = config.get(key)
        if isinstance(raw, list) and _PLUGIN in raw:
            return True
    return False


def _feed_format(text: str) -> str | None:
    found = _ROOT.search(text)
    return None if found is None else ("rss" if found.group(1) == "rss" else "atom")


def published_id_style(feed_file: Path) -> str | None:
    """``permalink`` or ``jekyll``: the ids the built feed holds, or None when unknown."""
    try:
        text = feed_file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    entries = re.split(r"<(?:item|entry)[\s>]", text)[1:]
    styles = set()
    for entry in entries:
        found_id, found_link = _ID.search(entry), _LINK.search(entry)
        if found_id is None or found_link is None:
            return None
        link = found_link.group(1) or found_link.group(2)
        identifier = found_id.group(1)
        if identifier == link:
            styles.add("permalink")
        elif identifier == link.rstrip("/").removesuffix(".html"):
            styles.add("jekyll")
        else:
            return None
    return styles.pop() if len(styles) == 1 else None


def template_id_style(text: str) -> str | None:
    """``jekyll`` or ``permalink``: what a Liquid feed template puts in its entry ids
    (``post.id`` or ``post.url``), or None when it writes something else."""
    found = {m.group(1) for m in _TEMPLATE_ID.finditer(text)}
    styles = {"id": "jekyll", "url": "permalink"}
    return styles[found.pop()] if len(found) == 1 else None


def template_limit(text: str) -> int:
    """The ``limit`` of the template's ``for post in site.posts`` loop (0: every post)."""
    found = _TEMPLATE_LIMIT.search(text)
    return int(found.group(1)) if found else 0


def own_feed(settings: Settings, root: Path) -> str | None:
    """Settings for a site's own ``feed.xml`` template; a problem text when ids are unknown."""
    template = root / "feed.xml"
    try:
        text = template.read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    kind = _feed_format(text)
    if kind is None:
        return None
    outputs = {"rss": "", "atom": "", "json": ""} | {kind: "feed.xml"}
    settings.set("outputs", outputs, f"the site's own feed.xml template ({kind})")
    settings.set("limit", template_limit(text), "the site's own feed.xml template (its loop)")
    style = published_id_style(root / "_site" / "feed.xml")
    if style is not None:
        settings.set("id_style", style, "the ids of the published _site/feed.xml")
        return None
    style = template_id_style(text)
    if style is not None:
        settings.set("id_style", style, "the entry ids of the site's own feed.xml template")
        return None
    return (
        "the site writes its own feed.xml (no jekyll-feed) and _site/feed.xml does not show "
        "which entry ids it published; build the site once with jekyll, or set id_style = "
        '"permalink" (the post URL) or "jekyll" (jekyll-feed\'s ids) in laojia-feed.toml'
    )


def _jekyll_feed(settings: Settings, feed: Mapping[str, object]) -> None:
    path = scalar(feed.get("path"))
    outputs = {"rss": "", "atom": path.lstrip("/") if path else "feed.xml", "json": ""}
    settings.set("outputs", outputs, "feed.path" if path else f"{_PLUGIN}'s default")
    settings.set("id_style", "jekyll", f"{_PLUGIN}'s ids")  # so subscribers see no re-broadcast
    if "posts_limit" in feed and (limit := feed_limit(feed["posts_limit"])) is not None:
        settings.read("limit", limit, "feed.posts_limit")
    settings.default("limit", FEED_LIMIT, f"{_PLUGIN}'s default")
    if feed.get("excerpt_only") is True:
        settings.read("full_content", False, "feed.excerpt_only")


def jekyll_settings(
    config: Mapping[str, object], root: Path | None = None, file_name: str = "_config.yml"
) -> tuple[Settings, str | None]:
    """laojia-feed settings from a Jekyll ``_config.yml`` and site, and a problem (or None)."""
    settings = Settings(file_name)
    settings.text("title", config.get("title") or config.get("name"), "title")
    settings.text("description", config.get("description"), "description")
    settings.text("language", config.get("lang") or config.get("locale"), "lang")
    author_zone_url(settings, config, "baseurl")
    style = scalar(config.get("permalink"))
    written = JEKYLL_STYLES.get(style or "date", style or "")
    pattern = translate_pattern(written, JEKYLL_TOKENS, "Jekyll")
    if style:
        settings.read("permalink", pattern, "permalink")
    else:
        settings.set("permalink", pattern, "Jekyll's default (date)")
    settings.set("patterns", list(POST_PATTERNS), "Jekyll: only YYYY-MM-DD-title files are posts")
    problem = None
    if root is not None and not uses_jekyll_feed(config):
        problem = own_feed(settings, root)
    if "outputs" not in settings.values:
        _jekyll_feed(settings, mapping(config.get("feed")))
    tag_settings(settings, "jekyll", config)
    return settings, problem
