"""Rendering fast paths give exactly the answers of the slow paths they skip."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from laojia_feed import RunOptions, build
from laojia_feed.model import Site
from laojia_feed.render import bodies, markdown, summary

#: Pieces of Markdown bodies, so that random text hits block tags, blank lines and tables.
_MARKDOWN_PIECES = st.sampled_from(
    [
        *("<div>", "</div>", "<p>", "</p>", "<DIV class=x>", "<section/>", "<hr>", "<pre>"),
        *("<span>", "<divx>", "<table>", "<!-- c -->", "<script>", "<?x?>", "<![CDATA[", "</p >"),
        *("\n", "\n\n", "  ", "\t", "\r", "\r\n", " \n", "|", "-", ":", "|-|-|", "# ", "> "),
        *("* ", "1. ", "```", "    ", "a", "中文", "**b**", "[x](y)", "&amp;", "\u3000", "\x0b"),
    ]
)
_MARKDOWN = st.lists(_MARKDOWN_PIECES, max_size=30).map("".join) | st.text(max_size=40)


@settings(max_examples=500, deadline=None)
@given(_MARKDOWN)
def test_single_html_block_is_what_markdown_it_renders(text: str) -> None:
    fast = markdown._single_html_block(text)
    if fast is not None:
        md = markdown._markdown()
        assert fast == md.render(text)


def test_single_html_block_takes_the_common_body() -> None:
    body = "\n<div>\n<p>一</p><p><a href='/x'>二</a></p>\n</div>\n"
    assert markdown._single_html_block(body) == body.lstrip("\n")
    assert markdown.markdown_to_html(body) == body.lstrip("\n")


def test_single_html_block_refuses_what_markdown_changes() -> None:
    for body in ("<div>\n\n*a*", "<span>x</span>", "<div>a|b\n|-|-|", "x\n<div>", "<div>\r\n"):
        assert markdown._single_html_block(body) is None


BASE = "https://example.com/2021/12/09/post/"
#: Pieces of HTML bodies: blocks, inline markup, entities, brackets in attributes, text.
_HTML_PIECES = st.sampled_from(
    [
        *("<p>", "</p>", "<div>", "</div>", "<h2>", "</h2>", "<b>", "</b>", "<br>", "<hr>"),
        *("<li>", "<ul>", "<table>", "<td>", "<pre>\n", "<img alt='x'>", "<a title='a<b'>"),
        *("<script>x</script>", "<!-- c -->", "&amp;", "&nbsp;", "&lt;", " ", "\n", "\t"),
        *("中文字", "a", "word ", "e\u0301", "👍🏽", "\u3000", "x" * 30, "。", "<span>"),
    ]
)
_HTML = st.lists(_HTML_PIECES, max_size=60).map("".join)


@settings(max_examples=300, deadline=None)
@given(_HTML, st.integers(min_value=-1, max_value=40), st.integers(min_value=1, max_value=64))
def test_summary_from_a_prefix_is_the_summary_of_the_whole(
    body: str, length: int, prefix: int
) -> None:
    content = bodies.sanitize(body, BASE)[0]
    expected = summary.summarize(summary.html_to_text(content), length)
    saved = summary._MIN_PREFIX, summary._PREFIX_PER_CHARACTER
    summary._MIN_PREFIX, summary._PREFIX_PER_CHARACTER = prefix, 1  # cut early and often
    try:
        assert summary.content_summary(content, length) == expected
    finally:
        summary._MIN_PREFIX, summary._PREFIX_PER_CHARACTER = saved


def test_summary_of_a_long_body_reads_only_its_beginning() -> None:
    content = "<p>" + "字" * 50 + "</p>" + "<p>later</p>" * 5000
    assert summary.content_summary(content, 20) == "字" * 20 + "…"
    assert summary.content_summary("<p>short</p>", 20) == "short"


def _posts(folder: Path) -> Path:
    posts = folder / "posts"
    posts.mkdir()
    for number in range(12):
        body = f"<div><p>第{number}篇 <script>x</script><a href='/p/{number}'>link</a></p></div>\n"
        if number % 3 == 0:
            body = f"## Title {number}\n\nSome *Markdown* text, [a link](../{number}/).\n"
        (posts / f"post-{number:02}.md").write_text(
            f"---\ntitle: Post {number}\ndate: 2021-01-{number + 1:02}T08:00:00+08:00\n"
            f"categories: [c{number % 2}]\n---\n{body}",
            encoding="utf-8",
        )
    return posts


def test_bodies_rendered_on_two_processes_give_the_same_build(tmp_path: Path) -> None:
    posts = _posts(tmp_path)
    results = []
    for jobs in (1, 2):
        site = Site(url="https://example.com/", budget=None, category_feeds=True)
        out = tmp_path / f"out{jobs}"
        when = datetime(2022, 1, 1, tzinfo=UTC)
        result = build(posts, out, site, run=RunOptions(jobs=jobs), now=when)
        files = {p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
        results.append((files, result.diagnostics))
    assert len(results[0][0]) > 3
    assert any("script" in d.message for d in results[0][1])
    assert results[0] == results[1]
