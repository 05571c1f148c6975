"""A feed of every post is streamed: rendered and serialized entry by entry on every core,
appended to the staged files as it comes. It must write exactly what the whole-document
path writes, report the same diagnostics, and fall back to that path when it cannot go on.
"""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from feedcheck import parse_atom, parse_json, parse_rss
from laojia_feed import RunOptions, build_from, load_deferred
from laojia_feed.model import BuildResult, Severity, Site
from laojia_feed.read.load import CHANGED
from test_deferred import shown
from test_parallel import NOW, SITE, feeds, write_corpus

BUILD = sys.modules["laojia_feed.pipeline"]
STREAM_FEED = BUILD.stream_feed

EVERYTHING = replace(SITE, budget=None, limit=None)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    posts = tmp_path / "posts"
    write_corpus(posts)
    (posts / "script.html").write_text(
        "---\ntitle: 脚本\ndate: 2023-04-01 08:00\n---\n<p>正文</p><script>alert(1)</script>\n",
        encoding="utf-8",
    )
    return posts


def built(
    corpus: Path,
    out: Path,
    site: Site,
    monkeypatch: pytest.MonkeyPatch,
    *,
    streamed: bool,
    jobs: int | None = None,
) -> tuple[BuildResult, list[Any]]:
    """A build, through the streamed path or (``streamed=False``) the whole-document one;
    what ``stream_feed`` returned each time it was called."""
    answers: list[Any] = []

    def spy(*args: Any, **kwargs: Any) -> Any:
        answers.append(STREAM_FEED(*args, **kwargs) if streamed else None)
        return answers[-1]

    monkeypatch.setattr(BUILD, "stream_feed", spy)
    run = RunOptions(jobs=jobs)
    lean, reader = load_deferred(corpus, site, run=run, now=NOW)
    return build_from(lean, corpus, out, site, run=run, bodies=reader), answers


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("stylesheet", ["default", ""])
def test_a_streamed_feed_is_the_whole_document_feed(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int, stylesheet: str
) -> None:
    site = replace(EVERYTHING, stylesheet=stylesheet)
    whole, _ = built(corpus, tmp_path / "whole", site, monkeypatch, streamed=False, jobs=jobs)
    streamed, answers = built(
        corpus, tmp_path / "streamed", site, monkeypatch, streamed=True, jobs=jobs
    )
    assert answers and answers[0] is not None  # the streamed path did the work
    assert feeds(tmp_path / "streamed") == feeds(tmp_path / "whole")
    assert shown(streamed.diagnostics, tmp_path / "streamed") == shown(
        whole.diagnostics, tmp_path / "whole"
    )
    assert any(d.field == "body" and "script" in d.message for d in streamed.diagnostics)
    assert [(f.name, f.size, f.items) for f in streamed.feeds] == [
        (f.name, f.size, f.items) for f in whole.feeds
    ]
    data = {f.format: (tmp_path / "streamed" / f.name).read_bytes() for f in streamed.feeds}
    count = len(parse_rss(data["rss"]).entries)
    assert count == len(parse_atom(data["atom"]).entries) == len(parse_json(data["json"])["items"])
    assert count == streamed.feeds[0].items > 50


def test_an_unchanged_streamed_feed_is_not_replaced(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, _ = built(corpus, tmp_path / "out", EVERYTHING, monkeypatch, streamed=True)
    assert all(f.changed for f in first.feeds)
    again, answers = built(corpus, tmp_path / "out", EVERYTHING, monkeypatch, streamed=True)
    assert answers[0] is not None
    assert [f.changed for f in again.feeds] == [False, False, False]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_post_edited_while_streaming_falls_back_and_is_reported(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    site = EVERYTHING
    run = RunOptions(jobs=jobs)
    lean, reader = load_deferred(corpus, site, run=run, now=NOW)
    edited = corpus / lean.articles[5].source_path
    edited.write_text(edited.read_text(encoding="utf-8") + "<p>改</p>\n", encoding="utf-8")
    answers: list[Any] = []

    def spy(*args: Any, **kwargs: Any) -> Any:
        answers.append(STREAM_FEED(*args, **kwargs))
        return answers[-1]

    monkeypatch.setattr(BUILD, "stream_feed", spy)
    result = build_from(lean, corpus, tmp_path / "out", site, run=run, bodies=reader)
    assert answers == [None]  # abandoned: the whole-document path wrote the feeds
    errors = [(d.path, d.message) for d in result.diagnostics if d.severity is Severity.ERROR]
    assert errors == [(f"{corpus}/{lean.articles[5].source_path}", CHANGED)]
    assert sorted(os.listdir(tmp_path / "out")) == ["atom.xml", "feed.json", "rss.xml"]  # no temp
    items = parse_json((tmp_path / "out" / "feed.json").read_bytes())["items"]
    assert len(items) == len(lean.articles) - 1


def test_a_feed_text_that_needs_cleaning_takes_the_whole_document_path(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = replace(EVERYTHING, title="老家\x01新闻")  # the library takes a Site as given
    whole, _ = built(corpus, tmp_path / "whole", site, monkeypatch, streamed=False)
    streamed, answers = built(corpus, tmp_path / "streamed", site, monkeypatch, streamed=True)
    assert answers == [None]
    assert feeds(tmp_path / "streamed") == feeds(tmp_path / "whole")
    assert parse_rss((tmp_path / "streamed" / "rss.xml").read_bytes()).feed.title == "老家新闻"
    assert streamed.ok == whole.ok
