"""Every date format a blog holds → a timezone-aware datetime, or a FieldError.

Front matter gives dates as text (our YAML loader keeps every scalar a string),
as TOML ``datetime``/``date`` objects, or as JSON/TOML epoch numbers.
:func:`parse_date` turns each into an aware :class:`~datetime.datetime`.

Text goes through a chain of small parsers, one per format (RFC 822, ISO 8601
extended and basic, Hexo/Jekyll numeric dates, Chinese dates, English long dates,
JavaScript ``Date.toString()``, Unix ``date``), tried in order. Each parser only
*recognises* a shape and returns its fields, or None; one place
(:func:`_assemble`) then checks that the date exists, reads the zone, and applies
the site time zone to values written without one. Nothing guesses: relative words
("yesterday", "3天前") and free-form text are refused with a message saying why.

:func:`format_rfc822` and :func:`format_rfc3339` write dates back out without
touching the process locale.
"""

from __future__ import annotations

import calendar
import math
import re
import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from decimal import Decimal
from email.utils import format_datetime

from laojia_feed.model import FieldError, Warn

__all__ = ["format_rfc822", "format_rfc3339", "parse_date", "resolve_timezone"]

# --------------------------------------------------------------------------- names

_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

#: English month tokens (full name, 3-letter abbreviation, "sept") → month number.
_MONTH_TOKENS: Mapping[str, int] = {
    **{name.lower(): number for number, name in enumerate(_MONTH_NAMES, 1)},
    **{name[:3].lower(): number for number, name in enumerate(_MONTH_NAMES, 1)},
    "sept": 9,
}
#: English weekday tokens (full name, 3-letter abbreviation) → ``date.weekday()``.
_WEEKDAY_TOKENS: Mapping[str, int] = {
    **{name.lower(): number for number, name in enumerate(_WEEKDAY_NAMES)},
    **{name[:3].lower(): number for number, name in enumerate(_WEEKDAY_NAMES)},
}
#: The last character of 星期四 / 周四 / 礼拜天 → ``date.weekday()``.
_CHINESE_WEEKDAYS: Mapping[str, int] = {
    "一": 0,
    "二": 1,
    "三": 2,
    "四": 3,
    "五": 4,
    "六": 5,
    "日": 6,
    "天": 6,
}

#: Zone names RFC 822 defines (section 5.1), as hours east of UTC.
_NAMED_ZONES: Mapping[str, int] = {
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

#: Earliest and latest years accepted as a publication date.
_FIRST_YEAR = 1800
_LAST_YEAR = 9999

#: Longer texts are not dates; refusing them early keeps every regex cheap.
_MAX_LENGTH = 120

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# ----------------------------------------------------------------------- messages


def _show(text: str) -> str:
    """Quote a value for a message: escaped like ``repr``, cut when long."""
    if len(text) > 60:
        text = text[:57] + "..."
    return repr(text)


def _unrecognised(text: str) -> FieldError:
    return FieldError(
        f"{_show(text)} is not a date laojia-feed understands; "
        "use e.g. 2021-12-09 11:10:27 or RFC 822"
    )


# -------------------------------------------------------------------- time zones


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
        raise FieldError(f"expected a time zone name, got {_kind(name)}")
    key = name.strip()
    if key.upper() == "UTC":
        return UTC
    if not _zone_key(key):
        raise FieldError(f"unknown time zone {_show(name)}")
    try:
        return zoneinfo.ZoneInfo(key)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError) as error:
        raise FieldError(f"unknown time zone {_show(name)}") from error


def _offset_zone(offset: timedelta) -> tzinfo:
    """A fixed-offset zone; a zero offset is plain UTC."""
    return UTC if not offset else timezone(offset)


#: A zone token as written after a time: ``Z``, ``+08:00``, ``+0800``, ``GMT+8``, ``EST``.
_ZONE = r"(?P<zone>Z|[+-]\d{2}(?::?\d{2})?|(?:UTC|GMT|UT)(?:[+-]\d{1,2}(?::?\d{2})?)?|[A-Z]{2,5})"
_ZONE_PARTS = re.compile(
    r"(?P<name>[A-Z]*)(?:(?P<sign>[+-])(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?)?",
    re.ASCII | re.IGNORECASE,
)


