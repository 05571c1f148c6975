"""Site configuration: ``laojia-feed.toml`` or ``[tool.laojia-feed]`` in pyproject.toml, then flags.

Every key is parsed by a small function from the table :data:`KEYS`; unknown keys
are warnings, bad values are errors naming the file and the key. With no file at
all the defaults apply, and the placeholder site URL earns one clear warning.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from laojia_feed import urls
from laojia_feed.generators.detect import detect_site
from laojia_feed.model import (
    Author,
    Diagnostic,
    FieldError,
    OutputNames,
    RunOptions,
    Severity,
    Site,
)
from laojia_feed.read import dates

#: The config file looked for in the current folder and next to the posts folder.
CONFIG_NAME = "laojia-feed.toml"

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMG]?i?B?)?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "B": 1, "K": 1000, "KB": 1000, "KIB": 1024, "KI": 1024, "M": 1000**2,
          "MB": 1000**2, "MIB": 1024**2, "MI": 1024**2, "G": 1000**3, "GB": 1000**3,
          "GIB": 1024**3, "GI": 1024**3}  # fmt: skip


def parse_size(raw: object) -> int | None:
    """A byte size: ``2097152``, ``"2MiB"``, ``"512 KB"``; 0, false or "none" mean no limit."""
    if (
        raw is None
        or raw is False
        or (isinstance(raw, str) and raw.strip().lower() in {"none", "off", "0", ""})
    ):
        return None
    if isinstance(raw, bool):
        raise FieldError("expected a size like 2MiB, or none")
    if isinstance(raw, int):
        if raw < 0:
            raise FieldError(f"{raw} is negative")
        return raw or None
    match = _SIZE.match(str(raw))
    if not match:
        raise FieldError(f"{raw!r} is not a size like 2MiB or 500KB")
    number, unit = match.groups()
    return int(float(number) * _UNITS[(unit or "").upper()]) or None


def _text(raw: object) -> str:
    if not isinstance(raw, str):
        raise FieldError(f"expected text, got {type(raw).__name__}")
    return raw.strip()


def _nonempty(raw: object) -> str:
    text = _text(raw)
    if not text:
        raise FieldError("must not be empty")
    return text


def _bool(raw: object) -> bool:
    if not isinstance(raw, bool):
        raise FieldError(f"expected true or false, got {raw!r}")
    return raw


def _whole_number(expected: str) -> Callable[[object], int | None]:
    """A parser of a count where 0 (or false) means "no number": None."""

    def parse(raw: object) -> int | None:
        if raw is None or raw is False or raw == 0:
            return None
        if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
            raise FieldError(f"expected {expected}, got {raw!r}")
        return raw

    return parse


_count = _whole_number("a whole number of items (0 for all)")
_page_size = _whole_number("a whole number of posts per page (0 = automatic)")


def _cache_dir(raw: object) -> str | None:
    text = _text(raw)
    if "\0" in text:
        raise FieldError("a folder name cannot contain a NUL character")
    return text or None


def _jobs(raw: object) -> int | None:
    if raw is None or raw is False or raw == 0:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 < raw <= 256:
        raise FieldError(
            f"expected a number of processes from 1 to 256 (0 = automatic), got {raw!r}"
        )
    return raw


def _id_style(raw: object) -> str:
    text = _nonempty(raw)
    if text not in {"permalink", "jekyll", "url"}:
        raise FieldError(f'expected "permalink", "jekyll" or "url", got {text!r}')
    return text


def _summary_length(raw: object) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or not 20 <= raw <= 10_000:
        raise FieldError(f"expected a number of characters from 20 to 10000, got {raw!r}")
    return raw


def _item_budget(raw: object) -> int:
    size = parse_size(raw)
    return size if size is not None else 1 << 62


def site_url(raw: object) -> str:
    """The site's base URL: absolute http(s), normalized, ending in ``/``."""
    text = _nonempty(raw)
    if not re.match(r"^https?://", text, re.IGNORECASE):
        raise FieldError(f"{text!r} is not an absolute http(s) URL like https://blog.example.org/")
    normalized = urls.normalize_url(text)
    return normalized if normalized.endswith("/") else normalized + "/"


