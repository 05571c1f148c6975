"""The template-tag settings a generator's config sets (their keys: :mod:`.tag_keys`).

A recognised Hexo, Hugo or Jekyll site expands its generator's tags in post bodies
(:mod:`laojia_feed.generators.tags`) with no configuration: :func:`tag_settings` records
which generator, the config variables its tags print (``{{ site.baseurl }}``, Hexo
``url``/``root``, Hugo ``params``) and Hexo's ``post_asset_folder``. A plain posts folder
expands nothing unless ``template_tags`` is set.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from laojia_feed.generators.siteconfig import Settings

#: The config variables each generator's tags read (None: every one: Jekyll's
#: ``{{ site.x }}`` prints any of them).
_VARIABLES: Mapping[str, tuple[str, ...] | None] = MappingProxyType(
    {"hexo": ("url", "root", "title"), "hugo": ("baseURL", "title", "params"), "jekyll": None}
)


def _variables(kind: str, config: Mapping[str, object]) -> dict[str, object]:
    wanted = _VARIABLES[kind]
    if wanted is None:
        return dict(config)
    lower = {str(key).lower(): key for key in config}  # Hugo's keys are case-insensitive
    return {name: config[lower[name.lower()]] for name in wanted if name.lower() in lower}


def tag_settings(settings: Settings, kind: str, config: Mapping[str, object]) -> None:
    """The template-tag settings of a ``kind`` site whose config is ``config``."""
    settings.set("template_tags", kind, f"a {kind.capitalize()} site")
    variables = _variables(kind, config)
    settings.read("site_vars", variables, "the variables its tags print")
    if kind == "hexo" and config.get("post_asset_folder") is True:
        settings.read("asset_folders", True, "post_asset_folder")
