"""Tests of laojia_feed.render: sanitizing (table-driven), Markdown, text, summaries, render."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import lxml.etree
import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from laojia_feed.model import Article, BodyFormat, Site
from laojia_feed.render.bodies import MORE_MARKER, render, sanitize
from laojia_feed.render.markdown import markdown_to_html
from laojia_feed.render.sanitize import ALLOWED_ATTRIBUTE_VALUES, ALLOWED_ATTRIBUTES, ALLOWED_TAGS
from laojia_feed.render.summary import html_to_text, summarize
from laojia_feed.xmlchars import has_forbidden, one_line, strip_forbidden

POST = "https://example.com/2021/12/09/post/"
CASES = Path(__file__).parent / "data" / "sanitize"
#: The team's real post, beside the checkout (its body is also the case seed-post.html).
SEED = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "seed-post.md"

#: Elements that must never appear in sanitized output, whatever the input.
NEVER = {
    "script", "style", "iframe", "object", "embed", "applet", "svg", "math", "form",
    "input", "button", "textarea", "select", "meta", "base", "link", "noscript",
    "template", "frame", "frameset", "body", "html", "head",
}  # fmt: skip
#: Attributes that must never appear in sanitized output.
NEVER_ATTRIBUTES = {"style", "srcset", "formaction", "srcdoc", "xlink:href", "action", "id"}


def parse(fragment: str) -> lxml.html.HtmlElement:
    """The sanitized output as a tree (wrapped in a <div>)."""
    parser = lxml.html.HTMLParser(huge_tree=True)
    return lxml.html.fragment_fromstring(fragment or "<br>", create_parent="div", parser=parser)


def assert_safe(out: str) -> None:
    """The invariants every sanitized output holds, checked on the parsed tree."""
    assert not has_forbidden(out)
    root = parse(out)
    for node in root.iter():
        assert isinstance(node.tag, str), f"comment or PI left: {node!r}"
        if node is root:
            continue
        tag = node.tag
        assert tag not in NEVER, f"<{tag}> left in {out!r}"
        assert tag in ALLOWED_TAGS, f"<{tag}> not allowed"
        for name, value in node.attrib.items():
            assert not name.lower().startswith("on"), f"event handler {name} left"
            assert name not in NEVER_ATTRIBUTES
            allowed = ALLOWED_ATTRIBUTES.get(tag, frozenset()) | ALLOWED_ATTRIBUTES["*"]
            values = ALLOWED_ATTRIBUTE_VALUES.get(tag, {}).get(name)
            assert name in allowed or values is not None, f"{tag}@{name} not allowed"
            assert values is None or value in values, f"{tag}@{name}={value!r} not allowed"
            if name in ("href", "src", "poster"):
                assert re.match(r"(https?://[^\s]+|mailto:\S+)$", value), f"{name}={value!r}"


# ---------------------------------------------------------------------------
# Table-driven sanitizer cases


@dataclass(frozen=True)
class Case:
    name: str
    description: str
    body: str
    checks: tuple[tuple[str, str], ...]


def load_case(path: Path) -> Case:
    head, sep, body = path.read_text(encoding="utf-8").partition("---\n")
    assert sep, f"{path.name}: no --- line"
    checks: list[tuple[str, str]] = []
    description = ""
    for line in head.splitlines():
        key, _, value = line.partition(": ")
        if key == "description":
            description = value
        else:
            assert key in {"text", "no-text", "xpath", "no-xpath", "note", "notes"}, line
            checks.append((key, value))
    assert description, f"{path.name}: no description"
    return Case(path.stem, description, body.removesuffix("\n"), tuple(checks))


ALL_CASES = [load_case(p) for p in sorted(CASES.glob("*.html"))]


def test_there_are_dozens_of_cases() -> None:
    assert len(ALL_CASES) >= 50


@pytest.mark.parametrize("case", ALL_CASES, ids=[c.name for c in ALL_CASES])
def test_sanitize_case(case: Case) -> None:
    out, notes = sanitize(case.body, POST)
    assert_safe(out)
    root = parse(out)
    text = root.text_content()
    for key, value in case.checks:
        if key == "text":
            assert value in text, f"{case.description}: {value!r} not in {text!r}"
        elif key == "no-text":
            assert value not in text, f"{case.description}: {value!r} in {text!r}"
        elif key == "xpath":
            assert root.xpath(value), f"{case.description}: {value} matches nothing in {out!r}"
        elif key == "no-xpath":
            assert not root.xpath(value), f"{case.description}: {value} matches in {out!r}"
        elif key == "note":
            assert any(value in n for n in notes), f"{case.description}: {value!r} not in {notes}"
        elif key == "notes":
            assert value == "none"
            assert notes == (), f"{case.description}: unexpected notes {notes}"
    assert sanitize(out, POST)[0] == out, "sanitizing twice changed the output"


def test_entities_in_attributes_are_not_a_way_around_the_scheme_check() -> None:
    out, _ = sanitize('<a href="&#x6A;avascript&#x3A;alert(1)" title="&#x6A;s">x</a>', POST)
    (a,) = parse(out).iter("a")
    assert a.get("href") is None
    assert a.get("title") == "js"


# ---------------------------------------------------------------------------
# The seed post


def seed_body() -> str:
    if not SEED.exists():
        pytest.skip(f"{SEED} is not there")
    text = SEED.read_text(encoding="utf-8")
    _, _front, body = text.lstrip("\n").split("---\n", 2)
    return body


def test_seed_post_keeps_its_nine_images_and_its_text() -> None:
    body = seed_body()
    out, notes = sanitize(body, POST)
    assert_safe(out)
    images = parse(out).findall(".//img")
    assert len(images) == 9
    for img in images:
        assert img.get("src", "").startswith(
            "https://cors.zfour.workers.dev/?http://static.1sapp.com/"
        )
        assert img.get("referrerpolicy") == "no-referrer"  # kept: the host refuses hotlinks
    assert html_to_text(out) == html_to_text(body)
    assert "天目西路街道“加梯”楼" in html_to_text(out)
    assert "越来越和谐，越来越舒适。" in html_to_text(out)
    assert notes == ()


def test_seed_post_renders_with_a_chinese_summary() -> None:
    article = make_article(seed_body(), fmt=BodyFormat.MARKDOWN)
    rendered = render(article, Site(summary_length=50))
    assert len(parse(rendered.content_html).findall(".//img")) == 9
    assert rendered.summary.startswith("近期，【老房加梯系列报道】专题")
    assert rendered.summary.endswith("…")
    assert len(rendered.summary) == 51


# ---------------------------------------------------------------------------
# Hostile structure: DOCTYPEs, forbidden characters, deep nesting


def test_doctype_with_external_entity_leaks_no_file() -> None:
    out, _ = sanitize('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><p>&e;</p>', POST)
    assert "root:" not in out
    assert parse(out).text_content().endswith("&e;")
    assert "root:" not in html_to_text('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>&e;')


@pytest.mark.parametrize(
    "body",
    [
        "a&#0;b&#x1;c&#xFFFE;d&#xD800;e&#xFFFF;f&#x1F;",
        "a\x00b\x01c\ufffed\ud800e\uffff\x1ff",
        '<img alt="\x01&#x2;&#xDFFF;" src="a.png">x\x0b',
    ],
)
def test_no_forbidden_character_survives(body: str) -> None:
    out, _ = sanitize(body, POST)
    assert not has_forbidden(out)
    assert not re.search(r"&#x?0*(?:[0-8bcef]|1[0-9a-f]|d[89a-f]..|fff[ef]);", out, re.I)
    assert not has_forbidden(html_to_text(body))
    rendered = render(make_article(body), Site())
    assert not has_forbidden(rendered.content_html)
    assert not has_forbidden(rendered.summary)


@pytest.mark.parametrize(
    ("tag", "depth"),
    [("div", 100_000), ("b", 100_000), ("blockquote", 20_000), ("span", 20_000), ("a", 20_000)],
)
def test_deep_nesting_keeps_the_innermost_text(tag: str, depth: int) -> None:
    body = f"<{tag}>" * depth + "innermost words" + f"</{tag}>" * depth
    out, _notes = sanitize(body, POST)
    assert "innermost words" in out
    assert "innermost words" in html_to_text(body)
    assert not has_forbidden(out)


def test_deep_nesting_is_published_as_text_with_a_note() -> None:
    out, notes = sanitize("<p>first</p>" + "<div>" * 5000 + "deep &amp; inside", POST)
    assert [p.text for p in parse(out).iter("p")] == ["first", "deep & inside"]
    assert notes and "deep" in notes[0]


def test_moderate_nesting_is_sanitized_normally() -> None:
    out, notes = sanitize("<div>" * 300 + "<em>x</em>" + "</div>" * 300, POST)
    assert len(parse(out).findall(".//div")) == 300
    assert notes == ()


def test_many_paragraphs_without_end_tags_are_not_deep() -> None:
    body = "<p>para" * 3000
    out, notes = sanitize(body, POST)
    assert len(parse(out).findall(".//p")) == 3000
    assert notes == ()


def test_deep_markdown_keeps_its_text() -> None:
    for source in ["> " * 1000 + "deep quote", "- " * 500 + "deep item", "*" * 5000 + "x"]:
        html = markdown_to_html(source)
        assert source.split()[-1].strip("*") in html_to_text(sanitize(html, POST)[0])


# ---------------------------------------------------------------------------
# Markdown


def test_markdown_tables_code_and_strikethrough() -> None:
    source = (
        "# Title\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n\n~~gone~~ and **bold**\n\n"
        '```python\nx = "]]>" if a < b else "<![CDATA[ y ]]>"\n```\n\n'
        "![pic](../img/a.png) [link](/x)\n"
    )
    out, notes = sanitize(markdown_to_html(source), POST)
    root = parse(out)
    assert root.xpath("//table/thead/tr/th[.='a']")
    assert root.xpath("//table/tbody/tr/td[.='2']")
    assert root.xpath("//s[.='gone']") or root.xpath("//del[.='gone']")
    (code,) = root.xpath("//pre/code[@class='language-python']")
    assert code.text == 'x = "]]>" if a < b else "<![CDATA[ y ]]>"\n'
    assert root.xpath("//img[@src='https://example.com/2021/12/09/img/a.png'][@alt='pic']")
    assert root.xpath("//a[@href='https://example.com/x']")
    assert notes == ()


def test_markdown_raw_html_is_sanitized() -> None:
    out, notes = sanitize(
        markdown_to_html("hi <img src=x onerror=alert(1)>\n\n<script>x</script>"), POST
    )
    assert_safe(out)
    assert "removed <script>" in notes


def test_markdown_never_raises_on_odd_input() -> None:
    for source in ["", "\x00", "\ud800", "[" * 10_000, "<" * 10_000, "`" * 10_000]:
        assert isinstance(markdown_to_html(source), str)


# ---------------------------------------------------------------------------
# Text and summaries


def test_html_to_text_separates_blocks_and_decodes_entities() -> None:
    html = (
        "<h1>Title</h1><p>one&nbsp;&amp;   two<br>three</p><ul><li>a</li><li>b</li></ul>"
        "<script>bad()</script><style>p{}</style><!-- note -->tail <b>bold</b>, <i>it</i>."
    )
    assert html_to_text(html) == "Title\none & two\nthree\na\nb\ntail bold, it."


def test_html_to_text_is_robust() -> None:
    assert html_to_text("") == ""
    assert html_to_text("<p>unclosed <b>bold <i>x") == "unclosed bold x"
    assert html_to_text("</p></div>stray") == "stray"
    assert html_to_text("<td>a</td><td>b</td>") in ("a\nb", "a b")


def test_summarize_english_backs_up_to_a_space() -> None:
    text = "The quick brown fox jumps over the lazy dog"
    assert summarize(text, 22) == "The quick brown fox…"
    assert summarize(text, len(text)) == text
    assert summarize(text, 19) == "The quick brown fox…"


def test_summarize_cuts_a_long_word_when_no_space_is_near() -> None:
    text = "see https://example.com/" + "a" * 100
    assert summarize(text, 50) == text[:50] + "…"


def test_summarize_chinese_cuts_between_characters() -> None:
    text = "中文的句子没有空格所以可以在任何字符之间断开"
    assert summarize(text, 10) == "中文的句子没有空格所…"
    assert summarize("近期，老房加梯English words here", 8) == "近期，老房加梯…"


def test_summarize_keeps_character_clusters() -> None:
    accented = "e\u0301" * 30  # e + combining acute accent, no space to break at
    assert summarize(accented, 21) == "e\u0301" * 10 + "…"
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert summarize("x" + family * 3, 4) == "x…"
    assert summarize("x" + family * 3, 6) == "x" + family + "…"


def test_summarize_edges() -> None:
    assert summarize("", 10) == ""
    assert summarize("abc", 0) == ""
    assert summarize("a\n\n b\t c", 100) == "a b c"
    assert summarize("ab\ud800cd", 3) == "abc…"


@settings(max_examples=200, deadline=None)
@given(st.text(), st.integers(min_value=1, max_value=300))
def test_summarize_properties(text: str, length: int) -> None:
    out = summarize(text, length)
    normal = one_line(strip_forbidden(text)[0])
    assert not has_forbidden(out)
    if len(normal) <= length:
        assert out == normal
    else:
        assert out.endswith("…")
        assert len(out) <= length + 1
        assert normal.startswith(out[:-1])


# ---------------------------------------------------------------------------
# render()


def make_article(
    body: str, fmt: BodyFormat = BodyFormat.HTML, summary: str | None = None
) -> Article:
    when = datetime(2021, 12, 9, 3, 10, 27, tzinfo=UTC)
    return Article(
        id=POST,
        slug="post",
        url=POST,
        title="Post",
        published=when,
        updated=when,
        body=body,
        body_format=fmt,
        source_path="post.md",
        summary=summary,
    )


@pytest.mark.parametrize(
    "marker", ["<!-- more -->", "<!--more-->", "<!-- MORE -->", "<!--  More\t-->"]
)
def test_more_marker_variants(marker: str) -> None:
    assert MORE_MARKER.search(f"a{marker}b")


def test_more_marker_gives_the_excerpt_and_summary() -> None:
    body = "Intro **text** here.\n\n<!-- more -->\n\nThe rest of the post."
    article = make_article(body, BodyFormat.MARKDOWN)
    full = render(article, Site())
    assert "The rest of the post." in full.content_html
    assert full.summary == "Intro text here."
    short = render(article, Site(full_content=False))
    assert short.content_html == "<p>Intro <strong>text</strong> here.</p>"


def test_more_marker_with_nothing_before_it_summarizes_the_content() -> None:
    rendered = render(
        make_article("<!--more--><p>All the words of this post.</p>"), Site(summary_length=12)
    )
    assert rendered.summary == "All the…"
    assert rendered.content_html == "<p>All the words of this post.</p>"


def test_more_marker_inside_code_is_not_a_marker() -> None:
    body = "Intro.\n\n```html\n<!-- more -->\n```\n\nRest."
    rendered = render(make_article(body, BodyFormat.MARKDOWN), Site(summary_length=200))
    assert rendered.summary == "Intro. <!-- more --> Rest."


def test_summary_rules() -> None:
    given_summary = render(make_article("<p>Body</p>", summary="  An author\nsummary "), Site())
    assert given_summary.summary == "An author summary"
    generated = render(make_article("<p>" + "word " * 100 + "</p>"), Site(summary_length=30))
    assert generated.summary == "word word word word word word…"
    chinese = render(make_article("<p>" + "汉字" * 200 + "</p>"), Site(summary_length=15))
    assert chinese.summary == "汉字" * 7 + "汉…"


def test_summary_only_feed_uses_a_summary_paragraph() -> None:
    rendered = render(make_article("<p>One &amp; two</p><p>three</p>"), Site(full_content=False))
    assert rendered.content_html == "<p>One &amp; two three</p>"


def test_item_budget_replaces_content_with_the_summary() -> None:
    body = "<p>" + "长文" * 200_000 + "</p>"
    site = Site(item_budget=512 * 1024, summary_length=20)
    rendered = render(make_article(body), site)
    assert len(rendered.content_html.encode()) <= site.item_budget
    root = parse(rendered.content_html)
    assert root.xpath(f"//a[@href='{POST}'][.='阅读全文']")  # the site's language: zh-CN
    assert rendered.summary in root.text_content()
    (note,) = rendered.notes
    assert note == (
        "content is 1.1 MiB, over the item budget of 512 KiB; the feed carries the summary"
    )


def test_item_budget_prefers_the_excerpt() -> None:
    body = "<p>Excerpt.</p><!-- more --><p>" + "x" * 2000 + "</p>"
    rendered = render(make_article(body), Site(item_budget=1000, language="en"))
    assert rendered.content_html.startswith("<p>Excerpt.</p>")
    assert "Read more" in rendered.content_html
    assert "budget" in rendered.notes[-1]


def test_render_notes_what_was_removed() -> None:
    rendered = render(make_article("<p onclick=x()>hi</p><script>x</script>"), Site())
    assert rendered.content_html == "<p>hi</p>"
    assert rendered.notes == ("removed event handler onclick on <p>", "removed <script>")


def test_clean_bodies_have_no_notes() -> None:
    rendered = render(
        make_article("Plain *markdown* with a [link](https://a.example/).", BodyFormat.MARKDOWN),
        Site(),
    )
    assert rendered.notes == ()


# ---------------------------------------------------------------------------
# Properties


TAGS = sorted(ALLOWED_TAGS | NEVER | {"font", "center", "x-y", "table", "plaintext", "xmp"})
ATTRS = ["href", "src", "onerror", "style", "title", "data-src", "srcset", "class", "xlink:href"]
VALUES = ["x", "javascript:alert(1)", "&#106;avascript:1", "../a.png", "data:x", '"><b>', "", " "]


@st.composite
def html_soup(draw: st.DrawFn) -> str:
    parts = draw(
        st.lists(
            st.one_of(
                st.text(max_size=8),
                st.builds(
                    lambda t, a, v, close: f'<{"/" if close else ""}{t} {a}="{v}">',
                    st.sampled_from(TAGS),
                    st.sampled_from(ATTRS),
                    st.sampled_from(VALUES),
                    st.booleans(),
                ),
                st.sampled_from(
                    ["<!--", "-->", "<![CDATA[", "]]>", "&", "&#0;", "&#xD800;", "<!-- more -->"]
                ),
            ),
            max_size=25,
        )
    )
    return "".join(parts)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), html_soup()))
def test_sanitize_properties(body: str) -> None:
    out, notes = sanitize(body, POST)
    assert not has_forbidden(out)
    assert_safe(out)
    assert sanitize(out, POST) == (out, ())
    assert all(isinstance(n, str) for n in notes)
    assert not has_forbidden(html_to_text(body))


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.text(), html_soup()), st.sampled_from(list(BodyFormat)))
def test_render_never_raises(body: str, fmt: BodyFormat) -> None:
    rendered = render(make_article(body, fmt), Site(summary_length=20, item_budget=300))
    assert not has_forbidden(rendered.content_html + rendered.summary)
    assert_safe(rendered.content_html)


def test_body_proxy_urls_are_unwrapped_when_configured() -> None:
    proxied = "https://cors.zfour.workers.dev/?http://static.1sapp.com/qupost/img/a.jpeg"
    private = "https://cors.zfour.workers.dev/?http://127.0.0.1/secret.jpeg"
    body = f'<p><img src="{proxied}"><img src="{private}"><a href="/x">x</a></p>'
    kept, _ = sanitize(body, "https://a.org/p/")
    unwrapped, _ = sanitize(body, "https://a.org/p/", unwrap_proxies=True)

    def srcs(html: str) -> list[str | None]:
        return [i.get("src") for i in lxml.html.fromstring(html).iter("img")]

    # a wrapper carrying a URL that may not be published is removed, unwrapped or not
    assert srcs(kept) == [proxied, None]
    assert srcs(unwrapped) == ["http://static.1sapp.com/qupost/img/a.jpeg", None]
    assert [a.get("href") for a in lxml.html.fromstring(unwrapped).iter("a")] == ["https://a.org/x"]


def test_plain_text_drops_references_to_characters_xml_forbids() -> None:
    # found by hypothesis: a code sample showing "&#0;" literally became a summary
    # holding the reference, which a reader turning the summary into markup would resolve
    assert summarize(html_to_text("<pre><code>&amp;#0; a &amp;#x41; b</code></pre>"), 50) == (
        "a &#x41; b"
    )
