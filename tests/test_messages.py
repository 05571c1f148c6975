"""What users read (issue 12): the summary counts every warning printed, one message per
problem, a template whose every example is valid once uncommented, GitHub annotations that
name files only, each command's help listing only the options it uses, and folders that
are folders."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from laojia_feed.cli.commands import cli
from laojia_feed.config import CONFIG_NAME, KEYS, load_config, template
from laojia_feed.model import PLACEHOLDER_SITE_URL, Severity

GOOD = "---\ntitle: 好文章\ndate: 2021-12-09 11:10:27\n---\n<p>正文</p>\n"


@pytest.fixture
def posts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # no config file found here by accident
    folder = tmp_path / "posts"
    folder.mkdir()
    (folder / "good.md").write_text(GOOD, encoding="utf-8")
    return folder


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def summary(result: Result) -> str:
    return result.stderr.strip().splitlines()[-1]


# 16 --------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["build", "check"])
def test_the_summary_counts_the_configuration_warnings(posts: Path, command: str) -> None:
    """No config file: the placeholder URL earns a warning, and the summary counts it."""
    result = run(command, str(posts), *(["-o", "out"] if command == "build" else []))
    assert result.exit_code == 0
    printed = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(printed) == 1
    assert ", 1 warning" in summary(result)


# 17 --------------------------------------------------------------------------------


def url_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if ": url: " in line]


def test_a_bad_site_url_is_one_error_not_also_a_missing_one(posts: Path) -> None:
    result = run("check", str(posts), "--site-url", "ftp://x/")
    assert result.exit_code == 2
    assert url_lines(result) == [
        "error: command line: url: 'ftp://x/' is not an absolute http(s) URL like "
        "https://blog.example.org/"
    ]


def test_the_placeholder_init_writes_is_named_as_such(posts: Path, tmp_path: Path) -> None:
    assert run("init", "--path", str(posts / CONFIG_NAME)).exit_code == 0
    result = run("check", str(posts))
    assert result.exit_code == 0
    lines = url_lines(result)
    assert len(lines) == 1
    assert "no site URL configured" not in lines[0]
    assert lines[0].startswith(f"warning: {posts / CONFIG_NAME}: url: url is still the placeholder")
    good = run("check", str(posts), "--site-url", "https://blog.example.org/")
    assert url_lines(good) == []


def test_no_url_at_all_says_so() -> None:
    config = load_config()
    assert [d.message.split(";")[0] for d in config.diagnostics] == ["no site URL configured"]


# 18 --------------------------------------------------------------------------------

EXAMPLE = re.compile(r"^# ([a-z_]+) = (.*)$")


def test_every_key_is_in_the_template() -> None:
    lines = template().splitlines()
    top = lines[: lines.index("[outputs]")]
    written = {m[1] for line in top if (m := re.match(r"^#? ?([a-z_]+) = ", line))}
    assert written == set(KEYS) - {"outputs"}


def test_every_commented_example_is_valid_once_uncommented(tmp_path: Path) -> None:
    lines = template().splitlines()
    examples = [n for n, line in enumerate(lines) if EXAMPLE.match(line)]
    assert len(examples) >= 5  # author, limit, icon, hub, stylesheet...
    for number in examples:
        edited = list(lines)
        edited[number] = edited[number].removeprefix("# ")
        text = "\n".join(edited)
        key = EXAMPLE.match(lines[number])[1]  # type: ignore[index]
        assert key in tomllib.loads(text), lines[number]
        path = tmp_path / f"{key}.toml"
        path.write_text(text, encoding="utf-8")
        config = load_config(path)
        errors = [d for d in config.diagnostics if d.severity is Severity.ERROR]
        assert errors == [], lines[number]
        assert config.site.url == PLACEHOLDER_SITE_URL


# 19 --------------------------------------------------------------------------------


def test_github_annotations_name_the_config_file_or_none(posts: Path) -> None:
    bare = run("check", str(posts), "--format", "github")
    assert bare.stderr.startswith("::warning::url: no site URL configured")
    assert "file=config" not in bare.stderr
    flag = run("check", str(posts), "--format", "github", "--site-url", "ftp://x/")
    assert flag.stderr.startswith("::error::url: ")
    (posts / CONFIG_NAME).write_text('url = "https://example.com/"\nlimit = -1\n', "utf-8")
    found = run("check", str(posts), "--format", "github")
    annotations = found.stderr.splitlines()
    assert annotations[0].startswith(f"::error file={posts / CONFIG_NAME}::limit: ")
    assert annotations[1].startswith(f"::warning file={posts / CONFIG_NAME}::url: url is still")


def test_github_annotation_properties_are_escaped(posts: Path) -> None:
    odd = posts.parent / "a,b:c"
    odd.mkdir()
    (odd / "bad.md").write_text("---\ntitle: x\ndate: 2021-02-30\n---\nbody\n", "utf-8")
    result = run("check", str(odd), "--format", "github", "--site-url", "https://a.org/")
    escaped = str(odd / "bad.md").replace(",", "%2C").replace(":", "%3A")
    assert result.stderr.startswith(f"::error file={escaped},line=3::date: ")


# 20 --------------------------------------------------------------------------------

BUILD_ONLY = {"--budget", "--limit", "--stylesheet", "--summary-only", "--archives", "--hub"}
RUN = {"--jobs", "--cache-dir"}


def options_of(command: str) -> set[str]:
    text = run(command, "--help").output
    return set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", text))


def test_each_command_lists_only_the_options_it_uses() -> None:
    build, serve, check, links = (options_of(c) for c in ("build", "serve", "check", "links"))
    assert BUILD_ONLY | RUN | {"--pages", "--site-url"} <= build
    assert build - {"--out", "--ping", "--check-thumbnails"} <= serve  # --watch builds
    assert RUN | {"--timezone", "--permalink", "--site-url", "--config"} <= check
    assert not (BUILD_ONLY | {"--pages", "--title"}) & check
    assert links >= {"--site-url", "--title", "--pages", "--config"}
    assert not (BUILD_ONLY | RUN | {"--timezone"}) & links


def test_an_option_a_command_does_not_use_is_refused(posts: Path) -> None:
    assert run("check", str(posts), "--budget", "1MiB").exit_code == 2
    assert run("links", str(posts), "--jobs", "2").exit_code == 2


# 7 ---------------------------------------------------------------------------------


def test_an_empty_out_is_refused(posts: Path, tmp_path: Path) -> None:
    result = run("build", str(posts), "--out", "")
    assert result.exit_code == 2
    assert "--out" in result.stderr and "is empty" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["posts"]  # nothing written here


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize("command", ["build", "check"])
def test_a_fifo_as_posts_is_a_usage_error(tmp_path: Path, command: str) -> None:
    fifo = tmp_path / "posts"
    os.mkfifo(fifo)
    result = run(command, str(fifo), *(["-o", str(tmp_path / "out")] if command == "build" else []))
    assert result.exit_code == 2
    assert "is not a folder" in result.stderr
    assert not (tmp_path / "out").exists()
