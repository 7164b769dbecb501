"""Every sales entity on the generic pages, as people use them: created through the form and shown, refused at
the field, listed, edited (a stale edit refused), deleted and restored, over the API, and seen or refused by role.

One specification per entity (ENTITIES) drives the same tests, so an entity the plugin adds gets them by adding
its line; the specification is what a person types into the form and what the page must show back.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from trato import records, tokens
from trato.models import User

# The set-up every role reads and only administrators change (setup.SHARED); the rest are owned records.
SHARED = {"sales_pipeline", "sales_stage", "sales_lost_reason", "sales_score_rule", "sales_assignment_rule",
          "sales_goal"}


@dataclass(frozen=True)
class World:
    """Records the forms point to, made as the system."""

    pipeline: int
    stages: dict[str, int]
    account: int
    contact: int
    deal: int
    lead: int
    admin: User


@dataclass(frozen=True)
class Spec:
    entity: str
    form: Callable[[World, str], dict[str, Any]]  # what a person types, `tag` in its visible text
    shows: tuple[str, ...]  # what its page shows back, besides the tag
    bad: dict[str, str]  # typed over the form to make it wrong
    error: tuple[str, str]  # the field refused, and the message
    edit: tuple[str, str]  # a field changed on edit, and its new text

    def __str__(self) -> str:
        return self.entity


ENTITIES = [
    Spec("sales_pipeline", lambda w, tag: {"name": f"Renting {tag}", "position": "2", "active": "on"},
         ("Renting",), {"name": ""}, ("name", "This field is required."), ("name", "Renting largo")),
    Spec("sales_stage", lambda w, tag: {"name": f"Demo {tag}", "pipeline_id": w.pipeline, "position": "3",
                                        "probability": "40", "outcome": "open", "max_days": "10"},
         ("Demo", "40", "Open", "10"), {"probability": "forty"}, ("probability", "Enter a number"),
         ("max_days", "12")),
    Spec("sales_lost_reason", lambda w, tag: {"name": f"Product fit {tag}", "position": "7", "active": "on"},
         ("Product fit",), {"name": "Price"}, ("name", "already"), ("position", "8")),
    Spec("sales_lead", lambda w, tag: {"first_name": "Nerea", "last_name": f"Uriarte {tag}", "company": "Nortech",
                                       "email": f"nerea.{tag.lower()}@example.com", "source": "web_form",
                                       "status": "new", "lifecycle": "lead", "country": "ES"},  # no look-alikes
         ("Nerea", "Nortech", "@example.com", "Web form"), {"email": "nerea-at-example"}, ("email", "email"),
         ("company", "Nortech Software")),
    Spec("sales_deal", lambda w, tag: {"name": f"Flota {tag}", "pipeline_id": w.pipeline,
                                       "stage_id": w.stages["Proposal"], "account_id": w.account, "amount": "1200.50",
                                       "amount_currency": "EUR", "close_date": "2027-03-31"},
         ("Flota", "€1,200.50", "Proposal", "Mar 31, 2027", "Nortech Software"), {"stage_id": "LOST"},
         ("lost_reason_id", "Choose why the deal was lost."), ("next_step", "Send the offer")),
    Spec("sales_deal_contact", lambda w, tag: {"deal_id": w.deal, "contact_id": w.contact, "role": "champion"},
         ("Champion", "Renewal", "Nerea Uriarte"), {"contact_id": ""}, ("contact_id", "This field is required."),
         ("role", "evaluator")),
    Spec("sales_lead_event", lambda w, tag: {"lead_id": w.lead, "kind": "meeting", "occurred_at": "2026-11-20T10:00"},
         ("Had a meeting", "Walsh"), {"kind": "dancing"}, ("kind", "Choose one of the offered options."),
         ("kind", "web_visit")),
    Spec("sales_score_rule", lambda w, tag: {"name": f"Web {tag}", "field_name": "source", "operator": "eq",
                                             "value": "web_form", "points": "20", "active": "on"},
         ("Web", "web_form", "20"), {"field_name": "", "event": ""},
         ("field_name", "Give the lead field to look at, or the event to count."), ("points", "25")),
    Spec("sales_assignment_rule", lambda w, tag: {"name": f"Norte {tag}", "position": "1", "active": "on",
                                                  "source": "web_form", "country": "ES"},
         ("Norte", "Web form", "ES"), {"name": ""}, ("name", "This field is required."), ("country", "FR")),
    Spec("sales_goal", lambda w, tag: {"user_id": w.admin.id, "period_start": "2027-01-01",
                                       "period_end": "2027-03-31", "amount": "50000", "amount_currency": "EUR"},
         ("€50,000.00", "Jan 1, 2027", "Mar 31, 2027"), {"period_end": "2026-12-31"},
         ("period_end", "The period must end on or after the day it starts."), ("amount", "60000")),
]


def test_every_sales_entity_has_a_specification(sales_app):
    with sales_app.app_context():
        registered = {e.name for e in sales_app.extensions["trato"].entities.all() if e.name.startswith("sales_")}
    assert registered == {s.entity for s in ENTITIES}


@pytest.fixture
def world(sales_app, pipeline, make_user) -> World:
    admin = make_user(admin=True, name="Ada Admin")
    with sales_app.app_context():
        account = records.create("contacts_account", {"name": "Nortech Software"}, user=None)
        contact = records.create("contacts_contact", {"first_name": "Nerea", "last_name": "Uriarte",
                                                      "account_id": account.id}, user=None)
        deal = records.create("sales_deal", {"name": "Renewal", "pipeline_id": pipeline.id,
                                             "stage_id": pipeline.stages["Proposal"]}, user=None)
        lead = records.create("sales_lead", {"last_name": "Walsh"}, user=None)
    return World(pipeline.id, pipeline.stages, account.id, contact.id, deal.id, lead.id, admin)


def _typed(spec: Spec, world: World, tag: str, **over: Any) -> dict[str, Any]:
    """The form as a person fills it in; "LOST" stands for the lost stage's id."""
    data = {**spec.form(world, tag), **over}
    return {k: world.stages["Lost"] if v == "LOST" else v for k, v in data.items()}


