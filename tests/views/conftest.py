"""Fixtures of the generic record pages: the `trade` sample plugin's accounts and deals."""
from __future__ import annotations

import pytest
from trato_trade import plugin as trade_plugin


@pytest.fixture
def trade_app(make_app):
    return make_app(plugins=["trade"], extra_plugins={"trade": trade_plugin})


@pytest.fixture
def vehicle_app(trade_app):
    """The trade app plus a custom entity an admin has just made: vehicles with a select, money and a date."""
    from trato.schema import EntitySpec, FieldSpec, create_entity

    with trade_app.app_context():
        create_entity(EntitySpec(
            "vehicle", {"en": "Vehicle", "es": "Vehículo"}, {"en": "Vehicles", "es": "Vehículos"},
            [FieldSpec("plate", "text", {"en": "Plate", "es": "Matrícula"}, required=True),
             FieldSpec("status", "select", {"en": "Status", "es": "Estado"}, filterable=True,
                       options=[{"value": "stock", "label": {"en": "In stock", "es": "En stock"}},
                                {"value": "sold", "label": {"en": "Sold", "es": "Vendido"}}]),
             FieldSpec("price", "money", {"en": "Price", "es": "Precio"}, settings={"currency": "EUR"}),
             FieldSpec("delivered_on", "date", {"en": "Delivered on", "es": "Entregado el"})],
            title_field="plate", search_fields=["plate"]))
    return trade_app
