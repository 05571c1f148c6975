"""README's examples work as written."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from feedcheck import parse_json

ROOT = Path(__file__).resolve().parent.parent


def test_library_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.DOTALL)
    example = next(block for block in blocks if "laojia_feed.load_articles" in block)
    shutil.copytree(ROOT / "examples/posts", tmp_path / "posts")
    monkeypatch.chdir(tmp_path)
    exec(compile(example, "README.md", "exec"), {})  # our own README
    assert len(parse_json((tmp_path / "public/feed.json").read_bytes())["items"]) == 5
