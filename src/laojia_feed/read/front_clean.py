"""Parsed front matter → plain JSON-compatible data: bounded, without characters XML forbids.

What a YAML, TOML or JSON parser returned is walked once: keys become text, NaN and
infinities become text, containers are copied (YAML aliases once, however often they
are repeated), and the expanded size and depth are bounded.
"""

from __future__ import annotations

import math
from datetime import date, time
from typing import Any

from laojia_feed.model import FieldError
from laojia_feed.xmlchars import strip_forbidden

#: Most values (containers and scalars, aliases expanded) front matter may hold.
MAX_NODES = 10_000
#: Deepest nesting of lists and mappings.
MAX_DEPTH = 50

TOO_BIG = "front matter too large or too deeply nested (alias expansion)"

#: Stands in for a character XML forbids while the front matter is parsed (U+E000, private use).
MARK = "\ue000"


class Cleaner:
    """Turns parsed data into plain JSON-compatible data, bounded, without forbidden characters.

    Containers are memoized by ``id`` with their expanded size, so YAML aliases cost
    nothing to walk however often they are repeated, while the size that counts
    against :data:`MAX_NODES` is the size once expanded (billion laughs: refused at
    the fourth level). A container met again on its own path (``&a [*a]``) is a cycle.
    """

    def __init__(self, *, strip_strings: bool = True, marker: bool = False) -> None:
        self._strip = strip_strings
        self._marker = marker
        self._current = "front matter"
        #: Top-level key → characters XML forbids removed from its value.
        self.removed_by_key: dict[str, int] = {}
        self._memo: dict[int, tuple[object, int]] = {}
        self._open: set[int] = set()
        #: Characters XML forbids that were removed from strings.
        self.removed = 0
        #: NaN and infinite floats turned into text.
        self.non_finite = 0

    def mapping(self, data: dict[Any, Any]) -> dict[str, object]:
        """The top-level mapping, cleaned; removals are counted per top-level key."""
        self._open.add(id(data))
        result: dict[str, object] = {}
        size = 1
        for item_key, item in data.items():
            self._current = "front matter"
            key = self._key(item_key)
            self._current = key
            cleaned, item_size = self._value(item, 2)
            result[key] = cleaned
            size += item_size + 1
            if size > MAX_NODES:
                raise FieldError(TOO_BIG)
        self._open.discard(id(data))
        return result

    def _value(self, value: object, depth: int) -> tuple[object, int]:
        """The cleaned value and its expanded size in nodes."""
        if isinstance(value, str):
            return self._text(value), 1
        if value is None or isinstance(value, bool | int | date | time):
            return value, 1
        if isinstance(value, float):
            if math.isfinite(value):
                return value, 1
            self.non_finite += 1
            return repr(value), 1
        if isinstance(value, dict | list | tuple | set | frozenset):
            return self._container(value, depth)
        return self._text(str(value)), 1

    def _container(self, value: Any, depth: int) -> tuple[object, int]:
        key = id(value)
        if key in self._memo:
            return self._memo[key]
        if key in self._open or depth > MAX_DEPTH:
            raise FieldError(TOO_BIG)
        self._open.add(key)
        size = 1
        result: dict[str, object] | list[object]
        if isinstance(value, dict):
            result = {}
            for item_key, item in value.items():
                cleaned, item_size = self._value(item, depth + 1)
                result[self._key(item_key)] = cleaned
                size += item_size + 1
                if size > MAX_NODES:
                    raise FieldError(TOO_BIG)
        else:
            result = []
            for item in value:
                cleaned, item_size = self._value(item, depth + 1)
                result.append(cleaned)
                size += item_size
                if size > MAX_NODES:
                    raise FieldError(TOO_BIG)
        self._open.discard(key)
        self._memo[key] = (result, size)
        return result, size

    def _key(self, key: object) -> str:
        """A mapping key as text: YAML's null key is ``null``, true/false lower-case."""
        if isinstance(key, str):
            return self._text(key)
        if key is None:
            return "null"
        if isinstance(key, bool):
            return "true" if key else "false"
        return self._text(str(key))

    def _text(self, text: str) -> str:
        if not self._strip:
            return text
        cleaned, removed = strip_forbidden(text)
        if self._marker and MARK in cleaned:
            removed += cleaned.count(MARK)
            cleaned = cleaned.replace(MARK, "")
        if removed:
            self.removed += removed
            self.removed_by_key[self._current] = self.removed_by_key.get(self._current, 0) + removed
        return cleaned
