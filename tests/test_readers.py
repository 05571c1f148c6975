"""What subscribers see (issue 13), read back by real consumers: feedparser, the ``reader``
library, the JSON Feed 1.1 schema and @rowanmanning/feed-parser (through node, when
tests/generators/install.sh installed it): covers as enclosures, logos, Feedly's
webfeeds, comments, repost credit, audio and iTunes tags, entry languages."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

from feedcheck import parse_atom, parse_json, parse_rss, xml_root, xpath
from laojia_feed.feeds.formats.atom import render_atom
from laojia_feed.feeds.formats.jsonfeed import render_json
from laojia_feed.feeds.formats.rss import render_rss
from laojia_feed.model import (
    Article,
    Author,
    BodyFormat,
    FeedDocument,
    FeedItem,
    Podcast,
    Rendered,
    Site,
    Webfeeds,
)

CST = timezone(timedelta(hours=8))
SITE_URL = "https://blog.example.org/"
SITE = Site(
    title="老家",
    url=SITE_URL,
    language="zh-CN",
    author=Author("站长"),
    icon=SITE_URL + "icon.png",
)
COVER = "https://img.example.org/cover.jpg"
SOURCE = "https://www.thepaper.cn/newsDetail_forward_1"
AUDIO = SITE_URL + "audio/ep1.mp3"


def post(n: int, title: str = "", image: str | None = None, **extra: Any) -> Article:
    published = datetime(2021, 12, 9, 11, 10, tzinfo=CST) - timedelta(days=n)
    url = f"{SITE_URL}2021/post-{n}/"
    return Article(
        id=url,
        slug=f"post-{n}",
        url=url,
        title=title or f"第 {n} 篇",
        published=published,
        updated=published,
        body="",
        body_format=BodyFormat.HTML,
        source_path=f"post-{n}.md",
        image=image,
        extra=MappingProxyType(extra),
    )


def entry(a: Article, content: str = "<p>正文</p>", summary: str = "摘要") -> FeedItem:
    return FeedItem(article=a, rendered=Rendered(content_html=content, summary=summary))


#: A reposted English post with a cover and comments; a podcast episode; a plain post.
REPOST = entry(
    post(
        0,
        "How we moved twenty years of photos to a NAS",
        COVER,
        comments=True,
        source=MappingProxyType({"title": "澎湃新闻", "url": SOURCE}),
    ),
    summary="We finally moved the family photos off three old laptops.",
)
EPISODE = entry(
    post(
        1,
        "第一期：老家的年",
        audio=MappingProxyType({"url": "/audio/ep1.mp3", "length": 12345, "duration": "1:02:03"}),
    )
)
PLAIN = entry(post(2, comments=False))
ITEMS = (REPOST, EPISODE, PLAIN)


def document(items: tuple[FeedItem, ...] = ITEMS, site: Site = SITE) -> FeedDocument:
    return FeedDocument(
        site=site,
        items=items,
        feed_urls=MappingProxyType({"rss": SITE_URL + "rss.xml", "atom": SITE_URL + "atom.xml"}),
        updated=max(i.article.updated for i in items),
    )


FULL_SITE = replace(
    SITE,
    logo=SITE_URL + "logo.png",
    webfeeds=Webfeeds(cover=SITE_URL + "cover.jpg", accent_color="cc3333"),
)
PODCAST_SITE = replace(
    FULL_SITE,
    podcast=Podcast(categories=(("Arts", "Books"),), owner=Author("老张", "zhang@example.org")),
)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The three feeds of the full site, and the RSS feed of the podcast, in a folder."""
    folder = tmp_path_factory.mktemp("feeds")
    (folder / "podcast.xml").write_bytes(render_rss(document(site=PODCAST_SITE)))
    doc = document(site=FULL_SITE)
    (folder / "rss.xml").write_bytes(render_rss(doc))
    (folder / "atom.xml").write_bytes(render_atom(doc))
    (folder / "feed.json").write_bytes(render_json(doc))
    return folder


