"""A killed or failing build never blocks the next one and never litters (issue 12).

Real processes (``python -m laojia_feed build``) on a folder large enough to start the
worker pools, stopped with real signals at observed moments: while its workers run,
while it holds the output folder's lock, while its temporary files exist, between two
renames. Linux only (``/proc`` shows the workers).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from laojia_feed import interrupts
from laojia_feed.write import durable, journal
from laojia_feed.write.output import build_lock

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")

#: Posts in the generated folder: enough for a pool of workers (see parallel.MIN_PARALLEL).
POSTS = 2400
FEEDS = ("rss.xml", "atom.xml", "feed.json")
#: Seconds to wait for a moment to come (the machine may be busy).
PATIENCE = 60.0


def write_posts(folder: Path, version: str, count: int = POSTS) -> Path:
    """``count`` small posts whose titles carry ``version``."""
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        text = (
            f"---\ntitle: {version} 第{n}篇\ndate: 2021-03-{1 + n % 28:02d} 08:{n % 60:02d}:00\n"
            f"---\n正文 {n}，*老家*。\n"
        )
        (folder / f"p{n:05d}.md").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def posts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_posts(tmp_path_factory.mktemp("faults") / "posts", "v1")


class Run:
    """One ``laojia-feed build`` in its own session, its output in files (never pipes:
    an orphaned worker holding a pipe would hang the test instead of failing it)."""

    def __init__(self, posts: Path, out: Path, env: dict[str, str] | None = None) -> None:
        self.log = out.parent / f"log-{time.monotonic_ns()}"
        self.log.mkdir()
        command = [
            sys.executable, "-m", "laojia_feed", "build", str(posts), "--out", str(out),
            "--site-url", "https://laojia.example.org/", "--limit", "0", "--budget", "none",
            "--jobs", "2", "-q",
        ]  # fmt: skip
        self.cmdline = b"".join(os.fsencode(part) + b"\0" for part in command)
        with (self.log / "out").open("wb") as stdout, (self.log / "err").open("wb") as stderr:
            self.process = subprocess.Popen(
                command,
                stdout=stdout,
                stderr=stderr,
                start_new_session=True,
                env={**os.environ, **(env or {})},
            )
        #: Every worker seen, to check that none outlives the build.
        self.workers: set[int] = set()

    @property
    def pid(self) -> int:
        return self.process.pid

    def seen_workers(self) -> set[int]:
        """The build's child processes now (remembered in :attr:`workers`)."""
        found = children(self.pid)
        self.workers |= found
        return found

    def wait(self, timeout: float = PATIENCE) -> int:
        return self.process.wait(timeout=timeout)

    @property
    def stderr(self) -> str:
        return (self.log / "err").read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        """Teardown: end the build and any worker it left (they would live forever)."""
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=PATIENCE)
        for pid in self.workers | self.strays():
            if alive(pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)

    def strays(self) -> set[int]:
        """Processes still running this build's command line (workers never seen)."""
        found: set[int] = set()
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                with contextlib.suppress(OSError):
                    if (entry / "cmdline").read_bytes() == self.cmdline:
                        found.add(int(entry.name))
        return found


@pytest.fixture
def runs() -> Iterator[Callable[..., Run]]:
    started: list[Run] = []

    def start(posts: Path, out: Path, env: dict[str, str] | None = None) -> Run:
        started.append(Run(posts, out, env))
        return started[-1]

    yield start
    for run in started:
        run.stop()


