"""Tests for laojia_feed.read.dates: every accepted format, every error, every warning."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from laojia_feed.model import FieldError
from laojia_feed.read.dates import format_rfc822, format_rfc3339, parse_date, resolve_timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
CST_CHINA = timezone(timedelta(hours=8))
CST_US = timezone(timedelta(hours=-6))
EST = timezone(timedelta(hours=-5))


def _wall(
    tz: tzinfo,
    year: int,
    month: int,
    day: int,
    hour: int = 0,
    minute: int = 0,
    second: int = 0,
    microsecond: int = 0,
) -> datetime:
    return datetime(year, month, day, hour, minute, second, microsecond, tzinfo=tz)


def sh(*fields: int) -> datetime:
    """A wall time in Asia/Shanghai (what naive values become)."""
    return _wall(SHANGHAI, *fields)


def at(offset_hours: float, *fields: int) -> datetime:
    """A wall time at a fixed offset."""
    return _wall(timezone(timedelta(hours=offset_hours)), *fields)


def utc(*fields: int) -> datetime:
    """A wall time in UTC."""
    return _wall(UTC, *fields)


def case_id(value: object) -> str:
    """A short test id, safe for huge ints."""
    if isinstance(value, int) and abs(value) > 10**30:
        return "huge-int"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


class Collect:
    """A warn callback that remembers what it was told."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def __call__(self, message: str) -> None:
        self.messages.append(message)


def parse(raw: object, tz: tzinfo = SHANGHAI) -> tuple[datetime, list[str]]:
    warnings = Collect()
    return parse_date(raw, tz, warnings), warnings.messages


def same(result: datetime, expected: datetime) -> bool:
    """Same wall time, same offset (not only the same instant)."""
    return (
        result.replace(tzinfo=None) == expected.replace(tzinfo=None)
        and result.utcoffset() == expected.utcoffset()
    )


# ---------------------------------------------------------------------- accepted