def test_feedparser_reads_the_rss_additions(written: Path) -> None:
    parsed = parse_rss((written / "rss.xml").read_bytes())
    repost, episode, plain = parsed.entries
    # the cover where every reader looks: an enclosure of unknown length, media:* kept
    assert repost.enclosures == [{"href": COVER, "length": "0", "type": "image/jpeg"}]
    assert [m["url"] for m in repost.media_content] == [COVER]
    assert repost.comments == REPOST.article.url + "#comments"
    assert repost.source == {"href": SOURCE, "title": "澎湃新闻"}
    assert repost.language == "en"  # dc:language of the guessed language
    # audio wins the one enclosure an item should have; iTunes duration needs one
    assert episode.enclosures == [{"href": AUDIO, "length": "12345", "type": "audio/mpeg"}]
    assert "comments" not in episode and "comments" not in plain
    assert "enclosures" not in plain or plain.enclosures == []
    feed = parsed.feed
    assert feed.image.href == FULL_SITE.logo  # the logo is the RSS <image>
    assert feed.webfeeds_cover == {"image": SITE_URL + "cover.jpg"}
    assert (feed.webfeeds_icon, feed.webfeeds_logo) == (SITE.icon, FULL_SITE.logo)
    assert feed.webfeeds_accentcolor == "cc3333"
    assert "itunes_type" not in feed


def test_rss_itunes_tags_come_from_feedgen_and_the_site(written: Path) -> None:
    parsed = parse_rss((written / "podcast.xml").read_bytes())
    assert parsed.feed.itunes_type == "episodic"
    assert parsed.feed.tags[0].term == "Arts"
    repost, episode, _plain = parsed.entries
    # apps take every enclosure for an episode's media: the cover stays in media:* only
    assert "enclosures" not in repost or repost.enclosures == []
    assert [m["url"] for m in repost.media_content] == [COVER]
    assert [e.href for e in episode.enclosures] == [AUDIO]
    root = xml_root((written / "podcast.xml").read_bytes())
    itunes = {"itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd"}
    channel = root[0]
    assert channel.xpath("itunes:category/@text", namespaces=itunes) == ["Arts"]
    assert channel.xpath("itunes:category/itunes:category/@text", namespaces=itunes) == ["Books"]
    assert channel.xpath("itunes:owner/itunes:email/text()", namespaces=itunes) == [
        "zhang@example.org"
    ]
    assert channel.xpath("itunes:image/@href", namespaces=itunes) == [FULL_SITE.logo]
    assert channel.xpath("itunes:explicit/text()", namespaces=itunes) == ["no"]
    assert channel.xpath("itunes:author/text()", namespaces=itunes) == ["站长"]  # site author
    durations = root.xpath("//item/itunes:duration/text()", namespaces=itunes)
    assert durations == ["3723"]  # the episode's, in seconds
    plain_rss = xml_root((written / "rss.xml").read_bytes())
    assert plain_rss.xpath("//itunes:*", namespaces=itunes) == []  # not a podcast: none


def test_feedparser_reads_the_atom_additions(written: Path) -> None:
    parsed = parse_atom((written / "atom.xml").read_bytes())
    repost, episode, plain = parsed.entries
    links = {(link.rel, link.href) for link in repost.links}
    assert ("replies", REPOST.article.url + "#comments") in links
    assert ("via", SOURCE) in links
    assert [link.get("title") for link in repost.links if link.rel == "via"] == ["澎湃新闻"]
    assert repost.title_detail.language == "en"  # xml:lang on the entry
    assert plain.title_detail.language == "zh-CN"  # inherited from the feed
    assert [(e.href, e.length) for e in episode.enclosures] == [(AUDIO, "12345")]
    assert all(link.rel != "replies" for x in (episode, plain) for link in x.links)
    assert parsed.feed.logo == FULL_SITE.logo
    assert parsed.feed.icon == SITE.icon
    root = xml_root((written / "atom.xml").read_bytes())
    replies = xpath(root, "//atom:entry/atom:link[@rel='replies']")
    assert [x.get("type") for x in replies] == ["text/html"]


