"""Text → (raw metadata, body): YAML (``---``), TOML (``+++``) and Hexo/Hugo JSON front matter.

The three syntaxes are python-frontmatter handlers (``BaseHandler`` subclasses), but
:func:`split_post` calls their ``locate``/``load`` itself rather than
``frontmatter.parse``, which would swallow a missing closing fence, ignore a list
instead of a mapping, strip the body and lose line numbers.

What comes out is plain JSON-compatible data with ``str`` keys (TOML dates stay
``datetime``/``date``/``time``), checked for size, nesting and alias expansion, with
every character XML forbids removed. Strict YAML: no implicit typing except null, so
``no``, ``1.10``, ``2021-12-09`` and ``10:00`` stay the strings the author typed.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, time
from types import MappingProxyType
from typing import Any, ClassVar

import yaml
from frontmatter.default_handlers import BaseHandler

from laojia_feed.model import FieldError, Warn
from laojia_feed.xmlchars import FORBIDDEN, has_forbidden, strip_forbidden

try:
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

#: Longest front matter accepted, in characters.
MAX_FRONT_MATTER_CHARS = 1_000_000
#: Most values (containers and scalars, aliases expanded) front matter may hold.
MAX_NODES = 10_000
#: Deepest nesting of lists and mappings.
MAX_DEPTH = 50
#: Below this many structural characters YAML cannot nest deep enough to need a depth check.
_SHALLOW_YAML_BOUND = 512

NO_FRONT_MATTER = "no front matter: expected ---, +++ or ;;; at the top"
TOO_BIG = "front matter too large or too deeply nested (alias expansion)"

_YAML_PREFIX = "tag:yaml.org,2002:"

#: Blank lines (possibly holding spaces) from a position on.
_BLANK_LINES = re.compile(r"(?:[ \t\r\f\v]*+\n)*+")


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


@dataclass(frozen=True, slots=True)
class _Block:
    """Where a handler found the front matter in a text."""

    #: The front-matter text, fences excluded.
    front: str
    #: 1-based file line of the first character of ``front``.
    first_line: int
    #: Index in the text just after the closing fence (or the JSON object).
    end: int


def split_post(text: str, warn: Warn, warn_key: KeyWarn | None = None) -> RawPost:
    """Split a decoded post into parsed front matter and body.

    Raises :class:`FieldError` (the caller files it under ``front matter``) when there is
    no front matter, it is not closed, does not parse, is not a mapping, or is too big.
    Warnings about one key's value (forbidden characters removed) go to ``warn_key``.
    """
    start = _skip_blank_lines(text, 1 if text.startswith("\ufeff") else 0)
    for handler in _HANDLERS:
        block = handler.locate(text, start)
        if block is not None:
            break
    else:
        raise FieldError(NO_FRONT_MATTER)
    meta = handler.load(block.front, first_line=block.first_line, warn=warn, warn_key=warn_key)
    body_start = _skip_blank_lines(text, block.end)
    return RawPost(
        meta=MappingProxyType(meta),
        body=text[body_start:],
        syntax=handler.syntax,
        body_line=text.count("\n", 0, body_start) + 1,
    )


# --- the handlers -------------------------------------------------------------------------


#: Stands in for a character XML forbids while the front matter is parsed (U+E000, private use).
_MARK = "\ue000"

#: How a warning about one key's value is reported: ``warn_key(key, message)``.
KeyWarn = Callable[[str, str], None]


def _mark_forbidden(text: str) -> str:
    """Replace each character XML forbids by :data:`_MARK`."""
    return FORBIDDEN.sub(_MARK, text)


def _ignore(message: str) -> None:
    """A ``warn`` that drops the message (for python-frontmatter's own calls)."""


class _OurHandler(BaseHandler):
    """What our three handlers share: locate the block, load it into clean data."""

    #: ``yaml``, ``toml`` or ``json``.
    syntax: ClassVar[str]

    def locate(self, text: str, start: int) -> _Block | None:
        """Find the front matter whose first line begins at ``start``; None if not ours."""
        raise NotImplementedError

    def parse(self, front: str, first_line: int, duplicates: list[str]) -> object:
        """Parse the front-matter text; record duplicate keys; raise FieldError on errors."""
        raise NotImplementedError

    def detect(self, text: str) -> bool:
        """True when ``text`` opens with this handler's front matter."""
        try:
            return self.locate(text, _skip_blank_lines(text, 0)) is not None
        except FieldError:
            return True

    def split(self, text: str) -> tuple[str, str]:
        """Front-matter text and body; raises FieldError (a ValueError) when there is none."""
        start = _skip_blank_lines(text, 0)
        block = self.locate(text, start)
        if block is None:
            raise FieldError(NO_FRONT_MATTER)
        return block.front, text[_skip_blank_lines(text, block.end) :]

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
            raise FieldError(f"front matter is {_kind(data)}; expected key: value pairs")
        for message in duplicates:
            warn(message)
        # Forbidden characters left in the text are gone; new ones can only come from escapes.
        cleaner = _Cleaner(strip_strings=marked or "\\" in fm, marker=marked)
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


class _FencedHandler(_OurHandler):
    """Front matter between an opening and a closing fence line."""

    #: An opening fence line (without its newline).
    OPENING: ClassVar[re.Pattern[str]]
    #: A closing fence line, searched in MULTILINE mode.
    CLOSING: ClassVar[re.Pattern[str]]

    def locate(self, text: str, start: int) -> _Block | None:
        line_end = _line_end(text, start)
        if not self.OPENING.fullmatch(text, start, line_end):
            return None
        closing = self.CLOSING.search(text, line_end + 1) if line_end < len(text) else None
        if closing is None:
            fence = self.START_DELIMITER
            raise FieldError(f"the opening {fence} has no closing {fence}")
        return _Block(
            front=text[line_end + 1 : closing.start()],
            first_line=text.count("\n", 0, line_end) + 2,
            end=_line_end(text, closing.start()) + 1,
        )


class StrictYAMLHandler(_FencedHandler):
    """YAML between ``---`` fences; every scalar a string except null (:class:`_StrictLoader`)."""

    syntax = "yaml"
    FM_BOUNDARY = re.compile(r"^-{3,}+[ \t\r\f\v]*+$", re.MULTILINE)
    OPENING = re.compile(r"-{3,}+[ \t\r\f\v]*+")
    #: Jekyll also ends YAML front matter with ``...``, the YAML end-of-document marker.
    CLOSING = re.compile(r"^(?:-{3,}+|\.\.\.)[ \t\r\f\v]*+$", re.MULTILINE)
    START_DELIMITER = END_DELIMITER = "---"

    def parse(self, front: str, first_line: int, duplicates: list[str]) -> object:
        def describe(exc: Exception, first_line: int) -> str:
            return _yaml_error(exc, first_line, front)

        with _wrap_errors(describe, first_line):
            if sum(front.count(c) for c in "[{-?:") > _SHALLOW_YAML_BOUND:
                _check_yaml_depth(front)
            loader = _FastStrictLoader(front)
            try:
                node = loader.get_single_node()
            finally:
                loader.dispose()
            data = None if node is None else _construct_strict(node, loader.duplicates)
        for key, line in loader.duplicates:
            duplicates.append(
                f'duplicate key "{key}" at line {first_line + line}; the last value is used'
            )
        return data

    def export(self, metadata: dict[str, object], **kwargs: object) -> str:
        """Metadata as block-style YAML (for python-frontmatter's ``dumps``)."""
        return yaml.safe_dump(metadata, allow_unicode=True, sort_keys=False).strip()


class TomlHandler(_FencedHandler):
    """TOML between ``+++`` fences, read with the standard library's ``tomllib``."""

    syntax = "toml"
    FM_BOUNDARY = re.compile(r"^\+{3,}+[ \t\r\f\v]*+$", re.MULTILINE)
    OPENING = re.compile(r"\+{3,}+[ \t\r\f\v]*+")
    CLOSING = FM_BOUNDARY
    START_DELIMITER = END_DELIMITER = "+++"

    def parse(self, front: str, first_line: int, duplicates: list[str]) -> object:
        with _wrap_errors(_toml_error, first_line):
            return tomllib.loads(front)

    def export(self, metadata: dict[str, object], **kwargs: object) -> str:
        """Not supported: the standard library reads TOML but does not write it."""
        raise NotImplementedError("laojia-feed reads TOML front matter but does not write it")


class HexoJSONHandler(_OurHandler):
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

    def locate(self, text: str, start: int) -> _Block | None:
        line_end = _line_end(text, start)
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

    def _object(self, text: str, start: int) -> _Block:
        """A JSON object at ``start``, optionally followed by a ``;;;`` line."""
        with _wrap_errors(_json_error, 1):
            _, end = json.JSONDecoder().raw_decode(text, start)
        after = _skip_blank_lines(text, _line_end(text, end) + 1) if end < len(text) else end
        closing_end = _line_end(text, after)
        if self.OPENING.fullmatch(text, after, closing_end):
            return self._block(text, start, end, closing_end + 1)
        return self._block(text, start, end, end)

    @staticmethod
    def _block(text: str, start: int, stop: int, end: int) -> _Block:
        """The block of ``text[start:stop]``, the body starting at ``end``."""
        return _Block(text[start:stop], text.count("\n", 0, start) + 1, end)

    def parse(self, front: str, first_line: int, duplicates: list[str]) -> object:
        if not front.lstrip().startswith(("{", "[")):
            front = "{" + front + "}"  # Hexo's bare fields; a list stays a list (and is refused)
        with _wrap_errors(_json_error, first_line):
            return json.loads(
                front,
                object_pairs_hook=lambda pairs: _json_object(pairs, duplicates),
                parse_constant=_refuse_constant,
            )

    def export(self, metadata: dict[str, object], **kwargs: object) -> str:
        """Metadata as an indented JSON object (for python-frontmatter's ``dumps``)."""
        return json.dumps(metadata, ensure_ascii=False, indent=2, default=str)


def _skip_blank_lines(text: str, pos: int) -> int:
    """Index of the first line at or after ``pos`` that holds more than white space."""
    match = _BLANK_LINES.match(text, pos)
    return match.end() if match else pos


def _line_end(text: str, pos: int) -> int:
    """Index of the newline ending the line at ``pos`` (or the text's length)."""
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


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


# --- strict YAML --------------------------------------------------------------------------


class _StrictLoader(_BaseLoader):
    """libyaml's reader, scanner, parser and composer with a resolver table of its own.

    The table holds only the null rule (``~``, ``null``, empty), so every other plain
    scalar is the text the author typed; merge keys (``<<``) are plain keys too. Nothing
    is constructed by PyYAML: :func:`_construct_strict` builds the data from the node
    tree (only ``!!null``, ``!!str``, ``!!seq``, ``!!map`` keep their meaning, other tags
    read as untagged, ``!!python/...`` is refused) and records repeated keys in
    :attr:`duplicates`.
    """

    yaml_implicit_resolvers: dict[Any, Any] = {}  # noqa: RUF012 - PyYAML's own class table
    yaml_constructors: ClassVar[dict[str | None, Any]] = {}
    yaml_multi_constructors: ClassVar[dict[str | None, Any]] = {}

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        #: (key, 0-based line) of each repeated mapping key.
        self.duplicates: list[tuple[str, int]] = []


_StrictLoader.add_implicit_resolver(
    _YAML_PREFIX + "null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)


_NULL_TAG = _YAML_PREFIX + "null"
_STR_TAG = _YAML_PREFIX + "str"
_SEQ_TAG = _YAML_PREFIX + "seq"
_MAP_TAG = _YAML_PREFIX + "map"
_PYTHON_TAG = _YAML_PREFIX + "python/"


def _node_id(node: yaml.Node) -> str:
    """PyYAML's name for a node's kind: ``scalar``, ``sequence`` or ``mapping``."""
    return str(getattr(node, "id", "node"))


_NULL_PLAIN = re.compile(r"^(?:~|null|Null|NULL|)$")


class _FastStrictLoader(_StrictLoader):
    """:class:`_StrictLoader` with its tag resolution (called per node) done in one step.

    Same answers as PyYAML's ``resolve`` over the null-only table with no path
    resolvers: a plain scalar matching the null rule is null, any other scalar text.
    """

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0] and (not value or value[0] in "~nN") and _NULL_PLAIN.match(value):
                return _NULL_TAG
            return _STR_TAG
        if kind is yaml.SequenceNode:
            return _SEQ_TAG
        return _MAP_TAG


def _construct_strict(root: yaml.Node, duplicates: list[tuple[str, int]]) -> object:
    """What ``_StrictLoader.get_single_data`` makes of a composed node, built without recursion.

    The same values, shared objects for aliases, errors and duplicate-key order as
    PyYAML's constructor with :class:`_StrictLoader`'s tables, at a fraction of the
    cost: a list or mapping is created empty when met and filled later, in the order
    met (PyYAML's generator constructors do the same), so errors found while filling
    come in the same order, and a node met again returns the object already built.
    """
    built: dict[yaml.Node, object] = {}
    pending: deque[tuple[yaml.Node, list[object] | dict[object, object]]] = deque()

    def build(node: yaml.Node) -> object:
        if node in built:
            return built[node]
        tag = node.tag
        data: object
        if tag in (_STR_TAG, _NULL_TAG):
            if not isinstance(node, yaml.ScalarNode):
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"expected a scalar node, but found {_node_id(node)}",
                    node.start_mark,
                )
            data = node.value if tag == _STR_TAG else None
        elif tag.startswith(_PYTHON_TAG):
            suffix = tag[len(_PYTHON_TAG) :]
            raise yaml.constructor.ConstructorError(
                None, None, f"the tag !!python/{suffix} is not allowed", node.start_mark
            )
        elif tag == _SEQ_TAG or (tag != _MAP_TAG and isinstance(node, yaml.SequenceNode)):
            data = []
            pending.append((node, data))
        elif tag == _MAP_TAG or isinstance(node, yaml.MappingNode):
            data = {}
            pending.append((node, data))
        else:
            data = node.value
        built[node] = data
        return data

    result = build(root)
    while pending:
        node, container = pending.popleft()
        if isinstance(container, list):
            if not isinstance(node, yaml.SequenceNode):
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"expected a sequence node, but found {_node_id(node)}",
                    node.start_mark,
                )
            container.extend([build(item) for item in node.value])
            continue
        if not isinstance(node, yaml.MappingNode):
            raise yaml.constructor.ConstructorError(
                None, None, f"expected a mapping node, but found {_node_id(node)}", node.start_mark
            )
        for key_node, value_node in node.value:
            key = build(key_node)
            if isinstance(key, list | dict):
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    "found a list or mapping used as a key",
                    key_node.start_mark,
                )
            if key in container:
                duplicates.append((str(key), key_node.start_mark.line))
            container[key] = build(value_node)
    return result


