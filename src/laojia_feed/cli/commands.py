"""The ``laojia-feed`` command: a thin click shell over :mod:`laojia_feed.api`.

Each command imports the pipeline when it runs (the imports inside the command
functions), so that ``laojia-feed --help`` and ``--version`` load none of it: with
``laojia_feed/__init__.py``, the only place where imports are deferred.

Exit codes are decided in one place, :func:`exit_code`: 0 success (warnings
allowed), 1 some posts had errors (the feeds were still written with the others),
2 usage or configuration error, or the output could not be written (nothing
changed), 130 interrupted by Ctrl-C, 143 stopped by SIGTERM. No traceback ever
reaches the user.
"""

from __future__ import annotations

import html
import json
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from laojia_feed import __version__
from laojia_feed.cli import stopping
from laojia_feed.cli.options import FEEDS, LINKS, READING, overrides, site_options
from laojia_feed.config import CONFIG_NAME, Config, configure_run, template
from laojia_feed.model import BuildResult, Diagnostic, LoadResult, Severity, Site

if TYPE_CHECKING:  # imported when building: `laojia-feed --help` stays quick
    from laojia_feed.read.load import BodyReader

#: Exit code: everything published (warnings allowed).
EXIT_OK = 0
#: Exit code: some posts had errors and were skipped; feeds hold the others.
EXIT_POST_ERRORS = 1
#: Exit code: bad usage, bad configuration, or the output could not be written.
EXIT_FATAL = 2


#: Diagnostic paths that name no file (a GitHub annotation gets no ``file=`` for them).
NOT_FILES = frozenset({"config", "command line"})


def exit_code(diagnostics: Iterable[Diagnostic]) -> int:
    """The exit code for a run's diagnostics."""
    errors = [d for d in diagnostics if d.severity is Severity.ERROR]
    if any(d.field in {"output", "config"} or d.path in NOT_FILES for d in errors):
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


def _size(size: int) -> str:
    return f"{size / 1024:.1f} KiB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MiB"


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
            f"{out / f.name} ({f.items} items, {_size(f.size)}{'' if f.changed else ', unchanged'})"
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


def configure(posts: Path, flags: Mapping[str, Any]) -> Config:
    """Load the configuration for a run over ``posts`` (a posts folder or a site root)."""
    return configure_run(posts, flags.get("config_path"), overrides(flags))


def verbosity(flags: Mapping[str, Any]) -> int:
    """-q lowers, -v raises."""
    return int(flags.get("verbose") or 0) - int(flags.get("quiet") or 0)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="laojia-feed")
def cli() -> None:
    """Publish a folder of front-matter blog posts as RSS 2.0, Atom 1.0 and JSON Feed 1.1.

    \b
    Exit codes:
      0  feeds written (warnings, drafts and future posts do not count)
      1  some posts had errors and were skipped; the feeds hold all the others
      2  usage or configuration error, or the output could not be written
      130  interrupted (Ctrl-C); 143  stopped by SIGTERM
    """


class Folder(click.Path):
    """A folder on the command line: never ``""`` (which would mean the current folder);
    with ``exists``, a folder indeed (not a FIFO, a device or a socket)."""

    def __init__(self, *, exists: bool = False) -> None:
        super().__init__(exists=exists, file_okay=False, path_type=Path)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and not value:
            self.fail("is empty: name a folder (. for the current one)", param, ctx)
        path = super().convert(value, param, ctx)
        if self.exists and not (isinstance(path, Path) and path.is_dir()):
            self.fail(f"{click.format_filename(value)!r} is not a folder", param, ctx)
        return path


POSTS = click.argument("posts", type=Folder(exists=True))


