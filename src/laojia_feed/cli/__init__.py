"""The ``laojia-feed`` command line (click) and its preview server.

This package's ``__init__`` imports nothing, so that the console script's entry
(:mod:`~laojia_feed.cli.entry`) takes Ctrl-C and SIGTERM before the command is imported.
"""
