"""The opt-in build cache: cached builds are byte-identical to plain ones, whatever changed."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import fields, replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from laojia_feed import RunOptions, build
from laojia_feed.cache import codec
from laojia_feed.cache import posts as posts_cache
from laojia_feed.cli.commands import cli
from laojia_feed.model import Article, Site
from laojia_feed.read import load
from test_parallel import SITE, feeds, write_corpus

NOW = datetime(2024, 6, 1, tzinfo=UTC)
LATER = datetime(2031, 1, 1, tzinfo=UTC)  # the future post is due


def plain(posts: Path, out: Path, site: Site = SITE, now: datetime = NOW) -> dict[str, bytes]:
    """The feeds of a build without cache, in one process."""
    build(posts, out, site, run=RunOptions(jobs=1), now=now)
    return feeds(out)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    write_corpus(tmp_path / "posts")
    return tmp_path / "posts"


def cached_run(tmp_path: Path, jobs: int = 1) -> RunOptions:
    return RunOptions(cache_dir=str(tmp_path / "cache"), jobs=jobs)


def count_loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record which posts the loader parses (the cache answers for the others)."""
    parsed: list[str] = []
    real = load.load_posts

    def spy(files, posts, site, now, defer_bodies=False):  # type: ignore[no-untyped-def]
        parsed.extend(f.relpath for f in files)
        return real(files, posts, site, now, defer_bodies)

    monkeypatch.setattr(load, "load_posts", spy)
    return parsed


