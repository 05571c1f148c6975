"""More feeds from one build: category and tag feeds, their OPML index, RFC 5005 archives.

Every feed is read back by a real consumer: feedparser (RSS, Atom), lxml (strict XML,
OPML) and the JSON Feed schema (tests/feedcheck.py).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import quote, unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from feedcheck import parse_atom, parse_json, parse_rss, xml_root, xpath
from laojia_feed import build
from laojia_feed.feeds.archives import links, page_count, paginate
from laojia_feed.feeds.formats.atom import render_atom
from laojia_feed.feeds.formats.rss import render_rss
from laojia_feed.feeds.opml import Group, Outline, render_opml
from laojia_feed.feeds.taxonomies import MAX_FOLDER_BYTES, folder_names, safe_folder
from laojia_feed.model import BuildResult, FeedDocument, Severity, Site
from laojia_feed.write.output import safe_output_path

SITE = Site(title="老家", url="https://blog.example.org/")
BASE = "https://blog.example.org/"
FH = "http://purl.org/syndication/history/1.0"
FORMATS = ("rss.xml", "atom.xml", "feed.json")


def write_post(
    posts: Path,
    number: int,
    categories: Sequence[str] = (),
    tags: Sequence[str] = (),
    body: str = "正文",
) -> None:
    """Post ``number`` is dated ``number`` days after 2021-01-01: higher is newer."""
    day = datetime(2021, 1, 1, 10, tzinfo=UTC).timestamp() + number * 86400
    date = datetime.fromtimestamp(day, UTC).strftime("%Y-%m-%d %H:%M:%S")
    quoted = ", ".join('"' + c.replace('"', '\\"') + '"' for c in categories)
    tag_list = ", ".join('"' + t.replace('"', '\\"') + '"' for t in tags)
    text = (
        f"---\ntitle: 文章 {number}\ndate: {date}\nslug: p{number}\n"
        f"categories: [{quoted}]\ntags: [{tag_list}]\n---\n{body}\n"
    )
    (posts / f"p{number}.md").write_text(text, encoding="utf-8")


@pytest.fixture
def posts(tmp_path: Path) -> Path:
    folder = tmp_path / "posts"
    folder.mkdir()
    return folder


def run(posts: Path, out: Path, site: Site) -> BuildResult:
    result = build(posts, out, site, now=datetime(2030, 1, 1, tzinfo=UTC))
    assert result.ok, result.all_diagnostics
    return result


def files(out: Path) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())


def titles(parsed: Any) -> list[str]:
    return [entry.title for entry in parsed.entries]


def rel(parsed: Any, relation: str) -> str | None:
    found = [link.href for link in parsed.feed.links if link.rel == relation]
    assert len(found) <= 1, found
    return found[0] if found else None


def read_all(folder: Path) -> tuple[Any, Any, dict[str, Any]]:
    """The three feeds of a folder, each checked by its consumer."""
    return (
        parse_rss((folder / "rss.xml").read_bytes()),
        parse_atom((folder / "atom.xml").read_bytes()),
        parse_json((folder / "feed.json").read_bytes()),
    )


# --- default output ----------------------------------------------------------------------


def test_without_options_the_output_is_the_three_feeds_only(posts: Path, tmp_path: Path) -> None:
    for number in range(1, 4):
        write_post(posts, number, ["生活"], ["旅行"])
    out = tmp_path / "public"
    result = run(posts, out, SITE)
    assert files(out) == ["atom.xml", "feed.json", "rss.xml"]
    assert [f.name for f in result.feeds] == ["rss.xml", "atom.xml", "feed.json"]
    for name in ("rss.xml", "atom.xml"):
        data = (out / name).read_bytes()
        assert b"xml-stylesheet" not in data and FH.encode() not in data
        assert b"archive" not in data
    rss, atom, feed = read_all(out)
    assert rel(rss, "self") == BASE + "rss.xml" and rel(atom, "self") == BASE + "atom.xml"
    assert "next_url" not in feed


# --- category and tag feeds ---------------------------------------------------------------


def test_category_feeds_at_readable_paths_with_their_own_titles_and_links(
    posts: Path, tmp_path: Path
) -> None:
    write_post(posts, 1, ["生活"])
    write_post(posts, 2, ["技术", "生活"])
    write_post(posts, 3, ["技术"])
    out = tmp_path / "public"
    result = run(posts, out, Site(title="老家", url=BASE, category_feeds=True))
    assert files(out) == sorted(
        [*FORMATS, "feeds.opml"]
        + [f"categories/{c}/{f}" for c in ("生活", "技术") for f in FORMATS]
    )
    rss, atom, feed = read_all(out / "categories" / "生活")
    url = BASE + "categories/" + quote("生活") + "/"
    assert rss.feed.title == atom.feed.title == feed["title"] == "老家 — 分类: 生活"
    assert titles(rss) == titles(atom) == [i["title"] for i in feed["items"]]
    assert titles(rss) == ["文章 2", "文章 1"]
    assert rel(rss, "self") == url + "rss.xml"
    assert rel(atom, "self") == url + "atom.xml"
    assert feed["feed_url"] == url + "feed.json"
    assert feed["home_page_url"] == url
    # a feed of its own: a distinct Atom id, not the main feed's
    assert atom.feed.id == url != parse_atom((out / "atom.xml").read_bytes()).feed.id
    # reported in the result, main feed first
    names = [f.name for f in result.feeds]
    assert names[:3] == ["rss.xml", "atom.xml", "feed.json"]
    assert "categories/技术/feed.json" in names
    written = next(f for f in result.feeds if f.name == "categories/技术/rss.xml")
    assert written.items == 2 and written.format == "rss"


def test_tag_feeds_and_title_words_follow_the_language(posts: Path, tmp_path: Path) -> None:
    write_post(posts, 1, tags=["旅行", "photo"])
    write_post(posts, 2, tags=["photo"])
    out = tmp_path / "zh"
    run(posts, out, Site(title="老家", url=BASE, tag_feeds=True))
    assert not (out / "categories").exists()
    rss, _atom, _feed = read_all(out / "tags" / "photo")
    assert rss.feed.title == "老家 — 标签: photo"
    assert titles(rss) == ["文章 2", "文章 1"]
    english = tmp_path / "en"
    run(posts, english, Site(title="Home", url=BASE, language="en", tag_feeds=True))
    assert parse_rss((english / "tags/旅行/rss.xml").read_bytes()).feed.title == "Home — Tag: 旅行"


def test_names_sharing_a_folder_get_one_warning_and_distinct_feeds(
    posts: Path, tmp_path: Path
) -> None:
    write_post(posts, 1, ["C#"])
    write_post(posts, 2, ["C?"])
    out = tmp_path / "public"
    result = run(posts, out, Site(title="老家", url=BASE, category_feeds=True))
    warnings = [d for d in result.diagnostics if d.field == "categories"]
    assert len(warnings) == 1 and warnings[0].severity is Severity.WARNING
    assert "'C#'" in warnings[0].message and "'C?'" in warnings[0].message
    folders = sorted(p.name for p in (out / "categories").iterdir())
    assert len(folders) == 2 and folders[0] == "C"
    by_title = {}
    for folder in folders:
        rss = parse_rss((out / "categories" / folder / "rss.xml").read_bytes())
        by_title[rss.feed.title] = titles(rss)
    assert by_title == {"老家 — 分类: C#": ["文章 1"], "老家 — 分类: C?": ["文章 2"]}


def test_folder_names_tell_apart_names_that_differ_in_case() -> None:
    warned: list[str] = []
    folders = folder_names(["Python", "python", "生活"], "tags", warned.append)
    assert folders["Python"] == "Python" and folders["生活"] == "生活"
    assert folders["python"].startswith("python-") and len(warned) == 1
    # stable: the moved name's folder does not depend on which other names exist
    again = folder_names(["python", "Python", "Rust"], "tags", lambda message: None)
    assert again["python"] == folders["python"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=80), max_size=8))
def test_folder_names_are_distinct_safe_path_segments(
    tmp_path_factory: pytest.TempPathFactory, names: list[str]
) -> None:
    out = tmp_path_factory.getbasetemp() / "out"
    folders = folder_names(names, "tags", lambda message: None)
    assert set(folders) == set(names)
    keys = [unicodedata.normalize("NFC", f.casefold()) for f in folders.values()]
    assert len(keys) == len(set(keys))
    for folder in folders.values():
        assert folder and "/" not in folder and not folder.startswith(".")
        assert len(folder.encode("utf-8")) <= MAX_FOLDER_BYTES + 32
        safe_output_path(out, f"tags/{folder}/rss.xml")  # raises when unsafe
        assert folder == safe_folder(folder) or "-" in folder


def test_long_names_are_cut_to_a_file_name_every_file_system_takes(
    posts: Path, tmp_path: Path
) -> None:
    name = "很长的分类" * 60
    write_post(posts, 1, [name])
    out = tmp_path / "public"
    run(posts, out, Site(title="老家", url=BASE, category_feeds=True))
    (folder,) = (out / "categories").iterdir()
    assert len(folder.name.encode("utf-8")) <= MAX_FOLDER_BYTES
    assert name.startswith(folder.name)
    title = parse_rss((folder / "rss.xml").read_bytes()).feed.title
    assert title.startswith("老家 — 分类: " + folder.name)


def test_category_feeds_follow_the_limit_and_the_budget(posts: Path, tmp_path: Path) -> None:
    for number in range(1, 7):
        write_post(posts, number, ["生活"], body="长文。" * 1500)
    out = tmp_path / "limited"
    run(posts, out, Site(url=BASE, category_feeds=True, limit=2))
    assert titles(parse_rss((out / "categories/生活/rss.xml").read_bytes())) == [
        "文章 6",
        "文章 5",
    ]
    small = tmp_path / "budget"
    result = build(posts, small, Site(url=BASE, category_feeds=True, budget=40_000))
    for name in ("rss.xml", "atom.xml", "feed.json"):
        assert (small / "categories/生活" / name).stat().st_size <= 40_000
    kept = titles(parse_rss((small / "categories/生活/rss.xml").read_bytes()))
    assert 0 < len(kept) < 6 and kept[0] == "文章 6"
    messages = [d.message for d in result.diagnostics if d.field == "budget"]
    assert any("category/tag feed" in m for m in messages)


# --- the OPML index -----------------------------------------------------------------------


def test_opml_index_lists_every_feed_by_its_self_url(posts: Path, tmp_path: Path) -> None:
    write_post(posts, 1, ["生活", "R&D x"], ["旅行"])
    out = tmp_path / "public"
    run(posts, out, Site(title='老家 "&"', url=BASE, category_feeds=True, tag_feeds=True))
    root = xml_root((out / "feeds.opml").read_bytes())
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.findtext("head/title") == '老家 "&"'
    (main,) = root.findall("body/outline[@xmlUrl]")
    assert main.get("xmlUrl") == BASE + "rss.xml" and main.get("htmlUrl") == BASE
    headings = root.findall("body/outline[@text][@type]") + root.findall("body/outline")
    groups = {o.get("text"): o for o in headings if o.get("xmlUrl") is None}
    assert list(groups) == ["分类", "标签"]
    assert len(groups["分类"]) == 2 and len(groups["标签"]) == 1
    feeds = root.findall(".//outline[@xmlUrl]")
    assert len(feeds) == 4
    for outline in feeds:
        assert outline.get("type") == "rss"
        url = outline.get("xmlUrl", "")
        rss = parse_rss((out / unquote(url.removeprefix(BASE))).read_bytes())
        assert rss.feed.title == outline.get("text") == outline.get("title")
        assert rel(rss, "self") == url
    assert {o.get("text") for o in groups["分类"]} == {"老家 \"&\" — 分类: 生活",
                                                      "老家 \"&\" — 分类: R&D x"}  # fmt: skip


def test_opml_stays_well_formed_whatever_the_names_hold() -> None:
    nasty = 'a&b <c> "d" \x01 \ud800 ]]>'
    data = render_opml(nasty, [Outline(nasty, BASE + "rss.xml", BASE)], [Group(nasty, ())])
    root = xml_root(data)
    assert [o.get("text") for o in root.iter("outline")] == ['a&b <c> "d"   ]]>']
    assert len(root.findall("body/outline")) == 1  # an empty group is left out


# --- RFC 5005 archives --------------------------------------------------------------------


def archived_site(**changes: Any) -> Site:
    return Site(title="老家", url=BASE, limit=3, archives=True, archive_size=2, **changes)


def test_archive_pages_hold_the_older_posts_oldest_first(posts: Path, tmp_path: Path) -> None:
    for number in range(1, 8):
        write_post(posts, number)
    out = tmp_path / "public"
    run(posts, out, archived_site())
    assert files(out) == sorted([*FORMATS] + [f"archive/{n}/{f}" for n in (1, 2) for f in FORMATS])
    rss, atom, feed = read_all(out)
    assert titles(rss) == ["文章 7", "文章 6", "文章 5"]
    page1 = read_all(out / "archive/1")
    page2 = read_all(out / "archive/2")
    assert titles(page1[0]) == titles(page1[1]) == ["文章 2", "文章 1"]
    assert titles(page2[0]) == titles(page2[1]) == ["文章 4", "文章 3"]
    assert [i["title"] for i in page2[2]["items"]] == ["文章 4", "文章 3"]
    # the subscription document points to the newest page, in its own format
    assert rel(rss, "prev-archive") == BASE + "archive/2/rss.xml"
    assert rel(atom, "prev-archive") == BASE + "archive/2/atom.xml"
    assert feed["next_url"] == BASE + "archive/2/feed.json"
    assert rel(rss, "current") is None
    # the pages point to the current feed and to each other
    for parsed, name in ((page2[0], "rss.xml"), (page2[1], "atom.xml")):
        assert rel(parsed, "current") == BASE + name
        assert rel(parsed, "prev-archive") == BASE + "archive/1/" + name
        assert rel(parsed, "next-archive") is None
        assert rel(parsed, "self") == BASE + "archive/2/" + name
    for parsed, name in ((page1[0], "rss.xml"), (page1[1], "atom.xml")):
        assert rel(parsed, "prev-archive") is None
        assert rel(parsed, "next-archive") == BASE + "archive/2/" + name
    assert page2[2]["next_url"] == BASE + "archive/1/feed.json"
    assert "next_url" not in page1[2]


def test_only_archive_documents_carry_fh_archive(posts: Path, tmp_path: Path) -> None:
    for number in range(1, 6):
        write_post(posts, number)
    out = tmp_path / "public"
    run(posts, out, archived_site())
    for name in ("rss.xml", "atom.xml"):
        main = xml_root((out / name).read_bytes())
        assert xpath(main, "//*[local-name() = 'archive']") == []
        page = xml_root((out / "archive/1" / name).read_bytes())
        (marker,) = xpath(page, "//*[local-name() = 'archive']")
        assert marker.tag == f"{{{FH}}}archive"
        assert marker.getparent() is (page if name == "atom.xml" else page.find("channel"))


def test_following_prev_archive_links_collects_every_post_once(posts: Path, tmp_path: Path) -> None:
    for number in range(1, 12):
        write_post(posts, number)
    out = tmp_path / "public"
    run(posts, out, Site(title="老家", url=BASE, limit=4, archives=True))
    for name, parse in (("rss.xml", parse_rss), ("atom.xml", parse_atom)):
        seen: list[str] = []
        url: str | None = BASE + name
        while url is not None:
            parsed = parse((out / url.removeprefix(BASE)).read_bytes())
            seen.extend(titles(parsed))
            url = rel(parsed, "prev-archive")
        assert sorted(seen) == sorted(f"文章 {n}" for n in range(1, 12))
        assert len(seen) == 11
    # the page size defaults to the main feed's item count
    assert titles(parse_rss((out / "archive/1/rss.xml").read_bytes())) == [
        "文章 4",
        "文章 3",
        "文章 2",
        "文章 1",
    ]


def test_a_new_post_leaves_full_archive_pages_alone(posts: Path, tmp_path: Path) -> None:
    for number in range(1, 8):
        write_post(posts, number)
    out = tmp_path / "public"
    run(posts, out, archived_site())
    before = {name: (out / name).read_bytes() for name in files(out)}
    write_post(posts, 8)
    result = run(posts, out, archived_site())
    changed = {f.name for f in result.feeds if f.changed}
    assert not changed & {f"archive/1/{f}" for f in FORMATS}
    assert {"rss.xml", "archive/3/rss.xml"} <= changed
    assert titles(parse_rss(before["archive/2/rss.xml"])) == titles(
        parse_rss((out / "archive/2/rss.xml").read_bytes())
    )
    assert titles(parse_rss((out / "archive/3/rss.xml").read_bytes())) == ["文章 5"]


def test_archives_rescue_posts_the_budget_left_out(posts: Path, tmp_path: Path) -> None:
    for number in range(1, 6):
        write_post(posts, number, body="长文。" * 3000)
    out = tmp_path / "public"
    site = Site(url=BASE, archives=True, archive_size=5, budget=60_000)
    result = build(posts, out, site)
    assert not [d for d in result.diagnostics if "newest" in d.message]
    kept = len(parse_rss((out / "rss.xml").read_bytes()).entries)
    assert 0 < kept < 5
    pages = parse_rss((out / "archive/1/rss.xml").read_bytes())
    assert len(pages.entries) == 5 - kept  # nothing lost, nothing trimmed
    over = [d for d in result.diagnostics if d.field == "archive_size"]
    assert len(over) <= 1


def test_an_oversized_archive_page_is_kept_whole_with_a_warning(
    posts: Path, tmp_path: Path
) -> None:
    for number in range(1, 8):
        write_post(posts, number, body="长文。" * 3000)
    result = build(posts, tmp_path / "out", Site(url=BASE, limit=1, archives=True, budget=40_000,
                                                  archive_size=6))  # fmt: skip
    page = parse_rss((tmp_path / "out/archive/1/rss.xml").read_bytes())
    assert len(page.entries) == 6
    (warning,) = [d for d in result.diagnostics if d.field == "archive_size"]
    assert "archive/1" in warning.message and warning.severity is Severity.WARNING


def test_no_archive_pages_when_the_main_feed_holds_everything(posts: Path, tmp_path: Path) -> None:
    for number in range(1, 4):
        write_post(posts, number)
    out = tmp_path / "public"
    run(posts, out, Site(url=BASE, archives=True))
    assert files(out) == ["atom.xml", "feed.json", "rss.xml"]
    assert rel(parse_rss((out / "rss.xml").read_bytes()), "prev-archive") is None


def test_paginate_and_links_by_the_numbers() -> None:
    assert page_count(0, 5) == 0 and page_count(5, 0) == 0
    assert page_count(5, 5) == 1 and page_count(6, 5) == 2
    assert paginate([], 3) == ()

    def url_of(number: int | None) -> str:
        return "main" if number is None else f"p{number}"

    assert links(None, 0, url_of) == {}
    assert links(None, 3, url_of) == {"prev-archive": "p3"}
    assert links(2, 3, url_of) == {"current": "main", "prev-archive": "p1", "next-archive": "p3"}
    assert links(1, 1, url_of) == {"current": "main"}


def test_formats_mark_archive_documents_only() -> None:
    doc = FeedDocument(
        site=SITE,
        items=(),
        feed_urls=MappingProxyType({"rss": BASE + "a/rss.xml", "atom": BASE + "a/atom.xml"}),
        updated=datetime(2021, 1, 1, tzinfo=UTC),
        links=MappingProxyType({"current": BASE + "rss.xml"}),
    )
    for render, parse in ((render_rss, parse_rss), (render_atom, parse_atom)):
        data = render(doc)
        parse(data)
        assert len(xpath(xml_root(data), "//*[local-name()='archive']")) == 1
        plain = render(FeedDocument(doc.site, (), doc.feed_urls, doc.updated))
        assert FH.encode() not in plain
