"""What comparing real blogs with their generators found (benchmarks/real_blogs.py), as fixtures.

Each case is a pattern seen in a real public Hexo, Hugo or Jekyll blog, reduced to a
few posts and built with the real generator where it is installed (else skipped),
then with laojia-feed on the same root as the CLI does; the feeds are compared by
link, id, title and instant.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from laojia_feed import config
from laojia_feed.generators import detect
from laojia_feed.read import permalinks
from test_generator_defaults import (
    hexo_site,
    hugo_site,
    jekyll_site,
    ours,
    post,
    same_entries,
    write,
)

pytestmark = pytest.mark.generators

HUGO = 'baseURL = "https://b.example.org/"\ntitle = "t"\n' + (
    'disableKinds = ["taxonomy", "term", "sitemap", "robotsTXT", "404", "section"]\n'
)

HEXO = "title: t\nurl: https://h.example.org\ntimezone: Asia/Shanghai\nfeed: {limit: 0}\n"


def test_hexo_ids_are_the_post_urls_whatever_the_front_matter_says(tmp_path: Path) -> None:
    # a blog migrated from Halo: every post carries `id: <uuid>`, which Hexo's feed ignores
    posts = {
        "a.md": post("甲", "2025-07-01 15:48:18", id="32c92e37-712c-44fe"),
        "b.md": post("乙", "2025-07-02 09:00:00", guid="urn:uuid:1234"),
    }
    root = hexo_site(tmp_path, HEXO, posts, "Asia/Shanghai")
    out = tmp_path / "ours"

    ours(root, out)

    assert same_entries(root / "public/atom.xml", out / "atom.xml", ids=True) == 2


def hugo_matches(tmp_path: Path, pages: dict[str, str], config: str = HUGO) -> int:
    """Build ``pages`` with Hugo and with laojia-feed: same links, titles, instants and ids."""
    root = hugo_site(tmp_path, config, pages, "UTC")
    ours(root, tmp_path / "ours")
    return same_entries(tmp_path / "hugo-out/index.xml", tmp_path / "ours/index.xml", ids=True)


@pytest.mark.parametrize(
    "front_matter",
    [
        {"id": "abc-123"},  # Hugo's guid is the page URL whatever the front matter says
        {"url": "/2015/10/23/livecoding"},  # a url without an extension is a folder: …/
        {"url": "/b/page.html"},
        {"url": "/c/"},
    ],
)
def test_hugo_links_and_ids_from_front_matter(tmp_path: Path, front_matter: dict[str, str]) -> None:
    pages = {
        "content/posts/a.md": post("A", "2022-02-01T08:00:00", **front_matter),
        "content/posts/b.md": post("B", "2022-02-02T08:00:00"),
    }
    assert hugo_matches(tmp_path, pages) == 2


def test_jekyll_feed_ids_ignore_a_front_matter_id(tmp_path: Path) -> None:
    config = "url: https://j.example.org\ntimezone: UTC\nplugins: [jekyll-feed]\n"
    files = {"_config.yml": config, "_posts/2022-01-02-a.md": post("A", id="1234-uuid")}
    root = jekyll_site(tmp_path, files, "UTC")
    out = tmp_path / "ours"

    ours(root, out)

    assert same_entries(root / "_site/feed.xml", out / "feed.xml", ids=True) == 1


def test_hugo_rss_file_follows_output_formats_base_name(tmp_path: Path) -> None:
    config = HUGO + '[outputFormats.RSS]\nbaseName = "feed"\n'
    pages = {"content/posts/a.md": post("A", "2022-02-01T08:00:00")}
    root = hugo_site(tmp_path, config, pages, "UTC")
    out = tmp_path / "ours"

    ours(root, out)

    assert not (tmp_path / "hugo-out/index.xml").exists()
    assert same_entries(tmp_path / "hugo-out/feed.xml", out / "feed.xml") == 1
    project = detect.detect_site(root)
    assert project is not None
    assert project.sources["outputs"] == "hugo.toml: outputFormats.RSS.baseName"


#: File names and slugs with hyphens at the ends, next to spaces, doubled, and ``+``.
AWKWARD = ("z-", "-lead", "a - b", "x+y", "Up Two", "C++", "a--b", "x -", "(p) q", "中文 标题")


@pytest.mark.parametrize("permalink", ["", "/:filename/", "/:title/", "/:slug/"])
def test_hugo_paths_keep_hyphens_as_hugo_does(tmp_path: Path, permalink: str) -> None:
    config = HUGO + (f'[permalinks]\nposts = "{permalink}"\n' if permalink else "")
    pages = {
        f"content/posts/{name}.md": post(f"T {name}", f"2022-01-{n:02d}T08:00:00")
        for n, name in enumerate(AWKWARD, 1)
    }
    pages |= {
        f"content/posts/s{n}.md": post(f"S {name}", f"2022-02-{n:02d}T08:00:00", slug=f"s {name}")
        for n, name in enumerate(AWKWARD, 1)
    }
    root = hugo_site(tmp_path, config, pages, "UTC")
    out = tmp_path / "ours"

    ours(root, out)

    assert same_entries(tmp_path / "hugo-out/index.xml", out / "index.xml") == 2 * len(AWKWARD)


@pytest.mark.parametrize(
    ("text", "urlized", "path"),
    [
        ("z-", "z-", "z-"),
        ("-lead", "-lead", "-lead"),
        ("a - b", "a-b", "a---b"),
        ("x+y", "x-y", "x+y"),
        ("Up  Two", "up-two", "up--two"),
        ("x -", "x-", "x--"),
        ("  A+B  (c) ", "a-b-c", "a+b--c"),
    ],
)
def test_hugo_urlize_and_file_path(text: str, urlized: str, path: str) -> None:
    assert permalinks.hugo_urlize(text) == urlized
    assert permalinks.hugo_file_path(text) == path


#: A Jekyll site's own Atom template without jekyll-feed (as on a real Chinese blog):
#: ids from ``post.id``, a loop limit, an author block from ``site.owner``.
OWN_ATOM = """\
---
layout: none
---
<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
<title type="text">{{ site.title }}</title>
<link rel="alternate" type="text/html" href="{{ site.url }}" />
<updated>{{ site.time | date_to_xmlschema }}</updated>
<id>{{ site.url }}/</id>
{% for post in site.posts limit:2 %}
<entry>
  <title type="html"><![CDATA[{{ post.title }}]]></title>
  <link rel="alternate" type="text/html" href="{{ site.url }}{{ post.url }}" />
  <id>{{ site.url }}{{ post.id }}</id>
  <published>{{ post.date | date_to_xmlschema }}</published>
  <updated>{{ post.date | date_to_xmlschema }}</updated>
  <content type="html">{{ post.content | xml_escape }}</content>
