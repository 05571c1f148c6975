"""Serialize a feed's entries one at a time instead of as one big lxml tree.

feedgen builds the feed head (channel or feed elements); the entries, each built by
feedgen too, are appended one by one to the head's real parent element, serialized,
and removed again. The bytes are those lxml writes for the whole tree, while only one
entry's elements exist at a time and the output grows in one buffer (no copy of the
whole document at the end).

lxml writes the namespace declarations of an element's ancestors on the element when
it serializes it alone: that run, the same for every entry of a document, is found
once from an empty probe element and left out, as in the whole-tree output. An entry
declaring a namespace of its own (no RSS or Atom entry here does) is written as lxml
writes it alone: the same XML, its ancestors' declarations repeated on it.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator

from lxml import etree

from laojia_feed.feeds.formats._common import Parts, clean_item, with_stylesheet
from laojia_feed.model import FeedItem

#: What may follow an element's name and namespace declarations in its start tag
#: (space, ``>``, ``/``), as byte values.
_AFTER_NAME = frozenset(b" >/")


def xml_parts(head: bytes, closing: bytes, stylesheet: str | None) -> Parts:
    """The :class:`Parts` of the document :func:`stream_document` writes from ``head``."""
    return Parts(
        with_stylesheet(head[: len(head) - len(closing)], stylesheet), b"", closing + b"\n"
    )


def stream_document(
    head: bytes,
    closing: bytes,
    parent: etree._Element,
    entries: Iterable[etree._Element],
    stylesheet: str | None,
) -> bytes:
    """``head`` (a serialized document ending in ``closing``) with ``entries`` written
    as the last children of ``parent`` (its element in the live tree), then a newline.

    ``entries`` is consumed lazily: each is serialized and dropped before the next.
    """
    parts = xml_parts(head, closing, stylesheet)
    out = io.BytesIO()
    out.write(parts.opening)
    for chunk in entry_chunks(parent, entries):
        out.write(chunk)
    out.write(parts.closing)
    return out.getvalue()


def cleaned_elements(
    items: Iterable[FeedItem], element: Callable[[FeedItem], etree._Element]
) -> Iterator[etree._Element]:
    """Each item's element; an item holding a text lxml refuses is built again cleaned,
    as it is in the cleaned document the whole-document render then writes."""
    for item in items:
        try:
            yield element(item)
        except ValueError:
            yield element(clean_item(item))


def entry_chunks(parent: etree._Element, entries: Iterable[etree._Element]) -> Iterator[bytes]:
    """Each of ``entries`` serialized as the last child of ``parent``, as it is written in
    the whole document (the ancestors' namespace declarations left out)."""
    inherited = b""
    tag = b""
    for entry in entries:
        if not tag:
            tag = b"<" + entry.tag.encode()
            inherited = _inherited_declarations(parent, entry.tag)
        parent.append(entry)
        chunk = etree.tostring(entry, encoding="UTF-8")
        parent.remove(entry)
        if inherited and chunk.startswith(inherited) and chunk[len(inherited)] in _AFTER_NAME:
            yield tag + chunk[len(inherited) :]
        else:
            yield chunk


def _inherited_declarations(parent: etree._Element, tag: str) -> bytes:
    """How a ``tag`` child of ``parent`` serialized alone begins: its tag name and the
    ancestors' namespace declarations lxml copies onto it (``b""`` when there are none)."""
    probe = etree.SubElement(parent, tag)
    written = etree.tostring(probe, encoding="UTF-8")
    parent.remove(probe)
    start = b"<" + tag.encode()
    if not written.endswith(b"/>") or written == start + b"/>":
        return b""
    return written[:-2]
