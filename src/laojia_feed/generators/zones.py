"""The build machine's time zone, as Hexo (moment) and Jekyll (Ruby) take it.

Hexo without ``timezone`` and Jekyll without ``timezone`` read a date written
without an offset in the zone of the machine that builds the site: the ``TZ``
environment variable, else the system zone (``/etc/localtime``). :func:`machine_zone`
gives that zone as an IANA name laojia-feed can use, and says where it came from.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

from laojia_feed.model import FieldError
from laojia_feed.read import dates

#: The system zone files, in the order they are looked at.
LOCALTIME = Path("/etc/localtime")
TIMEZONE_FILE = Path("/etc/timezone")

#: A POSIX ``TZ`` value with a whole-hour offset and no daylight rule: ``CST-8``, ``UTC0``.
_POSIX_FIXED = re.compile(r"^[A-Za-z]{3,}([+-]?)(\d{1,2})$")


def _known(name: str) -> str | None:
    """``name`` when it is a zone laojia-feed resolves, else None."""
    try:
        dates.resolve_timezone(name)
    except FieldError:
        return None
    return name


def _from_tz(value: str) -> str | None:
    """The zone a ``TZ`` value names: an IANA name (``:`` prefix allowed) or ``CST-8``."""
    name = value.strip().removeprefix(":")
    if not name:
        return None
    if name.startswith("/"):  # TZ=/usr/share/zoneinfo/Asia/Shanghai
        return _from_zone_path(name)
    fixed = _POSIX_FIXED.match(name)
    if fixed and not _known(name):
        sign, hours = fixed.groups()
        # POSIX counts west of Greenwich as positive, and so do the Etc/GMT names
        return "UTC" if int(hours) == 0 else _known(f"Etc/GMT{sign or '+'}{int(hours)}")
    return _known(name)


def _from_zone_path(path: str) -> str | None:
    """``Asia/Shanghai`` from ``/usr/share/zoneinfo/Asia/Shanghai``."""
    _, marker, name = path.partition("zoneinfo/")
    return _known(name) if marker else None


def _system_zone(localtime: Path, timezone_file: Path) -> str | None:
    """The zone ``/etc/localtime`` links to, else the name in ``/etc/timezone``."""
    try:
        if localtime.is_symlink():
            return _from_zone_path(os.path.realpath(localtime))
        return _known(timezone_file.read_text(encoding="utf-8").strip())
    except (OSError, UnicodeDecodeError, ValueError):
        return None


def machine_zone(
    environ: Mapping[str, str] | None = None,
    localtime: Path = LOCALTIME,
    timezone_file: Path = TIMEZONE_FILE,
) -> tuple[str, str]:
    """The build machine's zone and its source: ``TZ``, the system zone, or UTC."""
    env = os.environ if environ is None else environ
    raw = env.get("TZ")
    if raw is not None and (zone := _from_tz(raw)):
        return zone, f"the build machine's TZ={raw}"
    zone = _system_zone(localtime, timezone_file)
    if zone:
        return zone, f"the build machine's system zone ({localtime})"
    return "UTC", "UTC: the build machine names no zone (no TZ, no system zone)"
