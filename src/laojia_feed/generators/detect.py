"""Recognise a Hexo, Hugo or Jekyll site and read its config as laojia-feed settings.

:func:`detect_site` looks at a site root, finds the posts folder and the
generator's config file, and translates what means the same into laojia-feed
config keys (the :data:`laojia_feed.config.KEYS` names), ready for
:func:`laojia_feed.config.apply`. Permalink patterns are translated from the
generator's tokens into :data:`laojia_feed.read.permalinks.TOKENS`. Config files are
parsed safely: YAML through the safe loader (no tags run), TOML with tomllib,
JSON with json.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from urllib.parse import urlsplit

import yaml

from laojia_feed.model import FieldError

#: Largest config file read (a real one is a few KiB).
MAX_CONFIG_BYTES = 1024 * 1024

#: Fast libyaml safe loader where available; never a loader that runs tags.
_SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class SiteProject:
    """A site recognised on disk: which generator, where its posts are, its settings."""

    #: ``hexo``, ``hugo`` or ``jekyll``.
    kind: str
    #: The site root.
    root: Path
    #: The posts folder (``source/_posts``, ``content`` or ``content/<section>``, ``_posts``).
    posts: Path
    #: laojia-feed config keys read from the generator's config, for ``config.apply``.
    settings: Mapping[str, object]
    #: The generator's config file.
    config_file: Path


# --- reading config files ---------------------------------------------------------------------


@contextmanager
def _wrap_errors(path: Path) -> Iterator[None]:
    """Turn parser and file-system errors into one FieldError naming the file."""
    try:
        yield
    except FieldError:
        raise
    except (yaml.YAMLError, tomllib.TOMLDecodeError, json.JSONDecodeError) as problem:
        raise FieldError(f"{path.name} is not valid: {_one_line(str(problem))}") from problem
    except UnicodeDecodeError as problem:
        raise FieldError(f"{path.name} is not UTF-8 text") from problem
    except (OSError, RecursionError, ValueError) as problem:
        raise FieldError(f"{path.name} cannot be read: {_one_line(str(problem))}") from problem


def _one_line(text: str) -> str:
    return " ".join(text.split())[:300]


def _parse_yaml(text: str) -> object:
    loaded = yaml.load(text, Loader=_SAFE_LOADER)  # noqa: S506 - a safe loader
    return {} if loaded is None else loaded


_PARSERS: Mapping[str, Callable[[str], object]] = MappingProxyType(
    {".yml": _parse_yaml, ".yaml": _parse_yaml, ".toml": tomllib.loads, ".json": json.loads}
)


def read_config(path: Path) -> Mapping[str, object]:
    """A generator config file as a mapping; FieldError when it is not one."""
    with _wrap_errors(path):
        if path.stat().st_size > MAX_CONFIG_BYTES:
            raise FieldError(f"{path.name} is larger than {MAX_CONFIG_BYTES} bytes")
        text = path.read_bytes().decode("utf-8-sig")
        data = _PARSERS[path.suffix.lower()](text)
    if not isinstance(data, Mapping):
        raise FieldError(f"{path.name} must be a mapping of settings, not {type(data).__name__}")
    return data


# --- small value helpers ----------------------------------------------------------------------


def _scalar(raw: object) -> str | None:
    """Text of a scalar config value (YAML may type ``title: 2024`` as a number)."""
    if isinstance(raw, str):
        return raw.strip() or None
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return str(raw)
    return None


def _mapping(raw: object) -> Mapping[str, object]:
    return raw if isinstance(raw, Mapping) else {}


def _put(settings: dict[str, object], key: str, raw: object) -> None:
    """Set a text setting when the value is usable text."""
    text = _scalar(raw)
    if text is not None:
        settings[key] = text


def _author(raw: object) -> object | None:
    """A name, or ``{name, email, url}`` from a mapping (Jekyll ``uri``, Hugo ``email``)."""
    if isinstance(raw, Mapping):
        name = _scalar(raw.get("name"))
        if not name:
            return None
        author: dict[str, str] = {"name": name}
        for key, source in (("email", "email"), ("url", "url"), ("url", "uri")):
            value = _scalar(raw.get(source))
            if value and key not in author:
                author[key] = value
        return author
    return _scalar(raw)


def _join_root(url: str, root: str | None) -> str:
    """The site URL with a sub-path (Hexo ``root``, Jekyll ``baseurl``) added once."""
    base = url.rstrip("/")
    if not root or not root.strip("/"):
        return base + "/"
    sub = "/" + root.strip("/")
    path = urlsplit(base).path.rstrip("/")
    return base + "/" if path.endswith(sub) else base + sub + "/"


def _limit(raw: object) -> int | None:
    """A feed length: positive count, or 0 for every post (negative or false too)."""
    if raw is False:
        return 0
    if isinstance(raw, bool) or not isinstance(raw, int):
        return None
    return max(raw, 0)


def translate_pattern(pattern: str, tokens: Mapping[str, str], kind: str) -> str:
    """A generator's permalink pattern in laojia-feed tokens; FieldError for unknown tokens."""
    names = sorted(tokens, key=len, reverse=True)
    known = re.compile("|".join(re.escape(name) for name in names))
    unknown = [t for t in re.findall(r":[A-Za-z_]\w*", known.sub("", pattern)) if t]
    if unknown:
        raise FieldError(
            f"permalink {pattern!r} uses {', '.join(dict.fromkeys(unknown))}, which "
            f"laojia-feed cannot compute for a {kind} site; set permalink in laojia-feed.toml"
        )
    return known.sub(lambda m: tokens[m.group(0)], pattern).lstrip("/")


