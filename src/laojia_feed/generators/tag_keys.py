"""The config-key parsers of the template-tag settings (``template_tags``, ``site_vars``,
``tags_folder``; what a recognised site sets: :mod:`.tagsettings`)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from types import MappingProxyType

from laojia_feed.model import FieldError, JSONValue
from laojia_feed.wording import describe_type

#: The generators whose tags are expanded.
GENERATORS = ("hexo", "hugo", "jekyll")


def parse_generator(raw: object) -> str | None:
    """``template_tags``: ``"hexo"``, ``"hugo"``, ``"jekyll"``; ``"none"`` or false: None."""
    if raw is False or (isinstance(raw, str) and raw.strip().lower() in {"none", ""}):
        return None
    if not isinstance(raw, str) or raw.strip().lower() not in GENERATORS:
        shown = repr(raw) if isinstance(raw, str) else describe_type(raw)
        raise FieldError(f'expected "hexo", "hugo", "jekyll" or "none", got {shown}')
    return raw.strip().lower()


def parse_variables(raw: object) -> Mapping[str, JSONValue]:
    """``site_vars``: a table of the generator's config variables as JSON-like data (dates
    as text), its mappings read-only."""
    if not isinstance(raw, Mapping):
        raise FieldError(f'expected a table like {{ baseurl = "/blog" }}, got {describe_type(raw)}')
    try:  # json, not read.article's converter: config is read at start-up, before nh3 is
        text = json.dumps(raw, default=str, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError) as problem:
        raise FieldError(f"cannot be read as data: {problem}") from problem
    value: Mapping[str, JSONValue] = json.loads(text, object_hook=MappingProxyType)
    return value


def parse_folder(raw: object) -> str:
    """``tags_folder``: a relative POSIX folder path (no ``.``/``..`` segment), or ""."""
    if not isinstance(raw, str):
        raise FieldError(f"expected a folder path like posts, got {describe_type(raw)}")
    text = raw.strip().strip("/")
    parts = text.split("/")
    if "\0" in text or "\\" in text or (text and any(p in {"", ".", ".."} for p in parts)):
        raise FieldError(f"{text!r} must be a plain relative folder path like posts")
    return text
