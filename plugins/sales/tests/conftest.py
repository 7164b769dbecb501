"""Offer sales and contacts to the testing kit whether or not they are pip-installed; the first pipeline, the
lost reasons and deals for the tests."""
from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT.parent / "contacts"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from trato import RecordData, records  # noqa: E402
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


@dataclass(frozen=True)
class Pipeline:
    """The first pipeline (made when sales is enabled) and its stages' ids by name."""

    id: int
    stages: dict[str, int]


@pytest.fixture
def pipeline(sales_app) -> Pipeline:
    from trato_sales import reports

    with sales_app.app_context():
        first = records.query("sales_pipeline", user=None).order_by("position").page().items[0]
        return Pipeline(first.id, {s.name: s.id for s in reports.stages(first.id)})


@pytest.fixture
def reasons(sales_app) -> dict[str, int]:
    """The lost reasons the plugin's migration adds, by name."""
    with sales_app.app_context():
        return {r["name"]: r.id for r in records.query("sales_lost_reason", user=None).page(limit=50).items}


@pytest.fixture
def make_deal(sales_app, pipeline) -> Callable[..., RecordData]:
    """`make_deal(name, stage="Proposal", user=None, **values)`: a deal of the first pipeline, through the record
    service."""

    def factory(name: str, stage: str = "Proposal", user: Any = None, **values: Any) -> RecordData:
        with sales_app.app_context():
            return records.create("sales_deal", {"name": name, "pipeline_id": pipeline.id,
                                                 "stage_id": pipeline.stages[stage], **values}, user=user)

    return factory
