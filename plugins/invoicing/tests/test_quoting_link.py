"""The quote's public link: the customer reads the quote without signing in and accepts or rejects it once;
the answer keeps their name, time, address and the SHA-256 of the document they saw. Expired, withdrawn,
answered, superseded or changed quotes get a clear page and nothing is written."""
from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from trato import Money, records, session

from trato_invoicing.quoting import links, revisions
from trato_invoicing.quoting.models import QuoteResponse

QUOTE = "invoicing_quote"


def tax(code: str) -> int:
    return records.query("catalog_tax", user=None).where({"code": code}).page(limit=1).items[0].id


def make_quote(owner, *, valid_until: date | None = None) -> int:
    account = records.create("contacts_account", {"name": "Talleres Uriarte", "email": "compras@uriarte.example"},
                             user=owner)
    return records.create(QUOTE, {"account_id": account.id, "valid_until": valid_until, "lines": [
        {"description": "Consulting", "quantity": "10", "unit_price": Money(Decimal("80.00"), "EUR"),
         "tax_id": tax("IVA21")},
        {"description": "Training", "quantity": "1", "unit_price": Money(Decimal("200.00"), "EUR"),
         "discount": "5", "tax_id": tax("IVA10")}]}, user=owner).id


def share_url(client, quote_id: int) -> str:
    page = client.post(f"/invoicing/quotes/{quote_id}/share")
    assert page.status_code == 200, page.text
    found = re.search(r'id="quote-link" type="text" readonly value="([^"]+)"', page.text)
    assert found, page.text
    return found.group(1).replace("http://localhost", "")


def form_of(page) -> dict[str, str]:
    return {name: value for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page.text)}


def responses() -> list[QuoteResponse]:
    return list(session().scalars(select(QuoteResponse)))


