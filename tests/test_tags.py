"""Template tags in bodies: each built-in tag, unknown tags, code, hostile input.

Expected outputs are the HTML the real generators wrote for the same tags (Hexo 8.1,
Hugo 0.168, Jekyll 4.3), reduced to what a feed keeps; tests/test_tags_generators.py
compares links and image sources with the generators' own output.
"""

from __future__ import annotations

import pytest

from helpers import within
from laojia_feed.generators.tags import Expanded, TagContext, expand
from laojia_feed.generators.tags.codespans import fenced_blocks, hexo_code
from laojia_feed.generators.tags.refs import Targets
from laojia_feed.generators.tags.scan import HUGO, pair, scan, split_words

URLS = {
    "b": "https://blog.example.org/sub/2021/01/02/b/",
    "2021-01-02-b": "https://blog.example.org/sub/2021/01/02/b.html",
    "about.md": "https://blog.example.org/sub/about.html",
    "posts/b.md": "https://blog.example.org/sub/posts/b/",
}

CTX = TagContext(
    site={"url": "https://blog.example.org", "baseurl": "/sub", "title": "T", "root": "/sub/"},
    page={"title": "A & co", "author": {"name": "张三"}},
    post_url=URLS.get,
    post_title=lambda reference: "B <x>" if reference in URLS else None,
    asset_base="https://blog.example.org/sub/2021/01/01/a/",
)


def hexo(body: str) -> Expanded:
    return expand(body, "hexo", CTX)


def hugo(body: str) -> Expanded:
    return expand(body, "hugo", CTX)


def jekyll(body: str) -> Expanded:
    return expand(body, "jekyll", CTX)


# --- Hexo ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "html"),
    [
        ("{% post_link b %}", '<a href="/sub/2021/01/02/b/" title="B &lt;x&gt;">B &lt;x&gt;</a>'),
        (
            "{% post_link b 'Other text' %}",
            '<a href="/sub/2021/01/02/b/" title="B &lt;x&gt;">Other text</a>',
        ),
        (
            "{% post_link b#sec %}",
            '<a href="/sub/2021/01/02/b/#sec" title="B &lt;x&gt;">B &lt;x&gt;</a>',
        ),
        (
            "{% post_link b <i>x</i> false %}",
            '<a href="/sub/2021/01/02/b/" title="B &lt;x&gt;"><i>x</i></a>',
        ),
        ("{% post_path b %}", "/sub/2021/01/02/b/"),
        (
            '{% asset_img pic.png "Title t" %}',
            '<img src="/sub/2021/01/01/a/pic.png" title="Title t">',
        ),
        ("{% asset_img 小 图.png %}", '<img src="/sub/2021/01/01/a/%E5%B0%8F" title="图.png">'),
        ("{% asset_path pic.png %}", "/sub/2021/01/01/a/pic.png"),
        (
            "{% asset_link pic.png %}",
            '<a href="/sub/2021/01/01/a/pic.png" title="pic.png">pic.png</a>',
        ),
        (
            "{% img /images/x.png 100 200 %}",
            '<img src="/sub/images/x.png" width="100" height="200">',
        ),
        ("{% img left http://ex.com/y.png %}", '<img src="http://ex.com/y.png" class="left">'),
        (
            "{% link Text http://ex.com/z true Title %}",
            '<a href="http://ex.com/z" title="Title" target="_blank">Text</a>',
        ),
        ("{% url_for Home /about/ %}", '<a href="/sub/about/">Home</a>'),
        ("{% full_url_for Home /about/ %}", '<a href="https://blog.example.org/about/">Home</a>'),
        (
            "{% iframe https://ex.com/f 400 %}",
            '<iframe src="https://ex.com/f" width="400" height="300"'
            ' frameborder="0" loading="lazy" allowfullscreen></iframe>',
        ),
        (
            "{% youtube abc %}",
            '<a href="https://www.youtube.com/watch?v=abc">https://www.youtube.com/watch?v=abc</a>',
        ),
        ("{{ title }}", "A & co"),
        ("{{ author.name }}", "张三"),
        ("{# a comment #}", ""),
    ],
)  # fmt: skip
def test_hexo_single_tags(tag: str, html: str) -> None:
    result = hexo(f"x {tag} y")
    assert result.text == f"x {html} y"
    assert result.unknown == {}
    assert result.problems == ()


def test_hexo_code_blocks_are_escaped_code() -> None:
    text = hexo("{% codeblock lang:python %}\n    a < b && {{ x }}\n    c\n{% endcodeblock %}").text
    assert text.strip() == '<pre><code class="language-python">a &lt; b &amp;&amp; \nc</code></pre>'


