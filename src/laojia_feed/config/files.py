"""Site configuration: ``laojia-feed.toml`` or ``[tool.laojia-feed]`` in pyproject.toml, then flags.

Every key is parsed by a small function from the table :data:`KEYS`; unknown keys
are warnings, bad values are errors naming the file and the key. With no file at
all the defaults apply, and the placeholder site URL earns one clear warning.

"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from laojia_feed import urls
from laojia_feed.config.keys import KEYS, RUN_KEYS
from laojia_feed.generators.detect import detect_site
from laojia_feed.generators.detected import Detected, detected
from laojia_feed.model import (
    Diagnostic,
    FieldError,
    RunOptions,
    Severity,
    Site,
)

#: The config file looked for in the current folder and next to the posts folder.
CONFIG_NAME = "laojia-feed.toml"


@dataclass(frozen=True, slots=True)
class Config:
    """The site settings, the run options, and where they came from."""

    #: The resulting site.
    site: Site
    #: The config file read, if any.
    source: Path | None
    #: Problems in the configuration (errors stop the build).
    diagnostics: tuple[Diagnostic, ...]
    #: The posts folder, when it differs from the one given (a Hexo/Hugo/Jekyll site root).
    posts: Path | None = None
    #: Processes and the incremental cache.
    run: RunOptions = field(default_factory=RunOptions)
    #: What was recognised at a Hexo, Hugo or Jekyll site root, with where each setting
    #: came from (None: a plain posts folder); ``-v`` and ``check`` print it.
    detected: Detected | None = None

    @property
    def ok(self) -> bool:
        """True when the configuration has no error."""
        return not any(d.severity is Severity.ERROR for d in self.diagnostics)


def apply(site: Site, data: Mapping[str, object], source: str) -> tuple[Site, list[Diagnostic]]:
    """Apply a mapping of config keys to ``site``; every bad key is reported, the rest apply
    (run keys are left to :func:`apply_run`)."""
    changes: dict[str, Any] = {}
    problems: list[Diagnostic] = []
    for key, raw in data.items():
        spec = KEYS.get(key)
        if spec is None:
            problems.append(
                Diagnostic(source, key, "unknown configuration key; ignored", Severity.WARNING)
            )
            continue
        try:
            value = spec.parse(raw)
            if key == "outputs" and isinstance(raw, Mapping):  # a site generator's others stay
                value = replace(site.outputs, **{name: getattr(value, name) for name in raw})
        except FieldError as problem:
            problems.append(Diagnostic(source, key, str(problem)))
            continue
        if key not in RUN_KEYS:
            changes[spec.attr] = value
    return replace(site, **changes), problems


def apply_run(run: RunOptions, data: Mapping[str, object]) -> RunOptions:
    """Apply the run keys of a mapping of config keys to ``run`` (:func:`apply` reports
    their problems)."""
    changes: dict[str, Any] = {}
    for key in RUN_KEYS & data.keys():
        try:
            changes[KEYS[key].attr] = KEYS[key].parse(data[key])
        except FieldError:
            continue
    return replace(run, **changes)


def read_table(path: Path) -> Mapping[str, object]:
    """The laojia-feed table of a config file (the whole file, or ``[tool.laojia-feed]``)."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as problem:
        raise FieldError(f"not valid TOML: {problem}") from problem
    except (OSError, UnicodeDecodeError) as problem:
        raise FieldError(f"cannot read: {problem}") from problem
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        table = tool.get("laojia-feed", {}) if isinstance(tool, dict) else {}
        return table if isinstance(table, dict) else {}
    return data


def find_config(places: Sequence[Path]) -> Path | None:
    """The first laojia-feed.toml, or pyproject.toml with [tool.laojia-feed], in ``places``."""
    for place in places:
        candidate = place / CONFIG_NAME
        if candidate.is_file():
            return candidate
        pyproject = place / "pyproject.toml"
        if pyproject.is_file():
            try:
                if read_table(pyproject):
                    return pyproject
            except FieldError:
                continue
    return None