def _optional_url(raw: object) -> str | None:
    text = _text(raw)
    return site_url(text).rstrip("/") if text else None


def _language(raw: object) -> str:
    text = _nonempty(raw).replace("_", "-")
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", text):
        raise FieldError(f"{text!r} is not a language tag like zh-CN or en")
    return text


def _timezone(raw: object) -> str:
    name = _nonempty(raw)
    dates.resolve_timezone(name)
    return name


def _author(raw: object) -> Author | None:
    if isinstance(raw, Mapping):
        name = _text(raw.get("name", ""))
        email = _text(raw["email"]) if raw.get("email") else None
        link = _optional_url(raw["url"]) if raw.get("url") else None
        return Author(name, email, link) if name else None
    name = _text(raw)
    return Author(name) if name else None


def _patterns(raw: object) -> tuple[str, ...]:
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not raw or not all(isinstance(p, str) and p for p in raw):
        raise FieldError('expected a list of file patterns like ["*.md", "*.html"]')
    return tuple(raw)


def output_name(raw: object) -> str:
    """One output file name: plain, inside the output folder; ``""``/false disables the feed."""
    if raw is False:
        return ""
    name = _text(raw)
    parts = name.split("/")
    if name and (
        name.startswith("/")
        or "\\" in name
        or "\0" in name
        or any(part in {"", ".", ".."} or part.startswith(".") for part in parts)
    ):
        raise FieldError(f"{name!r} must be a plain file name inside the output folder")
    return name


def _outputs(raw: object) -> OutputNames:
    if not isinstance(raw, Mapping):
        raise FieldError('expected a table like [outputs] rss = "rss.xml"')
    unknown = set(raw) - {"rss", "atom", "json"}
    if unknown:
        raise FieldError(f"unknown feed format(s): {', '.join(sorted(unknown))}")
    names = {key: output_name(value) for key, value in raw.items()}
    taken = [n for n in names.values() if n]
    if len(taken) != len(set(taken)):
        raise FieldError("two feeds would be written to the same file")
    return replace(OutputNames(), **names)


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
        "title": Key("title", _nonempty, "Feed title"),
        "url": Key("url", site_url, "Absolute URL of the site; item links are built on it"),
        "description": Key("description", _text, "Feed description / subtitle"),
        "language": Key("language", _language, "Language tag of the feeds"),
        "author": Key("author", _author, 'Default author: a name or {name, email, url}'),
        "timezone": Key("timezone", _timezone, "IANA time zone for dates written without one"),
        "permalink": Key("permalink", _nonempty, "Item URL pattern (:year :month :day :slug)"),
        "limit": Key("limit", _count, "At most this many items per feed (0 = every post)"),
        "budget": Key("budget", parse_size, 'Byte budget of one feed ("none" = no budget)'),
        "item_budget": Key("item_budget", _item_budget, "Byte cap of one item's content"),
        "include_future": Key("include_future", _bool, "Publish posts dated in the future"),
        "unwrap_proxies": Key("unwrap_proxies", _bool, "Use the inner URL of CORS-proxy images"),
        "full_content": Key("full_content", _bool, "Full content (false = summaries only)"),
        "summary_length": Key("summary_length", _summary_length, "Length of generated summaries"),
        "patterns": Key("patterns", _patterns, "File name patterns of posts"),
        "icon": Key("icon", _optional_url, "Feed icon URL"),
        "hub": Key("hub", _optional_url, "WebSub hub URL"),
        "category_feeds": Key("category_feeds", _bool, "A feed per category: categories/<name>/"),
        "tag_feeds": Key("tag_feeds", _bool, "Also a feed per tag: tags/<name>/"),
        "archives": Key("archives", _bool, "RFC 5005 archive pages of older posts: archive/<n>/"),
        "archive_size": Key("archive_size", _page_size, "Posts per archive page (0 = auto)"),
        "stylesheet": Key("stylesheet", _text, 'XSL stylesheet href; "default" ships feed.xsl'),
        "cache_dir": Key("cache_dir", _cache_dir, "Incremental build cache folder (opt-in)"),
        "jobs": Key("jobs", _jobs, "Processes for reading posts (0 = automatic, 1 = one)"),
        "id_style": Key("id_style", _id_style, 'Entry ids: "permalink", "jekyll" or "url"'),
        "outputs": Key("outputs", _outputs, "Feed file names; \"\" disables one"),
    }
)  # fmt: skip


