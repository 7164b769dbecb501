"""Offer invoicing and the plugins it needs to the testing kit whether or not they are pip-installed, and the
tests' shared helpers (tests/test_*_support.py) to the test modules under any import mode."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "tests", ROOT.parent / "contacts", ROOT.parent / "catalog", ROOT.parent / "sales"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from trato_catalog import plugin as catalog_plugin  # noqa: E402
from trato_contacts import plugin as contacts_plugin  # noqa: E402
from trato_invoicing import plugin as invoicing_plugin  # noqa: E402
from trato_sales import plugin as sales_plugin  # noqa: E402

PLUGINS = {"contacts": contacts_plugin, "catalog": catalog_plugin, "invoicing": invoicing_plugin}


@pytest.fixture
def invoicing_app(make_app):
    """An app with contacts, catalog and invoicing enabled (Spain's taxes made by the catalog's set-up)."""
    return make_app(plugins=list(PLUGINS), extra_plugins=PLUGINS)


@pytest.fixture
def invoicing_sales_app(make_app):
    """The same with sales enabled too: deals get quotes."""
    plugins = {**PLUGINS, "sales": sales_plugin}
    return make_app(plugins=list(plugins), extra_plugins=plugins)


@pytest.fixture
def ctx(invoicing_app):
    with invoicing_app.app_context():
        yield invoicing_app
