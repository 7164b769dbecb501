"""Issuing an invoice appends its RegistroAlta to the issuer's chain, in the issuing transaction; records are
append-only on both databases; a company without a tax id cannot issue while VeriFactu is enabled."""
from datetime import date
from itertools import pairwise
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError
from trato_invoicing.issuing import create_invoice, issue
from trato_verifactu.chain import recorded_fields
from trato_verifactu.fingerprint import alta_input, fingerprint
from trato_verifactu.models import Submission
from verifactu_support import ISSUER, chain_of, customer, issued, line, set_issuer

from trato import ValidationFailed, records, session
from trato.testing import migration_drift


def test_issued_invoices_form_one_chain_across_series_with_aeats_fingerprint(vf):
    account = customer()
    first = issued(account, "100.00", "23.45")
    simplified = issued(account, "10.00", kind="simplified")
    third = issued(account, "0.10")
    chain = chain_of()
    assert [(r.position, r.kind, r.number, r.invoice_type) for r in chain] == [
        (1, "alta", first["number"], "F1"), (2, "alta", simplified["number"], "F2"),
        (3, "alta", third["number"], "F1")]
    assert chain[0].previous_id is None and chain[0].previous_fingerprint == ""
    for before, record in pairwise(chain):
        assert (record.previous_id, record.previous_fingerprint) == (before.id, before.fingerprint)
    head = chain[0]
    # 123.45 + 21 % VAT rounded once on the base: 25.92; the record's text is the spec's format
    assert (head.cuota_total, head.importe_total) == (Decimal("25.92"), Decimal("149.37"))
    assert alta_input(recorded_fields(head)) == (
        f"IDEmisorFactura={ISSUER}&NumSerieFactura={first['number']}&FechaExpedicionFactura=15-01-2027"
        f"&TipoFactura=F1&CuotaTotal=25.92&ImporteTotal=149.37&Huella=&FechaHoraHusoGenRegistro="
        f"{head.generated_at}")
    assert head.generated_at.startswith("20") and head.generated_at[-6:] in ("+01:00", "+02:00")
    assert all(fingerprint(recorded_fields(r)) == r.fingerprint and len(r.fingerprint) == 64 for r in chain)
    assert [s.state for s in session().query(Submission).order_by(Submission.record_id)] == ["pending"] * 3


def test_a_rectifying_invoice_is_typed_by_its_reason(vf):
    from trato_invoicing.rectifying import rectify
    original = issued(customer(), "50.00")
    credit = rectify(original.id, method="differences", reason="R4", user=None)
    done = issue(credit.id, user=None)
    last = chain_of()[-1]
    assert (last.number, last.invoice_type, last.importe_total) == (done["number"], "R4", Decimal("-60.50"))


def test_a_refused_issue_leaves_no_record_and_a_company_without_tax_id_cannot_issue(vf_app):
    set_issuer(vf_app, tax_id="")
    with vf_app.app_context():
        draft = create_invoice({"account_id": customer().id, "issue_date": date(2027, 1, 15)}, [line("10.00")],
                               user=None)
        with pytest.raises(ValidationFailed) as refused:
            issue(draft.id, user=None)
        assert "company_id" in refused.value.errors
        assert records.get("invoicing_invoice", draft.id, user=None)["status"] == "draft"
    with vf_app.app_context():
        assert chain_of("") == [] and session().execute(text("SELECT count(*) FROM verifactu_chain")).scalar() == 0


def test_records_refuse_update_and_delete_in_the_database(vf):
    issued(customer(), "10.00")
    for statement in ("UPDATE verifactu_record SET importe_total = 1", "DELETE FROM verifactu_record"):
        with pytest.raises(DatabaseError, match="append-only"):
            session().execute(text(statement))
        session().rollback()
    assert len(chain_of()) == 1


def test_the_migration_makes_what_the_models_say(vf_app):
    assert migration_drift(vf_app, "verifactu_") == []
