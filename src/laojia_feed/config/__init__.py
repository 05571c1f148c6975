"""Site configuration: ``laojia-feed.toml`` or ``[tool.laojia-feed]`` in pyproject.toml, a
Hexo/Hugo/Jekyll site's own config, and flags → :class:`~laojia_feed.model.Site` and
:class:`~laojia_feed.model.RunOptions` (:mod:`~laojia_feed.config.files`); every key as
data (:mod:`~laojia_feed.config.keys`), parsed by small functions
(:mod:`~laojia_feed.config.values`, :mod:`~laojia_feed.config.extras`); ``laojia-feed
init``'s file (:mod:`~laojia_feed.config.template`)."""

from laojia_feed.config.files import CONFIG_NAME as CONFIG_NAME
from laojia_feed.config.files import Config as Config
from laojia_feed.config.files import apply as apply
from laojia_feed.config.files import apply_run as apply_run
from laojia_feed.config.files import configure_run as configure_run
from laojia_feed.config.files import find_config as find_config
from laojia_feed.config.files import load_config as load_config
from laojia_feed.config.files import read_table as read_table
from laojia_feed.config.keys import KEYS as KEYS
from laojia_feed.config.keys import RUN_KEYS as RUN_KEYS
from laojia_feed.config.keys import Key as Key
from laojia_feed.config.template import template as template
from laojia_feed.config.values import output_name as output_name
from laojia_feed.config.values import parse_size as parse_size
from laojia_feed.config.values import site_url as site_url
