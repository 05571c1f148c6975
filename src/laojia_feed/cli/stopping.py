"""How the command stops when asked to: Ctrl-C exits 130 and SIGTERM 143, in one line.

SIGTERM raises :class:`Terminated`, a kind of ``KeyboardInterrupt``, so every cleanup
(temporary files removed, the output folder's lock released) runs as for Ctrl-C. After
an interruption the process leaves at once (its workers die with it); a signal that
comes while the interpreter shuts down ends it with the intended code, never with a
traceback.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from typing import Any, NoReturn

import click

#: Exit code: interrupted by Ctrl-C (SIGINT), as shells report it.
EXIT_INTERRUPTED = 130
#: Exit code: stopped by SIGTERM, as shells report it.
EXIT_TERMINATED = 143


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that every cleanup runs the same way."""


def _terminate(_signum: int, _frame: object) -> None:
    STOPPING.append(True)
    raise Terminated


def _interrupt(_signum: int, _frame: object) -> None:
    STOPPING.append(True)
    raise KeyboardInterrupt


def leave_quietly(code: int) -> None:
    """From here on a late Ctrl-C or SIGTERM (while the interpreter shuts down) ends the
    process at once with ``code``, never with a traceback (only the main thread can
    set handlers; elsewhere nothing changes)."""

    def leave(_signum: int, _frame: object) -> None:
        os._exit(code)

    with contextlib.suppress(ValueError):
        for number in (signal.SIGINT, signal.SIGTERM):
            if signal.getsignal(number) is not signal.SIG_IGN:
                signal.signal(number, leave)


def interrupted(cause: BaseException) -> int:
    """Say so in one line; the interruption's exit code."""
    STOPPING.append(True)
    terminated = isinstance(cause, Terminated)
    with contextlib.suppress(Exception):
        click.echo("terminated" if terminated else "interrupted", err=True)
    return EXIT_TERMINATED if terminated else EXIT_INTERRUPTED


def leave_now(code: int) -> NoReturn:
    """Exit at once after an interruption: temporary files and the lock were released on
    the way here, and nothing waits for the chunk a worker is on (it dies with us)."""
    with contextlib.suppress(Exception):
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(code)


def own_the_process() -> None:
    """As the program itself (not called by other code): SIGTERM acts like Ctrl-C, and an
    interrupt Python could only drop is kept (see :func:`_lost_interrupt`)."""
    sys.unraisablehook = _lost_interrupt
    threading.excepthook = _thread_failed
    with contextlib.suppress(ValueError):  # not the main thread: signals stay as they are
        if signal.getsignal(signal.SIGTERM) is not signal.SIG_IGN:
            signal.signal(signal.SIGTERM, _terminate)
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            signal.signal(signal.SIGINT, _interrupt)


def _lost_interrupt(unraisable: Any) -> None:
    """``sys.unraisablehook``: an interrupt raised where Python can only print and drop it
    (a finalizer, a fork hook) is kept for :func:`laojia_feed.cli.commands.main`, silently; the
    rest as usual."""
    if isinstance(unraisable.exc_value, KeyboardInterrupt):
        LOST.append(unraisable.exc_value)
    else:
        sys.__unraisablehook__(unraisable)


def _thread_failed(failed: threading.ExceptHookArgs) -> None:
    """``threading.excepthook``: a helper thread that fails (the worker pool's manager, when
    Ctrl-C or SIGTERM also reached the workers) prints one line, never a traceback; while
    the program is stopping, nothing (the main thread says why it stops)."""
    if failed.exc_type is SystemExit or STOPPING:
        return
    with contextlib.suppress(Exception):
        click.echo(f"laojia-feed: a background thread failed: {failed.exc_value}", err=True)


#: Set once the command is stopping (an interrupt or SIGTERM arrived).
STOPPING: list[bool] = []

#: Interrupts Python could not raise (see :func:`_lost_interrupt`).
LOST: list[KeyboardInterrupt] = []
