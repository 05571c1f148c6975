"""Readers polling the feeds during rebuilds, and two builds into one folder at once.

Real processes (``python -m laojia_feed build``) and a reader thread that parses every
file it reads: a torn, partial or missing feed would fail the parse.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

from lxml import etree

FEEDS = ("rss.xml", "atom.xml", "feed.json")
BODY = "<p>" + "老家的故事，一段又一段。" * 300 + "</p>\n"


def write_posts(posts: Path, round_number: int, count: int = 150) -> None:
    """``count`` posts whose titles change with ``round_number``, so every feed changes."""
    for i in range(count):
        front = (
            f"---\ntitle: 第{i}篇 round {round_number}\n"
            f"date: 2021-12-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}:00\n---\n"
        )
        (posts / f"post-{i:04d}.html").write_text(front + BODY, encoding="utf-8")


def build(posts: Path, out: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "laojia_feed", "build", str(posts), "--out", str(out),
         "--site-url", "https://laojia.example.org/", "--budget", "none", "-q"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip


class Reader(threading.Thread):
    """Reads and parses every feed in a loop until stopped; records any bad read."""

    def __init__(self, out: Path) -> None:
        super().__init__(daemon=True)
        self.out = out
        self.stop = threading.Event()
        self.reads = 0
        self.problems: list[str] = []
        self.titles: set[str] = set()

    def run(self) -> None:
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        while not self.stop.is_set():
            for name in FEEDS:
                try:
                    data = (self.out / name).read_bytes()
                except FileNotFoundError:
                    self.problems.append(f"{name} missing during a rebuild")
                    continue
                try:
                    if name.endswith(".json"):
                        self.titles.add(json.loads(data)["items"][0]["title"])
                    else:
                        etree.fromstring(data, parser)
                except (ValueError, etree.XMLSyntaxError) as problem:
                    self.problems.append(f"{name}: {len(data)} bytes: {problem}")
                self.reads += 1


def test_readers_see_whole_feeds_while_two_builds_race(tmp_path: Path) -> None:
    posts, out = tmp_path / "posts", tmp_path / "out"
    posts.mkdir()
    write_posts(posts, 0)
    first = build(posts, out)
    assert first.wait(timeout=120) == 0, first.communicate()
    reader = Reader(out)
    reader.start()
    try:
        for round_number in (1, 2, 3):
            write_posts(posts, round_number)
            racing = [build(posts, out), build(posts, out)]  # the second waits for the lock
            for process in racing:
                _stdout, stderr = process.communicate(timeout=120)
                assert process.returncode == 0, stderr
                assert "Traceback" not in stderr
    finally:
        reader.stop.set()
        reader.join(timeout=10)
    assert reader.problems == []
    assert reader.reads > 30
    # the reader saw several generations, and the last one is the newest
    assert len(reader.titles) >= 2
    final = json.loads((out / "feed.json").read_bytes())
    assert final["items"][0]["title"].endswith("round 3")
    # nothing but the feeds is left in the output folder: no temp files, no lock files
    assert sorted(p.name for p in out.iterdir()) == sorted(FEEDS)
