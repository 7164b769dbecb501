"""Duplicate leads: the new-lead form's warning (leads and contacts), the lead page's panel, merging two leads, the
list of duplicates with its bulk merge, the lookup for API clients, and an import that updates instead of doubling."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from trato import records
from trato import session as db_session

SUPPORT = str(Path(__file__).parent / "support")
if SUPPORT not in sys.path:
    sys.path.insert(0, SUPPORT)

from lead_records import make, stored  # noqa: E402

LEAD = "sales_lead"
FORM = {"source": "manual", "status": "new", "lifecycle": "lead"}


@pytest.fixture
def admin(sales_app, make_user):
    return make_user(admin=True, name="Admin", app=sales_app)


def leads(app, **values):
    with app.app_context():
        return records.query(LEAD, user=None).where(values).order_by("id").page(limit=100).items


def test_hook_duplicate_finders(sales_app, client_as, admin):
    """Contacts' hook, implemented by sales for leads: the new-lead form warns of leads and contacts alike."""
    lead = make(sales_app, LEAD, admin, first_name="Rosa", last_name="Marín", company="Reformas Sol, S.L.",
                email="rosa@reformassol.example")
    contact = make(sales_app, "contacts_contact", admin, first_name="Rosa", last_name="Marín",
                   email="ROSA@reformassol.example")
    client = client_as(admin)
    form = {**FORM, "last_name": "Marin", "email": "rosa@reformassol.example", "owner_id": str(admin.id)}
    warned = client.post("/r/sales_lead/new", data=form)
    assert warned.status_code == 422
    assert f"Rosa Marín (#{lead.id}: same email)" in warned.text
    assert f"Contact Rosa Marín (#{contact.id}: same email)" in warned.text
    assert client.post("/r/sales_lead/new", data=form).status_code == 302  # saved when told twice
    by_name = {**FORM, "first_name": "R.", "last_name": "MARÍN", "company": "reformas sol sl",
               "owner_id": str(admin.id)}
    named = client.post("/r/sales_lead/new", data=by_name)
    assert named.status_code == 422 and "similar name" in named.text
    fine = client.post("/r/sales_lead/new", data={**FORM, "last_name": "Marín", "company": "Otra Empresa",
                                                  "owner_id": str(admin.id)})
    assert fine.status_code == 302
    assert len(leads(sales_app)) == 3


def test_the_lead_page_lists_likely_duplicates_and_two_leads_merge(sales_app, client_as, admin):
    keep = make(sales_app, LEAD, admin, first_name="Pau", last_name="Serra", phone="+34 600 111 222")
    gone = make(sales_app, LEAD, admin, first_name="Pau", last_name="Serra", phone="600111222",
                company="Serra Fusteria", email="pau@serra.example")
    person = make(sales_app, "contacts_contact", admin, last_name="Serra", mobile="600 111 222")
    converted = make(sales_app, LEAD, admin, last_name="Serra", phone="600111222", status="converted")
    event = make(sales_app, "sales_lead_event", admin, lead_id=gone.id, kind="meeting")
    client = client_as(admin)
    client.post(f"/r/sales_lead/{gone.id}/notes", data={"body": "Asked for a quote"})
    page = client.get(f"/r/sales_lead/{keep.id}").text
    assert f'href="/contacts/merge?entity=sales_lead&amp;a={keep.id}&amp;b={gone.id}"' in page
    assert f'Contact: <a href="/r/contacts_contact/{person.id}">' in page  # shown, not offered to merge
    assert f"/r/sales_lead/{converted.id}\"" not in page  # a converted lead is history
    screen = client.get(f"/contacts/merge?entity=sales_lead&a={keep.id}&b={gone.id}").text
    assert 'name="pick_company" value="b" checked' in screen
    done = client.post("/contacts/merge", data={"entity": LEAD, "a": keep.id, "b": gone.id, "pick_company": "b",
                                                "pick_email": "b"})
    assert done.status_code == 302 and done.headers["Location"] == f"/r/sales_lead/{keep.id}"
    merged = stored(sales_app, LEAD, keep.id)
    assert (merged["company"], merged["email"], merged["phone"]) == ("Serra Fusteria", "pau@serra.example",
                                                                    "+34 600 111 222")
    assert stored(sales_app, "sales_lead_event", event.id)["lead_id"] == keep.id
    assert stored(sales_app, LEAD, gone.id, deleted=True)["deleted_at"] is not None
    assert "Asked for a quote" in client.get(f"/r/sales_lead/{keep.id}").text
    with sales_app.app_context():
        audit = db_session().execute(text("SELECT entity, record_id, action FROM core_audit WHERE action != 'create' "
                                          "ORDER BY id")).all()
    assert [tuple(a) for a in audit][-3:] == [("sales_lead_event", event.id, "update"), ("sales_lead", keep.id,
                                                                                         "update"),
                                              ("sales_lead", gone.id, "delete")]