def test_json_feed_additions_are_valid(written: Path) -> None:
    feed = parse_json((written / "feed.json").read_bytes())
    repost, episode, plain = feed["items"]
    assert repost["external_url"] == SOURCE
    assert (repost["image"], repost["banner_image"]) == (COVER, COVER)
    assert repost["language"] == "en"
    assert episode["attachments"] == [
        {
            "url": AUDIO,
            "mime_type": "audio/mpeg",
            "size_in_bytes": 12345,
            "duration_in_seconds": 3723,
        }
    ]
    assert "language" not in plain and "banner_image" not in plain


def test_the_reader_library_sees_enclosures_and_the_source(written: Path) -> None:
    reader_lib = pytest.importorskip("reader")
    pytest.importorskip("sgmllib", reason="reader's bundled feedparser needs sgmllib3k")
    reader = reader_lib.make_reader(":memory:", feed_root=str(written))
    for name in ("rss.xml", "atom.xml", "feed.json"):
        reader.add_feed(name)
    reader.update_feeds()
    assert [f.last_exception for f in reader.get_feeds()] == [None, None, None]
    seen = {(e.feed_url, e.id): e for e in reader.get_entries()}
    repost_id, episode_id = REPOST.article.id, EPISODE.article.id
    rss_cover = seen["rss.xml", repost_id].enclosures
    assert [(x.href, x.type, x.length) for x in rss_cover] == [(COVER, "image/jpeg", 0)]
    assert seen["rss.xml", repost_id].source.url == SOURCE
    assert seen["rss.xml", repost_id].source.title == "澎湃新闻"
    assert [x.href for x in seen["atom.xml", repost_id].enclosures] == [COVER]
    for feed in ("rss.xml", "atom.xml", "feed.json"):
        audio = seen[feed, episode_id].enclosures
        assert [(x.href, x.type, x.length) for x in audio] == [(AUDIO, "audio/mpeg", 12345)]
    assert {c.language for c in seen["atom.xml", repost_id].content} == {"en"}
    assert {c.language for c in seen["feed.json", repost_id].content} == {"en"}


def _feed_parser_modules() -> Path:
    base = os.environ.get("LAOJIA_GENERATORS") or str(
        Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        / "laojia-feed-test-generators"
    )
    modules = Path(base) / "feed-parser" / "node_modules"
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    if not (modules / "@rowanmanning" / "feed-parser").is_dir():
        pytest.skip("@rowanmanning/feed-parser not installed (tests/generators/install.sh)")
    return modules


