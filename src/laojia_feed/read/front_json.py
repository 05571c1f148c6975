"""JSON front matter: Hexo's, ended by a ``;;;`` line, and Hugo's bare JSON object."""

from __future__ import annotations

import json
import re
from typing import Any

from laojia_feed.model import FieldError
from laojia_feed.read.front_handler import (
    Block,
    FrontHandler,
    end_of_line,
    first_line_of,
    skip_blank_lines,
    wrap_errors,
)


class HexoJSONHandler(FrontHandler):
    """Hexo JSON front matter, ended by a ``;;;`` line; Hugo's bare JSON object too.

    Accepted shapes (leading blank lines allowed):

    * ``;;;`` / JSON / ``;;;`` — with or without the outer braces;
    * JSON / ``;;;`` — Hexo's own style, with or without the outer braces
      (``"title": "x",\\n"date": "2013/7/13 20:46:25"\\n;;;``);
    * ``{ ... }`` alone — Hugo's JSON front matter, the body right after the object.
    """

    syntax = "json"
    FM_BOUNDARY = re.compile(r"^;{3,}+[ \t\r\f\v]*+$", re.MULTILINE)
    OPENING = re.compile(r";{3,}+[ \t\r\f\v]*+")
    CLOSING = FM_BOUNDARY
    #: A JSON object's start: ``{`` then a key or the closing brace.
    _OBJECT_START = re.compile(r"\{[ \t\r\n]*+[\"}]")
    START_DELIMITER = END_DELIMITER = ";;;"

    def locate(self, text: str, start: int) -> Block | None:
        line_end = end_of_line(text, start)
        if self.OPENING.fullmatch(text, start, line_end):
            closing = self.CLOSING.search(text, line_end + 1) if line_end < len(text) else None
            if closing is None:
                raise FieldError("the opening ;;; has no closing ;;;")
            return self._block(text, line_end + 1, closing.start(), closing.end() + 1)
        if text.startswith('"', start):
            closing = self.CLOSING.search(text, start)
            if closing is None:
                return None
            return self._block(text, start, closing.start(), closing.end() + 1)
        if self._OBJECT_START.match(text, start):
            return self._object(text, start)
        return None

    def _object(self, text: str, start: int) -> Block:
        """A JSON object at ``start``, optionally followed by a ``;;;`` line."""
        with wrap_errors(_json_error, 1):
            _, end = json.JSONDecoder().raw_decode(text, start)
        after = skip_blank_lines(text, end_of_line(text, end) + 1) if end < len(text) else end
        closing_end = end_of_line(text, after)
        if self.OPENING.fullmatch(text, after, closing_end):
            return self._block(text, start, end, closing_end + 1)
        return self._block(text, start, end, end)

    @staticmethod
    def _block(text: str, start: int, stop: int, end: int) -> Block:
        """The block of ``text[start:stop]``, the body starting at ``end``."""
        return Block(text[start:stop], text.count("\n", 0, start) + 1, end)

    def parse(self, front: str, first_line: int, duplicates: list[str]) -> object:
        if not front.lstrip().startswith(("{", "[")):
            front = "{" + front + "}"  # Hexo's bare fields; a list stays a list (and is refused)
        with wrap_errors(_json_error, first_line):
            return json.loads(
                front,
                object_pairs_hook=lambda pairs: _json_object(pairs, duplicates),
                parse_constant=_refuse_constant,
            )

    def export(self, metadata: dict[str, object], **kwargs: object) -> str:
        """Metadata as an indented JSON object (for python-frontmatter's ``dumps``)."""
        return json.dumps(metadata, ensure_ascii=False, indent=2, default=str)


def _json_object(pairs: list[tuple[str, Any]], duplicates: list[str]) -> dict[str, Any]:
    """A JSON object from its pairs, noting repeated keys."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            duplicates.append(f'duplicate key "{key}"; the last value is used')
        result[key] = value
    return result


def _refuse_constant(name: str) -> object:
    """JSON ``NaN``/``Infinity`` are not JSON (JavaScript's JSON.parse refuses them too)."""
    raise ValueError(f"{name} is not valid JSON")


def _json_error(exc: Exception, first_line: int) -> str:
    """``invalid JSON at line N: <message>`` from a json error."""
    if isinstance(exc, json.JSONDecodeError):
        return f"invalid JSON at line {first_line + exc.lineno - 1}: {exc.msg}"
    return f"invalid JSON: {first_line_of(exc)}"