def test_hexo_blockquote_keeps_markdown_in_blocks() -> None:
    text = hexo("{% blockquote Author, Title %}\nquote **bold**\n{% endblockquote %}").text
    assert "<blockquote>\n\nquote **bold**\n\n<footer><strong>Author</strong>" in text
    assert "<cite>Title</cite></footer></blockquote>" in text
    assert text.startswith("\n\n") and text.endswith("\n\n")


def test_hexo_blockquote_cites_a_source() -> None:
    text = hexo("{% blockquote Jo https://ex.com/a/ %}\nq\n{% endblockquote %}").text
    assert '<cite><a href="https://ex.com/a/">ex.com/a</a></cite>' in text


def test_hexo_pullquote() -> None:
    text = hexo("{% pullquote left %}\npq\n{% endpullquote %}").text
    assert '<blockquote class="pullquote left">\n\npq\n\n</blockquote>' in text


def test_hexo_raw_is_literal() -> None:
    assert (
        hexo("{% raw %}{% post_path b %} {{ x }}{% endraw %}").text == "{% post_path b %} {{ x }}"
    )


def test_hexo_leaves_code_alone() -> None:
    body = (
        "```js\nx {% post_path b %}\n```\n\ninline `{% post_path b %}` <!-- {% post_path b %} -->"
    )
    assert hexo(body).text == body


def test_hexo_reads_tags_after_an_unclosed_fence_and_a_lone_backtick() -> None:
    result = hexo("```\n{% post_path b %} a ` b\n\n` {% post_path b %}")
    assert result.text == "```\n/sub/2021/01/02/b/ a ` b\n\n` /sub/2021/01/02/b/"


def test_hexo_unknown_tags_keep_content_or_vanish() -> None:
    fold = "{% fold 点击展开 %}\n内容 {% post_path b %}\n{% endfold %}"
    result = hexo(fold + "{% note info %}x{% endnote %}{% x %}")
    assert result.text == "\n内容 /sub/2021/01/02/b/\nx"
    assert result.unknown == {"fold": 1, "note": 1, "x": 1}


def test_hexo_unknown_variables_print_nothing() -> None:
    result = hexo("a{{ nothing }}b{{ nothing }}")
    assert result.text == "ab"
    assert result.unknown == {"{{ nothing }}": 2}


def test_hexo_missing_post_and_asset_folder_are_problems() -> None:
    result = expand("{% post_link nope %} {% asset_img x.png %}", "hexo", TagContext())
    assert result.text == "nope "
    assert len(result.problems) == 2
    assert "nope" in result.problems[0]


# --- Hugo ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "html"),
    [
        ('{{< ref "posts/b.md" >}}', "https://blog.example.org/sub/posts/b/"),
        ('{{< ref path="posts/b.md" >}}', "https://blog.example.org/sub/posts/b/"),
        ('{{< relref "posts/b.md#sec" >}}', "/sub/posts/b/#sec"),
        ("{{% ref posts/b.md %}}", "https://blog.example.org/sub/posts/b/"),
        (
            '{{< youtube id="w7Ft2ymGmfc" >}}',
            '<a'
            ' href="https://www.youtube.com/watch?v=w7Ft2ymGmfc">https://www.youtube.com/watch?v=w7Ft2ymGmfc</a>',
        ),
        (
            "{{< vimeo 146022717 >}}",
            '<a href="https://vimeo.com/146022717">https://vimeo.com/146022717</a>',
        ),
        (
            "{{< gist spf13 7896402 >}}",
            '<a'
            ' href="https://gist.github.com/spf13/7896402">https://gist.github.com/spf13/7896402</a>',
        ),
        ('{{</* figure src="x" */>}}', '{{< figure src="x" >}}'),
        ("{{%/* alert */%}}", "{{% alert %}}"),
        ("{{ site.BaseURL }}", "{{ site.BaseURL }}"),
        ('{{< param "title" >}}', "A &amp; co"),
    ],
)  # fmt: skip
def test_hugo_single_shortcodes(tag: str, html: str) -> None:
    result = hugo(f"x {tag} y")
    assert result.text == f"x {html} y"
    assert result.unknown == {}


def test_hugo_figure() -> None:
    text = hugo('{{< figure src="img/x.png" alt="Alt" title="T" caption="Cap" link="/l" >}}').text
    assert text.strip() == (
        '<figure><a href="/l"><img src="img/x.png" alt="Alt"></a>'
        "<figcaption><h4>T</h4><p>Cap</p></figcaption></figure>"
    )


