"""Feed formats: every output re-parsed (feedparser, strict lxml, JSON Feed schema) and
compared field by field with the FeedDocument it came from."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

import feedgen.entry
import feedgen.feed
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feedcheck import (
    NS,
    html_canonical,
    html_text,
    instant,
    parse_atom,
    parse_json,
    parse_rss,
    xml_root,
    xpath,
)
from laojia_feed.feeds.formats import FORMATS, FeedFormat, format_named
from laojia_feed.feeds.formats._common import image_type
from laojia_feed.feeds.formats.atom import render_atom
from laojia_feed.feeds.formats.jsonfeed import render_json
from laojia_feed.feeds.formats.rss import render_rss
from laojia_feed.model import (
    PLACEHOLDER_SITE_URL,
    Article,
    Author,
    BodyFormat,
    FeedDocument,
    FeedItem,
    FieldError,
    OutputNames,
    Rendered,
    Site,
)
from laojia_feed.xmlchars import strip_forbidden

CST = timezone(timedelta(hours=8))
EST = timezone(timedelta(hours=-5))
SITE_URL = "https://blog.example.org/"
FEED_URLS = MappingProxyType(
    {
        "rss": SITE_URL + "rss.xml",
        "atom": SITE_URL + "atom.xml",
        "json": SITE_URL + "feed.json",
    }
)
SITE = Site(
    title='老家 & <博客> "Laojia"',
    url=SITE_URL,
    description="生活 ]]> 随笔 & notes",
    language="zh-CN",
    author=Author("站长", email="owner@example.org"),
    icon=SITE_URL + "icon.png",
)

TRICKY_TITLE = "加梯 & <楼> \"五维\" '秘笈' ]]> 是什么？😀"
TRICKY_HTML = (
    '<p>正文 &amp; <strong>粗体</strong> ]]&gt; 😀 "引号"</p>'
    '<p><img src="https://img.example.org/a.png" alt="图"></p>'
)


def article(n: int, **changes: Any) -> Article:
    """Article number ``n``, dated ``n`` days before 2021-12-09 11:10:27 +08:00."""
    published = datetime(2021, 12, 9, 11, 10, 27, tzinfo=CST) - timedelta(days=n)
    url = f"{SITE_URL}2021/post-{n}/"
    base = Article(
        id=url,
        slug=f"post-{n}",
        url=url,
        title=f"第 {n} 篇",
        published=published,
        updated=published,
        body="",
        body_format=BodyFormat.HTML,
        source_path=f"post-{n}.md",
    )
    return replace(base, **changes)


def item(a: Article, content: str = "<p>正文</p>", summary: str = "摘要") -> FeedItem:
    return FeedItem(article=a, rendered=Rendered(content_html=content, summary=summary))


def document(
    items: tuple[FeedItem, ...],
    site: Site = SITE,
    links: dict[str, str] | None = None,
) -> FeedDocument:
    updated = max((i.article.updated for i in items), default=datetime(2020, 1, 1, tzinfo=UTC))
    return FeedDocument(
        site=site,
        items=items,
        feed_urls=FEED_URLS,
        updated=updated,
        links=MappingProxyType(links or {}),
    )


#: A rich first item: every tricky character, two authors, image, dedup of terms.
RICH = item(
    article(
        0,
        title=TRICKY_TITLE,
        updated=datetime(2021, 12, 10, 1, 2, 3, tzinfo=CST),
        authors=(Author("张三"), Author("Li Si", "li@example.org", "https://li.example.org/")),
        categories=("新媒体", "no", "1.10"),
        tags=("no", "Python & <Go>", "1.10", "yes"),
        image="https://img.example.org/cover.PNG?w=800",
        summary="作者写的摘要",
    ),
    content=TRICKY_HTML,
    summary="摘要：a < b & c ]]> “引号”",
)
#: No authors (falls back to the site author), a non-URL id, another language and zone.
PLAIN = item(
    article(
        1,
        id="abbrlink-4a17b156",
        language="en",
        published=datetime(2021, 12, 7, 22, 0, 0, tzinfo=UTC),
        updated=datetime(2021, 12, 7, 22, 0, 0, tzinfo=UTC),
        image="https://cors.example.net/?https://img.example.org/raw",
        categories=("English",),
    ),
)
#: An http id that is not the article URL: not a permalink.
OTHER_ID = item(
    article(
        2,
        id="https://old.example.org/?p=42",
        published=datetime(2021, 12, 6, 9, 30, tzinfo=EST),
        updated=datetime(2021, 12, 6, 9, 30, tzinfo=EST),
    )
)
ITEMS = (RICH, PLAIN, OTHER_ID)
DOC = document(ITEMS, links={"prev-archive": SITE_URL + "archive/2021.xml"})
RENDERERS: tuple[Callable[[FeedDocument], bytes], ...] = (render_rss, render_atom, render_json)
PARSERS: dict[str, Callable[[bytes], Any]] = {
    "rss": parse_rss,
    "atom": parse_atom,
    "json": parse_json,
}


def terms(a: Article) -> list[str]:
    return list(dict.fromkeys((*a.categories, *a.tags)))


def assert_feed_head(feed: Any) -> None:
    """What feedparser reads back from any XML feed: the site's title, link, description, time."""
    assert feed.title == SITE.title
    assert feed.link == SITE_URL
    assert feed.subtitle == SITE.description
    assert instant(feed.updated_parsed) == int(DOC.updated.timestamp())


