"""Ctrl-C and SIGTERM held back during the moments they must not split.

Python runs a signal handler between any two bytecodes, even inside a ``fork`` hook
(where its exception is printed and lost) or between two renames that belong
together. Inside :func:`held`, SIGINT and SIGTERM are only noted; leaving the block
delivers the first one again, to whatever handler was there before.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

#: Signals that wait until the block is left.
HELD_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def held() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait until the block is left, then act as they would have
    (only the main thread can hold them; elsewhere nothing changes)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []

    def hold(signum: int, _frame: FrameType | None) -> None:
        caught.append(signum)

    previous = {number: signal.signal(number, hold) for number in HELD_SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler if handler is not None else signal.SIG_DFL)
        if caught:
            signal.raise_signal(caught[0])
