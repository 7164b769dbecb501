"""Fixtures of the activity tests: the `trade` sample plugin's accounts and deals, and people to act on them."""
from __future__ import annotations

import pytest
from sqlalchemy import select
from trato_trade import plugin as trade_plugin

from trato.testing import signed_in_client


@pytest.fixture
def trade_app(make_app):
    return make_app(plugins=["trade"], extra_plugins={"trade": trade_plugin})


@pytest.fixture
def ana(trade_app, make_user):
    return make_user("ana@example.com", admin=True, name="Ana")


@pytest.fixture
def bruno(trade_app, make_user):
    return make_user("bruno@example.com", admin=True, name="Bruno")


@pytest.fixture
def as_ana(trade_app, ana):
    return signed_in_client(trade_app, ana)


@pytest.fixture
def account(trade_app, make_record, ana):
    return make_record("trade_account", owner=ana, name="Acme Ibérica", city="Madrid")


def text(response) -> str:
    return response.get_data(as_text=True)


HX = {"HX-Request": "true"}


def rows(app, model, *where):
    """Every row of `model` (matching `where`), oldest first, read in a session of its own."""
    with app.extensions["trato"].sessionmaker() as session:
        found = list(session.scalars(select(model).where(*where).order_by(*model.__table__.primary_key.columns)))
        session.expunge_all()
        return found
