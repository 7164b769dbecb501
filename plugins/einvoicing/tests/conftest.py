"""Offer einvoicing and the plugins it needs to the testing kit whether or not they are pip-installed, and the
invoicing tests' helpers (customers, taxes, lines) to these tests."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PLUGINS_DIR = ROOT.parent
for path in (ROOT, ROOT / "tests", PLUGINS_DIR / "invoicing", PLUGINS_DIR / "invoicing" / "tests",
             PLUGINS_DIR / "contacts", PLUGINS_DIR / "catalog"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from trato_catalog import plugin as catalog_plugin  # noqa: E402
from trato_contacts import plugin as contacts_plugin  # noqa: E402
from trato_einvoicing import plugin as einvoicing_plugin  # noqa: E402
from trato_invoicing import plugin as invoicing_plugin  # noqa: E402

PLUGINS = {"contacts": contacts_plugin, "catalog": catalog_plugin, "invoicing": invoicing_plugin,
           "einvoicing": einvoicing_plugin}


@pytest.fixture
def einvoicing_app(make_app):
    """A Spanish business's app (euros) with einvoicing and what it needs enabled."""
    return make_app(plugins=list(PLUGINS), extra_plugins=PLUGINS, default_currency="EUR")


@pytest.fixture
def spain(einvoicing_app):
    with einvoicing_app.app_context():
        yield einvoicing_app
