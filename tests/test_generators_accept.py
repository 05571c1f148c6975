"""Posts laojia-feed once refused or mangled (#11) are published as the real Hexo publishes them.

Front matter without its opening ``---`` (what hexo-admin writes), a stray NUL byte in
a code block, and a title that only looks like a tag: Hexo (with hexo-generator-feed)
builds its feed from the site, laojia-feed from the same site root, and both feeds hold
the same links, titles and instants. Skipped where Hexo is not installed
(``tests/generators/install.sh``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from feedcheck import instant
from laojia_feed import Site, build, config
from laojia_feed.generators import detect as sites
from test_generators import SITE_TZ, entries, hexo_install, hexo_site, run, title_text

pytestmark = pytest.mark.generators

#: File name → the bytes of a post laojia-feed refused or mangled before.
POSTS: dict[str, bytes] = {
    "hexo-admin.md": "title: 你好\ndate: 2019-08-29 15:43:00\n---\n正文\n".encode(),
    "nul-in-code.md": (
        "---\ntitle: 代码里的 NUL\ndate: 2020-01-02 03:04:05\n---\n"
        '正文\n\n```c\nchar s[] = "a\x00b";\n```\n'
    ).encode(),
    "tag-like.md": "---\ntitle: <SQL反模式>\ndate: 2021-01-01 10:00:00\n---\n读书笔记\n".encode(),
}


def test_hexo_and_laojia_feed_publish_the_same_posts(tmp_path: Path) -> None:
    modules = hexo_install()
    root = hexo_site(tmp_path, modules, ":year/:month/:day/:title/")
    for name, data in POSTS.items():
        (root / "source" / "_posts" / name).write_bytes(data)
    run([str(modules / ".bin" / "hexo"), "generate", "--silent"], root, tmp_path, SITE_TZ)

    project = sites.detect_site(root)
    assert project is not None and project.kind == "hexo"
    site, problems = config.apply(Site(), project.settings, str(project.config_file))
    assert problems == []
    result = build(project.posts, tmp_path / "ours", site)
    assert result.ok, result.all_diagnostics
    assert len(result.load.articles) == len(POSTS)

    theirs = entries(root / "public" / "atom.xml")
    ours = entries(tmp_path / "ours" / "atom.xml")
    assert sorted(ours) == sorted(theirs)
    for link, their in theirs.items():
        assert ours[link].title == title_text(their), link
        assert instant(ours[link].published_parsed) == instant(their.published_parsed), link
