"""Attachments: stored outside the web root by a random key, type-checked, downloaded only by who may see the record."""
from __future__ import annotations

import io

from trato_trade import plugin as trade_plugin

from trato import db, records
from trato.activity import cleanup, storage
from trato.activity.models import Attachment, Note, Tag
from trato.records.purge import purge_record
from trato.testing import signed_in_client

from .conftest import HX, rows, text

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + bytes(range(256)) * 10 + b"\n%%EOF\n"


def _upload(client, record_id, name, content, headers=HX):
    return client.post(f"/r/trade_account/{record_id}/files", headers=headers, content_type="multipart/form-data",
                       data={"file": (io.BytesIO(content), name)})


def test_upload_then_download_with_safe_headers(trade_app, as_ana, account):
    answer = _upload(as_ana, account.id, "Oferta 2027 ñ.pdf", PDF)
    assert answer.status_code == 200 and "Oferta 2027 ñ.pdf" in text(answer)
    [stored] = rows(trade_app, Attachment)
    assert stored.content_type == "application/pdf" and stored.size == len(PDF)
    key = stored.storage_key
    path = trade_app.extensions["trato"].settings.instance_path / "uploads" / key[:2] / key
    assert path.read_bytes() == PDF and "Oferta" not in str(path)
    download = as_ana.get(f"/r/trade_account/{account.id}/files/{stored.id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Security-Policy"].startswith("sandbox")
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''Oferta%202027%20%C3%B1.pdf" in disposition


def test_dangerous_or_mismatched_files_are_refused(trade_app, as_ana, account):
    cases = {
        ("setup.exe", b"MZ\x90\x00" + b"\x00" * 100): "can run code",
        ("notes.txt", b"MZ\x90\x00binary"): "can run code",
        ("page.html", b"<html><script>alert(1)</script></html>"): "can run code",
        ("photo.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50): "does not match its name (.pdf)",
        ("blob.dat", b"\x00\x01\x02\x03" * 20): "This type of file is not accepted",
        ("empty.txt", b""): "The file is empty.",
    }
    for (name, content), message in cases.items():
        answer = _upload(as_ana, account.id, name, content)
        assert answer.status_code == 422, name
        assert message in text(answer), name
    assert rows(trade_app, Attachment) == []
    assert _upload(as_ana, account.id, "list.csv", "name;city\nAcme;Málaga\n".encode()).status_code == 200
    assert [a.content_type for a in rows(trade_app, Attachment)] == ["text/csv"]


def test_an_oversize_upload_is_refused_with_a_clear_message(make_app, make_user, make_record):
    app = make_app(plugins=["trade"], extra_plugins={"trade": trade_plugin}, max_upload_mb=1)
    admin = make_user(admin=True, app=app)
    record = make_record("trade_account", owner=admin, app=app, name="Big")
    client = signed_in_client(app, admin)
    big = PDF + b"0" * (1024 * 1024 + 10)
    page = _upload(client, record.id, "big.pdf", big, headers={})
    assert page.status_code == 413
    assert "The file is larger than the limit of 1 MB." in text(page)
    fragment = _upload(client, record.id, "big.pdf", big)
    assert fragment.status_code == 413 and 'id="files-upload-error"' in text(fragment)
    assert rows(app, Attachment) == []
    assert not list((app.extensions["trato"].settings.instance_path / "uploads").glob("*/*"))


def test_who_cannot_see_the_record_gets_404(trade_app, as_ana, make_user, account):
    _upload(as_ana, account.id, "offer.pdf", PDF)
    [stored] = rows(trade_app, Attachment)
    rep = signed_in_client(trade_app, make_user("rep@example.com", name="Rep"))  # sees only their own records
    url = f"/r/trade_account/{account.id}/files/{stored.id}"
    assert rep.get(url).status_code == 404
    assert _upload(rep, account.id, "mine.pdf", PDF).status_code == 404
    assert rep.post(f"{url}/delete").status_code == 404
    # A file asked for under another record is not found either.
    other = _other_record(trade_app)
    assert as_ana.get(f"/r/trade_account/{other}/files/{stored.id}").status_code == 404
    # In the recycle bin the record's files are hidden, and back when it is restored.
    with trade_app.app_context():
        records.delete("trade_account", account.id, user=None)
    assert as_ana.get(url).status_code == 404
    with trade_app.app_context():
        records.restore("trade_account", account.id, user=None)
    assert as_ana.get(url).data == PDF


def _other_record(app) -> int:
    with app.app_context():
        return records.create("trade_account", {"name": "Other"}, user=None).id


def test_only_the_uploader_or_an_administrator_deletes_a_file(trade_app, make_user, make_record):
    rep = make_user("rep@example.com", name="Rep")
    record = make_record("trade_account", owner=rep, name="Rep's")
    admin = signed_in_client(trade_app, make_user(admin=True))
    _upload(admin, record.id, "offer.pdf", PDF)
    [stored] = rows(trade_app, Attachment)
    rep_client = signed_in_client(trade_app, rep)
    assert rep_client.post(f"/r/trade_account/{record.id}/files/{stored.id}/delete").status_code == 403
    assert admin.post(f"/r/trade_account/{record.id}/files/{stored.id}/delete", headers=HX).status_code == 200
    assert rows(trade_app, Attachment) == []
    assert not list((trade_app.extensions["trato"].settings.instance_path / "uploads").glob("*/*"))


def test_purging_a_record_forgets_what_hung_on_it(trade_app, as_ana, account):
    _upload(as_ana, account.id, "offer.pdf", PDF)
    as_ana.post(f"/r/trade_account/{account.id}/notes", data={"body": "bye"})
    as_ana.post(f"/r/trade_account/{account.id}/tags", data={"tag": "old"})
    [stored] = rows(trade_app, Attachment)
    path = (trade_app.extensions["trato"].settings.instance_path / "uploads" / stored.storage_key[:2]
            / stored.storage_key)
    with trade_app.app_context():
        records.delete("trade_account", account.id, user=None)
        purge_record("trade_account", account.id, user=None)
    assert rows(trade_app, Attachment) == [] and rows(trade_app, Note) == [] and rows(trade_app, Tag) == []
    assert not path.exists()  # removed once the purge committed


def test_a_purge_that_fails_keeps_the_files(trade_app, as_ana, account):
    _upload(as_ana, account.id, "offer.pdf", PDF)
    with trade_app.app_context():
        session = db.session()
        files = cleanup.forget(session, "trade_account", [account.id])
        storage.remove_after_commit(session, files)
        session.rollback()
    assert len(files) == 1 and files[0].is_file()
    assert len(rows(trade_app, Attachment)) == 1
