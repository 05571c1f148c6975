"""Posts follow their generator's conventions on a recognised site (``Site.generator``).

Found on real blogs (benchmarks/real_blogs.py, notes/realfix.md): Hexo, Hugo and Jekyll all
publish a file without front matter, Jekyll titles an untitled post from its file name, and
Jekyll themes name the cover in an ``image:`` mapping. Built with the real generator where
installed (else skipped), then with laojia-feed on the same root as the CLI does.
"""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

import pytest

from laojia_feed import build, config
from laojia_feed.model import BuildResult, Exclusion, Site
from laojia_feed.read import article as fields
from laojia_feed.read import field_parsers, frontmatter
from test_generator_defaults import hexo_site, hugo_site, jekyll_site, ours, post, same_entries
from test_generators import entries

BARE = "Just text, without front matter.\n\nA second paragraph.\n"
HUGO = 'baseURL = "https://b.example.org/"\ntitle = "t"\ndisableKinds = ["taxonomy", "term"]\n'
JEKYLL = "title: t\nurl: https://j.example.org\ntimezone: UTC\nplugins: [jekyll-feed]\n"


def laojia(root: Path, out: Path) -> BuildResult:
    """Build ``root`` as the CLI does; the build must succeed without an error."""
    conf = config.configure_run(root, None, {})
    assert conf.ok, conf.diagnostics
    assert conf.posts is not None
    result = build(conf.posts, out, conf.site)
    assert result.ok and not result.load.errors, result.all_diagnostics
    return result


def bare_warnings(result: BuildResult) -> list[str]:
    return [d.path.rsplit("/", 1)[-1] for d in result.load.warnings if d.field == "front matter"]


@pytest.mark.generators
def test_hugo_publishes_files_without_front_matter_and_so_does_laojia(tmp_path: Path) -> None:
    pages = {
        "content/posts/2022-03-04-bare-one.md": BARE,  # Hugo: untitled, dated year 1
        "content/posts/plain.md": BARE,  # no date anywhere: Hugo's undated page
        "content/posts/p.md": post("P", "2022-03-05T08:00:00"),
    }
    root = hugo_site(tmp_path, HUGO, pages, "UTC")
    result = laojia(root, tmp_path / "ours")

    theirs, mine = entries(tmp_path / "hugo-out/index.xml"), entries(tmp_path / "ours/index.xml")
    bare = "https://b.example.org/posts/2022-03-04-bare-one/"
    assert set(mine) == set(theirs) - {"https://b.example.org/posts/plain/"}
    assert (theirs[bare].title, theirs[bare].published_parsed.tm_year) == ("", 1)
    assert mine[bare].title == "2022-03-04-bare-one"  # the file name, as for any untitled post
    assert mine[bare].published_parsed[:3] == (2022, 3, 4)  # its name's date, not year 1
    assert bare_warnings(result) == ["2022-03-04-bare-one.md", "plain.md"]
    assert [e.reason for e in result.load.excluded] == [Exclusion.UNDATED_PAGE]


@pytest.mark.generators
def test_hexo_publishes_files_without_front_matter_and_so_does_laojia(tmp_path: Path) -> None:
    hexo = "title: t\nurl: https://h.example.org\ntimezone: UTC\nfeed: {limit: 0}\n"
    posts = {"2022-03-04-bare.md": BARE, "p.md": post("P", "2022-03-05 08:00:00")}
    root = hexo_site(tmp_path, hexo, posts, "UTC")
    result = laojia(root, tmp_path / "ours")

    # Hexo dates it by the file's creation time, its link with it: the counts agree
    assert len(entries(root / "public/atom.xml")) == 2 == len(entries(tmp_path / "ours/atom.xml"))
    assert bare_warnings(result) == ["2022-03-04-bare.md"]


@pytest.mark.generators
def test_jekyll_titles_untitled_posts_and_bare_files_from_the_file_name(tmp_path: Path) -> None:
    files = {
        "_config.yml": JEKYLL,
        "_posts/2022-03-04-the-problem-with-requireJS-build.md": "---\ndate: 2022-03-04\n---\nx\n",
        "_posts/2022-03-05-titled.md": post("Titled"),
    }
    root = jekyll_site(tmp_path, files, "UTC")
    ours(root, tmp_path / "ours")  # no warning: Jekyll documents the title it gives

    assert same_entries(root / "_site/feed.xml", tmp_path / "ours/feed.xml", ids=True) == 2
    titles = {e.title for e in entries(tmp_path / "ours/feed.xml").values()}
    assert "The Problem With Requirejs Build" in titles

    (root / "_posts/2022-03-06-bare-one.md").write_text(BARE, encoding="utf-8")
    jekyll_site(tmp_path, {}, "UTC")
    result = laojia(root, tmp_path / "ours2")
    assert same_entries(root / "_site/feed.xml", tmp_path / "ours2/feed.xml", ids=True) == 3
    assert bare_warnings(result) == ["2022-03-06-bare-one.md"]


def test_a_posts_folder_still_refuses_a_file_without_front_matter(tmp_path: Path) -> None:
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts/2022-03-04-bare.md").write_text(BARE, encoding="utf-8")
    result = build(tmp_path / "posts", tmp_path / "out", Site())
    assert [(d.field, d.message) for d in result.load.errors] == [
        ("front matter", frontmatter.NO_FRONT_MATTER)
    ]


def image_of(raw: object, warnings: list[str]) -> str | None:
    ctx = fields.Context(site=Site(url="https://j.example.org/blog/"), tz=UTC, relpath="a.md")
    return field_parsers.parse_image(raw, ctx, warnings.append)


@pytest.mark.parametrize(
    ("raw", "url"),
    [
        ({"feature": "f.jpg", "credit": "x"}, "https://j.example.org/blog/images/f.jpg"),
        ({"teaser": "https://cdn.example.org/t.png"}, "https://cdn.example.org/t.png"),
        ({"thumb": "/assets/t.png"}, "https://j.example.org/assets/t.png"),
        ({"path": "assets/p.png", "feature": "f.jpg"}, "https://j.example.org/blog/assets/p.png"),
        ({"url": "https://cdn.example.org/u.png", "height": 300}, "https://cdn.example.org/u.png"),
    ],
)
def test_a_themes_image_mapping_names_the_cover(raw: object, url: str) -> None:
    warnings: list[str] = []
    assert (image_of(raw, warnings), warnings) == (url, [])


def test_an_image_mapping_without_a_cover_is_still_refused() -> None:
    warnings: list[str] = []
    assert image_of({"credit": "someone", "feature": ""}, warnings) is None
    assert warnings == ["is a mapping, not a URL; dropped"]


def test_jekyll_title_is_the_slug_titleized() -> None:
    assert field_parsers.jekyll_title("2015-03-20-short-the-problem-with-requirejs-build.md") == (
        "Short The Problem With Requirejs Build"
    )
    assert field_parsers.jekyll_title("sub/2015-3-2-a.b..md") == "A.b"
