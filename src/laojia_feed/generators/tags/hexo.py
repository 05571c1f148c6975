"""Hexo 8's built-in tag plugins, expanded the way Hexo renders them.

``{% post_link %}``, ``{% post_path %}``, ``{% asset_img %}``, ``{% asset_link %}``,
``{% asset_path %}``, ``{% img %}``, ``{% link %}``, ``{% url_for %}``,
``{% full_url_for %}``, ``{% blockquote %}``, ``{% pullquote %}``, ``{% codeblock %}``,
``{% raw %}``, ``{% iframe %}``, and ``{% youtube %}``/``{% vimeo %}`` of hexo-tag-embed
(written as links). ``{{ name }}`` prints the post's front-matter field, ``{# #}`` nothing.
Like Hexo, no tag is read in fenced code blocks, inline code or HTML comments.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote

from . import markup
from .codespans import hexo_code
from .model import Call, Handler, Report, TagContext
from .refs import post_path
from .scan import HEXO, Token, split_words
from .values import lookup, printed, site_root
from .walk import Dialect

#: Blockquote footers, from Hexo's blockquote.js.
_CITE_WITH_TITLE = re.compile(r"(\S.*?)\s+(https?://\S+)\s+(.+)", re.IGNORECASE)
_CITE = re.compile(r"(\S.*?)\s+(https?://\S+)", re.IGNORECASE)


def _is_url(word: str) -> bool:
    return "://" in word or word.startswith(("www.", "mailto:"))


def url_for(ctx: TagContext, path: str) -> str:
    """Hexo's ``url_for``: the site root before a site path; URLs unchanged."""
    if _is_url(path) or path.startswith(("//", "#")):
        return path
    return markup.join_path(site_root(ctx.site), path)


def _escape_flag(words: list[str]) -> bool:
    if words and words[-1] in ("true", "false"):
        return words.pop() == "true"
    return True


def post_link(call: Call, ctx: TagContext, report: Report) -> str:
    words = split_words(call.token.args)
    if not words:
        report.problem("{% post_link %} names no post: dropped")
        return ""
    slug, _, fragment = words.pop(0).partition("#")
    escape = _escape_flag(words)
    url = ctx.post_url(slug)
    if url is None:
        report.problem(f"{{% post_link {slug} %}}: no such post; kept as text")
        return html.escape(" ".join(words) or slug)
    title = ctx.post_title(slug) or slug
    text = " ".join(words) if words else title
    text = html.escape(text) if escape else text
    return markup.link(markup.with_fragment(markup.path_of(url), fragment), text, title)


def _asset(words: list[str], ctx: TagContext, report: Report, source: str) -> str | None:
    if not words or ctx.asset_base is None:
        report.problem(f"{source}: the post has no asset folder; dropped")
        return None
    return markup.path_of(ctx.asset_base) + quote(words[0], safe="/%")


def asset_path(call: Call, ctx: TagContext, report: Report) -> str:
    return _asset(split_words(call.token.args), ctx, report, call.token.source) or ""


def asset_link(call: Call, ctx: TagContext, report: Report) -> str:
    words = split_words(call.token.args)
    href = _asset(words, ctx, report, call.token.source)
    if href is None:
        return ""
    rest = words[1:]
    escape = _escape_flag(rest)
    title = " ".join(rest) or words[0]
    return markup.link(href, html.escape(title) if escape else title, title)


def asset_img(call: Call, ctx: TagContext, report: Report) -> str:
    words = split_words(call.token.args)
    src = _asset(words, ctx, report, call.token.source)
    return "" if src is None else _img([src, *words[1:]], ctx, rooted=True)


def img(call: Call, ctx: TagContext, report: Report) -> str:
    return _img(split_words(call.token.args), ctx)


def _img(words: list[str], ctx: TagContext, *, rooted: bool = False) -> str:
    """Hexo's img tag: classes, the source, width and height, then title (quotes are gone)."""
    classes: list[str] = []
    src = None
    while words:
        word = words.pop(0)
        if _is_url(word) or word.startswith("/"):
            src = word if rooted else url_for(ctx, word)
            break
        classes.append(word)
    sizes: list[str] = []
    while words and len(sizes) < 2 and words[0].isdigit():
        sizes.append(words.pop(0))
    sizes += [""] * (2 - len(sizes))
    attrs = {"src": src, "class": " ".join(classes) or None, "width": sizes[0]}
    attrs |= {"height": sizes[1], "title": " ".join(words)}
    return markup.element("img", attrs)


