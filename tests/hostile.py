"""Hostile post fixtures, generated in code, and the checks every hostile build must pass.

Import from any test (``from hostile import ...``; pytest puts ``tests/`` on the path):

- :func:`yaml_post` / :func:`good_post` write posts as bytes; :func:`write_files`
  fills a posts folder; :func:`symlink`, :func:`fifo` and :func:`unix_socket` make the
  special entries.
- :func:`build_checked` builds a folder (in a watchdog thread, so a hang fails instead
  of blocking the suite) and validates all three feeds (:func:`check_feeds`).
- :func:`outcome` classifies what became of one post: published, published with a
  warning, skipped with an error, or excluded.
"""

from __future__ import annotations

import contextlib
import enum
import json
import os
import re
import socket
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import laojia_feed
from feedcheck import parse_atom, parse_json, parse_rss
from helpers import within
from laojia_feed import Article, BuildResult, Diagnostic, LoadResult, Severity, Site

T = TypeVar("T")

#: The clock of every hostile build: posts dated after it are "future".
NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)

#: A configured site (no placeholder warning to filter out).
SITE = Site(title="Hostile", url="https://blog.example.org/", timezone="Asia/Shanghai")

#: The good neighbour written beside every hostile post.
GOOD = "good.md"
#: Its title: it must be in every feed.
GOOD_TITLE = "The good neighbour 好邻居"

#: Largest feed file allowed (the contract: well under 5 MiB).
MAX_FEED_BYTES = 5 * 1024 * 1024

#: Python reprs that must never reach a feed from a wrong-typed value.
REPRS = ("['", "{'", "None", "True", "False", "datetime.")

#: What a character reference to a forbidden XML character looks like (checked after parse).
_CHAR_REF = re.compile(r"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));")

#: Longest a watched build may take before the test fails (a hang guard, not a timing test).
WATCHDOG_SECONDS = 60.0


class Outcome(enum.Enum):
    """What became of one post (the contract of issue 4)."""

    PUBLISHED = "published"
    WARNED = "published with a warning"
    ERROR = "skipped with an error"
    EXCLUDED = "excluded"


# --- writing posts ---------------------------------------------------------------------------


def yaml_post(
    front: str = "title: A post\ndate: 2021-12-09 11:10:27",
    body: str = "Some body text.\n",
    *,
    newline: str = "\n",
    encoding: str = "utf-8",
) -> bytes:
    """A post with ``---`` YAML front matter; ``front`` is inserted as written."""
    text = f"---\n{front}\n---\n{body}"
    return text.replace("\n", newline).encode(encoding)


def good_post() -> bytes:
    """The good neighbour: a plain, valid post that must always be published."""
    return yaml_post(
        f"title: {GOOD_TITLE}\ndate: 2021-12-01 08:00:00\ncategories: [邻里]\nslug: good",
        "A post nobody should lose.\n",
    )


def write_files(posts: Path, files: Mapping[str, bytes]) -> None:
    """Write ``files`` (relative path → bytes) under ``posts``, creating folders."""
    for relpath, data in files.items():
        target = posts / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def make_posts(root: Path, files: Mapping[str, bytes] | None = None) -> Path:
    """A ``posts`` folder under ``root`` with the good neighbour and ``files``."""
    posts = root / "posts"
    posts.mkdir(parents=True, exist_ok=True)
    write_files(posts, {GOOD: good_post(), **(files or {})})
    return posts


def symlink(link: Path, target: Path | str) -> None:
    """A symbolic link ``link`` → ``target`` (folders created)."""
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target)


def fifo(path: Path) -> None:
    """A named pipe at ``path``: opening it for reading blocks until a writer comes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)


def unix_socket(path: Path) -> socket.socket:
    """A bound Unix socket at ``path`` (bound relative to its folder: short address)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    with contextlib.chdir(path.parent):
        sock.bind(path.name)
    return sock


# --- running and checking builds -------------------------------------------------------------


def bounded(call: Callable[[], T], seconds: float = WATCHDOG_SECONDS) -> T:
    """Run ``call`` in a daemon thread; fail (without hanging the suite) if it never returns."""
    return within(seconds, call)


@dataclass(frozen=True)
class Built:
    """A finished build and its three validated feeds."""

    #: The posts folder as passed to the build.
    posts: Path
    #: The build result.
    result: BuildResult
    #: Raw bytes by format name (``rss``, ``atom``, ``json``).
    raw: Mapping[str, bytes]
    #: feedparser's RSS result.
    rss: Any
    #: feedparser's Atom result.
    atom: Any
    #: The decoded JSON Feed.
    json: dict[str, Any]

    @property
    def load(self) -> LoadResult:
        """The load result."""
        return self.result.load

    def display(self, relpath: str) -> str:
        """The display path of a post, as diagnostics name it."""
        return f"{self.posts}/{relpath}"

    def text(self) -> str:
        """All three feeds as one text (for "never appears" checks)."""
        return "\n".join(data.decode("utf-8") for data in self.raw.values())

    def article(self, relpath: str) -> Article | None:
        """The published article from ``relpath``, if any."""
        return next((a for a in self.load.articles if a.source_path == relpath), None)

    def diagnostics(self, relpath: str) -> list[Diagnostic]:
        """Every diagnostic (load and build) naming ``relpath``."""
        where = self.display(relpath)
        return [d for d in self.result.all_diagnostics if d.path == where]

    def outcome(self, relpath: str) -> Outcome:
        """What became of ``relpath``."""
        return outcome(self.result, self.display(relpath), relpath)

    def json_item(self, relpath: str) -> dict[str, Any]:
        """The JSON Feed item of the article from ``relpath``."""
        article = self.article(relpath)
        assert article is not None, f"{relpath} not published"
        items = [i for i in self.json["items"] if i["id"] == article.id]
        assert len(items) == 1, items
        item: dict[str, Any] = items[0]
        return item

    def titles(self) -> dict[str, list[str]]:
        """Every item title, parsed back from each feed."""
        return {
            "rss": [e.title for e in self.rss.entries],
            "atom": [e.title for e in self.atom.entries],
            "json": [i.get("title", "") for i in self.json["items"]],
        }


