"""The pages for people in a build (``pages = true``, ``--pages``): ``feed.html`` beside each
feed and ``feeds.html`` listing them all, linked both ways; the same bytes whether the main
feed was streamed or serialized whole; nothing but feeds in the summary and the results;
``links`` pointing to the index page."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote

import lxml.html
import pytest
from click.testing import CliRunner

from laojia_feed import RunOptions, build_from, load_deferred
from laojia_feed.cli.commands import cli
from laojia_feed.model import Site
from test_parallel import NOW, SITE, feeds, write_corpus
from test_streamed import EVERYTHING, built

BASE = SITE.url
PAGES = replace(SITE, pages=True, category_feeds=True, tag_feeds=True)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    posts = tmp_path / "posts"
    write_corpus(posts)
    return posts


def parsed(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(path.read_bytes())


def alternates(page: lxml.html.HtmlElement) -> list[str]:
    return [str(href) for href in page.xpath('//link[@rel="alternate"]/@href')]


def anchors(page: lxml.html.HtmlElement) -> set[str]:
    return {str(href) for href in page.xpath("//a/@href")}


def local(out: Path, url: str) -> Path:
    """The output file an absolute URL of the site stands for."""
    assert url.startswith(BASE), url
    return out / unquote(url.removeprefix(BASE))


def build(posts: Path, out: Path, site: Site, jobs: int = 1) -> list[str]:
    run = RunOptions(jobs=jobs)
    lean, reader = load_deferred(posts, site, run=run, now=NOW)
    result = build_from(lean, posts, out, site, run=run, bodies=reader)
    assert result.feeds, result.all_diagnostics
    return [f.name for f in result.feeds]


def test_every_feed_has_its_page_and_the_index_lists_them_all(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    reported = build(corpus, out, PAGES)
    assert reported and not any(name.endswith(".html") for name in reported)
    feed_folders = {Path(name).parent for name in reported if name.endswith("rss.xml")}
    assert len(feed_folders) > 5  # the main feed, categories and tags
    index = parsed(out / "feeds.html")
    listed = {unquote(href) for href in anchors(index)}
    codes = {str(text).strip() for text in index.xpath("//code/text()")}
    assert BASE + "feeds.opml" in listed
    for folder in feed_folders:
        page_path = out / folder / "feed.html"
        page = parsed(page_path)
        own = [unquote(u) for u in alternates(page)]
        prefix = BASE + ("" if folder == Path() else folder.as_posix() + "/")
        assert own == [prefix + "rss.xml", prefix + "atom.xml", prefix + "feed.json"]
        assert all(local(out, url).is_file() for url in own)
        assert BASE + "feeds.html" in anchors(page)  # back to the index
        assert prefix + "feed.html" in listed  # the index links the page...
        assert set(own) <= {unquote(c) for c in codes}  # ...and gives its feeds
    for href in anchors(index):
        if href.startswith(BASE) and href != BASE:
            assert local(out, href).is_file(), href


def test_a_page_shows_the_newest_twenty_posts_of_its_feed(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(corpus, out, PAGES)
    page = parsed(out / "feed.html")
    shown = [str(h) for h in page.xpath('//li[@class="post"]//h3/a/@href')]
    rss = lxml.etree.fromstring((out / "rss.xml").read_bytes())
    in_feed = [str(link.text) for link in rss.iterfind("channel/item/link")]
    assert len(in_feed) > 20
    assert shown == in_feed[:20]


def test_without_pages_no_page_is_written(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(corpus, out, replace(PAGES, pages=False))
    assert not list(out.rglob("*.html"))


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_streamed_build_writes_the_pages_of_a_whole_document_build(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    # small chunks on several processes: the newest twenty come back over several chunks
    stream = sys.modules["laojia_feed.write.stream"]
    monkeypatch.setattr(stream, "RENDER_MIN_PARALLEL", 10)
    monkeypatch.setattr(stream, "_STREAM_CHUNK", 7)
    site = replace(EVERYTHING, pages=True)
    _, _ = built(corpus, tmp_path / "whole", site, monkeypatch, streamed=False, jobs=jobs)
    _, answers = built(corpus, tmp_path / "streamed", site, monkeypatch, streamed=True, jobs=jobs)
    assert answers and answers[0] is not None  # the streamed path did the work
    assert len(answers[0][1]) == 20
    written = feeds(tmp_path / "streamed")
    assert {"feed.html", "feeds.html"} <= written.keys()
    assert written == feeds(tmp_path / "whole")


def test_pages_flag_and_summary(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["build", str(corpus), "-o", str(out), "--site-url", BASE, "--pages"]
    done = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert (out / "feed.html").is_file() and (out / "feeds.html").is_file()
    summary = done.stderr.strip().splitlines()[-1]
    assert ".html" not in summary and "more feed files" not in summary


def test_pages_off_writes_the_feeds_of_before(corpus: Path, tmp_path: Path) -> None:
    build(corpus, tmp_path / "on", replace(PAGES, budget=None))
    build(corpus, tmp_path / "off", replace(PAGES, budget=None, pages=False))
    on = {k: v for k, v in feeds(tmp_path / "on").items() if not k.endswith(".html")}
    assert on == feeds(tmp_path / "off")


def test_links_points_to_the_index_page_when_pages_are_on(tmp_path: Path) -> None:
    def links(*flags: str) -> list[str]:
        args = ["links", str(tmp_path), "--site-url", BASE, "--language", "en", *flags]
        done = CliRunner().invoke(cli, args, catch_exceptions=False)
        assert done.exit_code == 0, done.output
        return done.stdout.splitlines()

    without = links()
    with_pages = links("--pages")
    assert with_pages[: len(without)] == without
    assert with_pages[len(without) :] == [
        f'<!-- for the footer or the RSS button: <a href="{BASE}feeds.html">All feeds</a> -->'
    ]
