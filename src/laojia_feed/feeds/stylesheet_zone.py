"""The shipped XSL stylesheet with the site's UTC offset written in, so browsers show local dates.

A browser applying ``feed.xsl`` cannot pass it parameters; its ``utc-offset``
parameter (minutes east of UTC; empty: dates on the clock the feed wrote them in)
is therefore written into the file. One fixed offset: on either side of a daylight
saving change a date written within an hour of midnight may show the neighbouring
day. Pure: the offset is taken at a given moment (the newest post's date), never
from the clock.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import datetime

#: The parameter's declaration as shipped (``select="''"``, or a number once written in).
_PARAMETER = re.compile(rb"""(<xsl:param name="utc-offset" select=")(?:''|-?[0-9]+)(")""")


def site_offset_minutes(timezone: str, at: datetime) -> int | None:
    """Minutes east of UTC of the IANA zone ``timezone`` at ``at`` (aware); None if unknown."""
    try:
        zone = zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return None
    offset = at.astimezone(zone).utcoffset()
    return None if offset is None else int(offset.total_seconds() // 60)


def with_utc_offset(xsl: bytes, minutes: int | None) -> bytes:
    """``xsl`` showing dates at ``minutes`` east of UTC (None: as the feed wrote them)."""
    value = b"''" if minutes is None else str(minutes).encode("ascii")
    return _PARAMETER.sub(lambda m: m[1] + value + m[2], xsl, count=1)
