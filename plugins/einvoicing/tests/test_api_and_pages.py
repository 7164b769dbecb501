"""Where people get e-invoices: the header buttons of an issued invoice's page and the REST calls; a draft is
refused (409), an incomplete invoice is refused naming what is missing (422, or messages on the page), and
only who may read the invoice gets it. A received UBL or CII invoice is read back over the API."""
import base64
from pathlib import Path

from lxml import etree

from trato import records, roles, session
from trato_einvoicing.parsing import parse
from trato_einvoicing.validation import validate
from trato_invoicing.issuing import create_invoice

from einvoicing_support import ON, customer, issued, line, set_seller


def outsider(make_user):
    """A user whose role has no permission on invoices."""
    session().add(roles.Role(name="outsider", label={"en": "Outsider"}, is_admin=False, builtin=False, position=9))
    session().commit()
    return make_user(role="outsider")


def test_the_api_gives_the_files_to_who_may_read_the_invoice(spain, make_user, api_client_as):
    set_seller()
    invoice = issued(customer(), [line("100.00")])
    api = api_client_as(make_user(admin=True))
    for kind, start in (("ubl", b"<?xml"), ("cii", b"<?xml"), ("facturx", b"%PDF")):
        answer = api.get(f"einvoicing/invoices/{invoice.id}/{kind}")
        assert answer.status_code == 200 and answer.data.startswith(start), kind
        assert f'filename="{invoice["number"]}-{kind}.' in answer.headers["Content-Disposition"]
    ubl = etree.fromstring(api.get(f"einvoicing/invoices/{invoice.id}/ubl").data)
    assert ubl.findtext("{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}ID") == \
        invoice["number"]
    assert api_client_as(outsider(make_user)).get(f"einvoicing/invoices/{invoice.id}/ubl").status_code in (403, 404)
    paths = api.get("openapi.json").get_json()["paths"]
    assert {"/api/v1/einvoicing/invoices/{invoice_id}/ubl", "/api/v1/einvoicing/invoices/{invoice_id}/facturx",
            "/api/v1/einvoicing/parse"} <= set(paths)


def test_a_draft_is_a_409_and_an_incomplete_invoice_a_422_naming_the_fields(spain, make_user, api_client_as):
    account = customer("Sin país", country=None)
    draft = create_invoice({"account_id": account.id, "issue_date": ON}, [line("10.00")], user=None)
    api = api_client_as(make_user(admin=True))
    answer = api.get(f"einvoicing/invoices/{draft.id}/cii")
    assert answer.status_code == 409 and answer.mimetype == "application/problem+json"
    assert answer.get_json()["errors"] == {
        "status": ["Only an issued invoice can be sent as an e-invoice: issue it first."]}
    incomplete = issued(account, [line("10.00")])  # the company has no tax ID yet, the customer no country
    answer = api.get(f"einvoicing/invoices/{incomplete.id}/ubl")
    assert answer.status_code == 422 and answer.mimetype == "application/problem+json"
    errors = answer.get_json()["errors"]
    assert {"seller_vat_id", "buyer_country"} <= set(errors)
    assert errors["buyer_country"][0].startswith("Customer's billing country (BR-11): ")
    assert api.get(f"einvoicing/invoices/{incomplete.id}/facturx").status_code == 422
    assert api.get(f"einvoicing/invoices/{incomplete.id + 100}/ubl").status_code == 404


def test_the_buttons_of_an_issued_invoice_and_what_the_page_says(einvoicing_app, make_user, client_as):
    # pages are asked outside the app context (a request in it would share its `g`, the signed-in user too)
    with einvoicing_app.app_context():
        set_seller()
        invoice = issued(customer(), [line("100.00")])
        draft = create_invoice({"account_id": customer().id, "issue_date": ON}, [line("10.00")], user=None)
        stranger = outsider(make_user)
    web = client_as(make_user(admin=True))
    page = web.get(f"/r/invoicing_invoice/{invoice.id}").text
    for kind, label in (("ubl", "UBL"), ("cii", "CII"), ("facturx", "Factur-X")):
        assert f'href="/einvoicing/invoice/{invoice.id}/{kind}"' in page and f"</i>{label}</a>" in page
    assert "/einvoicing/invoice/" not in web.get(f"/r/invoicing_invoice/{draft.id}").text
    got = web.get(f"/einvoicing/invoice/{invoice.id}/cii")
    assert got.status_code == 200 and b"CrossIndustryInvoice" in got.data
    refused = web.get(f"/einvoicing/invoice/{draft.id}/ubl", follow_redirects=True)
    assert "Only an issued invoice can be sent as an e-invoice" in refused.text
    with einvoicing_app.app_context():
        records.update("contacts_account", invoice["account_id"], {"billing_country": None}, user=None,
                       version=None)
    missing = web.get(f"/einvoicing/invoice/{invoice.id}/ubl", follow_redirects=True)
    assert "Customer&#39;s billing country (BR-11)" in missing.text and missing.request.path.startswith("/r/")
    assert client_as(stranger).get(f"/einvoicing/invoice/{invoice.id}/ubl").status_code == 404


