"""Parsers of the config keys that shape what subscribers see beyond the posts themselves.

``logo``, ``webfeeds``, ``comments_anchor``, ``exclude_categories``/``exclude_tags`` and
the ``podcast`` table: each raw TOML value → the :class:`~laojia_feed.model.Site` field's
value, or :class:`~laojia_feed.model.FieldError` with one sentence naming the problem
(:mod:`laojia_feed.config` reports it with the file and the key).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from laojia_feed import urls
from laojia_feed.model import Author, FieldError, Podcast, Webfeeds
from laojia_feed.xmlchars import strip_forbidden

#: Six (or three) hex digits, with or without ``#``.
_HEX_COLOUR = re.compile(r"#?([0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})")
#: A URL fragment: ``#`` then characters a fragment may hold unescaped.
_ANCHOR = re.compile(r"#[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*")
_EXPLICIT = ("yes", "no", "clean")
_TYPES = ("episodic", "serial")


def _text(raw: object, what: str) -> str:
    if not isinstance(raw, str):
        raise FieldError(f"{what}: expected text, got {raw!r}")
    return strip_forbidden(raw)[0].strip()


def url(raw: object, what: str = "URL") -> str | None:
    """An absolute http(s) URL, normalized; ``""`` is None."""
    text = _text(raw, what)
    if not text:
        return None
    if not re.match(r"^https?://", text, re.IGNORECASE):
        raise FieldError(f"{what}: {text!r} is not an absolute http(s) URL")
    return urls.normalize_url(text)


def _table(raw: object, keys: frozenset[str], example: str) -> Mapping[str, object]:
    if not isinstance(raw, Mapping):
        raise FieldError(f"expected true, false or a table like {example}")
    unknown = sorted(set(raw) - keys)
    if unknown:
        raise FieldError(f"unknown key(s): {', '.join(map(str, unknown))}")
    return raw


def webfeeds(raw: object) -> Webfeeds | None:
    """``true`` (the site icon and logo), ``false``, or ``{cover, icon, logo, accent_color}``."""
    if isinstance(raw, bool):
        return Webfeeds() if raw else None
    table = _table(
        raw,
        frozenset({"cover", "icon", "logo", "accent_color", "accentColor"}),
        '{ cover = "https://…/cover.jpg", accent_color = "cc3333" }',
    )
    colour = table.get("accent_color", table.get("accentColor"))
    accent = None
    if colour is not None:
        found = _HEX_COLOUR.fullmatch(_text(colour, "accent_color"))
        if found is None:
            raise FieldError(f"accent_color: {colour!r} is not a colour like cc3333")
        accent = found.group(1).lower()
    return Webfeeds(
        cover=url(table.get("cover", ""), "cover"),
        icon=url(table.get("icon", ""), "icon"),
        logo=url(table.get("logo", ""), "logo"),
        accent_color=accent,
    )


def comments_anchor(raw: object) -> str:
    """A fragment such as ``#comments`` (``""``: the post URL itself)."""
    text = _text(raw, "comments_anchor")
    if text and not text.startswith("#"):
        text = "#" + text
    if text and not _ANCHOR.fullmatch(text):
        raise FieldError(f"{text!r} is not a URL fragment like #comments")
    return text


def terms(raw: object) -> tuple[str, ...]:
    """A list of category or tag names (one name alone is a list of one)."""
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not all(isinstance(name, str) for name in raw):
        raise FieldError('expected a list of names like ["草稿", "private"]')
    return tuple(dict.fromkeys(name.strip() for name in raw if name.strip()))


def _categories(raw: object) -> tuple[tuple[str, str], ...]:
    """``"Technology"``, ``"Arts/Books"`` or a list of them → (category, subcategory)."""
    names = terms(raw)
    return tuple((cat.strip(), sub.strip()) for cat, _, sub in (n.partition("/") for n in names))


def _owner(raw: object) -> Author | None:
    table = _table(raw, frozenset({"name", "email"}), '{ name = "…", email = "…" }')
    name = _text(table.get("name", ""), "owner name")
    email = _text(table.get("email", ""), "owner email")
    if bool(name) != bool(email):
        raise FieldError("owner: give both a name and an e-mail address")
    return Author(name, email) if name else None


def _choice(raw: object, what: str, allowed: tuple[str, ...]) -> str:
    text = "yes" if raw is True else "no" if raw is False else _text(raw, what).lower()
    if text not in allowed:
        raise FieldError(f"{what}: expected one of {', '.join(allowed)}, got {raw!r}")
    return text


_PODCAST_KEYS = frozenset(
    {"author", "category", "categories", "explicit", "image", "owner", "summary", "type"}
)


def podcast(raw: object) -> Podcast | None:
    """``false``, ``true`` (the defaults) or a table of iTunes settings."""
    if isinstance(raw, bool):
        return Podcast() if raw else None
    table = _table(raw, _PODCAST_KEYS, '{ category = "Society & Culture", explicit = false }')
    image = url(table.get("image", ""), "image")
    if image is not None and not image.endswith((".jpg", ".png")):
        raise FieldError(f"image: {image!r} must end in .jpg or .png (Apple's rule)")
    author = _text(table.get("author", ""), "author")
    summary = _text(table.get("summary", ""), "summary")
    return Podcast(
        author=author or None,
        categories=_categories(table.get("categories", table.get("category", []))),
        explicit=_choice(table.get("explicit", "no"), "explicit", _EXPLICIT),
        image=image,
        owner=_owner(table["owner"]) if "owner" in table else None,
        summary=summary or None,
        type=_choice(table.get("type", "episodic"), "type", _TYPES),
    )
