"""The HTML that expanded tags produce: escaped, and safe as a Markdown block."""

from __future__ import annotations

import html
from collections.abc import Mapping
from urllib.parse import urlsplit, urlunsplit


def element(name: str, attrs: Mapping[str, str | bool | None], content: str | None = None) -> str:
    """``<name attrs>content</name>`` (no end tag when ``content`` is None); attributes whose
    value is None, "" or False are left out, True ones written bare, as Hexo's htmlTag does."""
    parts = [name]
    for key, value in attrs.items():
        if value is True:
            parts.append(key)
        elif value:
            parts.append(f'{key}="{html.escape(value)}"')
    opening = "<" + " ".join(parts) + ">"
    return opening if content is None else f"{opening}{content}</{name}>"


def block(markup: str) -> str:
    """HTML on lines of its own, so that Markdown keeps it as one block."""
    return f"\n\n{markup}\n\n"


def code_block(code: str, language: str | None) -> str:
    """A highlighted code block: ``<pre><code class="language-x">`` and the code escaped."""
    css = f"language-{language}" if language else None
    return block(
        "<pre>" + element("code", {"class": css}, html.escape(code, quote=False)) + "</pre>"
    )


def link(href: str, text: str, title: str | None = None) -> str:
    return element("a", {"href": href, "title": title}, text)


def image(src: str, alt: str | None = None, title: str | None = None) -> str:
    return element("img", {"src": src, "alt": alt, "title": title})


def path_of(url: str) -> str:
    """The path (query and fragment kept) of an absolute URL; other references unchanged."""
    parts = urlsplit(url)
    if not parts.netloc:
        return url
    return urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))


def with_fragment(url: str, fragment: str) -> str:
    return f"{url}#{fragment}" if fragment else url


def join_path(base: str, path: str) -> str:
    """``base`` (a site root like ``/sub`` or ``/sub/``) and a path, with one slash between."""
    return base.rstrip("/") + "/" + path.lstrip("/")


def embed(kind: str, ident: str) -> str:
    """A link to a video or gist (feed readers drop iframes and scripts)."""
    urls = {
        "youtube": "https://www.youtube.com/watch?v={}",
        "vimeo": "https://vimeo.com/{}",
        "gist": "https://gist.github.com/{}",
    }
    url = urls[kind].format(ident)
    return element("a", {"href": url}, html.escape(url))


def strip_indent(text: str) -> str:
    """Common leading white space removed from every line, as Hexo's stripIndent does,
    and one leading and one trailing newline dropped."""
    lines = text.split("\n")
    widths = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
    cut = min(widths, default=0)
    text = "\n".join(line[cut:] for line in lines)
    return text.removeprefix("\n").removesuffix("\n")