def assert_entry_head(entry: Any, a: Article) -> None:
    """What feedparser reads back from any XML entry: title, link, publication time, terms."""
    assert entry.title == a.title
    assert entry.link == a.url
    assert instant(entry.published_parsed) == int(a.published.timestamp())
    assert [t.term for t in entry.get("tags", [])] == terms(a)


# --- the registry ---------------------------------------------------------------------


def test_formats_are_data_matching_the_output_name_defaults() -> None:
    defaults = OutputNames()
    assert [f.name for f in FORMATS] == ["rss", "atom", "json"]
    for feed_format in FORMATS:
        assert feed_format.default_filename == getattr(defaults, feed_format.name)
        assert feed_format.filename(defaults) == feed_format.default_filename
        assert format_named(feed_format.name) is feed_format
    assert format_named(" RSS ").media_type == "application/rss+xml"
    assert format_named("atom").media_type == "application/atom+xml"
    assert format_named("json").media_type == "application/feed+json"
    assert format_named("rss").filename(OutputNames(rss="")) == ""


def test_module_media_types_agree_with_the_registry() -> None:
    from laojia_feed.feeds.formats import atom, jsonfeed, rss

    assert format_named("rss").media_type == rss.MEDIA_TYPE
    assert format_named("atom").media_type == atom.MEDIA_TYPE
    assert format_named("json").media_type == jsonfeed.MEDIA_TYPE


@pytest.mark.parametrize("name", ["", "xml", "rss2", "atom.xml"])
def test_unknown_format_is_a_field_error(name: str) -> None:
    with pytest.raises(FieldError, match="not a feed format"):
        format_named(name)


def test_registry_renders_like_the_modules() -> None:
    assert format_named("rss").render(DOC) == render_rss(DOC)
    assert format_named("atom").render(DOC) == render_atom(DOC)
    assert format_named("json").render(DOC) == render_json(DOC)


