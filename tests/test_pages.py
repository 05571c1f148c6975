"""The pages for people (:mod:`laojia_feed.feeds.pages`): valid, escaped, local, readable.

Parsed with lxml and, when html5lib is installed, by the WHATWG parser in strict mode
(any parse error fails). Headless Chromium (skipped where none is installed) renders
them at 375 px and at desktop width: the text is there, nothing scrolls sideways at
375 px, and Chinese has a CJK font (``fc-list :lang=zh``; Debian: ``fonts-noto-cjk``).
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from types import MappingProxyType

import lxml.html
import pytest

from browser import chromium, run_chromium, serving
from laojia_feed.feeds.pages import PageFeed, credit, feed_page, index_page, web_url
from laojia_feed.feeds.pages_text import local_date
from laojia_feed.model import (
    Article,
    BodyFormat,
    FeedDocument,
    FeedItem,
    JSONValue,
    Rendered,
    Site,
)

BASE = "https://blog.example.org/"
HOSTILE = "<script>alert(\"x\")</script> & <b>bold</b> 'q'"
LONG_URL = BASE + "2021/12/09/" + "a-very-long-slug-without-any-break" * 4 + "/"
FEEDS = MappingProxyType(
    {"rss": BASE + "rss.xml", "atom": BASE + "atom.xml", "json": BASE + "feed.json"}
)
SITE = Site(title="老家", url=BASE, description="家乡的故事")


def article(number: int, **fields: object) -> Article:
    moment = datetime(2021, 12, 8, 19, 10, 27, tzinfo=UTC) - timedelta(days=number)
    values: dict[str, object] = {
        "id": f"{BASE}p{number}/",
        "slug": f"p{number}",
        "url": f"{BASE}p{number}/",
        "title": f"第{number}篇",
        "published": moment,
        "updated": moment,
        "body": "正文",
        "body_format": BodyFormat.MARKDOWN,
        "source_path": f"p{number}.md",
        "categories": ("生活", "回忆"),
    }
    values.update(fields)
    return Article(**values)  # type: ignore[arg-type]


def doc(*articles: Article, site: Site = SITE) -> FeedDocument:
    items = tuple(FeedItem(a, Rendered(f"<p>{a.body}</p>", f"摘要 {a.slug}")) for a in articles)
    return FeedDocument(site=site, items=items, feed_urls=FEEDS, updated=articles[0].updated)


def parse(page: bytes) -> lxml.html.HtmlElement:
    root: lxml.html.HtmlElement = lxml.html.document_fromstring(page)
    return root


def strict_html5(page: bytes) -> None:
    """Parse ``page`` with html5lib in strict mode: any HTML5 parse error raises."""
    html5lib = pytest.importorskip("html5lib")
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    parser.parse(page, transport_encoding="utf-8")


def texts(root: lxml.html.HtmlElement, path: str) -> list[str]:
    return [str(e.text_content()).strip() for e in root.xpath(path)]


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("moment", "language", "expected"),
    [
        (datetime(2021, 12, 9, 3, 10, tzinfo=UTC), "zh-CN", "2021年12月9日"),
        (datetime(2021, 12, 9, 3, 10, tzinfo=UTC), "zh-Hant-TW", "2021年12月9日"),
        (datetime(2021, 12, 9, 3, 10, tzinfo=UTC), "en", "9 December 2021"),
        (datetime(2021, 1, 31, tzinfo=UTC), "en-GB", "31 January 2021"),
        (datetime(2021, 1, 31, tzinfo=UTC), "de", "31 January 2021"),
    ],
)
def test_local_date(moment: datetime, language: str, expected: str) -> None:
    assert local_date(moment, language) == expected


def time_of(page: bytes) -> tuple[str, str]:
    (time,) = parse(page).iter("time")
    return str(time.text_content()), str(time.get("datetime"))


def test_dates_are_written_in_the_site_time_zone() -> None:
    post = article(0)  # 2021-12-08T19:10:27Z: already the 9th in Shanghai
    assert time_of(feed_page(doc(post))) == ("2021年12月9日", "2021-12-09T03:10:27+08:00")
    london = replace(SITE, language="en-GB", timezone="Europe/London")
    assert time_of(feed_page(doc(post, site=london))) == (
        "8 December 2021",
        "2021-12-08T19:10:27+00:00",
    )
    # a time zone nobody knows: the date as written
    lost = replace(SITE, timezone="Mars/Olympus")
    written = post.published.astimezone(timezone(timedelta(hours=-6)))
    assert time_of(feed_page(doc(replace(post, published=written), site=lost)))[0] == (
        "2021年12月8日"
    )


# --------------------------------------------------------------------------- content


def test_a_feed_page_has_everything_a_visitor_needs() -> None:
    posts = [
        article(0, image=BASE + "cover.png", extra=MappingProxyType({"source": BASE + "src"})),
        article(1, categories=()),
    ]
    page = feed_page(doc(*posts), index_url=BASE + "feeds.html", home=BASE + "home/")
    strict_html5(page)
    root = parse(page)
    assert root.get("lang") == "zh-CN"
    assert root.findtext(".//title") == "老家 · 订阅"
    assert texts(root, "//h1") == ["老家"] and root.xpath("//h1/a/@href") == [BASE + "home/"]
    assert texts(root, "//code[@class='url']") == list(FEEDS.values())
    assert texts(root, "//h3") == ["第0篇", "第1篇"]
    assert [a.get("href") for a in root.xpath("//h3/a")] == [f"{BASE}p0/", f"{BASE}p1/"]
    (cover,) = root.iter("img")
    assert cover.get("src") == BASE + "cover.png" and cover.get("alt") == ""
    assert cover.get("referrerpolicy") == "no-referrer"  # loads from hotlink-protected hosts
    assert texts(root, "//p[@class='meta']")[0] == "2021年12月9日 · 分类：生活、回忆"
    assert texts(root, "//p[@class='meta']")[1] == "2021年12月8日"
    assert texts(root, "//p[@class='credit']") == [f"来源：{BASE}src"]
    assert texts(root, "//p[@class='summary']") == ["摘要 p0", "摘要 p1"]
    alternates = root.xpath("//link[@rel='alternate']")
    assert [(a.get("type"), a.get("href")) for a in alternates] == [
        ("application/rss+xml", FEEDS["rss"]),
        ("application/atom+xml", FEEDS["atom"]),
        ("application/feed+json", FEEDS["json"]),
    ]
    assert root.xpath("//footer//a/@href") == [BASE + "feeds.html"]


def test_no_scripts_and_no_external_resources() -> None:
    page = feed_page(doc(article(0, image=BASE + "c.png")), index_url=BASE + "feeds.html")
    root = parse(page)
    assert not list(root.iter("script", "iframe", "object", "embed"))
    assert [link.get("rel") for link in root.iter("link")] == ["alternate"] * 3
    style = "".join(str(s.text) for s in root.iter("style"))
    assert "@import" not in style and "url(" not in style and "@font-face" not in style
    assert "prefers-color-scheme:dark" in style and "overflow-wrap:anywhere" in style
    assert not [e for e in root.iter() if any(k.startswith("on") for k in e.attrib)]


def test_zh_sites_get_a_bilingual_line_and_en_sites_english_only() -> None:
    root = parse(feed_page(doc(article(0))))
    (english,) = root.xpath("//p[@lang='en']")
    assert "copy one of the addresses below into a feed reader" in english.text_content()
    assert "订阅方法" in root.text_content()
    en = parse(feed_page(doc(article(0), site=replace(SITE, language="en"))))
    assert en.get("lang") == "en" and not en.xpath("//p[@lang='en']")
    assert "To subscribe, copy an address below" in en.text_content()
    assert "Latest posts" in texts(en, "//h2") and "订阅" not in en.text_content()


def test_hostile_text_is_shown_as_text() -> None:
    post = article(
        0,
        title=HOSTILE,
        categories=(HOSTILE,),
        summary=HOSTILE,
        url=f"{BASE}?a=1&b=<2>",
        extra=MappingProxyType(
            {"source": {"title": HOSTILE + "\x00\ud800", "url": "javascript:x"}}
        ),
    )
    evil = replace(SITE, title=HOSTILE, description=HOSTILE, language='zh-CN"><script>')
    page = feed_page(doc(post, site=evil), title=HOSTILE, index_url="javascript:alert(1)")
    strict_html5(page)
    root = parse(page)
    assert not list(root.iter("script", "b"))
    assert texts(root, "//h1") == [HOSTILE] and texts(root, "//h3") == [HOSTILE]
    assert root.findtext(".//title") == HOSTILE + " · 订阅"
    assert root.get("lang") == 'zh-CN"><script>'
    assert texts(root, "//p[@class='credit']") == ["来源：" + HOSTILE]  # no link, no NUL
    assert HOSTILE in texts(root, "//p[@class='meta']")[0]
    assert root.xpath("//h3/a/@href") == [f"{BASE}?a=1&b=<2>"]
    assert all(not h.lower().startswith("javascript") for h in root.xpath("//@href"))


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"source": "https://a.example/x"}, ("https://a.example/x", "https://a.example/x")),
        (
            {"source": {"title": "人民网", "url": "https://a.example/"}},
            ("人民网", "https://a.example/"),
        ),
        ({"source": {"url": "https://a.example/"}}, ("https://a.example/", "https://a.example/")),
        ({"source": "《读者》"}, ("《读者》", None)),
        ({"original_url": "http://a.example/o"}, ("http://a.example/o", "http://a.example/o")),
        ({"source_url": "https://a.example/s", "via": "x"}, ("https://a.example/s",) * 2),
        ({"via": {"name": "朋友"}}, ("朋友", None)),
        ({"source": 3, "via": "ftp://a.example/"}, ("ftp://a.example/", None)),
        ({"source": {"title": 1}, "note": "x"}, None),
        ({}, None),
    ],
)
def test_source_credit(
    extra: Mapping[str, JSONValue], expected: tuple[str, str | None] | None
) -> None:
    found = credit(extra)
    assert (found if found is None else (found.text, found.url)) == expected


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "https:", "https://", "//a.example/", "https://a b", None, 3]
)
def test_only_web_urls_are_linked(url: object) -> None:
    assert web_url(url) is None


def test_max_items_and_an_empty_feed() -> None:
    page = parse(feed_page(doc(*(article(n) for n in range(5))), max_items=2))
    assert texts(page, "//h3") == ["第0篇", "第1篇"]
    empty = replace(doc(article(0)), items=())
    assert "暂时还没有文章。" in parse(feed_page(empty)).text_content()


def index(site: Site = SITE) -> bytes:
    feeds = [
        PageFeed("老家", BASE + "feed.html", FEEDS, "main"),
        PageFeed("老家 — 标签: 猫", None, {"rss": BASE + "tags/猫/rss.xml"}, "tag"),
        PageFeed("老家 — 分类: 生活", BASE + "categories/生活/feed.html", FEEDS, "category"),
    ]
    return index_page(site, feeds, BASE + "feeds.opml")


def test_the_index_lists_every_feed_by_kind_and_links_the_opml() -> None:
    page = index()
    strict_html5(page)
    root = parse(page)
    assert texts(root, "//main/h2") == ["全部文章", "分类", "标签"]
    assert texts(root, "//h3") == ["老家", "老家 — 分类: 生活", "老家 — 标签: 猫"]
    assert root.xpath("//h3/a/@href") == [BASE + "feed.html", BASE + "categories/生活/feed.html"]
    assert BASE + "tags/猫/rss.xml" in texts(root, "//code")
    (opml,) = root.xpath("//p[@class='opml']")
    assert opml.xpath("a/@href") == [BASE + "feeds.opml"]
    assert opml.text_content() == "一次订阅全部：把 feeds.opml 导入阅读器。"
    en = parse(index(replace(SITE, language="en-US")))
    assert texts(en, "//main/h2") == ["All posts", "Categories", "Tags"]


# --------------------------------------------------------------------------- browser


def png(width: int, height: int) -> bytes:
    """A small orange PNG (a cover image to serve)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xe6\x7e\x22" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def phone_frame(name: str, width: int = 375, height: int = 800) -> bytes:
    """Test-only: ``name`` in a ``width`` px frame, its measured width written into the DOM.

    Headless Chromium lays a window out at least 500 px wide whatever ``--window-size``
    says, so the phone is a frame; the pages themselves have no script.
    """
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><style>html,body{margin:0}"
        f"iframe{{border:0;display:block;width:{width}px;height:{height}px}}</style></head>"
        f"<body><iframe id='f' src='{name}'></iframe><script>"
        "document.getElementById('f').addEventListener('load',function(){"
        "var d=this.contentDocument.documentElement;"
        "document.body.setAttribute('data-scroll-width',String(d.scrollWidth));"
        "document.body.setAttribute('data-client-width',String(d.clientWidth));});"
        "</script></body></html>"
    ).encode()


