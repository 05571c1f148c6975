"""Start-up time: importing the package and asking the command for its version load none
of the heavy libraries (the lazy imports live in ``laojia_feed/__init__.py`` and in the
command functions of ``laojia_feed/cli/commands.py``)."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("lxml", "feedgen", "nh3", "markdown_it")

REPORT = f"import sys; print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))"

#: Run the command line as ``laojia-feed ARGS`` would, in the subprocess.
COMMAND = (
    "from laojia_feed.cli.commands import main\n"
    "try:\n    main({args!r})\nexcept SystemExit:\n    pass"
)


def loaded_after(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", f"{code}\n{REPORT}"], capture_output=True, text=True, check=True
    )
    return done.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize(
    "code",
    [
        "import laojia_feed",
        "import laojia_feed; laojia_feed.Site(); laojia_feed.RunOptions()",
        "import laojia_feed.cli",
        COMMAND.format(args=["--version"]),
        COMMAND.format(args=["build", "--help"]),
    ],
)
def test_start_up_imports_no_heavy_library(code: str) -> None:
    assert loaded_after(code) == "[]"


def test_the_lazy_names_do_load_them() -> None:
    """The check above can fail: using the API does import the heavy libraries."""
    assert loaded_after("import laojia_feed; laojia_feed.build") != "[]"
