"""Template tags through the whole build: ``laojia-feed build SITE_ROOT`` of a small Hexo,
Hugo and Jekyll site whose bodies hold tags publishes the links and images the tags mean.

Each site is written twice: *plain* (built-in tags only, which the real generator builds
too: where it is installed, its feed's links are compared with ours) and *full* (plus a
theme's paired and single tags the generator would reject, and for Hexo an image written
relative to the post's asset folder). The unknown tags earn one warning per build.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urljoin

import feedparser
import lxml.html
import pytest
from click.testing import CliRunner, Result

from laojia_feed.cli.commands import cli
from laojia_feed.model import Article, BodyFormat, Site
from laojia_feed.render.tagging import plan
from test_generators import hexo_install, hugo_binary, jekyll_binary, run

B = "---\ntitle: 中文 B\ndate: 2021-01-02 10:00:00\n---\n\nb\n"
BASE = "https://blog.example.org/sub/"
UNKNOWN = "template tags laojia-feed does not know (content kept, single tags dropped): "

HEXO_A = """\
---
title: A
date: 2021-01-01 10:00:00
---

{% post_link b %} and by title {% post_link '中文 B' %}.

{% asset_img pic.png "A picture" %} {% asset_link pic.png %}

{% codeblock lang:python %}
print("<b>")
{% endcodeblock %}

{% raw %}kept {% endraw %}
"""
HEXO_EXTRA = """
![rel](a/pic.png)

{% fold Open %}
folded [b]({% post_path b %})
{% endfold %}

{% fancybox x.png %} {% fold %}again{% endfold %}
"""
HUGO_A = """\
---
title: A
date: 2021-01-01T10:00:00Z
---

[ref]({{< ref "b.md" >}}), [relref]({{< relref "posts/b" >}}).

{{< figure src="/images/x.png" link="/l/" alt="x" >}}

{{< highlight go >}}
x := "<b>"
{{< /highlight >}}
"""
HUGO_EXTRA = """
{{< alert >}}
warned [b]({{< ref "b" >}})
{{< /alert >}}

{{< myshort 1 >}} {{< alert >}}again{{< /alert >}}
"""
JEKYLL_A = """\
---
title: A
---

![logo]({{ site.baseurl }}/x.png) [b]({% post_url 2021-01-02-b %})
[about]({{ "/about/" | relative_url }})

{% highlight ruby %}
puts "<b>"
{% endhighlight %}

{% raw %}Not a link: {{ site.url }}{% endraw %}
"""
JEKYLL_EXTRA = """
{% if page.x %}
kept [b]({% post_url 2021-01-02-b %})
{% endif %}

