"""A lead's personal data: blocked from its page as a contact is, erased on its own or with the contact it became,
leaving none of its old values in the audit history."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from trato_contacts import personal_data

from trato import privacy, records
from trato.records.audit import AuditEntry
from trato_sales.conversion import NEW, NONE, Choices, convert

SUPPORT = str(Path(__file__).parent / "support")
if SUPPORT not in sys.path:
    sys.path.insert(0, SUPPORT)

from lead_records import make, stored  # noqa: E402

LEAD = "sales_lead"
PERSONAL = ("Nerea", "Uriarte", "nerea@nortech.example.com", "+34 600 222 333", "Getxo", "Sales manager",
            "Met her at the fair")


@pytest.fixture
def admin(sales_app, make_user):
    return make_user(admin=True, name="Admin", app=sales_app)


@pytest.fixture
def lead(sales_app, admin):
    made = make(sales_app, LEAD, admin, first_name="Nerea", last_name="Uriarte", company="Nortech Software",
                email="nerea@nortech.example.com", phone="+34 600 222 333", city="Bilbao", job_title="Sales manager",
                description="Met her at the fair")
    with sales_app.test_request_context():
        return records.update(LEAD, made.id, {"city": "Getxo"}, user=admin, version=made.version)


def history_text(app, record_id: int) -> str:
    with app.extensions["trato"].sessionmaker() as session:
        return repr([(a.action, a.changes) for a in session.scalars(
            select(AuditEntry).where(AuditEntry.entity == LEAD, AuditEntry.record_id == record_id)
            .order_by(AuditEntry.id))])


def test_the_lead_page_offers_blocking_and_erasure(sales_app, client_as, admin, lead, make_user):
    page = client_as(admin).get(f"/r/{LEAD}/{lead.id}").text
    assert f'action="/r/{LEAD}/{lead.id}/block"' in page and "Reason for blocking" in page
    assert f'action="/sales/leads/{lead.id}/erase"' in page and "Erase personal data" in page
    with sales_app.test_request_context():
        privacy.block(LEAD, lead.id, "Kept for the tax inspection", user=admin)
    blocked = client_as(admin).get(f"/r/{LEAD}/{lead.id}").text
    assert "Reason: Kept for the tax inspection" in blocked and f"/r/{LEAD}/{lead.id}/unblock" in blocked
    rep = make_user(name="Rita Rep", app=sales_app)
    assert client_as(rep).get(f"/r/{LEAD}/{lead.id}").status_code == 404  # out of use for who may not see blocks
    refused = client_as(admin).post(f"/sales/leads/{lead.id}/erase", data={"version": str(lead.version)})
    assert refused.status_code == 403  # a blocked lead is changed by nobody, erasure included
    with sales_app.app_context():
        assert stored(sales_app, LEAD, lead.id)["email"] == "nerea@nortech.example.com"


def test_erasing_a_lead_anonymises_it_and_its_history(sales_app, client_as, admin, lead):
    assert "Bilbao" in history_text(sales_app, lead.id)
    client = client_as(admin)
    missing = client.post(f"/sales/leads/{lead.id}/erase", data={}, follow_redirects=True)
    assert "erased" not in stored(sales_app, LEAD, lead.id)["last_name"].lower()  # no version: refused
    assert "version" in missing.text.lower()
    done = client.post(f"/sales/leads/{lead.id}/erase", data={"version": str(lead.version)},
                       headers={"HX-Request": "true"})
    assert done.headers["HX-Redirect"] == f"/r/{LEAD}/{lead.id}"
    erased = stored(sales_app, LEAD, lead.id)
    assert erased["last_name"] == f"Erased person #{lead.id}" and erased["company"] == "Nortech Software"
    assert [erased[f] for f in ("first_name", "email", "phone", "city", "job_title", "description")] == [None] * 6
    history = history_text(sales_app, lead.id)
    assert [v for v in PERSONAL if v in history] == [] and "Bilbao" not in history and "'erase'" in history
    page = client.get(f"/r/{LEAD}/{lead.id}").text
    assert "the lead remains, anonymised" in page and [v for v in PERSONAL if v in page] == []


def test_only_who_may_change_the_lead_erases_it(sales_app, client_as, lead, make_user):
    viewer = make_user(name="Val Viewer", role="read_only", app=sales_app)
    page = client_as(viewer).get(f"/r/{LEAD}/{lead.id}").text
    assert "Only someone who may change this lead may erase its personal data." in page
    assert client_as(viewer).post(f"/sales/leads/{lead.id}/erase",
                                  data={"version": str(lead.version)}).status_code == 403
    assert stored(sales_app, LEAD, lead.id)["email"] == "nerea@nortech.example.com"


def test_erasing_a_contact_erases_the_leads_converted_into_it(sales_app, admin, lead):
    with sales_app.test_request_context():
        done = convert(lead.id, user=admin, choices=Choices(NEW, NONE, None))
        personal_data.erase(done.contact.id, admin)
    erased = stored(sales_app, LEAD, lead.id)
    assert erased["last_name"] == f"Erased person #{lead.id}" and erased["email"] is None
    assert erased["contact_id"] == done.contact.id and erased["status"] == "converted"  # the sales figures stay
    assert [v for v in PERSONAL if v in history_text(sales_app, lead.id)] == []
