"""Notes on any record: sanitised rich text, kept by author, changed only by the author or an administrator."""
from __future__ import annotations

from trato import records
from trato.activity.models import Note
from trato.testing import signed_in_client

from .conftest import HX, rows, text


def _notes(app):
    return rows(app, Note)


def test_a_note_is_sanitised_and_links_are_kept(trade_app, as_ana, account):
    body = ('<p>Call <strong>Marta</strong> <script>alert(1)</script><img src="x" onerror="alert(2)">'
            '<a href="https://acme.example/offer" onclick="steal()">offer</a> '
            '<a href="javascript:alert(3)">bad</a></p>')
    answer = as_ana.post(f"/r/trade_account/{account.id}/notes", data={"body": body}, headers=HX)
    assert answer.status_code == 200
    [note] = _notes(trade_app)
    assert "<script" not in note.body and "onerror" not in note.body and "<img" not in note.body
    assert "onclick" not in note.body and "javascript:" not in note.body
    assert '<a href="https://acme.example/offer" rel="noopener">offer</a>' in note.body
    assert "<strong>Marta</strong>" in note.body
    # The section that comes back, and the record's page, show the clean note.
    assert '<a href="https://acme.example/offer" rel="noopener">offer</a>' in text(answer)
    page = text(as_ana.get(f"/r/trade_account/{account.id}"))
    assert "<strong>Marta</strong>" in page and "alert(1)" not in page


def test_plain_text_becomes_paragraphs_and_an_empty_note_is_refused(trade_app, as_ana, account):
    as_ana.post(f"/r/trade_account/{account.id}/notes", data={"body": "First line\nsecond <line>\n\nNext"},
                headers=HX)
    answer = as_ana.post(f"/r/trade_account/{account.id}/notes", data={"body": "<p>  </p>"}, headers=HX)
    assert answer.status_code == 422
    assert "Write something in the note." in text(answer)
    [note] = _notes(trade_app)
    assert note.body == "<p>First line<br>second &lt;line&gt;</p><p>Next</p>"


def test_only_the_author_or_an_administrator_changes_a_note(trade_app, make_user, account):
    rep = make_user("rep@example.com", name="Rep")
    other = make_user("other@example.com", name="Other")
    with trade_app.app_context():
        records.update("trade_account", account.id, {"owner_id": rep.id}, user=None, version=None)
    rep_client = signed_in_client(trade_app, rep)
    assert rep_client.post(f"/r/trade_account/{account.id}/notes", data={"body": "mine"}).status_code == 302
    [note] = _notes(trade_app)
    assert note.author_id == rep.id
    # Someone who cannot see the record cannot even find the note.
    other_client = signed_in_client(trade_app, other)
    assert other_client.post(f"/r/trade_account/{account.id}/notes/{note.id}/edit",
                             data={"body": "theirs"}).status_code == 404
    edited = rep_client.post(f"/r/trade_account/{account.id}/notes/{note.id}/edit", data={"body": "mine, edited"},
                             headers=HX)
    assert "mine, edited" in text(edited) and "(edited)" in text(edited)
    admin = signed_in_client(trade_app, make_user(admin=True))
    assert admin.post(f"/r/trade_account/{account.id}/notes/{note.id}/delete", headers=HX).status_code == 200
    assert _notes(trade_app) == []


def test_a_note_by_someone_else_is_refused_to_a_non_admin(trade_app, make_user, make_record):
    rep = make_user("rep@example.com", name="Rep")
    record = make_record("trade_account", owner=rep, name="Shared")
    admin = make_user(admin=True, name="Boss")
    signed_in_client(trade_app, admin).post(f"/r/trade_account/{record.id}/notes", data={"body": "boss note"})
    [note] = _notes(trade_app)
    answer = signed_in_client(trade_app, rep).post(f"/r/trade_account/{record.id}/notes/{note.id}/delete")
    assert answer.status_code == 403
    assert len(_notes(trade_app)) == 1
