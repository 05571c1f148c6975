"""Rendering bodies: Markdown to HTML, sanitizing with allow-lists, summaries.

``bodies`` (``render(article, site)``: the orchestration of one body), ``markdown``,
``sanitize`` (allow-lists and the one nh3 Cleaner), ``stable`` (a fixed point), ``depth``,
``lazyimages``, ``notes``, ``summary``. Importing the package imports none of them: start-up
and a build that renders nothing stay light.
"""
