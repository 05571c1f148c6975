"""TOML front matter between ``+++`` fences (Hugo), read with the standard library's ``tomllib``."""

from __future__ import annotations

import re
import tomllib

from laojia_feed.read.front_handler import FencedHandler, first_line_of, wrap_errors


class TomlHandler(FencedHandler):
    """TOML between ``+++`` fences, read with the standard library's ``tomllib``."""

    syntax = "toml"
    FM_BOUNDARY = re.compile(r"^\+{3,}+[ \t\r\f\v]*+$", re.MULTILINE)
    OPENING = re.compile(r"\+{3,}+[ \t\r\f\v]*+")
    CLOSING = FM_BOUNDARY
    START_DELIMITER = END_DELIMITER = "+++"

    def parse(self, front: str, first_line: int, duplicates: list[str]) -> object:
        with wrap_errors(_toml_error, first_line):
            return tomllib.loads(front)

    def export(self, metadata: dict[str, object], **kwargs: object) -> str:
        """Not supported: the standard library reads TOML but does not write it."""
        raise NotImplementedError("laojia-feed reads TOML front matter but does not write it")


_TOML_WHERE = re.compile(r"(.*) \(at line (\d+), column \d+\)")


def _toml_error(exc: Exception, first_line: int) -> str:
    """``invalid TOML at line N: <message>`` from a tomllib error."""
    message = first_line_of(exc)
    where = _TOML_WHERE.fullmatch(message)
    if where:
        return f"invalid TOML at line {first_line + int(where[2]) - 1}: {where[1]}"
    return f"invalid TOML: {message}"
