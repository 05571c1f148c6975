"""The opt-in build cache: cached builds are byte-identical to plain ones, whatever changed."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from laojia_feed import cache, load
from laojia_feed.build import build
from laojia_feed.model import Site
from test_parallel import SITE, feeds, write_corpus

NOW = datetime(2024, 6, 1, tzinfo=UTC)
LATER = datetime(2031, 1, 1, tzinfo=UTC)  # the future post is due


def plain(posts: Path, out: Path, site: Site = SITE, now: datetime = NOW) -> dict[str, bytes]:
    """The feeds of a build without cache, in one process."""
    build(posts, out, replace(site, jobs=1), now=now)
    return feeds(out)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    write_corpus(tmp_path / "posts")
    return tmp_path / "posts"


def cached_site(tmp_path: Path, jobs: int = 1) -> Site:
    return replace(SITE, cache_dir=str(tmp_path / "cache"), jobs=jobs)


def count_loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record which posts the loader parses (the cache answers for the others)."""
    parsed: list[str] = []
    real = load.load_posts

    def spy(files, posts, site, now):  # type: ignore[no-untyped-def]
        parsed.extend(f.relpath for f in files)
        return real(files, posts, site, now)

    monkeypatch.setattr(load, "load_posts", spy)
    return parsed


def test_cached_builds_equal_plain_builds_through_edits_and_time(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = cached_site(tmp_path)
    out = tmp_path / "out"
    parsed = count_loads(monkeypatch)
    first = build(corpus, out, site, now=NOW)
    assert feeds(out) == plain(corpus, tmp_path / "p1")
    assert any(f.changed for f in first.feeds)
    assert len(parsed) > 50

    parsed.clear()  # nothing changed: nothing parsed (but the future post), nothing written
    second = build(corpus, out, site, now=NOW)
    assert parsed == ["future.md"]
    assert feeds(out) == plain(corpus, tmp_path / "p2")
    assert not any(f.changed for f in second.feeds)
    assert [str(d) for d in second.all_diagnostics] == [str(d) for d in first.all_diagnostics]

    parsed.clear()  # one post edited: only it is parsed again
    edited = corpus / "p005.html"
    edited.write_text(edited.read_text("utf-8").replace("第5篇新闻", "第5篇 改过"), "utf-8")
    build(corpus, out, site, now=NOW)
    assert sorted(parsed) == ["future.md", "p005.html"]
    assert b"\xe6\x94\xb9\xe8\xbf\x87" in (out / "rss.xml").read_bytes()  # 改过
    assert feeds(out) == plain(corpus, tmp_path / "p3")

    parsed.clear()  # touched, same bytes: not parsed again
    os.utime(corpus / "p006.html", ns=(1, 1))
    build(corpus, out, site, now=NOW)
    assert parsed == ["future.md"]

    build(corpus, out, site, now=LATER)  # the future post became due
    assert "未来".encode() in (out / "rss.xml").read_bytes()
    assert feeds(out) == plain(corpus, tmp_path / "p4", now=LATER)

    (corpus / "p010.html").unlink()  # a post deleted
    build(corpus, out, site, now=LATER)
    assert feeds(out) == plain(corpus, tmp_path / "p5", now=LATER)


def test_parallel_cached_build_equals_plain_build(corpus: Path, tmp_path: Path) -> None:
    site = cached_site(tmp_path, jobs=2)
    build(corpus, tmp_path / "out", site, now=NOW)
    build(corpus, tmp_path / "out", site, now=NOW)
    assert feeds(tmp_path / "out") == plain(corpus, tmp_path / "p")


def test_settings_change_rebuilds(corpus: Path, tmp_path: Path) -> None:
    site = cached_site(tmp_path)
    build(corpus, tmp_path / "out", site, now=NOW)
    other = replace(site, title="别的名字", timezone="UTC")
    build(corpus, tmp_path / "out", other, now=NOW)
    assert feeds(tmp_path / "out") == plain(corpus, tmp_path / "p", other)


def test_output_changed_behind_our_back_is_rewritten(corpus: Path, tmp_path: Path) -> None:
    site = cached_site(tmp_path)
    build(corpus, tmp_path / "out", site, now=NOW)
    (tmp_path / "out" / "atom.xml").write_bytes(b"<feed/>")
    (tmp_path / "out" / "feed.json").unlink()
    result = build(corpus, tmp_path / "out", site, now=NOW)
    assert feeds(tmp_path / "out") == plain(corpus, tmp_path / "p")
    assert {f.name for f in result.feeds if f.changed} == {"atom.xml", "feed.json"}


@pytest.mark.parametrize("damage", [b"", b"garbage", cache.MAGIC + b"\x00\x01", b"{}"])
def test_corrupt_cache_files_are_ignored(corpus: Path, tmp_path: Path, damage: bytes) -> None:
    site = cached_site(tmp_path)
    build(corpus, tmp_path / "out", site, now=NOW)
    for path in (tmp_path / "cache").iterdir():
        path.write_bytes(damage)
    (tmp_path / "out" / "rss.xml").unlink()
    build(corpus, tmp_path / "out", site, now=NOW)
    assert feeds(tmp_path / "out") == plain(corpus, tmp_path / "p")


def test_cache_others_may_write_is_not_trusted(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = cached_site(tmp_path)
    build(corpus, tmp_path / "out", site, now=NOW)
    for path in (tmp_path / "cache").iterdir():
        path.chmod(0o666)
    parsed = count_loads(monkeypatch)
    build(corpus, tmp_path / "out", site, now=NOW)
    assert len(parsed) > 50  # every post parsed again
    assert feeds(tmp_path / "out") == plain(corpus, tmp_path / "p")


def test_plain_data_round_trip(corpus: Path) -> None:
    result = load.load_articles(corpus, SITE, now=NOW)
    for article in result.articles:
        outcome = load.Outcome(article=article, diagnostics=result.diagnostics[:2])
        assert cache.outcome_from_plain(cache.plain_outcome(outcome)) == outcome


@pytest.mark.parametrize(
    "plain", [None, (), ("x", None, ()), (None, "nonsense", ()), (None, None, (("p",),))]
)
def test_foreign_plain_data_is_refused(plain: object) -> None:
    with pytest.raises((ValueError, TypeError)):
        cache.outcome_from_plain(plain)


def test_default_build_writes_nothing_outside_the_output(corpus: Path, tmp_path: Path) -> None:
    before = sorted(p.name for p in tmp_path.iterdir())
    build(corpus, tmp_path / "out", SITE, now=NOW)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*before, "out"])