ACCEPTED: list[tuple[object, datetime]] = [
    # The seed post's date, exactly as written in its front matter.
    ("Thu, 09 Dec 2021 03:10:27 GMT", utc(2021, 12, 9, 3, 10, 27)),
    # RFC 822 / 1123 / 2822
    ("Thu, 09 Dec 2021 03:10:27 +0000", utc(2021, 12, 9, 3, 10, 27)),
    ("Thu, 09 Dec 2021 03:10:27 -0000", utc(2021, 12, 9, 3, 10, 27)),
    ("Thu, 09 Dec 2021 11:10:27 +0800", at(8, 2021, 12, 9, 11, 10, 27)),
    ("09 Dec 2021 11:10:27 +0800", at(8, 2021, 12, 9, 11, 10, 27)),
    ("Thu, 9 Dec 2021 11:10 +0800", at(8, 2021, 12, 9, 11, 10)),
    ("Thu,09 Dec 2021 03:10:27 UT", utc(2021, 12, 9, 3, 10, 27)),
    ("Thu, 09 Dec 2021 03:10:27 Z", utc(2021, 12, 9, 3, 10, 27)),
    ("thu, 09 dec 2021 03:10:27 gmt", utc(2021, 12, 9, 3, 10, 27)),
    ("Thu, 09 Dec 2021 03:10:27 EST", at(-5, 2021, 12, 9, 3, 10, 27)),
    ("Thu, 09 Dec 2021 03:10:27 EDT", at(-4, 2021, 12, 9, 3, 10, 27)),
    ("Thu, 09 Dec 2021 03:10:27 CDT", at(-5, 2021, 12, 9, 3, 10, 27)),
    ("Thu, 09 Dec 2021 03:10:27 MST", at(-7, 2021, 12, 9, 3, 10, 27)),
    ("Thu, 09 Dec 2021 03:10:27 MDT", at(-6, 2021, 12, 9, 3, 10, 27)),
    ("Thu, 09 Dec 2021 03:10:27 PST", at(-8, 2021, 12, 9, 3, 10, 27)),
    ("Thu, 09 Dec 2021 03:10:27 PDT", at(-7, 2021, 12, 9, 3, 10, 27)),
    ("Thu, 09 Dec 2021 11:10:27 +0800 (CST)", at(8, 2021, 12, 9, 11, 10, 27)),
    ("Thu, 09 Dec 21 03:10:27 GMT", utc(2021, 12, 9, 3, 10, 27)),
    ("Thu, 09 Dec 2021 11:10:27", sh(2021, 12, 9, 11, 10, 27)),
    ("Thursday, 09 December 2021 03:10:27 GMT", utc(2021, 12, 9, 3, 10, 27)),
    ("9 Dec 2021", sh(2021, 12, 9)),
    ("Sat, 29 Feb 2020 12:00:00 +0000", utc(2020, 2, 29, 12)),
    # ISO 8601 / RFC 3339
    ("2021-12-09", sh(2021, 12, 9)),
    ("2021-12-09T03:10:27Z", utc(2021, 12, 9, 3, 10, 27)),
    ("2021-12-09t03:10:27z", utc(2021, 12, 9, 3, 10, 27)),
    ("2021-12-09T11:10:27+08:00", at(8, 2021, 12, 9, 11, 10, 27)),
    ("2021-12-09T11:10:27+0800", at(8, 2021, 12, 9, 11, 10, 27)),
    ("2021-12-09T11:10:27+08", at(8, 2021, 12, 9, 11, 10, 27)),
    ("2021-12-08T22:10:27-05:00", at(-5, 2021, 12, 8, 22, 10, 27)),
    ("2021-12-09T09:10:27+05:30", at(5.5, 2021, 12, 9, 9, 10, 27)),
    ("2021-12-09T03:10:27+00:00", utc(2021, 12, 9, 3, 10, 27)),
    ("2021-12-09T03:10:27.5Z", utc(2021, 12, 9, 3, 10, 27, 500000)),
    ("2021-12-09T03:10:27,25Z", utc(2021, 12, 9, 3, 10, 27, 250000)),
    ("2021-12-09T03:10:27.123456789Z", utc(2021, 12, 9, 3, 10, 27, 123456)),
    ("2021-12-09 03:10:27Z", utc(2021, 12, 9, 3, 10, 27)),
    ("2021-12-09T11:10:27", sh(2021, 12, 9, 11, 10, 27)),
    ("2021-12-09T11:10", sh(2021, 12, 9, 11, 10)),
    ("20211209", sh(2021, 12, 9)),
    ("20211209T031027Z", utc(2021, 12, 9, 3, 10, 27)),
    ("20211209T111027+0800", at(8, 2021, 12, 9, 11, 10, 27)),
    ("2021-12-09T03:10:27 UTC", utc(2021, 12, 9, 3, 10, 27)),
    ("2021-12-09 11:10:27 UTC+8", at(8, 2021, 12, 9, 11, 10, 27)),
    ("2021-12-09 11:10:27 GMT+08:00", at(8, 2021, 12, 9, 11, 10, 27)),
    # Hexo / Jekyll
    ("2021/12/09 11:10:27", sh(2021, 12, 9, 11, 10, 27)),
    ("2021/12/9 9:05", sh(2021, 12, 9, 9, 5)),
    ("2021/12/9", sh(2021, 12, 9)),
    ("2021-12-09 11:10:27", sh(2021, 12, 9, 11, 10, 27)),
    ("2021-12-09 11:10", sh(2021, 12, 9, 11, 10)),
    ("2021-12-9 9:05:03", sh(2021, 12, 9, 9, 5, 3)),
    ("2021.12.09 11:10", sh(2021, 12, 9, 11, 10)),
    ("2021-12-09 11:10:27 +0800", at(8, 2021, 12, 9, 11, 10, 27)),
    ("2021-12-09 11:10:27.000 +08:00", at(8, 2021, 12, 9, 11, 10, 27)),
    # Chinese
    ("2021年12月09日", sh(2021, 12, 9)),
    ("2021年12月9日", sh(2021, 12, 9)),
    ("2021年12月9日 10:30", sh(2021, 12, 9, 10, 30)),
    ("2021年12月9日10:30:05", sh(2021, 12, 9, 10, 30, 5)),
    ("2021年12月9日 10时30分05秒", sh(2021, 12, 9, 10, 30, 5)),
    ("2021年12月9日 10时30分", sh(2021, 12, 9, 10, 30)),
    ("2021年12月9日 10点", sh(2021, 12, 9, 10)),
    ("2021年12月9号 10点30", sh(2021, 12, 9, 10, 30)),
    ("2021 年 12 月 9 日", sh(2021, 12, 9)),
    ("２０２１年１２月９日", sh(2021, 12, 9)),
    ("２０２１年１２月９日\u3000１０：３０", sh(2021, 12, 9, 10, 30)),
    ("２０２１－１２－０９", sh(2021, 12, 9)),
    ("2021年12月9日 星期四", sh(2021, 12, 9)),
    ("2021年12月9日 周四 下午3:05", sh(2021, 12, 9, 15, 5)),
    ("2021年12月9日 晚上8点", sh(2021, 12, 9, 20)),
    ("2021年12月9日 上午9点", sh(2021, 12, 9, 9)),
    ("2021年12月9日 下午15:00", sh(2021, 12, 9, 15)),
    # English long dates, JavaScript Date.toString(), Unix date
    ("December 9, 2021", sh(2021, 12, 9)),
    ("Dec 9th, 2021 at 3:05 PM", sh(2021, 12, 9, 15, 5)),
    ("Thursday, December 9, 2021 12:05 am", sh(2021, 12, 9, 0, 5)),
    ("Dec. 9, 2021 12:00 p.m.", sh(2021, 12, 9, 12)),
    ("Thu Dec 09 2021 11:10:27 GMT+0800 (中国标准时间)", at(8, 2021, 12, 9, 11, 10, 27)),
    ("Thu Dec 09 2021 11:10:27 GMT+0800 (China Standard Time)", at(8, 2021, 12, 9, 11, 10, 27)),
    ("Thu Dec  9 11:10:27 2021", sh(2021, 12, 9, 11, 10, 27)),
    ("Thu Dec  9 03:10:27 UTC 2021", utc(2021, 12, 9, 3, 10, 27)),
    # Leap years
    ("2020-02-29", sh(2020, 2, 29)),
    ("2000-02-29", sh(2000, 2, 29)),
    ("2024年2月29日", sh(2024, 2, 29)),
    # Range edges
    ("1800-01-01", sh(1800, 1, 1)),
    ("9999-12-31 23:59:59", sh(9999, 12, 31, 23, 59, 59)),
    # Harmless surroundings
    ("  2021-12-09 11:10:27  ", sh(2021, 12, 9, 11, 10, 27)),
    ("2021-12-09 11:10:27\r", sh(2021, 12, 9, 11, 10, 27)),
    ("2021-12-09 11:10:27\r\n", sh(2021, 12, 9, 11, 10, 27)),
    ("\t2021-12-09  11:10:27\n", sh(2021, 12, 9, 11, 10, 27)),
    # TOML objects
    (date(2021, 12, 9), sh(2021, 12, 9)),
    (datetime(2021, 12, 9, 11, 10, 27), sh(2021, 12, 9, 11, 10, 27)),
    (datetime(2021, 12, 9, 3, 10, 27, tzinfo=UTC), utc(2021, 12, 9, 3, 10, 27)),
    (at(-5, 2021, 12, 8, 22, 10, 27), at(-5, 2021, 12, 8, 22, 10, 27)),
]


