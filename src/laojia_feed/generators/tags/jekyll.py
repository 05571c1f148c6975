"""Jekyll's Liquid, as far as a feed needs it, with nothing evaluated beyond it.

Tags: ``{% post_url %}``, ``{% link %}``, ``{% highlight %}``, ``{% raw %}``,
``{% comment %}``. Output: ``{{ site.x }}`` and ``{{ page.x }}`` (dotted, from the
context), string and number literals, and the filters ``relative_url``,
``absolute_url``, ``prepend``, ``append``, ``default``, ``escape``, ``xml_escape`` and
``strip``. Anything else (``include``, ``if``, ``for``, ``assign``, other filters) is
reported as unknown. Jekyll renders Liquid everywhere, code blocks included.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from . import markup
from .model import Call, Handler, Report, TagContext
from .refs import post_path
from .scan import JEKYLL, Token, split_words
from .values import lookup, printed
from .walk import Dialect


def highlight(call: Call, ctx: TagContext, report: Report) -> str:
    words = split_words(call.token.args)
    code = (call.body or "").strip("\r\n")
    return markup.code_block(code, words[0] if words else None)


def _text(value: str) -> Callable[[Call, TagContext, Report], str]:
    def handler(call: Call, ctx: TagContext, report: Report) -> str:
        return call.raw if value == "raw" and call.raw is not None else ""

    return handler


TAGS: dict[str, Handler] = {
    "post_url": post_path,
    "link": post_path,
    "highlight": highlight,
    "raw": _text("raw"),
    "comment": _text(""),
}


def _parts(expression: str) -> list[str]:
    """The expression cut at each ``|`` outside quotes."""
    parts: list[str] = []
    current: list[str] = []
    quote = ""
    for char in expression:
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "|":
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(char)
    parts.append("".join(current).strip())
    return parts


def _value(term: str, ctx: TagContext, report: Report) -> str | None:
    """A literal, or a ``site.``/``page.`` variable; None (reported) for anything else."""
    term = term.strip()
    if len(term) >= 2 and term[0] == term[-1] and term[0] in "\"'":
        return term[1:-1]
    if term.replace(".", "", 1).lstrip("-").isdigit():
        return term
    scope, _, name = term.partition(".")
    source = {"site": ctx.site, "page": ctx.page}.get(scope)
    if source is None or not name:
        report.unknown["{{ " + term + " }}"] += 1
        return None
    value = lookup(source, name)
    return None if value is None else printed(value)


def relative_url(value: str, ctx: TagContext) -> str:
    if "://" in value or value.startswith("//"):
        return value
    base = printed(ctx.site.get("baseurl")).strip("/")
    path = "/" + value.lstrip("/") if value or not base else ""
    return ("/" + base if base else "") + path


def absolute_url(value: str, ctx: TagContext) -> str:
    if "://" in value or value.startswith("//"):
        return value
    return printed(ctx.site.get("url")).rstrip("/") + relative_url(value, ctx)


def _filter(value: str, part: str, ctx: TagContext, report: Report) -> str:
    name, _, argument = part.partition(":")
    name = name.strip()
    simple: dict[str, Callable[[str, TagContext], str]] = {
        "relative_url": relative_url,
        "absolute_url": absolute_url,
        "escape": lambda v, c: html.escape(v),
        "xml_escape": lambda v, c: html.escape(v),
        "strip": lambda v, c: v.strip(),
    }
    if name in simple:
        return simple[name](value, ctx)
    if name in ("prepend", "append", "default"):
        given = _value(argument, ctx, report) or ""
        if name == "default":
            return value or given
        return given + value if name == "prepend" else value + given
    report.unknown["| " + name] += 1
    return value


def output(token: Token, ctx: TagContext, report: Report) -> str:
    """A ``{{ expression | filter: argument }}``, printed."""
    first, *filters = _parts(token.inner)
    value = _value(first, ctx, report) or ""
    for part in filters:
        value = _filter(value, part, ctx, report)
    return value


def ends(token: Token) -> str | None:
    name = token.name
    return name[3:] if name.startswith("end") and len(name) > 3 else None


DIALECT = Dialect(
    JEKYLL, TAGS, ends, output, frozenset({"raw", "comment"}), frozenset({"post_url", "link"})
)