</entry>
{% endfor %}
</feed>
"""


def test_jekyll_own_template_ids_and_limit_are_read_from_the_template(tmp_path: Path) -> None:
    site_files = {
        "_config.yml": "title: t\nurl: https://q.example.org\ntimezone: Asia/Shanghai\n"
        "permalink: /:categories/:title/\n",
        "feed.xml": OWN_ATOM,
        **{
            f"_posts/2022-01-0{n}-p{n}.md": post(f"第{n}篇", categories="前端") for n in range(1, 4)
        },
    }
    fresh = write(tmp_path / "fresh", site_files)
    root = jekyll_site(tmp_path, site_files, "UTC")
    (root / "_site/feed.xml").rename(tmp_path / "theirs.xml")  # as before any build
    out = tmp_path / "ours"

    conf = ours(root, out)

    assert (conf.site.id_style, conf.site.limit) == ("jekyll", 2)
    assert same_entries(tmp_path / "theirs.xml", out / "feed.xml", ids=True) == 2
    unbuilt = config.configure_run(fresh, None, {})
    assert unbuilt.ok and unbuilt.site.id_style == "jekyll", unbuilt.diagnostics


#: A site's own home RSS template (as on a real Hugo blog): the 2 newest posts.
OWN_RSS = """\
<rss version="2.0"><channel><title>{{ site.Title }}</title><link>{{ .Permalink }}</link>
{{ range first 2 (where site.RegularPages "Type" "posts") }}<item><title>{{ .Title }}</title>
<link>{{ .Permalink }}</link><guid>{{ .Permalink }}</guid>
<pubDate>{{ .Date.Format "Mon, 02 Jan 2006 15:04:05 -0700" }}</pubDate></item>{{ end }}
</channel></rss>
"""


def test_hugo_own_rss_template_fixes_the_feed_length(tmp_path: Path) -> None:
    pages = {f"content/posts/p{n}.md": post(f"P{n}", f"2022-02-0{n}T08:00:00") for n in (1, 2, 3)}
    root = hugo_site(tmp_path, HUGO, {"layouts/rss.xml": OWN_RSS, **pages}, "UTC")
    out = tmp_path / "ours"

    ours(root, out)

    assert same_entries(tmp_path / "hugo-out/index.xml", out / "index.xml") == 2
    project = detect.detect_site(root)
    assert project is not None
    assert project.sources["limit"] == "layouts/rss.xml: range first 2"
