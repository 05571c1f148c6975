"""Per-post work on every core: chunks in a process pool, results in input order.

The only job here is *where* work runs. The work itself is a picklable function
from a chunk of items to one result each; it runs in-process for small inputs (a
pool costs ~0.1 s to start, more than it saves below a few thousand posts), for
``jobs=1``, and whenever a pool cannot be used. Results always come back in the
order of the input, so a parallel build is byte-identical to a single-process one.
"""

from __future__ import annotations

import copyreg
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from types import MappingProxyType
from typing import Any, TypeVar

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
            with ProcessPoolExecutor(max_workers=workers, mp_context=_context()) as pool:
                for done in pool.map(work, parts):
                    given += 1
                    yield done
        except (BrokenProcessPool, OSError, RuntimeError):  # no processes here: do it ourselves
            pass
    for part in parts[given:]:
        yield work(part)
