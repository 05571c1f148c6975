"""Images that load (issue 13 §1): ``referrerpolicy`` on every body image, the image proxy on
body images and on the post's image, wrapped body images checked, and the text after a cut
body in the entry's language.

Every feed is read back by a real consumer: feedparser for RSS and Atom (with its own HTML
sanitizer off, so the content is read as published), json for JSON Feed, lxml for the
``<img>`` elements of the content.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import feedparser
import lxml.html
import pytest
from click.testing import CliRunner

import laojia_feed
from laojia_feed import Severity, Site
from laojia_feed.cli.commands import cli
from laojia_feed.config import load_config
from laojia_feed.model import Article, BodyFormat
from laojia_feed.render import sanitize as cleaning
from laojia_feed.render.bodies import render, sanitize
from laojia_feed.urls import through_proxy

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SEED_URL = "https://laojia.example.org/2021/12/09/seed-post/"
LATER = datetime(2030, 1, 1, tzinfo=UTC)
PROXY = "https://img.example.org/?url={url}"
#: The seed post's images, as their CORS wrapper carries them.
STATIC = "http://static.1sapp.com/qupost/img/2021/12/09/"
WRAPPER = "https://cors.zfour.workers.dev/?"
POST = "https://blog.example.org/2024/01/02/post/"


def example_site(**changes: Any) -> Site:
    config = load_config(EXAMPLES / "laojia-feed.toml")
    assert config.ok, config.diagnostics
    return laojia_feed.Site(**{**_fields(config.site), **changes})


def _fields(site: Site) -> dict[str, Any]:
    return {name: getattr(site, name) for name in site.__slots__}


def build_seed(tmp_path: Path, site: Site) -> dict[str, Any]:
    """The seed post's entry in each feed: content HTML and image URL(s), per format."""
    posts = tmp_path / "posts"
    shutil.copytree(EXAMPLES / "posts", posts)
    out = tmp_path / "public"
    result = laojia_feed.build(posts, out, site, now=LATER)
    assert result.ok, result.all_diagnostics
    rss = feedparser.parse((out / "rss.xml").read_bytes(), sanitize_html=False)
    atom = feedparser.parse((out / "atom.xml").read_bytes(), sanitize_html=False)
    feed = json.loads((out / "feed.json").read_text(encoding="utf-8"))
    (rss_entry,) = [e for e in rss.entries if e.link == SEED_URL]
    (atom_entry,) = [e for e in atom.entries if e.link == SEED_URL]
    (item,) = [i for i in feed["items"] if i["url"] == SEED_URL]
    return {
        "content": {
            "rss": rss_entry.content[0].value,
            "atom": atom_entry.content[0].value,
            "json": item["content_html"],
        },
        "image": {
            "rss media:content": [m["url"] for m in rss_entry.media_content],
            "rss media:thumbnail": [m["url"] for m in rss_entry.media_thumbnail],
            "atom enclosure": [link.href for link in atom_entry.links if link.rel == "enclosure"],
            "json image": [item["image"]],
        },
    }


def images(html: str) -> list[lxml.html.HtmlElement]:
    return list(lxml.html.fragment_fromstring(html, create_parent="div").iter("img"))


def proxied_inner(url: str) -> str:
    """The image URL a :data:`PROXY` URL asks for (decoded once, as the proxy does)."""
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://img.example.org/"
    (inner,) = parse_qs(parts.query)["url"]
    return inner


# ---------------------------------------------------------------------------
# referrerpolicy


def test_every_image_of_the_seed_post_has_no_referrer_in_every_feed(tmp_path: Path) -> None:
    entry = build_seed(tmp_path, example_site())
    for name, content in entry["content"].items():
        found = images(content)
        assert len(found) == 9, name
        assert [img.get("referrerpolicy") for img in found] == ["no-referrer"] * 9, name
        assert all(img.get("src", "").startswith(WRAPPER + STATIC) for img in found), name


def test_the_default_policy_is_set_on_images_written_without_one() -> None:
    body = (
        '<p><img src="/a.jpg"><img src="/b.jpg" referrerpolicy="unsafe-url"></p><a href="/x">x</a>'
    )
    rendered = render(_article(body), Site())
    policies = [img.get("referrerpolicy") for img in images(rendered.content_html)]
    assert policies == ["no-referrer", "no-referrer"]  # the site's policy wins
    assert "referrerpolicy" not in rendered.content_html.partition("<a")[2]  # images only