@pytest.mark.parametrize(("raw", "expected"), ACCEPTED, ids=case_id)
def test_accepted(raw: object, expected: datetime) -> None:
    result, warnings = parse(raw)
    assert same(result, expected), result
    assert warnings == []


@pytest.mark.parametrize(
    "raw",
    [
        "Thu, 09 Dec 2021 03:10:27 GMT",
        "2021-12-09T03:10:27Z",
        "20211209T031027Z",
        "2021-12-09T03:10:27+00:00",
        "2021-12-09T03:10:27-0000",
    ],
)
def test_zero_offsets_come_back_as_utc(raw: str) -> None:
    result, _ = parse(raw)
    assert result.tzinfo is UTC


def test_original_offset_is_kept() -> None:
    result, _ = parse("2021-12-09T11:10:27+05:30")
    assert result.utcoffset() == timedelta(hours=5, minutes=30)
    assert result.hour == 11


def test_naive_values_get_the_given_zone() -> None:
    result, _ = parse("2021-12-09 11:10:27", NEW_YORK)
    assert result.tzinfo is NEW_YORK
    assert result.utcoffset() == timedelta(hours=-5)
    summer, _ = parse("2021-07-01 11:10:27", NEW_YORK)
    assert summer.utcoffset() == timedelta(hours=-4)
    assert parse(date(2021, 12, 9), UTC)[0] == utc(2021, 12, 9)


