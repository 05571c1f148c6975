"""Cut a post body into text and template tags, and pair opening tags with their ends.

One tokenizer for every dialect: Hexo/Jekyll ``{% tag %}``, ``{{ var }}`` and ``{# #}``,
Hugo ``{{< sc >}}``, ``{{% sc %}}`` and their ``{{</* */>}}`` comments. Everything here is
linear in the length of the text: the scanner only moves forward with ``str.find``, an
opener whose closer never comes is text (and no later opener of that kind searches again),
and :func:`pair` matches ends with a stack, popping each entry at most once.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass

#: Delimiters of each token kind: opener, closer. Order matters: longest opener first.
DELIMITERS: dict[str, tuple[str, str]] = {
    "<comment": ("{{</*", "*/>}}"),
    "%comment": ("{{%/*", "*/%}}"),
    "<": ("{{<", ">}}"),
    "%%": ("{{%", "%}}"),
    "{{": ("{{", "}}"),
    "{#": ("{#", "#}"),
    "%": ("{%", "%}"),
}

#: The kinds each generator reads.
HEXO = ("{{", "{#", "%")
JEKYLL = ("{{", "%")
HUGO = ("<comment", "%comment", "<", "%%")


@dataclass(frozen=True)
class Token:
    """A run of text, or one template tag as written."""

    #: ``"text"`` or a key of :data:`DELIMITERS`.
    kind: str
    #: The source text of the token, delimiters included.
    source: str
    #: What is between the delimiters, Liquid's ``-`` whitespace marks removed, stripped.
    inner: str = ""
    #: The tag or shortcode name (``endraw``, ``/figure`` as written); "" for text and variables.
    name: str = ""
    #: The arguments after the name, unparsed.
    args: str = ""
    #: Hugo ``{{< x />}}``.
    self_closing: bool = False

    @property
    def is_text(self) -> bool:
        return self.kind == "text"


def _tag(kind: str, source: str, inner: str) -> Token:
    inner = inner.strip()
    if kind in ("%", "{{"):
        inner = inner.removeprefix("-").removesuffix("-").strip()
    self_closing = kind in ("<", "%%") and inner.endswith("/")
    if self_closing:
        inner = inner[:-1].rstrip()
    if kind in ("{{", "{#", "<comment", "%comment"):
        return Token(kind, source, inner)
    parts = inner.split(None, 1)
    name = parts[0] if parts else ""
    args = parts[1] if len(parts) > 1 else ""
    return Token(kind, source, inner, name, args, self_closing)


def scan(text: str, kinds: Collection[str], skip: Sequence[tuple[int, int]] = ()) -> list[Token]:
    """The tokens of ``text``: tags of the given kinds, the rest as text.

    No tag starts inside one of the ``skip`` ranges (sorted ``(start, end)`` offsets).
    """
    tokens: list[Token] = []
    exhausted: set[str] = set()
    order = [kind for kind in DELIMITERS if kind in kinds]
    start = pos = 0
    ranges = iter(skip)
    skipped = next(ranges, None)
    while True:
        brace = text.find("{", pos)
        if brace < 0:
            break
        while skipped is not None and skipped[1] <= brace:
            skipped = next(ranges, None)
        if skipped is not None and skipped[0] <= brace:
            pos = skipped[1]
            continue
        found = _match(text, brace, order, exhausted)
        if found is None:
            pos = brace + 1
            continue
        kind, end = found
        if brace > start:
            tokens.append(Token("text", text[start:brace]))
        opener, closer = DELIMITERS[kind]
        tokens.append(_tag(kind, text[brace:end], text[brace + len(opener) : end - len(closer)]))
        start = pos = end
    if start < len(text):
        tokens.append(Token("text", text[start:]))
    return tokens


def _match(text: str, at: int, order: list[str], exhausted: set[str]) -> tuple[str, int] | None:
    """The kind and end of the tag opening at ``at``, if one is opened and closed there."""
    for kind in order:
        opener, closer = DELIMITERS[kind]
        if not text.startswith(opener, at):
            continue
        if kind in exhausted:
            return None
        close = text.find(closer, at + len(opener))
        if close < 0:
            exhausted.add(kind)
            return None
        return kind, close + len(closer)
    return None


def unterminated(text: str, kinds: Collection[str]) -> Iterator[str]:
    """The openers in ``text`` that no closer follows (each kind once)."""
    for kind in kinds:
        opener, closer = DELIMITERS[kind]
        at = text.rfind(opener)
        if at >= 0 and text.find(closer, at + len(opener)) < 0:
            yield opener


def pair(
    tokens: list[Token], closes: Callable[[Token], str | None], single: Collection[str] = ()
) -> dict[int, int]:
    """Match openers with ends: ``{index of opener: index of its end}``.

    ``closes(token)`` names the tag a token ends (``endraw`` → ``raw``), or None. An end
    closes the nearest open tag of its name; the tags opened after it stay single. An end
    with nothing to close is ignored. Only tags whose name some end names, and that are not
    known to be ``single``, can open a pair.
    """
    ends = {name for token in tokens if (name := closes(token))}
    stack: list[int] = []
    open_count: dict[str, int] = {}
    pairs: dict[int, int] = {}
    for index, token in enumerate(tokens):
        if token.is_text:
            continue
        name = closes(token)
        if name is not None:
            if open_count.get(name, 0) == 0:
                continue
            while True:
                top = stack.pop()
                top_name = tokens[top].name
                open_count[top_name] -= 1
                if top_name == name:
                    pairs[top] = index
                    break
        elif token.name in ends and not token.self_closing and token.name not in single:
            stack.append(index)
            open_count[token.name] = open_count.get(token.name, 0) + 1
    return pairs


def split_words(args: str, quotes: str = "\"'") -> list[str]:
    """Arguments split on white space, quotes grouping (and removed), as Nunjucks lexes them."""
    words: list[str] = []
    current: list[str] = []
    quote = ""
    started = False
    for char in args:
        if quote:
            if char == quote:
                quote = ""
            else:
                current.append(char)
        elif char in quotes:
            quote, started = char, True
        elif char.isspace():
            if started or current:
                words.append("".join(current))
            current, started = [], False
        else:
            current.append(char)
    if started or current:
        words.append("".join(current))
    return words