def _zone(token: str, text: str, warn: Warn) -> tzinfo:
    """Read a zone token; refuse names RFC 822 does not define and impossible offsets."""
    parts = _ZONE_PARTS.fullmatch(token)
    if parts is None:  # pragma: no cover - the parsers only capture what _ZONE allows
        raise _unrecognised(text)
    name = parts["name"].upper()
    if parts["sign"] is None:
        if name not in _NAMED_ZONES:
            raise FieldError(
                f"time zone {token!r} in {_show(text)} is not understood; "
                "write a numeric offset such as +08:00"
            )
        if name == "CST":
            warn(
                f"time zone CST in {_show(text)} is ambiguous: read as US Central Standard "
                "Time (-06:00) as RFC 822 says; write +08:00 if you meant China Standard Time"
            )
        return _offset_zone(timedelta(hours=_NAMED_ZONES[name]))
    hours, minutes = int(parts["hours"]), int(parts["minutes"] or 0)
    if hours > 23 or minutes > 59:
        raise FieldError(f"time zone offset {token!r} in {_show(text)} is out of range")
    sign = -1 if parts["sign"] == "-" else 1
    return _offset_zone(sign * timedelta(hours=hours, minutes=minutes))


def _localize(naive: datetime, tz: tzinfo, warn: Warn) -> datetime:
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


def _localize_wall(aware: datetime, tz: tzinfo, warn: Warn) -> datetime:
    """:func:`_localize` of ``aware.replace(tzinfo=None)``, given it already built.

    ``aware`` is the wall time with ``tzinfo`` ``tz`` and ``fold`` 0, exactly what
    :func:`_localize` builds first. When the round trip keeps ``tz`` as its ``tzinfo``
    object, ``==`` compares the two wall times field by field, ignoring ``fold`` (the
    language reference's rule for aware datetimes sharing a ``tzinfo``), which is the
    slow path's comparison of the naive values; any other case takes the slow path.
    Only the allocations of three ``replace`` calls are saved.
    """
    try:
        settled = aware.astimezone(UTC).astimezone(tz)
    except OverflowError:  # the very edge of year 9999, as in _localize
        return aware
    if settled.tzinfo is tz and settled == aware:
        return aware
    return _localize(aware.replace(tzinfo=None), tz, warn)


# ----------------------------------------------------------------------- checking


def _check_year(year: int) -> None:
    if not _FIRST_YEAR <= year <= _LAST_YEAR:
        raise FieldError(f"year {year} is not a plausible publication date")


def _check_day(year: int, month: int, day: int) -> None:
    written = f"{year:04d}-{month:02d}-{day:02d}"
    if not 1 <= month <= 12:
        raise FieldError(f"{written} does not exist (there is no month {month})")
    length = calendar.monthrange(year, month)[1]
    if 1 <= day <= length:
        return
    if month == 2 and day == 29:
        raise FieldError(f"{written} does not exist ({year} is not a leap year)")
    raise FieldError(f"{written} does not exist ({_MONTH_NAMES[month - 1]} has {length} days)")


def _check_time(hour: int, minute: int, second: int) -> None:
    if hour > 23 or minute > 59 or second > 59:
        raise FieldError(f"{hour:02d}:{minute:02d}:{second:02d} is not a valid time of day")


# ------------------------------------------------------------------------ parsers


@dataclass(frozen=True, slots=True)
class _Fields:
    """What a parser read, unchecked: the date may not exist, the zone may be unknown."""

    year: int
    month: int
    day: int
    hour: int = 0
    minute: int = 0
    second: int = 0
    microsecond: int = 0
    #: The zone token as written, None when the value has none.
    zone: str | None = None
    #: The weekday as written ("Mon", "星期四"), to be checked against the date.
    weekday_text: str | None = None
    weekday: int | None = None
    #: "am"/"pm" from an English 12-hour time: the hour must be 1–12.
    half: str | None = None


_Parser = Callable[[str], _Fields | None]

_CHINESE_HALVES_PM = frozenset({"中午", "下午", "晚上"})