def test_unix_time_is_shown_in_the_given_zone() -> None:
    result, _ = parse(1639019427, NEW_YORK)
    assert result.tzinfo is NEW_YORK
    assert result == utc(2021, 12, 9, 3, 10, 27)


# ------------------------------------------------------------------------ errors

ERRORS: list[tuple[object, str]] = [
    # Impossible dates and times
    ("2021-02-30", "2021-02-30 does not exist"),
    ("2021-02-29", "2021-02-29 does not exist (2021 is not a leap year)"),
    ("1900-02-29", "1900-02-29 does not exist (1900 is not a leap year)"),
    ("2021-04-31 10:00", "2021-04-31 does not exist (April has 30 days)"),
    ("2021-13-01", "2021-13-01 does not exist (there is no month 13)"),
    ("2021-00-10", "there is no month 0"),
    ("2021-12-00", "2021-12-00 does not exist"),
    ("2021/2/30 9:05", "2021-02-30 does not exist"),
    ("2021年2月30日", "2021-02-30 does not exist"),
    ("Tue, 30 Feb 2021 03:10:27 GMT", "2021-02-30 does not exist"),
    ("20210230", "2021-02-30 does not exist"),
    ("2021-12-09 25:00", "25:00:00 is not a valid time of day"),
    ("2021-12-09T24:00:00Z", "24:00:00 is not a valid time of day"),
    ("2021-12-09 11:60", "11:60:00 is not a valid time of day"),
    ("2021-12-09 11:10:61", "11:10:61 is not a valid time of day"),
    ("2021年12月9日 25时", "25:00:00 is not a valid time of day"),
    ("Dec 9, 2021 13:05 PM", "13:05 pm is not a valid time of day"),
    ("Dec 9, 2021 0:05 AM", "0:05 am is not a valid time of day"),
    # Implausible years
    ("0001-01-01", "year 1 is not a plausible publication date"),
    ("0000-01-01", "year 0 is not a plausible publication date"),
    ("1799-12-31", "year 1799 is not a plausible publication date"),
    (datetime(1, 1, 1), "year 1 is not a plausible publication date"),
    (datetime(1, 1, 1, tzinfo=UTC), "year 1 is not a plausible publication date"),
    (date(1066, 10, 14), "year 1066 is not a plausible publication date"),
    # Zones
    ("2021-12-09T11:10:27+25:00", "time zone offset '+25:00'"),
    ("2021-12-09T11:10:27+08:75", "out of range"),
    ("Thu, 09 Dec 2021 03:10:27 BST", "time zone 'BST'"),
    ("2021-12-09 11:10 XYZ", "time zone 'XYZ' in '2021-12-09 11:10 XYZ' is not understood"),
    # Relative dates
    ("yesterday", "relative date 'yesterday' is not allowed; write the date itself"),
    ("today", "relative date 'today'"),
    ("Today", "relative date 'Today'"),
    ("now", "relative date 'now'"),
    ("just now", "relative date 'just now'"),
    ("tomorrow", "relative date 'tomorrow'"),
    ("last week", "relative date 'last week'"),
    ("next month", "relative date 'next month'"),
    ("last Monday", "relative date 'last Monday'"),
    ("3 days ago", "relative date '3 days ago'"),
    ("an hour ago", "relative date 'an hour ago'"),
    ("yesterday 10:30", "relative date 'yesterday 10:30'"),
    ("昨天", "relative date '昨天' is not allowed"),
    ("今天", "relative date '今天'"),
    ("刚刚", "relative date '刚刚'"),
    ("3天前", "relative date '3天前'"),
    ("３天前", "relative date '３天前'"),
    ("三天前", "relative date '三天前'"),
    ("半小时前", "relative date '半小时前'"),
    ("5分钟前", "relative date '5分钟前'"),
    ("昨天 10:30", "relative date '昨天 10:30'"),
    ("上个月", "relative date '上个月'"),
    ("去年12月9日", "relative date '去年12月9日'"),
    # Nothing given
    ("", "no date given"),
    ("   ", "no date given"),
    ("\r\n", "no date given"),
    ("\u3000", "no date given"),
    (None, "no date given"),
    # Unrecognised
    (
        "next Thursday-ish",
        "'next Thursday-ish' is not a date laojia-feed understands; "
        "use e.g. 2021-12-09 11:10:27 or RFC 822",
    ),
    ("2021", "'2021' is ambiguous as a Unix time"),
    ("2021-12", "not a date laojia-feed understands"),
    ("12/09/2021", "not a date laojia-feed understands"),
    ("09/12/2021", "not a date laojia-feed understands"),
    ("2021-12-09T", "not a date laojia-feed understands"),
    ("2021-12-09 11", "not a date laojia-feed understands"),
    ("2021-12-09 UTC", "not a date laojia-feed understands"),  # a zone needs a time
    ("Foo, 09 Dec 2021 03:10:27 GMT", "not a date laojia-feed understands"),
    ("Thu, 09 Foo 2021 03:10:27 GMT", "not a date laojia-feed understands"),
    ("2021-12-09\x00", "not a date laojia-feed understands"),
    ("2021-12-09\x1f", "not a date laojia-feed understands"),
    ("2021-12-09\n11:10", "not a date laojia-feed understands"),
    ("\x002021-12-09", "not a date laojia-feed understands"),
    ("2021-12-09\ud800", "not a date laojia-feed understands"),
    ("\u0663\u0660\u0662\u0661-12-09", "not a date laojia-feed understands"),  # Arabic digits
    ("N/A", "not a date laojia-feed understands"),
    ("2021-12-09" * 50, "..."),
    # Unix time that cannot be told apart
    ("0", "'0' is ambiguous as a Unix time"),
    ("12345", "'12345' is ambiguous as a Unix time"),
    ("163901942", "ambiguous as a Unix time"),
    ("16390194271", "ambiguous as a Unix time"),
    ("99999999999999", "ambiguous as a Unix time"),
    (0, "0 is ambiguous as a Unix time"),
    (2021, "2021 is ambiguous as a Unix time"),
    (-1639019427, "-1639019427 is ambiguous as a Unix time"),
    (999999999, "999999999 is ambiguous as a Unix time"),
    (10**10, "ambiguous as a Unix time"),
    (10**5000, "a number that long is ambiguous"),
    (1e300, "ambiguous as a Unix time"),
    (float("nan"), "expected a date, got nan"),
    (float("inf"), "expected a date, got inf"),
    # Wrong types
    (True, "expected a date, got true"),
    (False, "expected a date, got true/false"),
    ([2021, 12, 9], "expected a date, got a list"),
    (("2021-12-09",), "expected a date, got a list"),
    ({"date": "2021-12-09"}, "expected a date, got a mapping"),
    (time(10, 30), "expected a date, got a time of day without a date"),
    (b"2021-12-09", "expected a date, got bytes"),
    (Decimal("1639019427"), "expected a date, got a value of type Decimal"),
    (object(), "expected a date, got a value of type object"),
]


