"""/api/v1/<entity>/<id>/{notes,activities,attachments,tags,followers,history}: the record page's rules, as JSON."""
from __future__ import annotations

import io

from trato import records

JSON = {"Content-Type": "application/json"}


def problem(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    return response.json


def test_notes_activities_tags_followers_and_files_are_added_and_listed(api, ana, bruno, make_record):
    account = make_record("trade_account", owner=ana, name="Acme")
    base = f"trade_account/{account.id}"
    note = api.post(f"{base}/notes", json={"body": "Called them.\n\nQuote next week."})
    assert note.status_code == 201 and note.json["body"] == "<p>Called them.</p><p>Quote next week.</p>"
    call = api.post(f"{base}/activities", json={"kind": "call", "subject": "Send the quote", "assignee_id": bruno.id,
                                                "due_at": "2030-05-06T11:30:00+02:00", "reminder_minutes": 15})
    assert call.status_code == 201
    assert (call.json["due_at"], call.json["assignee_id"], call.json["created_by"]) == (
        "2030-05-06T09:30:00+00:00", bruno.id, ana.id)
    upload = api.post(f"{base}/attachments", data={"file": (io.BytesIO(b"12 chairs"), "quote.txt")},
                      content_type="multipart/form-data")
    assert upload.status_code == 201 and (upload.json["file_name"], upload.json["size"]) == ("quote.txt", 9)
    assert api.post(f"{base}/tags", json={"tag": " Key  Account"}).json == {"tag": "key account"}
    api.post(f"{base}/tags", json={"tag": "north"})
    assert api.delete(f"{base}/tags/North").status_code == 204
    assert api.post(f"{base}/followers").status_code == 204
    assert [n["id"] for n in api.get(f"{base}/notes").json["data"]] == [note.json["id"]]
    assert [a["subject"] for a in api.get(f"{base}/activities").json["data"]] == ["Send the quote"]
    assert [f["file_name"] for f in api.get(f"{base}/attachments").json["data"]] == ["quote.txt"]
    assert api.get(f"{base}/tags").json == {"data": ["key account"]}
    assert api.get(f"{base}/followers").json == {"data": [ana.id]}
    assert api.delete(f"{base}/followers").status_code == 204
    assert api.get(f"{base}/followers").json == {"data": []}


def test_bad_input_is_422_naming_the_field(api, ana, make_record):
    base = f"trade_account/{make_record('trade_account', owner=ana, name='Acme').id}"
    assert problem(api.post(f"{base}/notes", json={"body": "<p> </p>"}), 422)["errors"] == {
        "body": ["Write something in the note."]}
    assert "kind" in problem(api.post(f"{base}/activities", json={"kind": "lunch", "subject": "x"}), 422)["errors"]
    assert problem(api.post(f"{base}/activities", json={"kind": "task", "subject": "x", "reminder_minutes": 5}),
                   422)["errors"] == {"reminder_minutes": ["A reminder needs a due date."]}
    assert "due_at" in problem(api.post(f"{base}/activities", json={"kind": "task", "subject": "x",
                                                                   "due_at": "2030-05-06T09:30"}), 422)["errors"]
    assert "color" in problem(api.post(f"{base}/tags", json={"tag": "x", "color": "red"}), 422)["errors"]
    assert problem(api.post(f"{base}/attachments", json={"file": "x"}), 415)["errors"] == {
        "Content-Type": ["Use multipart/form-data."]}
    assert problem(api.post(f"{base}/attachments", data={}, content_type="multipart/form-data"), 422)["errors"] == {
        "file": ["Choose a file to attach."]}
    assert api.get(f"{base}/notes").json == {"data": []}


def test_a_record_out_of_scope_is_404_and_tags_need_the_edit_permission(trade_app, api, api_as, ana, bruno,
                                                                         make_user, make_record):
    theirs = make_record("trade_account", owner=bruno, name="Bruno's")
    for tail in ("notes", "activities", "attachments", "tags", "followers", "history"):
        assert problem(api.get(f"trade_account/{theirs.id}/{tail}"), 404)
    assert problem(api.post(f"trade_account/{theirs.id}/notes", json={"body": "Hi"}), 404)
    assert problem(api.get("trade_account/99999999999/notes"), 404)
    assert problem(api.get("nothing_here/1/notes"), 404)
    reader = api_as(make_user("reader@example.com", role="read_only", app=trade_app))
    assert reader.post(f"trade_account/{theirs.id}/notes", json={"body": "Seen"}).status_code == 201
    assert problem(reader.post(f"trade_account/{theirs.id}/tags", json={"tag": "mine"}), 403)
    assert problem(reader.delete(f"trade_account/{theirs.id}/tags/x"), 403)


def test_the_history_leaves_out_hidden_fields(trade_app, api, ana, make_user, make_record, city_hidden):
    account = make_record("trade_account", owner=ana, name="Acme")
    with trade_app.app_context():
        records.update("trade_account", account.id, {"city": "Bilbao", "name": "Acme Norte"}, user=None,
                       version=None)
    history = api.get(f"trade_account/{account.id}/history").json["data"]
    assert [e["action"] for e in history] == ["create", "update"]
    assert history[1]["changes"] == {"name": ["Acme", "Acme Norte"]}


def test_the_openapi_document_lists_the_extras(api, ana):
    paths = api.get("openapi.json").json["paths"]
    assert set(paths["/api/v1/trade_account/{record_id}/notes"]) == {"get", "post"}
    assert set(paths["/api/v1/trade_account/{record_id}/followers"]) == {"get", "post", "delete"}
    assert set(paths["/api/v1/trade_account/{record_id}/tags/{tag}"]) == {"delete"}
    assert "multipart/form-data" in paths["/api/v1/trade_account/{record_id}/attachments"]["post"]["requestBody"][
        "content"]
    assert set(paths["/api/v1/trade_account/{record_id}/history"]) == {"get"}


def test_a_multipart_part_without_a_readable_name_is_no_500(api, ana, make_record):
    account = make_record("trade_account", owner=ana, name="Acme")
    body = (b'--b\r\nContent-Disposition: form-data; name="%0A"\r\n\r\nnull\r\n'
            b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nabc\r\n--b--\r\n')
    sent = api.post(f"trade_account/{account.id}/attachments", data=body,
                    headers={"Content-Type": "multipart/form-data; boundary=b"})
    assert sent.status_code == 201 and sent.json["size"] == 3


def test_notes_activities_and_files_are_changed_and_deleted(api, api_as, trade_app, ana, make_user, make_record):
    account = make_record("trade_account", owner=ana, name="Acme")
    base = f"trade_account/{account.id}"
    note = api.post(f"{base}/notes", json={"body": "Draft"}).json
    task = api.post(f"{base}/activities", json={"kind": "task", "subject": "Call"}).json
    file = api.post(f"{base}/attachments", data={"file": (io.BytesIO(b"abc"), "a.txt")},
                    content_type="multipart/form-data").json
    assert api.patch(f"{base}/notes/{note['id']}", json={"body": "Final"}).json["body"] == "<p>Final</p>"
    assert api.patch(f"{base}/activities/{task['id']}", json={"done": True}).json["done_at"]
    assert "done" in problem(api.patch(f"{base}/activities/{task['id']}", json={"done": "maybe"}), 422)["errors"]
    assert problem(api.delete(f"{base}/notes/{note['id'] + 100}"), 404)
    manager = api_as(make_user("boss@example.com", role="sales_manager", app=trade_app))
    assert problem(manager.delete(f"{base}/notes/{note['id']}"), 403)
    for path in (f"notes/{note['id']}", f"activities/{task['id']}", f"attachments/{file['id']}"):
        assert api.delete(f"{base}/{path}").status_code == 204
    assert [api.get(f"{base}/{tail}").json["data"] for tail in ("notes", "activities", "attachments")] == [[], [], []]
