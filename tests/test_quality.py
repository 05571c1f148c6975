"""The code stays mypy --strict and ruff clean: checked with the real tools, as CI does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The Python trees ruff keeps clean.
LINTED = tuple(name for name in ("src", "tests", "benchmarks") if (ROOT / name).is_dir())


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_mypy_strict_is_clean() -> None:
    result = _run("mypy", "--strict", "src", "tests")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_check_is_clean() -> None:
    result = _run("ruff", "check", *LINTED)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean() -> None:
    result = _run("ruff", "format", "--check", *LINTED)
    assert result.returncode == 0, result.stdout + result.stderr