def children(pid: int) -> set[int]:
    """The processes whose parent is ``pid``."""
    found: set[int] = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = (entry / "stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                    found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in {"Z", "X"}


def lock_held(out: Path) -> bool:
    """True when some process holds the build lock on ``out``."""
    try:
        fd = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing releases a lock we took
    return False


def until(condition: Callable[[], bool], what: str, timeout: float = PATIENCE) -> None:
    """Wait for ``condition``, polling often; fail naming ``what`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.005)


def temp_files(out: Path) -> list[str]:
    """Hidden temporary files in ``out`` (ours, or an older version's ``.*.tmp``)."""
    return sorted(p.name for p in out.rglob(".*") if p.name.endswith(".tmp"))


def built_with(out: Path) -> set[str]:
    """Which version of the posts each feed in ``out`` was built from."""
    versions = set()
    for name in FEEDS:
        text = (out / name).read_text(encoding="utf-8")
        versions |= {v for v in ("v1", "v2") if f"{v} 第" in text}
    return versions


def assert_clean_finish(run: Run, out: Path) -> None:
    """No worker of ``run`` survives it and nothing of it is left in ``out``."""
    until(lambda: not any(map(alive, run.workers | run.strays())), "the workers to die", 10.0)
    assert temp_files(out) == []
    assert not (out / journal.JOURNAL_NAME).exists()


# --- moments to stop a build at -------------------------------------------------------------


def moment_workers(run: Run, out: Path) -> bool:
    return bool(run.seen_workers())


def moment_locked(run: Run, out: Path) -> bool:
    return lock_held(out)


def moment_locked_workers(run: Run, out: Path) -> bool:
    return lock_held(out) and bool(run.seen_workers())


def moment_temp_files(run: Run, out: Path) -> bool:
    return out.is_dir() and bool(temp_files(out))


def stopped(run: Run, out: Path, moment: Callable[[Run, Path], bool], number: int) -> int:
    """Send ``number`` to the build's main process alone once ``moment`` has come; its
    exit status (negative: the signal that ended it)."""
    until(lambda: moment(run, out), moment.__name__)
    run.process.send_signal(number)
    return run.wait()


def assert_next_build_works(posts: Path, out: Path, runs: Callable[..., Run]) -> None:
    """A build after the stopped one exits 0 at once and leaves the feeds alone in ``out``."""
    after = runs(posts, out)
    assert after.wait() == 0, after.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(FEEDS)
    assert built_with(out) == {"v1"}
    assert_clean_finish(after, out)


# --- 1, 2. a build killed outright (orphaned workers, temporary files) -----------------------


@pytest.mark.slow
@pytest.mark.parametrize("moment", [moment_locked_workers, moment_temp_files])
def test_a_killed_build_never_blocks_the_next_nor_litters(
    posts: Path, tmp_path: Path, runs: Callable[..., Run], moment: Callable[[Run, Path], bool]
) -> None:
    out = tmp_path / "out"
    first = runs(posts, out)
    assert stopped(first, out, moment, signal.SIGKILL) == -signal.SIGKILL
    until(lambda: not any(map(alive, first.workers | first.strays())), "the workers to die", 10.0)
    # the kernel drops the lock once the last process holding the folder is gone: soon after
    # (on a loaded machine not in the same instant), never the forever of issue 12
    until(lambda: not lock_held(out), "the lock to be released", 5.0)
    assert_next_build_works(posts, out, runs)  # and its temporary files are gone


@pytest.mark.slow
def test_sigterm_to_the_build_alone_ends_its_workers_too(
    posts: Path, tmp_path: Path, runs: Callable[..., Run]
) -> None:
    out = tmp_path / "out"
    run = runs(posts, out)
    assert stopped(run, out, moment_workers, signal.SIGTERM) == 143
    assert "Traceback" not in run.stderr
    assert_clean_finish(run, out)


def test_leftovers_are_removed_only_when_ours(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "tags" / "a").mkdir(parents=True)
    (out / ".git").mkdir()
    ours = [
        out / ".rss.xml.ab_cd123.laojia.tmp",
        out / "tags" / "a" / ".atom.xml.zz9yy8xx.laojia.tmp",
    ]
    foreign = [
        out / ".rss.xml.ab_cd123.tmp",  # another tool's (or an older version's) name
        out / "notes.laojia.tmp",
        out / ".git" / ".index.ab_cd123.laojia.tmp",  # never looked into: we never write there
        out / "rss.xml",
    ]
    for path in ours + foreign:
        path.write_text("x", encoding="utf-8")
    (out / "tags" / ".feed.json.qwertyui.laojia.tmp").symlink_to(out / "rss.xml")
    with build_lock(out):
        pass
    assert not any(p.exists() for p in ours)
    assert all(p.exists() for p in foreign)
    assert (out / "tags" / ".feed.json.qwertyui.laojia.tmp").is_symlink()  # not a file of ours


def test_temporary_names_are_recognised(tmp_path: Path) -> None:
    fd, made = durable.new_temp(tmp_path / "rss.xml")
    os.close(fd)
    assert durable.is_temp_name(Path(made).name)
    assert not durable.is_temp_name("rss.xml")
    assert not durable.is_temp_name(".rss.xml.abcdefgh.tmp")


# --- 3. interruptions -----------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    "moment", [moment_workers, moment_locked, moment_locked_workers, moment_temp_files]
)
@pytest.mark.parametrize(("number", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_an_interrupted_build_exits_with_its_code_and_one_line(
    posts: Path,
    tmp_path: Path,
    runs: Callable[..., Run],
    moment: Callable[[Run, Path], bool],
    number: int,
    code: int,
) -> None:
    out = tmp_path / "out"
    run = runs(posts, out)
    until(lambda: moment(run, out), moment.__name__)
    os.killpg(run.pid, number)  # like Ctrl-C in a terminal: the whole process group
    assert run.wait() == code, run.stderr
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert lines == ["interrupted" if number == signal.SIGINT else "terminated"]
    assert_clean_finish(run, out)
    assert not lock_held(out)


def test_ctrl_c_waits_for_a_held_block_then_acts() -> None:
    done: list[str] = []
    with pytest.raises(KeyboardInterrupt), interrupts.held():
        signal.raise_signal(signal.SIGINT)
        done.append("the block ran to its end")
    assert done == ["the block ran to its end"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


# --- 4. the set of feeds after a crash between renames ------------------------------------


@pytest.mark.slow
def test_a_build_killed_between_renames_is_completed_by_the_next(
    posts: Path, tmp_path: Path, runs: Callable[..., Run]
) -> None:
    out = tmp_path / "out"
    assert runs(posts, out).wait() == 0
    assert built_with(out) == {"v1"}
    newer = write_posts(tmp_path / "newer", "v2")
    pause = {"LAOJIA_FEED_TEST_PAUSE_BETWEEN_RENAMES": "30"}
    run = runs(newer, out, pause)
    until(lambda: (out / journal.JOURNAL_NAME).exists(), "the journal", PATIENCE)
    until(lambda: len(built_with(out)) == 2, "the first rename")
    run.process.send_signal(signal.SIGKILL)
    run.wait()
    assert built_with(out) == {"v1", "v2"}  # what a crash leaves for now
    with build_lock(out):  # the next build, before anything else
        assert built_with(out) == {"v2"}
    assert_clean_finish(run, out)


def test_a_journal_is_rolled_forward_where_its_files_remain(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    for name in FEEDS:
        (out / name).write_text("old", encoding="utf-8")
    done = out / ".rss.xml.aaaaaaaa.laojia.tmp"  # renamed before the crash: gone
    (out / "rss.xml").write_text("new", encoding="utf-8")
    (out / ".atom.xml.bbbbbbbb.laojia.tmp").write_text("new", encoding="utf-8")
    (out / ".feed.json.cccccccc.laojia.tmp").write_text("new", encoding="utf-8")
    outside = tmp_path / "outside"
    outside.write_text("untouched", encoding="utf-8")
    renames = [
        ["rss.xml", done.name],
        ["atom.xml", ".atom.xml.bbbbbbbb.laojia.tmp"],
        ["feed.json", ".feed.json.cccccccc.laojia.tmp"],
        ["../outside", ".feed.json.cccccccc.laojia.tmp"],  # never outside the folder
        ["rss.xml", "../outside"],  # only temporary files of ours
    ]
    (out / journal.JOURNAL_NAME).write_text(json.dumps({"renames": renames}), encoding="utf-8")
    with build_lock(out):
        pass
    assert {(out / n).read_text(encoding="utf-8") for n in FEEDS} == {"new"}
    assert sorted(p.name for p in out.iterdir()) == sorted(FEEDS)
    assert outside.read_text(encoding="utf-8") == "untouched"


@pytest.mark.parametrize("text", ["", "{", "[]", '{"renames": 5}', '{"renames": [[1, 2]]}'])
def test_an_unreadable_journal_is_dropped(tmp_path: Path, text: str) -> None:
    (tmp_path / "rss.xml").write_text("old", encoding="utf-8")
    (tmp_path / journal.JOURNAL_NAME).write_text(text, encoding="utf-8")
    with build_lock(tmp_path):
        pass
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rss.xml"]
    assert (tmp_path / "rss.xml").read_text(encoding="utf-8") == "old"


# --- 7. usage-level problems ----------------------------------------------------------------


def command(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "laojia_feed", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=PATIENCE,
        check=False,
    )


def test_an_empty_out_is_refused_not_the_current_folder(tmp_path: Path) -> None:
    write_posts(tmp_path / "posts", "v1", count=2)
    done = command("build", "posts", "--out", "", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "--out" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["posts"]


def test_a_named_pipe_as_posts_is_a_usage_error(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    done = command("build", "pipe", "--out", "out", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "not a folder" in done.stderr
    assert not (tmp_path / "out").exists()  # no emptied feeds


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_while_the_command_is_imported_exits_quietly(signum: int, code: int) -> None:
    """Ctrl-C or SIGTERM landing while the console script still imports the command (about
    0.4 s on a busy machine) exits 130/143 without a traceback."""
    script = (
        "import builtins, os, signal, time\n"
        "from laojia_feed.cli import entry\n"
        "real = builtins.__import__\n"
        "def spy(name, *args, **kwargs):\n"
        "    if name == 'laojia_feed.cli.commands':\n"
        f"        os.kill(os.getpid(), {int(signum)})\n"
        "        time.sleep(5)\n"
        "    return real(name, *args, **kwargs)\n"
        "builtins.__import__ = spy\n"
        "entry.main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == code
    assert "Traceback" not in done.stderr


def test_a_failing_background_thread_prints_one_line_and_nothing_while_stopping() -> None:
    """The worker pool's manager thread can fail when SIGTERM also reached the workers:
    no traceback, one line, and nothing at all once the command is stopping."""
    script = (
        "import threading\n"
        "from laojia_feed.cli import stopping\n"
        "stopping.own_the_process()\n"
        "def boom():\n"
        "    raise RuntimeError('pool broke')\n"
        "t = threading.Thread(target=boom); t.start(); t.join()\n"
        "stopping.STOPPING.append(True)\n"
        "t = threading.Thread(target=boom); t.start(); t.join()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.stderr.splitlines() == ["laojia-feed: a background thread failed: pool broke"]
