"""Offer sales and contacts to the testing kit whether or not they are pip-installed."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT.parent / "contacts"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from trato_contacts import plugin as contacts_plugin  # noqa: E402
from trato_sales import plugin as sales_plugin  # noqa: E402


@pytest.fixture
def sales_app(make_app):
    """An app with contacts and sales enabled (sales' first pipeline made by its set-up)."""
    return make_app(plugins=["contacts", "sales"], extra_plugins={"contacts": contacts_plugin, "sales": sales_plugin})


@pytest.fixture
def ctx(sales_app):
    with sales_app.app_context():
        yield sales_app