def test_policy_off_keeps_images_as_written_with_allowed_values_only() -> None:
    body = (
        '<img src="/a.jpg"><img src="/b.jpg" referrerpolicy="Origin">'
        '<img src="/c.jpg" referrerpolicy="javascript:x"><img src="/d.jpg" referrerpolicy="">'
    )
    rendered = render(_article(body), Site(referrer_policy=""))
    policies = [img.get("referrerpolicy") for img in images(rendered.content_html)]
    assert policies == [None, "origin", None, None]


def test_another_policy_can_be_configured() -> None:
    rendered = render(_article('<img src="/a.jpg">'), Site(referrer_policy="same-origin"))
    (img,) = images(rendered.content_html)
    assert img.get("referrerpolicy") == "same-origin"


@pytest.mark.parametrize("raw", ["no-referer", "none", "unsafe url", 1])
def test_a_bad_policy_is_a_config_error_naming_the_key(raw: object) -> None:
    config = load_config(overrides={"referrer_policy": raw, "url": "https://a.example.org/"})
    (error,) = [d for d in config.diagnostics if d.severity is Severity.ERROR]
    assert error.field == "referrer_policy"


@pytest.mark.parametrize("raw", ["", False])
def test_policy_off(raw: object) -> None:
    config = load_config(overrides={"referrer_policy": raw, "url": "https://a.example.org/"})
    assert config.ok and config.site.referrer_policy == ""


# ---------------------------------------------------------------------------
# image_proxy


@pytest.mark.parametrize("unwrap", [False, True])
def test_the_proxy_applies_to_body_images_and_the_cover_in_every_format(
    tmp_path: Path, unwrap: bool
) -> None:
    entry = build_seed(tmp_path, example_site(image_proxy=PROXY, unwrap_proxies=unwrap))
    # with unwrap_proxies the CORS wrapper is replaced by the proxy, else it is wrapped
    expected_prefix = STATIC if unwrap else WRAPPER + STATIC
    for name, content in entry["content"].items():
        found = images(content)
        assert len(found) == 9, name
        for img in found:
            assert proxied_inner(img.get("src")).startswith(expected_prefix), (name, img.get("src"))
    cover = entry["image"]
    (url,) = {url for urls in cover.values() for url in urls}  # one URL, the same in every place
    assert all(len(urls) == 1 for urls in cover.values()), cover
    assert proxied_inner(url) == expected_prefix + "56648ad7536d888d18e91f3dc04772cc.jpeg"


def test_without_a_proxy_the_cover_is_as_before(tmp_path: Path) -> None:
    cover = build_seed(tmp_path, example_site())["image"]
    assert {url for urls in cover.values() for url in urls} == {
        WRAPPER + STATIC + "56648ad7536d888d18e91f3dc04772cc.jpeg"
    }


def test_links_audio_and_video_sources_are_not_images() -> None:
    body = (
        '<a href="/x">x</a><audio src="/a.mp3"></audio><video src="/v.mp4" poster="/p.jpg"></video>'
    )
    out, _ = sanitize(body, POST, image_proxy=PROXY)
    tree = lxml.html.fragment_fromstring(out, create_parent="div")
    assert tree.find("a").get("href") == "https://blog.example.org/x"
    assert tree.find("audio").get("src") == "https://blog.example.org/a.mp3"
    video = tree.find("video")
    assert video.get("src") == "https://blog.example.org/v.mp4"
    assert proxied_inner(video.get("poster")) == "https://blog.example.org/p.jpg"