def test_importing_the_registry_does_not_import_feedgen_or_lxml() -> None:
    code = (
        "import sys, laojia_feed.feeds.formats;"
        " print(sorted({'feedgen', 'lxml'} & set(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_feed_format_is_frozen() -> None:
    with pytest.raises(AttributeError):
        format_named("rss").name = "x"  # type: ignore[misc]
    assert isinstance(FORMATS[0], FeedFormat)


# --- RSS 2.0 --------------------------------------------------------------------------


def test_rss_round_trips_every_field() -> None:
    parsed = parse_rss(render_rss(DOC))
    feed = parsed.feed
    assert_feed_head(feed)
    assert feed.language == "zh-CN"
    assert feed.generator == "laojia-feed"
    assert feed.image.href == SITE.icon
    assert [e.id for e in parsed.entries] == [i.article.id for i in ITEMS]
    for entry, source in zip(parsed.entries, ITEMS, strict=True):
        a = source.article
        assert_entry_head(entry, a)
        if a.updated != a.published:  # atom:updated only when the post changed
            assert instant(entry.updated_parsed) == int(a.updated.timestamp())
        else:
            assert "updated_parsed" not in entry
        names = [x.name for x in a.authors] or [SITE.author.name]  # type: ignore[union-attr]
        assert [x.name for x in entry.authors] == names
        assert html.unescape(entry.summary) == source.rendered.summary
        assert html_canonical(entry.content[0].value) == html_canonical(
            source.rendered.content_html
        )
        if a.image:
            assert [m["url"] for m in entry.media_thumbnail] == [a.image]
            assert [m["url"] for m in entry.media_content] == [a.image]
        else:
            assert "media_thumbnail" not in entry
    assert parsed.entries[1].get("language") == "en"


def test_rss_structure() -> None:
    root = xml_root(render_rss(DOC))
    channel = root.find("channel")
    assert channel is not None
    # exactly one channel link, and it is the site (feedgen takes the *last* link)
    assert [link.text for link in channel.findall("link")] == [SITE_URL]
    self_links = xpath(channel, "atom:link[@rel='self']")
    assert [(x.get("href"), x.get("type")) for x in self_links] == [
        (FEED_URLS["rss"], "application/rss+xml")
    ]
    assert xpath(channel, "atom:link[@rel='prev-archive']/@href") == [SITE_URL + "archive/2021.xml"]
    assert channel.findtext("lastBuildDate") == "Fri, 10 Dec 2021 01:02:03 +0800"
    items = channel.findall("item")
    assert [i.findtext("guid") for i in items] == [x.article.id for x in ITEMS]
    assert [i.find("guid").get("isPermaLink") for i in items] == ["true", "false", "false"]  # type: ignore[union-attr]
    assert [i.findtext("pubDate") for i in items] == [
        "Thu, 09 Dec 2021 11:10:27 +0800",
        "Tue, 07 Dec 2021 22:00:00 GMT",
        "Mon, 06 Dec 2021 09:30:00 -0500",
    ]
    # plain names go to dc:creator; <author> wants an e-mail; the cover is an <enclosure>
    # of unknown length ("0", RSS Best Practices Profile), one per item
    assert xpath(root, "//item/author") == []
    covered = [x.article.image for x in ITEMS if x.article.image]
    assert xpath(root, "//item/enclosure/@url") == covered
    assert set(xpath(root, "//item/enclosure/@length")) == {"0"}
    assert [len(i.findall("enclosure")) for i in items] == [
        int(bool(x.article.image)) for x in ITEMS
    ]
    assert xpath(items[0], "dc:creator/text()") == ["张三", "Li Si"]
    assert xpath(items[1], "dc:creator/text()") == ["站长"]
    media = xpath(items[0], "media:content")[0]
    assert (media.get("medium"), media.get("type")) == ("image", "image/png")
    assert xpath(items[1], "media:content/@type") == ["image/jpeg"]
    # the full content in content:encoded, the escaped summary in description
    assert xpath(items[0], "content:encoded/text()") == [TRICKY_HTML]
    assert items[0].findtext("description") == html.escape(RICH.rendered.summary, quote=False)
    # an unchanged post carries no atom:updated
    assert xpath(items[1], "atom:updated") == []


def test_rss_dates_use_english_names_in_any_locale() -> None:
    root = xml_root(render_rss(document(tuple(item(article(n)) for n in range(14)))))
    pattern = re.compile(
        r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
        r" \d{4} \d\d:\d\d:\d\d ([+-]\d{4}|GMT)\Z"
    )
    dates = xpath(root, "//pubDate/text() | //lastBuildDate/text()")
    assert len(dates) == 15
    assert all(pattern.match(d) for d in dates), dates


def test_rss_hub_link() -> None:
    site = replace(SITE, hub="https://hub.example.net/")
    root = xml_root(render_rss(document(ITEMS, site=site)))
    assert xpath(root, "channel/atom:link[@rel='hub']/@href") == ["https://hub.example.net/"]
    assert [link.text for link in root.findall("channel/link")] == [SITE_URL]
    parse_rss(render_rss(document(ITEMS, site=site)))


# --- Atom 1.0 -------------------------------------------------------------------------


def test_atom_round_trips_every_field() -> None:
    parsed = parse_atom(render_atom(DOC))
    feed = parsed.feed
    assert_feed_head(feed)
    assert feed.id == SITE_URL
    assert feed.icon == SITE.icon
    assert feed.author_detail.name == "站长"
    for entry, source in zip(parsed.entries, ITEMS, strict=True):
        a = source.article
        assert_entry_head(entry, a)
        assert instant(entry.updated_parsed) == int(a.updated.timestamp())
        names = [x.name for x in a.authors] or ["站长"]
        assert [x.name for x in entry.authors] == names
        assert entry.summary == source.rendered.summary
        assert entry.content[0].type == "text/html"
        assert html_canonical(entry.content[0].value) == html_canonical(
            source.rendered.content_html
        )
        enclosures = [e.href for e in entry.get("enclosures", [])]
        assert enclosures == ([a.image] if a.image else [])
    rich = parsed.entries[0]
    assert rich.authors[1] == {
        "name": "Li Si",
        "email": "li@example.org",
        "href": "https://li.example.org/",
    }
    assert [(e.href, e.type) for e in rich.enclosures] == [(RICH.article.image, "image/png")]
    assert parsed.entries[0].id == RICH.article.id
    assert parsed.entries[2].id == OTHER_ID.article.id


def test_atom_structure() -> None:
    root = xml_root(render_atom(DOC))
    atom = NS["atom"]
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-CN"
    assert xpath(root, "atom:link[@rel='self']/@href") == [FEED_URLS["atom"]]
    assert xpath(root, "atom:link[@rel='alternate']/@href") == [SITE_URL]
    assert xpath(root, "atom:link[@rel='prev-archive']/@href") == [SITE_URL + "archive/2021.xml"]
    assert xpath(root, "atom:generator/@version")
    # content is type="html", never type="CDATA"
    assert xpath(root, "//atom:content/@type") == ["html"] * 3
    assert xpath(root, "//*[@type='CDATA']") == []
    entries = root.findall(f"{{{atom}}}entry")
    assert entries[0].findtext(f"{{{atom}}}content") == TRICKY_HTML
    # the permalink has no rel or rel="alternate"; the image is an enclosure
    for entry, source in zip(entries, ITEMS, strict=True):
        alternates = xpath(entry, "atom:link[not(@rel) or @rel='alternate']/@href")
        assert alternates == [source.article.url]
        assert entry.findtext(f"{{{atom}}}updated") is not None
    # another language is marked on its entry
    assert entries[1].get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert entries[0].get("{http://www.w3.org/XML/1998/namespace}lang") is None
    assert entries[0].findtext(f"{{{atom}}}published") == "2021-12-09T11:10:27+08:00"
    assert entries[0].findtext(f"{{{atom}}}updated") == "2021-12-10T01:02:03+08:00"
    assert [c.get("term") for c in entries[0].findall(f"{{{atom}}}category")] == terms(RICH.article)


def test_atom_ids_are_absolute_iris_and_stable() -> None:
    root = xml_root(render_atom(DOC))
    ids = xpath(root, "atom:entry/atom:id/text()")
    expected = uuid.uuid5(uuid.NAMESPACE_URL, f"{SITE_URL}#abbrlink-4a17b156").urn
    assert ids == [RICH.article.id, expected, OTHER_ID.article.id]
    other_site = replace(SITE, url="https://other.example.org/")
    other = xml_root(render_atom(document(ITEMS, site=other_site)))
    assert xpath(other, "atom:entry/atom:id/text()")[1] != expected


def test_atom_without_any_author_names_the_site() -> None:
    site = replace(SITE, author=None)
    parsed = parse_atom(render_atom(document((PLAIN,), site=site)))
    assert parsed.feed.author_detail.name == SITE.title
    assert "authors" not in parsed.entries[0] or parsed.entries[0].authors == [{"name": SITE.title}]


# --- JSON Feed 1.1 --------------------------------------------------------------------


def test_json_round_trips_every_field() -> None:
    data = render_json(DOC)
    feed = parse_json(data)
    assert next(iter(feed)) == "version"
    assert feed["title"] == SITE.title
    assert feed["home_page_url"] == SITE_URL
    assert feed["feed_url"] == FEED_URLS["json"]
    assert feed["description"] == SITE.description
    assert feed["icon"] == SITE.icon
    assert feed["language"] == "zh-CN"
    assert feed["authors"] == [{"name": "站长", "url": "mailto:owner@example.org"}]
    assert feed["next_url"] == SITE_URL + "archive/2021.xml"
    assert "hubs" not in feed
    for entry, source in zip(feed["items"], ITEMS, strict=True):
        a = source.article
        assert entry["id"] == a.id
        assert entry["url"] == a.url
        assert entry["title"] == a.title
        assert entry["content_html"] == source.rendered.content_html
        assert entry["summary"] == source.rendered.summary
        assert datetime.fromisoformat(entry["date_published"]) == a.published
        assert datetime.fromisoformat(entry["date_modified"]) == a.updated
        assert entry.get("tags", []) == terms(a)
        assert entry.get("image") == a.image
        assert entry.get("language") == a.language
    assert feed["items"][0]["authors"] == [
        {"name": "张三"},
        {"name": "Li Si", "url": "https://li.example.org/"},
    ]
    assert feed["items"][1]["authors"] == [{"name": "站长", "url": "mailto:owner@example.org"}]
    assert feed["items"][0]["date_published"] == "2021-12-09T11:10:27+08:00"


def test_json_is_compact_real_utf8_with_a_trailing_newline() -> None:
    data = render_json(DOC)
    assert data.endswith(b"}\n") and data.count(b"\n") == 1
    assert b'": ' not in data and b'", "' not in data
    assert "加梯".encode() in data and b"\\u" not in data


def test_json_hubs() -> None:
    site = replace(SITE, hub="https://hub.example.net/")
    feed = parse_json(render_json(document(ITEMS, site=site)))
    assert feed["hubs"] == [{"type": "WebSub", "url": "https://hub.example.net/"}]


# --- all formats ----------------------------------------------------------------------


@pytest.mark.parametrize("feed_format", FORMATS, ids=lambda f: f.name)
def test_rendering_is_deterministic_and_ignores_the_clock(
    feed_format: FeedFormat, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = feed_format.render(DOC)
    assert feed_format.render(DOC) == first

    class RealDatetimes(type):
        """Keep feedgen's isinstance(value, datetime) checks working on real datetimes."""

        def __instancecheck__(cls, instance: object) -> bool:
            return isinstance(instance, datetime)

    class Later(datetime, metaclass=RealDatetimes):
        """feedgen's clock, moved to 2099."""

        @classmethod
        def now(cls, tz: Any = None) -> Later:
            return cls(2099, 1, 1, tzinfo=tz)

    assert Later.now(UTC).year == 2099

    monkeypatch.setattr(feedgen.feed, "datetime", Later)
    monkeypatch.setattr(feedgen.entry, "datetime", Later)
    assert feed_format.render(DOC) == first
    assert b"2099" not in first


@pytest.mark.parametrize("feed_format", FORMATS, ids=lambda f: f.name)
def test_order_is_the_documents_never_reversed(feed_format: FeedFormat) -> None:
    # newest first as given, and an unsorted order is kept as is too: formats never sort
    for order in ((0, 1, 2, 3, 4), (3, 0, 4, 1, 2)):
        items = tuple(item(article(n)) for n in order)
        parsed = PARSERS[feed_format.name](feed_format.render(document(items)))
        entries = parsed["items"] if feed_format.name == "json" else parsed.entries
        assert [e["id"] for e in entries] == [i.article.id for i in items]


@pytest.mark.parametrize("feed_format", FORMATS, ids=lambda f: f.name)
def test_empty_feed_is_valid(feed_format: FeedFormat) -> None:
    parsed = PARSERS[feed_format.name](feed_format.render(document(())))
    entries = parsed["items"] if feed_format.name == "json" else parsed.entries
    assert entries == []


@pytest.mark.parametrize("feed_format", FORMATS, ids=lambda f: f.name)
def test_a_thousand_items_parse(feed_format: FeedFormat) -> None:
    items = tuple(
        item(article(n, tags=(f"t{n % 7}",), image=f"https://img.example.org/{n}.webp"))
        for n in range(1000)
    )
    parsed = PARSERS[feed_format.name](feed_format.render(document(items)))
    entries = parsed["items"] if feed_format.name == "json" else parsed.entries
    assert len(entries) == 1000
    assert entries[999]["id"] == items[999].article.id


@pytest.mark.parametrize("feed_format", FORMATS, ids=lambda f: f.name)
def test_summaries_only(feed_format: FeedFormat) -> None:
    site = replace(SITE, full_content=False)
    data = feed_format.render(document(ITEMS, site=site))
    parsed = PARSERS[feed_format.name](data)
    assert "正文".encode() not in data
    if feed_format.name == "json":
        assert [e.get("content_html") for e in parsed["items"]] == [None] * 3
        assert parsed["items"][0]["content_text"] == RICH.rendered.summary
    else:
        assert all("content" not in e for e in parsed.entries)
        assert html.unescape(parsed.entries[0].summary) == RICH.rendered.summary


@pytest.mark.parametrize("feed_format", FORMATS, ids=lambda f: f.name)
def test_minimal_site_and_empty_fields_still_valid(feed_format: FeedFormat) -> None:
    site = Site(title="", url="", description="", language="", author=None)
    bare = item(article(5, title="", id=""), content="", summary="")
    doc = FeedDocument(site, (bare,), MappingProxyType({}), bare.article.updated)
    parsed = PARSERS[feed_format.name](feed_format.render(doc))
    if feed_format.name == "json":
        assert parsed["title"] == parsed["home_page_url"] == PLACEHOLDER_SITE_URL
        assert parsed["items"][0]["id"] == bare.article.url
        assert parsed["items"][0]["content_text"] == ""
    else:
        assert parsed.feed.title == parsed.feed.link == PLACEHOLDER_SITE_URL
        assert parsed.entries[0].title == bare.article.url


# --- hostile text and odd times -------------------------------------------------------

NASTY = "a\x00b\x0bc\ud800d\udfffe\ufffef\uffffg\x1f"


@pytest.mark.parametrize("feed_format", FORMATS, ids=lambda f: f.name)
def test_forbidden_characters_are_removed_never_fatal(feed_format: FeedFormat) -> None:
    nasty = item(
        article(
            0,
            title="标题" + NASTY,
            authors=(Author("名" + NASTY),),
            categories=("分类" + NASTY,),
            tags=(NASTY,),
        ),
        content="<p>" + NASTY + "</p>",
        summary="摘要" + NASTY,
    )
    site = replace(SITE, title="站" + NASTY, description=NASTY)
    data = feed_format.render(document((nasty,), site=site))
    parsed = PARSERS[feed_format.name](data)
    if feed_format.name == "json":
        entry = parsed["items"][0]
        assert entry["title"] == "标题abcdefg"
        assert entry["content_html"] == "<p>abcdefg</p>"
        assert entry["tags"] == ["分类abcdefg", "abcdefg"]
        assert parsed["title"] == "站abcdefg"
    else:
        entry = parsed.entries[0]
        assert entry.title == "标题abcdefg"
        assert html_text(entry.content[0].value) == "abcdefg"
        assert [t.term for t in entry.tags] == ["分类abcdefg", "abcdefg"]
        assert entry.authors[0].name == "名abcdefg"


def test_json_with_a_lone_surrogate_is_valid_utf8() -> None:
    doc = document((item(article(0, title="x\ud83dy"), summary="\udcff"),))
    data = render_json(doc)
    data.decode("utf-8")
    assert parse_json(data)["items"][0]["title"] == "xy"


@pytest.mark.parametrize("feed_format", FORMATS, ids=lambda f: f.name)
def test_odd_times_are_written_as_valid_instants(feed_format: FeedFormat) -> None:
    # Asia/Shanghai in 1899 is local mean time, +08:05:43: neither RFC can write seconds.
    lmt = datetime(1899, 6, 1, 12, 0, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    fraction = datetime(2021, 1, 2, 3, 4, 5, 678901, tzinfo=CST)
    items = (
        item(article(0, published=fraction, updated=fraction)),
        item(article(1, published=lmt, updated=lmt)),
    )
    data = feed_format.render(document(items))
    parsed = PARSERS[feed_format.name](data)
    assert b"678901" not in data and b"05:43" not in data
    if feed_format.name == "json":
        published = [datetime.fromisoformat(e["date_published"]) for e in parsed["items"]]
        assert published == [fraction.replace(microsecond=0), lmt.astimezone(UTC)]
    else:
        stamps = [instant(e.published_parsed) for e in parsed.entries]
        assert stamps == [int(fraction.timestamp()), int(lmt.timestamp())]


def test_naive_times_are_taken_as_utc_not_fatal() -> None:
    naive = datetime(2021, 1, 2, 3, 4, 5)
    doc = document((item(article(0, published=naive, updated=naive)),))
    assert b"2021-01-02T03:04:05+00:00" in render_atom(doc)
    assert b"Sat, 02 Jan 2021 03:04:05 GMT" in render_rss(doc)
    assert parse_json(render_json(doc))["items"][0]["date_published"].endswith("+00:00")


_any_text = st.text(st.characters(exclude_categories=()), max_size=40)


@settings(max_examples=150, deadline=None)
@given(
    title=_any_text,
    body=_any_text,
    summary=_any_text,
    tag=_any_text,
    name=_any_text,
    ident=_any_text,
)
def test_any_text_gives_well_formed_feeds(
    title: str, body: str, summary: str, tag: str, name: str, ident: str
) -> None:
    a = article(0, id=ident, title=title, tags=(tag,), authors=(Author(name),))
    doc = document((item(a, content=body, summary=summary),), site=replace(SITE, title=name))
    expected_title = strip_forbidden(title)[0] or a.url
    for render in (render_rss, render_atom):
        root = xml_root(render(doc))
        assert xpath(root, "//item/title/text() | //atom:entry/atom:title/text()") == [
            expected_title
        ]
    feed = json.loads(render_json(doc).decode("utf-8"))
    assert [i["title"] for i in feed["items"]] == [expected_title]


# --- the stylesheet hook ----------------------------------------------------------------


@pytest.mark.parametrize("render", [render_rss, render_atom], ids=["rss", "atom"])
def test_stylesheet_instruction(render: Callable[..., bytes]) -> None:
    href = 'https://blog.example.org/feed.xsl?a=1&b="2"?>'
    data = render(DOC, stylesheet=href)
    root = xml_root(data)
    instruction = root.getprevious()
    assert instruction is not None
    assert instruction.target == "xml-stylesheet"  # type: ignore[attr-defined]
    assert instruction.get("type") == "text/xsl"
    # pseudo-attribute values hold entity references, like attributes do
    assert html.unescape(instruction.get("href") or "") == href
    assert b"?>'?>" not in data and b'?>"?>' not in data
    assert data.split(b"\n")[1].startswith(b"<?xml-stylesheet ")
    (parse_rss if render is render_rss else parse_atom)(data)
    assert render(DOC) != data


# --- shared helpers -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://img.example.org/a.PNG", "image/png"),
        ("https://img.example.org/a.webp?w=800#top", "image/webp"),
        ("https://img.example.org/a.svg", "image/svg+xml"),
        ("https://img.example.org/a.jpeg?fake=.png", "image/jpeg"),
        ("https://img.example.org/dir.png/photo", "image/jpeg"),
        ("https://img.example.org/", "image/jpeg"),
        ("https://img.example.org/a.unknown", "image/jpeg"),
    ],
)
def test_image_type_comes_from_the_path_extension(url: str, expected: str) -> None:
    assert image_type(url) == expected


def test_rss_last_build_date_is_written_like_the_item_dates() -> None:
    doc = document((PLAIN,))  # a UTC post: the newest, so the feed's update time
    root = xml_root(render_rss(doc))
    assert root.findtext("channel/lastBuildDate") == "Tue, 07 Dec 2021 22:00:00 GMT"
    assert root.findtext("channel/item/pubDate") == "Tue, 07 Dec 2021 22:00:00 GMT"


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        ("a\x01b", "ab"),
        ("a\x08\x0cb", "ab"),
        ("\\b and \\u0001 stay", "\\b and \\u0001 stay"),  # backslashes written by the author
        ("a\\\x1fb", "a\\b"),
        ("tab\tnew\nline\r", "tab\tnew\nline\r"),
    ],
)
def test_json_drops_control_characters_like_the_xml_feeds(text: str, clean: str) -> None:
    doc = document((item(article(0, title=text)),))
    assert parse_json(render_json(doc))["items"][0]["title"] == clean
    root = xml_root(render_atom(doc))
    assert xpath(root, "atom:entry/atom:title/text()") == [clean]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(st.sampled_from('\\ubf0\x01\x08\x0c\x1fa"\n'), max_size=12), max_size=4))
