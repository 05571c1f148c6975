"""The console script's entry (``laojia-feed``, ``python -m laojia_feed``): Ctrl-C and
SIGTERM end the program quietly with 130 and 143 even while the command is still being
imported (nothing is written before it runs), then :func:`~laojia_feed.cli.commands.main`
takes over the signals."""

from __future__ import annotations

import os
import signal
from types import FrameType

#: The exit code of each early signal: 128 + the signal's number, as shells report it.
_EARLY_EXIT = {signal.SIGINT: 130, signal.SIGTERM: 143}


def _leave(signum: int, frame: FrameType | None) -> None:
    del frame
    os._exit(_EARLY_EXIT.get(signal.Signals(signum), 1))


def main() -> None:
    """Run ``laojia-feed`` as the program."""
    for number in _EARLY_EXIT:
        signal.signal(number, _leave)
    from laojia_feed.cli.commands import main as run  # start-up: after the handlers are set

    signal.signal(signal.SIGINT, signal.default_int_handler)  # the command's own handling
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    run()
