"""Who is asking: the client's address and browser as the request tells them.

Behind trusted proxies (`trusted_proxies`), ProxyFix has already put the
address they report into `remote_addr`; without them a forwarded header is
ignored, since anyone can send one.
"""
from __future__ import annotations

from flask import has_request_context, request

UNKNOWN = "unknown"


def address() -> str:
    """The client's address, cut to what an IPv6 address can take; `unknown` outside a request."""
    return ((request.remote_addr if has_request_context() else None) or UNKNOWN)[:45]


def agent() -> str:
    """The browser's own description of itself (its User-Agent), cut to 300 characters."""
    return (request.user_agent.string if has_request_context() else "")[:300]
