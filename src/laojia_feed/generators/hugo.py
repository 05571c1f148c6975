"""Hugo: its config (``hugo.toml`` and kin), sections, permalinks and URL rules as settings.

Hugo's home feed (``index.xml``, RSS) lists ``.Site.RegularPages``: the regular
pages of every section, so the posts folder is ``content`` itself. A page's URL
follows ``[permalinks]`` for its top-level section, else its path; ``:sections``
are the folders that are sections (the top-level folder and, below it, folders
holding an ``_index`` file). Where the config is silent Hugo's defaults apply:
UTC for dates without an offset, every page in the feed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import MappingProxyType

from laojia_feed.generators.siteconfig import (
    Settings,
    author,
    feed_limit,
    scalar,
    translate_pattern,
)
from laojia_feed.generators.tagsettings import tag_settings

#: Hugo permalink tokens → laojia-feed tokens.
HUGO_TOKENS: Mapping[str, str] = MappingProxyType(
    {
        ":year": ":year", ":month": ":month", ":monthname": ":monthname", ":day": ":day",
        ":weekdayname": ":weekdayname", ":weekday": ":weekday", ":yearday": ":yearday",
        ":section": ":section", ":sections": ":sections", ":title": ":hugo_title",
        ":slug": ":hugo_slug", ":filename": ":hugo_filename",
        ":contentbasename": ":hugo_contentbasename",
        ":slugorfilename": ":hugo_slugorfilename",
        ":slugorcontentbasename": ":hugo_slugorcontentbasename",
    }
)  # fmt: skip

#: Hugo's config files, in the order Hugo looks for them.
HUGO_CONFIGS = tuple(
    f"{folder}{name}.{ext}"
    for folder in ("", "config/_default/")
    for name in ("hugo", "config")
    for ext in ("toml", "yaml", "yml", "json")
)

#: Hugo's page URL when ``permalinks`` says nothing: the folders, then slug or file name.
HUGO_DEFAULT_PERMALINK = ":hugo_folders/:hugo_path_slug/"

#: Sections taken to hold the blog posts, most likely first.
_POST_SECTIONS = ("posts", "post", "blog", "articles")

#: File names Hugo reads as pages.
_PAGE_SUFFIXES = frozenset({".md", ".markdown", ".html", ".htm"})

#: Characters Hugo keeps in a URL path besides letters, digits and marks.
_KEPT = frozenset("./\\_#+~-@")

_HEX = frozenset("0123456789abcdefABCDEF")

#: A site's or theme's own home RSS template, in Hugo's lookup order.
_RSS_TEMPLATES = tuple(
    f"{folder}{name}"
    for folder in ("", "_default/")
    for name in ("index.rss.xml", "home.rss.xml", "rss.xml", "list.rss.xml")
)

#: The item loop of an RSS template with a fixed count: ``range first 15 (...)``.
_RANGE_FIRST = re.compile(r"\{\{-?\s*range\s+first\s+(\d+)\b")


@dataclass(frozen=True, slots=True)
class HugoLayout:
    """Where a Hugo site's feed pages are and how their URLs are made."""

    #: The posts folder: ``content``, or one section when sections need different patterns.
    posts: Path
    #: Our permalink pattern for the pages read.
    permalink: str
    #: Top-level section → our pattern, for every section ``[permalinks]`` names.
    patterns: Mapping[str, str]
    #: Top-level sections holding pages that are not read (their patterns differ).
    left_out: tuple[str, ...] = ()


def _lower_keys(raw: object) -> Mapping[str, object]:
    """Hugo config keys are case-insensitive: look them up in lower case."""
    return {str(k).lower(): v for k, v in raw.items()} if isinstance(raw, Mapping) else {}


def section_patterns(config: Mapping[str, object]) -> dict[str, str]:
    """``[permalinks]`` (or ``[permalinks.page]``) as section → Hugo pattern."""
    table = _lower_keys(_lower_keys(config).get("permalinks"))
    page = _lower_keys(table.get("page"))
    source = page if page else table
    return {k: v for k, v in source.items() if isinstance(v, str) and v.strip()}


def _sections_with_pages(content: Path) -> tuple[str, ...]:
    """Top-level folders of ``content`` that hold a page (``""`` for pages at the top)."""
    found: dict[str, None] = {}
    for page in sorted(content.rglob("*")):
        parts = page.relative_to(content).parts
        is_page = page.suffix.lower() in _PAGE_SUFFIXES and not page.name.startswith("_index.")
        if is_page and not any(part.startswith(".") for part in parts) and page.is_file():
            found[parts[0] if len(parts) > 1 else ""] = None
    return tuple(found)


def hugo_layout(config: Mapping[str, object], content: Path) -> HugoLayout:
    """The pages of Hugo's home feed and their permalink pattern, as far as one pattern can.

    Every section is read when all sections holding pages share one pattern; when
    they need different patterns, the first configured one of them is read and the
    others are listed in :attr:`HugoLayout.left_out`.
    """
    patterns = {
        section: translate_pattern(pattern, HUGO_TOKENS, "Hugo")
        for section, pattern in section_patterns(config).items()
    }
    sections = _sections_with_pages(content) if content.is_dir() else ()
    if not sections:  # no page yet: the configured sections that exist
        sections = tuple(s for s in patterns if (content / s).is_dir())
    wanted = {patterns.get(section, HUGO_DEFAULT_PERMALINK) for section in sections}
    if len(wanted) <= 1:
        pattern = wanted.pop() if wanted else HUGO_DEFAULT_PERMALINK
        return HugoLayout(content, pattern, MappingProxyType(patterns))
    chosen = next(s for s in (*_POST_SECTIONS, *sections) if s in patterns and s in sections)
    pattern = patterns[chosen].replace(":sections", chosen).replace(":section", chosen)
    others = tuple(s or "(top level)" for s in sections if s != chosen)
    return HugoLayout(content / chosen, pattern, MappingProxyType(patterns), others)