def _year(digits: str) -> int:
    """RFC 2822 obsolete years: 00–49 are 20xx, 50–99 are 19xx."""
    if len(digits) == 2:
        value = int(digits)
        return value + (2000 if value < 50 else 1900)
    return int(digits)


def _fields(groups: Mapping[str, str | None]) -> _Fields | None:
    """Turn a regex match's named groups into fields; None for an unknown month/weekday."""
    month_text = groups["month"] or ""
    month = int(month_text) if month_text.isdigit() else _MONTH_TOKENS.get(month_text.lower())
    if month is None:
        return None
    weekday_text = groups.get("weekday") or groups.get("cn_weekday")
    weekday = None
    if weekday_text is not None:
        weekday = (
            _WEEKDAY_TOKENS.get(weekday_text.lower())
            if weekday_text.isascii()
            else _CHINESE_WEEKDAYS[weekday_text[-1]]
        )
        if weekday is None:
            return None
    hour = int(groups.get("hour") or 0)
    if groups.get("cn_half") in _CHINESE_HALVES_PM and hour < 12:
        hour += 12
    fraction = groups.get("fraction") or ""
    half = groups.get("half")
    return _Fields(
        year=_year(groups["year"] or ""),
        month=month,
        day=int(groups["day"] or 0),
        hour=hour,
        minute=int(groups.get("minute") or groups.get("cn_minute") or 0),
        second=int(groups.get("second") or groups.get("cn_second") or 0),
        microsecond=int((fraction + "000000")[:6]),
        zone=groups.get("zone"),
        weekday_text=weekday_text,
        weekday=weekday,
        half=half.replace(".", "").lower() if half else None,
    )


def _regex_parser(pattern: str) -> _Parser:
    """A parser for one format written as a regular expression with named groups."""
    compiled: list[re.Pattern[str]] = []  # compiled on first use: start-up stays quick

    def parse(text: str) -> _Fields | None:
        if not compiled:
            compiled.append(re.compile(pattern, re.ASCII | re.IGNORECASE))
        match = compiled[0].fullmatch(text)
        return None if match is None else _fields(match.groupdict())

    return parse


_TIME = r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d+))?)?"
_WORD = r"[A-Z]{3,9}"
#: An optional leading English weekday: ``Thu, `` ``Thu,`` ``Thursday ``.
_WEEKDAY = rf"(?:(?P<weekday>{_WORD})(?:, ?| ))?"

