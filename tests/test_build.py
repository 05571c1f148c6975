"""End to end on ``examples/``: the seed post round-trips, builds are reproducible, and a
build touches nothing but the three feed files.

Every feed is parsed back (feedparser, lxml, json) and compared with the seed post's
own front matter and body, never by string comparison of the feed text.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import lxml.html
import pytest
import yaml
from click.testing import CliRunner

import laojia_feed
from feedcheck import NS, html_text, instant, xml_root
from hostile import check_feeds, read_feeds
from laojia_feed import Severity, Site
from laojia_feed.cli.commands import cli
from laojia_feed.model import PLACEHOLDER_SITE_URL

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
FEED_NAMES = {"rss.xml", "atom.xml", "feed.json"}
#: What the example blog's config writes besides the feeds: the pages for people.
PAGE_NAMES = {"feed.html", "feeds.html"}
SEED = "seed-post.md"
SEED_URL = "https://laojia.example.org/2021/12/09/seed-post/"
SEED_INSTANT = datetime(2021, 12, 9, 3, 10, 27, tzinfo=UTC)
#: Clocks after every example post (posts dated later would be "future").
LATER = datetime(2030, 1, 1, tzinfo=UTC)
MUCH_LATER = datetime(2044, 7, 4, 12, 30, tzinfo=UTC)


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A copy of ``examples/`` (config and posts), so builds cannot touch the original."""
    target = tmp_path / "examples"
    shutil.copytree(EXAMPLES, target, ignore=shutil.ignore_patterns("public", ".*"))
    return target


def example_site(example: Path) -> Site:
    config = laojia_feed.load_config(example / "laojia-feed.toml")
    assert config.ok, config.diagnostics
    return config.site


def seed_front_matter() -> tuple[dict[str, Any], str]:
    """The seed post's front matter (read here with PyYAML, independently) and body."""
    text = (EXAMPLES / "posts" / SEED).read_text(encoding="utf-8").lstrip("\n")
    _, front, body = text.split("---\n", 2)
    meta = yaml.safe_load(front)
    assert isinstance(meta, dict)
    return meta, body


def fingerprint(folder: Path) -> dict[str, tuple[str, int]]:
    """Every entry under ``folder``: relative path → (content hash or kind, mode)."""
    found: dict[str, tuple[str, int]] = {}
    for path in sorted(folder.rglob("*")):
        info = path.lstat()
        if stat.S_ISREG(info.st_mode):
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        elif stat.S_ISLNK(info.st_mode):
            digest = "link:" + os.readlink(path)
        else:
            digest = "dir"
        found[path.relative_to(folder).as_posix()] = (digest, stat.S_IMODE(info.st_mode))
    return found


# --- the seed post, field by field -----------------------------------------------------------


@pytest.fixture
def seed_feeds(example: Path, tmp_path: Path) -> dict[str, Any]:
    out = tmp_path / "public"
    result = laojia_feed.build(example / "posts", out, example_site(example), now=LATER)
    assert result.ok, result.all_diagnostics
    assert not result.all_diagnostics or all(
        d.severity is Severity.INFO for d in result.all_diagnostics
    ), result.all_diagnostics
    raw = read_feeds(out)
    rss, atom, feed = check_feeds(raw)
    return {"raw": raw, "rss": rss, "atom": atom, "json": feed, "result": result}


def _entry(entries: Any, link: str) -> Any:
    found = [e for e in entries if e.link == link]
    assert len(found) == 1, [e.link for e in entries]
    return found[0]


def test_seed_post_round_trips_through_rss(seed_feeds: dict[str, Any]) -> None:
    meta, body = seed_front_matter()
    entry = _entry(seed_feeds["rss"].entries, SEED_URL)
    assert entry.title == meta["title"]
    assert entry.id == SEED_URL and entry.link == SEED_URL
    assert instant(entry.published_parsed) == SEED_INSTANT.timestamp()
    assert [t.term for t in entry.tags] == meta["categories"]
    assert entry.author == meta["author"]
    assert [m["url"] for m in entry.media_thumbnail] == [meta["thumbnail"]]
    assert [m["url"] for m in entry.media_content] == [meta["thumbnail"]]
    # the content read straight from the XML (feedparser sanitizes on its own)
    item = next(
        i for i in xml_root(seed_feeds["raw"]["rss"]).iter("item") if i.findtext("link") == SEED_URL
    )
    content = item.findtext(f"{{{NS['content']}}}encoded") or ""
    assert html_text(content) == html_text(body)
    assert _images(content) == _images(body)


