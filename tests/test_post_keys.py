"""Post-level keys and site settings of issue 13 one by one: leaving posts out of feeds,
the language guess, audio forms, the config keys, and a whole build of the example blog."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

from feedcheck import parse_atom, parse_json, parse_rss
from laojia_feed import config
from laojia_feed.api import build
from laojia_feed.feeds import inclusion
from laojia_feed.feeds.formats import post_keys
from laojia_feed.feeds.formats.rss import render_rss
from laojia_feed.model import Article, Author, LoadResult, Podcast, Severity, Webfeeds
from test_readers import SITE, SITE_URL, document, entry, post

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def tagged(n: int, categories: tuple[str, ...] = (), tags: tuple[str, ...] = ()) -> Article:
    return replace(post(n), categories=categories, tags=tags)


@pytest.mark.parametrize(
    ("extra", "kept"),
    [
        ({}, True),
        ({"feed": False}, False),
        ({"feed": "no"}, False),
        ({"feed": True}, True),
        ({"hidden": True}, False),
        ({"hidden": "true"}, False),
        ({"hidden": False}, True),
        ({"feed": "maybe"}, True),  # unclear: the post stays in
    ],
)
def test_feed_false_and_hidden_leave_a_post_out(extra: dict[str, Any], kept: bool) -> None:
    assert inclusion.in_feeds(post(1, **extra), SITE) is kept


def test_excluded_categories_and_tags_ignore_case() -> None:
    site = replace(SITE, exclude_categories=("Private",), exclude_tags=("草稿",))
    assert not inclusion.in_feeds(tagged(1, categories=("life", "private")), site)
    assert not inclusion.in_feeds(tagged(2, tags=("草稿",)), site)
    assert inclusion.in_feeds(tagged(3, categories=("Privately",), tags=("草",)), site)
    assert inclusion.in_feeds(tagged(4, categories=("Private",)), SITE)  # not excluded there


def test_for_feeds_filters_once_and_reports_dropped_keys() -> None:
    articles = (
        post(1),
        post(2, feed=False),
        post(3, source="http://127.0.0.1/admin"),
        post(4, audio=MappingProxyType({"length": 3})),
        post(5, via=MappingProxyType({"title": "只有标题"})),
    )
    load = LoadResult(articles=articles)
    chosen = inclusion.for_feeds(load, SITE, "posts")
    assert [a.slug for a in chosen.articles] == ["post-1", "post-3", "post-4", "post-5"]
    found = [(d.path, d.field, d.severity) for d in chosen.diagnostics]
    assert found == [
        ("posts/post-3.md", "source", Severity.WARNING),
        ("posts/post-4.md", "audio", Severity.WARNING),
        ("posts/post-5.md", "via", Severity.WARNING),
    ]
    assert "127.0.0.1" in chosen.diagnostics[0].message
    assert "has no url" in chosen.diagnostics[1].message
    assert "has no url" in chosen.diagnostics[2].message
    same = LoadResult(articles=(post(5), post(6, comments=True)))
    assert inclusion.for_feeds(same, SITE, "posts") is same  # nothing to do: as it was


@pytest.mark.parametrize(
    ("text", "site_language", "expected"),
    [
        ("How we moved our photos to a NAS", "zh-CN", "en"),
        ("Community garden opens on Tianmu Road. Residents planted trees.", "zh-CN", "en"),
        ("春节回老家 Spring Festival at home", "zh-CN", None),  # mixed: the site's holds
        ("Le jardin communautaire a ouvert à Tianmu", "zh-CN", None),  # accents: not English
        ("Kubernetes Docker Grafana", "zh-CN", None),  # no English word: could be anything
        ("NAS", "zh-CN", None),  # too short to tell
        ("How we moved our photos to a NAS", "en", None),  # the site's own language
        ("春节回老家，坐了十个小时的火车", "en-US", "zh"),
        ("東京の桜が咲きました", "en", "ja"),
        ("서울의 봄 소식", "en", "ko"),
        ("Python 3.12 新特性 in one page", "en", None),  # Latin words outnumber: unclear
        ("春节回老家，坐了十个小时的火车", "zh-TW", None),
    ],
)
def test_language_guess_only_when_plain(
    text: str, site_language: str, expected: str | None
) -> None:
    assert post_keys.guess_language(text, site_language) == expected


def test_an_explicit_language_wins_and_the_guess_can_be_turned_off() -> None:
    english = entry(post(1, "How we moved our photos to a NAS"), summary="Twenty years.")
    assert post_keys.entry_language(entry(post(1, "How we moved it")), SITE) is None  # 摘要
    assert post_keys.entry_language(english, SITE) == "en"
    assert post_keys.entry_language(english, replace(SITE, guess_language=False)) is None
    french = replace(english, article=replace(english.article, language="fr"))
    assert post_keys.entry_language(french, SITE) == "fr"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("/audio/a.m4a", post_keys.Enclosure(SITE_URL + "audio/a.m4a", "audio/mp4")),
        (
            MappingProxyType({"url": "https://cdn.example.org/e.ogg?x=1", "length": "42"}),
            post_keys.Enclosure("https://cdn.example.org/e.ogg?x=1", "audio/ogg", 42),
        ),
        (
            MappingProxyType({"url": "/e", "type": "Audio/MPEG", "duration": "01:02"}),
            post_keys.Enclosure(SITE_URL + "e", "audio/mpeg", 0, 62),
        ),
        (
            MappingProxyType({"url": "/e.mp3", "length": -5}),
            post_keys.Enclosure(SITE_URL + "e.mp3", "audio/mpeg"),
        ),
        ("http://192.168.1.2/e.mp3", None),
        (MappingProxyType({"type": "audio/mpeg"}), None),
    ],
)
def test_audio_forms(raw: Any, expected: post_keys.Enclosure | None) -> None:
    for key in ("audio", "enclosure"):
        assert post_keys.audio(post(1, **{key: raw}), SITE) == expected


def test_a_hostile_source_title_cannot_break_the_xml() -> None:
    raw = MappingProxyType({"title": "bad\x01 <title> & \ud800", "url": "https://example.net/a"})
    doc = document((entry(post(1, source=raw)),))
    parsed = parse_rss(render_rss(doc))
    assert parsed.entries[0].source.title == "bad <title> &"


def test_config_keys_parse_and_report() -> None:
    site, problems = config.apply(
        SITE,
        {
            "logo": "https://blog.example.org/logo.svg",
            "cover_in_content": True,
            "webfeeds": {"cover": "https://blog.example.org/c.jpg", "accent_color": "#C33"},
            "comments": True,
            "comments_anchor": "disqus_thread",
            "exclude_categories": ["私密", " "],
            "exclude_tags": "draft",
            "guess_language": False,
            "podcast": {
                "category": ["Arts/Books", "Society & Culture"],
                "explicit": False,
                "owner": {"name": "老张", "email": "z@example.org"},
                "image": "https://blog.example.org/art.png",
                "type": "serial",
            },
        },
        "laojia-feed.toml",
    )
    assert problems == []
    assert site.logo == "https://blog.example.org/logo.svg"
    assert site.webfeeds == Webfeeds(cover="https://blog.example.org/c.jpg", accent_color="c33")
    assert (site.comments, site.comments_anchor) == (True, "#disqus_thread")
    assert (site.exclude_categories, site.exclude_tags) == (("私密",), ("draft",))
    assert site.podcast == Podcast(
        categories=(("Arts", "Books"), ("Society & Culture", "")),
        explicit="no",
        image="https://blog.example.org/art.png",
        owner=Author("老张", "z@example.org"),
        type="serial",
    )
    assert not site.guess_language and site.cover_in_content


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("logo", "logo.png", "absolute http(s) URL"),
        ("webfeeds", "yes", "expected true, false or a table"),
        ("webfeeds", {"accent_color": "red"}, "not a colour"),
        ("webfeeds", {"colour": "c33"}, "unknown key(s): colour"),
        ("comments", "yes", "expected true or false"),
        ("comments_anchor", "#a b", "not a URL fragment"),
        ("exclude_tags", [1, 2], "list of names"),
        ("podcast", {"image": "https://blog.example.org/art.webp"}, ".jpg or .png"),
        ("podcast", {"explicit": "maybe"}, "expected one of yes, no, clean"),
        ("podcast", {"owner": {"name": "老张"}}, "both a name and an e-mail"),
        ("podcast", {"type": "weekly"}, "episodic, serial"),
    ],
)
def test_bad_config_values_name_the_key(key: str, value: object, words: str) -> None:
    site, problems = config.apply(SITE, {key: value}, "laojia-feed.toml")
    assert [(p.path, p.field, p.severity) for p in problems] == [
        ("laojia-feed.toml", key, Severity.ERROR)
    ]
    assert words in problems[0].message
    assert site == SITE


def test_the_example_blog_shows_the_new_keys(tmp_path: Path) -> None:
    out = tmp_path / "out"
    site = config.load_config(EXAMPLES / "laojia-feed.toml").site
    result = build(EXAMPLES / "posts", out, site)
    assert result.ok, [str(d) for d in result.all_diagnostics]
    rss = parse_rss((out / "rss.xml").read_bytes())
    atom = parse_atom((out / "atom.xml").read_bytes())
    feed = parse_json((out / "feed.json").read_bytes())
    titles = [e.title for e in rss.entries]
    assert titles and not any("family only" in t for t in titles)  # feed: false stays out
    sources = [e.source["href"] for e in rss.entries if "source" in e]
    assert sources and all(s.startswith("https://") for s in sources)
    assert any("comments" in e for e in rss.entries)
    assert any(link.rel == "replies" for e in atom.entries for link in e.links)
    assert any("external_url" in i for i in feed["items"])
    assert all(
        len(e.get("enclosures", [])) == (1 if "media_content" in e else 0) for e in rss.entries
    )
    json.dumps(feed)
