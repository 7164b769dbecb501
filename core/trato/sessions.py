"""How long a sign-in lasts: an idle limit, an absolute limit, and remember-me within it.

The signed session cookie carries when the person signed in and when they
were last seen. Without "keep me signed in" the cookie ends with the browser
and `session_idle_minutes` without a request ends the sign-in; with it the
cookie is kept, and idleness does not count. Either way nothing outlives
`session_max_days` after the password was typed: the server checks the time
it signed into the cookie, and Flask refuses cookies signed longer ago.
Ending sessions early (deactivation, password change, logout everywhere) is
the user's `session_epoch`, checked in `security.load_user`.
"""
from __future__ import annotations

import time
from collections.abc import MutableMapping
from datetime import timedelta
from typing import Any

from flask import Flask, session

from .settings import Settings

SIGNED_IN_AT = "_trato_signed_in_at"
SEEN_AT = "_trato_seen_at"
REMEMBER = "_trato_remember"
# Refreshing "last seen" at most once a minute spares a new cookie on every request.
TOUCH_EVERY = 60
_FLASK_LOGIN_KEYS = ("_user_id", "_fresh", "_id", "_remember", "_remember_seconds")


def stamp(store: MutableMapping[str, Any], remember: bool = False) -> None:
    """Mark `store` (the session) as signed in now."""
    now = int(time.time())
    store[SIGNED_IN_AT] = now
    store[SEEN_AT] = now
    store[REMEMBER] = remember


def begin(remember: bool) -> None:
    """Start the sign-in clock; a remembered session's cookie outlives the browser."""
    stamp(session, remember)
    session.permanent = remember


def is_current(settings: Settings) -> bool:
    """Whether the signed-in session is within its limits; refreshes "last seen"."""
    signed_in_at, seen_at = session.get(SIGNED_IN_AT), session.get(SEEN_AT)
    if not isinstance(signed_in_at, int) or not isinstance(seen_at, int):
        return False
    now = time.time()
    if now - signed_in_at > settings.session_max_days * 86400:
        return False
    if not session.get(REMEMBER) and now - seen_at > settings.session_idle_minutes * 60:
        return False
    if now - seen_at >= TOUCH_EVERY:
        session[SEEN_AT] = int(now)
    return True


def forget() -> None:
    """Drop the sign-in from the session, keeping the rest (such as the chosen language)."""
    for key in (*_FLASK_LOGIN_KEYS, SIGNED_IN_AT, SEEN_AT, REMEMBER):
        session.pop(key, None)
    session.permanent = False


def remembered() -> bool:
    return bool(session.get(REMEMBER))


def init_app(app: Flask, settings: Settings) -> None:
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(days=settings.session_max_days)
