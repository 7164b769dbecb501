"""The plugin builds, migrates (SQLite and PostgreSQL) as its models say, makes its series and lists each
entity."""
from trato import numbering
from trato.testing import migration_drift

from trato_invoicing.models import ENTITIES, InvoiceTax
from trato_invoicing.setup import SERIES


def test_the_migration_matches_the_models(invoicing_app):
    """The documents' tables (the other parts check theirs)."""
    tables = {model.__tablename__ for model in ENTITIES} | {InvoiceTax.__tablename__}
    assert [d for d in migration_drift(invoicing_app, "invoicing_") if _table(d) in tables] == []


def _table(difference: tuple) -> str | None:
    """The table an Alembic autogenerate difference is about."""
    for part in difference:
        for owner in (part, getattr(part, "table", None)):
            if hasattr(owner, "name") and str(getattr(owner, "name", "")).startswith("invoicing_") and \
                    hasattr(owner, "columns"):
                return owner.name
        if isinstance(part, str) and part.startswith("invoicing_"):
            return part
    return None


def test_enabling_makes_the_series_and_every_list_opens(invoicing_app, client_as):
    with invoicing_app.app_context():
        series = {s.code: s for s in numbering.all_series()}
    for code, (pattern, _label) in SERIES.items():
        assert series[code].pattern == pattern and series[code].reset_yearly
    client = client_as("admin")
    for model in ENTITIES:
        page = client.get(f"/r/{model.__tablename__}/")
        assert page.status_code == 200, model.__tablename__
        assert str(model.__entity__.plural) in page.text
    menu = client.get("/r/invoicing_invoice/").text
    assert "Invoicing" in menu and "Sales orders" in menu
    for entity, heading in (("invoicing_quote", "Presupuesto"), ("invoicing_order", "Pedido de venta"),
                            ("invoicing_invoice", "Factura")):
        form = client.get(f"/r/{entity}/new", headers={"Accept-Language": "es"})
        assert form.status_code == 200 and heading in form.text and "Descuento global" in form.text
