"""``python -m laojia_feed``: the same command as ``laojia-feed``."""

from laojia_feed.cli.entry import main

if __name__ == "__main__":
    main()