#: ``Thu, 09 Dec 2021 03:10:27 GMT`` (RFC 822/1123/2822; weekday, seconds, zone optional).
_rfc822 = _regex_parser(
    rf"{_WEEKDAY}(?P<day>\d{{1,2}}) (?P<month>{_WORD})\.? "
    r"(?P<year>\d{4}|\d{2})"
    rf"(?: {_TIME}(?: ?{_ZONE})?(?: ?\([^()]*\))?)?"
)
#: ``2021-12-09``, ``2021-12-09T03:10:27.5Z``, ``2021-12-09 11:10:27+08:00`` (RFC 3339).
_iso8601 = _regex_parser(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d+))?)?"
    rf" ?{_ZONE}?)?"
)
#: ``20211209``, ``20211209T031027Z`` (ISO 8601 basic format).
_iso8601_basic = _regex_parser(
    r"(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})"
    r"(?:T(?P<hour>\d{2})(?P<minute>\d{2})(?:(?P<second>\d{2})(?:[.,](?P<fraction>\d+))?)?"
    r"(?P<zone>Z|[+-]\d{2}(?:\d{2})?)?)?"
)
#: Hexo/Jekyll: ``2021/12/9 9:05``, ``2021-12-9 11:10:27 +0800``, ``2021.12.09``.
_numeric = _regex_parser(
    r"(?P<year>\d{4})(?P<sep>[-/.])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})"
    rf"(?:[T ]{_TIME}(?: ?{_ZONE})?)?"
)
#: ``2021年12月9日``, ``2021年12月9日 星期四 下午3:05``, ``2021年12月9日 10时30分05秒``.
_chinese = _regex_parser(
    r"(?P<year>\d{4}) ?年 ?(?P<month>\d{1,2}) ?月 ?(?P<day>\d{1,2}) ?[日号]"
    r"(?: ?,? ?(?P<cn_weekday>(?:星期|周|礼拜)[一二三四五六日天]))?"
    r"(?: ?(?P<cn_half>凌晨|早上|上午|中午|下午|晚上)? ?(?P<hour>\d{1,2}) ?"
    r"(?:: ?(?P<minute>\d{2})(?: ?: ?(?P<second>\d{2}))?"
    r"|[时点點](?: ?(?P<cn_minute>\d{1,2}) ?(?:分(?: ?(?P<cn_second>\d{1,2}) ?秒)?)?)?))?"
)
#: ``December 9, 2021``, ``Thursday, Dec 9th, 2021 at 3:05 PM``.
_english = _regex_parser(
    rf"{_WEEKDAY}(?P<month>{_WORD})\.? (?P<day>\d{{1,2}})(?:st|nd|rd|th)?,? "
    r"(?P<year>\d{4})(?:,? (?:at )?(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?"
    rf"(?: ?(?P<half>[AP]\.?M\.?))?(?: ?{_ZONE})?)?"
)
#: JavaScript ``Date.toString()``: ``Thu Dec 09 2021 11:10:27 GMT+0800 (中国标准时间)``.
_javascript = _regex_parser(
    rf"(?P<weekday>{_WORD}) (?P<month>{_WORD}) (?P<day>\d{{1,2}}) (?P<year>\d{{4}}) "
    r"(?P<hour>\d{2}):(?P<minute>\d{2}):(?P<second>\d{2}) "
    r"(?P<zone>(?:GMT|UTC)[+-]\d{4})(?: \([^()]*\))?"
)
#: Unix ``date`` / C ``asctime``: ``Thu Dec  9 11:10:27 CST 2021``.
_unix = _regex_parser(
    rf"(?P<weekday>{_WORD}) (?P<month>{_WORD}) (?P<day>\d{{1,2}}) "
    r"(?P<hour>\d{1,2}):(?P<minute>\d{2}):(?P<second>\d{2})"
    r"(?: (?P<zone>[A-Z]{2,5}|[+-]\d{4}))? (?P<year>\d{4})"
)

#: The chain, tried in order; the first parser that recognises the text wins.
_PARSERS: tuple[_Parser, ...] = (
    _iso8601,
    _iso8601_basic,
    _numeric,
    _rfc822,
    _chinese,
    _english,
    _javascript,
    _unix,
)


def _assemble(fields: _Fields, text: str, tz: tzinfo, warn: Warn) -> datetime:
    """Check recognised fields and build the aware datetime they describe."""
    _check_year(fields.year)
    _check_day(fields.year, fields.month, fields.day)
    hour = fields.hour
    if fields.half is not None:
        if not 1 <= hour <= 12:
            raise FieldError(f"{hour}:{fields.minute:02d} {fields.half} is not a valid time of day")
        hour = hour % 12 + (12 if fields.half == "pm" else 0)
    _check_time(hour, fields.minute, fields.second)
    written = datetime(
        fields.year,
        fields.month,
        fields.day,
        hour,
        fields.minute,
        fields.second,
        fields.microsecond,
    )
    zone = None if fields.zone is None else _zone(fields.zone, text, warn)
    if fields.weekday is not None and fields.weekday != written.weekday():
        warn(
            f"weekday {fields.weekday_text} does not match {written.date().isoformat()}, "
            f"a {_WEEKDAY_NAMES[written.weekday()]}; the date wins"
        )
    if zone is None:
        return _localize(written, tz, warn)
    return written.replace(tzinfo=zone)


# -------------------------------------------------------------------- epoch times


def _epoch(value: Decimal, shown: str, tz: tzinfo) -> datetime:
    """Unix time: 10 integer digits are seconds, 13 are milliseconds; nothing else."""
    if value.is_finite():
        whole = abs(int(value))
        if value >= 0 and 10**9 <= whole < 10**10:
            return (_EPOCH + timedelta(microseconds=int(value * 10**6))).astimezone(tz)
        if value >= 0 and 10**12 <= whole < 10**13:
            return (_EPOCH + timedelta(microseconds=int(value * 10**3))).astimezone(tz)
    raise FieldError(
        f"{shown} is ambiguous as a Unix time: laojia-feed reads a number as seconds only with "
        "10 digits (years 2001–2286) or as milliseconds with 13 digits; write the date itself"
    )