def test_hugo_highlight() -> None:
    text = hugo('{{< highlight go "linenos=false" >}}\na < b && {{ x }}\n{{< /highlight >}}').text
    assert text.strip() == '<pre><code class="language-go">a &lt; b &amp;&amp; {{ x }}</code></pre>'


def test_hugo_expands_in_code_too() -> None:
    text = hugo('```\nx {{< ref "posts/b.md" >}}\n```\n`{{< relref "posts/b.md" >}}`').text
    assert text == "```\nx https://blog.example.org/sub/posts/b/\n```\n`/sub/posts/b/`"


def test_hugo_unknown_shortcodes() -> None:
    body = '{{% alert color="info" %}}**Note**{{% /alert %}} {{< tweet 1 >}} {{< box />}}'
    result = hugo(body)
    assert result.text == "**Note**  "
    assert result.unknown == {"alert": 1, "tweet": 1, "box": 1}


def test_hugo_self_closing_is_no_opener() -> None:
    result = hugo("{{< x />}}a{{< x >}}b{{< /x >}}")
    assert result.text == "ab"
    assert result.unknown == {"x": 2}


# --- Jekyll ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "html"),
    [
        ("{{ site.baseurl }}/x.png", "/sub/x.png"),
        ("{% post_url 2021-01-02-b %}", "/sub/2021/01/02/b.html"),
        ("{{ site.baseurl }}{% post_url 2021-01-02-b %}", "/sub/sub/2021/01/02/b.html"),
        ("{% link about.md %}", "/sub/about.html"),
        ('{{ "/y.png" | relative_url }}', "/sub/y.png"),
        ("{{ '/y.png' | absolute_url }}", "https://blog.example.org/sub/y.png"),
        ('{{ "/z" | prepend: site.baseurl }}', "/sub/z"),
        ('{{ "/z" | append: ".html" }}', "/z.html"),
        ("{{ site.url }}", "https://blog.example.org"),
        ("{{- page.title -}}", "A & co"),
        ("{{ page.title | escape }}", "A &amp; co"),
        ("{{ page.missing | default: 'none' }}", "none"),
        ("{% raw %}{{ site.url }}{% endraw %}", "{{ site.url }}"),
        ("{% comment %} hidden {{ site.url }} {% endcomment %}", ""),
    ],
)  # fmt: skip
def test_jekyll_liquid(tag: str, html: str) -> None:
    result = jekyll(f"x {tag} y")
    assert result.text == f"x {html} y"
    assert result.unknown == {}


def test_jekyll_image_and_link_become_markdown_that_works() -> None:
    text = jekyll("![logo]({{ site.baseurl }}/x.png) [b]({% post_url 2021-01-02-b %})").text
    assert text == "![logo](/sub/x.png) [b](/sub/2021/01/02/b.html)"


def test_jekyll_highlight_expands_liquid_inside() -> None:
    text = jekyll("{% highlight ruby linenos %}\na < b {{ site.title }}\n{% endhighlight %}").text
    assert text.strip() == '<pre><code class="language-ruby">a &lt; b T</code></pre>'


def test_jekyll_unknowns() -> None:
    body = "{% include note.html %}{% if x %}yes{% endif %}{{ foo }}{{ site.url | slugify }}"
    result = jekyll(body)
    assert result.text == "yeshttps://blog.example.org"
    assert result.unknown == {"include": 1, "if": 1, "{{ foo }}": 1, "| slugify": 1}


def test_jekyll_missing_post_is_a_problem() -> None:
    result = jekyll("[x]({% post_url 2000-01-01-nope %})")
    assert result.text == "[x]()"
    assert "2000-01-01-nope" in result.problems[0]


# --- all -------------------------------------------------------------------------------------


@pytest.mark.parametrize("generator", ["hexo", "hugo", "jekyll"])
@pytest.mark.parametrize(
    "body", ["", "plain text, no tags", "{ { } } {", "{%", "{{<", "{{", "%} }} >}}", "中文 {"]
)
def test_text_without_tags_is_unchanged(generator: str, body: str) -> None:
    result = expand(body, generator, CTX)  # type: ignore[arg-type]
    assert result.text == body
    assert result.unknown == {}


