"""Whether a build would empty a live feed: the feeds already in the output folder that
hold items, which a build of no post must not replace without being told to."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from laojia_feed.errors import OutputFolderError
from laojia_feed.write import output

#: What an item looks like in each XML format's bytes.
_MARKERS = {"rss": (b"<item>", b"<item "), "atom": (b"<entry>", b"<entry ")}


def holds_items(data: bytes, format_name: str) -> bool:
    """True when the feed ``data`` (of the format named) has at least one item."""
    markers = _MARKERS.get(format_name)
    if markers is not None:
        return any(marker in data for marker in markers)
    try:
        items = json.loads(data).get("items")
    except (ValueError, AttributeError):
        return False
    return isinstance(items, list) and bool(items)


def live_feeds(out: Path, files: Iterable[tuple[str, str]]) -> list[str]:
    """The names among ``files`` (``(format name, file name)``) of feeds in ``out`` that
    hold items now; unreadable or absent files count as empty."""
    found: list[str] = []
    for format_name, name in files:
        try:
            data = output.safe_output_path(out, name).read_bytes()
        except (OSError, OutputFolderError, ValueError):
            continue
        if holds_items(data, format_name):
            found.append(name)
    return found