def _show_number(value: int | float) -> str:
    if isinstance(value, int) and abs(value) >= 10**30:
        return "a number that long"
    return repr(value)


# ----------------------------------------------------------------------------- text

#: Full-width digits and punctuation (common in Chinese text) → ASCII; odd spaces → space.
_NARROW = str.maketrans(
    {chr(0xFF10 + digit): str(digit) for digit in range(10)}
    | {"：": ":", "－": "-", "／": "/", "＋": "+", "．": ".", "，": ",", "\u3000": " ", "\xa0": " "}
)
#: What surrounds a value harmlessly (YAML/CRLF leftovers); control characters are not.
_SURROUNDING = " \t\r\n"
_BLANKS = re.compile(r"[ \t]+")
_NUMBER = re.compile(r"\d+(?:\.\d+)?", re.ASCII)

_EN_UNIT = r"(?:second|sec|minute|min|hour|hr|day|week|fortnight|month|year|decade)s?"
_EN_DAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
#: English relative dates, alone or followed by a time ("yesterday 10:30").
_RELATIVE_EN = re.compile(
    r"(?:just now|right now|now|today|tonight|yesterday|tomorrow"
    r"|(?:the )?day (?:before yesterday|after tomorrow)"
    rf"|(?:last|next|this|past|previous|coming) (?:{_EN_UNIT}|{_EN_DAY}|weekend|night|morning)"
    rf"|(?:an?|one|a few|few|several|some|\d+) {_EN_UNIT} (?:ago|from now|later|earlier)"
    rf"|in (?:an?|\d+) {_EN_UNIT}"
    r"|\d+ ?(?:s|m|h|d|w|y|mins?|hrs?) ago)"
    r"(?: .*)?",
    re.ASCII | re.IGNORECASE,
)
#: Chinese relative dates, at the start of the text ("昨天", "3天前", "上个月").
_RELATIVE_ZH = re.compile(
    r"昨天|昨日|昨晚|今天|今日|今晚|今早|明天|明日|明晚|前天|后天|大前天|大后天|刚刚|刚才|现在|此刻"
    r"|(?:上|下|本|这)个?(?:周|星期|礼拜|月)|去年|今年|明年|前年"
    r"|(?:\d+|[一二两三四五六七八九十百半几多]+) ?个? ?"
    r"(?:秒钟?|分钟|小时|钟头|天|日|周|星期|礼拜|月|年)(?:以|之)?[前后]"
)


def _normalise(text: str) -> str:
    """Narrow full-width characters, trim harmless surroundings, collapse blanks."""
    return _BLANKS.sub(" ", text.translate(_NARROW).strip(_SURROUNDING))


# ---------------------------------------------------------------- the common shapes

#: ``2021-12-09``, ``2021-12-09 11:10:27``, ``2021-12-09T11:10:27+08:00``: a strict subset
#: of :data:`_iso8601`'s language (upper-case ``T``, seconds, no fraction, ``Z`` or ``±hh:mm``).
_COMMON_ISO = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}):(\d{2})(Z|[+-]\d{2}:\d{2})?)?", re.ASCII
)
#: ``2021/12/09``, ``2021/12/9``: a strict subset of :data:`_numeric`'s language.
_COMMON_SLASHED = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})", re.ASCII)
#: ``Thu, 09 Dec 2021 03:10:27 GMT``: a strict subset of :data:`_rfc822`'s language
#: (exact-case names, two-digit day, four-digit year, seconds, GMT/UT/UTC/Z or ``±hhmm``).
_COMMON_RFC822 = re.compile(
    r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) "
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) "
    r"(\d{2}):(\d{2}):(\d{2}) (GMT|UTC|UT|Z|[+-]\d{4})",
    re.ASCII,
)
_MONTH_ABBREVIATIONS: Mapping[str, int] = {
    name[:3]: number for number, name in enumerate(_MONTH_NAMES, 1)
}
_WEEKDAY_ABBREVIATIONS: Mapping[str, int] = {
    name[:3]: number for number, name in enumerate(_WEEKDAY_NAMES)
}

