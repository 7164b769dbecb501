"""Fixtures of the entity engine's tests: an app with the `trade` sample plugin enabled."""
from __future__ import annotations

import pytest
from trato_trade import hooks as trade_hooks
from trato_trade import plugin as trade_plugin


@pytest.fixture
def trade_app(make_app):
    """An app whose `trade` plugin (accounts and deals) is enabled."""
    return make_app(plugins=["trade"], extra_plugins={"trade": trade_plugin})


@pytest.fixture
def ctx(trade_app):
    """`trade_app`'s app context, for calling the services directly."""
    with trade_app.app_context():
        yield trade_app


@pytest.fixture
def admin(make_user, trade_app):
    return make_user(admin=True, name="Ada Admin", app=trade_app)


@pytest.fixture
def ana(make_user, trade_app):
    return make_user(name="Ana Pérez", app=trade_app)


@pytest.fixture
def bruno(make_user, trade_app):
    return make_user(name="Bruno Díaz", app=trade_app)


@pytest.fixture
def events():
    """What trade's after_save and after_delete recorded, from the test's start."""
    trade_hooks.EVENTS.clear()
    return trade_hooks.EVENTS
