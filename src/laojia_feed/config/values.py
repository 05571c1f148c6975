"""The parsers of configuration values: each raw TOML value → a setting's value, or a
FieldError with one sentence naming the problem (the caller adds the file and the key).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import replace

from laojia_feed import urls
from laojia_feed.model import (
    Author,
    FieldError,
    OutputNames,
)
from laojia_feed.read import dates
from laojia_feed.render.referrer import REFERRER_POLICIES

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


def plain(raw: object) -> str:
    if not isinstance(raw, str):
        raise FieldError(f"expected text, got {type(raw).__name__}")
    return raw.strip()


def nonempty(raw: object) -> str:
    text = plain(raw)
    if not text:
        raise FieldError("must not be empty")
    return text


def flag(raw: object) -> bool:
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


count = _whole_number("a whole number of items (0 for all)")


page_size = _whole_number("a whole number of posts per page (0 = automatic)")


def cache_dir(raw: object) -> str | None:
    text = plain(raw)
    if "\0" in text:
        raise FieldError("a folder name cannot contain a NUL character")
    return text or None


def jobs(raw: object) -> int | None:
    if raw is None or raw is False or raw == 0:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 < raw <= 256:
        raise FieldError(
            f"expected a number of processes from 1 to 256 (0 = automatic), got {raw!r}"
        )
    return raw


def id_style(raw: object) -> str:
    text = nonempty(raw)
    if text not in {"permalink", "jekyll", "url"}:
        raise FieldError(f'expected "permalink", "jekyll" or "url", got {text!r}')
    return text


def summary_length(raw: object) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or not 20 <= raw <= 10_000:
        raise FieldError(f"expected a number of characters from 20 to 10000, got {raw!r}")
    return raw


def item_budget(raw: object) -> int:
    size = parse_size(raw)
    return size if size is not None else 1 << 62


def site_url(raw: object) -> str:
    """The site's base URL: absolute http(s), normalized, ending in ``/``."""
    text = nonempty(raw)
    if not re.match(r"^https?://", text, re.IGNORECASE):
        raise FieldError(f"{text!r} is not an absolute http(s) URL like https://blog.example.org/")
    normalized = urls.normalize_url(text)
    return normalized if normalized.endswith("/") else normalized + "/"


def optional_url(raw: object) -> str | None:
    text = plain(raw)
    return site_url(text).rstrip("/") if text else None


def language(raw: object) -> str:
    text = nonempty(raw).replace("_", "-")
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", text):
        raise FieldError(f"{text!r} is not a language tag like zh-CN or en")
    return text


def timezone(raw: object) -> str:
    name = nonempty(raw)
    dates.resolve_timezone(name)
    return name


def author(raw: object) -> Author | None:
    if isinstance(raw, Mapping):
        name = plain(raw.get("name", ""))
        email = plain(raw["email"]) if raw.get("email") else None
        link = optional_url(raw["url"]) if raw.get("url") else None
        return Author(name, email, link) if name else None
    name = plain(raw)
    return Author(name) if name else None


def patterns(raw: object) -> tuple[str, ...]:
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not raw or not all(isinstance(p, str) and p for p in raw):
        raise FieldError('expected a list of file patterns like ["*.md", "*.html"]')
    return tuple(raw)


def output_name(raw: object) -> str:
    """One output file name: plain, inside the output folder; ``""``/false disables the feed."""
    if raw is False:
        return ""
    name = plain(raw)
    parts = name.split("/")
    if name and (
        name.startswith("/")
        or "\\" in name
        or "\0" in name
        or any(part in {"", ".", ".."} or part.startswith(".") for part in parts)
    ):
        raise FieldError(f"{name!r} must be a plain file name inside the output folder")
    return name


def outputs(raw: object) -> OutputNames:
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


def referrer_policy(raw: object) -> str:
    if raw is False:
        return ""
    text = plain(raw).lower()
    if text and text not in REFERRER_POLICIES:
        raise FieldError(f'{text!r} is not a referrer policy like "no-referrer" ("" = as written)')
    return text


def image_proxy(raw: object) -> str | None:
    text = plain(raw) if raw is not False else ""
    return urls.check_template(text) if text else None


def read_more(raw: object) -> str | None:
    return plain(raw) or None


def folders(raw: object) -> tuple[str, ...]:
    """A list of relative POSIX folder paths (Hugo's ``sections``)."""
    if not isinstance(raw, list | tuple) or not all(isinstance(f, str) and f for f in raw):
        raise FieldError('expected a list of folders like ["posts", "cn/kids"]')
    for folder in raw:
        if folder.startswith("/") or any(part in {"", ".", ".."} for part in folder.split("/")):
            raise FieldError(f"{folder!r} is not a relative folder path")
    return tuple(raw)
