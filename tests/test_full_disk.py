"""A real full file system (a small tmpfs, when running as root): a build that runs out of
space fails with one error, leaves the live feeds byte-identical and leaves no temporary
file behind; the next build, with room again, writes the feeds."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

import laojia_feed
from laojia_feed import RunOptions, Site

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SITE = Site(title="老家", url="https://laojia.example.org/", budget=None)
LATER = datetime(2030, 1, 1, tzinfo=UTC)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MiB tmpfs mounted for the test (root only; skipped with the reason otherwise)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root and mount(8)")
    place = tmp_path / "disk"
    place.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(place)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield place
    finally:
        subprocess.run(["umount", str(place)], check=False)


def write_big_posts(posts: Path, count: int, size: int) -> None:
    posts.mkdir(parents=True)
    body = "<p>" + "老家的故事。" * (size // 18) + "</p>"
    for n in range(count):
        text = f"---\ntitle: 第{n}篇\ndate: 2021-01-{n % 28 + 1:02d} 08:00\n---\n{body}\n"
        (posts / f"p{n:03d}.md").write_text(text, encoding="utf-8")


def test_a_full_disk_leaves_the_live_feeds_as_they_were(small_disk: Path, tmp_path: Path) -> None:
    out = small_disk / "public"
    first = laojia_feed.build(EXAMPLES / "posts", out, SITE, now=LATER)
    assert first.ok
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    big = tmp_path / "big"
    write_big_posts(big, 40, 30_000)  # three feeds of ~1.2 MB each: more than the disk
    result = laojia_feed.build(big, out, SITE, run=RunOptions(jobs=1), now=LATER)
    assert not result.ok
    errors = [d for d in result.all_diagnostics if d.severity.value == "error"]
    assert [d.field for d in errors] == ["output"]
    assert "No space left on device" in errors[0].message
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # no temp file, no change
    shutil.rmtree(out)
    again = laojia_feed.build(EXAMPLES / "posts", out, SITE, now=LATER)
    assert again.ok and {p.name: p.read_bytes() for p in out.iterdir()} == before