def test_shared_plain_data_is_equal_and_shares_repeated_values(corpus: Path) -> None:
    result = load.load_articles(corpus, SITE, now=NOW)
    plains = [cache.plain_outcome(load.Outcome(article=a)) for a in result.articles]
    memo: dict[object, object] = {}
    shared = [cache._shared(p, memo) for p in plains]
    assert shared == plains
    assert [cache.outcome_from_plain(p).article for p in shared] == list(result.articles)
    first_categories = {id(p[0][10][0]) for p in shared}  # 生活 in every post: one object
    assert len(first_categories) == 1


def test_touched_posts_do_not_rewrite_the_cache_each_time(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "_STALE_IDENTITIES", 10)
    (corpus / "future.md").unlink()  # future posts are parsed (and the cache written) each time
    site = cached_site(tmp_path)
    build(corpus, tmp_path / "out", site, now=NOW)
    (posts_file,) = (tmp_path / "cache").glob("posts-*")
    written = posts_file.stat().st_mtime_ns
    os.utime(corpus / "p006.html", ns=(1, 1))
    build(corpus, tmp_path / "out", site, now=NOW)
    assert posts_file.stat().st_mtime_ns == written
    for post in sorted(corpus.glob("p0*.html")):  # many touched: written again
        os.utime(post, ns=(2, 2))
    build(corpus, tmp_path / "out", site, now=NOW)
    assert posts_file.stat().st_mtime_ns != written
    assert feeds(tmp_path / "out") == plain(corpus, tmp_path / "p")


def test_damaged_article_fields_are_refused(corpus: Path) -> None:
    article = load.load_articles(corpus, SITE, now=NOW).articles[0]
    good = cache.plain_outcome(load.Outcome(article=article))
    assert good[0] is not None
    for index, damage in [(0, 5), (6, None), (7, "rst"), (7, ["markdown"]), (9, [("x",)])]:
        fields = list(good[0])
        fields[index] = damage
        with pytest.raises((ValueError, TypeError)):
            cache.outcome_from_plain((tuple(fields), None, ()))
    for index in (10, 11):  # categories, tags
        fields = list(good[0])
        fields[index] = ("ok", 3)
        with pytest.raises((ValueError, TypeError)):
            cache.outcome_from_plain((tuple(fields), None, ()))