@pytest.fixture
def site_folder(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    folder = tmp_path / "public"
    folder.mkdir()
    (folder / "cover.png").write_bytes(png(64, 48))
    with serving(folder) as base:
        yield folder, base


def pages_for(base: str) -> dict[str, bytes]:
    posts = [
        article(0, title="我的老家在很远很远的地方，那里有山有水" * 2, image=base + "cover.png"),
        article(1, url=LONG_URL, extra=MappingProxyType({"source": LONG_URL})),
        article(2, title="English title with a verylongwordthatdoesnotbreak" * 3),
    ]
    long_feeds = {"rss": LONG_URL + "rss.xml", "atom": FEEDS["atom"]}
    return {
        "feed.html": feed_page(doc(*posts), feed_links=long_feeds, index_url=base + "feeds.html"),
        "feeds.html": index(),
    }


needs_chromium = pytest.mark.skipif(
    chromium() is None, reason="no Chromium installed (apt-get install chromium)"
)


@needs_chromium
@pytest.mark.parametrize("name", ["feed.html", "feeds.html"])
def test_chromium_shows_the_text_without_sideways_scrolling_at_375px(
    site_folder: tuple[Path, str], tmp_path: Path, name: str
) -> None:
    folder, base = site_folder
    page = pages_for(base)[name]
    (folder / name).write_bytes(page)
    (folder / f"phone-{name}").write_bytes(phone_frame(name))
    profile = tmp_path / "profile"
    shown = parse(run_chromium(profile, "--dump-dom", base + name).encode())
    path = "//h1 | //h2 | //h3 | //code | //time"
    assert texts(shown, path) == texts(parse(page), path)
    phone = parse(run_chromium(profile, "--dump-dom", f"{base}phone-{name}").encode()).body
    assert phone.get("data-client-width") == "375"
    assert int(phone.get("data-scroll-width")) <= 375
    for size, url in (("375,800", f"{base}phone-{name}"), ("1280,900", base + name)):
        shot = tmp_path / f"{name}-{size.replace(',', 'x')}.png"
        run_chromium(profile, f"--window-size={size}", f"--screenshot={shot}", url)
        assert png_size(shot.read_bytes()) == tuple(int(n) for n in size.split(","))


def cjk_fonts() -> str:
    if shutil.which("fc-list") is None:
        return ""
    done = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, check=False)
    return done.stdout.strip()


@needs_chromium
@pytest.mark.skipif(
    not cjk_fonts(),
    reason="no CJK font (fc-list :lang=zh is empty; apt-get install fonts-noto-cjk)",
)
def test_chinese_is_drawn_with_a_cjk_font(site_folder: tuple[Path, str], tmp_path: Path) -> None:
    # with a CJK font, a line of 20 Chinese characters is about 20 em wide; without
    # one, Chromium draws the same number of narrow "tofu" boxes or nothing at all.
    folder, base = site_folder
    probe = (
        b'<!DOCTYPE html><html lang="zh-CN"><meta charset="utf-8"><body>'
        b'<span id="p" style="font-size:20px">' + "订阅".encode() * 10 + b"</span>"
        b"<script>var r=document.getElementById('p').getBoundingClientRect();"
        b"document.body.setAttribute('data-width',String(r.width));</script></body></html>"
    )
    (folder / "probe.html").write_bytes(probe)
    dom = run_chromium(tmp_path / "profile", "--dump-dom", base + "probe.html")
    width = float(parse(dom.encode()).find("body").get("data-width"))
    assert 390 <= width <= 410, width