@pytest.mark.parametrize("unwrap", [False, True])
@pytest.mark.parametrize(
    "src",
    [
        "/a.jpg?x=1&y=2#f",
        "https://cors.example.org/?https://a.example.cn/中.jpg",
        PROXY.format(url="https%3A%2F%2Fa.example%2Fb.jpg"),
    ],
)
def test_proxied_bodies_are_a_fixed_point(src: str, unwrap: bool) -> None:
    once, _ = sanitize(f'<img src="{src}">', POST, unwrap_proxies=unwrap, image_proxy=PROXY)
    cleaning._JOINED.clear()  # not even the memo of published URLs helps the second pass
    again, notes = sanitize(once, POST, unwrap_proxies=unwrap, image_proxy=PROXY)
    assert (again, notes) == (once, ())
    (img,) = images(once)
    assert img.get("src").startswith("https://img.example.org/?url=https%3A%2F%2F")
    assert "img.example.org" not in proxied_inner(img.get("src"))  # never wrapped twice


def test_through_proxy_encodes_the_whole_url() -> None:
    url = "https://a.example.org/p?x=1&y=%E4%B8%AD#frag"
    proxied = through_proxy(PROXY, url)
    assert proxied_inner(proxied) == url
    assert through_proxy(PROXY, proxied) == proxied


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("https://img.example.org/", "{url}"),
        ("javascript:alert(1)//{url}", "javascript"),
        ("http://127.0.0.1:8080/?u={url}", "not a public address"),
        ("/relative?url={url}", "absolute"),
        (3, "text"),
    ],
)
def test_a_bad_template_is_a_config_error_naming_image_proxy(raw: object, words: str) -> None:
    config = load_config(overrides={"image_proxy": raw, "url": "https://a.example.org/"})
    (error,) = [d for d in config.diagnostics if d.severity is Severity.ERROR]
    assert error.field == "image_proxy"
    assert words in error.message


def test_the_image_proxy_flag(tmp_path: Path) -> None:
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "a.md").write_text(
        "---\ntitle: A\ndate: 2024-01-02\ncover: /c.png\n---\n![x](/i.png)\n", encoding="utf-8"
    )
    out = tmp_path / "public"
    args = ["build", str(posts), "--out", str(out), "--site-url", "https://blog.example.org/"]
    done = CliRunner().invoke(cli, [*args, "--image-proxy", PROXY], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    (item,) = json.loads((out / "feed.json").read_text(encoding="utf-8"))["items"]
    assert proxied_inner(item["image"]) == "https://blog.example.org/c.png"
    (img,) = images(item["content_html"])
    assert proxied_inner(img.get("src")) == "https://blog.example.org/i.png"
    bad = CliRunner().invoke(
        cli, [*args, "--image-proxy", "https://x.org/"], catch_exceptions=False
    )
    assert bad.exit_code != 0 and "image_proxy" in bad.output


def test_a_cover_that_fails_the_check_is_never_proxied(tmp_path: Path) -> None:
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "a.md").write_text(
        "---\ntitle: A\ndate: 2024-01-02\n"
        "cover: https://cors.example.org/?http://127.0.0.1/a.jpg\n---\nbody\n",
        encoding="utf-8",
    )
    site = Site(url="https://blog.example.org/", image_proxy=PROXY)
    result = laojia_feed.load_articles(posts, site)
    (article,) = result.articles
    assert article.image is None
    (warning,) = result.warnings
    assert "127.0.0.1" in warning.message and "img.example.org" not in warning.message


# ---------------------------------------------------------------------------
# wrapped body images


UNSAFE = [
    "https://cors.example.org/?http://127.0.0.1/a.jpg",
    "https://cors.example.org/?javascript:alert(1)",
    "https://cors.example.org/?url=http%3A%2F%2Flocalhost%2Fa.jpg",
    "https://cors.example.org/?file:///etc/passwd",
]


