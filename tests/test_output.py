"""output.py: atomic writes inside the output folder, and one build at a time."""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import stat
import tempfile
import time
from collections.abc import Iterator
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from laojia_feed.errors import FieldError, LockBusyError, OutputFolderError
from laojia_feed.write.output import (
    build_lock,
    ensure_dir,
    safe_output_path,
    write_atomic,
)

if TYPE_CHECKING:
    from multiprocessing.context import ForkContext, SpawnContext

JOIN_TIMEOUT = 30.0

#: What the poller reports: reads, partial reads, missing-file reads, contents seen.
PollResult = tuple[int, int, int, list[int]]


def ctx() -> ForkContext | SpawnContext:
    """Real processes: fork where available (fast), spawn elsewhere."""
    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


# --- write_atomic --------------------------------------------------------------------------


def test_write_atomic_content_and_mode(out: Path, umask_022: None) -> None:
    assert write_atomic(out, "rss.xml", b"<rss/>") is True
    target = out / "rss.xml"
    assert target.read_bytes() == b"<rss/>"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert listing(out) == ["rss.xml"]


def test_write_atomic_mode_follows_umask(out: Path) -> None:
    old = os.umask(0o027)
    try:
        write_atomic(out, "feed.json", b"{}")
    finally:
        os.umask(old)
    assert stat.S_IMODE((out / "feed.json").stat().st_mode) == 0o640


def test_write_atomic_accepts_bytearray_and_empty(out: Path) -> None:
    assert write_atomic(out, "a.xml", bytearray(b"abc")) is True  # type: ignore[arg-type]
    assert write_atomic(out, "empty.xml", b"") is True
    assert (out / "a.xml").read_bytes() == b"abc"
    assert (out / "empty.xml").read_bytes() == b""
    assert write_atomic(out, "empty.xml", b"") is False


def test_unchanged_content_is_not_rewritten(out: Path) -> None:
    assert write_atomic(out, "atom.xml", b"same bytes") is True
    target = out / "atom.xml"
    os.utime(target, ns=(1_000_000_000, 1_000_000_000))
    inode = target.stat().st_ino

    assert write_atomic(out, "atom.xml", b"same bytes") is False

    after = target.stat()
    assert after.st_mtime_ns == 1_000_000_000
    assert after.st_ino == inode
    assert listing(out) == ["atom.xml"]


def test_changed_content_replaces_the_file(out: Path) -> None:
    write_atomic(out, "atom.xml", b"old")
    inode = (out / "atom.xml").stat().st_ino
    assert write_atomic(out, "atom.xml", b"new, longer") is True
    assert (out / "atom.xml").read_bytes() == b"new, longer"
    assert (out / "atom.xml").stat().st_ino != inode  # a new file renamed over, not rewritten
    assert write_atomic(out, "atom.xml", b"new, longeR") is True  # same size, other bytes
    assert (out / "atom.xml").read_bytes() == b"new, longeR"


def test_creates_parent_folders_inside_out_dir(tmp_path: Path) -> None:
    out = tmp_path / "not-yet" / "out"
    assert write_atomic(out, "feeds/zh/rss.xml", b"x") is True
    assert (out / "feeds/zh/rss.xml").read_bytes() == b"x"
    assert listing(out) == ["feeds", "feeds/zh", "feeds/zh/rss.xml"]


