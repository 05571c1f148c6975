"""Reusable checks on generated feeds: each parser asserts validity, then returns the parse.

Import from any test (``from feedcheck import parse_rss``; pytest puts ``tests/`` on
the path):

- :func:`parse_rss` / :func:`parse_atom`: strict XML (lxml, no entities, no network),
  the right root element, then feedparser with ``bozo`` false; returns feedparser's dict.
- :func:`parse_json`: strict UTF-8, JSON, the JSON Feed 1.1 schema with formats checked
  (feedparser 6 does not read JSON Feed); returns the decoded object.
- :func:`xml_root` (strict lxml parse) and :func:`xpath` (with :data:`NS`) to check
  the structure.
- :func:`instant`, :func:`html_text` and :func:`html_canonical` to compare parsed
  values with the model (feedparser's sanitizer reorders attributes, closes tags).
"""

from __future__ import annotations

import calendar
import json
import re
import time
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any, TypeAlias
from urllib.parse import urlsplit

import feedparser
import jsonschema
import lxml.html
from lxml import etree

#: What feedparser returns (a dict with attribute access; untyped).
Parsed: TypeAlias = Any

#: Namespaces of the elements our feeds use, for XPath.
NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "media": "http://search.yahoo.com/mrss/",
}

#: The vendored JSON Feed 1.1 schema (origin and license: tests/data/README.md).
JSON_FEED_SCHEMA = Path(__file__).parent / "data" / "jsonfeed-1.1.schema.json"

_XML_DECLARATION = b"<?xml version='1.0' encoding='UTF-8'?>"
_RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)\Z")
_SAFE_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False
)


def xml_root(data: bytes) -> etree._Element:
    """Parse ``data`` strictly (no recovery, no entities, no network) after checking that
    it is UTF-8 with an XML declaration; return the root element."""
    assert isinstance(data, bytes)
    assert data.startswith(_XML_DECLARATION), data[:80]
    data.decode("utf-8")  # strict: raises on invalid UTF-8
    return etree.fromstring(data, _SAFE_PARSER)


def xpath(node: etree._Element, expression: str) -> list[Any]:
    """Evaluate a node-set (or string-list) XPath with the :data:`NS` prefixes."""
    result = node.xpath(expression, namespaces=NS)
    assert isinstance(result, list), result
    return result


def _feedparse(data: bytes, version: str) -> Parsed:
    parsed = feedparser.parse(data)
    assert not parsed.bozo, f"feedparser: {parsed.get('bozo_exception')!r}"
    assert parsed.version == version, parsed.version
    return parsed


def parse_rss(data: bytes) -> Parsed:
    """Assert ``data`` is a well-formed RSS 2.0 document feedparser reads without
    complaint; return feedparser's result."""
    root = xml_root(data)
    assert root.tag == "rss" and root.get("version") == "2.0"
    assert len(root.findall("channel")) == 1
    return _feedparse(data, "rss20")


def parse_atom(data: bytes) -> Parsed:
    """Assert ``data`` is a well-formed Atom 1.0 document feedparser reads without
    complaint; return feedparser's result."""
    root = xml_root(data)
    assert root.tag == f"{{{NS['atom']}}}feed", root.tag
    return _feedparse(data, "atom10")


def _is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not value or any(c.isspace() for c in value):
        return False
    return bool(urlsplit(value).scheme)


def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _RFC3339.match(value):
        return False
    datetime.fromisoformat(value)  # raises for 2021-02-30
    return True


@cache
def _json_feed_validator() -> jsonschema.Draft7Validator:
    schema = json.loads(JSON_FEED_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    formats = jsonschema.FormatChecker()
    formats.checks("uri", raises=ValueError)(_is_uri)
    formats.checks("date-time", raises=ValueError)(_is_date_time)
    return jsonschema.Draft7Validator(schema, format_checker=formats)


def parse_json(data: bytes) -> dict[str, Any]:
    """Assert ``data`` is strict UTF-8 JSON valid against the JSON Feed 1.1 schema (URIs
    and RFC 3339 dates checked too); return the decoded object."""
    assert isinstance(data, bytes)
    text = data.decode("utf-8")  # strict: raises on invalid UTF-8 or a lone surrogate
    feed = json.loads(text)
    assert isinstance(feed, dict)
    errors = sorted(_json_feed_validator().iter_errors(feed), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    ids = [item["id"] for item in feed["items"]]
    assert len(ids) == len(set(ids)), "item ids must be unique"
    return feed


def instant(parsed_time: time.struct_time | None) -> int:
    """Seconds since the epoch of a time feedparser parsed (feedparser gives UTC)."""
    assert parsed_time is not None
    return calendar.timegm(parsed_time)


def html_text(fragment: str) -> str:
    """The text of an HTML fragment with white space collapsed: compares HTML
    semantically when feedparser's sanitizer rewrote markup or entities."""
    if not fragment.strip():
        return ""
    text: str = lxml.html.fragment_fromstring(fragment, create_parent="div").text_content()
    return " ".join(text.split())


def html_canonical(fragment: str) -> str:
    """An HTML fragment re-serialized with sorted attributes: equal for equal markup,
    whatever the attribute order, quoting or self-closing syntax."""
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    for element in root.iter():
        attributes = sorted(element.attrib.items())
        element.attrib.clear()
        element.attrib.update(attributes)
    canonical: str = lxml.html.tostring(root, encoding="unicode")
    return canonical