@cli.command()
@POSTS
@click.option(
    "--out",
    "-o",
    type=Folder(),
    default=Path("public"),
    show_default=True,
    help="Output folder; only the feed files are written there.",
)
@click.option(
    "--ping",
    is_flag=True,
    help="After the build, notify the WebSub hub (config hub / --hub) of feeds that changed.",
)
@click.option(
    "--check-thumbnails",
    is_flag=True,
    help="Check that image URLs answer (network; private addresses are never contacted).",
)
@site_options(READING, FEEDS)
def build(posts: Path, out: Path, ping: bool, check_thumbnails: bool, **flags: Any) -> None:
    """Read POSTS and write rss.xml, atom.xml and feed.json into --out.

    POSTS is a folder of posts, or the root of a Hexo, Hugo or Jekyll site: then the
    site's own configuration gives the title, URL and permalinks, and its posts are read.
    """
    from laojia_feed import api, cache

    config = _configure(posts, flags)
    used = config.posts or posts
    digest = None
    if config.run.cache_dir is not None and not ping and not check_thumbnails:
        digest = _replay_unchanged(config, posts, used, out, flags)
    load, bodies = _load(config, used, flags)
    checker = _thumbnail_checker() if check_thumbnails else None
    result = api.build_from(
        load, used, out, config.site, run=config.run, check_thumbnails=checker, bodies=bodies
    )
    diagnostics = config.diagnostics + result.all_diagnostics
    if ping:
        diagnostics += _ping(result, config.site)
    announce(diagnostics, flags, summary_line(load, result, out, diagnostics))
    if digest is not None and config.run.cache_dir is not None:
        unchanged = replace(result, feeds=tuple(replace(f, changed=False) for f in result.feeds))
        summary = summary_line(load, unchanged, out, config.diagnostics + result.all_diagnostics)
        folder = Path(config.run.cache_dir)
        cache.remember_run(
            folder, str(used), str(out), digest, load, result.all_diagnostics, summary
        )
    sys.exit(exit_code(diagnostics))


def _replay_unchanged(
    config: Config, posts: Path, used: Path, out: Path, flags: Mapping[str, Any]
) -> str | None:
    """The no-change fast path: when nothing the last run depended on changed (see
    :func:`laojia_feed.cache.replay_run`), print what it printed and exit with its code,
    without reading a post. Otherwise the digest of this run's inputs, for the record."""
    from laojia_feed import cache

    digest = cache.run_digest(
        config.site,
        str(used),
        str(out),
        (str(posts), str(out)),
        config.source,
        config.diagnostics,
    )
    if digest is None:
        return None
    known = cache.replay_run(Path(config.run.cache_dir or "."), str(used), str(out), digest)
    if known is None:
        return digest
    diagnostics = config.diagnostics + known[0]
    announce(diagnostics, flags, known[1])
    sys.exit(exit_code(diagnostics))


@cli.command()
@POSTS
@site_options(READING)
def check(posts: Path, **flags: Any) -> None:
    """Validate POSTS without writing anything; exit codes as in build."""
    config = _configure(posts, flags)
    load = _load(config, config.posts or posts, flags)[0]
    diagnostics = config.diagnostics + load.diagnostics
    announce(diagnostics, flags, summary_line(load, None, None, diagnostics))
    sys.exit(exit_code(diagnostics))


def _configure(posts: Path, flags: Mapping[str, Any]) -> Config:
    """The configuration of a run; reports its errors and exits on them."""
    config = configure(posts, flags)
    if not config.ok:
        _finish(config.diagnostics, flags)
    return config


def _load(config: Config, posts: Path, flags: Mapping[str, Any]) -> tuple[LoadResult, BodyReader]:
    """Every post under ``posts`` without its body (and the reader that gives the bodies
    back when they are rendered), with a progress bar."""
    from laojia_feed import api

    with Progress(enabled=verbosity(flags) >= 0 and flags["style"] == "text") as progress:
        return api.load_deferred(posts, config.site, run=config.run, progress=progress)


def announce(diagnostics: Sequence[Diagnostic], flags: Mapping[str, Any], summary: str) -> None:
    """Print the diagnostics, then the one-line summary (text style, not quiet)."""
    report(diagnostics, flags["style"], verbosity(flags))
    if verbosity(flags) >= 0 and flags["style"] == "text":
        click.echo(summary, err=True)


