"""A recognised site publishes as its own generator would, where its config is silent.

Each test builds a small site with the real generator (Hugo, Hexo with
hexo-generator-feed, Jekyll with jekyll-feed; skipped where one is not installed)
and runs laojia-feed on the same root the way the CLI does
(:func:`laojia_feed.config.configure_run`), then compares the feeds read by
feedparser: which posts, their links, titles and instants, and which files.
The cases are the defaults of issue 11: time zone, feed length, feed files,
Hugo sections and slugs, Jekyll's undated files and own feed templates.
"""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest

from feedcheck import instant
from laojia_feed import build, config
from laojia_feed.config import configure_run
from laojia_feed.generators import detect, hugo
from laojia_feed.generators import detected as profile
from laojia_feed.model import Exclusion
from test_generators import (
    entries,
    hexo_install,
    hugo_binary,
    jekyll_binary,
    run,
    title_text,
)

pytestmark = pytest.mark.generators


def write(root: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (relative path → text) under ``root``."""
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def post(title: str, date: str | None = None, **extra: str) -> str:
    lines = [f"title: {json.dumps(title, ensure_ascii=False)}"]
    lines += [f"date: {date}"] if date else []
    lines += [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in extra.items()]
    return "---\n" + "\n".join(lines) + "\n---\n\n正文。\n"


def ours(root: Path, out: Path, flags: dict[str, object] | None = None) -> config.Config:
    """Build ``root`` as the CLI does; the configuration and the build must be clean."""
    conf = config.configure_run(root, None, flags or {})
    assert conf.ok, conf.diagnostics
    assert conf.posts is not None
    result = build(conf.posts, out, conf.site)
    assert result.ok, result.all_diagnostics
    assert not result.load.diagnostics, result.load.diagnostics
    return conf


def same_entries(theirs: Path, mine: Path, *, ids: bool = False) -> int:
    """The two feeds hold the same links with the same titles and instants; their count."""
    their, our = entries(theirs), entries(mine)
    assert sorted(our) == sorted(their)
    for link, entry in their.items():
        assert our[link].title == title_text(entry), link
        assert instant(our[link].published_parsed) == instant(entry.published_parsed), link
        if ids:
            assert our[link].id == entry.id, link
    return len(their)


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.suffix in {".xml", ".json"})


# --- Hugo ---------------------------------------------------------------------------------

HUGO = 'baseURL = "https://b.example.org/"\ntitle = "t"\n' + (
    'disableKinds = ["taxonomy", "term", "sitemap", "robotsTXT", "404", "section"]\n'
)


def hugo_site(tmp_path: Path, config_text: str, pages: dict[str, str], tz: str) -> Path:
    root = write(tmp_path / "site", {"hugo.toml": config_text, **pages})
    run([hugo_binary(), "--quiet", "-d", str(tmp_path / "hugo-out")], root, tmp_path, tz)
    return root


def test_hugo_home_feed_holds_every_section(tmp_path: Path) -> None:
    pages = {
        "content/_index.md": post("Home"),
        "content/cn/_index.md": post("中文"),
        "content/cn/kids/_index.md": post("孩子"),
        "content/cn/kids/2022/02/finals.md": post("期末", "2022-02-03T08:00:00"),
        "content/cn/other/o.md": post("其他", "2022-02-04T08:00:00"),
        "content/en/e.md": post("English", "2022-02-05T08:00:00"),
        "content/posts/p.md": post("Post", "2022-02-06T08:00:00"),
        "content/about.md": post("About", "2022-02-07T08:00:00"),
    }
    root = hugo_site(tmp_path, HUGO, pages, "UTC")
    out = tmp_path / "ours"

    conf = ours(root, out)

    assert conf.posts == root / "content"
    assert same_entries(tmp_path / "hugo-out/index.xml", out / "index.xml") == 5
    assert "https://b.example.org/cn/kids/2022/02/finals/" in entries(out / "index.xml")
    assert files(out) == ["index.xml"]
    loaded = build(conf.posts, tmp_path / "again", conf.site).load
    sections = [e for e in loaded.excluded if e.path.endswith("_index.md")]
    assert len(sections) == 3 and {e.reason for e in sections} == {Exclusion.LIST_PAGE}


def test_hugo_without_timezone_reads_dates_as_utc(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "Asia/Shanghai")  # the machine's zone: Hugo ignores it
    pages = {f"content/posts/p{n}.md": post(f"P{n}", f"2022-02-0{n}T01:30:00") for n in (1, 2)}
    root = hugo_site(tmp_path, HUGO, pages, "Asia/Shanghai")
    out = tmp_path / "ours"

    conf = ours(root, out)

    assert conf.site.timezone == "UTC"
    assert same_entries(tmp_path / "hugo-out/index.xml", out / "index.xml") == 2


SLUGS = ("5+3", "/uploads/2011/07", "Tom & Jerry", "É café", "-lead-", "a  b--c")


@pytest.mark.parametrize("permalinks", ["", '[permalinks]\nposts = "/:year/:slug/"\n'])
def test_hugo_slugs_follow_hugo(tmp_path: Path, permalinks: str) -> None:
    pages = {
        f"content/posts/p{n}.md": post(f"P{n}", f"2022-03-{n + 1:02d}T08:00:00", slug=slug)
        for n, slug in enumerate(SLUGS)
    }
    root = hugo_site(tmp_path, HUGO + permalinks, pages, "UTC")
    out = tmp_path / "ours"

    ours(root, out)

    assert same_entries(tmp_path / "hugo-out/index.xml", out / "index.xml") == len(SLUGS)


def test_hugo_nested_sections(tmp_path: Path) -> None:
    """``:sections`` are the folders that are sections (``_index`` files), as in Hugo."""
    pattern = '[permalinks]\ncn = "/:sections/:year/:month/:filename/"\n'
    pages = {
        "content/cn/kids/_index.md": post("孩子"),
        "content/cn/kids/2022/02/finals.md": post("期末", "2022-02-03T08:00:00"),
        "content/cn/other/o.md": post("其他", "2022-02-04T08:00:00"),
    }
    root = hugo_site(tmp_path, HUGO + pattern, pages, "UTC")
    known = hugo.section_folders(root / "content")

    urls = {
        "/".join((*hugo.page_sections(relpath.removeprefix("content/"), known), "2022", "02"))
        + "/"
        + Path(relpath).stem
        for relpath in pages
        if not relpath.endswith("_index.md")
    }

    assert {f"https://b.example.org/{url}/" for url in urls} == set(
        entries(tmp_path / "hugo-out/index.xml")
    )
    out = tmp_path / "ours"
    ours(root, out)  # laojia-feed's :sections follow the same rule (issue 11, item 8)
    assert same_entries(tmp_path / "hugo-out/index.xml", out / "index.xml") == 2
    assert "https://b.example.org/cn/kids/2022/02/finals/" in entries(out / "index.xml")


# --- Hexo ---------------------------------------------------------------------------------


def hexo_site(tmp_path: Path, config_text: str, posts: dict[str, str], tz: str) -> Path:
    modules = hexo_install()
    root = write(tmp_path / "site", {"_config.yml": config_text})
    (root / "node_modules").symlink_to(modules, target_is_directory=True)
    package = {"name": "site", "private": True, "hexo": {"version": "8.1.2"},
               "dependencies": {"hexo": "*", "hexo-generator-feed": "*",
                                "hexo-renderer-marked": "*"}}  # fmt: skip
    write(root, {"package.json": json.dumps(package)})
    write(root / "source/_posts", posts)
    run([str(modules / ".bin/hexo"), "generate", "--silent"], root, tmp_path, tz)
    return root


@pytest.mark.parametrize("zone_line", ["", "timezone: ''\n"])
def test_hexo_defaults_machine_zone_limit_and_atom(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, zone_line: str
) -> None:
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    posts = {f"p{n:02d}.md": post(f"P{n}", f"2022-01-{n:02d} 01:30:00") for n in range(1, 23)}
    root = hexo_site(tmp_path, "url: https://x.org\n" + zone_line, posts, "Asia/Tokyo")
    out = tmp_path / "ours"

    conf = ours(root, out)

    assert (conf.site.timezone, conf.site.limit) == ("Asia/Tokyo", 20)
    assert files(out) == ["atom.xml"] == files(root / "public")
    assert same_entries(root / "public/atom.xml", out / "atom.xml") == 20


def test_hexo_bad_site_url_is_overridden_by_laojia(tmp_path: Path) -> None:
    root = write(tmp_path / "site", {"_config.yml": "url: /blog/\n", "source/_posts/a.md": ""})
    assert not config.configure_run(root, None, {}).ok  # the site's url alone is unusable

    flagged = config.configure_run(root, None, {"url": "https://x.org/blog/"})
    write(root, {"laojia-feed.toml": 'url = "https://y.org/"\n'})
    from_toml = config.configure_run(root, None, {})

    assert flagged.ok and flagged.site.url == "https://x.org/blog/", flagged.diagnostics
    assert from_toml.ok and from_toml.site.url == "https://y.org/", from_toml.diagnostics
    assert not [d for d in (*flagged.diagnostics, *from_toml.diagnostics) if d.field == "url"]


# --- Jekyll -------------------------------------------------------------------------------


def jekyll_site(tmp_path: Path, files_: dict[str, str], tz: str) -> Path:
    root = write(tmp_path / "site", files_)
    out = root / "_site"
    run([jekyll_binary(), "build", "--quiet", "-s", str(root), "-d", str(out)], root, tmp_path, tz)
    return root


JEKYLL = "title: t\nurl: https://x.org\nplugins: [jekyll-feed]\n"


def test_jekyll_defaults_undated_files_machine_zone_and_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    posts = {
        f"_posts/2022-01-{n:02d}-p{n}.md": post(f"P{n}", f'"2022-01-{n:02d} 01:30:00"')
        for n in range(1, 12)
    }
    posts["_posts/2022-01-20-by-name.md"] = post("By name")  # local midnight
    posts["_posts/template.md"] = post("Template")  # no date prefix: not a post
    root = jekyll_site(tmp_path, {"_config.yml": JEKYLL, **posts}, "Asia/Tokyo")
    out = tmp_path / "ours"

    conf = ours(root, out)

    assert (conf.site.timezone, conf.site.limit) == ("Asia/Tokyo", 10)
    assert files(out) == ["feed.xml"]
    assert same_entries(root / "_site/feed.xml", out / "feed.xml", ids=True) == 10


RSS_TEMPLATE = """\
---
layout: null
---
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>{{ site.title }}</title><link>{{ site.url }}/</link>
<description>d</description>
{% for post in site.posts %}<item><title>{{ post.title | xml_escape }}</title>
<link>{{ post.url | absolute_url }}</link><guid>{{ post.url | absolute_url }}</guid>
<pubDate>{{ post.date | date_to_rfc822 }}</pubDate></item>
{% endfor %}</channel></rss>
"""


def test_jekyll_own_feed_template_keeps_format_and_ids(tmp_path: Path) -> None:
    site_files = {
        "_config.yml": "title: t\nurl: https://x.org\ntimezone: Asia/Shanghai\n",
        "feed.xml": RSS_TEMPLATE,
        "_posts/2022-01-01-a.md": post("A"),
        "_posts/2022-01-02-b.md": post("B"),
    }
    root = write(tmp_path / "fresh", site_files)
    unbuilt = config.configure_run(root, None, {})  # the template's guid says: the post URL
    assert unbuilt.ok and unbuilt.site.id_style == "permalink", unbuilt.diagnostics
    custom = RSS_TEMPLATE.replace("<guid>{{ post.url", "<guid>{{ post.uuid")
    write(root, {"feed.xml": custom})
    unknown = config.configure_run(root, None, {})
    assert [d.field for d in unknown.diagnostics if not unknown.ok] == ["id_style"]
    assert "_site/feed.xml" in str(unknown.diagnostics[0])

    root = jekyll_site(tmp_path, site_files, "UTC")
    published = (root / "_site/feed.xml").read_bytes()
    out = tmp_path / "ours"

    conf = ours(root, out)

    assert (conf.site.outputs.rss, conf.site.id_style) == ("feed.xml", "permalink")
    assert files(out) == ["feed.xml"]
    assert feedparser.parse((out / "feed.xml").read_bytes()).version == "rss20"
    write(tmp_path / "theirs", {"feed.xml": published.decode()})
    assert same_entries(tmp_path / "theirs/feed.xml", out / "feed.xml", ids=True) == 2


# --- what was detected ----------------------------------------------------------------------


def test_detected_facts_name_their_sources(tmp_path: Path) -> None:
    root = write(tmp_path / "site", {"hugo.toml": HUGO, "content/posts/a.md": post("A")})
    project = detect.detect_site(root)
    assert project is not None
    conf = config.configure_run(root, None, {"limit": 3})

    found = profile.detected(project, conf.site, {"limit": "--limit"})

    assert found.timezone == ("UTC", "Hugo's default (no timeZone: UTC)")
    assert found.limit == (3, "--limit")
    assert found.outputs == ((("rss", "index.xml"),), "Hugo's home RSS")
    lines = profile.describe(found)
    assert "time zone: UTC (Hugo's default (no timeZone: UTC))" in lines
    assert "feed files: index.xml (rss) (Hugo's home RSS)" in lines


def test_json_feed_is_opt_in_beside_the_sites_own_feed(tmp_path: Path) -> None:
    root = write(tmp_path / "site", {"hugo.toml": HUGO, "content/posts/a.md": post("A")})
    write(root, {"laojia-feed.toml": '[outputs]\njson = "feed.json"\n'})

    conf = config.configure_run(root, None, {})

    assert conf.ok, conf.diagnostics
    assert (conf.site.outputs.rss, conf.site.outputs.atom) == ("index.xml", "")
    assert conf.site.outputs.json == "feed.json"


def test_the_run_configuration_says_what_was_detected(tmp_path: Path) -> None:
    """Issue 11 (14): the library result names the generator, posts folder, permalink, time
    zone, feed length and files, each with its source; flags are named as the source."""
    root = tmp_path / "site"
    (root / "content" / "posts").mkdir(parents=True)
    (root / "hugo.toml").write_text('baseURL = "https://blog.example.org/"\n', encoding="utf-8")
    (root / "content" / "posts" / "a.md").write_text("+++\ntitle = 'a'\n+++\nA\n")
    config = configure_run(root, overrides={"limit": 5})
    assert config.detected is not None
    lines = profile.describe(config.detected)
    assert lines[0] == f"site: hugo ({root / 'hugo.toml'})"
    assert "time zone: UTC (Hugo's default (no timeZone: UTC))" in lines
    assert "feed length: 5 (command line)" in lines
    assert configure_run(root / "content" / "posts").detected is None


def test_hugo_section_feeds_where_hugo_writes_them(tmp_path: Path) -> None:
    """Issue 11 (7), opt-in: ``section_feeds`` writes a feed per section at Hugo's own
    address (``posts/index.xml``, ``cn/kids/index.xml``) holding the same items as Hugo's."""
    pages = {
        "content/_index.md": post("Home"),
        "content/cn/_index.md": post("中文"),
        "content/cn/kids/_index.md": post("孩子"),
        "content/cn/kids/2022/02/finals.md": post("期末", "2022-02-03T08:00:00"),
        "content/cn/kids/sports.md": post("运动会", "2022-03-03T08:00:00"),
        "content/posts/p.md": post("Post", "2022-02-06T08:00:00"),
        "content/posts/q.md": post("Post Q", "2022-02-07T08:00:00"),
    }
    with_sections = HUGO.replace(', "section"]', "]")  # Hugo writes section feeds
    root = hugo_site(tmp_path, with_sections, pages, "UTC")
    out = tmp_path / "ours"
    ours(root, out, {"section_feeds": True})
    hugo_out = tmp_path / "hugo-out"
    for section, count in (("posts", 2), ("cn/kids", 2)):
        assert same_entries(hugo_out / section / "index.xml", out / section / "index.xml") == count
    assert same_entries(hugo_out / "index.xml", out / "index.xml") == 4  # the home feed too
