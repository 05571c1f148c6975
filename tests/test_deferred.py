"""Loading without bodies (load_deferred + build_from(bodies=...)): same feeds, less memory.

The CLI loads this way when only the newest posts reach the feeds; these tests prove
it changes no byte, and that a post edited between reading its metadata and reading
its body is left out with an error rather than published half old, half new.
"""

from __future__ import annotations

import codecs
import os
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from feedcheck import parse_atom, parse_json, parse_rss
from laojia_feed import RunOptions, build, build_from, load_articles, load_deferred
from laojia_feed.cli import commands as cli
from laojia_feed.feeds.serialize import likely_fit
from laojia_feed.model import Diagnostic, Severity, Site
from laojia_feed.read.load import CHANGED
from test_parallel import NOW, SITE, feeds, write_corpus


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """The parallel tests' corpus plus bodies whose bytes are not plain UTF-8 with LF."""
    posts = tmp_path / "posts"
    write_corpus(posts)
    front = "---\ntitle: 编码\ndate: 2023-04-02 08:00\n---\n"
    body = "<p>第一段</p>\n<p>第二段：中文内容足够长，用来判断编码。</p>\n"
    (posts / "bom.html").write_bytes(codecs.BOM_UTF8 + (front + body).encode())
    (posts / "crlf.html").write_bytes((front + body).replace("\n", "\r\n").encode())
    (posts / "gbk.html").write_bytes((front.replace("编码", "旧编码") + body).encode("gb18030"))
    wide = front.replace("编码", "宽编码") + body
    (posts / "wide.html").write_bytes(codecs.BOM_UTF16_LE + wide.encode("utf-16-le"))
    return posts


def shown(diagnostics: tuple[Diagnostic, ...], out: Path) -> list[str]:
    """Diagnostics as printed, with the output folder's name taken out."""
    return [f"{d.severity.value} {d}".replace(str(out), "OUT") for d in diagnostics]


SITES = {
    "default budget": SITE,
    "tight budget": replace(SITE, budget=6000),
    "limit": replace(SITE, limit=7, budget=None),
    "no budget": replace(SITE, budget=None),
    "everything": replace(SITE, budget=None, limit=None, category_feeds=True, tag_feeds=True),
    "archives": replace(SITE, archives=True, archive_size=9, budget=20_000),
    "term feeds": replace(SITE, category_feeds=True, tag_feeds=True, budget=9000),
}


def test_the_reader_gives_back_exactly_the_bodies_a_full_load_has(corpus: Path) -> None:
    full = load_articles(corpus, SITE, now=NOW)
    lean, reader = load_deferred(corpus, SITE, now=NOW)
    assert [a.id for a in lean.articles] == [a.id for a in full.articles]
    assert lean.diagnostics == full.diagnostics and lean.excluded == full.excluded
    assert all(a.body == "" for a in lean.articles)
    assert [reader(a) for a in lean.articles] == list(full.articles)
    for name in ("gbk.html", "wide.html", "crlf.html", "bom.html"):
        (article,) = (a for a in full.articles if a.source_path == name)
        assert "第二段" in article.body and "\r" not in article.body, name


@pytest.mark.parametrize("name", SITES)
@pytest.mark.parametrize("jobs", [1, 2])
def test_deferred_builds_equal_plain_builds(
    corpus: Path, tmp_path: Path, name: str, jobs: int
) -> None:
    site, run = SITES[name], RunOptions(jobs=jobs)
    plain = build(corpus, tmp_path / "plain", site, run=run, now=NOW)
    lean, reader = load_deferred(corpus, site, run=run, now=NOW)
    deferred = build_from(lean, corpus, tmp_path / "lean", site, run=run, bodies=reader)
    assert feeds(tmp_path / "lean") == feeds(tmp_path / "plain")
    assert shown(deferred.diagnostics, tmp_path / "lean") == shown(
        plain.diagnostics, tmp_path / "plain"
    )
    assert [f.items for f in deferred.feeds] == [f.items for f in plain.feeds]
    assert len(parse_rss((tmp_path / "lean" / "rss.xml").read_bytes()).entries) > 0