@pytest.mark.parametrize("name", ["rss.xml", "atom.xml"])
def test_rowanmanning_feed_parser_sees_cover_logo_and_audio(written: Path, name: str) -> None:
    modules = _feed_parser_modules()
    script = Path(__file__).with_name("feed_parser_dump.js")
    run = subprocess.run(
        ["node", str(script), str(modules), str(written / name)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    found = json.loads(run.stdout)
    assert found["image"]["url"] == FULL_SITE.logo
    repost, episode, plain = found["items"]
    assert repost["image"]["url"] == COVER
    assert [m["url"] for m in repost["media"]] == [COVER]
    assert [(m["url"], m["length"]) for m in episode["media"]] == [(AUDIO, 12345)]
    assert plain["media"] == [] and plain["image"] is None


def test_cover_in_content_adds_a_figure_once() -> None:
    shown = entry(post(3, image=COVER), content=f'<p><img src="{COVER}" alt=""></p>')
    hidden = entry(post(4, image=COVER + "?a=1&b=2"))
    site = replace(SITE, cover_in_content=True)
    feed = parse_json(render_json(document((shown, hidden), site)))
    first, second = feed["items"]
    assert first["content_html"].count(COVER) == 1  # the body shows it: left alone
    assert "banner_image" not in first
    assert second["content_html"].startswith(
        '<figure><img src="https://img.example.org/cover.jpg?a=1&amp;b=2" alt=""></figure><p>'
    )
    assert "banner_image" not in second  # the content shows it now
    rss = parse_rss(render_rss(document((shown, hidden), site)))
    assert rss.entries[1].content[0].value.startswith("<figure>")
    atom = parse_atom(render_atom(document((shown, hidden), site)))
    assert atom.entries[1].content[0].value.startswith("<figure>")
    plain = parse_json(render_json(document((hidden,))))
    assert plain["items"][0]["content_html"] == "<p>正文</p>"  # off by default


@pytest.mark.parametrize(
    ("site_comments", "post_says", "expected"),
    [
        (None, None, None),  # nobody said anything: no link (the default)
        (None, True, "#comments"),
        (None, False, None),
        (True, None, "#comments"),
        (True, False, None),
        (False, True, None),
    ],
)
def test_comments_links_follow_site_and_post(
    site_comments: bool | None, post_says: bool | None, expected: str | None
) -> None:
    extra: dict[str, Any] = {} if post_says is None else {"comments": post_says}
    doc = document((entry(post(5, **extra)),), replace(SITE, comments=site_comments))
    rss = parse_rss(render_rss(doc)).entries[0]
    atom = parse_atom(render_atom(doc)).entries[0]
    replies = [link.href for link in atom.links if link.rel == "replies"]
    if expected is None:
        assert "comments" not in rss and replies == []
    else:
        url = SITE_URL + "2021/post-5/" + expected
        assert (rss.comments, replies) == (url, [url])


def test_comments_anchor_and_a_comments_url_of_its_own() -> None:
    own = "https://github.com/laojia/blog/issues/7"
    items = (entry(post(6, comments=True)), entry(post(7, comments=own)))
    doc = document(items, replace(SITE, comments_anchor="#disqus_thread"))
    rss = parse_rss(render_rss(doc))
    assert [e.comments for e in rss.entries] == [SITE_URL + "2021/post-6/#disqus_thread", own]


@pytest.mark.parametrize(
    "raw",
    [
        SOURCE,
        MappingProxyType({"url": SOURCE}),
        MappingProxyType({"title": "  澎湃\n新闻 ", "link": SOURCE}),
    ],
)
def test_source_forms(raw: Any) -> None:
    for key in ("source", "original_url", "source_url", "via"):
        doc = document((entry(post(8, **{key: raw})),))
        rss = parse_rss(render_rss(doc)).entries[0]
        title = "澎湃 新闻" if isinstance(raw, MappingProxyType) and "title" in raw else None
        assert rss.source == {"href": SOURCE, "title": title or "www.thepaper.cn"}
        assert parse_json(render_json(doc))["items"][0]["external_url"] == SOURCE


@pytest.mark.parametrize(
    "raw",
    ["澎湃新闻", "/relative/path", "http://localhost/x", "javascript:alert(1)", "http://10.0.0.1/"],
)
def test_unsafe_or_unclear_sources_are_dropped(raw: str) -> None:
    doc = document((entry(post(9, source=raw)),))
    assert "source" not in parse_rss(render_rss(doc)).entries[0]
    assert "external_url" not in parse_json(render_json(doc))["items"][0]
    atom = parse_atom(render_atom(doc)).entries[0]
    assert [link for link in atom.links if link.rel == "via"] == []


def test_posts_without_the_new_keys_get_none_of_the_new_elements() -> None:
    doc = document((entry(post(10)), entry(post(11, "第二篇"))))
    for data in (render_rss(doc), render_atom(doc)):
        text = data.decode()
        for marker in (
            "<comments",
            "<source",
            "<enclosure",
            "replies",
            "via",
            "webfeeds",
            "itunes",
        ):
            assert marker not in text
        assert "<entry xml:lang" not in text and "dc:language" not in text
    items = parse_json(render_json(doc))["items"]
    assert all(
        set(i) & {"external_url", "attachments", "banner_image", "language"} == set() for i in items
    )