def test_cached_builds_equal_plain_builds_through_edits_and_time(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = cached_run(tmp_path)
    out = tmp_path / "out"
    parsed = count_loads(monkeypatch)
    first = build(corpus, out, SITE, run=run, now=NOW)
    assert feeds(out) == plain(corpus, tmp_path / "p1")
    assert any(f.changed for f in first.feeds)
    assert len(parsed) > 50

    parsed.clear()  # nothing changed: nothing parsed (but the future post), nothing written
    second = build(corpus, out, SITE, run=run, now=NOW)
    assert parsed == ["future.md"]
    assert feeds(out) == plain(corpus, tmp_path / "p2")
    assert not any(f.changed for f in second.feeds)
    assert [str(d) for d in second.all_diagnostics] == [str(d) for d in first.all_diagnostics]

    parsed.clear()  # one post edited: only it is parsed again
    edited = corpus / "p005.html"
    edited.write_text(edited.read_text("utf-8").replace("第5篇新闻", "第5篇 改过"), "utf-8")
    build(corpus, out, SITE, run=run, now=NOW)
    assert sorted(parsed) == ["future.md", "p005.html"]
    assert b"\xe6\x94\xb9\xe8\xbf\x87" in (out / "rss.xml").read_bytes()  # 改过
    assert feeds(out) == plain(corpus, tmp_path / "p3")

    parsed.clear()  # touched, same bytes: not parsed again
    os.utime(corpus / "p006.html", ns=(1, 1))
    build(corpus, out, SITE, run=run, now=NOW)
    assert parsed == ["future.md"]

    build(corpus, out, SITE, run=run, now=LATER)  # the future post became due
    assert "未来".encode() in (out / "rss.xml").read_bytes()
    assert feeds(out) == plain(corpus, tmp_path / "p4", now=LATER)

    (corpus / "p010.html").unlink()  # a post deleted
    build(corpus, out, SITE, run=run, now=LATER)
    assert feeds(out) == plain(corpus, tmp_path / "p5", now=LATER)


def test_parallel_cached_build_equals_plain_build(corpus: Path, tmp_path: Path) -> None:
    run = cached_run(tmp_path, jobs=2)
    build(corpus, tmp_path / "out", SITE, run=run, now=NOW)
    build(corpus, tmp_path / "out", SITE, run=run, now=NOW)
    assert feeds(tmp_path / "out") == plain(corpus, tmp_path / "p")


def test_settings_change_rebuilds(corpus: Path, tmp_path: Path) -> None:
    run = cached_run(tmp_path)
    build(corpus, tmp_path / "out", SITE, run=run, now=NOW)
    other = replace(SITE, title="别的名字", timezone="UTC")
    build(corpus, tmp_path / "out", other, run=run, now=NOW)
    assert feeds(tmp_path / "out") == plain(corpus, tmp_path / "p", other)


def test_output_changed_behind_our_back_is_rewritten(corpus: Path, tmp_path: Path) -> None:
    run = cached_run(tmp_path)
    build(corpus, tmp_path / "out", SITE, run=run, now=NOW)
    (tmp_path / "out" / "atom.xml").write_bytes(b"<feed/>")
    (tmp_path / "out" / "feed.json").unlink()
    result = build(corpus, tmp_path / "out", SITE, run=run, now=NOW)
    assert feeds(tmp_path / "out") == plain(corpus, tmp_path / "p")
    assert {f.name for f in result.feeds if f.changed} == {"atom.xml", "feed.json"}


@pytest.mark.parametrize("damage", [b"", b"garbage", posts_cache.MAGIC + b"\x00\x01", b"{}"])
def test_corrupt_cache_files_are_ignored(corpus: Path, tmp_path: Path, damage: bytes) -> None:
    run = cached_run(tmp_path)
    build(corpus, tmp_path / "out", SITE, run=run, now=NOW)
    for path in (tmp_path / "cache").iterdir():
        path.write_bytes(damage)
    (tmp_path / "out" / "rss.xml").unlink()
    build(corpus, tmp_path / "out", SITE, run=run, now=NOW)
    assert feeds(tmp_path / "out") == plain(corpus, tmp_path / "p")


def test_cache_others_may_write_is_not_trusted(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = cached_run(tmp_path)
    build(corpus, tmp_path / "out", SITE, run=run, now=NOW)
    for path in (tmp_path / "cache").iterdir():
        path.chmod(0o666)
    parsed = count_loads(monkeypatch)
    build(corpus, tmp_path / "out", SITE, run=run, now=NOW)
    assert len(parsed) > 50  # every post parsed again
    assert feeds(tmp_path / "out") == plain(corpus, tmp_path / "p")


def test_plain_data_round_trip(corpus: Path) -> None:
    result = load.load(corpus, SITE, now=NOW)[0]
    for article in result.articles:
        outcome = load.Outcome(article=article, diagnostics=result.diagnostics[:2])
        assert codec.outcome_from_plain(codec.plain_outcome(outcome)) == outcome


@pytest.mark.parametrize(
    "plain",
    [
        None,
        (),
        {"article": "x", "excluded": None, "diagnostics": (), "body_span": None},
        {"article": None, "excluded": "nonsense", "diagnostics": (), "body_span": None},
        {"article": None, "excluded": None, "diagnostics": ({"path": "p"},), "body_span": None},
        {"article": None, "excluded": None, "diagnostics": (), "body_span": (1, 2)},
        {"article": None, "excluded": None, "diagnostics": (), "body_span": ("1", 2, 3)},
    ],
)
def test_foreign_plain_data_is_refused(plain: object) -> None:
    with pytest.raises((ValueError, TypeError, KeyError)):
        codec.outcome_from_plain(plain)


def test_default_build_writes_nothing_outside_the_output(corpus: Path, tmp_path: Path) -> None:
    before = sorted(p.name for p in tmp_path.iterdir())
    build(corpus, tmp_path / "out", SITE, now=NOW)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*before, "out"])


def test_shared_plain_data_is_equal_and_shares_repeated_values(corpus: Path) -> None:
    result = load.load(corpus, SITE, now=NOW)[0]
    plains = [codec.plain_outcome(load.Outcome(article=a)) for a in result.articles]
    memo: dict[object, object] = {}
    shared = [codec.shared(p, memo) for p in plains]
    assert shared == plains
    assert [codec.outcome_from_plain(p).article for p in shared] == list(result.articles)
    first_categories = {id(p["article"]["categories"][0]) for p in shared}  # 生活: one object
    assert len(first_categories) == 1