@pytest.mark.parametrize(("raw", "message"), ERRORS, ids=case_id)
def test_errors(raw: object, message: str) -> None:
    with pytest.raises(FieldError) as caught:
        parse(raw)
    assert message in str(caught.value)


def test_long_values_are_cut_in_messages() -> None:
    with pytest.raises(FieldError) as caught:
        parse("x" * 10_000)
    assert len(str(caught.value)) < 200


# ---------------------------------------------------------------------- warnings

WARNINGS: list[tuple[object, datetime, str]] = [
    (
        "Mon, 09 Dec 2021 03:10:27 GMT",
        utc(2021, 12, 9, 3, 10, 27),
        "weekday Mon does not match 2021-12-09, a Thursday; the date wins",
    ),
    (
        "Friday, December 9, 2021",
        sh(2021, 12, 9),
        "weekday Friday does not match 2021-12-09, a Thursday",
    ),
    (
        "2021年12月9日 星期一",
        sh(2021, 12, 9),
        "weekday 星期一 does not match 2021-12-09, a Thursday",
    ),
    (
        "Thu, 09 Dec 2021 11:10:27 CST",
        datetime(2021, 12, 9, 11, 10, 27, tzinfo=CST_US),
        "time zone CST in 'Thu, 09 Dec 2021 11:10:27 CST' is ambiguous",
    ),
    (
        "2021-12-09 11:10:27 CST",
        datetime(2021, 12, 9, 11, 10, 27, tzinfo=CST_US),
        "write +08:00 if you meant China Standard Time",
    ),
    (
        "Thu Dec  9 11:10:27 CST 2021",
        datetime(2021, 12, 9, 11, 10, 27, tzinfo=CST_US),
        "ambiguous",
    ),
    # Unix time: shown in the site zone, and how the number was read is said (#12)
    *(
        (raw, expected, f"read as a Unix time in {unit}: {expected.isoformat(sep=' ')}")
        for raw, expected, unit in [
            ("1639019427", sh(2021, 12, 9, 11, 10, 27), "seconds"),
            ("1639019427123", sh(2021, 12, 9, 11, 10, 27, 123000), "milliseconds"),
            ("1639019427.5", sh(2021, 12, 9, 11, 10, 27, 500000), "seconds"),
            (1639019427, sh(2021, 12, 9, 11, 10, 27), "seconds"),
            (1639019427123, sh(2021, 12, 9, 11, 10, 27, 123000), "milliseconds"),
            (1639019427.25, sh(2021, 12, 9, 11, 10, 27, 250000), "seconds"),
            (1000000000, sh(2001, 9, 9, 9, 46, 40), "seconds"),
            (9999999999, sh(2286, 11, 21, 1, 46, 39), "seconds"),
        ]
    ),
]