#: Zone tokens already read by :func:`_zone` without a warning → their zone.
_KNOWN_ZONES: dict[str, tzinfo] = {}
_KNOWN_ZONES_MAX = 4096


def _known_zone(token: str) -> tzinfo | None:
    """:func:`_zone` of ``token``, memoized; None when it would refuse or warn.

    :func:`_zone` reads only ``token`` (``text`` and ``warn`` serve its messages), so a
    token it accepts silently always gives an equal zone: the memo returns that zone
    (the same ``UTC`` object for zero offsets). Refused and warned tokens (``CST``) are
    left to the caller's slow path, which then raises or warns itself.
    """
    zone = _KNOWN_ZONES.get(token)
    if zone is not None:
        return zone
    warnings: list[str] = []
    try:
        zone = _zone(token, token, warnings.append)
    except FieldError:
        return None
    if warnings:
        return None
    if len(_KNOWN_ZONES) < _KNOWN_ZONES_MAX:
        _KNOWN_ZONES[token] = zone
    return zone


def _common_fields(raw: str) -> tuple[int, int, int, int, int, int, int | None, str | None] | None:
    """Year, month, day, hour, minute, second, weekday and zone token of a common shape.

    None when ``raw`` is none of the three shapes exactly (as written: no surrounding or
    doubled space, ASCII only).
    """
    if raw[4:5] == "-":
        iso = _COMMON_ISO.fullmatch(raw)
        if iso is None:
            return None
        year, month, day, hour, minute, second, zone = iso.groups()
        if hour is None:
            return int(year), int(month), int(day), 0, 0, 0, None, None
        return int(year), int(month), int(day), int(hour), int(minute), int(second), None, zone
    if raw[4:5] == "/":
        slashed = _COMMON_SLASHED.fullmatch(raw)
        if slashed is None:
            return None
        year, month, day = slashed.groups()
        return int(year), int(month), int(day), 0, 0, 0, None, None
    rfc = _COMMON_RFC822.fullmatch(raw)
    if rfc is None:
        return None
    weekday, day, month, year, hour, minute, second, zone = rfc.groups()
    return (
        int(year),
        _MONTH_ABBREVIATIONS[month],
        int(day),
        int(hour),
        int(minute),
        int(second),
        _WEEKDAY_ABBREVIATIONS[weekday],
        zone,
    )


def _parse_common(raw: str, tz: tzinfo, warn: Warn) -> datetime | None:
    """:func:`_parse_text` for the shapes most posts use; None means "ask the slow path".

    Why it is equivalent: ``raw`` matched one of three ASCII patterns with single inner
    spaces and nothing around, so :func:`_normalise` and the ``shown`` strip leave it
    unchanged; it is short and starts with four digits or an English weekday
    abbreviation, which neither relative-date pattern accepts (they need a relative word
    or a number followed by a unit). Each pattern's language is a subset of the first
    parser of the chain that accepts it (``-`` → :data:`_iso8601`, ``/`` →
    :data:`_numeric`, weekday → :data:`_rfc822`, the ones before it needing other
    separators or a leading digit), reading the same groups. Every check
    :func:`_assemble` makes that could raise or warn before localizing (year range, day
    and time of day as :class:`datetime` checks them, zone, weekday) sends the value to
    the slow path instead, before anything is reported; what is left builds the same
    datetime, and values without a zone get ``tz`` through :func:`_localize_wall`.
    """
    fields = _common_fields(raw)
    if fields is None:
        return None
    year, month, day, hour, minute, second, weekday, token = fields
    if not _FIRST_YEAR <= year <= _LAST_YEAR:
        return None
    zone = tz if token is None else _known_zone(token)
    if zone is None:
        return None
    try:
        written = datetime(year, month, day, hour, minute, second, tzinfo=zone)
    except ValueError:
        return None
    if weekday is not None and weekday != written.weekday():
        return None
    if token is None:
        return _localize_wall(written, tz, warn)
    return written


def _parse_text(raw: str, tz: tzinfo, warn: Warn) -> datetime:
    common = _parse_common(raw, tz, warn)
    if common is not None:
        return common
    return _parse_text_slow(raw, tz, warn)