# --- Hexo --------------------------------------------------------------------------------------

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

#: hexo-generator-feed ``type`` → our format name.
_HEXO_FEED_TYPES: Mapping[str, str] = MappingProxyType({"atom": "atom", "rss2": "rss"})


def _hexo_outputs(feed: Mapping[str, object]) -> dict[str, str]:
    """Feed file names from hexo-generator-feed's ``type`` and ``path`` (paired in order)."""
    raw_types = feed.get("type", "atom")
    types = raw_types if isinstance(raw_types, list) else [raw_types]
    raw_paths = feed.get("path")
    paths = raw_paths if isinstance(raw_paths, list) else [raw_paths]
    outputs: dict[str, str] = {}
    for index, kind in enumerate(types):
        ours = _HEXO_FEED_TYPES.get(str(kind).strip().lower())
        if ours is None:
            continue
        name = _scalar(paths[index]) if index < len(paths) else None
        outputs[ours] = name or f"{str(kind).strip().lower()}.xml"
    return outputs


def _hexo_feed(feed: Mapping[str, object], site_url: str | None) -> dict[str, object]:
    settings: dict[str, object] = {}
    outputs = _hexo_outputs(feed)
    if outputs:
        settings["outputs"] = outputs
    if "limit" in feed and (limit := _limit(feed["limit"])) is not None:
        settings["limit"] = limit
    if isinstance(feed.get("content"), bool):
        settings["full_content"] = feed["content"]
    content_limit = feed.get("content_limit")
    if isinstance(content_limit, int) and not isinstance(content_limit, bool):
        settings["summary_length"] = content_limit
    _put(settings, "hub", feed.get("hub"))
    icon = _scalar(feed.get("icon"))
    if icon:
        is_absolute = re.match(r"^https?://", icon, re.IGNORECASE)
        settings["icon"] = icon if is_absolute or not site_url else site_url + icon.lstrip("/")
    return settings


def hexo_settings(config: Mapping[str, object]) -> dict[str, object]:
    """laojia-feed settings from a Hexo ``_config.yml``."""
    settings: dict[str, object] = {}
    _put(settings, "title", config.get("title"))
    _put(settings, "description", config.get("subtitle") or config.get("description"))
    author = _author(config.get("author"))
    if author:
        settings["author"] = author
    language = config.get("language")
    language = language[0] if isinstance(language, list) and language else language
    if _scalar(language) not in {None, "default"}:
        settings["language"] = _scalar(language)
    _put(settings, "timezone", config.get("timezone"))
    url = _scalar(config.get("url"))
    if url:
        settings["url"] = _join_root(url, _scalar(config.get("root")))
    permalink = _scalar(config.get("permalink")) or ":year/:month/:day/:title/"
    settings["permalink"] = translate_pattern(permalink, HEXO_TOKENS, "Hexo")
    feed = config.get("feed")
    if isinstance(feed, Mapping):
        site_url = settings.get("url")
        settings.update(_hexo_feed(feed, site_url if isinstance(site_url, str) else None))
    return settings


# --- Hugo --------------------------------------------------------------------------------------

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
HUGO_DEFAULT_PERMALINK = ":sections/:hugo_slugorcontentbasename/"

#: Sections taken to hold the blog posts, most likely first.
_POST_SECTIONS = ("posts", "post", "blog", "articles")


def _lower_keys(raw: object) -> Mapping[str, object]:
    """Hugo config keys are case-insensitive: look them up in lower case."""
    return {str(k).lower(): v for k, v in raw.items()} if isinstance(raw, Mapping) else {}


def _hugo_section_patterns(config: Mapping[str, object]) -> dict[str, str]:
    """``[permalinks]`` (or ``[permalinks.page]``) as section → pattern."""
    table = _lower_keys(config.get("permalinks"))
    page = _lower_keys(table.get("page"))
    source = page if page else table
    return {k: v for k, v in source.items() if isinstance(v, str) and v.strip()}


