"""Opt-in per-language feeds (issue 13, §4): ``language_feeds = true`` writes one feed per
entry language under ``languages/<tag>/``, in that language, read back with feedparser."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner

import laojia_feed
from feedcheck import parse_atom, parse_rss
from laojia_feed import Site
from laojia_feed.cli.commands import cli

SITE = Site(title="老家", url="https://laojia.example.org/", language="zh-CN", budget=None)
LATER = datetime(2030, 1, 1, tzinfo=UTC)


def write_posts(posts: Path) -> None:
    posts.mkdir()
    texts = {
        "zh.md": "---\ntitle: 春节回老家\ndate: 2023-01-22\n---\n坐了十个小时的火车。\n",
        "en.md": "---\ntitle: The garden opens on Saturday\ndate: 2022-05-14\n---\nTrees.\n",
        "fr.md": "---\ntitle: Le jardin\nlang: fr\ndate: 2022-05-15\n---\nArbres.\n",
    }
    for name, text in texts.items():
        (posts / name).write_text(text, encoding="utf-8")


def test_one_feed_per_language_in_that_language(tmp_path: Path) -> None:
    write_posts(tmp_path / "posts")
    result = laojia_feed.build(
        tmp_path / "posts", tmp_path / "out", replace(SITE, language_feeds=True), now=LATER
    )
    assert result.ok, result.all_diagnostics
    out = tmp_path / "out" / "languages"
    assert sorted(p.name for p in out.iterdir()) == ["en", "fr", "zh-CN"]
    english = parse_rss((out / "en" / "rss.xml").read_bytes())
    assert [e.title for e in english.entries] == ["The garden opens on Saturday"]
    assert english.feed.language == "en"
    assert english.feed.title == "老家 — 语言: en"
    french = parse_atom((out / "fr" / "atom.xml").read_bytes())
    assert [e.title for e in french.entries] == ["Le jardin"]
    chinese = parse_rss((out / "zh-CN" / "rss.xml").read_bytes())
    assert [e.title for e in chinese.entries] == ["春节回老家"]
    assert chinese.feed.language == "zh-CN"
    main = parse_rss((tmp_path / "out" / "rss.xml").read_bytes())
    assert len(main.entries) == 3  # the main feed still holds every post


def test_off_by_default_and_a_flag_turns_it_on(tmp_path: Path) -> None:
    write_posts(tmp_path / "posts")
    laojia_feed.build(tmp_path / "posts", tmp_path / "plain", SITE, now=LATER)
    assert not (tmp_path / "plain" / "languages").exists()
    args = ["build", str(tmp_path / "posts"), "--out", str(tmp_path / "cli")]
    args += ["--site-url", SITE.url, "--language-feeds"]
    done = CliRunner().invoke(cli, args)
    assert done.exit_code == 0, done.output
    assert (tmp_path / "cli" / "languages" / "en" / "rss.xml").is_file()