def outcome(result: BuildResult | LoadResult, display: str, relpath: str) -> Outcome:
    """Classify one post by its display path and relative path."""
    load = result.load if isinstance(result, BuildResult) else result
    found = result.all_diagnostics if isinstance(result, BuildResult) else result.diagnostics
    mine = [d for d in found if d.path == display]
    published = any(a.source_path == relpath for a in load.articles)
    excluded = any(e.path == display for e in load.excluded)
    errors = [d for d in mine if d.severity is Severity.ERROR]
    assert sum((published, excluded, bool(errors))) <= 1 or (excluded and not errors), (
        f"{display}: more than one outcome: published={published} excluded={excluded} {errors}"
    )
    if published:
        return (
            Outcome.WARNED
            if any(d.severity is Severity.WARNING for d in mine)
            else Outcome.PUBLISHED
        )
    if excluded:
        return Outcome.EXCLUDED
    assert errors, f"{display}: neither published, excluded nor an error: {mine}"
    return Outcome.ERROR


def read_feeds(out: Path) -> dict[str, bytes]:
    """The three feed files of an output folder."""
    return {
        "rss": (out / "rss.xml").read_bytes(),
        "atom": (out / "atom.xml").read_bytes(),
        "json": (out / "feed.json").read_bytes(),
    }


def _walk_strings(value: object) -> Iterator[str]:
    """Every string (keys included) in decoded JSON."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _walk_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk_strings(item)


def xml_allowed(code: int) -> bool:
    """True when XML 1.0 allows the character ``code``."""
    return (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


def assert_clean_text(text: str, where: str) -> None:
    """No character XML forbids (lone surrogates included), raw or as a character reference."""
    bad = [hex(ord(c)) for c in text if not xml_allowed(ord(c))]
    assert not bad, f"{where}: forbidden characters {bad[:10]}"
    for match in _CHAR_REF.finditer(text):
        hexa, dec = match.groups()
        code = int(hexa, 16) if hexa else int(dec)
        assert xml_allowed(code), f"{where}: reference to a forbidden character {match[0]}"


def check_feeds(raw: Mapping[str, bytes]) -> tuple[Any, Any, dict[str, Any]]:
    """Validate all three feeds; return (rss, atom, json) parses.

    Strict XML + feedparser bozo false for RSS and Atom, the JSON Feed 1.1 schema,
    strict UTF-8 everywhere, no forbidden character in any decoded JSON string (a
    ``\\ud83d`` escape decodes to a lone surrogate) nor in the text inside the XML,
    the same items in the same order in all three, each file well under 5 MiB.
    """
    for name, data in raw.items():
        assert len(data) < MAX_FEED_BYTES, f"{name} is {len(data)} bytes"
    rss = parse_rss(raw["rss"])
    atom = parse_atom(raw["atom"])
    feed = parse_json(raw["json"])
    for text in _walk_strings(feed):
        assert_clean_text(text, "feed.json")
        text.encode("utf-8")  # strict: a lone surrogate raises
    for name in ("rss", "atom"):
        # undo the XML level of escaping: the HTML inside must not refer to forbidden characters
        assert_clean_text(raw[name].decode("utf-8").replace("&amp;", "&"), name)
    json_ids = [item["id"] for item in feed["items"]]
    assert [e.id for e in atom.entries] == json_ids
    assert [e.id for e in rss.entries] == json_ids
    return rss, atom, feed


def build_checked(
    posts: Path,
    out: Path,
    site: Site = SITE,
    now: datetime = NOW,
) -> Built:
    """Build ``posts`` into ``out`` under a watchdog, check every feed, return everything."""
    result = bounded(lambda: laojia_feed.build(posts, out, site, now=now))
    assert result.feeds, f"no feed written: {result.all_diagnostics}"
    raw = read_feeds(out)
    rss, atom, feed = check_feeds(raw)
    built = Built(posts, result, raw, rss, atom, feed)
    assert built.outcome(GOOD) is Outcome.PUBLISHED, built.diagnostics(GOOD)
    for titles in built.titles().values():
        assert GOOD_TITLE in titles
    assert len(built.json["items"]) == len(built.load.articles)
    return built


def no_reprs(text: str) -> list[str]:
    """The Python reprs found in ``text`` (should be none)."""
    return [r for r in REPRS if r in text]


def json_dump(value: object) -> str:
    """JSON text for a Hexo JSON front matter (``ensure_ascii`` keeps escapes as written)."""
    return json.dumps(value, ensure_ascii=True)
