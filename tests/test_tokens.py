"""Personal API tokens: made and revoked on the profile, revoked by admins, checked by `authenticate_bearer`."""
from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import select, update

from trato.models import utcnow
from trato.security_log import SecurityEvent
from trato.tokens import READ, WRITE, ApiToken, allows, authenticate_bearer

from .support.accounts import event_kinds, shown_value


def make_token(client, name: str = "Reporting script", scope: str = READ, days: str = "90") -> str:
    page = client.post("/profile/tokens", data={"name": name, "scope": scope, "days": days})
    assert page.status_code == 200
    return shown_value(page, "new-token")


def bearer(app: Flask, value: str | None) -> tuple[str, str] | None:
    """The email and scope `authenticate_bearer` finds for an Authorization header value."""
    with app.test_request_context("/api/v1/anything"):
        found = authenticate_bearer(value)
        return (found[0].email, found[1]) if found else None


def token_row(app: Flask, prefix_of: str) -> ApiToken:
    prefix = prefix_of.split("_")[1]
    with app.extensions["trato"].sessionmaker() as session:
        row = session.scalar(select(ApiToken).where(ApiToken.prefix == prefix))
        assert row is not None
        return row


def test_a_token_is_shown_once_and_stored_hashed(app, make_user, client_as):
    user = make_user()
    client = client_as(user)
    text = make_token(client)
    assert text.startswith("trato_") and len(text) > 40
    listing = client.get("/profile/tokens").get_data(as_text=True)
    assert "Reporting script" in listing and text not in listing
    assert f"trato_{text.split('_')[1]}_…" in listing
    row = token_row(app, text)
    assert text not in (row.token_hash, row.prefix) and len(row.token_hash) == 64
    assert row.expires_at is not None and row.expires_at - row.created_at == timedelta(days=90)
    assert event_kinds(app, user) == ["token_created"]


def test_authenticate_bearer_gives_the_user_and_scope_and_records_last_use(app, make_user, client_as):
    user = make_user(email="reader@example.com")
    text = make_token(client_as(user))
    assert token_row(app, text).last_used_at is None
    assert bearer(app, f"Bearer {text}") == ("reader@example.com", READ)
    assert bearer(app, f"bearer   {text}  ") == ("reader@example.com", READ)
    assert token_row(app, text).last_used_at is not None


def test_a_write_token_allows_writing_and_a_read_token_does_not(app, make_user, client_as):
    user = make_user(email="writer@example.com")
    text = make_token(client_as(user), scope=WRITE, days="0")
    assert bearer(app, f"Bearer {text}") == ("writer@example.com", WRITE)
    assert token_row(app, text).expires_at is None
    assert allows(WRITE, WRITE) and allows(WRITE, READ) and allows(READ, READ) and not allows(READ, WRITE)


def test_malformed_or_wrong_tokens_are_refused(app, make_user, client_as):
    text = make_token(client_as(make_user()))
    prefix = text.split("_")[1]
    for value in (None, "", "Bearer", f"Basic {text}", f"Token {text}", text, f"Bearer {text}x",
                  f"Bearer trato_{prefix}_", f"Bearer trato_{prefix}", "Bearer trato_ffffffff_" + "a" * 43):
        assert bearer(app, value) is None, value


def test_a_revoked_token_stops_working(app, make_user, client_as):
    user = make_user()
    client = client_as(user)
    text = make_token(client)
    row = token_row(app, text)
    done = client.post(f"/profile/tokens/{row.id}/revoke", follow_redirects=True)
    assert "The token “Reporting script” is revoked." in done.get_data(as_text=True)
    assert bearer(app, f"Bearer {text}") is None
    assert "revoked" in client.get("/profile/tokens").get_data(as_text=True)
    assert event_kinds(app, user) == ["token_created", "token_revoked"]


def test_an_expired_token_stops_working(app, make_user, client_as):
    text = make_token(client_as(make_user()), days="7")
    with app.extensions["trato"].sessionmaker() as session, session.begin():
        session.execute(update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert bearer(app, f"Bearer {text}") is None


def test_a_deactivated_users_token_stops_working(app, make_user, client_as):
    user = make_user()
    text = make_token(client_as(user))
    client_as("admin").post(f"/admin/users/{user.id}/deactivate")
    assert bearer(app, f"Bearer {text}") is None


def test_nobody_revokes_another_users_token_from_the_profile(app, make_user, client_as):
    owner = make_user()
    text = make_token(client_as(owner))
    row = token_row(app, text)
    assert client_as("user").post(f"/profile/tokens/{row.id}/revoke").status_code == 404
    assert bearer(app, f"Bearer {text}") is not None


def test_an_admin_revokes_any_token_from_the_users_page(app, make_user, client_as):
    owner = make_user(name="Owner")
    text = make_token(client_as(owner), name="Nightly export")
    row = token_row(app, text)
    admin_user = make_user(admin=True)
    admin = client_as(admin_user)
    page = admin.get(f"/admin/users/{owner.id}").get_data(as_text=True)
    assert "Nightly export" in page and f'/admin/users/{owner.id}/tokens/{row.id}/revoke' in page
    assert admin.post(f"/admin/users/{admin_user.id}/tokens/{row.id}/revoke").status_code == 404  # wrong owner
    done = admin.post(f"/admin/users/{owner.id}/tokens/{row.id}/revoke", follow_redirects=True)
    assert "The token “Nightly export” is revoked." in done.get_data(as_text=True)
    assert bearer(app, f"Bearer {text}") is None
    with app.extensions["trato"].sessionmaker() as session:
        revoked = session.scalars(select(SecurityEvent).where(SecurityEvent.kind == "token_revoked")).one()
        assert (revoked.user_id, revoked.actor_id, revoked.detail) == (owner.id, admin_user.id,
                                                                        {"token": "Nightly export"})


def test_a_token_needs_a_name_and_a_known_scope(app, make_user, client_as):
    client = client_as(make_user())
    nameless = client.post("/profile/tokens", data={"name": "", "scope": READ, "days": "90"})
    assert nameless.status_code == 422 and "This field is required." in nameless.get_data(as_text=True)
    unknown = client.post("/profile/tokens", data={"name": "x", "scope": "admin", "days": "90"})
    assert unknown.status_code == 422 and "Not a valid choice" in unknown.get_data(as_text=True)
    with app.extensions["trato"].sessionmaker() as session:
        assert session.scalars(select(ApiToken)).all() == []


def test_both_token_lists_offer_their_own_revoke_action(app, make_user, client_as):
    user = make_user()
    row = token_row(app, make_token(client_as(user)))
    mine = client_as(user).get("/profile/tokens").get_data(as_text=True)
    assert f'action="/profile/tokens/{row.id}/revoke"' in mine
    theirs = client_as("admin").get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert f'action="/admin/users/{user.id}/tokens/{row.id}/revoke"' in theirs
