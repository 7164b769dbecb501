"""Users: creation, sign-in, passwords and deactivation, for the web and the CLI alike.

Every change that must end a user's sessions bumps `session_epoch`; each
server-side session row carries the epoch it was made under (see sessions.py).
"""
from __future__ import annotations

import re
import secrets
from functools import cache

from flask_login import login_user
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import db, security_log, sessions
from .errors import TratoError
from .i18n import _
from .models import User, utcnow
from .passwords import MIN_LENGTH, hash_password, needs_rehash, verify_password
from .roles.membership import ADMINISTRATOR, assign_role, default_role
from .roles.models import Role

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@cache
def _dummy_hash() -> str:
    """Compared against when the email is unknown, so both paths cost one argon2 verify.

    Made at the first failed sign-in rather than at import, which every
    worker and command would otherwise pay for at start-up.
    """
    return hash_password("not-a-real-password")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_password_rules(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise TratoError(_("The password must have at least %(count)d characters.", count=MIN_LENGTH))


def create_user(session: Session, email: str, name: str, password: str | None, *, is_admin: bool = False,
                locale: str | None = None, role: Role | str | None = None) -> User:
    """Add a user; with `password=None` the user has none until they accept an invitation.

    The user gets `role` (a Role or its name); without one, the administrator
    role when `is_admin`, else the `default_role` setting's.
    """
    email = normalise_email(email)
    if not EMAIL_RE.match(email):
        raise TratoError(_("“%(email)s” is not an email address.", email=email))
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise TratoError(_("A user with the email %(email)s already exists.", email=email))
    if password is not None:
        check_password_rules(password)
    user = User(email=email, name=name.strip() or email, password_hash=hash_password(password) if password else "",
                is_admin=is_admin, active=True, locale=locale, session_epoch=0, must_change_password=False)
    session.add(user)
    session.flush()
    assign_role(session, user, role or (ADMINISTRATOR if is_admin else default_role(session)))
    return user


def set_password(session: Session, user: User, password: str) -> None:
    """Change the password and end every session of the user."""
    check_password_rules(password)
    user.password_hash = hash_password(password)
    user.must_change_password = False
    user.session_epoch += 1


class WrongPassword(TratoError):
    """The password given to prove who one is does not match."""


def change_own_password(session: Session, user: User, current: str, new: str) -> None:
    """The user's own change: the current password proves it is them."""
    if not verify_password(user.password_hash, current):
        raise WrongPassword(_("The current password is not right."))
    if current == new:
        raise TratoError(_("Choose a password different from the current one."))
    set_password(session, user, new)
    security_log.record(session, security_log.PASSWORD_CHANGED, user)


def set_temporary_password(session: Session, user: User, admin: User) -> str:
    """Give the user a new random password to be changed at the next sign-in; returns it once."""
    password = secrets.token_urlsafe(12)
    set_password(session, user, password)
    user.must_change_password = True
    security_log.record(session, security_log.PASSWORD_RESET, user, actor=admin, method="temporary")
    return password


def set_active(session: Session, user: User, active: bool, admin: User) -> None:
    """Deactivate (ending the user's sessions at once) or reactivate an account."""
    if user.id == admin.id and not active:
        raise TratoError(_("You cannot deactivate your own account."))
    if user.active == active:
        return
    user.active = active
    user.session_epoch += 1
    security_log.record(session, security_log.REACTIVATED if active else security_log.DEACTIVATED, user,
                        actor=admin)


def end_all_sessions(session: Session, user: User) -> None:
    """Log out everywhere, this browser included."""
    user.session_epoch += 1
    security_log.record(session, security_log.LOGOUT_EVERYWHERE, user)


def find_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None (at the same cost either way)."""
    session = db.session()
    user = find_by_email(session, email)
    if user is None or not user.active or not user.has_password:
        verify_password(_dummy_hash(), password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def sign_in(user: User, remember: bool = False, method: str = "password") -> None:
    """Record the sign-in and start a session that stays within the configured limits."""
    session = db.session()
    user.last_login_at = utcnow()
    security_log.record(session, security_log.LOGIN, user, method=method)
    sessions.begin(session, user, remember)
    session.commit()
    login_user(user)


def count_users(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User)) or 0
