"""Where Hexo leaves tags alone: fenced code blocks, inline code and HTML comments.

Hexo 8 turns fenced blocks into highlighted HTML before tags are rendered, and its
``PostRenderEscape`` skips inline code spans (a span ends at the same number of
backticks, never across a blank line) and ``<!-- -->`` comments. :func:`hexo_code`
returns those ranges so that the scanner starts no tag inside them. Linear time: each
fence finds its closing line by bisection in a precomputed list, each backtick run its
partner through a table built in one backward pass.
"""

from __future__ import annotations

import bisect
import re

#: A fence line: optional blockquote/list prefix, then three or more backticks or tildes.
_FENCE = re.compile(r"[ \t]*(?:(?:>[ \t]*){1,3}|[-*+][ \t]+|[0-9]+\.[ \t]+)?(`{3,}|~{3,})")
#: A run of backticks.
_RUN = re.compile(r"`+")


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line, the end after its newline."""
    spans: list[tuple[int, int]] = []
    start = 0
    while start < len(text):
        newline = text.find("\n", start)
        end = len(text) if newline < 0 else newline + 1
        spans.append((start, end))
        start = end
    return spans


def fenced_blocks(text: str) -> list[tuple[int, int]]:
    """The fenced code blocks, each from its opening line to the end of its closing line."""
    lines = _lines(text)
    fences: list[str | None] = []
    closers: dict[str, list[int]] = {}
    for index, (start, end) in enumerate(lines):
        found = _FENCE.match(text, start, end)
        fence = found.group(1) if found else None
        fences.append(fence)
        if found and fence is not None and not text[found.end() : end].strip(" \t\r\n"):
            closers.setdefault(fence, []).append(index)
    blocks: list[tuple[int, int]] = []
    index = 0
    while index < len(lines):
        fence = fences[index]
        candidates = closers.get(fence, []) if fence is not None else []
        at = bisect.bisect_right(candidates, index)
        if fence is None or at == len(candidates):
            index += 1
            continue
        close = candidates[at]
        blocks.append((lines[index][0], lines[close][1]))
        index = close + 1
    return blocks


def _comment_or_code(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Comments and inline code spans in ``text[start:end]`` (outside fenced blocks)."""
    runs = [(m.start(), m.end()) for m in _RUN.finditer(text, start, end)]
    partner: list[int | None] = [None] * len(runs)
    last: dict[int, int] = {}
    for k in range(len(runs) - 1, -1, -1):
        length = runs[k][1] - runs[k][0]
        partner[k] = last.get(length)
        last[length] = k
    found: list[tuple[int, int]] = []
    pos, k, paragraph_end = start, 0, -1
    comment = text.find("<!--", start, end)
    while True:
        while k < len(runs) and runs[k][0] < pos:
            k += 1
        if 0 <= comment < pos:
            comment = text.find("<!--", pos, end)
        run_at = runs[k][0] if k < len(runs) else end
        if comment >= 0 and comment < run_at:
            close = text.find("-->", comment + 4, end)
            stop = end if close < 0 else close + 3
            found.append((comment, stop))
            pos = stop
            continue
        if k == len(runs):
            return found
        run_start = runs[k][0]
        if paragraph_end < run_start:
            blank = text.find("\n\n", run_start, end)
            paragraph_end = end if blank < 0 else blank
        other = partner[k]
        escaped = run_start > 0 and text[run_start - 1] == "\\"
        if escaped or other is None or runs[other][0] >= paragraph_end:
            pos = runs[k][1]
            continue
        found.append((run_start, runs[other][1]))
        pos = runs[other][1]


def hexo_code(text: str) -> list[tuple[int, int]]:
    """Sorted, disjoint ranges of ``text`` in which Hexo renders no tag."""
    ranges: list[tuple[int, int]] = []
    pos = 0
    for block_start, block_end in fenced_blocks(text):
        ranges.extend(_comment_or_code(text, pos, block_start))
        ranges.append((block_start, block_end))
        pos = block_end
    ranges.extend(_comment_or_code(text, pos, len(text)))
    return ranges
