"""What the command prints: diagnostics as text, JSON lines or GitHub annotations, the
one-line summary, a progress bar for long runs; and the exit code, decided in one place
(:func:`exit_code`)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import click

from laojia_feed.model import BuildResult, Diagnostic, LoadResult, Severity
from laojia_feed.wording import size_text

#: Exit code: everything published (warnings allowed).
EXIT_OK = 0
#: Exit code: some posts had errors and were skipped; feeds hold the others.
EXIT_POST_ERRORS = 1
#: Exit code: bad usage, bad configuration, or the output could not be written.
EXIT_FATAL = 2


#: Diagnostic paths that name no file (a GitHub annotation gets no ``file=`` for them).
NOT_FILES = frozenset({"config", "command line"})


def exit_code(diagnostics: Iterable[Diagnostic], *, unreadable: bool = False) -> int:
    """The exit code for a run's diagnostics (``unreadable``: the posts could not be read
    at all, so nothing was written: a usage-level failure)."""
    errors = [d for d in diagnostics if d.severity is Severity.ERROR]
    if unreadable or any(d.field in {"output", "config"} or d.path in NOT_FILES for d in errors):
        return EXIT_FATAL
    return EXIT_POST_ERRORS if errors else EXIT_OK


def format_diagnostic(diagnostic: Diagnostic, style: str) -> str:
    """One diagnostic as a line of text, JSON, or a GitHub Actions annotation."""
    level = diagnostic.severity.value
    if style == "json":
        record = {
            "path": diagnostic.path,
            "field": diagnostic.field,
            "message": diagnostic.message,
            "severity": level,
            "line": diagnostic.line,
        }
        return json.dumps(record, ensure_ascii=False)
    if style == "github":
        kind = {"error": "error", "warning": "warning"}.get(level, "notice")
        where = [] if diagnostic.path in NOT_FILES else [f"file={_escaped(diagnostic.path, ',:')}"]
        where += [f"line={diagnostic.line}"] if diagnostic.line else []
        message = _escaped(f"{diagnostic.field}: {diagnostic.message}")
        return f"::{kind} {','.join(where)}::{message}" if where else f"::{kind}::{message}"
    return f"{level}: {diagnostic}"


def _escaped(value: str, also: str = "") -> str:
    """``value`` for a GitHub workflow command (``also``: the characters a property escapes)."""
    for char in "%\r\n" + also:
        value = value.replace(char, f"%{ord(char):02X}")
    return value


def report(diagnostics: Sequence[Diagnostic], style: str, verbosity: int) -> None:
    """Print diagnostics to stderr: errors always, warnings unless -q, infos with -v."""
    shown = {Severity.ERROR} | ({Severity.WARNING} if verbosity >= 0 else set())
    if verbosity > 0:
        shown.add(Severity.INFO)
    for diagnostic in diagnostics:
        if diagnostic.severity in shown:
            click.echo(format_diagnostic(diagnostic, style), err=True)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def summary_line(
    load: LoadResult,
    result: BuildResult | None,
    out: Path | None,
    diagnostics: Sequence[Diagnostic],
) -> str:
    """``5 posts published, 1 error, 1 warning, excluded: 2 draft → public/rss.xml (…), …``:
    ``diagnostics`` are the ones printed before it (configuration ones included)."""
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    warnings = sum(d.severity is Severity.WARNING for d in diagnostics)
    reasons: dict[str, int] = {}
    for excluded in load.excluded:
        reasons[excluded.reason.value] = reasons.get(excluded.reason.value, 0) + 1
    excluded_text = ", ".join(f"{n} {reason}" for reason, n in sorted(reasons.items()))
    verb = "published" if result else "valid"
    parts = [_count(len(load.articles), f"post {verb}", f"posts {verb}")]
    parts += [_count(errors, "error", "errors"), _count(warnings, "warning", "warnings")]
    if excluded_text:
        parts.append(f"excluded: {excluded_text}")
    line = ", ".join(parts)
    if result and out is not None and result.feeds:
        shown = result.feeds[:3]  # the main feeds come first; category/archive feeds are counted
        files = ", ".join(
            f"{out / f.name} ({f.items} items, {size_text(f.size)}"
            f"{'' if f.changed else ', unchanged'})"
            for f in shown
        )
        more = len(result.feeds) - len(shown)
        line += f" → {files}" + (f" and {more} more feed files" if more else "")
    return line


class Progress:
    """A progress bar on stderr for long runs, shown only when stderr is a terminal."""

    #: Runs with fewer posts than this finish too fast to need a bar.
    THRESHOLD = 500

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled and sys.stderr.isatty()
        self.bar: Any = None

    def __enter__(self) -> Progress:
        return self

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total < self.THRESHOLD:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label="reading posts", file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(1)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def verbosity(flags: Mapping[str, Any]) -> int:
    """-q lowers, -v raises."""
    return int(flags.get("verbose") or 0) - int(flags.get("quiet") or 0)
