"""Expanded tags against the real generators: the same links and image sources.

Each test writes a small site whose post ``a`` uses the generator's built-in tags to link
to post ``b`` (and to assets, pages, outside URLs), runs the real generator (found and run
with the helpers of tests/test_generators.py; skipped with a reason where it is not
installed), then expands the same body with :func:`laojia_feed.generators.tags.expand`,
URLs resolved from the posts laojia-feed loads, renders it with markdown-it, and compares
every ``href`` and ``src`` (resolved against the post's URL, percent-decoded).
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote, urljoin

import feedparser
import lxml.html
import pytest
import yaml
from markdown_it import MarkdownIt

from laojia_feed import Article, Site, config, load_articles
from laojia_feed.generators import detect as sites
from laojia_feed.generators.tags import TagContext, expand
from laojia_feed.generators.tags.refs import Targets
from test_generators import CACHE, hexo_install, hugo_binary, jekyll_binary, run

pytestmark = pytest.mark.generators

TARGET = "---\ntitle: 中文 B\ndate: 2021-01-02 10:00:00\n---\n\nb\n"


def references(html: str, base: str) -> list[str]:
    """Every link and image source in ``html``, absolute and percent-decoded, in order."""
    if not html.strip():
        return []
    tree = lxml.html.fragment_fromstring(html, create_parent="div")
    found = tree.xpath("//a/@href | //img/@src | //iframe/@src")
    return [unquote(urljoin(base, str(value))) for value in found]


def ours(root: Path, kind: str, settings: Mapping[str, object], asset_folder: bool) -> list[str]:
    """The references in post ``a`` as laojia-feed expands and renders it."""
    project = sites.detect_site(root)
    assert project is not None and project.kind == kind
    site, problems = config.apply(Site(), project.settings, str(project.config_file))
    assert problems == []
    articles = load_articles(project.posts, site).articles
    # Hugo references are relative to the content folder, the others to the posts folder
    folder = project.posts.relative_to(root / "content") if kind == "hugo" else Path()
    targets = Targets.of(
        ((str(folder / item.source_path), item.url, item.title) for item in articles), kind
    )
    post: Article = next(item for item in articles if Path(item.source_path).stem.endswith("a"))
    ctx = TagContext(
        site=settings,
        page={"title": post.title},
        post_url=targets.url,
        post_title=targets.title,
        asset_base=post.url if asset_folder else None,
    )
    expanded = expand(post.body, kind, ctx)  # type: ignore[arg-type]
    assert expanded.problems == ()
    assert expanded.unknown == {}
    rendered = MarkdownIt("commonmark", {"html": True}).render(expanded.text)
    return references(rendered, post.url)


def feed_content(feed: Path, title: str) -> tuple[str, str]:
    """The content and link of the feed entry titled ``title``."""
    parsed = feedparser.parse(feed.read_bytes())
    entry = next(entry for entry in parsed.entries if entry.title == title)
    return entry.content[0].value, entry.link


# --- Hexo ------------------------------------------------------------------------------------

HEXO_POST = """\
---
title: A
date: 2021-01-01 10:00:00
---