def test_failed_replace_leaves_no_temp_file(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_atomic(out, "rss.xml", b"old")

    def broken_replace(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="No space left"):
        write_atomic(out, "rss.xml", b"new")
    monkeypatch.undo()
    assert listing(out) == ["rss.xml"]
    assert (out / "rss.xml").read_bytes() == b"old"


def test_unexpected_failure_becomes_oserror(out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_fsync(fd: int) -> None:
        raise ValueError("surprise")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="surprise"):
        write_atomic(out, "rss.xml", b"new")
    monkeypatch.undo()
    assert listing(out) == []


def test_interrupt_during_write_leaves_no_temp_file(
    out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(fd: int, data: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "write", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(out, "rss.xml", b"new")
    monkeypatch.undo()
    assert listing(out) == []


def test_write_atomic_refuses_non_bytes(out: Path) -> None:
    with pytest.raises(FieldError, match="must be bytes"):
        write_atomic(out, "rss.xml", "text")  # type: ignore[arg-type]
    assert listing(out) == []


def test_symlink_as_target_is_replaced_not_followed(tmp_path: Path, out: Path) -> None:
    outside = tmp_path / "outside.xml"
    outside.write_bytes(b"precious")
    (out / "rss.xml").symlink_to(outside)
    assert write_atomic(out, "rss.xml", b"precious") is True  # a link never counts as "same"
    assert not (out / "rss.xml").is_symlink()
    assert (out / "rss.xml").read_bytes() == b"precious"
    assert outside.read_bytes() == b"precious"
    write_atomic(out, "rss.xml", b"feed")
    assert outside.read_bytes() == b"precious"


def test_write_atomic_writes_nothing_outside(tmp_path: Path, out: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (out / "sub").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(OutputFolderError, match="outside the output folder"):
        write_atomic(out, "sub/rss.xml", b"x")
    with pytest.raises(OutputFolderError):
        write_atomic(out, "../rss.xml", b"x")
    assert list(elsewhere.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["elsewhere", "out"]


# --- safe_output_path ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "../x",
        "/etc/x",
        "a/../../x",
        "a/../x",
        "./x",
        ".hidden",
        "a/.hidden/x",
        "a\\b",
        "..\\x",
        "",
        "a//b",
        "a/",
        "nul\x00.xml",
        "line\nbreak.xml",
        "lone\udc80.xml",
    ],
)
def test_safe_output_path_refuses(out: Path, name: str) -> None:
    with pytest.raises(OutputFolderError):
        safe_output_path(out, name)


def test_safe_output_path_refuses_wrong_types(out: Path) -> None:
    with pytest.raises(OutputFolderError, match="must be text"):
        safe_output_path(out, b"rss.xml")  # type: ignore[arg-type]
    with pytest.raises(OutputFolderError, match="must be a path"):
        safe_output_path(None, "rss.xml")  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["rss.xml", "feeds/atom.xml", "订阅/全部.xml", "a b/c-d_e.json"])
def test_safe_output_path_accepts(out: Path, name: str) -> None:
    assert safe_output_path(out, name) == out.resolve() / name


def test_symlinked_subfolder_escaping_is_refused(tmp_path: Path, out: Path) -> None:
    sibling = tmp_path / "out2"  # shares the prefix "out": startswith would let it through
    sibling.mkdir()
    (out / "sub").symlink_to(sibling, target_is_directory=True)
    (out / "up").symlink_to("..", target_is_directory=True)
    with pytest.raises(OutputFolderError, match="outside the output folder"):
        safe_output_path(out, "sub/rss.xml")
    with pytest.raises(OutputFolderError, match="outside the output folder"):
        safe_output_path(out, "up/out2/rss.xml")


def test_symlinked_subfolder_inside_is_allowed(out: Path) -> None:
    (out / "real").mkdir()
    (out / "alias").symlink_to("real", target_is_directory=True)
    assert safe_output_path(out, "alias/rss.xml") == out.resolve() / "real/rss.xml"


def test_out_dir_given_through_a_symlink(tmp_path: Path, out: Path) -> None:
    link = tmp_path / "link"
    link.symlink_to(out, target_is_directory=True)
    assert safe_output_path(link, "rss.xml") == out.resolve() / "rss.xml"
    assert write_atomic(link, "rss.xml", b"x") is True
    assert (out / "rss.xml").read_bytes() == b"x"


@settings(max_examples=200, deadline=None)
@given(name=st.text(alphabet=st.sampled_from("ab./\\\x00\n.é"), max_size=12) | st.text())
def test_safe_output_path_never_escapes(
    tmp_path_factory: pytest.TempPathFactory, name: str
) -> None:
    out = tmp_path_factory.getbasetemp() / "prop-out"
    try:
        path = safe_output_path(out, name)
    except OutputFolderError:
        return
    base = out.resolve()
    assert path.is_relative_to(base)
    assert path != base
    assert path.relative_to(base).as_posix() == name
    assert not any(part.startswith(".") for part in path.relative_to(base).parts)


# --- ensure_dir --------------------------------------------------------------------------


def test_ensure_dir(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "c"
    ensure_dir(target)
    assert target.is_dir()
    ensure_dir(target)  # exists: fine
    assert listing(tmp_path) == ["a", "a/b", "a/b/c"]


def test_ensure_dir_refuses_a_file(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputFolderError, match="not a folder"):
        ensure_dir(tmp_path / "file")
    with pytest.raises(OutputFolderError, match="cannot create folder"):
        ensure_dir(tmp_path / "file" / "sub")
    with pytest.raises(OutputFolderError, match="must be a path"):
        ensure_dir(3)  # type: ignore[arg-type]


# --- build_lock, single process ------------------------------------------------------------


def test_build_lock_creates_nothing_and_releases_on_error(out: Path) -> None:
    with pytest.raises(RuntimeError, match="boom"), build_lock(out, wait=0):
        assert listing(out) == []
        raise RuntimeError("boom")
    with build_lock(out, wait=0):  # released: taken again at once
        pass
    assert listing(out) == []


def test_build_lock_is_exclusive_within_one_process(out: Path) -> None:
    with build_lock(out, wait=0), pytest.raises(LockBusyError), build_lock(out, wait=0.1):
        pass


def test_build_lock_argument_errors(tmp_path: Path, out: Path) -> None:
    with (
        pytest.raises(OutputFolderError, match="cannot open output folder"),
        build_lock(tmp_path / "missing"),
    ):
        pass
    for bad in (-1.0, float("nan"), "10", True):
        with pytest.raises(OutputFolderError, match="number of seconds"), build_lock(out, wait=bad):  # type: ignore[arg-type]
            pass


# --- real processes ----------------------------------------------------------------------


def content(seed: int, size: int) -> bytes:
    return random.Random(seed).randbytes(size)


SIZE_A = 1_500_000
SIZE_B = 1_100_000


def rewriter(out: str, count: int) -> None:
    a, b = content(1, SIZE_A), content(2, SIZE_B)
    for i in range(count):
        assert write_atomic(Path(out), "feed.xml", a if i % 2 else b) is True


def poller(
    path: str, ready: Event, stop: Event, results: multiprocessing.Queue[PollResult]
) -> None:
    a, b = content(1, SIZE_A), content(2, SIZE_B)
    reads = bad = missing = 0
    seen: set[int] = set()
    ready.set()
    while not stop.is_set() or reads == 0:
        try:
            with open(path, "rb") as f:
                data = f.read()
        except FileNotFoundError:
            missing += 1
            continue
        reads += 1
        if data == a:
            seen.add(1)
        elif data == b:
            seen.add(2)
        else:
            bad += 1
    results.put((reads, bad, missing, sorted(seen)))


def test_concurrent_reader_never_sees_a_partial_file(out: Path) -> None:
    context = ctx()
    write_atomic(out, "feed.xml", content(1, SIZE_A))  # the file exists before polling
    ready, stop = context.Event(), context.Event()
    results: multiprocessing.Queue[PollResult] = context.Queue()
    reader = context.Process(target=poller, args=(str(out / "feed.xml"), ready, stop, results))
    writer = context.Process(target=rewriter, args=(str(out), 200))
    reader.start()
    try:
        assert ready.wait(JOIN_TIMEOUT)
        writer.start()
        writer.join(JOIN_TIMEOUT)
        assert writer.exitcode == 0
        stop.set()
        reads, bad, missing, seen = results.get(timeout=JOIN_TIMEOUT)
        reader.join(JOIN_TIMEOUT)
    finally:
        for proc in (reader, writer):
            if proc.is_alive():
                proc.kill()
    assert reader.exitcode == 0
    assert bad == 0
    assert missing == 0
    assert reads > 0
    assert seen  # at least one full content observed
    assert listing(out) == ["feed.xml"]


def log_line(log: str, text: str) -> None:
    fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, f"{time.monotonic():.6f} {text}\n".encode())
    finally:
        os.close(fd)


def first_builder(out: str, log: str, locked: Event, second_trying: Event) -> None:
    with build_lock(Path(out)):
        log_line(log, "A start")
        locked.set()
        assert second_trying.wait(JOIN_TIMEOUT)
        time.sleep(0.3)  # give the second build time to run into the lock
        for i in range(5):
            write_atomic(Path(out), f"a-{i}.xml", f"A{i}".encode() * 1000)
        log_line(log, "A end")


def second_builder(out: str, log: str, locked: Event, second_trying: Event) -> None:
    assert locked.wait(JOIN_TIMEOUT)
    log_line(log, "B try")
    second_trying.set()
    with build_lock(Path(out)):
        log_line(log, "B start")
        for i in range(5):
            write_atomic(Path(out), f"feeds/b-{i}.xml", f"B{i}".encode() * 1000)
        log_line(log, "B end")


def test_build_lock_serializes_processes(
    tmp_path: Path, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh_tmp = tmp_path / "tmpdir"
    fresh_tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(fresh_tmp))
    monkeypatch.setattr(tempfile, "tempdir", None)  # make the env change visible
    cwd = os.getcwd()
    cwd_listing = sorted(os.listdir(cwd))
    log = str(tmp_path / "lock.log")  # outside out_dir
    context = ctx()
    locked, second_trying = context.Event(), context.Event()
    procs = [
        context.Process(target=first_builder, args=(str(out), log, locked, second_trying)),
        context.Process(target=second_builder, args=(str(out), log, locked, second_trying)),
    ]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(JOIN_TIMEOUT)
        if proc.is_alive():
            proc.kill()
    assert [proc.exitcode for proc in procs] == [0, 0]

    lines = [line.split(" ", 1) for line in Path(log).read_text().splitlines()]
    events = [event for _, event in lines]
    stamps = {event: float(stamp) for stamp, event in lines}
    # B tried while A held the lock, and entered only after A left: no overlap.
    assert events == ["A start", "B try", "A end", "B start", "B end"]
    assert stamps["B start"] >= stamps["A end"]

    expected = [f"a-{i}.xml" for i in range(5)] + ["feeds"] + [f"feeds/b-{i}.xml" for i in range(5)]
    assert listing(out) == sorted(expected)  # no lock file, no temp file
    assert os.getcwd() == cwd
    assert sorted(os.listdir(cwd)) == cwd_listing
    assert list(fresh_tmp.iterdir()) == []


def holder(out: str, locked: Event, release: Event) -> None:
    with build_lock(Path(out)):
        locked.set()
        release.wait(JOIN_TIMEOUT)


def test_build_lock_busy_after_wait(out: Path) -> None:
    context = ctx()
    locked, release = context.Event(), context.Event()
    proc = context.Process(target=holder, args=(str(out), locked, release))
    proc.start()
    try:
        assert locked.wait(JOIN_TIMEOUT)
        with pytest.raises(LockBusyError) as info, build_lock(out, wait=0.2):
            pass
        assert str(info.value) == f"another laojia-feed build is writing to {out} (waited 0.2 s)"
        release.set()
        proc.join(JOIN_TIMEOUT)
        assert proc.exitcode == 0
        with build_lock(out, wait=5):
            pass
    finally:
        if proc.is_alive():
            proc.kill()
    assert listing(out) == []


def test_lock_of_a_killed_build_is_released(out: Path) -> None:
    context = ctx()
    locked, release = context.Event(), context.Event()
    proc = context.Process(target=holder, args=(str(out), locked, release))
    proc.start()
    assert locked.wait(JOIN_TIMEOUT)
    assert proc.pid is not None
    os.kill(proc.pid, signal.SIGKILL)
    proc.join(JOIN_TIMEOUT)
    with build_lock(out, wait=5):  # nothing stale is left behind
        pass
    assert listing(out) == []
