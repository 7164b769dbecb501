"""What the sign-in pages and the profile share about failed attempts: count them, refuse when locked."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app, request
from flask_babel import ngettext

from .. import db, security_log, throttle
from ..models import User


def client_ip() -> str:
    return (request.remote_addr or "unknown")[:45]


def remaining(email: str) -> timedelta | None:
    """How long attempts for this email or from this address stay refused, or None."""
    return throttle.locked_for(db.session(), current_app.extensions["trato"].settings, email, client_ip())


def count_failure(email: str, user: User | None, reason: str) -> timedelta | None:
    """Record a failed password or code (and the lockout it starts, if any), and commit."""
    dbs = db.session()
    security_log.record(dbs, security_log.LOGIN_FAILED, user, email=email, reason=reason)
    lock = throttle.record_failure(dbs, current_app.extensions["trato"].settings, email, client_ip())
    if lock is not None:
        security_log.record(dbs, security_log.LOCKOUT, user, email=email)
    dbs.commit()
    return lock


def message(left: timedelta) -> str:
    return ngettext("Too many failed attempts. Try again in %(num)d minute.",
                    "Too many failed attempts. Try again in %(num)d minutes.", throttle.minutes(left))


def retry_after(left: timedelta) -> dict[str, str]:
    return {"Retry-After": str(int(left.total_seconds()) + 1)}
