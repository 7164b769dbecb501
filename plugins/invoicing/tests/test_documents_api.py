"""The documents' API actions and pages: issue, rectify, convert over the REST API (refusals as 422 naming the
field); header buttons, the credit note form and the account's tabs."""
from datetime import date

from trato import records

from test_documents_support import customer, line

pytest_plugins = ("test_documents_support",)  # its fixtures: spain, spain_app


def test_the_chain_through_the_api(spain_app, make_user, api_client_as):
    admin = make_user(admin=True)
    with spain_app.app_context():
        account = customer()
        quote = records.create("invoicing_quote", {"account_id": account.id, "issue_date": date(2026, 11, 2),
                                                   "lines": [line("100.00", "4")]}, user=admin)
    api = api_client_as(admin)
    ordered = api.post(f"invoicing_quote/{quote.id}/order", json={})
    assert ordered.status_code == 201 and ordered.get_json()["number"] == "PV2026-00001"
    order_id = ordered.get_json()["id"]
    (order_line,) = api.get(f"invoicing_order/{order_id}").get_json()["lines"]
    too_many = api.post(f"invoicing_order/{order_id}/invoice", json={"quantities": {str(order_line["id"]): "5"}})
    assert too_many.status_code == 422
    assert too_many.get_json()["errors"] == {
        f"quantities.{order_line['id']}": ["Invoice more than 0 and at most 4.000."]}
    invoiced = api.post(f"invoicing_order/{order_id}/invoice", json={"quantities": {str(order_line["id"]): "3"}})
    assert invoiced.status_code == 201 and invoiced.get_json()["total"] == {"amount": "363.00", "currency": "EUR"}
    invoice_id = invoiced.get_json()["id"]

    issued = api.post(f"invoicing_invoice/{invoice_id}/issue", json={})
    assert issued.status_code == 200 and (issued.get_json()["number"], issued.get_json()["status"]) == (
        "F2026-00001", "issued")
    again = api.post(f"invoicing_invoice/{invoice_id}/issue", json={})
    assert again.status_code == 422 and again.get_json()["errors"] == {
        "status": ["Invoice F2026-00001 is already issued."]}
    bad = api.post(f"invoicing_invoice/{invoice_id}/rectify", json={"method": "differences", "reason": "R9"})
    assert bad.status_code == 422 and "rectification_reason" in bad.get_json()["errors"]
    credit = api.post(f"invoicing_invoice/{invoice_id}/rectify", json={"method": "differences", "reason": "R4"})
    assert credit.status_code == 201 and credit.get_json()["total"] == {"amount": "-363.00", "currency": "EUR"}
    assert api.post(f"invoicing_quote/{quote.id}/invoice", json={}).status_code == 201
    assert api.post("invoicing_invoice/999999/issue", json={}).status_code == 404


def test_header_buttons_the_credit_note_form_and_the_account_tabs(spain_app, make_user, client_as):
    admin = make_user(admin=True)
    with spain_app.app_context():
        account = customer("Talleres Zubia")
        contact = records.create("contacts_contact", {"last_name": "Zubia", "account_id": account.id}, user=admin)
        invoice = records.create("invoicing_invoice", {"account_id": account.id, "contact_id": contact.id,
                                                       "issue_date": date(2026, 11, 2), "lines": [line("80.00")]},
                                 user=admin)
    client = client_as(admin)
    page = client.get(f"/r/invoicing_invoice/{invoice.id}").get_data(as_text=True)
    assert f"/invoicing/invoicing_invoice/{invoice.id}/issue" in page and "Issue" in page
    done = client.post(f"/invoicing/invoicing_invoice/{invoice.id}/issue", follow_redirects=True)
    assert "Invoice F2026-00001 issued." in done.get_data(as_text=True)
    assert "Create credit note" in done.get_data(as_text=True)
    form = client.get(f"/invoicing/invoicing_invoice/{invoice.id}/rectify")
    assert form.status_code == 200 and "R4: other reasons" in form.get_data(as_text=True)
    refused = client.post(f"/invoicing/invoicing_invoice/{invoice.id}/rectify", data={"method": "differences",
                                                                                      "reason": "R5"})
    assert refused.status_code == 422 and "only for it" in refused.get_data(as_text=True)
    made = client.post(f"/invoicing/invoicing_invoice/{invoice.id}/rectify",
                       data={"method": "differences", "reason": "R1"}, follow_redirects=True)
    assert "Credit note drafted" in made.get_data(as_text=True)
    tabs = client.get(f"/r/contacts_account/{account.id}").get_data(as_text=True)
    assert "Quotes" in tabs and "Sales orders" in tabs and "F2026-00001" in tabs
    on_contact = client.get(f"/r/contacts_contact/{contact.id}", headers={"Accept-Language": "es"}).get_data(
        as_text=True)
    assert "Pedidos de venta" in on_contact and "F2026-00001" in on_contact and "Aún no hay presupuestos." in on_contact
    spanish = client.get(f"/r/invoicing_invoice/{invoice.id}", headers={"Accept-Language": "es"})
    assert spanish.status_code == 200 and "Crear abono" in spanish.get_data(as_text=True)
