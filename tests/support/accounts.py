"""Helpers of the account tests: signing in through the form, reading what a page showed once, codes."""
from __future__ import annotations

import html
import re
import time
from typing import Any

import pyotp
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from trato.models import User
from trato.security_log import SecurityEvent
from trato.testing import TEST_PASSWORD


def sign_in(client: FlaskClient, email: str, password: str = TEST_PASSWORD, **form: Any) -> TestResponse:
    return client.post("/login", data={"email": email, "password": password, **form})


def shown_value(page: TestResponse | str, element_id: str) -> str:
    """The value of the read-only input `element_id` (links, passwords, keys shown once)."""
    text = page if isinstance(page, str) else page.get_data(as_text=True)
    match = re.search(rf'id="{element_id}"[^>]*value="([^"]*)"', text)
    assert match, f"no #{element_id} on the page"
    return html.unescape(match.group(1))


def totp_code(secret: str, steps_ahead: int = 0) -> str:
    """The authenticator app's code, now or a time step ahead (each code is accepted once)."""
    return pyotp.TOTP(secret).at(time.time(), counter_offset=steps_ahead)


def reload(app: Flask, user: User) -> User:
    with app.extensions["trato"].sessionmaker() as session:
        fresh = session.get(User, user.id)
        assert fresh is not None
        return fresh


def event_kinds(app: Flask, user: User | None = None) -> list[str]:
    """The kinds of security events, oldest first (about `user`, when given)."""
    query = select(SecurityEvent.kind).order_by(SecurityEvent.id)
    if user is not None:
        query = query.where(SecurityEvent.user_id == user.id)
    with app.extensions["trato"].sessionmaker() as session:
        return list(session.scalars(query))