@pytest.mark.parametrize("proxy", [None, PROXY])
@pytest.mark.parametrize("unwrap", [False, True])
def test_unsafe_wrapped_body_images_are_dropped_from_every_feed(
    tmp_path: Path, unwrap: bool, proxy: str | None
) -> None:
    posts = tmp_path / "posts"
    posts.mkdir()
    good = "https://cors.example.org/?https://images.example.cn/ok.jpg"
    tags = "".join(f'<img src="{src}">' for src in [*UNSAFE, good])
    (posts / "a.html").write_text(
        f"---\ntitle: A\ndate: 2024-01-02\n---\n<p>Pictures: {tags}</p>\n", encoding="utf-8"
    )
    out = tmp_path / "public"
    site = Site(url="https://blog.example.org/", unwrap_proxies=unwrap, image_proxy=proxy)
    result = laojia_feed.build(posts, out, site, now=LATER)
    assert result.ok
    notes = [
        d.message for d in result.all_diagnostics if "removed unsafe URL in <img src>" in d.message
    ]
    assert len(notes) == len(UNSAFE)
    assert all("wraps a URL that cannot be used" in note for note in notes)
    contents = [
        feedparser.parse((out / "rss.xml").read_bytes(), sanitize_html=False)
        .entries[0]
        .content[0]
        .value,
        feedparser.parse((out / "atom.xml").read_bytes(), sanitize_html=False)
        .entries[0]
        .content[0]
        .value,
        json.loads((out / "feed.json").read_text(encoding="utf-8"))["items"][0]["content_html"],
    ]
    for content in contents:
        srcs = [img.get("src") for img in images(content) if img.get("src")]
        assert len(srcs) == 1, srcs
        shown = proxied_inner(srcs[0]) if proxy else srcs[0]
        assert shown == ("https://images.example.cn/ok.jpg" if unwrap else good)
        for bad in ("127.0.0.1", "javascript", "localhost", "file:"):
            assert bad not in content


def test_a_relative_image_of_a_local_preview_is_kept() -> None:
    """Only what a wrapper carries is judged: a site previewed on localhost keeps its images."""
    out, notes = sanitize('<img src="/a.jpg">', "http://localhost:4000/p/")
    assert (images(out)[0].get("src"), notes) == ("http://localhost:4000/a.jpg", ())


# ---------------------------------------------------------------------------
# Read more


def _article(body: str, language: str | None = None) -> Article:
    when = datetime(2024, 1, 2, tzinfo=UTC)
    return Article(
        id=POST, slug="post", url=POST, title="T", published=when, updated=when, body=body,
        body_format=BodyFormat.HTML, source_path="post.html", language=language,
    )  # fmt: skip


LONG = "<p>" + "长文 " * 2000 + "</p>"


@pytest.mark.parametrize(
    ("site_language", "entry_language", "setting", "expected"),
    [
        ("zh-CN", None, None, "阅读全文"),
        ("zh-TW", None, None, "阅读全文"),
        ("en", "zh-Hans", None, "阅读全文"),
        ("zh-CN", "en-US", None, "Read more"),
        ("ja", None, None, "Read more"),
        ("zh-CN", None, "继续阅读 »", "继续阅读 »"),
    ],
)
def test_read_more_speaks_the_entry_language(
    site_language: str, entry_language: str | None, setting: str | None, expected: str
) -> None:
    site = Site(language=site_language, item_budget=2000, read_more=setting)
    rendered = render(_article(LONG, entry_language), site)
    (link,) = lxml.html.fragment_fromstring(rendered.content_html, create_parent="div").iter("a")
    assert (link.text, link.get("href")) == (expected, POST)
    assert len(rendered.content_html.encode()) <= site.item_budget


def test_a_zh_feed_says_read_more_in_chinese(tmp_path: Path) -> None:
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "a.html").write_text(
        f"---\ntitle: A\ndate: 2024-01-02\n---\n{LONG}\n", encoding="utf-8"
    )
    (posts / "b.html").write_text(
        f"---\ntitle: B\ndate: 2024-01-03\nlang: en\n---\n{LONG}\n", encoding="utf-8"
    )
    out = tmp_path / "public"
    site = Site(url="https://blog.example.org/", language="zh-CN", item_budget=2000)
    assert laojia_feed.build(posts, out, site, now=LATER).ok
    atom = feedparser.parse((out / "atom.xml").read_bytes(), sanitize_html=False)
    texts = {e.title: [a.text for a in images_links(e.content[0].value)] for e in atom.entries}
    assert texts == {"A": ["阅读全文"], "B": ["Read more"]}
    feed = json.loads((out / "feed.json").read_text(encoding="utf-8"))
    assert {i["title"]: "阅读全文" in i["content_html"] for i in feed["items"]} == {
        "A": True,
        "B": False,
    }


def images_links(html: str) -> list[lxml.html.HtmlElement]:
    return list(lxml.html.fragment_fromstring(html, create_parent="div").iter("a"))