{% include note.html %} {% if page.y %}again{% endif %}
"""


def hexo_site(root: Path, extra: bool) -> Path:
    posts = root / "source" / "_posts"
    (posts / "a").mkdir(parents=True)
    (root / "_config.yml").write_text(
        "title: T\nurl: https://blog.example.org/sub\ntimezone: UTC\n"
        "permalink: :year/:month/:day/:title/\npost_asset_folder: true\n"
        "feed:\n  type: atom\n  path: atom.xml\n  content: true\n",
        encoding="utf-8",
    )
    (posts / "a.md").write_text(HEXO_A + (HEXO_EXTRA if extra else ""), encoding="utf-8")
    (posts / "a" / "pic.png").write_bytes(b"\x89PNG")
    (posts / "b.md").write_text(B, encoding="utf-8")
    return root


def hugo_site(root: Path, extra: bool) -> Path:
    (root / "content" / "posts").mkdir(parents=True)
    (root / "hugo.toml").write_text(
        f'baseURL = "{BASE}"\ntitle = "T"\n'
        'disableKinds = ["taxonomy", "term", "sitemap", "robotsTXT", "404"]\n',
        encoding="utf-8",
    )
    body = HUGO_A + (HUGO_EXTRA if extra else "")
    (root / "content" / "posts" / "a.md").write_text(body, encoding="utf-8")
    (root / "content" / "posts" / "b.md").write_text(B, encoding="utf-8")
    return root


def jekyll_site(root: Path, extra: bool) -> Path:
    (root / "_posts").mkdir(parents=True)
    (root / "_config.yml").write_text(
        "title: T\nurl: https://blog.example.org\nbaseurl: /sub\ntimezone: UTC\n"
        "plugins: [jekyll-feed]\n",
        encoding="utf-8",
    )
    body = JEKYLL_A + (JEKYLL_EXTRA if extra else "")
    (root / "_posts" / "2021-01-01-a.md").write_text(body, encoding="utf-8")
    (root / "_posts" / "2021-01-02-b.md").write_text(B, encoding="utf-8")
    return root


SITES = {"hexo": hexo_site, "hugo": hugo_site, "jekyll": jekyll_site}
FEEDS = {"hexo": "atom.xml", "hugo": "index.xml", "jekyll": "feed.xml"}
B_URL = {
    "hexo": BASE + "2021/01/02/b/",
    "hugo": BASE + "posts/b/",
    "jekyll": BASE + "2021/01/02/b.html",
}


def build(root: Path, out: Path, *options: str) -> Result:
    args = ["build", str(root), "--out", str(out), *options]
    return CliRunner().invoke(cli, args, catch_exceptions=False)


def references(html: str, base: str) -> list[str]:
    """Every link and image source in ``html``, absolute, percent-decoded, in order."""
    tree = lxml.html.fragment_fromstring(html, create_parent="div")
    return [unquote(urljoin(base, str(v))) for v in tree.xpath("//a/@href | //img/@src")]


def entry_a(feed: Path) -> tuple[str, str]:
    """The content and link of post A in ``feed``."""
    parsed = feedparser.parse(feed.read_bytes())
    entry = next(entry for entry in parsed.entries if entry.title == "A")
    return entry.content[0].value, entry.link


@pytest.mark.parametrize("kind", SITES)
def test_tags_become_the_links_they_mean(tmp_path: Path, kind: str) -> None:
    root = SITES[kind](tmp_path / "site", extra=True)
    result = build(root, tmp_path / "out")
    assert result.exit_code == 0, result.output
    content, link = entry_a(tmp_path / "out" / FEEDS[kind])
    assert "{%" not in content and "{{<" not in content
    found = references(content, link)
    b_url = unquote(B_URL[kind])
    assert found.count(b_url) >= 2
    if kind == "hexo":  # the asset folder, however the image is written
        assert found.count(unquote(link) + "pic.png") == 3
        assert "folded" in content and "again" in content
    if kind == "hugo":
        assert "https://blog.example.org/images/x.png" in found and "warned" in content
    if kind == "jekyll":
        assert found[:2] == [BASE + "x.png", b_url] and "Not a link: {{ site.url }}" in content
    assert "&lt;b&gt;" in content  # highlighted code, escaped
    warnings = [line for line in result.output.splitlines() if UNKNOWN in line]
    expected = {
        "hexo": "fold ×2, fancybox ×1",
        "hugo": "alert ×2, myshort ×1",
        "jekyll": "if ×2, include ×1",
    }
    assert len(warnings) == 1 and warnings[0].endswith(UNKNOWN + expected[kind]), result.output


@pytest.mark.parametrize("kind", SITES)
def test_streamed_and_whole_builds_publish_the_same(tmp_path: Path, kind: str) -> None:
    root = SITES[kind](tmp_path / "site", extra=True)
    for n in range(3, 260):  # enough posts for the worker processes, each with a tag
        body = HEXO_EXTRA if kind == "hexo" else HUGO_EXTRA if kind == "hugo" else JEKYLL_EXTRA
        name = f"2020-01-01-p{n}.md" if kind == "jekyll" else f"p{n}.md"
        folder = {"hexo": "source/_posts", "hugo": "content/posts", "jekyll": "_posts"}[kind]
        front = f"---\ntitle: p{n}\ndate: 2020-01-01 10:00:00\n---\n"
        (root / folder / name).write_text(front + body, encoding="utf-8")
    whole = build(root, tmp_path / "whole", "--limit", "0", "--jobs", "1")
    streamed = build(root, tmp_path / "streamed", "--budget", "none", "--limit", "0", "--jobs", "2")
    assert whole.exit_code == streamed.exit_code == 0
    for name in ("whole", "streamed"):
        assert (tmp_path / name / FEEDS[kind]).is_file()
    assert (tmp_path / "whole" / FEEDS[kind]).read_bytes() == (
        tmp_path / "streamed" / FEEDS[kind]
    ).read_bytes()
    unknown = [
        [line for line in r.output.splitlines() if UNKNOWN in line] for r in (whole, streamed)
    ]
    assert unknown[0] == unknown[1] and len(unknown[0]) == 1
    counts = re.findall(r"×(\d+)", unknown[0][0])
    assert sum(map(int, counts)) == 3 * 258  # every post's, from every worker


def test_a_plain_posts_folder_keeps_its_braces(tmp_path: Path) -> None:
    (tmp_path / "posts").mkdir()
    body = "---\ntitle: A\ndate: 2021-01-01\n---\n\n{% post_link b %} {{< ref b >}}\n"
    (tmp_path / "posts" / "a.md").write_text(body, encoding="utf-8")
    result = build(tmp_path / "posts", tmp_path / "out", "--site-url", BASE)
    assert result.exit_code == 0 and UNKNOWN not in result.output
    parsed = json.loads((tmp_path / "out" / "feed.json").read_text(encoding="utf-8"))
    assert "{% post_link b %} {{&lt; ref b &gt;}}" in parsed["items"][0]["content_html"]


def test_the_cache_rebuilds_when_a_linked_post_changes_its_title(tmp_path: Path) -> None:
    root = hexo_site(tmp_path / "site", extra=False)
    out, cache = tmp_path / "out", str(tmp_path / "cache")
    assert build(root, out, "--cache-dir", cache).exit_code == 0
    assert ">中文 B</a>" in entry_a(out / "atom.xml")[0]
    posts = root / "source" / "_posts"
    (posts / "b.md").write_text(B.replace("中文 B", "New B"), encoding="utf-8")
    assert build(root, out, "--cache-dir", cache).exit_code == 0
    assert ">New B</a>" in entry_a(out / "atom.xml")[0]


def test_the_plan_names_hugo_posts_from_the_content_folder() -> None:
    when = datetime(2021, 1, 2, tzinfo=UTC)
    b = Article("b", "b", BASE + "p/b/", "B", when, when, "", BodyFormat.MARKDOWN, "b.md")
    assert plan(Site(), (b,)) is None
    tags = plan(Site(template_tags="hugo", tags_folder="posts"), (b,))
    assert tags is not None and tags.generator == "hugo"
    assert tags.targets.url("posts/b.md") == tags.targets.url("/posts/b") == BASE + "p/b/"


def _theirs(kind: str, root: Path, tmp_path: Path) -> list[str]:
    """The links and image sources of post A as the real generator publishes it."""
    if kind == "hexo":
        modules = hexo_install()
        (root / "node_modules").symlink_to(modules, target_is_directory=True)
        plugins = dict.fromkeys(("hexo", "hexo-generator-feed", "hexo-renderer-marked"), "*")
        package = {"name": "site", "hexo": {"version": "8.1.2"}, "dependencies": plugins}
        (root / "package.json").write_text(json.dumps(package), encoding="utf-8")
        run([str(modules / ".bin" / "hexo"), "generate", "--silent"], root, tmp_path)
        return references(*entry_a(root / "public" / "atom.xml"))
    out = tmp_path / "generated"
    if kind == "hugo":
        (root / "layouts" / "_default").mkdir(parents=True)
        single = root / "layouts" / "_default" / "single.html"
        single.write_text("{{ .Content }}", encoding="utf-8")
        run([hugo_binary(), "--quiet", "--destination", str(out)], root, tmp_path)
        page = (out / "posts" / "a" / "index.html").read_text(encoding="utf-8")
        return references(page, BASE + "posts/a/")
    run([jekyll_binary(), "build", "--quiet", "-s", str(root), "-d", str(out)], root, tmp_path)
    return references(*entry_a(out / "feed.xml"))


@pytest.mark.generators
@pytest.mark.parametrize("kind", SITES)
def test_links_are_the_generators_own(tmp_path: Path, kind: str) -> None:
    root = SITES[kind](tmp_path / "site", extra=False)
    result = build(root, tmp_path / "out")
    assert result.exit_code == 0 and UNKNOWN not in result.output, result.output
    ours = references(*entry_a(tmp_path / "out" / FEEDS[kind]))
    assert len(ours) >= 3
    assert ours == _theirs(kind, root, tmp_path)
