"""URLs: normal form, resolving links, CORS-proxy wrappers, and which URLs may be published.

Pure functions, no network. Everything a post links to goes through here:
:mod:`~laojia_feed.urls.normalize` (the normal form and its quick check),
:mod:`~laojia_feed.urls.hosts` (host, port, credentials), :mod:`~laojia_feed.urls.escapes`
(cleaning and percent-encoding), :mod:`~laojia_feed.urls.join` (resolving ``href``/``src``),
:mod:`~laojia_feed.urls.proxies` (what a wrapper carries, unwrapping, image-proxy
templates) and :mod:`~laojia_feed.urls.safety` (the publishing rule and image values).
The public-address policy it applies lives in :mod:`laojia_feed.net.addresses`.
"""

from laojia_feed.urls.join import LINK_SCHEMES as LINK_SCHEMES
from laojia_feed.urls.join import WEB_SCHEMES as WEB_SCHEMES
from laojia_feed.urls.join import join_url as join_url
from laojia_feed.urls.normalize import normalize_url as normalize_url
from laojia_feed.urls.proxies import apply_proxy as apply_proxy
from laojia_feed.urls.proxies import proxy_inner_url as proxy_inner_url
from laojia_feed.urls.proxies import through_proxy as through_proxy
from laojia_feed.urls.safety import check_image_url as check_image_url
from laojia_feed.urls.safety import check_template as check_template
from laojia_feed.urls.safety import is_safe_public_url as is_safe_public_url
from laojia_feed.urls.safety import wrapped_problem as wrapped_problem

__all__ = [
    "LINK_SCHEMES",
    "WEB_SCHEMES",
    "apply_proxy",
    "check_image_url",
    "check_template",
    "is_safe_public_url",
    "join_url",
    "normalize_url",
    "proxy_inner_url",
    "through_proxy",
    "wrapped_problem",
]
