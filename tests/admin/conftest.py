"""Fixtures of the admin screens' tests: an app with the `trade` sample plugin enabled."""
from __future__ import annotations

import pytest
from trato_trade import plugin as trade_plugin


@pytest.fixture
def trade_app(make_app):
    """An app whose `trade` plugin (accounts and deals) is enabled."""
    return make_app(plugins=["trade"], extra_plugins={"trade": trade_plugin})


@pytest.fixture
def admin_client(client_as, trade_app):
    return client_as("admin", app=trade_app)
