"""A build never silently empties or replaces live feeds: settings made in code are checked
like the config file's keys, and nothing is written when the posts could not be read, the
settings are invalid, a deferred load came without its bodies, or no post was found while
the feeds hold items (issue 12, items 5 and 6)."""

from __future__ import annotations

import os
import shutil
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

import laojia_feed
from feedcheck import parse_atom, parse_json, parse_rss
from laojia_feed import RunOptions, Site
from laojia_feed.cli.commands import cli

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SITE = Site(title="老家", url="https://laojia.example.org/")
LATER = datetime(2030, 1, 1, tzinfo=UTC)
FEEDS = ("rss.xml", "atom.xml", "feed.json")


@pytest.fixture
def live(tmp_path: Path) -> Path:
    """An output folder holding the example blog's feeds, as a live site would."""
    out = tmp_path / "public"
    result = laojia_feed.build(EXAMPLES / "posts", out, SITE, now=LATER)
    assert result.ok and len(parse_rss((out / "rss.xml").read_bytes()).entries) > 2
    return out


def snapshot(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def errors(result: laojia_feed.BuildResult) -> list[tuple[str, str]]:
    return [(d.field, d.message) for d in result.all_diagnostics if d.severity.value == "error"]


@pytest.mark.parametrize(
    "posts", ["missing", "a-file", "fifo"], ids=["missing folder", "a file", "a pipe"]
)
def test_posts_that_cannot_be_read_replace_nothing(live: Path, tmp_path: Path, posts: str) -> None:
    before = snapshot(live)
    path = tmp_path / posts
    if posts == "a-file":
        path.write_text("not a folder")
    elif posts == "fifo":
        os.mkfifo(path)
    result = laojia_feed.build(path, live, SITE, now=LATER)
    assert not result.ok and result.load.unreadable
    assert errors(result)
    assert snapshot(live) == before


def test_an_unknown_time_zone_replaces_nothing(live: Path) -> None:
    before = snapshot(live)
    result = laojia_feed.build(EXAMPLES / "posts", live, replace(SITE, timezone="Mars/Olympus"))
    assert [field for field, _ in errors(result)] == ["timezone"]
    assert snapshot(live) == before


@pytest.mark.parametrize(
    ("change", "setting"),
    [
        ({"url": "not a url"}, "url"),
        ({"outputs": None}, "outputs"),
        ({"budget": -5}, "budget"),
        ({"limit": -1}, "limit"),
        ({"summary_length": 3}, "summary_length"),
    ],
)
def test_invalid_settings_made_in_code_are_refused_before_any_output(
    live: Path, change: dict[str, object], setting: str
) -> None:
    before = snapshot(live)
    site = replace(SITE, **change)  # type: ignore[arg-type]
    result = laojia_feed.build(EXAMPLES / "posts", live, site, now=LATER)
    assert not result.ok
    assert [field for field, _ in errors(result)] == [setting]
    assert all(d.path == "settings" for d in result.all_diagnostics if d.field == setting)
    assert snapshot(live) == before
    loaded = laojia_feed.load_articles(EXAMPLES / "posts", site, now=LATER)
    assert not loaded.ok and loaded.articles == ()


def test_invalid_run_options_are_refused(live: Path) -> None:
    before = snapshot(live)
    result = laojia_feed.build(EXAMPLES / "posts", live, SITE, run=RunOptions(jobs=-2))
    assert [field for field, _ in errors(result)] == ["jobs"]
    assert snapshot(live) == before


def test_a_deferred_load_without_its_bodies_is_refused(live: Path) -> None:
    before = snapshot(live)
    lean, reader = laojia_feed.load_deferred(EXAMPLES / "posts", SITE, now=LATER)
    result = laojia_feed.build_from(lean, EXAMPLES / "posts", live, SITE)
    assert [field for field, _ in errors(result)] == ["bodies"]
    assert snapshot(live) == before
    with_bodies = laojia_feed.build_from(lean, EXAMPLES / "posts", live, SITE, bodies=reader)
    assert with_bodies.ok


def test_an_empty_posts_folder_does_not_empty_live_feeds(live: Path, tmp_path: Path) -> None:
    before = snapshot(live)
    (tmp_path / "empty").mkdir()
    result = laojia_feed.build(tmp_path / "empty", live, SITE, now=LATER)
    assert not result.ok
    ((field, message),) = errors(result)
    assert field == "output" and "--allow-empty" in message and "rss.xml" in message
    assert snapshot(live) == before


def test_allow_empty_publishes_empty_feeds(live: Path, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    run = RunOptions(allow_empty=True)
    result = laojia_feed.build(tmp_path / "empty", live, SITE, run=run, now=LATER)
    assert result.ok
    assert parse_rss((live / "rss.xml").read_bytes()).entries == []
    assert parse_atom((live / "atom.xml").read_bytes()).entries == []
    assert parse_json((live / "feed.json").read_bytes())["items"] == []


def test_a_new_blog_without_posts_still_gets_its_first_empty_feeds(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = laojia_feed.build(tmp_path / "empty", tmp_path / "public", SITE, now=LATER)
    assert result.ok
    assert sorted(p.name for p in (tmp_path / "public").iterdir()) == sorted(FEEDS)


def test_valid_settings_made_in_code_pass(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLES / "posts", tmp_path / "posts")
    site = replace(SITE, budget=None, limit=3, stylesheet="default", outputs=SITE.outputs)
    result = laojia_feed.build(tmp_path / "posts", tmp_path / "out", site, now=LATER)
    assert result.ok, result.all_diagnostics


def test_the_command_refuses_to_empty_live_feeds_unless_told(live: Path, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    before = snapshot(live)
    args = ["build", str(tmp_path / "empty"), "--out", str(live), "--site-url", SITE.url]
    refused = CliRunner().invoke(cli, args)
    assert refused.exit_code == 2, refused.output
    assert "--allow-empty" in refused.output and snapshot(live) == before
    allowed = CliRunner().invoke(cli, [*args, "--allow-empty"])
    assert allowed.exit_code == 0, allowed.output
    assert parse_rss((live / "rss.xml").read_bytes()).entries == []


def test_check_and_verbose_build_say_what_was_detected(tmp_path: Path) -> None:
    """Issue 11 (14): the generator, time zone and feed length, each with its source."""
    root = tmp_path / "site"
    (root / "content" / "posts").mkdir(parents=True)
    (root / "hugo.toml").write_text('baseURL = "https://blog.example.org/"\n', encoding="utf-8")
    (root / "content" / "posts" / "a.md").write_text(
        "+++\ntitle = 'a'\ndate = 2020-01-01\n+++\nA\n"
    )
    checked = CliRunner().invoke(cli, ["check", str(root)])
    assert checked.exit_code == 0, checked.output
    assert "note: time zone: UTC (Hugo's default (no timeZone: UTC))" in checked.output
    out = tmp_path / "out"
    quiet = CliRunner().invoke(cli, ["build", str(root), "--out", str(out)])
    assert "note: site: hugo" not in quiet.output
    verbose = CliRunner().invoke(cli, ["build", str(root), "--out", str(out), "-v"])
    assert f"note: site: hugo ({root / 'hugo.toml'})" in verbose.output
    assert "note: feed files: index.xml (rss)" in verbose.output


def test_an_unreadable_subfolder_is_an_error_not_a_silent_loss(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its posts would vanish from the live feed: the build says so and exits 1 (the other
    posts are still published). Simulated, so that it also runs as root."""
    posts = tmp_path / "posts"
    shutil.copytree(EXAMPLES / "posts", posts)
    real = os.scandir

    def scandir(path: object) -> object:
        if Path(str(path)).name == "family":
            raise PermissionError(13, "Permission denied")
        return real(path)  # type: ignore[call-overload]

    monkeypatch.setattr(os, "scandir", scandir)
    result = laojia_feed.build(posts, tmp_path / "out", SITE, now=LATER)
    assert not result.ok
    assert [(d.path, d.field) for d in result.load.errors] == [(f"{posts}/family", "file")]
    assert "its posts are not published" in result.load.errors[0].message
    assert parse_rss((tmp_path / "out" / "rss.xml").read_bytes()).entries  # the others are
