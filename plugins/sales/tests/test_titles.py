"""Deal contacts and lead activity are named by the records they join, as far as the reader may see them."""
from __future__ import annotations

from flask_login import login_user
from sqlalchemy import event

from trato import engine, records


def test_a_deal_contact_is_named_by_its_contact_and_deal_and_hides_what_the_reader_may_not_see(
        sales_app, make_deal, make_user):
    owner, other = make_user(app=sales_app), make_user(app=sales_app)  # sales reps: each sees their own
    deal = make_deal("Renovación Nortech", user=owner)
    with sales_app.app_context():
        contact = records.create("contacts_contact", {"first_name": "Nerea", "last_name": "Uriarte"}, user=owner)
        link = records.create("sales_deal_contact", {"deal_id": deal.id, "contact_id": contact.id}, user=owner)
        entity = sales_app.extensions["trato"].entities.get("sales_deal_contact")
    with sales_app.test_request_context():
        login_user(owner)
        assert entity.title_of(link) == "Nerea Uriarte — Renovación Nortech"
    with sales_app.test_request_context():
        login_user(other)
        assert entity.title_of(link) == f"#{link.id}"


def test_lead_activity_is_named_by_what_happened_and_the_lead(sales_app, make_user):
    rep = make_user(app=sales_app)
    with sales_app.app_context():
        lead = records.create("sales_lead", {"first_name": "Marta", "last_name": "Gil"}, user=rep)
        event = records.create("sales_lead_event", {"lead_id": lead.id, "kind": "email_opened"}, user=rep)
        entity = sales_app.extensions["trato"].entities.get("sales_lead_event")
    with sales_app.test_request_context():
        login_user(rep)
        assert entity.title_of(event) == "Opened an email — Marta Gil"


def test_a_list_of_deal_contacts_reads_their_contacts_and_deals_once_for_the_page(
        sales_app, make_deal, make_user, client_as):
    """Titles naming related records are read together: twenty rows send as many statements as two."""
    owner = make_user(app=sales_app, admin=True)
    client = client_as(owner)

    def link(n: int) -> None:
        deal = make_deal(f"Trato {n}", user=owner)
        with sales_app.app_context():
            contact = records.create("contacts_contact", {"first_name": "Persona", "last_name": f"N{n}"}, user=owner)
            records.create("sales_deal_contact", {"deal_id": deal.id, "contact_id": contact.id}, user=owner)

    def statements() -> tuple[int, str]:
        page = "/r/sales_deal_contact/"
        assert client.get(page).status_code == 200  # the first request reads users and roles
        sent: list[str] = []
        listen = lambda *args: sent.append(args[2])  # noqa: E731 - (conn, cursor, statement, ...)
        with sales_app.app_context():
            target = engine()
        event.listen(target, "before_cursor_execute", listen)
        try:
            text = client.get(page).text
        finally:
            event.remove(target, "before_cursor_execute", listen)
        return len(sent), text

    for n in range(2):
        link(n)
    few, text = statements()
    assert "Persona N1 — Trato 1" in text
    for n in range(2, 20):
        link(n)
    many, text = statements()
    assert "Persona N19 — Trato 19" in text and "Persona N2 — Trato 2" in text
    assert many == few