def test_touched_posts_do_not_rewrite_the_cache_each_time(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(posts_cache, "_STALE_IDENTITIES", 10)
    (corpus / "future.md").unlink()  # future posts are parsed (and the cache written) each time
    run = cached_run(tmp_path)
    build(corpus, tmp_path / "out", SITE, run=run, now=NOW)
    (posts_file,) = (tmp_path / "cache").glob("posts-*")
    written = posts_file.stat().st_mtime_ns
    os.utime(corpus / "p006.html", ns=(1, 1))
    build(corpus, tmp_path / "out", SITE, run=run, now=NOW)
    assert posts_file.stat().st_mtime_ns == written
    for post in sorted(corpus.glob("p0*.html")):  # many touched: written again
        os.utime(post, ns=(2, 2))
    build(corpus, tmp_path / "out", SITE, run=run, now=NOW)
    assert posts_file.stat().st_mtime_ns != written
    assert feeds(tmp_path / "out") == plain(corpus, tmp_path / "p")


def test_damaged_article_fields_are_refused(corpus: Path) -> None:
    article = load.load(corpus, SITE, now=NOW)[0].articles[0]
    good = codec.plain_outcome(load.Outcome(article=article))
    assert good["article"] is not None
    damages = [
        ("id", 5),
        ("published", None),
        ("body_format", "rst"),
        ("body_format", ["markdown"]),
        ("authors", [("x",)]),
        ("categories", ("ok", 3)),
        ("tags", ("ok", 3)),
    ]
    for name, damage in damages:
        with pytest.raises((ValueError, TypeError)):
            codec.outcome_from_plain({**good, "article": {**good["article"], name: damage}})
    missing = {k: v for k, v in good["article"].items() if k != "title"}
    with pytest.raises(KeyError):
        codec.outcome_from_plain({**good, "article": missing})


def test_every_article_field_has_a_codec_entry() -> None:
    assert set(codec.FROM_PLAIN) == {f.name for f in fields(Article)}


# ---------------------------------------------------------------------------
# The command line's no-change fast path (the last-run record)

CONFIG = 'url = "https://blog.example.org/"\ntitle = "老家"\ntimezone = "Asia/Shanghai"\n'


@pytest.fixture
def site_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A posts folder with no future post, its config file beside it; run from there."""
    write_corpus(tmp_path / "posts")
    (tmp_path / "posts" / "future.md").unlink()
    (tmp_path / "laojia-feed.toml").write_text(CONFIG, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def count_cli_loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record each time a cached run loads the posts (the fast path never does)."""
    calls: list[str] = []
    real = load._load

    def spy(posts, site, now, progress, defer, jobs, store):  # type: ignore[no-untyped-def]
        if store is not None:
            calls.append(str(posts))
        return real(posts, site, now, progress, defer, jobs, store)

    monkeypatch.setattr(load, "_load", spy)
    return calls


def run_build(out: str, *args: str, cached: bool = True) -> Result:
    command = ["build", "posts", "--out", out, "--jobs", "1", *args]
    command += ["--cache-dir", "cache"] if cached else []
    return CliRunner().invoke(cli, command, catch_exceptions=False)


def forget_run(site_dir: Path) -> None:
    for record in (site_dir / "cache").glob("run-*.json"):
        record.unlink()


def test_fast_path_prints_what_the_normal_path_prints(
    site_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loads = count_cli_loads(monkeypatch)
    first = run_build("out")
    assert first.exit_code == 1  # broken.md and bad-date.md
    assert len(loads) == 1
    for style in (["--format", "text"], ["--format", "github"], ["-v"], ["-q"]):
        forget_run(site_dir)
        normal = run_build("out", *style)  # nothing changed, answered by the manifest
        assert len(loads) == 2
        fast = run_build("out", *style)
        assert len(loads) == 2, "the fast path loaded the posts"
        assert (fast.exit_code, fast.output) == (normal.exit_code, normal.output)
        loads.pop()
    assert "unchanged" in fast.output or "-q" in style
    assert ", unchanged)" in run_build("out").output
    assert feeds(site_dir / "out") == feeds_of_plain_run(site_dir)


def feeds_of_plain_run(site_dir: Path, *args: str) -> dict[str, bytes]:
    shutil.rmtree(site_dir / "plain", ignore_errors=True)
    run_build("plain", *args, cached=False)
    return feeds(site_dir / "plain")


def _edit_post(site_dir: Path) -> None:
    post = site_dir / "posts" / "p005.html"
    post.write_text(post.read_text("utf-8").replace("第5篇新闻", "第5篇 改过"), "utf-8")


def _add_post(site_dir: Path) -> None:
    (site_dir / "posts" / "new.md").write_text("---\ntitle: 新\ndate: 2023-04-01\n---\n新\n")


def _edit_config(site_dir: Path) -> None:
    (site_dir / "laojia-feed.toml").write_text(CONFIG.replace("老家", "新家"), "utf-8")


def _touch_config(site_dir: Path) -> None:
    os.utime(site_dir / "laojia-feed.toml", ns=(1, 1))


def _delete_output(site_dir: Path) -> None:
    (site_dir / "out" / "feed.json").unlink()


def _rewrite_output(site_dir: Path) -> None:
    (site_dir / "out" / "atom.xml").write_bytes(b"<feed/>")


def _foreign_record(site_dir: Path) -> None:
    for record in (site_dir / "cache").glob("run-*.json"):
        record.chmod(0o666)


def _damaged_record(site_dir: Path) -> None:
    for record in (site_dir / "cache").glob("run-*.json"):
        record.write_bytes(b'{"format": 1, "digest": []}')


@pytest.mark.parametrize(
    "change",
    [
        _edit_post,
        _add_post,
        _edit_config,
        _touch_config,
        _delete_output,
        _rewrite_output,
        _foreign_record,
        _damaged_record,
    ],
)
def test_any_change_takes_the_normal_path(
    site_dir: Path, monkeypatch: pytest.MonkeyPatch, change: Callable[[Path], None]
) -> None:
    loads = count_cli_loads(monkeypatch)
    run_build("out")
    run_build("out")
    assert len(loads) == 1  # the second run was answered by the record
    change(site_dir)
    changed = run_build("out")
    assert len(loads) == 2, "a change went unnoticed"
    assert feeds(site_dir / "out") == feeds_of_plain_run(site_dir)
    again = run_build("out")
    assert len(loads) == 2  # recorded again: the next run is fast
    assert (again.exit_code, again.output) == (
        changed.exit_code,
        changed.output.replace("MiB)", "MiB, unchanged)").replace("KiB)", "KiB, unchanged)"),
    )


@pytest.mark.parametrize("flag", [["--title", "别名"], ["--summary-only"], ["--limit", "3"]])
def test_changed_flags_take_the_normal_path(
    site_dir: Path, monkeypatch: pytest.MonkeyPatch, flag: list[str]
) -> None:
    loads = count_cli_loads(monkeypatch)
    run_build("out")
    run_build("out", *flag)
    assert len(loads) == 2
    assert feeds(site_dir / "out") == feeds_of_plain_run(site_dir, *flag)


def test_network_flags_and_other_out_take_the_normal_path(
    site_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loads = count_cli_loads(monkeypatch)
    run_build("out")
    run_build("out", "--ping")  # no hub: a warning, no request
    run_build(str(site_dir / "out"))  # the same folder, printed differently
    assert len(loads) == 3


def test_future_posts_leave_no_record_and_are_loaded_each_time(
    site_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (site_dir / "posts" / "future.md").write_text(
        "---\ntitle: 未来\ndate: 2999-01-01 00:00\n---\n未来\n", encoding="utf-8"
    )
    loads = count_cli_loads(monkeypatch)
    run_build("out")
    run_build("out")
    assert len(loads) == 2  # the day it falls due is only known by reading it
    assert not list((site_dir / "cache").glob("run-*.json"))
