"""The chains' admin page (full page and HTMX fragment, English and Spanish) and the cancellation of an
invoice's record from its page's header button and from the REST API, for administrators only."""
from trato_verifactu.chain import recorded_fields
from trato_verifactu.fingerprint import anulacion_input
from verifactu_support import ISSUER, chain_of, customer, issued

ES = {"Accept-Language": "es"}


def test_the_chains_page_and_its_check(vf_app, client_as):
    with vf_app.app_context():
        issued(customer(), "10.00")
        issued(customer(), "20.00")
    admin = client_as("admin")
    page = admin.get("/verifactu/")
    assert page.status_code == 200
    assert ISSUER in page.text and "Check the chains" in page.text and 'class="table-responsive"' in page.text
    assert 'href="/verifactu/"' in admin.get("/").text                     # under Administration in the menu
    fragment = admin.post("/verifactu/check", headers={"HX-Request": "true"})
    assert "<html" not in fragment.text
    assert f"Chain {ISSUER} is intact: 2 records." in fragment.text
    full = admin.post("/verifactu/check")
    assert "<html" in full.text and f"Chain {ISSUER} is intact: 2 records." in full.text
    spanish = admin.post("/verifactu/check", headers={**ES, "HX-Request": "true"})
    assert f"La cadena {ISSUER} está íntegra: 2 registros." in spanish.text
    assert "Comprobar las cadenas" in admin.get("/verifactu/", headers=ES).text


def test_a_sales_rep_neither_sees_nor_checks_the_chains(vf_app, client_as):
    rep = client_as("user")
    assert rep.get("/verifactu/").status_code == 403
    assert rep.post("/verifactu/check").status_code == 403
    assert 'href="/verifactu/"' not in rep.get("/").text


def test_cancelling_from_the_invoice_page(vf_app, client_as, make_user):
    with vf_app.app_context():
        invoice = issued(customer(), "10.00")
    admin = client_as("admin")
    detail = f"/r/invoicing_invoice/{invoice.id}"
    page = admin.get(detail)
    assert f'action="/verifactu/invoices/{invoice.id}/cancel"' in page.text and "Cancel VeriFactu record" in page.text
    rep = client_as(make_user(role="sales_rep"))
    assert "Cancel VeriFactu record" not in rep.get(detail).text
    assert rep.post(f"/verifactu/invoices/{invoice.id}/cancel").status_code == 403
    done = admin.post(f"/verifactu/invoices/{invoice.id}/cancel", follow_redirects=True)
    with vf_app.app_context():
        alta, anulacion = chain_of()
    assert f"The cancellation of invoice {invoice['number']} is recorded (VeriFactu record {anulacion.id})." \
        in done.text
    assert (anulacion.kind, anulacion.invoice_id, anulacion.previous_fingerprint) == \
        ("anulacion", invoice.id, alta.fingerprint)
    assert anulacion_input(recorded_fields(anulacion)) == (
        f"IDEmisorFacturaAnulada={ISSUER}&NumSerieFacturaAnulada={invoice['number']}"
        f"&FechaExpedicionFacturaAnulada=15-01-2027&Huella={alta.fingerprint}"
        f"&FechaHoraHusoGenRegistro={anulacion.generated_at}")
    assert "Cancel VeriFactu record" not in admin.get(detail).text
    again = admin.post(f"/verifactu/invoices/{invoice.id}/cancel", follow_redirects=True, headers=ES)
    assert f"El registro VeriFactu de la factura {invoice['number']} ya está anulado." in again.text
    with vf_app.app_context():
        assert len(chain_of()) == 2


def test_cancelling_through_the_api(vf_app, api_client_as, make_user):
    with vf_app.app_context():
        invoice = issued(customer(), "10.00")
    path = f"invoicing_invoice/{invoice.id}/verifactu_cancel"
    assert api_client_as(make_user(role="sales_rep")).post(path, json={}).status_code == 403
    api = api_client_as("admin")
    made = api.post(path, json={})
    assert made.status_code == 201
    with vf_app.app_context():
        alta, anulacion = chain_of()
    assert made.json == {"record_id": anulacion.id, "kind": "anulacion", "invoice_id": invoice.id,
                         "number": invoice["number"], "fingerprint": anulacion.fingerprint,
                         "previous_fingerprint": alta.fingerprint, "generated_at": anulacion.generated_at}
    refused = api.post(path, json={})
    assert refused.status_code == 422
    assert refused.json["errors"]["status"] == [
        f"The VeriFactu record of invoice {invoice['number']} is cancelled already."]