def hugo_layout(config: Mapping[str, object], content: Path) -> tuple[Path, str]:
    """The posts folder and our permalink pattern for a Hugo site."""
    patterns = _hugo_section_patterns(config)
    for section in (*_POST_SECTIONS, *sorted(patterns)):
        if section in patterns and (content / section).is_dir():
            pattern = patterns[section].replace(":sections", section).replace(":section", section)
            return content / section, translate_pattern(pattern, HUGO_TOKENS, "Hugo")
    return content, HUGO_DEFAULT_PERMALINK


def hugo_settings(config: Mapping[str, object]) -> dict[str, object]:
    """laojia-feed settings from a Hugo config (keys case-insensitive)."""
    lower = _lower_keys(config)
    params = _lower_keys(lower.get("params"))
    settings: dict[str, object] = {"outputs": {"rss": "index.xml"}}
    _put(settings, "title", lower.get("title"))
    base = _scalar(lower.get("baseurl"))
    if base:
        settings["url"] = base if base.endswith("/") else base + "/"
    _put(settings, "description", params.get("description"))
    language = _scalar(lower.get("languagecode")) or _scalar(lower.get("defaultcontentlanguage"))
    if language:
        settings["language"] = language
    author = _author(params.get("author") or lower.get("author"))
    if author:
        settings["author"] = author
    _put(settings, "timezone", lower.get("timezone"))
    rss = _lower_keys(_lower_keys(lower.get("services")).get("rss"))
    raw_limit = rss.get("limit", lower.get("rsslimit"))
    if raw_limit is not None and (limit := _limit(raw_limit)) is not None:
        settings["limit"] = limit
    return settings


# --- Jekyll ------------------------------------------------------------------------------------

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


def jekyll_settings(config: Mapping[str, object]) -> dict[str, object]:
    """laojia-feed settings from a Jekyll ``_config.yml`` (jekyll-feed's ``feed`` too)."""
    settings: dict[str, object] = {}
    _put(settings, "title", config.get("title") or config.get("name"))
    _put(settings, "description", config.get("description"))
    author = _author(config.get("author"))
    if author:
        settings["author"] = author
    _put(settings, "language", config.get("lang") or config.get("locale"))
    _put(settings, "timezone", config.get("timezone"))
    url = _scalar(config.get("url"))
    if url:
        settings["url"] = _join_root(url, _scalar(config.get("baseurl")))
    style = _scalar(config.get("permalink")) or "date"
    pattern = JEKYLL_STYLES.get(style, style)
    settings["permalink"] = translate_pattern(pattern, JEKYLL_TOKENS, "Jekyll")
    feed = _mapping(config.get("feed"))
    path = _scalar(feed.get("path"))
    settings["outputs"] = {"atom": path.lstrip("/") if path else "feed.xml"}
    settings["id_style"] = "jekyll"  # jekyll-feed's ids, so subscribers see no re-broadcast
    if "posts_limit" in feed and (limit := _limit(feed["posts_limit"])) is not None:
        settings["limit"] = limit
    if feed.get("excerpt_only") is True:
        settings["full_content"] = False
    return settings


# --- detection ---------------------------------------------------------------------------------


def _first_file(root: Path, names: tuple[str, ...]) -> Path | None:
    for name in names:
        candidate = root / name
        if candidate.is_file():
            return candidate
    return None


def _hexo(root: Path, config_file: Path) -> SiteProject:
    settings = hexo_settings(read_config(config_file))
    posts = root / "source" / "_posts"
    return SiteProject("hexo", root, posts, MappingProxyType(settings), config_file)


def _hugo(root: Path, config_file: Path) -> SiteProject:
    config = read_config(config_file)
    settings = hugo_settings(config)
    posts, permalink = hugo_layout(config, root / "content")
    settings["permalink"] = permalink
    return SiteProject("hugo", root, posts, MappingProxyType(settings), config_file)


def _jekyll(root: Path, config_file: Path) -> SiteProject:
    settings = jekyll_settings(read_config(config_file))
    return SiteProject("jekyll", root, root / "_posts", MappingProxyType(settings), config_file)


def detect_site(root: Path) -> SiteProject | None:
    """The Hexo, Hugo or Jekyll site at ``root``, or None when it is none of them.

    Raises FieldError when the site is recognised but its config cannot be used
    (not valid YAML/TOML/JSON, not a mapping, a permalink token we cannot compute).
    """
    try:
        yml = _first_file(root, ("_config.yml", "_config.yaml"))
        if yml is not None and (root / "source" / "_posts").is_dir():
            return _hexo(root, yml)
        hugo = _first_file(root, HUGO_CONFIGS)
        if hugo is not None and (root / "content").is_dir():
            return _hugo(root, hugo)
        if yml is not None and (root / "_posts").is_dir():
            return _jekyll(root, yml)
    except OSError as problem:
        raise FieldError(f"cannot read the site folder: {_one_line(str(problem))}") from problem
    return None
