"""The referrer-policy tokens: which ``<img referrerpolicy>`` values a body may keep or a
site may set (kept apart from the sanitizer so that reading the config loads no nh3)."""

from __future__ import annotations

__all__ = ["REFERRER_POLICIES"]

#: The referrer-policy tokens of the W3C Referrer Policy spec (without the empty string,
#: which laojia-feed's ``referrer_policy`` uses for "images as written").
REFERRER_POLICIES: frozenset[str] = frozenset(
    {
        "no-referrer", "no-referrer-when-downgrade", "same-origin", "origin",
        "strict-origin", "origin-when-cross-origin", "strict-origin-when-cross-origin",
        "unsafe-url",
    }
)  # fmt: skip
