"""A user's sender identity and signature (their profile's mail settings), and which notifications they also
want by email."""
from __future__ import annotations

from email.utils import formataddr
from typing import Any

from flask import current_app
from sqlalchemy.orm import Session

from .models import MailProfile


def profile(session: Session, user: Any) -> MailProfile:
    """The user's mail profile (an unsaved empty one when they never set it)."""
    found = session.get(MailProfile, user.id)
    return found if found is not None else MailProfile(user_id=user.id, sender_name="", sender_email="",
                                                       signature="", notify=[])


def sender(session: Session, user: Any) -> tuple[str, str]:
    """The From and Reply-To of mail the user sends: their chosen name and address, else their own name at the
    install's sending address (`smtp_from`), replies going to their sign-in address."""
    mine = profile(session, user)
    settings = current_app.extensions["trato"].settings
    name = mine.sender_name or user.name
    return formataddr((name, mine.sender_email or settings.smtp_from)), mine.sender_email or user.email


def wants(session: Session, user_id: int, kind: str) -> bool:
    """Whether the user asked for notifications of `kind` by email too."""
    found = session.get(MailProfile, user_id)
    return found is not None and kind in (found.notify or [])