def _made(response) -> int:
    assert response.status_code == 302, response.text[:3000]
    return int(re.search(r"/(\d+)$", response.headers["Location"]).group(1))


def _count(app, entity: str) -> int:
    with app.app_context():
        return records.query(entity, user=None).count().value


@pytest.mark.parametrize("spec", ENTITIES, ids=str)
def test_created_through_the_form_it_shows_on_its_page_in_the_list_and_over_the_api(
        sales_app, world, client_as, spec):
    client = client_as(world.admin)
    assert client.get(f"/r/{spec.entity}/new").status_code == 200
    record_id = _made(client.post(f"/r/{spec.entity}/new", data=_typed(spec, world, "uno")))
    page = client.get(f"/r/{spec.entity}/{record_id}").text
    missing = [text for text in spec.shows if text not in page]
    assert not missing, f"{spec.entity}'s page does not show {missing}"
    listing = client.get(f"/r/{spec.entity}/", follow_redirects=True).text  # leads open without converted ones
    assert f'href="/r/{spec.entity}/{record_id}"' in listing
    with sales_app.extensions["trato"].sessionmaker() as session:
        token = tokens.create(session, session.get(User, world.admin.id), "entities", tokens.READ, None)[1]
        session.commit()
    answer = sales_app.test_client().get(f"/api/v1/{spec.entity}/{record_id}",
                                         headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200 and answer.json["id"] == record_id
    assert answer.json["owner_id"] == world.admin.id and answer.json["version"] == 1


@pytest.mark.parametrize("spec", ENTITIES, ids=str)
def test_wrong_input_is_refused_at_its_field_and_kept(sales_app, world, client_as, spec):
    client = client_as(world.admin)
    before = _count(sales_app, spec.entity)
    answer = client.post(f"/r/{spec.entity}/new", data=_typed(spec, world, "mal", **spec.bad))
    assert answer.status_code == 422
    field, message = spec.error
    error = re.search(rf'<p class="field-error" id="{field}-error">([^<]*)</p>', answer.text)
    assert error is not None, f"no error at {field}"
    assert message in error.group(1)
    assert f'aria-describedby="{field}-error' in answer.text
    assert _count(sales_app, spec.entity) == before


@pytest.mark.parametrize("spec", ENTITIES, ids=str)
def test_an_edit_is_saved_and_a_stale_one_refused(sales_app, world, client_as, spec):
    client = client_as(world.admin)
    record_id = _made(client.post(f"/r/{spec.entity}/new", data=_typed(spec, world, "uno")))
    field, text = spec.edit
    form = _typed(spec, world, "uno", owner_id=world.admin.id, version="1")
    assert client.get(f"/r/{spec.entity}/{record_id}/edit").status_code == 200
    assert _made(client.post(f"/r/{spec.entity}/{record_id}/edit", data={**form, field: text})) == record_id
    stale = client.post(f"/r/{spec.entity}/{record_id}/edit", data=form)
    assert stale.status_code == 409 and "Someone else saved this record" in stale.text
    assert 'name="version" value="2"' in stale.text
    with sales_app.app_context():
        stored = records.get(spec.entity, record_id, user=None)
    assert stored.version == 2
    assert str(stored[field]).startswith(text) or text in str(stored[field])


@pytest.mark.parametrize("spec", ENTITIES, ids=str)
def test_deleted_it_goes_to_the_recycle_bin_and_comes_back(sales_app, world, client_as, spec):
    client = client_as(world.admin)
    record_id = _made(client.post(f"/r/{spec.entity}/new", data=_typed(spec, world, "uno")))
    assert client.post(f"/r/{spec.entity}/{record_id}/delete", data={"version": "1"}).status_code == 302
    assert client.get(f"/r/{spec.entity}/{record_id}").status_code == 404
    assert f'href="/r/{spec.entity}/{record_id}"' not in client.get(f"/r/{spec.entity}/").text
    assert client.post(f"/recycle-bin/{spec.entity}/{record_id}/restore").status_code == 303
    assert client.get(f"/r/{spec.entity}/{record_id}").status_code == 200


@pytest.mark.parametrize("spec", ENTITIES, ids=str)
def test_each_role_sees_and_changes_what_its_rights_say(sales_app, world, client_as, make_user, spec):
    """Set-up: every role reads it, only administrators change it. Owned records: a rep sees and changes her
    own only (another's is not found); read-only users see all and change nothing."""
    rita, bruno = make_user(name="Rita"), make_user(name="Bruno")
    admin = client_as(world.admin)
    ids = {who.id: _made(admin.post(f"/r/{spec.entity}/new", data=_typed(spec, world, who.name, owner_id=who.id)))
           for who in (rita, bruno)}
    shared = spec.entity in SHARED
    for who, client in (("read_only", client_as("read_only")), ("rep", client_as(rita))):
        listing = client.get(f"/r/{spec.entity}/", follow_redirects=True)  # leads open with their filter
        assert listing.status_code == 200
        sees_all = shared or who == "read_only"
        assert (f'href="/r/{spec.entity}/{ids[bruno.id]}"' in listing.text) == sees_all, who
        assert f'href="/r/{spec.entity}/{ids[rita.id]}"' in listing.text, who
        assert client.get(f"/r/{spec.entity}/{ids[bruno.id]}").status_code == (200 if sees_all else 404), who
        changes = who == "rep" and not shared
        assert client.get(f"/r/{spec.entity}/new").status_code == (200 if changes else 403), who
        assert client.get(f"/r/{spec.entity}/{ids[rita.id]}/edit").status_code == (200 if changes else 403), who
        deleted = client.post(f"/r/{spec.entity}/{ids[rita.id]}/delete", data={"version": "1"})
        assert deleted.status_code == (302 if changes else 403), who
    with sales_app.app_context():
        in_bin = records.query(spec.entity, user=None, deleted=True).page().items
    assert [r.id for r in in_bin] == ([ids[rita.id]] if not shared else [])