def test_unix_seconds_warn_that_hexo_reads_milliseconds() -> None:
    _, warnings = parse(1639019427)
    assert warnings == [
        "1639019427 read as a Unix time in seconds: 2021-12-09 11:10:27+08:00; "
        "Hexo reads a number as milliseconds (January 1970); write the date itself"
    ]


@pytest.mark.parametrize(("raw", "expected", "message"), WARNINGS, ids=case_id)
def test_warnings(raw: object, expected: datetime, message: str) -> None:
    result, warnings = parse(raw)
    assert same(result, expected), result
    assert len(warnings) == 1
    assert message in warnings[0]


def test_dst_gap_moves_forward_with_a_warning() -> None:
    # 2021-03-14 02:00 → 03:00 in New York: 02:30 never happened.
    result, warnings = parse("2021-03-14 02:30", NEW_YORK)
    assert result.replace(tzinfo=None) == datetime(2021, 3, 14, 3, 30)
    assert result.utcoffset() == timedelta(hours=-4)
    assert result == utc(2021, 3, 14, 7, 30)
    assert len(warnings) == 1
    assert "2021-03-14 02:30:00 does not exist in America/New_York" in warnings[0]
    assert "using 2021-03-14 03:30:00" in warnings[0]


def test_dst_gap_applies_to_toml_datetimes_too() -> None:
    result, warnings = parse(datetime(2021, 3, 14, 2, 30), NEW_YORK)
    assert result == utc(2021, 3, 14, 7, 30)
    assert len(warnings) == 1


def test_ambiguous_fold_takes_the_first_without_warning() -> None:
    # 2021-11-07 01:30 happened twice in New York; the first was still EDT (-04:00).
    result, warnings = parse("2021-11-07 01:30", NEW_YORK)
    assert result.utcoffset() == timedelta(hours=-4)
    # Compared in UTC: an aware time inside a fold never equals one in another zone.
    assert result.astimezone(UTC) == utc(2021, 11, 7, 5, 30)
    assert warnings == []
    folded, _ = parse(datetime(2021, 11, 7, 1, 30, fold=1), NEW_YORK)
    assert folded.utcoffset() == timedelta(hours=-4)


