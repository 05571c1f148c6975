"""Configuration: files, keys, flags, and what bad values do."""

from __future__ import annotations

from pathlib import Path

import pytest

from laojia_feed.config import KEYS, load_config, parse_size
from laojia_feed.model import Author, FieldError, OutputNames, RunOptions, Severity, Site

FULL = """
title = "老家"
url = "https://Laojia.Example.org/blog"
description = "d"
language = "en-GB"
timezone = "Europe/London"
author = { name = "小林", email = "x@example.org" }
permalink = "posts/:slug/"
limit = 20
budget = "1MiB"
item_budget = "100KB"
include_future = true
unwrap_proxies = true
full_content = false
summary_length = 120
patterns = ["*.md"]
icon = "https://laojia.example.org/icon.png"
hub = "https://hub.example.net/"
category_feeds = true
tag_feeds = true
archives = true
archive_size = 30
stylesheet = "default"
id_style = "jekyll"
cache_dir = ".cache/laojia-feed"
jobs = 2
pages = true
logo = "https://laojia.example.org/logo.png"
cover_in_content = true
webfeeds = true
comments = false
comments_anchor = "#talk"
exclude_categories = ["私密"]
exclude_tags = ["draft"]
guess_language = false
podcast = { explicit = "clean" }
template_tags = "Jekyll"
generator = " Hugo "
site_vars = { baseurl = "/blog", author = { name = "小林" }, since = 2009-01-02 }
asset_folders = true
tags_folder = "/posts/"
sections = ["posts", "cn/kids"]
language_feeds = true
section_feeds = true
referrer_policy = "Same-Origin"
image_proxy = " https://img.example.org/?url={url} "
read_more = "继续阅读"

[outputs]
rss = "rss2.xml"
atom = ""
json = "feed.json"
"""


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (2048, 2048),
        ("2MiB", 2 * 1024 * 1024),
        ("512 KB", 512_000),
        ("1.5MiB", int(1.5 * 1024 * 1024)),
        ("100", 100),
        ("none", None),
        (False, None),
        (0, None),
    ],
)
def test_sizes(raw: object, expected: int | None) -> None:
    assert parse_size(raw) == expected


@pytest.mark.parametrize("raw", ["lots", "-1", -5, True, "2 parsecs"])
def test_bad_sizes(raw: object) -> None:
    with pytest.raises(FieldError):
        parse_size(raw)


def test_no_config_gives_defaults_and_one_placeholder_warning() -> None:
    config = load_config()
    assert config.site == Site()
    assert config.ok
    assert [(d.field, d.severity) for d in config.diagnostics] == [("url", Severity.WARNING)]


