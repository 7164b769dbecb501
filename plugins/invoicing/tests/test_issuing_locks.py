"""An issued invoice is locked on every path (service, form, mass action, API, import, recycle bin purge);
only what billing keeps up to date may still change."""
import csv
from datetime import date, timedelta

import pytest
from sqlalchemy import update

from trato import RecordLocked, records
from trato.models import utcnow
from trato.transfer import imports
from trato_invoicing.issuing import create_invoice, issue
from trato_invoicing.models import Invoice

from test_documents_support import customer, line

pytest_plugins = ("test_documents_support",)  # its fixtures: spain, spain_app

LOCKED = "is locked (the invoice is issued)"


def test_every_path_refuses_to_change_an_issued_invoice(spain_app, make_user, client_as, api_client_as):
    admin = make_user(admin=True)
    with spain_app.app_context():
        account = customer("Talleres Zubia")
        draft = create_invoice({"account_id": account.id, "issue_date": date(2026, 11, 2)}, [line("100.00")],
                               user=admin)
        invoice = issue(draft.id, user=admin)
        with pytest.raises(RecordLocked):
            records.update("invoicing_invoice", invoice.id, {"global_discount": "10"}, user=admin, version=None)
        with pytest.raises(RecordLocked):
            records.update("invoicing_invoice", invoice.id, {"lines": []}, user=admin, version=None)
        with pytest.raises(RecordLocked):
            records.delete("invoicing_invoice", invoice.id, user=admin)
        moved = records.update("invoicing_invoice", invoice.id, {"due_date": date(2026, 12, 31)}, user=admin,
                               version=None)
    assert moved["due_date"] == date(2026, 12, 31)

    client = client_as(admin)
    form = client.post(f"/r/invoicing_invoice/{invoice.id}/edit", data={"kind": "invoice",
                                                                        "account_id": account.id,
                                                                        "global_discount": "10",
                                                                        "version": moved.version})
    assert form.status_code == 422 and LOCKED in form.get_data(as_text=True)
    mass = client.post("/r/invoicing_invoice/mass", data={"action": "delete", "ids": [invoice.id]},
                       follow_redirects=True)
    assert "Nothing was changed" in mass.get_data(as_text=True) and LOCKED in mass.get_data(as_text=True)

    api = api_client_as(admin)
    patched = api.patch(f"invoicing_invoice/{invoice.id}", json={"global_discount": "10"},
                        headers={"If-Match": f'"{moved.version}"'})
    assert patched.status_code == 409 and patched.get_json()["type"] == "urn:trato:problem:record-locked"
    assert api.delete(f"invoicing_invoice/{invoice.id}").status_code == 409

    with spain_app.app_context():
        data = f"ID,Global discount\n{invoice.id},10\n".encode()
        started = imports.start(data, "invoices.csv", "invoicing_invoice", user=admin, mode="update")
        imported = imports.run(started.id)
    assert (imported.updated, imported.failed) == (0, 1)
    with open(imported.error_path, encoding="utf-8-sig", newline="") as f:
        assert LOCKED in "\n".join(",".join(row) for row in csv.reader(f))

    # in the recycle bin by some other way (a row written straight), it is still never purged
    session = spain_app.extensions["trato"].sessionmaker()
    session.execute(update(Invoice).where(Invoice.id == invoice.id).values(deleted_at=utcnow() - timedelta(days=90)))
    session.commit()
    purge = client.post(f"/recycle-bin/invoicing_invoice/{invoice.id}/purge", data={"confirm": "yes"})
    assert purge.status_code == 409 and "cannot be purged" in purge.get_data(as_text=True)

    with spain_app.app_context():
        kept = records.get("invoicing_invoice", invoice.id, user=admin, deleted=True)
    assert (kept["number"], kept["global_discount"], kept.version) == ("F2026-00001", None, moved.version)