@cli.command()
@click.argument("out", type=Folder())
@click.option(
    "--watch",
    "posts",
    type=Folder(exists=True),
    help="Build OUT from this posts folder now, and again whenever a post changes.",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. 0.0.0.0 exposes the preview to your whole network.",
)
@click.option(
    "--port",
    "-p",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on (0: any free port).",
)
@click.option(
    "--poll",
    type=click.FloatRange(min=0.05),
    default=1.0,
    show_default=True,
    help="Seconds between checks of --watch for changes.",
)
@site_options(READING, FEEDS)
def serve(out: Path, posts: Path | None, host: str, port: int, poll: float, **flags: Any) -> None:
    """Preview the feeds in OUT over HTTP (localhost only by default).

    Feeds are served with their real media types, ETag/Last-Modified and 304 answers.
    / shows links to the feed files (.xml, .json, .opml, .xsl, .xslt) found in OUT and
    its sub-folders; no folder is listed, and any other file in OUT is served only by its
    exact path. With --watch POSTS, OUT is built now and rebuilt when a post changes (at
    least every 2 s while edits go on), with the same site options as build (--config,
    --site-url, --stylesheet, ...). Stop with Ctrl-C.
    """
    from laojia_feed.cli.serve import exposure_warning, make_server
    from laojia_feed.model import FieldError

    rebuild = _rebuilder(posts, out, flags) if posts is not None else None
    if rebuild is not None:
        rebuild()
    try:
        server = make_server(
            out,
            host=host,
            port=port,
            rebuild=rebuild,
            watch=posts,
            poll=poll,
            quiet=verbosity(flags) < 0,
        )
    except FieldError as problem:
        hint = "" if posts else " (build it first, or pass --watch POSTS)"
        click.echo(f"error: serve: {problem}{hint}", err=True)
        sys.exit(EXIT_FATAL)
    warning = exposure_warning(host)
    if warning:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"serving {out} at {server.url} (Ctrl-C to stop)", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
    sys.exit(EXIT_OK)


def _rebuilder(posts: Path, out: Path, flags: Mapping[str, Any]) -> Callable[[], None]:
    """What ``serve --watch`` runs on every change: configure, load, build, report."""

    def rebuild() -> None:
        from laojia_feed import api

        config = configure(posts, flags)
        if not config.ok:
            report(config.diagnostics, flags["style"], verbosity(flags))
            return
        used = config.posts or posts
        load, bodies = api.load_deferred(used, config.site, run=config.run)
        result = api.build_from(load, used, out, config.site, run=config.run, bodies=bodies)
        diagnostics = config.diagnostics + result.all_diagnostics
        announce(diagnostics, flags, summary_line(load, result, out, diagnostics))

    return rebuild


@cli.command()
@click.option(
    "--path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path(CONFIG_NAME),
    show_default=True,
    help="Where to write it.",
)
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def init(path: Path, force: bool) -> None:
    """Write a commented laojia-feed.toml with every key and its default."""
    if path.exists() and not force:
        click.echo(f"error: {path} already exists (use --force to overwrite)", err=True)
        sys.exit(EXIT_FATAL)
    path.write_text(template(), encoding="utf-8")
    click.echo(f"wrote {path}; set url to your site's address", err=True)