def link(call: Call, ctx: TagContext, report: Report) -> str:
    words = split_words(call.token.args)
    at = next((i for i, word in enumerate(words) if _is_url(word)), len(words))
    rest = words[at + 1 :]
    external = bool(rest) and rest[0] == "true"
    if rest and rest[0] in ("true", "false"):
        rest = rest[1:]
    href = words[at] if at < len(words) else ""
    attrs = {"href": href, "title": " ".join(rest), "target": "_blank" if external else None}
    return markup.element("a", attrs, " ".join(words[:at]))


def url_for_tag(call: Call, ctx: TagContext, report: Report) -> str:
    words = [*split_words(call.token.args), "", ""]
    return markup.link(url_for(ctx, words[1]), words[0])


def full_url_for(call: Call, ctx: TagContext, report: Report) -> str:
    words = [*split_words(call.token.args), "", ""]
    url = printed(ctx.site.get("url")).rstrip("/")
    return markup.link(url + "/" + words[1].lstrip("/"), words[0])


def blockquote(call: Call, ctx: TagContext, report: Report) -> str:
    footer = _footer(" ".join(split_words(call.token.args)))
    body = markup.strip_indent(call.body or "")
    return markup.block(f"<blockquote>\n\n{body}\n\n{footer}</blockquote>")


def _footer(text: str) -> str:
    author, source, title = text, "", ""
    if found := _CITE_WITH_TITLE.fullmatch(text):
        author, source, title = found.groups()
    elif found := _CITE.fullmatch(text):
        author, source = found.groups()
    elif "," in text:
        author, _, title = (part.strip() for part in text.partition(","))
    footer = f"<strong>{author}</strong>" if author else ""
    if source:
        shown = title or re.sub(r"^https?://|/(index.html?)?$", "", source)
        footer += f'<cite><a href="{source}">{shown}</a></cite>'
    elif title:
        footer += f"<cite>{title}</cite>"
    return f"<footer>{footer}</footer>" if footer else ""


def pullquote(call: Call, ctx: TagContext, report: Report) -> str:
    classes = " ".join(["pullquote", *split_words(call.token.args)])
    body = markup.strip_indent(call.body or "")
    return markup.block(f'<blockquote class="{html.escape(classes)}">\n\n{body}\n\n</blockquote>')


def codeblock(call: Call, ctx: TagContext, report: Report) -> str:
    words = split_words(call.token.args)
    language = next((w[5:] for w in words if w.startswith("lang:")), None)
    return markup.code_block(markup.strip_indent(call.body or ""), language)


def raw(call: Call, ctx: TagContext, report: Report) -> str:
    return call.raw or ""


def iframe(call: Call, ctx: TagContext, report: Report) -> str:
    words = [*split_words(call.token.args), "default", "default"]
    width = "100%" if words[1] == "default" else words[1]
    height = "300" if words[2] == "default" else words[2]
    attrs: dict[str, str | bool | None] = {"src": words[0], "width": width, "height": height}
    attrs |= {"frameborder": "0", "loading": "lazy", "allowfullscreen": True}
    return markup.element("iframe", attrs, "")


def _embed(kind: str) -> Handler:
    def handler(call: Call, ctx: TagContext, report: Report) -> str:
        words = split_words(call.token.args)
        return markup.embed(kind, words[0]) if words else ""

    return handler


def variable(token: Token, ctx: TagContext, report: Report) -> str:
    """``{{ name }}`` prints the post's field (Nunjucks, no filters); ``{# #}`` nothing."""
    if token.kind != "{{":
        return ""
    value = lookup(ctx.page, token.inner)
    if value is None:
        report.unknown["{{ " + token.inner + " }}"] += 1
    return printed(value)


def ends(token: Token) -> str | None:
    name = token.name
    return name[3:] if token.kind == "%" and name.startswith("end") and len(name) > 3 else None


TAGS: dict[str, Handler] = {
    "post_link": post_link,
    "post_path": post_path,
    "asset_path": asset_path,
    "asset_link": asset_link,
    "asset_img": asset_img,
    "asset_image": asset_img,
    "img": img,
    "image": img,
    "link": link,
    "a": link,
    "anchor": link,
    "url_for": url_for_tag,
    "full_url_for": full_url_for,
    "blockquote": blockquote,
    "quote": blockquote,
    "pullquote": pullquote,
    "codeblock": codeblock,
    "code": codeblock,
    "raw": raw,
    "iframe": iframe,
    "youtube": _embed("youtube"),
    "vimeo": _embed("vimeo"),
}

#: The tags that take content.
PAIRED = frozenset({"blockquote", "quote", "pullquote", "codeblock", "code", "raw"})

DIALECT = Dialect(
    HEXO, TAGS, ends, variable, frozenset({"raw"}), frozenset(TAGS) - PAIRED, hexo_code
)