def section_folders(content: Path) -> frozenset[str]:
    """Folders under ``content`` Hugo treats as sections: top-level ones, and nested
    folders holding an ``_index`` file whose parents are sections too (POSIX, relative)."""
    sections: set[str] = set()
    for index in sorted(content.rglob("_index.*"), key=lambda path: len(path.parts)):
        parts = index.relative_to(content).parent.parts
        if len(parts) == 1 or all("/".join(parts[:n]) in sections for n in range(2, len(parts))):
            sections.add("/".join(parts))
    if content.is_dir():
        sections.update(folder.name for folder in content.iterdir() if folder.is_dir())
    return frozenset(sections)


def page_sections(relpath: str, sections: Iterable[str]) -> tuple[str, ...]:
    """Hugo's ``:sections`` of the page at ``relpath``: the deepest section holding it."""
    known = frozenset(sections)
    parts = PurePosixPath(relpath).parent.parts
    depth = 1 if parts else 0
    while depth < len(parts) and "/".join(parts[: depth + 1]) in known:
        depth += 1
    return parts[:depth]


def path_segments(text: str, *, urlize: bool = False) -> tuple[str, ...]:
    """Hugo's URL rule for a front-matter slug, as path segments (``/`` separates them).

    Letters, digits, marks, ``%XX`` and ``./\\_#+~-@`` are kept, white space becomes one
    ``-``, the rest is dropped, all in lower case (``"5+3"`` → ``5+3``,
    ``"/uploads/2011/07"`` → three segments). ``urlize`` is the rule of a ``:slug`` in
    ``[permalinks]``, where ``+`` becomes ``-`` too (``5-3``).
    """
    out: list[str] = []
    hyphen = False
    for index, char in enumerate(text):
        escape = text[index + 1 : index + 3]
        kept = char in _KEPT or char.isalpha() or char.isdigit()
        kept = kept or unicodedata.category(char).startswith("M")
        kept = kept or (char == "%" and len(escape) == 2 and set(escape) <= _HEX)
        if urlize and char == "+":
            kept, hyphen = False, True
        if kept:
            if hyphen and out and out[-1] != "-" and char != "-":
                out.append("-")
            hyphen = False
            out.append(char)
        elif char.isspace() and out:
            hyphen = True
    cleaned = "".join(out).lower()
    return tuple(s for s in (part.strip("-") for part in cleaned.split("/")) if s)


def hugo_settings(config: Mapping[str, object], file_name: str = "hugo.toml") -> Settings:
    """laojia-feed settings from a Hugo config (keys case-insensitive), with their sources."""
    lower = _lower_keys(config)
    params = _lower_keys(lower.get("params"))
    settings = Settings(file_name)
    rss_base = scalar(
        _lower_keys(_lower_keys(lower.get("outputformats")).get("rss")).get("basename")
    )
    if rss_base:
        outputs = {"rss": f"{rss_base.strip('/')}.xml", "atom": "", "json": ""}
        settings.read("outputs", outputs, "outputFormats.RSS.baseName")
    else:
        settings.set("outputs", {"rss": "index.xml", "atom": "", "json": ""}, "Hugo's home RSS")
    settings.set("id_style", "url", "Hugo's RSS guid (the page URL, never a front-matter id)")
    settings.text("title", lower.get("title"), "title")
    base = scalar(lower.get("baseurl"))
    if base:
        settings.read("url", base if base.endswith("/") else base + "/", "baseURL")
    settings.text("description", params.get("description"), "params.description")
    if language := scalar(lower.get("languagecode")):
        settings.read("language", language, "languageCode")
    elif language := scalar(lower.get("defaultcontentlanguage")):
        settings.read("language", language, "defaultContentLanguage")
    found = author(params.get("author") or lower.get("author"))
    if found:
        settings.read("author", found, "author")
    settings.text("timezone", lower.get("timezone"), "timeZone")
    settings.default("timezone", "UTC", "Hugo's default (no timeZone: UTC)")
    rss = _lower_keys(_lower_keys(lower.get("services")).get("rss"))
    if "limit" in rss and (limit := feed_limit(rss["limit"])) is not None:
        settings.read("limit", limit, "services.rss.limit")
    elif "rsslimit" in lower and (limit := feed_limit(lower["rsslimit"])) is not None:
        settings.read("limit", limit, "rssLimit")
    settings.default("limit", 0, "Hugo's default (every page)")
    tag_settings(settings, "hugo", config)
    return settings


def own_rss_template(root: Path, config: Mapping[str, object]) -> Path | None:
    """The site's (else its theme's) own home RSS template, which replaces Hugo's."""
    theme = scalar(_lower_keys(config).get("theme"))
    layouts = [root / "layouts"] + ([root / "themes" / theme / "layouts"] if theme else [])
    for folder in layouts:
        for name in _RSS_TEMPLATES:
            if (folder / name).is_file():
                return folder / name
    return None


def own_rss(settings: Settings, root: Path, config: Mapping[str, object]) -> None:
    """The feed length a site's own RSS template fixes (``range first N``), if it does."""
    template = own_rss_template(root, config)
    if template is None:
        return
    try:
        found = _RANGE_FIRST.search(template.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return
    if found:
        name = template.relative_to(root).as_posix()
        settings.set("limit", int(found.group(1)), f"{name}: range first {found.group(1)}")