@pytest.mark.parametrize(
    ("generator", "body"),
    [("hexo", "a {% post_path b"), ("jekyll", "a {{ site.url"), ("hugo", "a {{< ref x")],
)
def test_unterminated_tags_are_text_and_a_problem(generator: str, body: str) -> None:
    result = expand(body, generator, CTX)  # type: ignore[arg-type]
    assert result.text == body
    assert len(result.problems) == 1
    assert "never closed" in result.problems[0]


def test_stray_end_is_dropped_with_a_problem() -> None:
    result = hexo("a{% endfold %}b")
    assert result.text == "ab"
    assert "ends no open tag" in result.problems[0]


def test_crossed_pairs_close_the_nearest() -> None:
    result = hexo("{% c %}1{% d %}2{% endc %}3{% endd %}")
    assert result.text == "123"
    assert result.unknown == {"c": 1, "d": 1}
    assert "{% endd %} ends no open tag: dropped" in result.problems


def test_single_builtins_take_no_content() -> None:
    result = hexo("{% post_path b %}x{% endpost_path %}")
    assert result.text == "/sub/2021/01/02/b/x"


def test_deep_nesting_keeps_the_innermost_as_text() -> None:
    depth = 5000
    body = "{% fold %}" * depth + "x" + "{% endfold %}" * depth
    result = within(30, lambda: hexo(body))
    assert result.text.count("{% fold %}") == depth - 41  # depths 0 to 40 expanded
    assert result.unknown == {"fold": 41}
    assert "x" in result.text
    assert any("nested deeper" in problem for problem in result.problems)


@pytest.mark.parametrize("generator", ["hexo", "hugo", "jekyll"])
@pytest.mark.parametrize(
    "unit",
    [
        "{% a %}",
        "{% enda %}",
        "{{<",
        "{{< x >}}",
        "{{< /x >}}",
        "```\n",
        "`",
        "<!--",
        "{{ site.url | ",
        "{%",
        "'\"",
        "{{% x %}}{{</* ",
    ],
)
def test_huge_hostile_input_is_linear(generator: str, unit: str) -> None:
    """A 400 kB body of one repeated fragment is expanded in about a second (a
    quadratic step would take hours)."""
    body = unit * (400_000 // len(unit))
    result = within(60, lambda: expand(body, generator, CTX))  # type: ignore[arg-type]
    assert isinstance(result.text, str)


# --- pieces ------------------------------------------------------------------------------


def test_split_words_groups_quotes() -> None:
    assert split_words('a \'b c\' "" d"e f"') == ["a", "b c", "", "de f"]


def test_scan_skips_ranges() -> None:
    tokens = scan("{% a %}{% b %}", ["%"], [(7, 9)])
    assert [token.name for token in tokens] == ["a", ""]


def test_pair_matches_hugo_closers() -> None:
    tokens = scan("{{< x >}}{{< y >}}{{< /x >}}", HUGO)
    assert pair(tokens, lambda t: t.name[1:] if t.name.startswith("/") else None) == {0: 2}


def test_fences_need_the_same_closing_fence() -> None:
    text = "````\na\n```\nb\n````\nc\n~~~\n"
    assert fenced_blocks(text) == [(0, text.index("c"))]


def test_fences_in_lists_and_quotes() -> None:
    text = "- ```\n  {% a %}\n  ```\n> ```\n> {% b %}\n> ```\n"
    assert hexo_code(text) == [(0, len(text) // 2), (len(text) // 2, len(text))]


def test_targets_name_posts_the_way_each_generator_does() -> None:
    posts = [("folder/b.md", "https://x.org/b/", "B 篇"), ("b.md", "https://x.org/other/", "O")]
    hexo_targets = Targets.of(posts, "hexo")
    assert hexo_targets.url("folder/b") == "https://x.org/b/"
    assert hexo_targets.url("b") == "https://x.org/other/"
    assert hexo_targets.url("B 篇") == "https://x.org/b/"
    assert hexo_targets.title("b") == "O"
    jekyll_targets = Targets.of([("2021-01-02-b.md", "https://x.org/b.html", "B")], "jekyll")
    assert jekyll_targets.url("2021-01-02-b") == "https://x.org/b.html"
    assert jekyll_targets.url("_posts/2021-01-02-b.md") == "https://x.org/b.html"
    assert jekyll_targets.url("B") is None
    hugo_targets = Targets.of([("posts/b/index.md", "https://x.org/posts/b/", "B")], "hugo")
    for reference in ("posts/b", "/posts/b", "b", "posts/b/index.md", " b "):
        assert hugo_targets.url(reference) == "https://x.org/posts/b/", reference
    assert hugo_targets.url("index.md") is None
