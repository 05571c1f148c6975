"""Text → (raw metadata, body): find which front matter a post opens with, and split it.

YAML (``---``, :mod:`~laojia_feed.read.front_yaml`), TOML (``+++``,
:mod:`~laojia_feed.read.front_toml`) and Hexo/Hugo JSON (:mod:`~laojia_feed.read.front_json`)
are python-frontmatter handlers, but :func:`split_post` calls their ``locate``/``load``
itself rather than ``frontmatter.parse``, which would swallow a missing closing fence,
ignore a list instead of a mapping, strip the body and lose line numbers.

What comes out is plain JSON-compatible data with ``str`` keys (TOML dates stay
``datetime``/``date``/``time``), checked for size, nesting and alias expansion, with
every character XML forbids removed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from laojia_feed.model import FieldError, Warn
from laojia_feed.read.front_clean import MAX_DEPTH as MAX_DEPTH
from laojia_feed.read.front_clean import MAX_NODES as MAX_NODES
from laojia_feed.read.front_clean import TOO_BIG as TOO_BIG
from laojia_feed.read.front_handler import MAX_FRONT_MATTER_CHARS as MAX_FRONT_MATTER_CHARS
from laojia_feed.read.front_handler import NO_FRONT_MATTER as NO_FRONT_MATTER
from laojia_feed.read.front_handler import Block, FrontHandler, end_of_line, skip_blank_lines
from laojia_feed.read.front_handler import KeyWarn as KeyWarn
from laojia_feed.read.front_json import HexoJSONHandler as HexoJSONHandler
from laojia_feed.read.front_toml import TomlHandler as TomlHandler
from laojia_feed.read.front_yaml import StrictYAMLHandler as StrictYAMLHandler


@dataclass(frozen=True, slots=True)
class RawPost:
    """A post split into its front matter (parsed, untyped) and its body (untouched)."""

    #: JSON-compatible values (+ datetime/date/time from TOML); keys are str.
    meta: Mapping[str, object]
    #: The text after the closing fence, leading blank lines removed.
    body: str
    #: ``yaml``, ``toml`` or ``json``.
    syntax: str
    #: 1-based line number where the body starts in the file.
    body_line: int


def split_post(
    text: str, warn: Warn, warn_key: KeyWarn | None = None, bare: str | None = None
) -> RawPost:
    """Split a decoded post into parsed front matter and body.

    Raises :class:`FieldError` (the caller files it under ``front matter``) when there is
    no front matter, it is not closed, does not parse, is not a mapping, or is too big.
    Warnings about one key's value (forbidden characters removed) go to ``warn_key``.
    On the site of generator ``bare`` (Hexo, Hugo and Jekyll all publish such a file), a
    text without front matter is a post with none (syntax :data:`BARE`), with a warning.
    """
    start = skip_blank_lines(text, 1 if text.startswith("\ufeff") else 0)
    for handler in _HANDLERS:
        block = handler.locate(text, start)
        if block is not None:
            meta = handler.load(
                block.front, first_line=block.first_line, warn=warn, warn_key=warn_key
            )
            break
    else:
        handler = _YAML
        try:
            block = _unopened(text, start)
            meta = _load_unopened(block, warn, warn_key)
        except FieldError:
            if bare is None:
                raise
            warn(BARE_POST.format(generator=bare.capitalize()))
            return RawPost(MappingProxyType({}), text[start:], BARE, _line_of(text, start))
    body_start = skip_blank_lines(text, block.end)
    return RawPost(
        meta=MappingProxyType(meta),
        body=text[body_start:],
        syntax=handler.syntax,
        body_line=text.count("\n", 0, body_start) + 1,
    )


_YAML = StrictYAMLHandler()
_HANDLERS: tuple[FrontHandler, ...] = (_YAML, TomlHandler(), HexoJSONHandler())

#: A line of three or more dashes: where YAML front matter without its opening fence ends.
_DASHES = re.compile(r"^-{3,}+[ \t\r\f\v]*+$", re.MULTILINE)

#: The syntax of a post without front matter, published as its generator does.
BARE = "none"

BARE_POST = (
    "no front matter: published as {generator} does, titled from the file name and dated "
    "by its YYYY-MM-DD- prefix (left out without one); add front matter with a title and a date"
)

UNOPENED = (
    "no opening --- line: the lines before the first --- are read as YAML front matter, "
    "as Hexo does; add --- at the top"
)


def _line_of(text: str, pos: int) -> int:
    """The 1-based line number of ``pos`` in ``text``."""
    return text.count("\n", 0, pos) + 1


def _unopened(text: str, start: int) -> Block:
    """The lines from ``start`` to the first ``---`` line (hexo-admin writes front matter
    without its opening fence, and Hexo reads it); FieldError when there is no such line."""
    closing = _DASHES.search(text, start)
    if closing is None or closing.start() == start:
        raise FieldError(NO_FRONT_MATTER)
    return Block(
        text[start : closing.start()], _line_of(text, start), end_of_line(text, closing.start()) + 1
    )


def _load_unopened(block: Block, warn: Warn, warn_key: KeyWarn | None) -> dict[str, object]:
    """The front matter of an unopened block, only when it is a YAML mapping with keys.

    Anything else (prose, a Markdown heading underlined with ``---``, invalid YAML) is a
    text without front matter, refused as before; nothing is reported for a refused block.
    """
    held: list[tuple[str | None, str]] = []

    def hold_key(key: str, message: str) -> None:
        held.append((key, message))

    try:
        meta = _YAML.load(
            block.front,
            first_line=block.first_line,
            warn=lambda message: held.append((None, message)),
            warn_key=None if warn_key is None else hold_key,
        )
    except FieldError:
        raise FieldError(NO_FRONT_MATTER) from None
    if not meta:
        raise FieldError(NO_FRONT_MATTER)
    warn(UNOPENED)
    for key, message in held:
        if key is None or warn_key is None:
            warn(message)
        else:
            warn_key(key, message)
    return meta