def test_ambiguous_cst_is_read_as_rfc822_says() -> None:
    result, _ = parse("Thu, 09 Dec 2021 11:10:27 CST")
    assert result.utcoffset() == timedelta(hours=-6)
    assert result != datetime(2021, 12, 9, 11, 10, 27, tzinfo=CST_CHINA)


# ------------------------------------------------------------------- time zones


@pytest.mark.parametrize("name", ["Asia/Shanghai", "America/New_York", "Europe/London", "Etc/UTC"])
def test_resolve_timezone(name: str) -> None:
    assert resolve_timezone(name) == ZoneInfo(name)


@pytest.mark.parametrize("name", ["UTC", "utc", " UTC "])
def test_resolve_utc(name: str) -> None:
    assert resolve_timezone(name) is UTC


@pytest.mark.parametrize(
    "name",
    ["Mars/Base", "", "America", "../etc/passwd", "/etc/localtime", "Asia/Shang\x00hai", "CST"],
)
def test_resolve_unknown_timezone(name: str) -> None:
    with pytest.raises(FieldError) as caught:
        resolve_timezone(name)
    assert str(caught.value).startswith("unknown time zone")


def test_resolve_timezone_message() -> None:
    with pytest.raises(FieldError, match=r"^unknown time zone 'Mars/Base'$"):
        resolve_timezone("Mars/Base")


def test_resolve_timezone_wrong_type() -> None:
    with pytest.raises(FieldError, match="expected a time zone name"):
        resolve_timezone(8)  # type: ignore[arg-type]


# ----------------------------------------------------------------------- writing

SEED = utc(2021, 12, 9, 3, 10, 27)


@pytest.mark.parametrize(
    ("value", "rfc822", "rfc3339"),
    [
        (SEED, "Thu, 09 Dec 2021 03:10:27 GMT", "2021-12-09T03:10:27+00:00"),
        (
            sh(2021, 12, 9, 11, 10, 27),
            "Thu, 09 Dec 2021 11:10:27 +0800",
            "2021-12-09T11:10:27+08:00",
        ),
        (
            at(-5, 2021, 12, 8, 22, 10, 27, 500),
            "Wed, 08 Dec 2021 22:10:27 -0500",
            "2021-12-08T22:10:27.000500-05:00",
        ),
        (
            at(5.5, 2021, 1, 3, 9, 0, 0),
            "Sun, 03 Jan 2021 09:00:00 +0530",
            "2021-01-03T09:00:00+05:30",
        ),
        # A zero offset from a zone is still written as GMT.
        (
            datetime(2021, 12, 9, 3, 10, 27, tzinfo=ZoneInfo("Europe/London")),
            "Thu, 09 Dec 2021 03:10:27 GMT",
            "2021-12-09T03:10:27+00:00",
        ),
        # Local mean time (+08:05:43): no valid offset to write, so the instant goes out in UTC.
        (
            datetime(1850, 1, 1, tzinfo=SHANGHAI),
            "Mon, 31 Dec 1849 15:54:17 GMT",
            "1849-12-31T15:54:17+00:00",
        ),
    ],
)
def test_formats(value: datetime, rfc822: str, rfc3339: str) -> None:
    assert format_rfc822(value) == rfc822
    assert format_rfc3339(value) == rfc3339


@pytest.mark.parametrize("write", [format_rfc822, format_rfc3339])
def test_formats_refuse_naive_datetimes(write: object) -> None:
    assert callable(write)
    with pytest.raises(ValueError, match="naive"):
        write(datetime(2021, 12, 9, 3, 10, 27))


def test_format_rfc822_ignores_the_locale() -> None:
    import locale

    saved = locale.setlocale(locale.LC_TIME)
    for name in ("de_DE.UTF-8", "zh_CN.UTF-8", "fr_FR.UTF-8"):
        try:
            locale.setlocale(locale.LC_TIME, name)
        except locale.Error:
            continue
        try:
            assert format_rfc822(SEED) == "Thu, 09 Dec 2021 03:10:27 GMT"
        finally:
            locale.setlocale(locale.LC_TIME, saved)


