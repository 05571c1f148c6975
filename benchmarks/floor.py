"""The floor no feed generator can beat: read every post's bytes, or also parse its YAML.

``python benchmarks/floor.py read POSTS`` reads every .md/.html file's bytes;
``python benchmarks/floor.py yaml POSTS`` also decodes each and parses only its YAML
front matter with libyaml's CSafeLoader (TOML and JSON front matter are skipped).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence

import yaml


def post_files(root: str) -> Iterator[str]:
    """Every .md/.html file under ``root``."""
    for folder, _dirs, files in os.walk(root):
        for name in files:
            if name.endswith((".md", ".html")):
                yield os.path.join(folder, name)


def read_all(root: str) -> int:
    """Read every post; return the byte count."""
    total = 0
    for path in post_files(root):
        with open(path, "rb") as handle:
            total += len(handle.read())
    return total


def yaml_block(text: str) -> str | None:
    """The YAML between the ``---`` fences at the top, or None."""
    text = text.lstrip()
    if not text.startswith("---"):
        return None
    end = text.find("\n---", 3)
    return text[3:end] if end >= 0 else None


def parse_all(root: str) -> int:
    """Parse every post's YAML front matter; return how many were parsed."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    parsed = 0
    for path in post_files(root):
        with open(path, "rb") as handle:
            block = yaml_block(handle.read().decode("utf-8"))
        if block is not None:
            yaml.load(block, Loader=loader)
            parsed += 1
    return parsed


def main(argv: Sequence[str]) -> int:
    """``read POSTS`` or ``yaml POSTS``."""
    if len(argv) != 2 or argv[0] not in {"read", "yaml"}:
        print(__doc__, file=sys.stderr)
        return 2
    mode, root = argv
    count = read_all(root) if mode == "read" else parse_all(root)
    print(f"floor {mode}: {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
