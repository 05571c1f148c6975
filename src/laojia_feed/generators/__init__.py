"""Hexo, Hugo and Jekyll sites: detecting one, reading its config, permalinks and defaults,
and expanding its template tags (:mod:`~laojia_feed.generators.tags`)."""
