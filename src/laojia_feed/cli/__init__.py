"""The ``laojia-feed`` command line (click) and its preview server."""

from laojia_feed.cli.commands import cli as cli
from laojia_feed.cli.commands import main as main

__all__ = ["cli", "main"]
