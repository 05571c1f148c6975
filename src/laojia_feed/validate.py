"""Settings made in code checked the way the config file's keys are: a :class:`Site` or
:class:`RunOptions` built by hand (``Site(budget=-5)``, ``Site(url="not a url")``) gets
one error diagnostic per bad setting, naming it, before anything is read or written."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, fields

from laojia_feed.config import KEYS, RUN_KEYS
from laojia_feed.model import Author, Diagnostic, FieldError, OutputNames, RunOptions, Site

#: Where a problem of a setting made in code is reported.
WHERE = "settings"


def _as_written(value: object) -> object:
    """A setting's value as it would be written in the config file."""
    if isinstance(value, Author):
        return {key: item for key, item in asdict(value).items() if item is not None}
    if isinstance(value, OutputNames):
        return asdict(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def _problems(settings: Site | RunOptions, keys: frozenset[str]) -> Iterator[Diagnostic]:
    defaults = type(settings)()
    for key in sorted(keys):
        spec = KEYS[key]
        value, default = getattr(settings, spec.attr), getattr(defaults, spec.attr)
        if value == default:
            continue  # the default: always valid
        if value is None and default is None:
            continue  # unset
        try:
            spec.parse(_as_written(value))
        except FieldError as problem:
            yield Diagnostic(WHERE, key, str(problem))
        except (TypeError, ValueError, AttributeError):
            yield Diagnostic(WHERE, key, f"{value!r} is not a valid value")


def site_problems(site: Site) -> tuple[Diagnostic, ...]:
    """Every setting of ``site`` that the config file would refuse, as an error each."""
    names = {field.name for field in fields(Site)}
    keys = frozenset(k for k, spec in KEYS.items() if k not in RUN_KEYS and spec.attr in names)
    return tuple(_problems(site, keys))


def run_problems(run: RunOptions) -> tuple[Diagnostic, ...]:
    """Every run option the config file would refuse, as an error each."""
    return tuple(_problems(run, RUN_KEYS))
