"""Hugo's built-in shortcodes, expanded the way Hugo renders them.

``{{< ref >}}`` (the target's absolute URL), ``{{< relref >}}`` (its path), ``{{< figure >}}``,
``{{< highlight >}}``, ``{{< param >}}``, ``{{< details >}}``, and ``{{< youtube >}}``,
``{{< vimeo >}}``, ``{{< gist >}}`` (written as links: feed readers drop players). Both
``{{< >}}`` and ``{{% %}}`` forms, paired and self-closing; ``{{</* x */>}}`` prints
``{{< x >}}``. Like Hugo, shortcodes in code blocks and inline code are expanded too;
``{{ }}`` in content is plain text.
"""

from __future__ import annotations

import html

from . import markup
from .model import Call, Handler, Report, TagContext
from .scan import HUGO, Token, split_words
from .values import lookup, printed
from .walk import Dialect


def params(args: str) -> tuple[list[str], dict[str, str]]:
    """Positional and named parameters (``name="value"``)."""
    positional: list[str] = []
    named: dict[str, str] = {}
    for word in split_words(args, quotes='"`'):
        key, equals, value = word.partition("=")
        if equals and key.isidentifier():
            named[key] = value
        else:
            positional.append(word)
    return positional, named


def _first(call: Call, key: str) -> str:
    positional, named = params(call.token.args)
    return named.get(key) or (positional[0] if positional else "")


def _ref(absolute: bool) -> Handler:
    def handler(call: Call, ctx: TagContext, report: Report) -> str:
        path, _, fragment = _first(call, "path").partition("#")
        url = ctx.post_url(path) if path else None
        if url is None:
            report.problem(f"{call.token.source}: no such page; dropped")
            return ""
        return markup.with_fragment(url if absolute else markup.path_of(url), fragment)

    return handler


def figure(call: Call, ctx: TagContext, report: Report) -> str:
    _, named = params(call.token.args)
    img = markup.element("img", {"src": named.get("src"), "alt": named.get("alt")})
    attrs = {"href": named.get("link"), "target": named.get("target"), "rel": named.get("rel")}
    if attrs["href"]:
        img = markup.element("a", attrs, img)
    caption = ""
    if named.get("title"):
        caption += f"<h4>{named['title']}</h4>"
    if named.get("caption") or named.get("attr"):
        caption += f"<p>{named.get('caption', '')}{named.get('attr', '')}</p>"
    if caption:
        caption = f"<figcaption>{caption}</figcaption>"
    return markup.block(markup.element("figure", {"class": named.get("class")}, img + caption))


def highlight(call: Call, ctx: TagContext, report: Report) -> str:
    positional, _ = params(call.token.args)
    code = (call.body or "").strip("\r\n")
    return markup.code_block(code, positional[0] if positional else None)


def param(call: Call, ctx: TagContext, report: Report) -> str:
    name = _first(call, "name")
    value = lookup(ctx.page, name)
    if value is None:
        value = lookup(ctx.site, "params." + name)
    return html.escape(printed(value))


def details(call: Call, ctx: TagContext, report: Report) -> str:
    _, named = params(call.token.args)
    summary = html.escape(named.get("summary", "Details"))
    body = (call.body or "").strip("\r\n")
    return markup.block(f"<details><summary>{summary}</summary>\n\n{body}\n\n</details>")


def _embed(kind: str, key: str) -> Handler:
    def handler(call: Call, ctx: TagContext, report: Report) -> str:
        positional, named = params(call.token.args)
        ident = named.get(key) or "/".join(positional[:2] if kind == "gist" else positional[:1])
        return markup.embed(kind, ident) if ident else ""

    return handler


def comment(token: Token, ctx: TagContext, report: Report) -> str:
    """``{{</* x */>}}`` is printed as ``{{< x >}}``, ``{{%/* x */%}}`` as ``{{% x %}}``."""
    if token.kind == "<comment":
        return "{{<" + token.source[5:-5] + ">}}"
    return "{{%" + token.source[5:-5] + "%}}"


def ends(token: Token) -> str | None:
    return token.name[1:] if token.name.startswith("/") and len(token.name) > 1 else None


TAGS: dict[str, Handler] = {
    "ref": _ref(absolute=True),
    "relref": _ref(absolute=False),
    "figure": figure,
    "highlight": highlight,
    "param": param,
    "details": details,
    "youtube": _embed("youtube", "id"),
    "vimeo": _embed("vimeo", "id"),
    "gist": _embed("gist", "user"),
}

DIALECT = Dialect(HUGO, TAGS, ends, comment, single=frozenset(TAGS) - {"highlight", "details"})