def load_config(
    path: Path | None = None,
    overrides: Mapping[str, object] | None = None,
    *,
    search: Sequence[Path] = (),
    base: Site | None = None,
) -> Config:
    """Build the Site from a config file (given, or found in ``search``) and flag overrides.

    ``base`` is where the keys apply (default: the defaults; a site generator's settings).
    """
    source = path or find_config(search)
    site = base or Site()
    run = RunOptions()
    problems: list[Diagnostic] = []
    table: Mapping[str, object] = {}
    if source is not None:
        try:
            table = read_table(source)
        except FieldError as problem:
            return Config(site, source, (Diagnostic(str(source), "file", str(problem)),))
        site, problems = apply(site, table, str(source))
        run = apply_run(run, table)
    if overrides:
        site, flag_problems = apply(site, overrides, "command line")
        problems.extend(flag_problems)
        run = apply_run(run, overrides)
    unreachable = None if site.is_placeholder else urls.is_safe_public_url(site.url)
    if unreachable is not None:
        problems.append(
            Diagnostic(
                str(source or "command line"),
                "url",
                f"{unreachable}: feed readers elsewhere cannot follow these links",
                Severity.WARNING,
            )
        )
    bad_url = any(p.field == "url" and p.severity is Severity.ERROR for p in problems)
    if site.is_placeholder and not bad_url:  # a bad url has its own error
        problems.append(_placeholder_warning(site, source, table, overrides or {}))
    return Config(site, source, tuple(problems), run=run)


def _placeholder_warning(
    site: Site, source: Path | None, table: Mapping[str, object], flags: Mapping[str, object]
) -> Diagnostic:
    """The one warning of a site still on the placeholder URL: set to it (as ``laojia-feed
    init`` writes it), or not set at all."""
    if "url" in flags or "url" in table:
        where = "command line" if "url" in flags else str(source)
        message = (
            f"url is still the placeholder {site.url} (as laojia-feed init writes it); "
            "set it to your site's address"
        )
        return Diagnostic(where, "url", message, Severity.WARNING)
    message = (
        f"no site URL configured; links use the placeholder {site.url} — set url in "
        f"{CONFIG_NAME} or pass --site-url"
    )
    return Diagnostic(str(source or "config"), "url", message, Severity.WARNING)


def _keys_in(source: Path | None) -> set[str]:
    """The keys a laojia-feed config file sets (none when there is no readable file)."""
    try:
        return set(read_table(source)) if source is not None else set()
    except FieldError:
        return set()


def configure_run(
    posts: Path,
    path: Path | None = None,
    overrides: Mapping[str, object] | None = None,
) -> Config:
    """The configuration of a run over ``posts``: a folder of posts or a site's root.

    When ``posts`` is the root of a Hexo, Hugo or Jekyll site, its own configuration
    gives the base settings (title, URL, permalinks...) and its posts folder is used;
    ``laojia-feed.toml`` there and flags still override.
    """
    try:
        project = detect_site(posts)
    except FieldError as problem:
        return Config(Site(), None, (Diagnostic(str(posts), "site", str(problem)),))
    if project is None:
        return load_config(path, overrides, search=(posts, posts.parent, Path.cwd()))
    base, problems = apply(Site(), project.settings, str(project.config_file))
    problems += [Diagnostic(str(project.config_file), k, m) for k, m in project.problems]
    config = load_config(path, overrides, search=(project.root, Path.cwd()), base=base)
    # laojia-feed's own config and flags override the site's: its bad value is then no error
    ours = set(overrides or ()) | _keys_in(config.source)
    problems = [problem for problem in problems if problem.field not in ours]
    overridden = {key: str(config.source) for key in _keys_in(config.source)}
    overridden.update(dict.fromkeys(overrides or (), "command line"))
    return replace(
        config,
        diagnostics=(*problems, *config.diagnostics),
        posts=project.posts,
        source=config.source or project.config_file,
        detected=detected(project, config.site, overridden),
    )
