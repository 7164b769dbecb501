"""Optional two-factor sign-in: time-based codes (TOTP, RFC 6238) and one-time recovery codes.

Enrolment keeps a new secret on the user and turns two-factor on only once
a code from the authenticator app proves the secret was copied right. A
code is accepted once: the time step of the last accepted code is kept and
an equal or older one is refused. Recovery codes are random (80 bits), so
a SHA-256 of each is enough to store; each works once.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from datetime import datetime

import pyotp
from sqlalchemy import ForeignKey, Index, String, delete, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from . import security_log
from .db import Base
from .errors import TratoError
from .fields.sqltypes import UTCDateTime
from .i18n import _
from .models import User, utcnow

ISSUER = "Trato"
RECOVERY_CODES = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
_GROUPS, _GROUP_LEN = 4, 4

TOTP = "totp"
RECOVERY = "recovery"


class RecoveryCode(Base):
    __tablename__ = "core_recovery_code"
    __table_args__ = (Index("ix_core_recovery_code_user_id_code_hash", "user_id", "code_hash", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class WrongCode(TratoError):
    """The code is not the current one from the app, nor an unused recovery code."""


def _wrong() -> WrongCode:
    return WrongCode(_("The code is not right."))


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _normalise(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def begin_enrolment(user: User) -> str:
    """Keep a new secret on the user (two-factor stays off until confirmed) and return it."""
    if user.two_factor:
        raise TratoError(_("Two-factor sign-in is already on."))
    user.totp_secret = pyotp.random_base32()
    user.totp_last_counter = None
    return user.totp_secret


def provisioning_uri(user: User) -> str:
    """The otpauth:// address an authenticator app accepts in place of a QR code."""
    return pyotp.TOTP(user.totp_secret or "").provisioning_uri(name=user.email, issuer_name=ISSUER)


def _accept_totp(user: User, code: str) -> bool:
    """Whether `code` is the app's code for now (one step of clock drift allowed), used for the first time."""
    if not user.totp_secret or len(code) != 6 or not code.isdigit():
        return False
    totp = pyotp.TOTP(user.totp_secret)
    now = totp.timecode(time.time())
    for counter in (now - 1, now, now + 1):
        if hmac.compare_digest(totp.generate_otp(counter), code):
            if user.totp_last_counter is not None and counter <= user.totp_last_counter:
                return False
            user.totp_last_counter = counter
            return True
    return False


def _use_recovery_code(session: Session, user: User, code: str) -> bool:
    used = session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _digest(code), RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())
    )
    return used.rowcount == 1  # type: ignore[attr-defined]


def _new_recovery_codes(session: Session, user: User) -> list[str]:
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = ["-".join("".join(secrets.choice(_ALPHABET) for _ in range(_GROUP_LEN)) for _ in range(_GROUPS))
             for _ in range(RECOVERY_CODES)]
    session.add_all(RecoveryCode(user_id=user.id, code_hash=_digest(_normalise(c))) for c in codes)
    return codes


def confirm_enrolment(session: Session, user: User, code: str) -> list[str]:
    """Turn two-factor on if `code` matches the new secret; return the recovery codes (shown once)."""
    if user.two_factor or not user.totp_secret:
        raise TratoError(_("Start setting up two-factor sign-in first."))
    if not _accept_totp(user, _normalise(code)):
        raise _wrong()
    user.totp_enabled_at = utcnow()
    codes = _new_recovery_codes(session, user)
    security_log.record(session, security_log.TWO_FACTOR_ENABLED, user)
    return codes


def verify(session: Session, user: User, code: str) -> str:
    """Check a sign-in code: return TOTP or RECOVERY for what it was, or raise WrongCode."""
    clean = _normalise(code)
    if _accept_totp(user, clean):
        return TOTP
    if len(clean) == _GROUPS * _GROUP_LEN and _use_recovery_code(session, user, clean):
        security_log.record(session, security_log.RECOVERY_CODE_USED, user)
        return RECOVERY
    raise _wrong()


def renew_recovery_codes(session: Session, user: User, code: str) -> list[str]:
    """New recovery codes (the old ones stop working), after a code proves it is the user."""
    verify(session, user, code)
    codes = _new_recovery_codes(session, user)
    security_log.record(session, security_log.RECOVERY_CODES_RENEWED, user)
    return codes


def disable(session: Session, user: User, code: str) -> None:
    """Turn two-factor off, after a code proves it is the user."""
    verify(session, user, code)
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_counter = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    security_log.record(session, security_log.TWO_FACTOR_DISABLED, user)


def recovery_codes_left(session: Session, user: User) -> int:
    return session.scalar(select(func.count()).select_from(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                                                               RecoveryCode.used_at.is_(None))) or 0
