from __future__ import annotations

import pytest
from trato_trade import plugin as trade_plugin


@pytest.fixture
def trade_app(make_app):
    return make_app(plugins=["trade"], extra_plugins={"trade": trade_plugin})
