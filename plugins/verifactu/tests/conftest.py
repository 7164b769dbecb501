"""Offer verifactu and the plugins it needs to the testing kit whether or not they are pip-installed, and the
tests' shared helpers (tests/verifactu_support.py) to the test modules under any import mode."""
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

from verifactu_support import PLUGINS, set_issuer  # noqa: E402


@pytest.fixture
def vf_app(make_app):
    """An app of a Spanish business with contacts, catalog, invoicing and verifactu enabled, its company's
    currency the euro and its tax id set."""
    app = make_app(plugins=list(PLUGINS), extra_plugins=PLUGINS, default_currency="EUR")
    set_issuer(app)
    return app


@pytest.fixture
def vf(vf_app):
    """An app context of it, for service-level tests."""
    with vf_app.app_context():
        yield vf_app