def test_json_forbidden_check_matches_the_full_scan(texts: list[str]) -> None:
    from laojia_feed.feeds.formats import jsonfeed

    dumped = json.dumps(texts, ensure_ascii=False)
    full_scan = jsonfeed._ESCAPED_CONTROL.search(dumped) is not None
    assert jsonfeed._escapes_control(dumped) == full_scan
    assert (jsonfeed._clean_utf8(dumped) is None) == full_scan
    assert full_scan == any(strip_forbidden(text)[1] for text in texts)


_STREAM_NAMESPACES: list[dict[str, str]] = [
    {},
    {"dc": "http://purl.org/dc/elements/1.1/", "a": "https://a.example/"},
]


@pytest.mark.parametrize("nsmap", _STREAM_NAMESPACES, ids=["none", "prefixed"])
@pytest.mark.parametrize("stylesheet", [None, "https://blog.example.org/feed.xsl"])
@pytest.mark.parametrize("own_namespace", [False, True], ids=["plain", "own-namespace"])
@settings(max_examples=40, deadline=None)
@given(
    texts=st.lists(
        st.text(
            st.characters(
                codec="utf-8", exclude_categories=("Cs", "Cc"), exclude_characters="\ufffe\uffff"
            )
        ),
        max_size=4,
    )
)
def test_streamed_entries_are_the_whole_trees_xml(
    nsmap: dict[str, str], stylesheet: str | None, own_namespace: bool, texts: list[str]
) -> None:
    from lxml import etree

    from laojia_feed.feeds.formats._common import with_stylesheet
    from laojia_feed.feeds.formats._stream import stream_document

    def entries() -> list[Any]:
        made = []
        for n, text in enumerate(texts):
            own = {"x": "https://x.example/"} if own_namespace and n % 2 else None
            entry = etree.Element("entry", nsmap=own)
            etree.SubElement(entry, "title").text = text
            etree.SubElement(entry, "{http://purl.org/dc/elements/1.1/}creator").text = text
            if n % 3 == 0:
                entry.set("{http://www.w3.org/XML/1998/namespace}lang", "zh")
                etree.SubElement(entry, "{https://y.example/}image", url=text)
            made.append(entry)
        return made

    def tree() -> Any:
        root = etree.Element("feed", nsmap=nsmap, version="1")
        etree.SubElement(root, "title").text = "站"
        return root

    head_root = tree()
    head = etree.tostring(head_root.getroottree(), encoding="UTF-8", xml_declaration=True)
    streamed = stream_document(head, b"</feed>", head_root, iter(entries()), stylesheet)
    assert len(head_root) == 1  # every entry left the live tree again
    whole_root = tree()
    for entry in entries():
        whole_root.append(entry)
    whole = etree.tostring(whole_root.getroottree(), encoding="UTF-8", xml_declaration=True)
    expected = with_stylesheet(whole, stylesheet) + b"\n"
    if not own_namespace or len(texts) < 2 or not nsmap:
        assert streamed == expected
    else:  # an entry declaring a namespace keeps lxml's copies of its ancestors' ones
        assert etree.tostring(etree.fromstring(streamed), method="c14n") == etree.tostring(
            etree.fromstring(expected), method="c14n"
        )