# ------------------------------------------------------------------- properties

#: Pieces of real dates, glued in random orders: reaches deep into every parser.
DATE_PIECES = st.lists(
    st.sampled_from(
        [
            "2021", "1799", "0000", "12", "9", "09", "29", "30", "31", "60", "25", "1639019427",
            "-", "/", ".", ":", ",", " ", "  ", "T", "Z", "+08:00", "+0800", "-25", "GMT", "CST",
            "UTC+8", "Thu", "Mon", "Dec", "Feb", "December", "am", "PM", "(中国标准时间)",
            "年", "月", "日", "时", "分", "秒", "星期四", "下午", "２", "：", "\u3000",
            "ago", "yesterday", "天前", "\r\n", "\x00", "\ud800", "٣",
        ]
    ),
    max_size=14,
).map("".join)  # fmt: skip

ANY_OBJECT = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.decimals(allow_nan=False),
    st.text(),
    DATE_PIECES,
    st.binary(),
    st.dates(),
    st.times(),
    st.datetimes(),
    st.datetimes(timezones=st.timezones()),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


def _parses_or_refuses(raw: object, tz: tzinfo) -> None:
    try:
        result = parse_date(raw, tz, lambda _message: None)
    except FieldError as error:
        assert str(error)
        return
    assert isinstance(result, datetime)
    assert result.tzinfo is not None
    assert result.utcoffset() is not None


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), DATE_PIECES))
def test_any_text_parses_or_raises_field_error(raw: str) -> None:
    _parses_or_refuses(raw, SHANGHAI)


@settings(max_examples=200, deadline=None)
@given(ANY_OBJECT, st.sampled_from([SHANGHAI, NEW_YORK, UTC]))
def test_any_object_parses_or_raises_field_error(raw: object, tz: tzinfo) -> None:
    _parses_or_refuses(raw, tz)


#: Aware datetimes inside the accepted years (with margin for offsets), any IANA zone.
AWARE = st.datetimes(
    min_value=datetime(1801, 1, 1), max_value=datetime(9998, 12, 31), timezones=st.timezones()
)


def _same_instant(a: datetime, b: datetime) -> bool:
    # Compared in UTC: aware datetimes inside a fold never compare equal across zones.
    return a.astimezone(UTC) == b.astimezone(UTC)


@settings(max_examples=200, deadline=None)
@given(AWARE)
def test_rfc822_round_trip(value: datetime) -> None:
    written = format_rfc822(value)
    parsed = parse_date(written, NEW_YORK, lambda _message: None)
    assert _same_instant(parsed, value.replace(microsecond=0))


@settings(max_examples=200, deadline=None)
@given(AWARE)
def test_rfc3339_round_trip(value: datetime) -> None:
    written = format_rfc3339(value)
    parsed = parse_date(written, NEW_YORK, lambda _message: None)
    assert _same_instant(parsed, value)


@settings(max_examples=200, deadline=None)
@given(
    st.datetimes(min_value=datetime(1800, 1, 1), max_value=datetime(9999, 12, 31)),
    st.sampled_from(
        [
            "{0.year}-{0.month:02d}-{0.day:02d} {0.hour:02d}:{0.minute:02d}:{0.second:02d}",
            "{0.year}/{0.month}/{0.day} {0.hour}:{0.minute:02d}:{0.second:02d}",
            "{0.year}年{0.month}月{0.day}日 {0.hour}时{0.minute}分{0.second}秒",
            "{0.year}{0.month:02d}{0.day:02d}T{0.hour:02d}{0.minute:02d}{0.second:02d}",
        ]
    ),
)
def test_wall_times_round_trip_through_every_numeric_format(value: datetime, form: str) -> None:
    wall = value.replace(microsecond=0)
    parsed = parse_date(form.format(wall), UTC, lambda _message: None)
    assert parsed == wall.replace(tzinfo=UTC)
