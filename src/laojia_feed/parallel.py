"""Per-post work on every core: chunks in a process pool, results in input order.

The only job here is *where* work runs. The work itself is a picklable function
from a chunk of items to one result each; it runs in-process for small inputs (a
pool costs ~0.1 s to start, more than it saves below a few thousand posts), for
``jobs=1``, and whenever a pool cannot be used. Results always come back in the
order of the input, so a parallel build is byte-identical to a single-process one.

Workers never outlive the build: each dies with its parent (``PR_SET_PDEATHSIG`` on
Linux, and a parent check when it starts), ignores Ctrl-C (the parent alone decides
how to stop), closes at once the descriptors the parent keeps from them (the output
folder's lock: see :func:`kept_from_workers`), and a pool left early (an interrupt)
is not waited for.
"""

from __future__ import annotations

import contextlib
import copyreg
import ctypes
import ctypes.util
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from types import MappingProxyType
from typing import Any, TypeVar

from laojia_feed import interrupts

T = TypeVar("T")
R = TypeVar("R")

#: Below this many items, work runs in-process (``jobs`` = auto).
MIN_PARALLEL = 2000

#: Chunks per worker: small enough to balance the load, large enough to pickle cheaply.
_CHUNKS_PER_JOB = 4


def _rebuild_mapping(data: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(data)


def _reduce_mapping(
    mapping: MappingProxyType[Any, Any],
) -> tuple[Callable[[dict[Any, Any]], MappingProxyType[Any, Any]], tuple[dict[Any, Any]]]:
    return _rebuild_mapping, (dict(mapping),)


# Articles keep their unknown front-matter keys in read-only mappings, which pickle
# cannot carry between processes by itself.
copyreg.pickle(MappingProxyType, _reduce_mapping)


def available_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def worker_count(jobs: int | None, items: int, minimum: int = MIN_PARALLEL) -> int:
    """How many processes to use: ``jobs`` if given (1 = in-process), else by size and
    cores: none below ``minimum`` items (where a pool would cost more than it saves)."""
    if jobs is not None:
        return max(1, min(jobs, items))
    if items < minimum:
        return 1
    return max(1, min(available_cores(), items // max(1, minimum // 2)))


def chunks(items: Sequence[T], count: int) -> list[Sequence[T]]:
    """``items`` cut into ``count`` contiguous slices of nearly equal size (none empty)."""
    count = max(1, min(count, len(items)))
    size, extra = divmod(len(items), count)
    cut: list[Sequence[T]] = []
    start = 0
    for index in range(count):
        end = start + size + (1 if index < extra else 0)
        cut.append(items[start:end])
        start = end
    return [c for c in cut if len(c)]


#: Descriptors a worker closes first thing (see :func:`kept_from_workers`).
_KEPT_FROM_WORKERS: set[int] = set()

#: ``prctl`` option: the signal a process gets when its parent dies (Linux).
_PR_SET_PDEATHSIG = 1


@contextlib.contextmanager
def kept_from_workers(fd: int) -> Iterator[None]:
    """While in the block, every worker started here closes its inherited copy of ``fd``
    before doing anything else (a lock the parent holds must never be held by a worker)."""
    _KEPT_FROM_WORKERS.add(fd)
    try:
        yield
    finally:
        _KEPT_FROM_WORKERS.discard(fd)


def _die_with(parent: int) -> None:
    """Ask the kernel to kill this process when its parent dies; exit now if it already has."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError, TypeError):
            libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)


def _start_worker(parent: int) -> None:
    """Worker initializer: die with the parent, leave interrupts to it, drop its lock."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with(parent)
    for fd in tuple(_KEPT_FROM_WORKERS):
        with contextlib.suppress(OSError):
            os.close(fd)


def _context() -> multiprocessing.context.BaseContext:
    """Fork where available (workers start in milliseconds, nothing re-imported)."""
    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()  # pragma: no cover - not Linux


def map_chunks(
    work: Callable[[Sequence[T]], list[R]],
    items: Sequence[T],
    *,
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    minimum: int = MIN_PARALLEL,
) -> list[R]:
    """``work`` over ``items`` chunk by chunk, on ``jobs`` processes; one result per item, in order.

    ``work`` must be picklable (a module-level function or a ``functools.partial``
    of one) and must not raise. ``progress(done, total)`` is called after each chunk;
    ``minimum``: see :func:`worker_count`.
    """
    results: list[R] = []
    for done in iter_chunks(work, items, jobs=jobs, minimum=minimum):
        results.extend(done)
        if progress is not None:
            progress(len(results), len(items))
    return results


def iter_chunks(
    work: Callable[[Sequence[T]], list[R]],
    items: Sequence[T],
    *,
    jobs: int | None = None,
    minimum: int = MIN_PARALLEL,
    most: int | None = None,
) -> Iterator[list[R]]:
    """:func:`map_chunks` one chunk's results at a time, in order, as they are ready;
    ``most``: the most items in one chunk (results too big to hold many of at once).

    When no pool can be used (or it breaks), the chunks not yet given are worked
    in this process.
    """
    workers = worker_count(jobs, len(items), minimum)
    count = workers * _CHUNKS_PER_JOB if workers > 1 else len(items) // 256
    parts = chunks(items, max(count, -(-len(items) // most) if most else 0))
    given = 0
    if workers > 1:
        try:
            for done in _pooled(work, parts, workers):
                given += 1
                yield done
        except (BrokenProcessPool, OSError, RuntimeError):  # no processes here: do it ourselves
            pass
    for part in parts[given:]:
        yield work(part)


def _pooled(
    work: Callable[[Sequence[T]], list[R]], parts: Sequence[Sequence[T]], workers: int
) -> Iterator[list[R]]:
    """``work`` over ``parts`` on ``workers`` processes, in order. Left early (an interrupt,
    an error, the caller stopping), the work not started is cancelled and the pool is not
    waited for: its workers end after their current chunk, or with this process."""
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=_context(),
        initializer=_start_worker,
        initargs=(os.getpid(),),
    )
    finished = False
    try:
        with interrupts.held():  # the workers start here: never split a fork
            results = pool.map(work, parts)
        yield from results
        finished = True
    finally:
        pool.shutdown(wait=finished, cancel_futures=not finished)
