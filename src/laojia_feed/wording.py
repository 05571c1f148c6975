"""How messages name things, in one wording everywhere: a value's type, a size in bytes."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time

_KIB = 1024
_MIB = 1024 * 1024


def describe_type(value: object) -> str:
    """A value's type as an author would name it: ``a list``, ``a mapping``, ``true/false``,
    ``a number``, ``a text value``, ``a date``, ``a time of day without a date``."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a text value"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, datetime | date):
        return "a date"
    if isinstance(value, time):
        return "a time of day without a date"
    if isinstance(value, bytes | bytearray):
        return "bytes"
    return f"a value of type {type(value).__name__}"


def size_text(size: int) -> str:
    """A byte count for a message: ``12 bytes``, ``3.5 KiB``, ``16 MiB`` (whole units when
    exact, else one decimal)."""
    for unit, name in ((_MIB, "MiB"), (_KIB, "KiB")):
        if size >= unit:
            return f"{size // unit} {name}" if size % unit == 0 else f"{size / unit:.1f} {name}"
    return f"{size} bytes"


def sizes_apart(size: int, limit: int) -> tuple[str, str]:
    """``size`` and the ``limit`` it exceeds for a message, in exact bytes when rounding
    would show them equal (``2048 bytes`` over ``2047 bytes``, not ``2 KiB`` over ``2.0 KiB``)."""
    shown, most = size_text(size).split(), size_text(limit).split()
    if shown[1:] == most[1:] and float(shown[0]) == float(most[0]):
        return f"{size} bytes", f"{limit} bytes"
    return size_text(size), size_text(limit)
