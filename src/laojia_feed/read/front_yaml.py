"""Strict YAML front matter (``---`` fences): every scalar the text the author typed.

No implicit typing except null, so ``no``, ``1.10``, ``2021-12-09`` and ``10:00`` stay
strings. libyaml reads, scans, parses and composes; :func:`_construct_strict` builds
the data from the node tree (faster than PyYAML's constructor, which the tests keep as
its reference); deeply nested input is refused before libyaml's recursive composer.
"""

from __future__ import annotations

import re
from collections import deque
from typing import Any, ClassVar

import yaml

from laojia_feed.model import FieldError
from laojia_feed.read.front_clean import MAX_DEPTH, TOO_BIG
from laojia_feed.read.front_handler import FencedHandler, first_line_of, wrap_errors

try:
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

#: Below this many structural characters YAML cannot nest deep enough to need a depth check.
_SHALLOW_YAML_BOUND = 512

_YAML_PREFIX = "tag:yaml.org,2002:"


class StrictYAMLHandler(FencedHandler):
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

        with wrap_errors(describe, first_line):
            if sum(front.count(c) for c in "[{-?:") > _SHALLOW_YAML_BOUND:
                _check_yaml_depth(front)
            loader = _StrictLoader(front)
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

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: Any) -> str:
        """A node's tag, in one step (called for every node: 7 % of a 10k load): the same
        answers as PyYAML's ``resolve`` over this null-only table with no path resolvers,
        which ``tests/test_frontmatter.py`` keeps as the reference."""
        if kind is yaml.ScalarNode:
            if implicit[0] and (not value or value[0] in "~nN") and _NULL_PLAIN.match(value):
                return _NULL_TAG
            return _STR_TAG
        if kind is yaml.SequenceNode:
            return _SEQ_TAG
        return _MAP_TAG


#: The one implicit rule: plain ``~``, ``null`` and the empty scalar are null.
_NULL_PLAIN = re.compile(r"^(?:~|null|Null|NULL|)$")

_StrictLoader.add_implicit_resolver(_YAML_PREFIX + "null", _NULL_PLAIN, ["~", "n", "N", ""])


_NULL_TAG = _YAML_PREFIX + "null"
_STR_TAG = _YAML_PREFIX + "str"
_SEQ_TAG = _YAML_PREFIX + "seq"
_MAP_TAG = _YAML_PREFIX + "map"
_PYTHON_TAG = _YAML_PREFIX + "python/"


def _node_id(node: yaml.Node) -> str:
    """PyYAML's name for a node's kind: ``scalar``, ``sequence`` or ``mapping``."""
    return str(getattr(node, "id", "node"))


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
    return f"invalid YAML: {first_line_of(exc)}"
