"""Template tags in post bodies, expanded the way Hexo, Hugo and Jekyll expand them.

:func:`expand` is the one entry point: a body, the generator that wrote it, and a
:class:`TagContext` (site variables, the post's fields, a resolver from references to post
URLs, the post's asset folder) give an :class:`Expanded` body, the unknown tags with their
counts, and the problems. Nothing is executed: beyond the built-in tags of each generator
no template language is evaluated. Unknown paired tags keep their content, single ones
are dropped. Every step is linear in the length of the body.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from . import hexo, hugo, jekyll
from .model import Expanded as Expanded
from .model import TagContext as TagContext
from .walk import Dialect, expand_with

#: A generator whose tags we expand.
Generator = Literal["hexo", "hugo", "jekyll"]

_DIALECTS: Mapping[str, Dialect] = {
    "hexo": hexo.DIALECT,
    "hugo": hugo.DIALECT,
    "jekyll": jekyll.DIALECT,
}


def expand(body: str, generator: Generator, ctx: TagContext) -> Expanded:
    """``body`` with the tags of ``generator`` expanded for the post ``ctx`` describes."""
    return expand_with(_DIALECTS[generator], body, ctx)


__all__ = ["Expanded", "Generator", "TagContext", "expand"]
