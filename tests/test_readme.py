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


def test_the_module_map_names_every_module() -> None:
    """README's module map matches the tree: every package and module is named in it (as
    ``name`` in its folder's line, or ``name.py``), and every name it gives exists."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```\nlaojia_feed/\n", 1)[1].split("```", 1)[0]
    package = ROOT / "src" / "laojia_feed"
    words = set(re.findall(r"[a-z_]+", block))
    modules = {p.stem for p in package.rglob("*.py") if not p.stem.startswith("__")}
    folders = {p.name for p in package.rglob("*") if p.is_dir() and p.name != "__pycache__"}
    assert (modules | folders) - {"data"} <= words
    named_files = set(re.findall(r"([a-z_]+)\.py", block))
    assert named_files <= modules | {"__init__"}
