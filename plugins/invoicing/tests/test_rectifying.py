"""Rectifying invoices (credit notes) and simplified invoices: their own series, what they rectify and why,
by differences or by substitution; negative quantities only here."""
from datetime import date

from trato import records
from trato_invoicing.issuing import create_invoice, issue
from trato_invoicing.rectifying import rectify

from test_documents_support import customer, eur, line
from test_issuing import errors_of

pytest_plugins = ("test_documents_support",)  # its fixtures: spain, spain_app

ON = date(2026, 11, 2)


def issued(account, *lines, kind="invoice"):
    return issue(create_invoice({"account_id": account.id, "issue_date": ON, "kind": kind}, list(lines),
                                user=None).id, user=None)


def lines_of(invoice):
    return [(item["description"], item["quantity"], item["net"])
            for item in records.lines("invoicing_invoice", invoice.id, user=None)["invoicing_invoice_line"]]


def test_a_full_credit_note_by_differences(spain):
    account = customer()
    original = issued(account, line("100.00", "2", description="Audit"), line("40.00", vat="IVA10",
                                                                              description="Report"))
    credit = rectify(original.id, method="differences", reason="R1", user=None)
    assert (credit["kind"], credit["status"], credit["number"], credit["rectifies_id"]) == (
        "rectifying", "draft", None, original.id)
    assert lines_of(credit) == [("Audit", -2, eur("-200.00")), ("Report", -1, eur("-40.00"))]
    assert (credit["net_amount"], credit["tax_amount"], credit["total"]) == (eur("-240.00"), eur("-46.00"),
                                                                           eur("-286.00"))
    assert original["total"] == eur("286.00")
    done = issue(credit.id, user=None)
    assert (done["number"], done["rectification_reason"], done["rectification_method"]) == (
        "R2026-00001", "R1", "differences")
    assert issued(account, line("1.00"))["number"] == "F2026-00002"  # the invoices' own series goes on


def test_by_substitution_the_original_is_cancelled_and_replaced(spain):
    account = customer()
    original = issued(account, line("100.00", "3", description="Hours"))
    fixed = rectify(original.id, method="substitution", reason="R4", user=None,
                    lines=[line("100.00", "2", description="Hours")])
    assert lines_of(fixed) == [("Hours", -3, eur("-300.00")), ("Hours", 2, eur("200.00"))]
    assert (fixed["net_amount"], fixed["total"]) == (eur("-100.00"), eur("-121.00"))
    partial = rectify(original.id, method="differences", reason="R4", user=None,
                      lines=[line("100.00", "-1", description="Hour not worked")])
    assert partial["total"] == eur("-121.00")


def test_what_a_rectification_needs(spain):
    account = customer("Miren Etxeberria", tax_id=None)
    draft = create_invoice({"account_id": account.id, "issue_date": ON}, [line("10.00")], user=None)
    assert errors_of(lambda: rectify(draft.id, method="differences", reason="R1", user=None)) == {
        "rectifies_id": ["Only an issued invoice can be rectified; change the draft instead."]}
    ticket = issued(account, line("10.00"), kind="simplified")
    assert ticket["number"] == "FS2026-00001"
    assert errors_of(lambda: rectify(ticket.id, method="differences", reason="R1", user=None)) == {
        "rectification_reason": ["R5 is the reason for rectifying a simplified invoice, and only for it."]}
    assert errors_of(lambda: rectify(ticket.id, method="other", reason="R9", user=None)) == {
        "rectification_method": ["Choose substitution or differences."],
        "rectification_reason": ["Choose one of the reasons R1 to R5."]}
    assert issue(rectify(ticket.id, method="differences", reason="R5", user=None).id, user=None)["number"] == \
        "R2026-00001"
    orphan = create_invoice({"account_id": account.id, "issue_date": ON, "kind": "rectifying"},
                            [line("10.00", "-1")], user=None)
    assert errors_of(lambda: issue(orphan.id, user=None)) == {
        "rectifies_id": ["Choose the invoice this one rectifies."],
        "rectification_reason": ["Choose one of the reasons R1 to R5."],
        "rectification_method": ["Choose substitution or differences."]}