#: The keys that say how a run executes (:class:`~laojia_feed.model.RunOptions`), not
#: what the feeds say.
RUN_KEYS = frozenset({"cache_dir", "jobs"})


@dataclass(frozen=True, slots=True)
class Config:
    """The site settings, the run options, and where they came from."""

    #: The resulting site.
    site: Site
    #: The config file read, if any.
    source: Path | None
    #: Problems in the configuration (errors stop the build).
    diagnostics: tuple[Diagnostic, ...]
    #: The posts folder, when it differs from the one given (a Hexo/Hugo/Jekyll site root).
    posts: Path | None = None
    #: Processes and the incremental cache.
    run: RunOptions = field(default_factory=RunOptions)

    @property
    def ok(self) -> bool:
        """True when the configuration has no error."""
        return not any(d.severity is Severity.ERROR for d in self.diagnostics)


def apply(site: Site, data: Mapping[str, object], source: str) -> tuple[Site, list[Diagnostic]]:
    """Apply a mapping of config keys to ``site``; every bad key is reported, the rest apply
    (run keys are left to :func:`apply_run`)."""
    changes: dict[str, Any] = {}
    problems: list[Diagnostic] = []
    for key, raw in data.items():
        spec = KEYS.get(key)
        if spec is None:
            problems.append(
                Diagnostic(source, key, "unknown configuration key; ignored", Severity.WARNING)
            )
            continue
        try:
            value = spec.parse(raw)
            if key == "outputs" and isinstance(raw, Mapping):  # a site generator's others stay
                value = replace(site.outputs, **{name: getattr(value, name) for name in raw})
        except FieldError as problem:
            problems.append(Diagnostic(source, key, str(problem)))
            continue
        if key not in RUN_KEYS:
            changes[spec.attr] = value
    return replace(site, **changes), problems


def apply_run(run: RunOptions, data: Mapping[str, object]) -> RunOptions:
    """Apply the run keys of a mapping of config keys to ``run`` (:func:`apply` reports
    their problems)."""
    changes: dict[str, Any] = {}
    for key in RUN_KEYS & data.keys():
        try:
            changes[KEYS[key].attr] = KEYS[key].parse(data[key])
        except FieldError:
            continue
    return replace(run, **changes)