def test_the_cli_loads_without_bodies_and_writes_the_same_feeds(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = replace(SITE, budget=6000)
    build(corpus, tmp_path / "plain", site)
    deferred: list[str] = []
    real = load_deferred

    def spy(posts, site=None, **kwargs):  # type: ignore[no-untyped-def]
        deferred.append(str(posts))
        return real(posts, site, **kwargs)

    monkeypatch.setattr("laojia_feed.api.load_deferred", spy)
    flags = ["--site-url", SITE.url, "--title", SITE.title, "--timezone", SITE.timezone]
    args = ["build", str(corpus), "--out", str(tmp_path / "cli"), *flags, "--budget", "6000"]
    result = CliRunner().invoke(cli.cli, args)
    assert result.exit_code == 1, result.output  # broken.md and bad-date.md
    assert deferred == [str(corpus)]
    assert feeds(tmp_path / "cli") == feeds(tmp_path / "plain")


def test_the_cache_keeps_no_body_and_a_cached_build_equals_a_plain_one(
    corpus: Path, tmp_path: Path
) -> None:
    site, cached = replace(SITE, budget=None), RunOptions(cache_dir=str(tmp_path / "cache"))
    plain = build(corpus, tmp_path / "plain", site, now=NOW)
    for run in ("first", "cached"):  # parsed and cached, then every post from the cache
        lean, reader = load_deferred(corpus, site, run=cached, now=NOW)
        assert all(a.body == "" for a in lean.articles), run
        build_from(lean, corpus, tmp_path / run, site, run=cached, bodies=reader)
        assert feeds(tmp_path / run) == feeds(tmp_path / "plain"), run
    (stored,) = (tmp_path / "cache").glob("posts-*")
    assert "第二段".encode() not in stored.read_bytes()  # the cache holds no body
    full = load_articles(corpus, site, run=cached, now=NOW)  # the library reads them back
    assert full.articles == load_articles(corpus, site, now=NOW).articles
    assert plain.ok is False  # broken.md and bad-date.md, also in the cached loads
    assert [d.message for d in full.errors] == [d.message for d in plain.load.errors]


def test_a_cached_post_edited_without_a_new_identity_is_caught_by_its_checksum(
    corpus: Path, tmp_path: Path
) -> None:
    site, cached = SITE, RunOptions(cache_dir=str(tmp_path / "cache"))
    load_deferred(corpus, site, run=cached, now=NOW)
    post = corpus / "crlf.html"
    data = post.read_bytes()
    info = post.stat()
    post.write_bytes(data.replace("第一段".encode(), "第三段".encode()))  # same size
    os.utime(post, ns=(info.st_atime_ns, info.st_mtime_ns))  # same identity
    full = load_articles(corpus, site, run=cached, now=NOW)
    assert [(d.path, d.field, d.message) for d in full.errors if d.field == "file"] == [
        (f"{corpus}/crlf.html", "file", CHANGED)
    ]
    assert all(a.source_path != "crlf.html" for a in full.articles)


@pytest.mark.parametrize(
    ("site", "jobs"), [(SITE, None), (replace(SITE, budget=None), 2)], ids=["1", "2"]
)
def test_a_post_edited_during_the_build_is_left_out_with_an_error(
    corpus: Path, tmp_path: Path, site: Site, jobs: int | None
) -> None:
    run = RunOptions(jobs=jobs)
    lean, reader = load_deferred(corpus, site, run=run, now=NOW)
    newest = lean.articles[0]
    edited = corpus / newest.source_path
    edited.write_text(edited.read_text(encoding="utf-8") + "<p>新加的</p>\n", encoding="utf-8")
    result = build_from(lean, corpus, tmp_path / "out", site, run=run, bodies=reader)
    errors = [d for d in result.diagnostics if d.severity is Severity.ERROR]
    assert [(d.path, d.field, d.message) for d in errors] == [
        (f"{corpus}/{newest.source_path}", "file", CHANGED)
    ]
    assert not result.ok
    out = tmp_path / "out"
    for entries in (
        parse_rss((out / "rss.xml").read_bytes()).entries,
        parse_atom((out / "atom.xml").read_bytes()).entries,
    ):
        links = [e.link for e in entries]
        assert newest.url not in links
        assert lean.articles[1].url in links
    items = parse_json((out / "feed.json").read_bytes())["items"]
    assert len(items) == len(lean.articles) - 1
    assert all(i["url"] != newest.url for i in items)


def test_a_post_deleted_during_the_build_is_left_out_with_an_error(
    corpus: Path, tmp_path: Path
) -> None:
    lean, reader = load_deferred(corpus, SITE, now=NOW)
    gone = lean.articles[2]
    (corpus / gone.source_path).unlink()
    result = build_from(lean, corpus, tmp_path / "out", SITE, bodies=reader)
    errors = [d for d in result.diagnostics if d.severity is Severity.ERROR]
    assert [(d.path, d.field) for d in errors] == [(f"{corpus}/{gone.source_path}", "file")]
    items = parse_json((tmp_path / "out" / "feed.json").read_bytes())["items"]
    assert [i["url"] for i in items] == [a.url for a in lean.articles if a is not gone]


def test_likely_fit_is_the_newest_posts_whose_sources_fill_the_budget(corpus: Path) -> None:
    lean, _reader = load_deferred(corpus, SITE, now=NOW)
    sizes = {a.id: len((corpus / a.source_path).read_bytes()) for a in lean.articles}
    picked = likely_fit(lean.articles, 6000, lambda a: sizes[a.id])
    assert 1 <= len(picked) < len(lean.articles)
    assert tuple(picked) == lean.articles[: len(picked)]
    assert sum(sizes[a.id] for a in picked) + 1200 * len(picked) + 2048 > 6000
    assert likely_fit(lean.articles, 10**9, lambda a: sizes[a.id]) == lean.articles