@pytest.mark.parametrize("count", [0, 1, 5])
def test_json_written_item_by_item_is_one_compact_dump(count: int) -> None:
    items = tuple(item(article(n)) for n in range(count))
    data = render_json(document(items))
    whole = json.dumps(json.loads(data), ensure_ascii=False, separators=(",", ":")) + "\n"
    assert data == whole.encode("utf-8")
    assert len(parse_json(data)["items"]) == count


def test_json_forbidden_character_in_a_late_item_or_the_head_is_removed() -> None:
    late = item(article(3, title="late\x01 \ud800item"))
    items = (*(item(article(n)) for n in range(3)), late)
    assert parse_json(render_json(document(items)))["items"][3]["title"] == "late item"
    feed = parse_json(render_json(document(items[:1], site=replace(SITE, title="站\x02"))))
    assert feed["title"] == "站"


@settings(max_examples=150, deadline=None)
@given(
    titles=st.lists(_any_text, min_size=0, max_size=4),
    body=_any_text,
    name=st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=10),
    stylesheet=st.none() | st.just("feed.xsl"),
)
def test_a_document_in_parts_is_the_document(
    titles: list[str], body: str, name: str, stylesheet: str | None
) -> None:
    items = tuple(
        item(article(n, title=t, tags=(t,)), content=body + t, summary=t)
        for n, t in enumerate(titles)
    )
    doc = document(items, site=replace(SITE, title=name or "x"))
    for fmt in FORMATS:
        parts = fmt.render_parts(doc, stylesheet=stylesheet)
        chunks = fmt.render_items(doc)
        whole = parts.opening + parts.separator.join(chunks) + parts.closing
        assert whole == fmt.render(doc, stylesheet=stylesheet), fmt.name
        assert len(chunks) == len(items)