def read_table(path: Path) -> Mapping[str, object]:
    """The laojia-feed table of a config file (the whole file, or ``[tool.laojia-feed]``)."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as problem:
        raise FieldError(f"not valid TOML: {problem}") from problem
    except (OSError, UnicodeDecodeError) as problem:
        raise FieldError(f"cannot read: {problem}") from problem
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        table = tool.get("laojia-feed", {}) if isinstance(tool, dict) else {}
        return table if isinstance(table, dict) else {}
    return data


def find_config(places: Sequence[Path]) -> Path | None:
    """The first laojia-feed.toml, or pyproject.toml with [tool.laojia-feed], in ``places``."""
    for place in places:
        candidate = place / CONFIG_NAME
        if candidate.is_file():
            return candidate
        pyproject = place / "pyproject.toml"
        if pyproject.is_file():
            try:
                if read_table(pyproject):
                    return pyproject
            except FieldError:
                continue
    return None


def load_config(
    path: Path | None = None,
    overrides: Mapping[str, object] | None = None,
    *,
    search: Sequence[Path] = (),
    base: Site | None = None,
) -> Config:
    """Build the Site from a config file (given, or found in ``search``) and flag overrides.

    ``base`` is where the keys apply (default: the defaults; a site generator's settings).
    """
    source = path or find_config(search)
    site = base or Site()
    run = RunOptions()
    problems: list[Diagnostic] = []
    if source is not None:
        try:
            table = read_table(source)
        except FieldError as problem:
            return Config(site, source, (Diagnostic(str(source), "file", str(problem)),))
        site, problems = apply(site, table, str(source))
        run = apply_run(run, table)
    if overrides:
        site, flag_problems = apply(site, overrides, "command line")
        problems.extend(flag_problems)
        run = apply_run(run, overrides)
    unreachable = None if site.is_placeholder else urls.is_safe_public_url(site.url)
    if unreachable is not None:
        problems.append(
            Diagnostic(
                str(source or "command line"),
                "url",
                f"{unreachable}: feed readers elsewhere cannot follow these links",
                Severity.WARNING,
            )
        )
    if site.is_placeholder:
        problems.append(
            Diagnostic(
                str(source or "config"),
                "url",
                f"no site URL configured; links use the placeholder {site.url} — set url in "
                f"{CONFIG_NAME} or pass --site-url",
                Severity.WARNING,
            )
        )
    return Config(site, source, tuple(problems), run=run)


def _toml_value(value: object) -> str:
    """A default value written as TOML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


#: How ``laojia-feed init`` writes defaults that read better than the raw value.
_SHOWN_DEFAULTS: Mapping[str, str] = MappingProxyType(
    {
        "limit": "0",
        "budget": '"2MiB"',
        "item_budget": '"512KiB"',
    }
)

#: Commented examples for keys whose default is "nothing".
_EXAMPLES: Mapping[str, str] = MappingProxyType(
    {
        "author": '{ name = "Your Name", email = "you@example.org" }',
        "icon": '"https://blog.example.org/icon.png"',
        "hub": '"https://pubsubhubbub.appspot.com/"',
        "stylesheet": '"default"',
        "archive_size": "20",
        "cache_dir": '".laojia-feed-cache"',
        "jobs": "0",
    }
)


def template() -> str:
    """A commented ``laojia-feed.toml`` with every key and its default (``laojia-feed init``)."""
    site = Site()
    run = RunOptions()
    lines = [
        "# laojia-feed configuration. Every key is optional; flags override this file.",
        "# Reference: the Configuration section of laojia-feed's README.",
        "",
    ]
    for key, spec in KEYS.items():
        if key == "outputs":
            continue
        default = getattr(run if key in RUN_KEYS else site, spec.attr)
        lines.append(f"# {spec.help}")
        if default is None:
            lines.append(f"# {key} = {_EXAMPLES.get(key, '(not set)')}")
        else:
            shown = _SHOWN_DEFAULTS.get(key) or _toml_value(default)
            note = "  # CHANGE ME: your site's address" if key == "url" else ""
            lines.append(f"{key} = {shown}{note}")
        lines.append("")
    lines.append(f"# {KEYS['outputs'].help}")
    lines.append("[outputs]")
    for name in ("rss", "atom", "json"):
        lines.append(f"{name} = {_toml_value(getattr(site.outputs, name))}")
    return "\n".join(lines) + "\n"


def _keys_in(source: Path | None) -> set[str]:
    """The keys a laojia-feed config file sets (none when there is no readable file)."""
    try:
        return set(read_table(source)) if source is not None else set()
    except FieldError:
        return set()


def configure_run(
    posts: Path,
    path: Path | None = None,
    overrides: Mapping[str, object] | None = None,
) -> Config:
    """The configuration of a run over ``posts``: a folder of posts or a site's root.

    When ``posts`` is the root of a Hexo, Hugo or Jekyll site, its own configuration
    gives the base settings (title, URL, permalinks...) and its posts folder is used;
    ``laojia-feed.toml`` there and flags still override.
    """
    try:
        project = detect_site(posts)
    except FieldError as problem:
        return Config(Site(), None, (Diagnostic(str(posts), "site", str(problem)),))
    if project is None:
        return load_config(path, overrides, search=(posts, posts.parent, Path.cwd()))
    base, problems = apply(Site(), project.settings, str(project.config_file))
    problems += [Diagnostic(str(project.config_file), k, m) for k, m in project.problems]
    config = load_config(path, overrides, search=(project.root, Path.cwd()), base=base)
    # laojia-feed's own config and flags override the site's: its bad value is then no error
    ours = set(overrides or ()) | _keys_in(config.source)
    problems = [problem for problem in problems if problem.field not in ours]
    return replace(
        config,
        diagnostics=(*problems, *config.diagnostics),
        posts=project.posts,
        source=config.source or project.config_file,
    )