def test_the_duplicates_lookup_answers_for_leads(sales_app, client_as, admin):
    lead = make(sales_app, LEAD, admin, first_name="Irene", last_name="Bosch", email="irene@bosch.example")
    found = client_as(admin).get("/contacts/duplicates?entity=sales_lead&email=Irene@Bosch.example").json
    assert found == {"candidates": [{"entity": LEAD, "id": lead.id, "title": "Irene Bosch", "reasons": ["email"],
                                     "url": f"/r/sales_lead/{lead.id}"}]}


@pytest.fixture
def crowd(sales_app, admin):
    """Leads in three groups (by email; by phone and email, chained; by name at a company) and two that are not."""
    def lead(last, **values):
        return make(sales_app, LEAD, admin, last_name=last, **values).id

    return {
        "email": [lead("Alba", email="alba@x.example"), lead("Alba", email="ALBA@x.example", city="Vigo")],
        "chain": [lead("Beltrán", phone="+34 911 000 001"), lead("Beltrán", phone="911000001", email="b@x.example"),
                  lead("Beltrán Ruiz", email="b@x.example", job_title="CEO")],
        "name": [lead("Cano", first_name="Luis", company="Cano Hermanos SL"),
                 lead("Cano", first_name="L.", company="CANO HERMANOS SL")],
        "alone": [lead("Díaz", email="diaz@x.example")],
        "converted": [lead("Alba", email="alba@x.example", status="converted")],
    }


def test_the_list_groups_open_leads_that_look_alike(sales_app, client_as, admin, crowd):
    page = client_as(admin).get("/sales/leads/duplicates").text
    groups = [part.split("</fieldset>")[0] for part in page.split('<fieldset class="card lead-duplicates">')[1:]]
    found = sorted(sorted(int(i) for i in g.split('name="group" value="')[1].split('"')[0].split(",")) for g in groups)
    assert found == sorted(sorted(ids) for key, ids in crowd.items() if key not in ("alone", "converted"))
    assert f"/r/sales_lead/{crowd['alone'][0]}\"" not in page
    assert f"/r/sales_lead/{crowd['converted'][0]}\"" not in page


def test_the_ticked_groups_merge_into_their_oldest_lead(sales_app, client_as, admin, crowd):
    client = client_as(admin)
    chain = crowd["chain"]
    done = client.post("/sales/leads/duplicates/merge",
                       data={"group": [",".join(map(str, crowd["email"])), ",".join(map(str, chain))]})
    assert done.status_code == 302
    kept = stored(sales_app, LEAD, chain[0])
    assert (kept["phone"], kept["email"], kept["job_title"]) == ("+34 911 000 001", "b@x.example", "CEO")
    assert stored(sales_app, LEAD, crowd["email"][0])["city"] == "Vigo"
    remaining = {lead.id for lead in leads(sales_app)}
    assert remaining == {crowd["email"][0], chain[0], *crowd["name"], *crowd["alone"], *crowd["converted"]}
    flashed = client.get("/sales/leads/duplicates").text
    assert "3 leads were merged into the oldest of their group" in flashed
    # a group whose leads no longer look alike is refused whole, and says which lead
    with sales_app.app_context():
        records.update(LEAD, crowd["name"][1], {"company": "Otra SL"}, user=None, version=None)
    refused = client.post("/sales/leads/duplicates/merge", data={"group": ",".join(map(str, crowd["name"]))})
    assert refused.status_code == 302
    assert "no longer looks like the others" in client.get("/sales/leads/duplicates").text
    assert {lead.id for lead in leads(sales_app)} >= set(crowd["name"])


def test_a_user_sees_and_merges_only_the_leads_in_their_scope(sales_app, client_as, make_user, admin):
    rep = make_user(name="Rep", app=sales_app)
    mine = [make(sales_app, LEAD, rep, last_name="Gil", email="gil@x.example").id for _ in range(2)]
    make(sales_app, LEAD, admin, last_name="Gil", email="gil@x.example")
    page = client_as(rep).get("/sales/leads/duplicates").text
    assert f'value="{mine[0]},{mine[1]}"' in page


def test_an_import_by_email_updates_the_lead_instead_of_doubling_it(sales_app, admin, tmp_path, client_as):
    """The core's upsert by a key field: a lead file imported again by email updates, and the duplicates that a
    plain create made are listed for merging."""
    from trato.transfer import imports

    first = make(sales_app, LEAD, admin, last_name="Ortiz", email="ortiz@x.example")
    path = tmp_path / "leads.csv"
    path.write_text("Last name,Email,City\nOrtiz,ORTIZ@x.example,Huesca\nNuevo,nuevo@x.example,Jaca\n",
                    encoding="utf-8")
    with sales_app.test_request_context():
        imp = imports.start(path, "leads.csv", LEAD, user=admin, mode="upsert", key="email")
        done = imports.run(imp.id)
    assert (done.created, done.updated, done.failed) == (1, 1, 0)
    assert stored(sales_app, LEAD, first.id)["city"] == "Huesca"
    with sales_app.test_request_context():
        imp = imports.start(path, "leads.csv", LEAD, user=admin, mode="create")
        imports.run(imp.id)
    page = client_as(admin).get("/sales/leads/duplicates").text
    assert page.count('<fieldset class="card lead-duplicates">') == 2