def test_a_received_invoice_is_read_back(spain, make_user, api_client_as):
    set_seller()
    invoice = issued(customer(), [line("100.00", "2", description="Audit"), line("40.00", vat="IVA10")],
                     global_discount="5")
    api = api_client_as(make_user(admin=True))
    for kind in ("ubl", "cii"):
        xml = api.get(f"einvoicing/invoices/{invoice.id}/{kind}").data
        answer = api.post("einvoicing/parse", json={"content_base64": base64.b64encode(xml).decode()})
        assert answer.status_code == 200, answer.get_json()
        read = answer.get_json()
        assert (read["syntax"], read["number"], read["issue_date"], read["currency"]) == (
            kind, invoice["number"], "2026-11-02", "EUR")
        assert (read["seller"]["name"], read["seller"]["vat_id"]) == ("Ferretería Aranda SL", "ESB12345674")
        assert read["buyer"]["country"] == "ES"
        assert [(x["name"], x["quantity"], x["net"]) for x in read["lines"]] == [
            ("Audit", "2", "200.00"), ("1 x 40.00", "1", "40.00")]
        assert [(v["vat"]["category"], v["base"], v["amount"]) for v in read["vat"]] == [
            ("S", "190.00", "39.90"), ("S", "38.00", "3.80")]
        assert read["totals"]["payable"] == str(invoice["total"].amount)


def test_cens_own_examples_are_read_as_received_invoices(spain):
    data = Path(__file__).parent / "data"
    credit = parse((data / "ubl-tc434-creditnote1.xml").read_bytes())
    assert (credit.syntax, credit.type_code, credit.number, str(credit.issue_date)) == (
        "ubl", "381", "018304 / 28865", "2019-09-23")
    assert (credit.seller.name, credit.buyer.name) == ("My Supplier Company", "My Customer Company")
    assert str(credit.totals.payable) == "100.11"
    example = (data / "CII_example1.xml").read_bytes()
    invoice = parse(example)
    assert (invoice.syntax, invoice.number, invoice.currency, len(invoice.lines)) == ("cii", "12115118", "EUR", 20)
    assert invoice.lines[0].name == "PATAT FRITES 10MM 10KG" and str(invoice.totals.payable) == "250.33"
    assert validate(example) == []  # and CEN's rules pass CEN's example, as they should
    latin = etree.tostring(etree.fromstring(example), encoding="ISO-8859-1", xml_declaration=True)
    assert validate(latin) == [] and parse(latin).number == "12115118"  # whatever the file's encoding


def test_what_is_not_an_invoice_is_a_422_naming_the_field(spain, make_user, api_client_as):
    api = api_client_as(make_user(admin=True))
    other = api.post("einvoicing/parse", json={"xml": "<note><to>Tove</to></note>"})
    assert other.status_code == 422 and other.get_json()["errors"] == {
        "xml": ["This XML is not a UBL or CII invoice: its root element is note."]}
    garbage = api.post("einvoicing/parse", json={"content_base64": base64.b64encode(b"\x00\xffPK junk").decode()})
    assert garbage.status_code == 422 and garbage.get_json()["errors"]["content_base64"][0].startswith(
        "This is not well-formed XML")
    assert api.post("einvoicing/parse", json={"content_base64": "%%%"}).get_json()["errors"] == {
        "content_base64": ["This is not base64."]}
    assert "xml" in api.post("einvoicing/parse", json={}).get_json()["errors"]
    empty_ubl = api.post("einvoicing/parse", json={
        "xml": '<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>'})
    assert empty_ubl.status_code == 422 and empty_ubl.get_json()["errors"]["xml"] == ["The invoice has no number."]