def test_accepted_through_the_link_once_then_the_same_link_is_refused(invoicing_app, client_as, make_user, app):
    owner = make_user(admin=True)
    staff = client_as(owner)
    with invoicing_app.app_context():
        quote_id = make_quote(owner)
    url = share_url(staff, quote_id)
    customer = invoicing_app.test_client()  # no session, no sign-in
    page = customer.get(url)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "Consulting" in page.text and "Training" in page.text and "Accept" in page.text
    form = form_of(page)
    with invoicing_app.test_request_context():
        assert form["shown"] == links.fingerprint(links.document_html(records.get(QUOTE, quote_id, user=None)))
    done = customer.post(url, data={**form, "name": "Nerea Uriarte", "comment": "Adelante",
                                    "decision": "accept"}, environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert done.status_code == 200 and "You accepted the quote." in done.text
    with invoicing_app.app_context():
        quote = records.get(QUOTE, quote_id, user=None)
        assert quote["status"] == "accepted"
        [answer] = responses()
        assert (answer.decision, answer.name, answer.comment, answer.ip_address) == \
            ("accepted", "Nerea Uriarte", "Adelante", "203.0.113.9")
        assert answer.document_sha256 == form["shown"]
    alert = staff.get(f"/r/{QUOTE}/{quote_id}").text
    assert "Accepted online by Nerea Uriarte" in alert and "203.0.113.9" in alert and form["shown"] in alert
    again = customer.post(url, data={**form, "name": "Someone else", "decision": "reject"})
    assert again.status_code == 410 and "already answered" in again.text
    assert customer.get(url).status_code == 410
    with invoicing_app.app_context():
        assert len(responses()) == 1 and records.get(QUOTE, quote_id, user=None)["status"] == "accepted"


def test_a_name_is_required_and_nothing_is_written_without_it(invoicing_app, client_as, make_user):
    owner = make_user(admin=True)
    with invoicing_app.app_context():
        quote_id = make_quote(owner)
    url = share_url(client_as(owner), quote_id)
    customer = invoicing_app.test_client()
    form = form_of(customer.get(url))
    refused = customer.post(url, data={**form, "name": "  ", "decision": "reject"})
    assert refused.status_code == 422 and "Type your name to answer." in refused.text
    with invoicing_app.app_context():
        assert responses() == [] and records.get(QUOTE, quote_id, user=None)["status"] == "sent"


def test_a_quote_changed_since_it_was_shown_is_not_accepted(invoicing_app, client_as, make_user):
    owner = make_user(admin=True)
    with invoicing_app.app_context():
        quote_id = make_quote(owner)
    url = share_url(client_as(owner), quote_id)
    customer = invoicing_app.test_client()
    form = form_of(customer.get(url))
    with invoicing_app.app_context():
        quote = records.get(QUOTE, quote_id, user=None)
        records.update(QUOTE, quote_id, {"terms": "Prices valid for 15 days."}, user=owner, version=quote.version)
    changed = customer.post(url, data={**form, "name": "Nerea", "decision": "accept"})
    assert changed.status_code == 409 and "changed while you read it" in changed.text
    with invoicing_app.app_context():
        assert responses() == [] and records.get(QUOTE, quote_id, user=None)["status"] == "sent"


def test_withdrawn_forged_and_expired_links_show_why(invoicing_app, client_as, make_user):
    owner = make_user(admin=True)
    staff = client_as(owner)
    with invoicing_app.app_context():
        quote_id = make_quote(owner)
        old_id = make_quote(owner, valid_until=date.today() - timedelta(days=1))
    url = share_url(staff, quote_id)
    customer = invoicing_app.test_client()
    assert customer.get(url[:-3] + "abc").status_code == 404
    staff.post(f"/invoicing/quotes/{quote_id}/revoke")
    withdrawn = customer.get(url)
    assert withdrawn.status_code == 410 and "withdrawn" in withdrawn.text
    expired = customer.get(share_url(staff, old_id))
    assert expired.status_code == 410 and "expired" in expired.text


def test_an_older_revision_can_no_longer_be_accepted(invoicing_app, client_as, make_user):
    owner = make_user(admin=True)
    staff = client_as(owner)
    with invoicing_app.app_context():
        quote_id = make_quote(owner)
    url = share_url(staff, quote_id)
    with invoicing_app.app_context():
        revisions.new_revision(quote_id, user=owner)
    superseded = invoicing_app.test_client().get(url)
    assert superseded.status_code == 410 and "newer version" in superseded.text


def test_only_who_may_change_the_quote_shares_or_withdraws_its_link(invoicing_app, client_as, make_user):
    owner = make_user(admin=True)
    with invoicing_app.app_context():
        quote_id = make_quote(owner)
    reader = client_as("read_only")
    assert reader.post(f"/invoicing/quotes/{quote_id}/share").status_code in (403, 404)
    assert reader.post(f"/invoicing/quotes/{quote_id}/revoke").status_code in (403, 404)
    with invoicing_app.app_context():
        assert session().scalars(select(links.QuoteLink)).all() == []
        assert records.get(QUOTE, quote_id, user=None)["status"] == "draft"


def test_the_answer_form_works_with_csrf_protection_on_and_no_session(make_app, make_user):
    from conftest import PLUGINS

    app = make_app(plugins=list(PLUGINS), extra_plugins=PLUGINS, csrf=True)
    with app.test_request_context():
        quote_id = make_quote(make_user(admin=True))
        token = links.share(quote_id, user=None)
    customer = app.test_client()
    url = f"/invoicing/public/quote/{token}"
    form = form_of(customer.get(url))
    assert customer.post(url, data={**form, "name": "Nerea", "decision": "reject"}).status_code == 200
    with app.app_context():
        assert records.get(QUOTE, quote_id, user=None)["status"] == "rejected"


def test_two_answers_at_once_record_one(invoicing_app, client_as, make_user):
    """Two browsers post at the same moment (real threads): one answer is kept, the other is told so."""
    import threading

    owner = make_user(admin=True)
    with invoicing_app.app_context():
        quote_id = make_quote(owner)
    url = share_url(client_as(owner), quote_id)
    form = form_of(invoicing_app.test_client().get(url))
    start, statuses = threading.Barrier(2), []

    def answer(decision: str) -> None:
        client = invoicing_app.test_client()
        start.wait()
        statuses.append(client.post(url, data={**form, "name": decision, "decision": decision}).status_code)

    threads = [threading.Thread(target=answer, args=(d,)) for d in ("accept", "reject")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 410]
    with invoicing_app.app_context():
        [kept] = responses()
        assert records.get(QUOTE, quote_id, user=None)["status"] == kept.decision
