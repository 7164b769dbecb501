"""Converting a lead: the existing contact and account offered by the duplicate search, a private person as a
contact only, what the lead carries along, the conversion API, and the lead_converted hook."""
from __future__ import annotations

import io
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text

from trato import Money, records, tokens
from trato import session as db_session
from trato_sales.conversion import NEW, NONE, Choices, DealWish, convert, offer

SUPPORT = str(Path(__file__).parent / "support")
if SUPPORT not in sys.path:
    sys.path.insert(0, SUPPORT)

from lead_records import count, make, stored  # noqa: E402

ZUBI_EMAIL = "ana.etxebarria@zubi.example.es"


@pytest.fixture
def admin(sales_app, make_user):
    return make_user(admin=True, name="Admin", app=sales_app)


@pytest.fixture
def talleres(sales_app, admin):
    """Two garages whose names start alike, and Ana, who works at the second."""
    ruiz = make(sales_app, "contacts_account", admin, name="Talleres Hermanos Ruiz", billing_city="Logroño")
    zubi = make(sales_app, "contacts_account", admin, name="Talleres Zubi SL", tax_id="B48123459")
    ana = make(sales_app, "contacts_contact", admin, first_name="Ana", last_name="Etxebarria", email=ZUBI_EMAIL,
               account_id=zubi.id)
    return ruiz, zubi, ana


def lead_of(app, user=None, **values):
    return make(app, "sales_lead", user, **({"last_name": "Etxebarria"} | values))


def test_a_second_lead_with_the_same_email_becomes_the_same_contact(sales_app, admin, talleres):
    """The issue: a second lead with a known email made a second contact at the same account."""
    ruiz, zubi, ana = talleres
    lead = lead_of(sales_app, admin, first_name="Ana", company="Talleres Zubi, S.L.", email=ZUBI_EMAIL.upper())
    with sales_app.test_request_context():
        proposal = offer(stored(sales_app, "sales_lead", lead.id), admin)
        assert (proposal.contact, proposal.account) == (ana.id, zubi.id)
        assert [c.record.id for c in proposal.contacts] == [ana.id]
        assert ruiz.id not in [c.record.id for c in proposal.accounts]  # not by the first word, "Talleres"
        done = convert(lead.id, user=admin)  # the preselection: no choice made
    assert count(sales_app, "contacts_contact") == 1 and count(sales_app, "contacts_account") == 2
    assert (done.contact.id, done.account.id) == (ana.id, zubi.id)
    assert (done.lead["contact_id"], done.lead["account_id"], done.lead["status"]) == (ana.id, zubi.id, "converted")


def test_the_page_offers_what_the_duplicate_search_finds_and_converts_as_picked(sales_app, client_as, admin,
                                                                                  talleres):
    ruiz, zubi, ana = talleres
    lead = lead_of(sales_app, admin, first_name="Ana", company="Talleres Zubi SL", email=ZUBI_EMAIL,
                   phone="+34 944 000 111")
    client = client_as(admin)
    page = client.get(f"/sales/leads/{lead.id}/convert").text
    assert f'id="contact-{ana.id}" name="contact" value="{ana.id}" checked' in page
    assert "Use the existing contact Ana Etxebarria" in page and "same email" in page
    assert f'id="account-{zubi.id}" name="account" value="{zubi.id}" checked' in page
    assert "Talleres Hermanos Ruiz" not in page
    assert 'value="none"' in page and 'value="new"' in page
    # the user prefers a new contact at the existing account
    done = client.post(f"/sales/leads/{lead.id}/convert", data={"contact": "new", "account": str(zubi.id)})
    assert done.status_code == 302
    lead = stored(sales_app, "sales_lead", lead.id)
    assert done.headers["Location"] == f"/r/contacts_contact/{lead['contact_id']}"
    contact = stored(sales_app, "contacts_contact", lead["contact_id"])
    assert contact.id != ana.id and (contact["account_id"], contact["phone"]) == (zubi.id, "+34 944 000 111")
    assert count(sales_app, "contacts_account") == 2


