"""What the three front-matter syntaxes share: finding the block, loading it into clean data.

A handler (a python-frontmatter ``BaseHandler``) *locates* its block at the top of a
text and *parses* the block's text; :meth:`FrontHandler.load` bounds the size, marks
the characters XML forbids, turns parser errors into :class:`FieldError` (one wrapper,
:func:`wrap_errors`, keeping the cause) and cleans the result (:mod:`laojia_feed.read.front_clean`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import ClassVar

import yaml
from frontmatter.default_handlers import BaseHandler

from laojia_feed.model import FieldError, Warn
from laojia_feed.read.front_clean import MARK, TOO_BIG, Cleaner
from laojia_feed.wording import describe_type
from laojia_feed.xmlchars import FORBIDDEN, has_forbidden

#: Longest front matter accepted, in characters.
MAX_FRONT_MATTER_CHARS = 1_000_000

NO_FRONT_MATTER = "no front matter: expected ---, +++ or ;;; at the top"

#: Blank lines (possibly holding spaces) from a position on.
_BLANK_LINES = re.compile(r"(?:[ \t\r\f\v]*+\n)*+")


@dataclass(frozen=True, slots=True)
class Block:
    """Where a handler found the front matter in a text."""

    #: The front-matter text, fences excluded.
    front: str
    #: 1-based file line of the first character of ``front``.
    first_line: int
    #: Index in the text just after the closing fence (or the JSON object).
    end: int


#: How a warning about one key's value is reported: ``warn_key(key, message)``.
KeyWarn = Callable[[str, str], None]


def _mark_forbidden(text: str) -> str:
    """Replace each character XML forbids by :data:`MARK`."""
    return FORBIDDEN.sub(MARK, text)


def _ignore(message: str) -> None:
    """A ``warn`` that drops the message (for python-frontmatter's own calls)."""


class FrontHandler(BaseHandler):
    """What our three handlers share: locate the block, load it into clean data."""

    #: ``yaml``, ``toml`` or ``json``.
    syntax: ClassVar[str]

    def locate(self, text: str, start: int) -> Block | None:
        """Find the front matter whose first line begins at ``start``; None if not ours."""
        raise NotImplementedError

    def parse(self, front: str, first_line: int, duplicates: list[str]) -> object:
        """Parse the front-matter text; record duplicate keys; raise FieldError on errors."""
        raise NotImplementedError

    def detect(self, text: str) -> bool:
        """True when ``text`` opens with this handler's front matter."""
        try:
            return self.locate(text, skip_blank_lines(text, 0)) is not None
        except FieldError:
            return True

    def split(self, text: str) -> tuple[str, str]:
        """Front-matter text and body; raises FieldError (a ValueError) when there is none."""
        start = skip_blank_lines(text, 0)
        block = self.locate(text, start)
        if block is None:
            raise FieldError(NO_FRONT_MATTER)
        return block.front, text[skip_blank_lines(text, block.end) :]

    def load(
        self,
        fm: str,
        *,
        first_line: int = 1,
        warn: Warn = _ignore,
        warn_key: KeyWarn | None = None,
    ) -> dict[str, object]:
        """Parse front-matter text into a clean ``str``-keyed mapping, or raise FieldError."""
        if len(fm) > MAX_FRONT_MATTER_CHARS:
            raise FieldError(
                f"front matter too large ({len(fm):,} characters; the limit is "
                f"{MAX_FRONT_MATTER_CHARS:,})"
            )
        # Parsers refuse most forbidden characters: mark each with an allowed private-use
        # character, so the cleaner can remove them and say which key held them.
        marked = has_forbidden(fm)
        if marked:
            fm = _mark_forbidden(fm)
        duplicates: list[str] = []
        data = self.parse(fm, first_line, duplicates)
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise FieldError(f"front matter is {describe_type(data)}; expected key: value pairs")
        for message in duplicates:
            warn(message)
        # Forbidden characters left in the text are gone; new ones can only come from escapes.
        cleaner = Cleaner(strip_strings=marked or "\\" in fm, marker=marked)
        meta = cleaner.mapping(data)
        for key, count in cleaner.removed_by_key.items():
            plural = "s" if count != 1 else ""
            message = f"removed {count} character{plural} that XML forbids (control characters)"
            if warn_key is not None:
                warn_key(key, message)
            else:
                warn(f"{key}: {message}")
        if cleaner.non_finite:
            warn(f"kept {cleaner.non_finite} NaN/infinite numbers as text")
        return meta


class FencedHandler(FrontHandler):
    """Front matter between an opening and a closing fence line."""

    #: An opening fence line (without its newline).
    OPENING: ClassVar[re.Pattern[str]]
    #: A closing fence line, searched in MULTILINE mode.
    CLOSING: ClassVar[re.Pattern[str]]

    def locate(self, text: str, start: int) -> Block | None:
        line_end = end_of_line(text, start)
        if not self.OPENING.fullmatch(text, start, line_end):
            return None
        closing = self.CLOSING.search(text, line_end + 1) if line_end < len(text) else None
        if closing is None:
            fence = self.START_DELIMITER
            raise FieldError(f"the opening {fence} has no closing {fence}")
        return Block(
            front=text[line_end + 1 : closing.start()],
            first_line=text.count("\n", 0, line_end) + 2,
            end=end_of_line(text, closing.start()) + 1,
        )


def skip_blank_lines(text: str, pos: int) -> int:
    """Index of the first line at or after ``pos`` that holds more than white space."""
    match = _BLANK_LINES.match(text, pos)
    return match.end() if match else pos


def end_of_line(text: str, pos: int) -> int:
    """Index of the newline ending the line at ``pos`` (or the text's length)."""
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


@contextmanager
def wrap_errors(describe: Callable[[Exception, int], str], first_line: int) -> Iterator[None]:
    """Turn a parser's exception into a FieldError (keeping the cause); FieldError passes."""
    try:
        yield
    except FieldError:
        raise
    except RecursionError as exc:
        raise FieldError(TOO_BIG) from exc
    except (yaml.YAMLError, ValueError, TypeError, KeyError, OverflowError) as exc:
        raise FieldError(describe(exc, first_line)) from exc


def first_line_of(exc: Exception) -> str:
    """The first line of an exception's message."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
