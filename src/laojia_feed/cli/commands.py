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
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from laojia_feed import __version__
from laojia_feed.cli import stopping
from laojia_feed.cli.options import (
    ALLOW_EMPTY,
    FEEDS,
    LINKS,
    POSTS,
    READING,
    Folder,
    overrides,
    site_options,
)
from laojia_feed.cli.report import (
    EXIT_FATAL,
    EXIT_OK,
    EXIT_POST_ERRORS,
    Progress,
    exit_code,
    report,
    summary_line,
    verbosity,
)
from laojia_feed.config import CONFIG_NAME, Config, configure_run, template
from laojia_feed.generators.detected import describe
from laojia_feed.model import BuildResult, Diagnostic, LoadResult

if TYPE_CHECKING:  # imported when building: `laojia-feed --help` stays quick
    from laojia_feed.read.load import BodyReader


def configure(posts: Path, flags: Mapping[str, Any]) -> Config:
    """Load the configuration for a run over ``posts`` (a posts folder or a site root)."""
    return configure_run(posts, flags.get("config_path"), overrides(flags))


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
@ALLOW_EMPTY
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
def build(
    posts: Path, out: Path, ping: bool, check_thumbnails: bool, allow_empty: bool, **flags: Any
) -> None:
    """Read POSTS and write the feeds into --out (rss.xml, atom.xml and feed.json for a
    folder of posts; for a Hexo, Hugo or Jekyll site, what its feed plugin writes).

    POSTS is a folder of posts, or the root of a Hexo, Hugo or Jekyll site: then the
    site's own configuration gives the title, URL, permalinks, time zone, feed length and
    feed files, and its posts are read.
    """
    from laojia_feed.cli import steps

    config = _configure(posts, flags)
    used = config.posts or posts
    fresh = ping or check_thumbnails  # network answers change: never replayed
    digest, known = (None, None) if fresh else steps.replay(config, posts, used, out)
    if known is not None:
        announce(config.diagnostics + known[0], flags, known[1])
        sys.exit(exit_code(config.diagnostics + known[0]))
    loaded = _load(config, used, flags)
    if ping or check_thumbnails:
        from laojia_feed.cli import network  # only these flags reach the network
    checker = network.thumbnail_checker() if check_thumbnails else None
    run = replace(config.run, allow_empty=allow_empty)
    result = steps.build(config, run, loaded, used, out, checker)
    diagnostics = config.diagnostics + result.all_diagnostics
    if ping:
        diagnostics += network.ping(result, config.site)
    announce(diagnostics, flags, summary_line(loaded[0], result, out, diagnostics))
    if digest is not None:
        shown = config.diagnostics + result.all_diagnostics

        def summary(unchanged: BuildResult) -> str:
            return summary_line(loaded[0], unchanged, out, shown)

        steps.remember(config, used, out, digest, result, summary)
    sys.exit(exit_code(diagnostics, unreadable=loaded[0].unreadable))


@cli.command()
@POSTS
@site_options(READING)
def check(posts: Path, **flags: Any) -> None:
    """Validate POSTS without writing anything; exit codes as in build."""
    config = _configure(posts, flags)
    if config.detected is not None and verbosity(flags) == 0 and flags["style"] == "text":
        for line in describe(config.detected):  # with -v, _configure printed them
            click.echo(f"note: {line}", err=True)
    load = _load(config, config.posts or posts, flags)[0]
    diagnostics = config.diagnostics + load.diagnostics
    announce(diagnostics, flags, summary_line(load, None, None, diagnostics))
    sys.exit(exit_code(diagnostics, unreadable=load.unreadable))


def _configure(posts: Path, flags: Mapping[str, Any]) -> Config:
    """The configuration of a run; reports its errors and exits on them."""
    config = configure(posts, flags)
    if not config.ok:
        _finish(config.diagnostics, flags)
    if config.detected is not None and verbosity(flags) > 0 and flags["style"] == "text":
        for line in describe(config.detected):  # -v: what was recognised (check: always)
            click.echo(f"note: {line}", err=True)
    return config


def _load(config: Config, posts: Path, flags: Mapping[str, Any]) -> tuple[LoadResult, BodyReader]:
    """Every post under ``posts`` without its body (and the reader that gives the bodies
    back when they are rendered), with a progress bar."""
    from laojia_feed.cli import steps

    with Progress(enabled=verbosity(flags) >= 0 and flags["style"] == "text") as progress:
        return steps.load(config, posts, progress)


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
@ALLOW_EMPTY
@click.option(
    "--poll",
    type=click.FloatRange(min=0.05),
    default=1.0,
    show_default=True,
    help="Seconds between checks of --watch for changes.",
)
@site_options(READING, FEEDS)
def serve(
    out: Path,
    posts: Path | None,
    host: str,
    port: int,
    poll: float,
    allow_empty: bool,
    **flags: Any,
) -> None:
    """Preview the feeds in OUT over HTTP (localhost only by default).

    Feeds are served with their real media types, ETag/Last-Modified and 304 answers.
    / shows links to the feed files (.xml, .json, .opml, .xsl, .xslt) found in OUT and
    its sub-folders; no folder is listed, and any other file in OUT is served only by its
    exact path. With --watch POSTS, OUT is built now and rebuilt when a post changes (at
    least every 2 s while edits go on), with the same site options as build (--config,
    --site-url, --stylesheet, ...). Stop with Ctrl-C.
    """
    from laojia_feed.cli.serve import exposure_warning, make_server
    from laojia_feed.errors import ServerError

    rebuild = _rebuilder(posts, out, allow_empty, flags) if posts is not None else None
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
    except ServerError as problem:
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


def _rebuilder(
    posts: Path, out: Path, allow_empty: bool, flags: Mapping[str, Any]
) -> Callable[[], None]:
    """What ``serve --watch`` runs on every change: configure, load, build, report."""

    def rebuild() -> None:
        from laojia_feed.cli import steps

        config = configure(posts, flags)
        if not config.ok:
            report(config.diagnostics, flags["style"], verbosity(flags))
            return
        used = config.posts or posts
        loaded = steps.load(config, used)
        run = replace(config.run, allow_empty=allow_empty)
        result = steps.build(config, run, loaded, used, out)
        diagnostics = config.diagnostics + result.all_diagnostics
        announce(diagnostics, flags, summary_line(loaded[0], result, out, diagnostics))

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