def test_a_private_person_becomes_a_contact_only(sales_app, admin):
    lead = lead_of(sales_app, admin, first_name="Lucía", last_name="Gómez", email="lucia@correo.example",
                   city="Soria")
    with sales_app.test_request_context():
        assert offer(stored(sales_app, "sales_lead", lead.id), admin).account == NONE
        done = convert(lead.id, user=admin)
    assert done.account is None and done.contact["account_id"] is None and done.lead["account_id"] is None
    assert (done.contact["first_name"], done.contact["city"]) == ("Lucía", "Soria")
    assert count(sales_app, "contacts_account") == 0
    # a company lead may be a private customer too, when the user says so
    other = lead_of(sales_app, admin, last_name="Prieto", company="Prieto Reformas")
    with sales_app.test_request_context():
        assert convert(other.id, user=admin, choices=Choices(contact=NEW, account=NONE)).account is None
    assert count(sales_app, "contacts_account") == 0


def test_the_lead_carries_its_details_notes_activities_files_and_tags(sales_app, client_as, admin):
    lead = lead_of(sales_app, admin, first_name="Iker", last_name="Zabala", company="Zabala Transportes",
                   tax_id="B95000014", country="es", city="Bilbao", job_title="Gerente",
                   description="Wants 3 vans before summer.")
    client = client_as(admin)
    base = f"/r/sales_lead/{lead.id}"
    client.post(f"{base}/notes", data={"body": "Met at the Bilbao fair"})
    client.post(f"{base}/activities", data={"kind": "call", "subject": "Call Iker back"})
    client.post(f"{base}/files", content_type="multipart/form-data",
                data={"file": (io.BytesIO(b"price list\n"), "precios.txt")})
    client.post(f"{base}/tags", data={"tag": "feria-2027"})
    client.post(f"{base}/follow")
    assert client.post(f"/sales/leads/{lead.id}/convert", data={"contact": "new", "account": "new"}).status_code == 302
    lead = stored(sales_app, "sales_lead", lead.id)
    contact = stored(sales_app, "contacts_contact", lead["contact_id"])
    account = stored(sales_app, "contacts_account", lead["account_id"])
    assert (contact["country"], contact["description"], contact["job_title"]) == \
        ("ES", "Wants 3 vans before summer.", "Gerente")
    assert (account["name"], account["tax_id"], account["billing_country"], account["billing_city"]) == \
        ("Zabala Transportes", "B95000014", "ES", "Bilbao")
    page = client.get(f"/r/contacts_contact/{contact.id}").text
    assert "Met at the Bilbao fair" in page and "Call Iker back" in page and "precios.txt" in page
    with sales_app.app_context():
        rows = db_session().execute(text(
            "SELECT 'note', entity, record_id FROM core_note UNION ALL "
            "SELECT 'activity', entity, record_id FROM core_activity UNION ALL "
            "SELECT 'file', entity, record_id FROM core_attachment UNION ALL "
            "SELECT 'follower', entity, record_id FROM core_follower")).all()
        tags = db_session().execute(text("SELECT entity, record_id, tag FROM core_tag ORDER BY entity")).all()
    assert sorted(tuple(r) for r in rows) == [(kind, "contacts_contact", contact.id)
                                              for kind in ("activity", "file", "follower", "note")]
    assert sorted(tuple(t) for t in tags) == [("contacts_account", account.id, "feria-2027"),
                                              ("contacts_contact", contact.id, "feria-2027"),
                                              ("sales_lead", lead.id, "feria-2027")]


def test_an_existing_contact_gets_only_what_it_lacks(sales_app, admin, talleres):
    _ruiz, zubi, ana = talleres
    lead = lead_of(sales_app, admin, first_name="Ana María", email=ZUBI_EMAIL, phone="944 000 222",
                   job_title="Jefa de taller", description="Second enquiry.")
    with sales_app.test_request_context():
        done = convert(lead.id, user=admin, choices=Choices(contact=ana.id))
    assert done.account.id == zubi.id  # the contact's own account
    assert (done.contact["first_name"], done.contact["phone"], done.contact["job_title"],
            done.contact["description"]) == ("Ana", "944 000 222", "Jefa de taller", "Second enquiry.")
    assert done.contact.version == ana.version + 1


