"""An issue request whose database connection is lost at its commit, retried with the same Idempotency-Key:
one invoice, one number. Lost before the commit, nothing was kept and the retry issues it with the number
the failed attempt gave back; lost after it, the retry gets the first answer again and takes no number."""
from datetime import date

from trato import records
from tests.api.test_idempotency import failing_commit

from test_documents_support import customer, line

pytest_plugins = ("test_documents_support",)  # its fixtures: spain, spain_app


def test_a_retried_issue_makes_one_invoice_with_one_number(spain_app, make_user, api_client_as):
    admin = make_user(admin=True)
    with spain_app.app_context():
        account = customer()
        first, second = (records.create("invoicing_invoice", {"account_id": account.id, "issue_date": date(2026, 11, 2),
                                                              "lines": [line("10.00")]}, user=admin).id
                         for _ in range(2))
    api = api_client_as(admin)

    with failing_commit(spain_app, kept=False) as failed:
        lost = api.post(f"invoicing_invoice/{first}/issue", json={}, headers={"Idempotency-Key": "issue-1"})
    assert failed and lost.status_code == 503
    with spain_app.app_context():
        assert records.get("invoicing_invoice", first, user=None)["status"] == "draft"
    retried = api.post(f"invoicing_invoice/{first}/issue", json={}, headers={"Idempotency-Key": "issue-1"})
    assert retried.status_code == 200 and retried.get_json()["number"] == "F2026-00001"

    with failing_commit(spain_app, kept=True) as failed:
        lost = api.post(f"invoicing_invoice/{second}/issue", json={}, headers={"Idempotency-Key": "issue-2"})
    assert failed and lost.status_code == 503
    replayed = api.post(f"invoicing_invoice/{second}/issue", json={}, headers={"Idempotency-Key": "issue-2"})
    assert replayed.headers["Idempotent-Replayed"] == "true" and replayed.get_json()["number"] == "F2026-00002"
    with spain_app.app_context():
        numbers = sorted(i["number"] for i in records.query("invoicing_invoice", user=None).page(limit=10).items)
    assert numbers == ["F2026-00001", "F2026-00002"]