def test_seed_post_round_trips_through_atom(seed_feeds: dict[str, Any]) -> None:
    meta, body = seed_front_matter()
    entry = _entry(seed_feeds["atom"].entries, SEED_URL)
    assert entry.title == meta["title"]
    assert entry.id == SEED_URL
    assert instant(entry.published_parsed) == SEED_INSTANT.timestamp()
    assert instant(entry.updated_parsed) == SEED_INSTANT.timestamp()
    assert [t.term for t in entry.tags] == meta["categories"]
    assert entry.author == meta["author"]
    enclosures = [link.href for link in entry.links if link.rel == "enclosure"]
    assert enclosures == [meta["thumbnail"]]
    root = xml_root(seed_feeds["raw"]["atom"])
    atom_entry = next(
        e
        for e in root.iter(f"{{{NS['atom']}}}entry")
        if e.findtext(f"{{{NS['atom']}}}id") == SEED_URL
    )
    content = atom_entry.find(f"{{{NS['atom']}}}content")
    assert content is not None and content.get("type") == "html"
    assert html_text(content.text or "") == html_text(body)
    assert _images(content.text or "") == _images(body)


def test_seed_post_round_trips_through_json_feed(seed_feeds: dict[str, Any]) -> None:
    meta, body = seed_front_matter()
    items = [i for i in seed_feeds["json"]["items"] if i["url"] == SEED_URL]
    assert len(items) == 1
    item = items[0]
    assert item["id"] == SEED_URL
    assert item["title"] == meta["title"]
    assert datetime.fromisoformat(item["date_published"]) == SEED_INSTANT
    assert datetime.fromisoformat(item["date_modified"]) == SEED_INSTANT
    assert item["tags"] == meta["categories"]
    assert [a["name"] for a in item["authors"]] == [meta["author"]]
    assert item["image"] == meta["thumbnail"]
    assert html_text(item["content_html"]) == html_text(body)
    assert _images(item["content_html"]) == _images(body)
    assert item["summary"].startswith("近期，【老房加梯系列报道】")


def test_seed_post_as_an_article(seed_feeds: dict[str, Any]) -> None:
    meta, _ = seed_front_matter()
    result = seed_feeds["result"]
    article = next(a for a in result.load.articles if a.source_path == SEED)
    assert article.title == meta["title"]
    assert article.published == SEED_INSTANT
    assert article.categories == tuple(meta["categories"])
    assert article.image == meta["thumbnail"]
    assert article.extra["comments"] == "false"
    assert "headimg" not in article.extra  # an image alias, consumed


def _images(fragment: str) -> list[str]:
    """The image sources of an HTML fragment, in order."""
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    return [str(img.get("src")) for img in root.iter("img")]


def test_every_example_post_is_in_every_feed_in_the_same_order(
    seed_feeds: dict[str, Any],
) -> None:
    result = seed_feeds["result"]
    urls = [a.url for a in result.load.articles]
    assert len(urls) == 5
    assert [e.link for e in seed_feeds["rss"].entries] == urls
    assert [e.link for e in seed_feeds["atom"].entries] == urls
    assert [i["url"] for i in seed_feeds["json"]["items"]] == urls
    published = [a.published for a in result.load.articles]
    assert published == sorted(published, reverse=True)
    assert [str(e.path).rsplit("/posts/", 1)[1] for e in result.load.excluded] == [
        "_drafts/unfinished.md"
    ]


# --- reproducible builds ---------------------------------------------------------------------


def test_two_builds_are_byte_identical_whatever_the_clock(example: Path, tmp_path: Path) -> None:
    site = example_site(example)
    posts = example / "posts"
    first = laojia_feed.build(posts, tmp_path / "one", site, now=LATER)
    second = laojia_feed.build(posts, tmp_path / "two", site, now=MUCH_LATER)
    again = laojia_feed.build(posts, tmp_path / "one", site, now=MUCH_LATER)
    assert first.ok and second.ok and again.ok
    assert read_feeds(tmp_path / "one") == read_feeds(tmp_path / "two")
    assert [f.changed for f in again.feeds] == [False, False, False]
    assert [f.changed for f in first.feeds] == [True, True, True]