def test_every_key_is_applied(tmp_path: Path) -> None:
    path = tmp_path / "laojia-feed.toml"
    path.write_text(FULL, encoding="utf-8")
    config = load_config(path)
    assert config.ok and config.diagnostics == ()
    site = config.site
    assert site.title == "老家"
    assert site.url == "https://laojia.example.org/blog/"
    assert site.language == "en-GB"
    assert site.timezone == "Europe/London"
    assert site.author == Author("小林", "x@example.org")
    assert site.permalink == "posts/:slug/"
    assert (site.limit, site.budget, site.item_budget) == (20, 1024 * 1024, 100_000)
    assert site.include_future and site.unwrap_proxies and not site.full_content
    assert site.summary_length == 120
    assert site.patterns == ("*.md",)
    assert site.outputs == OutputNames(rss="rss2.xml", atom="", json="feed.json")
    assert site.hub == "https://hub.example.net"
    assert site.category_feeds and site.tag_feeds and site.archives
    assert (site.archive_size, site.stylesheet) == (30, "default")
    assert site.id_style == "jekyll"
    assert site.pages
    assert (site.template_tags, site.asset_folders, site.tags_folder) == ("jekyll", True, "posts")
    assert site.sections == ("posts", "cn/kids")
    assert site.language_feeds and site.section_feeds
    assert site.generator == "hugo"
    assert site.site_vars == {"baseurl": "/blog", "author": {"name": "小林"}, "since": "2009-01-02"}
    with pytest.raises(TypeError):
        site.site_vars["baseurl"] = "/other"  # type: ignore[index]
    assert site.referrer_policy == "same-origin"
    assert site.image_proxy == "https://img.example.org/?url={url}"
    assert site.read_more == "继续阅读"
    assert config.run == RunOptions(cache_dir=".cache/laojia-feed", jobs=2)
    assert (site.logo, site.cover_in_content, site.comments) == (
        "https://laojia.example.org/logo.png",
        True,
        False,
    )
    assert (site.comments_anchor, site.exclude_categories, site.exclude_tags) == (
        "#talk",
        ("私密",),
        ("draft",),
    )
    assert site.webfeeds is not None and site.podcast is not None and not site.guess_language
    assert site.podcast.explicit == "clean"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('template_tags = "wordpress"', 'expected "hexo", "hugo", "jekyll" or "none"'),
        ("template_tags = 3", "got a number"),
        ('site_vars = "baseurl"', "expected a table"),
        ('tags_folder = "../x"', "plain relative folder path"),
        ('sections = ["../x"]', "not a relative folder path"),
    ],
)
def test_bad_tag_settings_are_errors(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "laojia-feed.toml"
    path.write_text(f'url = "https://blog.example.org/"\n{line}\n', encoding="utf-8")
    config = load_config(path)
    assert [(d.field, d.severity) for d in config.diagnostics] == [
        (line.split(" =")[0], Severity.ERROR)
    ]
    assert message in config.diagnostics[0].message


def test_no_template_tags_by_default_and_none_turns_them_off(tmp_path: Path) -> None:
    assert Site().template_tags is None
    path = tmp_path / "laojia-feed.toml"
    path.write_text('template_tags = "none"\n', encoding="utf-8")
    assert load_config(path).site.template_tags is None


def test_every_key_in_the_table_appears_in_the_full_example() -> None:
    assert {line.split("=")[0].strip() for line in FULL.splitlines() if "=" in line} >= (
        set(KEYS) - {"outputs"}
    )


def test_bad_values_are_all_reported(tmp_path: Path) -> None:
    path = tmp_path / "laojia-feed.toml"
    path.write_text(
        'url = "localhost"\ntimezone = "Mars/Base"\nlimit = "ten"\n'
        'summary_length = 5\n[outputs]\nrss = "../escape.xml"\n',
        encoding="utf-8",
    )
    config = load_config(path)
    assert not config.ok
    fields = {d.field for d in config.diagnostics if d.severity is Severity.ERROR}
    assert fields == {"url", "timezone", "limit", "summary_length", "outputs"}
    assert all(d.path == str(path) for d in config.diagnostics)


@pytest.mark.parametrize("name", ["/etc/x.xml", "a/../../x", ".hidden.xml", "a\\b.xml"])
def test_output_names_stay_inside_the_output_folder(tmp_path: Path, name: str) -> None:
    path = tmp_path / "laojia-feed.toml"
    path.write_text(f"[outputs]\nrss = {name!r}\n".replace("'", '"').replace("\\", "\\\\"))
    assert not load_config(path).ok


def test_same_name_for_two_feeds_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "laojia-feed.toml"
    path.write_text('[outputs]\nrss = "feed.xml"\natom = "feed.xml"\n')
    assert not load_config(path).ok


def test_broken_toml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "laojia-feed.toml"
    path.write_text("title = \n")
    config = load_config(path)
    assert not config.ok
    assert config.diagnostics[0].path == str(path)
    assert "not valid TOML" in config.diagnostics[0].message


def test_search_order_and_pyproject(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    (second / "pyproject.toml").write_text('[tool.laojia-feed]\ntitle = "B"\n')
    (first / "pyproject.toml").write_text('[project]\nname = "unrelated"\n')
    config = load_config(search=[first, second])
    assert config.source == second / "pyproject.toml"
    assert config.site.title == "B"
    (first / "laojia-feed.toml").write_text('title = "A"\n')
    assert load_config(search=[first, second]).site.title == "A"


def test_flags_override_the_file(tmp_path: Path) -> None:
    path = tmp_path / "laojia-feed.toml"
    path.write_text('title = "file"\nurl = "https://a.org/"\n')
    config = load_config(path, {"title": "flag", "budget": "none"})
    assert config.site.title == "flag"
    assert config.site.budget is None
    assert config.site.url == "https://a.org/"


@pytest.mark.parametrize("url", ["http://localhost:4000/", "https://192.168.1.5/blog/"])
def test_a_site_url_subscribers_cannot_reach_is_a_warning(url: str) -> None:
    config = load_config(None, {"url": url})
    assert config.ok
    [warning] = config.diagnostics
    assert (warning.field, warning.severity) == ("url", Severity.WARNING)
    assert "cannot follow" in warning.message


def test_a_public_site_url_gives_no_warning() -> None:
    assert load_config(None, {"url": "https://blog.example.org/"}).diagnostics == ()
