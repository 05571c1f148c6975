"""Parallel loading: chunks in order, and feeds byte-identical to a single-process build."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from laojia_feed import RunOptions, build, load_articles, parallel
from laojia_feed.model import Site

NOW = datetime(2024, 6, 1, tzinfo=UTC)
SITE = Site(url="https://blog.example.org/", title="老家", timezone="Asia/Shanghai")


def write_corpus(posts: Path, count: int = 60) -> None:
    """Posts of every kind: HTML and Markdown, errors, drafts, future, duplicate ids, extras."""
    posts.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        day = 1 + n % 28
        date = ["2023-03-%02d 08:00", "2023-03-%02dT08:00:00+09:00", "'2023/03/%02d'"][n % 3]
        meta = [
            f"title: 第{n}篇 <b>新闻</b> &amp; 评论" if n % 7 == 0 else f"title: 第{n}篇新闻",
            f"date: {date % day}",
            f"categories: [生活, 第{n % 4}类]",
            f"tags: [标签{n % 5}, 共同]",
            f"thumbnail: https://img.example.net/{n}.jpg",
            f"custom: {{nested: [1, 2.5, 文字], flag: {str(n % 2 == 0).lower()}}}",
        ]
        if n % 11 == 0:
            meta.append("id: same-id")  # later ones clash
        body = f'<p>正文 {n} <a href="/a/{n}/">链接</a> <img src="x{n}.png"></p>\n' * 3
        if n % 4 == 0:
            body = f"# 标题 {n}\n\n正文 *{n}* [链接](../b/{n}/)\n\n<!-- more -->\n\n更多\n"
        name = f"p{n:03d}.md" if n % 4 == 0 else f"p{n:03d}.html"
        (posts / name).write_text("---\n" + "\n".join(meta) + "\n---\n" + body, encoding="utf-8")
    (posts / "broken.md").write_text("---\ntitle: [unclosed\n---\nx\n", encoding="utf-8")
    (posts / "bad-date.md").write_text(
        "---\ntitle: t\ndate: 2021-02-30\n---\nx\n", encoding="utf-8"
    )
    (posts / "future.md").write_text(
        "---\ntitle: 未来\ndate: 2030-01-01 00:00\n---\n未来\n", encoding="utf-8"
    )
    (posts / "_drafts").mkdir(exist_ok=True)
    (posts / "_drafts" / "d.md").write_text("---\ntitle: 草稿\n---\nx\n", encoding="utf-8")


def feeds(out: Path) -> dict[str, bytes]:
    """Every file of an output folder, by path inside it."""
    return {
        p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()
    }


def test_chunks_cover_the_items_in_order() -> None:
    items = list(range(10))
    parts = parallel.chunks(items, 3)
    assert [list(p) for p in parts] == [[0, 1, 2, 3], [4, 5, 6], [7, 8, 9]]
    assert parallel.chunks(items, 50) == [[n] for n in items]
    assert parallel.chunks([], 4) == []


def test_worker_count() -> None:
    assert parallel.worker_count(1, 10_000) == 1
    assert parallel.worker_count(8, 3) == 3
    assert parallel.worker_count(None, parallel.MIN_PARALLEL - 1) == 1
    assert 1 <= parallel.worker_count(None, 50_000) <= parallel.available_cores()


def _square_all(part: Sequence[int]) -> list[int]:
    return [n * n for n in part]


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_map_chunks_keeps_order_and_reports_progress(jobs: int) -> None:
    seen: list[tuple[int, int]] = []
    result = parallel.map_chunks(
        _square_all, list(range(100)), jobs=jobs, progress=lambda d, t: seen.append((d, t))
    )
    assert result == [n * n for n in range(100)]
    assert seen[-1] == (100, 100)
    assert [d for d, _t in seen] == sorted(d for d, _t in seen)


def test_parallel_load_equals_single_process_load(tmp_path: Path) -> None:
    write_corpus(tmp_path / "posts")
    one = load_articles(tmp_path / "posts", SITE, run=RunOptions(jobs=1), now=NOW)
    two = load_articles(tmp_path / "posts", SITE, run=RunOptions(jobs=2), now=NOW)
    assert one == two
    assert one.errors and one.excluded and len(one.articles) > 40


@pytest.mark.parametrize("budget", [None, 20_000])
def test_parallel_build_is_byte_identical(tmp_path: Path, budget: int | None) -> None:
    write_corpus(tmp_path / "posts")
    results = []
    for jobs in (1, 2, 4):
        site = replace(SITE, budget=budget, category_feeds=True)
        out = tmp_path / f"out{jobs}"
        results.append(build(tmp_path / "posts", out, site, run=RunOptions(jobs=jobs), now=NOW))
    outputs = [feeds(tmp_path / f"out{jobs}") for jobs in (1, 2, 4)]
    assert outputs[0] == outputs[1] == outputs[2]
    assert {"rss.xml", "atom.xml", "feed.json", "feeds.opml"} < set(outputs[0])
    assert any(name.startswith("categories/") for name in outputs[0])
    said = [
        [str(d).replace(f"/out{jobs}", "/out") for d in result.all_diagnostics]
        for jobs, result in zip((1, 2, 4), results, strict=True)
    ]
    assert said[0] == said[1] == said[2]
