"""The feeds: which posts go in which feed, the three formats, OPML and the stylesheet."""
