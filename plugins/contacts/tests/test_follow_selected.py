"""The contact list's mass actions Follow and Unfollow, which Contacts adds through the core's page slots."""
from __future__ import annotations

import re

from trato import extras, records


def test_ticked_contacts_are_followed_and_unfollowed(contacts_app, make_user, client_as):
    rep = make_user(app=contacts_app)
    with contacts_app.app_context():
        nerea = records.create("contacts_contact", {"first_name": "Nerea", "last_name": "Uriarte"}, user=rep)
        jon = records.create("contacts_contact", {"first_name": "Jon", "last_name": "Arana"}, user=rep)
        other = records.create("contacts_contact", {"first_name": "Ane", "last_name": "Goñi"}, user=rep)
    client = client_as(rep)

    page = client.get("/r/contacts_contact/").text
    bar = re.search(r'<form id="mass-actions".*?</form>', page, re.S).group(0)
    assert 'formaction="/contacts/follow"' in bar and 'formaction="/contacts/unfollow"' in bar
    assert "/contacts/follow" not in client.get("/r/contacts_account/").text

    back = client.post("/contacts/follow", data={"ids": [nerea.id, jon.id], "back": "sort=last_name"})
    assert back.status_code == 302 and back.headers["Location"].endswith("/r/contacts_contact/?sort=last_name")
    assert "You now follow 2 contacts." in client.get(back.headers["Location"]).text
    with contacts_app.app_context():
        followed = [extras.followers("contacts_contact", c.id, rep) for c in (nerea, jon, other)]
        assert followed == [[rep.id], [rep.id], []]

    client.post("/contacts/unfollow", data={"ids": [jon.id, "999999"]})
    with contacts_app.app_context():
        assert extras.followers("contacts_contact", jon.id, rep) == []
        assert extras.followers("contacts_contact", nerea.id, rep) == [rep.id]


def test_the_buttons_speak_spanish(contacts_app, make_user, client_as):
    rep = make_user(app=contacts_app)
    with contacts_app.app_context():
        records.create("contacts_contact", {"first_name": "Nerea", "last_name": "Uriarte"}, user=rep)
    page = client_as(rep).get("/r/contacts_contact/", headers={"Accept-Language": "es"}).text
    bar = re.search(r'<form id="mass-actions".*?</form>', page, re.S).group(0)
    assert "Seguir" in bar and "Dejar de seguir" in bar
