"""Fixtures of the REST API's tests: an app with the `trade` sample plugin and clients holding bearer tokens."""
from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from trato_trade import plugin as trade_plugin
from werkzeug.test import TestResponse

from trato import tokens
from trato.models import User


class Api:
    """A test client that sends `Authorization: Bearer <token>` (and JSON) on every call."""

    def __init__(self, client: FlaskClient, token: str | None, user: User | None) -> None:
        self.client = client
        self.token = token
        self.user = user

    def call(self, method: str, path: str, headers: dict[str, str] | None = None, **kwargs: Any) -> TestResponse:
        sent = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return self.client.open(f"/api/v1/{path}", method=method, headers=sent | (headers or {}), **kwargs)

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> TestResponse:
        return self.call("POST", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> TestResponse:
        return self.call("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> TestResponse:
        return self.call("DELETE", path, **kwargs)


def token_for(app: Flask, user: User, scope: str) -> str:
    with app.extensions["trato"].sessionmaker() as session:
        _token, text = tokens.create(session, session.get(User, user.id), "API tests", scope, None)
        session.commit()
    return text


@pytest.fixture
def trade_app(make_app):
    return make_app(plugins=["trade"], extra_plugins={"trade": trade_plugin})


@pytest.fixture
def ana(make_user, trade_app):
    return make_user(name="Ana Pérez", app=trade_app)


@pytest.fixture
def bruno(make_user, trade_app):
    return make_user(name="Bruno Díaz", app=trade_app)


@pytest.fixture
def api_as(trade_app):
    """`api_as(user, scope=WRITE)`: an Api client holding a new token of that user."""

    def factory(user: User, scope: str = tokens.WRITE) -> Api:
        return Api(trade_app.test_client(), token_for(trade_app, user, scope), user)

    return factory


@pytest.fixture
def api(api_as, ana):
    """Ana's read and write client."""
    return api_as(ana)
