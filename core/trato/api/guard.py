"""Who calls the API, and how often they may: the bearer token, rate limits, and a lockout for bad tokens.

Every call counts against its client address (`api_requests_per_minute_per_ip`)
and, when it carries a token, against that token (`api_requests_per_minute`,
keyed by a hash of the token as sent, so counting needs no lookup). An address
whose calls came without a valid token `api_max_failures_per_ip` times within
`api_lockout_minutes` is refused for that long, before any token it sends is
looked at, so guessing tokens gets nowhere. Counting and looking at the
lockout are one statement per call (throttle.hit), shared by every worker and
node; a refusal is a 429 problem+json with `Retry-After`.
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app, request

from .. import client, throttle, tokens
from ..i18n import _
from ..models import User
from ..throttle import Limit
from .problems import Problem, unauthorized

MINUTE = 60


def limits() -> tuple[Limit, Limit, Limit]:
    """Calls per token and per address (a minute each), and calls without a valid token per address."""
    settings = current_app.extensions["trato"].settings
    return (Limit("api.token", settings.api_requests_per_minute, MINUTE),
            Limit("api.ip", settings.api_requests_per_minute_per_ip, MINUTE),
            Limit("api.failed", settings.api_max_failures_per_ip, settings.api_lockout_minutes * 60, lock=True))


def too_many(wait: timedelta) -> Problem:
    seconds = int(wait.total_seconds())
    return Problem(429, _("Too many requests"),
                   _("Too many requests from this token or address. Try again in %(seconds)d seconds.",
                     seconds=seconds),
                   "rate-limited", {}, {"Retry-After": str(seconds)})


def admit() -> tuple[User, str]:
    """The calling user and their token's scope; a 429 past a limit, a 401 without a valid token."""
    per_token, per_address, failures = limits()
    address, header = client.address(), request.headers.get("Authorization")
    counted = [(per_address, address)]
    fingerprint = tokens.fingerprint(header)
    if fingerprint is not None:
        counted.append((per_token, fingerprint))
    wait = throttle.hit(counted, watched=[(failures, address)])
    if wait is not None:
        raise too_many(wait)
    found = tokens.authenticate_bearer(header)
    if found is None:
        wait = throttle.hit([(failures, address)])
        raise too_many(wait) if wait is not None else unauthorized()
    return found
