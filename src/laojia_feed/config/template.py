"""``laojia-feed init``'s commented ``laojia-feed.toml``: every key with its default, and an
example (valid TOML, a valid value) for keys whose default is "nothing".
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from types import MappingProxyType

from laojia_feed.config.keys import KEYS, RUN_KEYS
from laojia_feed.model import (
    RunOptions,
    Site,
)


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
        "site_vars": "{}",
        "budget": '"2MiB"',
        "item_budget": '"512KiB"',
    }
)


#: Commented examples for keys whose default is "nothing" (else :data:`_SHOWN_DEFAULTS`);
#: each must be valid TOML and a valid value once uncommented.
_EXAMPLES: Mapping[str, str] = MappingProxyType(
    {
        "author": '{ name = "Your Name", email = "you@example.org" }',
        "icon": '"https://blog.example.org/icon.png"',
        "hub": '"https://pubsubhubbub.appspot.com/"',
        "stylesheet": '"default"',
        "archive_size": "20",
        "cache_dir": '".laojia-feed-cache"',
        "jobs": "0",
        "template_tags": '"hexo"',
        "generator": '"hugo"',
        "image_proxy": '"https://img.example.org/?url={url}"',
        "read_more": '"阅读全文"',
        "logo": '"https://blog.example.org/logo.png"',
        "webfeeds": "true",
        "comments": "true",
        "podcast": '{ category = "Society & Culture", explicit = false }',
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
        if default is None:  # commented out: an example that is valid once uncommented
            example = _EXAMPLES.get(key) or _SHOWN_DEFAULTS.get(key)
            lines.append(f"# {key} = {example}" if example else f"# {key} is not set by default")
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
