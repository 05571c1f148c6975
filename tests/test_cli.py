"""The CLI end to end: commands, flags, exit codes, diagnostics, no tracebacks."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from click.testing import CliRunner, Result

from feedcheck import parse_atom, parse_json, parse_rss
from laojia_feed.cli import commands as cli_module
from laojia_feed.cli import report
from laojia_feed.cli.commands import cli
from laojia_feed.config import KEYS, load_config
from laojia_feed.model import Site

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
DATA = Path(__file__).resolve().parent / "data"
GOOD = """---
title: 好文章
date: 2021-12-09 11:10:27
categories: [生活]
---
<p>正文</p>
"""


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def posts(tmp_path: Path) -> Path:
    folder = tmp_path / "posts"
    folder.mkdir()
    (folder / "good.md").write_text(GOOD, encoding="utf-8")
    return folder


def test_build_examples_writes_three_valid_feeds_and_their_pages(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    out = tmp_path / "public"
    result = run("build", str(tmp_path / "examples/posts"), "--out", str(out))
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == ["atom.xml", "feed.html", "feed.json", "feeds.html", "rss.xml"]
    page = (out / "feed.html").read_text(encoding="utf-8")
    assert "https://laojia.example.org/rss.xml" in page and "2021年12月9日" in page
    rss = parse_rss((out / "rss.xml").read_bytes())
    atom = parse_atom((out / "atom.xml").read_bytes())
    feed = parse_json((out / "feed.json").read_bytes())
    assert len(rss.entries) == len(atom.entries) == len(feed["items"]) == 5
    # the example config next to the posts folder was read
    assert rss.feed.link == "https://laojia.example.org/"
    assert "placeholder" not in result.output


def test_python_dash_m_runs_the_same_command(tmp_path: Path, posts: Path) -> None:
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "laojia_feed", "build", str(posts), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert parse_json((out / "feed.json").read_bytes())["items"][0]["title"] == "好文章"


def test_bare_folder_uses_placeholder_with_one_warning(tmp_path: Path, posts: Path) -> None:
    result = run("build", str(posts), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0
    warnings = [line for line in result.output.splitlines() if "placeholder" in line]
    assert len(warnings) == 1
    assert warnings[0].startswith("warning:")
    link = parse_rss((tmp_path / "out/rss.xml").read_bytes()).entries[0].link
    assert link.startswith("https://example.com/")


def test_site_url_flag_overrides(tmp_path: Path, posts: Path) -> None:
    out = tmp_path / "out"
    result = run("build", str(posts), "-o", str(out), "--site-url", "https://blog.example.org/x")
    assert result.exit_code == 0
    assert "placeholder" not in result.output
    entry = parse_atom((out / "atom.xml").read_bytes()).entries[0]
    assert entry.link.startswith("https://blog.example.org/x/2021/12/09/")


def test_post_error_exits_1_and_keeps_good_posts(tmp_path: Path, posts: Path) -> None:
    (posts / "bad.md").write_text("---\ntitle: x\ndate: 2021-02-30\n---\nbody\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run("build", str(posts), "--out", str(out))
    assert result.exit_code == 1
    assert f"error: {posts}/bad.md: date: 2021-02-30 does not exist" in result.output
    assert "Traceback" not in result.output
    titles = [e.title for e in parse_rss((out / "rss.xml").read_bytes()).entries]
    assert titles == ["好文章"]


def test_drafts_and_future_posts_are_excluded_quietly(tmp_path: Path, posts: Path) -> None:
    (posts / "draft.md").write_text("---\ntitle: d\ndate: 2021-01-01\ndraft: true\n---\nx\n")
    (posts / "future.md").write_text("---\ntitle: f\ndate: 2999-01-01\n---\nx\n")
    result = run(
        "build", str(posts), "--out", str(tmp_path / "out"), "--site-url", "https://a.org/"
    )
    assert result.exit_code == 0
    assert "1 draft" in result.output and "1 future" in result.output
    assert "warning:" not in result.output


def test_include_future_flag(tmp_path: Path, posts: Path) -> None:
    (posts / "future.md").write_text("---\ntitle: f\ndate: 2999-01-01\n---\nx\n")
    out = tmp_path / "out"
    assert run("build", str(posts), "-o", str(out), "--include-future").exit_code == 0
    assert len(parse_json((out / "feed.json").read_bytes())["items"]) == 2


def test_config_error_exits_2_and_writes_nothing(tmp_path: Path, posts: Path) -> None:
    (posts / "laojia-feed.toml").write_text('url = "ftp://nope"\nlimit = -1\n')
    out = tmp_path / "out"
    result = run("build", str(posts), "--out", str(out))
    assert result.exit_code == 2
    assert "laojia-feed.toml: url:" in result.output
    assert "laojia-feed.toml: limit:" in result.output
    assert not out.exists()


def test_unknown_config_key_is_a_warning(tmp_path: Path, posts: Path) -> None:
    (posts.parent / "laojia-feed.toml").write_text('url = "https://a.org/"\ncolour = "red"\n')
    result = run("build", str(posts), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0
    assert "colour: unknown configuration key" in result.output


def test_pyproject_tool_table_is_read(tmp_path: Path, posts: Path) -> None:
    (posts.parent / "pyproject.toml").write_text('[tool.laojia-feed]\ntitle = "From pyproject"\n')
    out = tmp_path / "out"
    assert run("build", str(posts), "-o", str(out)).exit_code == 0
    assert parse_rss((out / "rss.xml").read_bytes()).feed.title == "From pyproject"


def test_check_writes_nothing_and_reports(tmp_path: Path, posts: Path) -> None:
    (posts / "bad.md").write_text("---\ntitle: x\n---\nbody\n", encoding="utf-8")
    before = sorted(p.name for p in posts.iterdir())
    result = run("check", str(posts))
    assert result.exit_code == 1
    assert "bad.md: date: no date given" in result.output
    assert sorted(p.name for p in posts.iterdir()) == before
    assert not (Path.cwd() / "public").exists() or (Path.cwd() / "public").is_dir()


def test_check_json_format(posts: Path) -> None:
    (posts / "bad.md").write_text("---\ntitle: x\ndate: yesterday\n---\nbody\n")
    result = run("check", str(posts), "--format", "json", "--site-url", "https://a.org/")
    records = [json.loads(line) for line in result.output.splitlines()]
    assert records == [
        {
            "path": f"{posts}/bad.md",
            "field": "date",
            "message": records[0]["message"],
            "severity": "error",
            "line": records[0]["line"],
        }
    ]
    assert "relative date" in records[0]["message"]


def test_check_github_annotations(posts: Path) -> None:
    (posts / "bad.md").write_text("---\ntitle: x\ndate: 2021-13-01\n---\nbody\n")
    result = run("check", str(posts), "--format", "github", "--site-url", "https://a.org/")
    assert result.exit_code == 1
    assert result.output.startswith(f"::error file={posts}/bad.md,line=3::date: ")


def test_quiet_hides_warnings_but_not_errors(tmp_path: Path, posts: Path) -> None:
    (posts / "bad.md").write_text("---\ntitle: x\n---\nbody\n")
    result = run("build", str(posts), "-o", str(tmp_path / "out"), "-q")
    assert result.exit_code == 1
    assert "placeholder" not in result.output
    assert "error:" in result.output


def test_output_that_cannot_be_written_exits_2(tmp_path: Path, posts: Path) -> None:
    blocker = tmp_path / "out"
    blocker.write_text("a file, not a folder")
    result = run("build", str(posts), "--out", str(blocker), "--site-url", "https://a.org/")
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_missing_posts_folder_is_a_usage_error(tmp_path: Path) -> None:
    result = run("build", str(tmp_path / "nope"))
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_internal_error_prints_one_line_no_traceback(
    monkeypatch: pytest.MonkeyPatch, posts: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def explode(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("laojia_feed.read.load._load", explode)
    with pytest.raises(SystemExit) as stopped:
        cli_module.main(["build", str(posts), "--out", str(posts.parent / "out")])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "internal error: RuntimeError: boom" in err
    assert "Traceback" not in err


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert "laojia-feed" in result.output


def test_init_writes_a_config_that_loads_to_the_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("init")
    assert result.exit_code == 0
    written = tmp_path / "laojia-feed.toml"
    config = load_config(written)
    assert config.site == Site()
    assert [d.field for d in config.diagnostics] == ["url"]  # only the placeholder warning
    text = written.read_text(encoding="utf-8")
    assert all(f"{key} =" in text for key in KEYS if key != "outputs")
    assert run("init").exit_code == 2  # never overwrites silently
    assert run("init", "--force").exit_code == 0


def test_links_prints_alternate_tags(posts: Path) -> None:
    (posts.parent / "laojia-feed.toml").write_text('url = "https://a.org/"\ntitle = "A & B"\n')
    result = run("links", str(posts))
    assert result.exit_code == 0
    root = lxml.html.fromstring(f"<head>{result.output}</head>")
    found = {(e.get("type"), e.get("href"), e.get("title")) for e in root.iter("link")}
    assert found == {
        ("application/rss+xml", "https://a.org/rss.xml", "A & B (RSS)"),
        ("application/atom+xml", "https://a.org/atom.xml", "A & B (Atom)"),
        ("application/feed+json", "https://a.org/feed.json", "A & B (JSON Feed)"),
    }


def test_progress_bar_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[int] = []

    def fake_bar(**kwargs: Any) -> _Bar:
        shown.append(kwargs["length"])
        return _Bar()

    monkeypatch.setattr("click.progressbar", fake_bar)
    quiet = report.Progress(enabled=True)  # CliRunner/pytest stderr is not a terminal
    quiet(1, 10_000)
    assert shown == []
    loud = report.Progress(enabled=True)
    loud.enabled = True
    loud(1, 10_000)
    assert shown == [10_000]


class _Bar:
    def __enter__(self) -> _Bar:
        return self

    def __exit__(self, *_exc: object) -> None:
        pass

    def update(self, _n: int) -> None:
        pass


def test_serve_without_output_folder_or_watch_exits_2(tmp_path: Path) -> None:
    result = run("serve", str(tmp_path / "missing"), "--port", "0")
    assert result.exit_code == 2
    assert "build it first" in result.output


def test_build_a_hexo_site_root(tmp_path: Path) -> None:
    root = tmp_path / "blog"
    (root / "source/_posts").mkdir(parents=True)
    shutil.copy(DATA / "sites/hexo_config.yml", root / "_config.yml")
    (root / "source/_posts/hello.md").write_text(GOOD, encoding="utf-8")
    out = tmp_path / "public"
    result = run("build", str(root), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "placeholder" not in result.output
    # hexo-generator-feed's file names and the site's own title and permalinks
    assert sorted(p.name for p in out.iterdir()) == ["atom.xml", "rss2.xml"]  # no JSON Feed
    atom = parse_atom((out / "atom.xml").read_bytes())
    assert atom.feed.title == "老家的博客"
    assert atom.entries[0].link == "http://example.com/blog/2021/12/09/hello/"
    assert f"{root / 'source/_posts'}/hello.md" not in result.output  # no diagnostics at all


def test_more_feeds_flags(tmp_path: Path, posts: Path) -> None:
    out = tmp_path / "out"
    result = run(
        "build", str(posts), "-o", str(out), "--site-url", "https://a.org/",
        "--category-feeds", "--stylesheet", "default",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "and 3 more feed files" in result.output
    category = parse_rss((out / "categories/生活/rss.xml").read_bytes())
    assert [e.title for e in category.entries] == ["好文章"]
    assert (out / "feed.xsl").is_file() and (out / "feeds.opml").is_file()


def test_ping_without_a_hub_is_a_warning(tmp_path: Path, posts: Path) -> None:
    result = run("build", str(posts), "-o", str(tmp_path / "out"), "--ping")
    assert result.exit_code == 0
    assert "warning: command line: hub: --ping needs a hub" in result.output