def _check_yaml_depth(front: str) -> None:
    """Refuse YAML nested deeper than MAX_DEPTH, from the event stream (no recursion).

    libyaml's composer recurses in C: tens of thousands of nested ``[`` crash the
    process. Counting start/end events first keeps that input away from it.
    """
    depth = 0
    for event in yaml.parse(front, Loader=_StrictLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise FieldError(TOO_BIG)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


# --- parser errors ------------------------------------------------------------------------


@contextmanager
def _wrap_errors(describe: Callable[[Exception, int], str], first_line: int) -> Iterator[None]:
    """Turn a parser's exception into a FieldError (keeping the cause); FieldError passes."""
    try:
        yield
    except FieldError:
        raise
    except RecursionError as exc:
        raise FieldError(TOO_BIG) from exc
    except (yaml.YAMLError, ValueError, TypeError, KeyError, OverflowError) as exc:
        raise FieldError(describe(exc, first_line)) from exc


def _yaml_error(exc: Exception, first_line: int, front: str) -> str:
    """``invalid YAML at line N: <problem>`` from a PyYAML error."""
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem:
        where = f" at line {first_line + exc.problem_mark.line}" if exc.problem_mark else ""
        context = f"{exc.context}: " if exc.context else ""
        return f"invalid YAML{where}: {context}{exc.problem}"
    if isinstance(exc, yaml.reader.ReaderError):
        # libyaml reports a byte offset into the UTF-8 text.
        line = first_line + front.encode("utf-8", "replace")[: exc.position].count(b"\n")
        return f"invalid YAML at line {line}: {exc.reason} (character #x{exc.character:04x})"
    return f"invalid YAML: {_first_line(exc)}"


_TOML_WHERE = re.compile(r"(.*) \(at line (\d+), column \d+\)")


def _toml_error(exc: Exception, first_line: int) -> str:
    """``invalid TOML at line N: <message>`` from a tomllib error."""
    message = _first_line(exc)
    where = _TOML_WHERE.fullmatch(message)
    if where:
        return f"invalid TOML at line {first_line + int(where[2]) - 1}: {where[1]}"
    return f"invalid TOML: {message}"


def _json_error(exc: Exception, first_line: int) -> str:
    """``invalid JSON at line N: <message>`` from a json error."""
    if isinstance(exc, json.JSONDecodeError):
        return f"invalid JSON at line {first_line + exc.lineno - 1}: {exc.msg}"
    return f"invalid JSON: {_first_line(exc)}"


def _first_line(exc: Exception) -> str:
    """The first line of an exception's message."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


# --- clean data ---------------------------------------------------------------------------


def _kind(value: object) -> str:
    """How to name a value's type to an author: ``a list``, ``a string``..."""
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    return "a " + type(value).__name__


def _flat_size(data: dict[Any, Any]) -> int | None:
    """The size :class:`_Cleaner` counts for a mapping of text keys to text, null or lists
    of them, which it would return unchanged when it strips nothing; None for other data."""
    size = 1
    for key, value in data.items():
        if type(key) is not str:
            return None
        if value is None or type(value) is str:
            size += 2
        elif type(value) is list and all(i is None or type(i) is str for i in value):
            size += len(value) + 2
        else:
            return None
    return size


class _Cleaner:
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
        if not self._strip:
            size = _flat_size(data)
            if size is not None:  # the usual front matter: nothing to clean, nothing deep
                if size > MAX_NODES:
                    raise FieldError(TOO_BIG)
                return data
        return self.walk(data)

    def walk(self, data: dict[Any, Any]) -> dict[str, object]:
        """:meth:`mapping` value by value."""
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
        if self._marker and _MARK in cleaned:
            removed += cleaned.count(_MARK)
            cleaned = cleaned.replace(_MARK, "")
        if removed:
            self.removed += removed
            self.removed_by_key[self._current] = self.removed_by_key.get(self._current, 0) + removed
        return cleaned


_HANDLERS: tuple[_OurHandler, ...] = (StrictYAMLHandler(), TomlHandler(), HexoJSONHandler())