{% post_link b %} and {% post_link b 'Other text' %}, {% post_path b %},
{% post_link b#sec %} and by title {% post_link '中文 B' %}.

{% asset_img pic.png "A picture" %} {% asset_link pic.png %} {% asset_path pic.png %}

{% img /images/x.png 100 200 %} {% link Text https://example.com/z true Title %}
{% url_for Home /about/ %}

{% blockquote Jo https://example.com/q/ %}
quoted [link]({% post_path b %})
{% endblockquote %}

Not a tag in code: `{% post_path b %}`

```
{% post_link b %}
```

{{ title }}: a link whose address is a tag: [path]({% post_path b %})
"""


def test_hexo_tags_link_like_hexo(tmp_path: Path) -> None:
    modules = hexo_install()
    root = tmp_path / "site"
    posts = root / "source" / "_posts"
    (posts / "a").mkdir(parents=True)
    (root / "node_modules").symlink_to(modules, target_is_directory=True)
    plugins = dict.fromkeys(("hexo", "hexo-generator-feed", "hexo-renderer-marked"), "*")
    package = {"name": "site", "hexo": {"version": "8.1.2"}, "dependencies": plugins}
    (root / "package.json").write_text(json.dumps(package), encoding="utf-8")
    settings = """\
title: T
url: https://blog.example.org/sub
timezone: UTC
permalink: :year/:month/:day/:title/
post_asset_folder: true
feed:
  type: atom
  path: atom.xml
  content: true
"""
    (root / "_config.yml").write_text(settings, encoding="utf-8")
    (posts / "a.md").write_text(HEXO_POST, encoding="utf-8")
    (posts / "a" / "pic.png").write_bytes(b"\x89PNG")
    (posts / "b.md").write_text(TARGET, encoding="utf-8")
    run([str(modules / ".bin" / "hexo"), "generate", "--silent"], root, tmp_path)

    content, link = feed_content(root / "public" / "atom.xml", "A")
    theirs = references(content, link)
    assert len(theirs) == 11
    # Hexo hides tags from Markdown behind placeholders, so a Markdown link whose address
    # is a tag stays text: [path](/sub/…). We make it the link its author meant.
    assert "A: a link whose address is a tag: [path](/sub/2021/01/02/b/)" in content
    expected = [*theirs, "https://blog.example.org/sub/2021/01/02/b/"]
    assert ours(root, "hexo", yaml.safe_load(settings), asset_folder=True) == expected


# --- Hugo ------------------------------------------------------------------------------------

HUGO_POST = """\
---
title: A
date: 2021-01-01T10:00:00Z
---

[ref]({{< ref "b.md" >}}), [relref]({{< relref "posts/b" >}}),
[anchor]({{< ref "/posts/b.md#sec" >}}), [bare]({{< ref "b" >}}).

{{< figure src="/images/x.png" link="/l" alt="x" >}}

{{< details summary="more" >}}
[inner]({{< relref "b.md" >}})
{{< /details >}}

Expanded in code too: `{{< relref "b.md" >}}`. Not a shortcode: {{</* ref "b.md" */>}}
"""


def test_hugo_shortcodes_link_like_hugo(tmp_path: Path) -> None:
    hugo = hugo_binary()
    root = tmp_path / "site"
    (root / "content" / "posts").mkdir(parents=True)
    (root / "layouts" / "_default").mkdir(parents=True)
    settings = """\
baseURL = "https://blog.example.org/sub/"
title = "T"
disableKinds = ["taxonomy", "term", "sitemap", "robotsTXT", "404"]
"""
    (root / "hugo.toml").write_text(settings, encoding="utf-8")
    (root / "layouts" / "_default" / "single.html").write_text("{{ .Content }}", encoding="utf-8")
    (root / "content" / "posts" / "a.md").write_text(HUGO_POST, encoding="utf-8")
    (root / "content" / "posts" / "b.md").write_text(TARGET, encoding="utf-8")
    out = tmp_path / "hugo-out"
    run([hugo, "--quiet", "--destination", str(out)], root, tmp_path)

    page = (out / "posts" / "a" / "index.html").read_text(encoding="utf-8")
    theirs = references(page, "https://blog.example.org/sub/posts/a/")
    assert len(theirs) == 7
    assert ours(root, "hugo", tomllib.loads(settings), asset_folder=False) == theirs
    assert "Not a shortcode: {{&lt; ref " in page


# --- Jekyll ----------------------------------------------------------------------------------

JEKYLL_POST = """\
---
title: A
---

![logo]({{ site.baseurl }}/x.png) [b]({% post_url 2021-01-02-b %})
[about]({{ "/about/" | relative_url }}) [abs]({{ "/y" | absolute_url }})
[link]({% link _posts/2021-01-02-b.md %}) [full]({{ site.url }}{{ site.baseurl }}/z)
[pre]({{ "/p" | prepend: site.baseurl }})

{% raw %}Not a link: {{ site.url }}{% endraw %}
"""


def test_jekyll_liquid_links_like_jekyll(tmp_path: Path) -> None:
    jekyll = jekyll_binary()
    root = tmp_path / "site"
    (root / "_posts").mkdir(parents=True)
    settings = """\
title: T
url: https://blog.example.org
baseurl: /sub
timezone: UTC
plugins: [jekyll-feed]
"""
    (root / "_config.yml").write_text(settings, encoding="utf-8")
    (root / "_posts" / "2021-01-01-a.md").write_text(JEKYLL_POST, encoding="utf-8")
    (root / "_posts" / "2021-01-02-b.md").write_text(TARGET, encoding="utf-8")
    out = tmp_path / "jekyll-out"
    run([jekyll, "build", "--quiet", "-s", str(root), "-d", str(out)], root, tmp_path)

    content, link = feed_content(out / "feed.xml", "A")
    theirs = references(content, link)
    assert len(theirs) == 7
    assert "Not a link: {{ site.url }}" in content
    assert ours(root, "jekyll", yaml.safe_load(settings), asset_folder=False) == theirs


def test_cache_is_where_the_generator_tests_look() -> None:
    assert CACHE.name == "laojia-feed-test-generators"
