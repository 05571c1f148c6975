"""Expand a body with one dialect's table of tags: the part every generator shares."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from .model import Call, Expanded, Handler, Report, TagContext
from .scan import Token, pair, scan, unterminated

#: Pairs nested deeper than this keep their content as written.
MAX_DEPTH = 40


def _no_code(text: str) -> list[tuple[int, int]]:
    return []


@dataclass(frozen=True)
class Dialect:
    """How one generator writes and expands its tags."""

    #: Token kinds it reads (keys of :data:`scan.DELIMITERS`).
    kinds: tuple[str, ...]
    #: Built-in tags by name.
    tags: Mapping[str, Handler]
    #: The name a token ends (``endraw`` → ``raw``), or None.
    closes: Callable[[Token], str | None]
    #: Expands a token that is no named tag (variables, comments).
    other: Callable[[Token, TagContext, Report], str]
    #: Paired tags whose content is kept as written, its tags unexpanded.
    literal: frozenset[str] = field(default_factory=frozenset)
    #: Built-in tags that never take content (an ``end`` of theirs ends nothing).
    single: frozenset[str] = field(default_factory=frozenset)
    #: Ranges in which no tag is read (Hexo: code).
    code: Callable[[str], list[tuple[int, int]]] = _no_code


def expand_with(dialect: Dialect, text: str, ctx: TagContext) -> Expanded:
    """``text`` with ``dialect``'s tags expanded."""
    if "{" not in text:
        return Expanded(text, {}, ())
    tokens = scan(text, dialect.kinds, dialect.code(text))
    report = Report()
    for opener in unterminated(text, dialect.kinds):
        report.problem(f"{opener} is never closed: kept as text")
    walker = _Walker(tokens, pair(tokens, dialect.closes, dialect.single), dialect, ctx, report)
    expanded = walker.render(0, len(tokens), 0)
    return Expanded(expanded, dict(report.unknown), tuple(report.problems))


@dataclass(frozen=True)
class _Walker:
    tokens: list[Token]
    pairs: Mapping[int, int]
    dialect: Dialect
    ctx: TagContext
    report: Report

    def source(self, start: int, stop: int) -> str:
        return "".join(token.source for token in self.tokens[start:stop])

    def render(self, start: int, stop: int, depth: int) -> str:
        out: list[str] = []
        index = start
        while index < stop:
            token = self.tokens[index]
            end = self.pairs.get(index)
            if end is not None:
                out.append(self.paired(token, index, end, depth))
                index = end + 1
                continue
            out.append(self.single(token))
            index += 1
        return "".join(out)

    def paired(self, token: Token, index: int, end: int, depth: int) -> str:
        raw = self.source(index + 1, end)
        if token.name in self.dialect.literal:
            body = raw
        elif depth >= MAX_DEPTH:
            self.report.problem(f"tags nested deeper than {MAX_DEPTH}: the innermost kept as text")
            body = raw
        else:
            body = self.render(index + 1, end, depth + 1)
        handler = self.dialect.tags.get(token.name)
        if handler is None:
            self.report.unknown[token.name] += 1
            return body
        return handler(Call(token, body, raw), self.ctx, self.report)

    def single(self, token: Token) -> str:
        if token.is_text:
            return token.source
        if not token.name:
            return self.dialect.other(token, self.ctx, self.report)
        ended = self.dialect.closes(token)
        if ended is not None:
            self.report.problem(f"{token.source.strip()} ends no open tag: dropped")
            return ""
        handler = self.dialect.tags.get(token.name)
        if handler is None:
            self.report.unknown[token.name] += 1
            return ""
        return handler(Call(token), self.ctx, self.report)
