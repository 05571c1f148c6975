"""The package as people install it: public surface, metadata, typing marker, entry points."""

from __future__ import annotations

import importlib.metadata
import importlib.resources
import tomllib
from pathlib import Path

import laojia_feed

ROOT = Path(__file__).resolve().parent.parent


def test_all_is_exactly_the_public_names() -> None:
    public = {name for name in dir(laojia_feed) if not name.startswith("_")}
    modules = {name for name in public if type(getattr(laojia_feed, name)).__name__ == "module"}
    assert set(laojia_feed.__all__) - {"__version__"} == public - modules
    assert sorted(laojia_feed.__all__) == laojia_feed.__all__


def test_version_matches_the_installed_metadata_and_pyproject() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert laojia_feed.__version__ == pyproject["project"]["version"]
    assert importlib.metadata.version("laojia-feed") == laojia_feed.__version__


def test_metadata_is_complete() -> None:
    meta = importlib.metadata.metadata("laojia-feed")
    for key in ("Summary", "Requires-Python", "License-Expression"):
        assert meta[key], key
    assert meta["Project-URL"]
    entry = importlib.metadata.entry_points(group="console_scripts", name="laojia-feed")
    assert [e.value for e in entry] == ["laojia_feed.cli.entry:main"]


def test_typing_marker_and_package_data_ship() -> None:
    files = importlib.resources.files("laojia_feed")
    assert files.joinpath("py.typed").is_file()
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
