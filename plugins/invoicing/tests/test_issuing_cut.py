"""PostgreSQL ends the connection of an issue request in the middle of its transaction (after the number was
taken); the client retries with the same Idempotency-Key: one invoice, one number, no gap."""
import os
from datetime import date

import pytest
from issuing_cut import ARMED, cut
from sqlalchemy import make_url

from conftest import PLUGINS
from test_documents_support import customer, line
from trato import records

URL = os.environ.get("TRATO_TEST_DATABASE_URL", "")


@pytest.mark.skipif(not URL.startswith("postgresql"), reason="a server ending a connection is PostgreSQL's")
def test_an_issue_cut_off_by_the_database_and_retried_makes_one_invoice_with_one_number(
        make_app, make_user, api_client_as, trato_db_url):
    plugins = {**PLUGINS, "cut": cut}
    app = make_app(plugins=list(plugins), extra_plugins=plugins, default_currency="EUR")
    admin = make_user(admin=True, app=app)
    with app.app_context():
        account = customer()
        first, second = (records.create("invoicing_invoice", {"account_id": account.id, "issue_date": date(2026, 11, 2),
                                                              "lines": [line("10.00")]}, user=admin).id
                         for _ in range(2))
    api = api_client_as(admin)
    ARMED.append(make_url(trato_db_url).set(drivername="postgresql").render_as_string(hide_password=False))
    lost = api.post(f"invoicing_invoice/{first}/issue", json={}, headers={"Idempotency-Key": "cut-1"})
    assert not ARMED and lost.status_code == 503, lost.get_data(as_text=True)
    assert lost.get_json()["status"] == 503
    with app.app_context():
        assert records.get("invoicing_invoice", first, user=None)["status"] == "draft"
    retried = api.post(f"invoicing_invoice/{first}/issue", json={}, headers={"Idempotency-Key": "cut-1"})
    assert retried.status_code == 200 and retried.get_json()["number"] == "F2026-00001"
    again = api.post(f"invoicing_invoice/{first}/issue", json={}, headers={"Idempotency-Key": "cut-1"})
    assert again.headers["Idempotent-Replayed"] == "true" and again.get_json()["number"] == "F2026-00001"
    assert api.post(f"invoicing_invoice/{second}/issue", json={}).get_json()["number"] == "F2026-00002"
    with app.app_context():
        issued = records.query("invoicing_invoice", user=None).where({"status": "issued"}).page(limit=10).items
    assert sorted(i["number"] for i in issued) == ["F2026-00001", "F2026-00002"]