@cli.command()
@click.argument("posts", type=Folder(), default=Path())
@site_options(LINKS)
def links(posts: Path, **flags: Any) -> None:
    """Print <link rel="alternate"> tags for the site's HTML <head>.

    With pages (pages = true, --pages), also an HTML comment holding an <a> link to
    feeds.html, for the site's footer or its "RSS" button.
    """
    from laojia_feed.feeds.page_files import index_url, wanted
    from laojia_feed.feeds.pages_text import texts_for
    from laojia_feed.feeds.plan import enabled_formats, feed_urls

    config = configure(posts, flags)
    if not config.ok:
        _finish(config.diagnostics, flags)
    report(config.diagnostics, flags["style"], verbosity(flags))
    site = config.site
    urls = feed_urls(site)
    for fmt, _name in enabled_formats(site):
        label = {"rss": "RSS", "atom": "Atom", "json": "JSON Feed"}.get(fmt.name, fmt.name)
        title = html.escape(f"{site.title} ({label})")
        href = html.escape(urls[fmt.name])
        click.echo(f'<link rel="alternate" type="{fmt.media_type}" title="{title}" href="{href}">')
    if wanted(site):
        label = html.escape(texts_for(site.language).all_feeds)
        anchor = f'<a href="{html.escape(index_url(site))}">{label}</a>'
        click.echo(f"<!-- for the footer or the RSS button: {anchor} -->")


def _finish(diagnostics: Sequence[Diagnostic], flags: Mapping[str, Any]) -> None:
    """Report configuration problems and stop with the fatal exit code."""
    report(diagnostics, flags["style"], verbosity(flags))
    sys.exit(EXIT_FATAL)


def _ping(result: BuildResult, site: Site) -> tuple[Diagnostic, ...]:
    """WebSub notifications for the feeds this build changed (never an error)."""
    from laojia_feed.net.websub import ping_changed

    if site.hub is None:
        message = "--ping needs a hub: set hub in the config or pass --hub"
        return (Diagnostic("command line", "hub", message, Severity.WARNING),)
    return tuple(ping_changed(result, site))


def _thumbnail_checker() -> Callable[[Sequence[str]], Mapping[str, str]]:
    """The network checker, adapted to build's interface (URL → failure reason)."""
    from laojia_feed.net.imagecheck import check_urls

    def checker(image_urls: Sequence[str]) -> Mapping[str, str]:
        results = check_urls(sorted(set(image_urls)))
        return {url: r.reason for url, r in results.items() if not r.ok}

    return checker


def _run(argv: Sequence[str] | None) -> int:
    """Run the CLI; its exit code. Click's own handling of Ctrl-C (exit 1) is bypassed."""
    import errno
    import os

    try:
        code = cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="laojia-feed",
            standalone_mode=False,
        )
    except click.Abort as abort:  # Ctrl-C or SIGTERM inside a command
        return stopping.interrupted(abort.__cause__ or abort)
    except click.ClickException as problem:
        problem.show()
        return problem.exit_code
    except OSError as problem:
        if problem.errno != errno.EPIPE:
            raise
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second EPIPE
        return EXIT_POST_ERRORS
    return code if isinstance(code, int) else EXIT_OK


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: run the CLI; turn any unexpected failure into one line and exit 2.

    Ctrl-C exits 130 and SIGTERM 143, each with one line: temporary files are removed
    and the output folder's lock released first (a build killed outright leaves them
    to the next build: see :mod:`laojia_feed.write.journal`); see :mod:`laojia_feed.cli.stopping`.
    """
    owner = argv is None  # the program itself: process-wide signal handling is ours
    if owner:
        stopping.own_the_process()
    stopping.LOST.clear()
    try:
        code = _run(argv)
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else int(done.code is not None)
    except KeyboardInterrupt as interrupt:
        code = stopping.interrupted(interrupt)
    except Exception as problem:  # the one place no traceback may pass
        click.echo(f"laojia-feed: internal error: {type(problem).__name__}: {problem}", err=True)
        click.echo("please report this with the post that caused it", err=True)
        code = EXIT_FATAL
    stopped = code in {stopping.EXIT_INTERRUPTED, stopping.EXIT_TERMINATED}
    if stopping.LOST and not stopped:
        code, stopped = stopping.interrupted(stopping.LOST[0]), True
    if owner and stopped:
        stopping.leave_now(code)
    if owner:
        stopping.leave_quietly(code)
    sys.exit(code)
