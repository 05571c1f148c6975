"""Rendering fast paths give exactly the answers of the slow paths they skip."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from laojia_feed import html

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
    fast = html._single_html_block(text)
    if fast is not None:
        md = html._markdown()
        assert fast == md.render(text)


def test_single_html_block_takes_the_common_body() -> None:
    body = "\n<div>\n<p>一</p><p><a href='/x'>二</a></p>\n</div>\n"
    assert html._single_html_block(body) == body.lstrip("\n")
    assert html.markdown_to_html(body) == body.lstrip("\n")


def test_single_html_block_refuses_what_markdown_changes() -> None:
    for body in ("<div>\n\n*a*", "<span>x</span>", "<div>a|b\n|-|-|", "x\n<div>", "<div>\r\n"):
        assert html._single_html_block(body) is None
