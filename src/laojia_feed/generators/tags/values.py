"""Read site and page variables by dotted name, and write them as template engines print them."""

from __future__ import annotations

from collections.abc import Mapping


def lookup(mapping: Mapping[str, object], dotted: str) -> object | None:
    """``mapping["a"]["b"]`` for ``"a.b"``; None where a step is missing."""
    value: object = mapping
    for step in dotted.split("."):
        if not isinstance(value, Mapping) or step not in value:
            return None
        value = value[step]
    return value


def printed(value: object) -> str:
    """How Liquid and Nunjucks print a value: nothing for nil, lower-case booleans."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "".join(printed(item) for item in value)
    return str(value)


def site_root(site: Mapping[str, object]) -> str:
    """Hexo's ``root``: the setting, else the path of ``url``; always ending in ``/``."""
    root = site.get("root")
    if not isinstance(root, str) or not root:
        url = site.get("url")
        root = "/"
        if isinstance(url, str) and "://" in url:
            _, _, rest = url.partition("://")
            root = "/" + rest.partition("/")[2]
    return root if root.endswith("/") else root + "/"