def test_cli_builds_are_byte_identical(example: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    posts = str(example / "posts")
    config = str(example / "laojia-feed.toml")
    for out in ("a", "b"):
        result = runner.invoke(
            cli,
            ["build", posts, "--out", str(tmp_path / out), "--config", config],
            catch_exceptions=False,
        )
        assert result.exit_code == 0, result.output
    assert read_feeds(tmp_path / "a") == read_feeds(tmp_path / "b")


# --- a bare folder ---------------------------------------------------------------------------


def test_bare_folder_without_config_uses_the_placeholder_with_one_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bare = tmp_path / "bare"
    shutil.copytree(EXAMPLES / "posts", bare / "posts")
    monkeypatch.chdir(bare)
    result = CliRunner().invoke(cli, ["build", "posts", "--out", "public"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1, result.stderr
    assert PLACEHOLDER_SITE_URL in warnings[0] and "url" in warnings[0]
    assert "error" not in result.stderr.replace("0 errors", "")
    raw = read_feeds(bare / "public")
    rss, _atom, feed = check_feeds(raw)
    assert feed["home_page_url"].startswith(PLACEHOLDER_SITE_URL)
    assert all(e.link.startswith(PLACEHOLDER_SITE_URL) for e in rss.entries)
    assert len(rss.entries) == 5
    assert "localhost" not in b"".join(raw.values()).decode()


def test_bare_folder_config_reports_exactly_one_warning(tmp_path: Path) -> None:
    config = laojia_feed.load_config(None, search=[tmp_path])
    assert config.ok
    assert config.site.url == PLACEHOLDER_SITE_URL
    assert [(d.field, d.severity) for d in config.diagnostics] == [("url", Severity.WARNING)]


# --- nothing but the feeds -------------------------------------------------------------------


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Path]]:
    """Empty cwd, HOME and TMPDIR that must stay empty through a build."""
    places = {name: tmp_path / name for name in ("cwd", "home", "tmp")}
    for place in places.values():
        place.mkdir()
    monkeypatch.chdir(places["cwd"])
    monkeypatch.setenv("HOME", str(places["home"]))
    monkeypatch.setenv("TMPDIR", str(places["tmp"]))
    monkeypatch.setattr(tempfile, "tempdir", str(places["tmp"]))
    yield places
    for name, place in places.items():
        assert list(place.iterdir()) == [], f"{name} was written to"


def test_library_build_writes_only_the_feeds(example: Path, sandbox: dict[str, Path]) -> None:
    out = example.parent / "public"
    before = fingerprint(example)
    for now in (LATER, MUCH_LATER):  # the second build replaces nothing: same bytes
        result = laojia_feed.build(example / "posts", out, example_site(example), now=now)
        assert result.ok
        assert {p.name for p in out.iterdir()} == FEED_NAMES | PAGE_NAMES
    assert fingerprint(example) == before


def test_cli_build_writes_only_the_feeds(example: Path, sandbox: dict[str, Path]) -> None:
    out = example.parent / "public"
    out.mkdir()
    (out / "rss.xml").write_bytes(b"old feed")  # an old feed is replaced, not appended to
    before = fingerprint(example)
    args = ["build", str(example / "posts"), "--out", str(out)]
    args += ["--config", str(example / "laojia-feed.toml")]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert {p.name for p in out.iterdir()} == FEED_NAMES | PAGE_NAMES
    check_feeds(read_feeds(out))
    assert fingerprint(example) == before


def test_build_into_a_new_nested_output_folder(example: Path, sandbox: dict[str, Path]) -> None:
    out = example.parent / "site" / "public" / "feeds"
    result = laojia_feed.build(example / "posts", out, example_site(example), now=LATER)
    assert result.ok, result.all_diagnostics
    assert {p.name for p in out.iterdir()} == FEED_NAMES | PAGE_NAMES
    assert [f.items for f in result.feeds] == [5, 5, 5]
