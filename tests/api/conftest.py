"""Fixtures of the REST API's tests: an app with the `trade` sample plugin and clients holding bearer tokens."""
from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select
from trato_trade import plugin as trade_plugin

from trato import tokens
from trato.models import User
from trato.roles import Role, RoleFieldRule
from trato.testing import ApiClient as Api
from trato.testing import api_token


def token_for(app: Flask, user: User, scope: str) -> str:
    return api_token(app, user, scope, "API tests")


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
def city_hidden(trade_app) -> None:
    """An account's city is hidden from the sales_rep role (Ana's and Bruno's)."""
    with trade_app.extensions["trato"].sessionmaker() as session:
        role_id = session.scalar(select(Role.id).where(Role.name == "sales_rep"))
        session.add(RoleFieldRule(role_id=role_id, entity="trade_account", field="city", rule="hidden"))
        session.commit()


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