def test_a_deal_is_made_with_the_contact_as_decision_maker(sales_app, admin, pipeline):
    lead = lead_of(sales_app, admin, first_name="Jorge", last_name="Pascual", company="Floristería Pascual")
    with sales_app.test_request_context():
        done = convert(lead.id, user=admin, choices=Choices(deal=DealWish(
            "", pipeline.id, pipeline.stages["Proposal"], {"amount": "25000", "currency": "EUR"}, "2027-03-31")))
        links = records.query("sales_deal_contact", user=None).where({"deal_id": done.deal.id}).page().items
    assert (done.deal["name"], done.deal["account_id"], done.deal["amount"]) == \
        ("Floristería Pascual", done.account.id, Money(Decimal("25000.00"), "EUR"))
    assert [(link["contact_id"], link["role"]) for link in links] == [(done.contact.id, "decision_maker")]
    assert done.lead["deal_id"] == done.deal.id


def test_refusals_are_tied_to_their_field_and_leave_nothing(sales_app, client_as, admin, talleres):
    _ruiz, zubi, ana = talleres
    lead = lead_of(sales_app, admin, company="Zubi", country="XX")
    client = client_as(admin)
    bad_country = client.post(f"/sales/leads/{lead.id}/convert", data={"contact": "new", "account": "new"})
    assert bad_country.status_code == 422 and "The lead&#39;s country XX is not one" in bad_country.text
    with sales_app.app_context():
        records.update("sales_lead", lead.id, {"country": None}, user=None, version=None)
    gone = client.post(f"/sales/leads/{lead.id}/convert", data={"contact": "999999", "account": "new"})
    assert gone.status_code == 422
    assert '<p class="field-error" id="contact-error" role="alert">That record no longer exists' in gone.text
    no_stage = client.post(f"/sales/leads/{lead.id}/convert", data={"contact": "new", "account": str(zubi.id),
                                                                    "create_deal": "1", "stage_id": ""})
    assert no_stage.status_code == 422 and 'id="stage_id-error"' in no_stage.text
    assert count(sales_app, "contacts_contact") == 1 and count(sales_app, "sales_deal") == 0
    assert stored(sales_app, "sales_lead", lead.id)["status"] == "new"


def test_hook_lead_converted(make_app, make_user):
    """Sales' own hook: told of every conversion with what the lead became, inside the conversion's transaction."""
    from trato_contacts import plugin as contacts_plugin
    from trato_salesfollower import hooks as follower
    from trato_salesfollower import plugin as follower_plugin
    from trato_sales import plugin as sales_plugin

    app = make_app(plugins=["contacts", "sales", "salesfollower"],
                   extra_plugins={"contacts": contacts_plugin, "sales": sales_plugin, "salesfollower": follower_plugin})
    follower.CALLS.clear()
    admin = make_user(admin=True, app=app)
    lead = lead_of(app, admin, first_name="Marta", last_name="Vidal", company="Vidal Obras")
    with app.test_request_context():
        stages = {s["name"]: s.id for s in records.query("sales_stage", user=None).page(limit=20).items}
        first = records.query("sales_pipeline", user=None).page().items[0]
        done = convert(lead.id, user=admin, choices=Choices(deal=DealWish("Obra", first.id, stages["Proposal"])))
    assert follower.CALLS == [{"lead": lead.id, "status": "converted", "contact": done.contact.id,
                               "account": done.account.id, "deal": done.deal.id, "user": admin.id}]
    assert stored(app, "contacts_contact", done.contact.id)["job_title"] == "Converted customer"
    # a failing implementation undoes the whole conversion
    boom = lead_of(app, admin, last_name="Boom")
    with app.test_request_context(), pytest.raises(RuntimeError):
        convert(boom.id, user=admin)
    assert stored(app, "sales_lead", boom.id)["status"] == "new" and count(app, "contacts_contact") == 1


# --- the API ----------------------------------------------------------------------------------------------------

@pytest.fixture
def api(sales_app):
    """`api(user, scope=WRITE)`: call /api/v1 with a new token of the user."""
    def client(user, scope=tokens.WRITE):
        from trato.models import User

        with sales_app.extensions["trato"].sessionmaker() as session:
            _token, secret = tokens.create(session, session.get(User, user.id), "tests", scope, None)
            session.commit()
        http = sales_app.test_client()

        def call(method, path, **kwargs):
            return http.open(f"/api/v1/{path}", method=method, headers={"Authorization": f"Bearer {secret}"},
                             **kwargs)
        return call
    return client


