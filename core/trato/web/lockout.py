"""What the sign-in pages and the profile share about failed attempts: count them, refuse when locked."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import ngettext

from .. import client, db, security_log, throttle
from ..models import User
from ..throttle import Limit


def _keys(email: str) -> list[tuple[Limit, str]]:
    by_email, by_address = throttle.login_limits(current_app.extensions["trato"].settings)
    return [(by_email, email), (by_address, client.address())]


def remaining(email: str) -> timedelta | None:
    """How long attempts for this email or from this address stay refused, or None."""
    return throttle.locked(_keys(email))


def count_failure(email: str, user: User | None, reason: str) -> timedelta | None:
    """Count a failed password or code, record it (and the lockout it starts, if any) as security events, commit.

    Counting comes first: it is written aside from the request's transaction
    (which it ends on SQLite), so nothing of the request's may be pending.
    """
    lock = throttle.hit(_keys(email))
    dbs = db.session()
    security_log.record(dbs, security_log.LOGIN_FAILED, user, email=email, reason=reason)
    if lock is not None:
        security_log.record(dbs, security_log.LOCKOUT, user, email=email)
    dbs.commit()
    return lock


def forget_failures(email: str) -> None:
    """A right password (and code) forgets the account's failures; the address's stay counted."""
    throttle.clear(_keys(email)[0][0], email)


def message(left: timedelta) -> str:
    return ngettext("Too many failed attempts. Try again in %(num)d minute.",
                    "Too many failed attempts. Try again in %(num)d minutes.", throttle.minutes(left))


def retry_after(left: timedelta) -> dict[str, str]:
    return {"Retry-After": str(int(left.total_seconds()) + 1)}
