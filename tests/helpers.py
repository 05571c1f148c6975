"""Small helpers shared by the tests (``from helpers import ...``: ``tests/`` is on the path).

- :func:`within` runs a call in a watchdog thread, so a hang fails the test instead of
  blocking the suite.
- :func:`warned` and :func:`refused_by` call a ``(value, warn)`` parser and hand back what
  it warned about, or the :class:`~laojia_feed.model.FieldError` it raised.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

import pytest

from laojia_feed.model import FieldError, Warn

T = TypeVar("T")
V = TypeVar("V")


def within(seconds: float, call: Callable[[], T]) -> T:
    """Run ``call`` in a daemon thread; fail (instead of hanging) if it does not return."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = call()
        except BaseException as problem:  # re-raised in the caller's thread
            box["error"] = problem

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"still running after {seconds} s (blocked?)"
    if "error" in box:
        raise box["error"]
    value: T = box["value"]
    return value


def warned(parse: Callable[[V, Warn], T], value: V) -> tuple[T, list[str]]:
    """What ``parse`` returns for ``value``, and the warnings it gave."""
    warnings: list[str] = []
    return parse(value, warnings.append), warnings


def refused_by(parse: Callable[[V, Warn], object], value: V, seconds: float = 60.0) -> FieldError:
    """The FieldError ``parse`` raises for ``value`` (within ``seconds``: a hang fails)."""
    warnings: list[str] = []
    with pytest.raises(FieldError) as info:
        within(seconds, lambda: parse(value, warnings.append))
    return info.value
