"""Users: creation, sign-in and password changes, for the web and the CLI alike."""
from __future__ import annotations

import re

from flask_login import login_user
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import db
from .errors import TratoError
from .models import User, utcnow
from .passwords import MIN_LENGTH, hash_password, needs_rehash, verify_password

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Compared against when the email is unknown, so both paths cost one argon2 verify.
_DUMMY_HASH = hash_password("not-a-real-password")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_password_rules(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise TratoError(f"the password must have at least {MIN_LENGTH} characters")


def create_user(session: Session, email: str, name: str, password: str, *, is_admin: bool = False,
                locale: str | None = None) -> User:
    email = normalise_email(email)
    if not EMAIL_RE.match(email):
        raise TratoError(f"{email!r} is not an email address")
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise TratoError(f"a user with email {email} already exists")
    check_password_rules(password)
    user = User(email=email, name=name.strip() or email, password_hash=hash_password(password),
                is_admin=is_admin, active=True, locale=locale, session_epoch=0)
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, user: User, password: str) -> None:
    """Change the password and end every session of the user."""
    check_password_rules(password)
    user.password_hash = hash_password(password)
    user.session_epoch += 1


def find_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    session = db.session()
    user = find_by_email(session, email)
    if user is None or not user.active:
        verify_password(_DUMMY_HASH, password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def sign_in(user: User, remember: bool = False) -> None:
    user.last_login_at = utcnow()
    db.session().commit()
    login_user(user, remember=remember)


def count_users(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User)) or 0
