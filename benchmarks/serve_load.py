"""A short load test of ``laojia-feed serve`` against ``python -m http.server`` (loopback only).

Both servers serve the same temporary folder, each in its own process:

1. keep-alive throughput: ``--clients`` threads, each on one persistent connection
   (``http.client`` reconnects by itself when a server closes after each answer, as
   ``http.server`` does), fetch a small feed ``--requests`` times in all;
2. memory: ``--fetchers`` threads fetch a ``--big-mib`` MiB feed at once, twice each,
   while the server's peak RSS (``VmHWM`` in ``/proc``) is read before and after.

Bounded: fixed request counts, a deadline per phase, every server stopped at the end.
Linux only (``/proc``). Run from the repository root::

    python benchmarks/serve_load.py [--requests 3000] [--clients 4] [--fetchers 16] [--big-mib 12]
"""

from __future__ import annotations

import argparse
import http.client
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

#: Seconds a phase may take before its clients give up.
DEADLINE = 30.0

#: Requests sent before the clock starts.
WARM_UP = 50

ITEM = (
    "<item><title>第 {n} 篇：老家的故事</title><link>https://blog.example.org/{n}/</link>"
    "<guid>https://blog.example.org/{n}/</guid><pubDate>Thu, 09 Dec 2021 03:10:27 GMT</pubDate>"
    "<description>&lt;p&gt;{text}&lt;/p&gt;</description></item>\n"
)


@dataclass(frozen=True)
class Row:
    """What one server did."""

    name: str
    requests_per_second: float
    mean_ms: float
    idle_mib: float
    peak_mib: float
    fetch_seconds: float


def write_feeds(folder: Path, big_mib: int) -> None:
    """``rss.xml`` (about 10 KiB, 10 items) and ``big.xml`` (about ``big_mib`` MiB)."""
    text = "正文" * 200
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>老家</title>\n'
    )
    small = head + "".join(ITEM.format(n=n, text=text[:300]) for n in range(10))
    (folder / "rss.xml").write_text(small + "</channel></rss>\n", encoding="utf-8")
    with (folder / "big.xml").open("w", encoding="utf-8") as handle:
        handle.write(head)
        n = 0
        while handle.tell() < big_mib * 1024 * 1024:
            handle.write(ITEM.format(n=n, text=text))
            n += 1
        handle.write("</channel></rss>\n")


def start(command: list[str], stream: str) -> tuple[subprocess.Popen[str], int]:
    """Start a server; its port, read from the line it prints on ``stream``."""
    pipe = {"stdout": subprocess.PIPE, "stderr": subprocess.DEVNULL}
    if stream == "stderr":
        pipe = {"stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE}
    process = subprocess.Popen(command, text=True, **pipe)  # type: ignore[call-overload]
    source = process.stdout if stream == "stdout" else process.stderr
    assert source is not None
    line = source.readline()
    found = re.search(r"(?:127\.0\.0\.1:|port )(\d+)", line)
    if not found:
        process.kill()
        raise SystemExit(f"could not start {command}: {line!r}")
    threading.Thread(target=source.read, daemon=True).start()  # keep the pipe drained
    return process, int(found.group(1))


def peak_rss_mib(pid: int) -> float:
    """The process's peak resident set size so far (``VmHWM``), in MiB."""
    status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    found = re.search(r"VmHWM:\s+(\d+) kB", status)
    return int(found.group(1)) / 1024 if found else float("nan")


def fetch(connection: http.client.HTTPConnection, target: str) -> int:
    """One GET on ``connection``; the body read in chunks and dropped; its size."""
    connection.request("GET", target)
    answer = connection.getresponse()
    size = 0
    while chunk := answer.read(256 * 1024):
        size += len(chunk)
    if answer.status != 200:
        raise RuntimeError(f"{target}: {answer.status}")
    return size


def in_threads(count: int, work: Callable[[int], None]) -> float:
    """Run ``work(i)`` in ``count`` threads at once; the seconds they took together."""
    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(count)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(DEADLINE)
    return time.perf_counter() - began


def measure(name: str, process: subprocess.Popen[str], port: int, args: argparse.Namespace) -> Row:
    """Both phases against one running server."""
    per_client = args.requests // args.clients
    done = [0] * args.clients
    deadline = time.monotonic() + DEADLINE

    def small(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            while done[index] < per_client and time.monotonic() < deadline:
                fetch(connection, "/rss.xml")
                done[index] += 1
        finally:
            connection.close()

    warm = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    for _ in range(WARM_UP):
        fetch(warm, "/rss.xml")
    warm.close()
    took = in_threads(args.clients, small)
    idle = peak_rss_mib(process.pid)

    def big(_index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            for _ in range(2):
                fetch(connection, "/big.xml")
        finally:
            connection.close()

    fetch_seconds = in_threads(args.fetchers, big)
    rate = sum(done) / took
    per_request = took * args.clients / max(1, sum(done)) * 1000
    return Row(name, rate, per_request, idle, peak_rss_mib(process.pid), fetch_seconds)


def main() -> None:
    """Parse the options, run both servers, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--requests", type=int, default=3000, help="small-feed GETs per server")
    parser.add_argument("--clients", type=int, default=4, help="keep-alive client threads")
    parser.add_argument("--fetchers", type=int, default=16, help="clients fetching the big feed")
    parser.add_argument("--big-mib", type=int, default=12, help="size of the big feed in MiB")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="serve-load-") as folder:
        write_feeds(Path(folder), args.big_mib)
        servers = {
            "laojia-feed serve": (
                [sys.executable, "-m", "laojia_feed", "serve", folder, "--port", "0", "-q"],
                "stderr",
            ),
            "python -m http.server": (
                [sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1",
                 "--directory", folder],
                "stdout",
            ),
        }  # fmt: skip
        rows = []
        for name, (command, stream) in servers.items():
            process, port = start(command, stream)
            try:
                rows.append(measure(name, process, port, args))
            finally:
                process.terminate()
                try:
                    process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        small_kib = (Path(folder) / "rss.xml").stat().st_size / 1024
    print(
        f"{args.requests} GETs of a {small_kib:.0f} KiB feed over {args.clients} keep-alive "
        f"connections; {args.fetchers} clients × 2 GETs of a {args.big_mib} MiB feed\n"
    )
    load = f"{args.fetchers} × {args.big_mib} MiB"
    print(
        f"| server | keep-alive req/s | ms per request | peak RSS idle | peak RSS, {load} | time |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for row in rows:
        print(
            f"| {row.name} | {row.requests_per_second:,.0f} | {row.mean_ms:.2f} | "
            f"{row.idle_mib:.1f} MiB | {row.peak_mib:.1f} MiB | {row.fetch_seconds:.2f} s |"
        )


if __name__ == "__main__":
    main()
