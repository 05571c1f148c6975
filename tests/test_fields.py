"""Field parsers that the end-to-end suites do not pin down one by one."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

import pytest

from laojia_feed import Site, load_articles
from laojia_feed.model import Exclusion
from laojia_feed.read.field_parsers import (
    Context,
    default_slug,
    parse_permalink,
    parse_slug,
    parse_tags,
    parse_title,
)

CTX = Context(site=Site(url="https://a.org/blog/"), tz=UTC, relpath="2021/x.md")


def _quiet(message: str) -> None:
    raise AssertionError(f"unexpected warning: {message}")


@pytest.mark.parametrize(
    ("relpath", "slug"),
    [
        ("a.md", "a"),
        ("2021-12-09-hello-world.md", "hello-world"),
        ("posts/my-trip/index.md", "my-trip"),
        ("posts/老家 故事.md", "老家-故事"),
    ],
)
def test_default_slug(relpath: str, slug: str) -> None:
    assert default_slug(relpath) == slug


def test_slug_with_spaces_is_cleaned_without_a_warning() -> None:
    assert parse_slug("My Slug", CTX, _quiet) == "My-Slug"


def test_slug_with_dot_segments_is_cleaned_with_a_warning() -> None:
    warnings: list[str] = []
    assert parse_slug("../../etc/passwd", CTX, warnings.append) == "etc-passwd"
    assert len(warnings) == 1


def test_rooted_permalink_stays_under_the_site_path() -> None:
    assert parse_permalink("/custom/third/", CTX, _quiet) == "https://a.org/blog/custom/third/"
    assert parse_permalink("https://b.org/x/", CTX, _quiet) == "https://b.org/x/"


def test_many_tags_dedupe_case_insensitively_and_cap() -> None:
    tags = [f"Tag{i % 70}" for i in range(50_000)] + ["tag1"]
    warnings: list[str] = []
    result = parse_tags(tags, CTX, warnings.append)
    assert len(result) == 50
    assert result[:2] == ("Tag0", "Tag1")
    assert warnings == ["70 tags; kept the first 50"]


def test_hugo_section_pages_are_not_posts(tmp_path: Path) -> None:
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts/_index.md").write_text("---\ntitle: Posts\n---\n", encoding="utf-8")
    result = load_articles(tmp_path, Site())
    assert result.ok and result.articles == ()
    assert [e.reason for e in result.excluded] == [Exclusion.LIST_PAGE]


def test_an_unclear_draft_flag_fails_closed_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("---\ntitle: a\ndate: 2021-01-01\ndraft: maybe\n---\nx\n")
    (tmp_path / "b.md").write_text("---\ntitle: b\ndate: 2021-01-01\ndraft: true\n---\nx\n")
    result = load_articles(tmp_path, Site())
    assert result.articles == ()
    assert [e.reason for e in result.excluded] == [Exclusion.DRAFT, Exclusion.DRAFT]
    assert [(d.path.rsplit("/", 1)[-1], d.field) for d in result.diagnostics] == [("a.md", "draft")]


# --- titles are plain text: real markup goes, text that only looks like a tag stays (#11) ---


@pytest.mark.parametrize(
    ("raw", "title"),
    [
        ("<SQL反模式>", "<SQL反模式>"),
        (
            "Could not resolve <mx:columns> to a component",
            "Could not resolve <mx:columns> to a component",
        ),
        ("读《<C++ Primer>》笔记", "读《<C++ Primer>》笔记"),
        ("if x<y then z>w", "if x<y then z>w"),
        ("List<String> 与 Map<K, V>", "List<String> 与 Map<K, V>"),
        ("&lt;mx:columns&gt; 组件", "<mx:columns> 组件"),
        ("<my-widget>自定义</my-widget>", "<my-widget>自定义</my-widget>"),
    ],
)
def test_text_that_only_looks_like_a_tag_is_kept(raw: str, title: str) -> None:
    assert parse_title(raw, CTX, _quiet) == title


@pytest.mark.parametrize(
    ("raw", "title"),
    [
        ("<b>粗</b> &amp; 细", "粗 & 细"),
        ("<script>alert(1)</script>标题", "标题"),
        ("&lt;script&gt;alert(1)&lt;/script&gt;标题", "标题"),
        ("<img src=x onerror=alert(1)>标题", "标题"),
        ("第一行<br/>第二行", "第一行第二行"),
        ("<!-- 注释 -->标题", "标题"),
        ("<EM>强调</EM>", "强调"),
    ],
)
def test_real_markup_is_removed_from_titles(raw: str, title: str) -> None:
    assert parse_title(raw, CTX, _quiet) == title


def test_a_name_that_looks_like_a_tag_is_kept_in_tags_too() -> None:
    assert parse_tags(["<T>", "<b>粗</b>"], CTX, _quiet) == ("<T>", "粗")
