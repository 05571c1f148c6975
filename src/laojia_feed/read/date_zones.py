"""Time zones of dates: the site zone by name, zone tokens as written, wall times made aware.

:func:`resolve_timezone` reads an IANA name (``Asia/Shanghai``) or ``UTC``;
:func:`zone_of` reads a token written after a time (``Z``, ``+08:00``, ``GMT+8``, the
zone names RFC 822 defines); :func:`localize` gives a wall-clock time the site zone.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone, tzinfo

from laojia_feed.model import FieldError, Warn
from laojia_feed.wording import describe_type

#: Zone names RFC 822 defines (section 5.1), as hours east of UTC.
NAMED_ZONES: Mapping[str, int] = {
    "UT": 0,
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "EST": -5,
    "EDT": -4,
    "CST": -6,
    "CDT": -5,
    "MST": -7,
    "MDT": -6,
    "PST": -8,
    "PDT": -7,
}


def show(text: str) -> str:
    """Quote a value for a message: escaped like ``repr``, cut when long."""
    if len(text) > 60:
        text = text[:57] + "..."
    return repr(text)


#: What an IANA key looks like: ``/``-separated names of letters, digits, ``_``, ``+``, ``-``.
#: No dots (so no ``..``, no ``zone.tab``), no leading ``/``, no empty part: never a path
#: out of the time zone database. Checked before the (cheap) load instead of listing
#: every zone of the database, which takes tens of milliseconds.
_ZONE_KEY = re.compile(r"[A-Za-z0-9_+-]{1,64}(?:/[A-Za-z0-9_+-]{1,64}){0,3}", re.ASCII)

#: Files of the database that are not zones people name (as ``available_timezones`` says).
_NOT_ZONES = ("posixrules", "right/", "posix/")


def _zone_key(key: str) -> bool:
    """True when ``key`` is shaped like an IANA zone name (it may still not exist)."""
    return _ZONE_KEY.fullmatch(key) is not None and not (
        key == _NOT_ZONES[0] or key.startswith(_NOT_ZONES[1:])
    )


def resolve_timezone(name: str) -> tzinfo:
    """Return the time zone an IANA name (``Asia/Shanghai``) or ``UTC`` stands for.

    Raises :class:`FieldError` for anything else, including paths and non-strings.
    """
    if not isinstance(name, str):
        raise FieldError(f"expected a time zone name, got {describe_type(name)}")
    key = name.strip()
    if key.upper() == "UTC":
        return UTC
    if not _zone_key(key):
        raise FieldError(f"unknown time zone {show(name)}")
    try:
        return zoneinfo.ZoneInfo(key)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError) as error:
        raise FieldError(f"unknown time zone {show(name)}") from error


def _offset_zone(offset: timedelta) -> tzinfo:
    """A fixed-offset zone; a zero offset is plain UTC."""
    return UTC if not offset else timezone(offset)


_ZONE_PARTS = re.compile(
    r"(?P<name>[A-Z]*)(?:(?P<sign>[+-])(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?)?",
    re.ASCII | re.IGNORECASE,
)


def zone_of(token: str, text: str, warn: Warn) -> tzinfo:
    """Read a zone token; refuse names RFC 822 does not define and impossible offsets."""
    parts = _ZONE_PARTS.fullmatch(token)
    if parts is None:  # pragma: no cover - the parsers only capture what _ZONE allows
        raise FieldError(f"time zone {token!r} in {show(text)} is not understood")
    name = parts["name"].upper()
    if parts["sign"] is None:
        if name not in NAMED_ZONES:
            raise FieldError(
                f"time zone {token!r} in {show(text)} is not understood; "
                "write a numeric offset such as +08:00"
            )
        if name == "CST":
            warn(
                f"time zone CST in {show(text)} is ambiguous: read as US Central Standard "
                "Time (-06:00) as RFC 822 says; write +08:00 if you meant China Standard Time"
            )
        return _offset_zone(timedelta(hours=NAMED_ZONES[name]))
    hours, minutes = int(parts["hours"]), int(parts["minutes"] or 0)
    if hours > 23 or minutes > 59:
        raise FieldError(f"time zone offset {token!r} in {show(text)} is out of range")
    sign = -1 if parts["sign"] == "-" else 1
    return _offset_zone(sign * timedelta(hours=hours, minutes=minutes))


def localize(naive: datetime, tz: tzinfo, warn: Warn) -> datetime:
    """Give a wall-clock time the site zone.

    An ambiguous time (clocks put back) is its first occurrence; a time that does
    not exist (clocks put forward) moves forward by the gap, with a warning.
    """
    aware = naive.replace(tzinfo=tz, fold=0)
    try:
        settled = aware.astimezone(UTC).astimezone(tz)
    except OverflowError:  # the very edge of year 9999; no transition happens there
        return aware
    if settled.replace(tzinfo=None) != naive.replace(fold=0):
        warn(
            f"{naive.isoformat(sep=' ')} does not exist in {tz} (the clocks were put "
            f"forward); using {settled.replace(tzinfo=None).isoformat(sep=' ')}"
        )
        return settled
    return aware