def _parse_text_slow(raw: str, tz: tzinfo, warn: Warn) -> datetime:
    """:func:`_parse_text` by its definition: normalise, refuse relative dates, the chain."""
    text = _normalise(raw)
    shown = raw.strip(_SURROUNDING + "\u3000")
    if not text:
        raise FieldError("no date given")
    if len(text) > _MAX_LENGTH:
        raise _unrecognised(shown)
    if _RELATIVE_EN.fullmatch(text) or _RELATIVE_ZH.match(text):
        raise FieldError(f"relative date {_show(shown)} is not allowed; write the date itself")
    for parser in _PARSERS:
        fields = parser(text)
        if fields is not None:
            return _assemble(fields, shown, tz, warn)
    if _NUMBER.fullmatch(text):
        return _epoch(Decimal(text), _show(shown), tz)
    raise _unrecognised(shown)


# ----------------------------------------------------------------------- objects


def _kind(value: object) -> str:
    """Name a wrong-typed value for a message: 'a list', 'a mapping', 'true'."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, time):
        return "a time of day without a date"
    if isinstance(value, bytes | bytearray):
        return "bytes"
    return f"a value of type {type(value).__name__}"


def _from_datetime(value: datetime, tz: tzinfo, warn: Warn) -> datetime:
    """A TOML datetime: kept when aware, given the site zone when naive."""
    _check_year(value.year)
    if value.tzinfo is not None and value.utcoffset() is not None:
        return value
    return _localize(value.replace(tzinfo=None), tz, warn)


def parse_date(raw: object, tz: tzinfo, warn: Warn) -> datetime:
    """Turn a front-matter date into an aware datetime.

    ``raw`` is a string (any format the parser chain knows), a TOML ``datetime``
    or ``date``, or a Unix time (10-digit seconds or 13-digit milliseconds, as a
    number or a string). Values written without a zone get ``tz``; values with one
    keep their offset (zero offsets become UTC); Unix times are shown in ``tz``.

    Raises :class:`FieldError` for anything that is not a real, plausible,
    absolute date; calls ``warn`` when a value is used despite a problem.
    """
    if raw is None:
        raise FieldError("no date given")
    if isinstance(raw, str):
        return _parse_text(raw, tz, warn)
    if isinstance(raw, datetime):
        return _from_datetime(raw, tz, warn)
    if isinstance(raw, date):
        _check_year(raw.year)
        return _localize(datetime(raw.year, raw.month, raw.day), tz, warn)
    if isinstance(raw, int) and not isinstance(raw, bool):
        # Huge ints are refused before Decimal, which would convert them through str.
        plausible = 0 <= raw < 10**13
        return _epoch(Decimal(raw if plausible else -1), _show_number(raw), tz)
    if isinstance(raw, float) and math.isfinite(raw):
        return _epoch(Decimal(raw), _show_number(raw), tz)
    if isinstance(raw, float):
        raise FieldError(f"expected a date, got {raw!r}")
    raise FieldError(f"expected a date, got {_kind(raw)}")


# ----------------------------------------------------------------------- writing


def _for_output(dt: datetime) -> datetime:
    """Check awareness; express zero and sub-minute offsets (old LMT zones) in UTC."""
    offset = dt.utcoffset() if dt.tzinfo is not None else None
    if offset is None:
        raise ValueError(f"naive datetime {dt!r}: only aware datetimes can be written")
    if offset and not offset % timedelta(minutes=1):
        return dt
    try:
        return dt.astimezone(UTC)
    except OverflowError as error:
        raise ValueError(f"{dt!r} cannot be written in UTC") from error


def format_rfc822(dt: datetime) -> str:
    """``Thu, 09 Dec 2021 03:10:27 GMT`` (RSS): English names, seconds precision."""
    out = _for_output(dt)
    return format_datetime(out, usegmt=out.tzinfo is UTC)


def format_rfc3339(dt: datetime) -> str:
    """``2021-12-09T03:10:27+00:00`` (Atom, JSON Feed); microseconds only when non-zero."""
    out = _for_output(dt)
    return out.isoformat(timespec="microseconds" if out.microsecond else "seconds")
