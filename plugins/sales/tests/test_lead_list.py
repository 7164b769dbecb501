"""The leads list opens without the converted leads; its filter chip says so, and removing it shows them."""
from __future__ import annotations

from urllib.parse import unquote

from trato import records


def test_converted_leads_are_left_out_until_the_filter_goes(sales_app, client_as):
    with sales_app.app_context():
        records.create("sales_lead", {"last_name": "Abierta", "company": "Talleres Sol"}, user=None)
        records.create("sales_lead", {"last_name": "Convertida", "company": "Bodegas Luna", "status": "converted"},
                       user=None)
    client = client_as("admin")
    opened = client.get("/r/sales_lead/")
    assert opened.status_code == 302 and "status__ne=converted" in unquote(opened.headers["Location"])
    page = client.get(opened.headers["Location"]).text
    assert "Abierta" in page and "Convertida" not in page
    everything = client.get("/r/sales_lead/?sort=last_name").text
    assert "Abierta" in everything and "Convertida" in everything