def test_the_conversion_api_offers_and_converts_with_the_pages_choices(sales_app, api, admin, talleres, pipeline):
    _ruiz, zubi, ana = talleres
    lead = lead_of(sales_app, admin, first_name="Ana", company="Talleres Zubi SL", email=ZUBI_EMAIL)
    call = api(admin)
    offered = call("GET", f"sales_lead/{lead.id}/convert")
    assert offered.status_code == 200
    assert offered.json["preselected"] == {"contact": ana.id, "account": zubi.id}
    assert offered.json["contacts"] == [{"id": ana.id, "title": "Ana Etxebarria", "reasons": ["email"],
                                         "account_id": zubi.id}]
    assert [a["id"] for a in offered.json["accounts"]] == [zubi.id]
    made = call("POST", f"sales_lead/{lead.id}/convert", json={
        "contact": ana.id, "account": zubi.id,
        "deal": {"stage_id": pipeline.stages["Proposal"], "name": "Elevadores",
                 "amount": {"amount": "9000.50", "currency": "EUR"}, "close_date": "2027-05-31"}})
    assert made.status_code == 200, made.json
    body = made.json
    assert (body["lead"]["status"], body["lead"]["contact_id"], body["contact"]["id"], body["account"]["id"]) == \
        ("converted", ana.id, ana.id, zubi.id)
    assert (body["deal"]["name"], body["deal"]["amount"]) == ("Elevadores", {"amount": "9000.50", "currency": "EUR"})
    again = call("POST", f"sales_lead/{lead.id}/convert", json={})
    assert again.status_code == 422 and again.json["detail"] == "This lead was already converted."


@pytest.mark.parametrize("body, field", [
    ({"contact": "someone"}, "contact"),
    ({"contact": True}, "contact"),
    ({"account": "maybe"}, "account"),
    ({"account": 999999}, "account"),
    ({"deal": {"name": "No stage"}}, "deal.stage_id"),
    ({"deal": "yes"}, "deal"),
    ({"deal": {"stage_id": "STAGE", "amount": {"amount": "lots", "currency": "EUR"}}}, "deal.amount.amount"),
    ({"colour": "red"}, "colour"),
])
def test_the_conversion_api_names_the_field_at_fault(sales_app, api, admin, pipeline, body, field):
    lead = lead_of(sales_app, admin, company="Obras Norte")
    if isinstance(body.get("deal"), dict) and body["deal"].get("stage_id") == "STAGE":
        body = {"deal": {**body["deal"], "stage_id": pipeline.stages["Proposal"]}}
    refused = api(admin)("POST", f"sales_lead/{lead.id}/convert", json=body)
    assert (refused.status_code, refused.mimetype) == (422, "application/problem+json")
    assert field in refused.json["errors"], refused.json
    assert count(sales_app, "contacts_contact") == 0 and count(sales_app, "contacts_account") == 0


def test_the_conversion_api_keeps_to_the_tokens_user(sales_app, api, admin, make_user):
    rep = make_user(name="Rep", app=sales_app)
    lead = lead_of(sales_app, admin, company="Obras Norte")
    assert api(rep)("POST", f"sales_lead/{lead.id}/convert", json={}).status_code == 404  # not hers to see
    assert api(admin, tokens.READ)("POST", f"sales_lead/{lead.id}/convert", json={}).status_code == 403
    assert api(admin)("POST", f"sales_lead/{lead.id}/convert", data="x",
                      content_type="text/plain").status_code == 415
    assert stored(sales_app, "sales_lead", lead.id)["status"] == "new"


def test_the_conversion_api_is_in_the_openapi_document(sales_app, api, admin):
    from openapi_spec_validator import validate

    doc = api(admin)("GET", "openapi.json").json
    validate(doc)
    convert = doc["paths"]["/api/v1/sales_lead/{record_id}/convert"]
    assert convert["get"]["summary"] == \
        "The existing contacts and accounts the lead may be, and those preselected"
    assert convert["post"]["summary"] == "Convert the lead into a contact, an account and a deal"
    body = convert["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert set(body["properties"]) == {"contact", "account", "deal"} and body["additionalProperties"] is False
    assert {"422", "503", "507"} <= set(convert["post"]["responses"])
    offered = convert["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert offered["required"] == ["contacts", "accounts", "preselected"]
