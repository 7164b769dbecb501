"""Offer the catalog to the testing kit whether or not it is pip-installed; an app with it enabled (Spain's
taxes and fiscal positions made by its set-up) and helpers to read them."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from trato import session  # noqa: E402
from trato_catalog import plugin  # noqa: E402
from trato_catalog.models import FiscalPosition, Tax, TaxCategory  # noqa: E402


@pytest.fixture
def catalog_app(make_app):
    """An app with the catalog enabled, in English."""
    return make_app(plugins=["catalog"], extra_plugins={"catalog": plugin})


@pytest.fixture
def ctx(catalog_app):
    with catalog_app.app_context():
        yield catalog_app


@pytest.fixture
def spain(ctx):
    """Ids of the shipped data: taxes by code, tax categories and fiscal positions by (English) name."""
    s = session()
    return {"tax": {k: v for k, v in s.execute(select(Tax.code, Tax.id))},
            "category": {k: v for k, v in s.execute(select(TaxCategory.name, TaxCategory.id))},
            "position": {k: v for k, v in s.execute(select(FiscalPosition.name, FiscalPosition.id))}}
