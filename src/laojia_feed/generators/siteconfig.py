"""Read a generator's config file safely and turn its values into laojia-feed settings.

The pieces every generator reader shares: parsing a config file (YAML through the
safe loader, TOML with tomllib, JSON with json; no tag ever runs), small value
helpers, the translation of a permalink pattern into
:data:`laojia_feed.read.permalinks.TOKENS`, and :class:`Settings`, which records each
setting with where it came from (its *source*), so the run can report it.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import MappingProxyType
from urllib.parse import urlsplit

import yaml

from laojia_feed.generators import zones
from laojia_feed.model import FieldError

#: Largest config file read (a real one is a few KiB).
MAX_CONFIG_BYTES = 1024 * 1024

#: Fast libyaml safe loader where available; never a loader that runs tags.
_SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@contextmanager
def _wrap_errors(path: Path) -> Iterator[None]:
    """Turn parser and file-system errors into one FieldError naming the file."""
    try:
        yield
    except FieldError:
        raise
    except (yaml.YAMLError, tomllib.TOMLDecodeError, json.JSONDecodeError) as problem:
        raise FieldError(f"{path.name} is not valid: {one_line(str(problem))}") from problem
    except UnicodeDecodeError as problem:
        raise FieldError(f"{path.name} is not UTF-8 text") from problem
    except (OSError, RecursionError, ValueError) as problem:
        raise FieldError(f"{path.name} cannot be read: {one_line(str(problem))}") from problem


def one_line(text: str) -> str:
    """``text`` on one line, at most 300 characters (for a message)."""
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


def scalar(raw: object) -> str | None:
    """Text of a scalar config value (YAML may type ``title: 2024`` as a number)."""
    if isinstance(raw, str):
        return raw.strip() or None
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return str(raw)
    return None


def mapping(raw: object) -> Mapping[str, object]:
    """``raw`` when it is a mapping, else an empty one."""
    return raw if isinstance(raw, Mapping) else {}


def author(raw: object) -> object | None:
    """A name, or ``{name, email, url}`` from a mapping (Jekyll ``uri``, Hugo ``email``)."""
    if isinstance(raw, Mapping):
        name = scalar(raw.get("name"))
        if not name:
            return None
        found: dict[str, str] = {"name": name}
        for key, source in (("email", "email"), ("url", "url"), ("url", "uri")):
            value = scalar(raw.get(source))
            if value and key not in found:
                found[key] = value
        return found
    return scalar(raw)


def join_root(url: str, root: str | None) -> str:
    """The site URL with a sub-path (Hexo ``root``, Jekyll ``baseurl``) added once."""
    base = url.rstrip("/")
    if not root or not root.strip("/"):
        return base + "/"
    sub = "/" + root.strip("/")
    path = urlsplit(base).path.rstrip("/")
    return base + "/" if path.endswith(sub) else base + sub + "/"


def feed_limit(raw: object) -> int | None:
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


class Settings:
    """laojia-feed settings read from a site, each with its source (for the report)."""

    def __init__(self, file_name: str) -> None:
        #: The setting values, by laojia-feed config key.
        self.values: dict[str, object] = {}
        #: Where each value came from: ``"_config.yml: timezone"``, ``"Hugo's default"``.
        self.sources: dict[str, str] = {}
        self._file = file_name

    def set(self, key: str, value: object, source: str) -> None:
        """Set ``key``; ``source`` is a generator default or ``file: key`` (see :meth:`read`)."""
        self.values[key] = value
        self.sources[key] = source

    def read(self, key: str, value: object, name: str) -> None:
        """Set ``key`` to ``value`` read from the config key ``name``."""
        self.set(key, value, f"{self._file}: {name}")

    def text(self, key: str, raw: object, name: str) -> None:
        """Set a text setting from config key ``name`` when the value is usable text."""
        value = scalar(raw)
        if value is not None:
            self.read(key, value, name)

    def default(self, key: str, value: object, source: str) -> None:
        """Set ``key`` to a generator default unless the config set it."""
        if key not in self.values:
            self.set(key, value, source)


def author_zone_url(settings: Settings, config: Mapping[str, object], sub_path: str) -> None:
    """What Hexo and Jekyll read alike: ``author``; ``timezone``, else the build machine's
    zone; ``url`` with the sub-path key ``sub_path`` (``root``, ``baseurl``) added."""
    found = author(config.get("author"))
    if found:
        settings.read("author", found, "author")
    settings.text("timezone", config.get("timezone"), "timezone")
    settings.default("timezone", *zones.machine_zone())
    url = scalar(config.get("url"))
    if url:
        settings.read("url", join_root(url, scalar(config.get(sub_path))), "url")
