"""A build stages each serialized file in a temporary file at once and renames them all
at the end: no output file changes before everything is serialized, no temporary file
outlives a failure, and the writer keeps no feed's bytes."""

from __future__ import annotations

import functools
import os
from pathlib import Path

import pytest

from laojia_feed import Site, build
from laojia_feed.write import output
from laojia_feed.write.writer import OutputFile, Writer

POST = "---\ntitle: 第{n}篇\ndate: 2021-03-0{n} 10:00:00\ncategories: [生活]\n---\n正文 {n}\n"
LOCK = output.build_lock
SITE = Site(url="https://blog.example.org/", category_feeds=True, budget=None)


def posts(tmp_path: Path, count: int = 3) -> Path:
    folder = tmp_path / "posts"
    folder.mkdir()
    for n in range(1, count + 1):
        (folder / f"p{n}.md").write_text(POST.format(n=n), encoding="utf-8")
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def hidden(folder: Path) -> list[Path]:
    return list(folder.rglob(".*"))


def test_failure_while_serializing_touches_no_output_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src, out = posts(tmp_path), tmp_path / "out"
    assert build(src, out, SITE).ok
    before = snapshot(out)
    (src / "p4.md").write_text(POST.format(n=4), encoding="utf-8")

    def late_failure(*args: object, **kwargs: object) -> bytes:
        assert hidden(out), "every feed is staged before the index is rendered"
        raise RuntimeError("boom")

    monkeypatch.setattr("laojia_feed.feeds.opml.render_opml", late_failure)
    with pytest.raises(RuntimeError):
        build(src, out, SITE)
    assert snapshot(out) == before
    assert hidden(out) == []


def test_failure_while_renaming_removes_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src, out = posts(tmp_path), tmp_path / "out"
    replaced: list[str] = []
    real = os.replace

    def third_fails(a: str, b: Path) -> None:
        if len(replaced) == 2:
            raise OSError(28, "No space left on device")
        replaced.append(str(b))
        real(a, b)

    monkeypatch.setattr("laojia_feed.write.output.os.replace", third_fails)
    result = build(src, out, SITE)
    assert not result.ok
    assert any("No space left" in d.message for d in result.diagnostics)
    assert hidden(out) == []
    assert {f.name for f in result.feeds} <= {str(Path(p).relative_to(out)) for p in replaced}
    assert len(replaced) == 2


def test_rebuild_rewrites_nothing_and_leaves_no_temp(tmp_path: Path) -> None:
    src, out = posts(tmp_path), tmp_path / "out"
    first = build(src, out, SITE)
    second = build(src, out, SITE)
    assert [f.changed for f in first.feeds] == [True] * len(first.feeds)
    assert [f.changed for f in second.feeds] == [False] * len(second.feeds)
    assert [(f.name, f.size, f.items) for f in first.feeds] == [
        (f.name, f.size, f.items) for f in second.feeds
    ]
    assert {f.name for f in first.feeds} >= {"rss.xml", "categories/生活/rss.xml"}
    assert all((out / f.name).stat().st_size == f.size for f in first.feeds)
    assert hidden(out) == []


def test_busy_lock_still_reports_everything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src, out = posts(tmp_path), tmp_path / "out"
    out.mkdir()
    monkeypatch.setattr("laojia_feed.write.output.build_lock", functools.partial(LOCK, wait=0))
    with LOCK(out):
        result = build(src, out, SITE)
    assert result.feeds == ()
    assert [d.message for d in result.diagnostics if d.field == "output"] == [
        f"another laojia-feed build is writing to {out} (waited 0 s)"
    ]
    assert list(out.iterdir()) == []


def test_writer_keeps_sizes_not_bytes(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with output.Staging(out) as staging:
        writer = Writer(staging)
        placed = writer.put(OutputFile("rss.xml", b"<rss/>", "rss", 0))
        assert (placed.size, placed.digest, placed.ticket) == (6, None, 0)
        assert not (out / "rss.xml").exists()
        assert len(hidden(out)) == 1
    assert list(out.iterdir()) == []  # never committed: the temp file is gone


def test_staging_commits_in_order_and_skips_unchanged(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "same.xml").write_bytes(b"same")
    with output.Staging(out) as staging:
        a = staging.stage("sub/a.xml", b"A")
        b = staging.stage("same.xml", b"same")
        c = staging.stage("c.xml", b"C")
        staging.drop(c)
        assert len(hidden(out)) == 1
        staging.commit([b, a])
        assert staging.committed == {"same.xml": False, "sub/a.xml": True}
    assert snapshot(out) == {"same.xml": b"same", "sub/a.xml": b"A"}
    assert hidden(out) == []
