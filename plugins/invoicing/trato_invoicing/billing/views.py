"""Billing's pages: recording a payment from the invoice's tab, the tax books (page and downloads) and the
customer statement."""
from __future__ import annotations

from itertools import islice
from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from trato import PermissionRefused, RecordNotFound, SaveRefused, ValidationFailed, records

from . import books, exports, payments_tab, statement
from .payments_tab import PAYMENT

bp = Blueprint("invoicing_billing", __name__, url_prefix="/invoicing/billing", template_folder="../templates")

INVOICE = "invoicing_invoice"


def _user() -> Any:
    return current_user._get_current_object()


def _messages(errors: dict[str, Any]) -> dict[str, list[str]]:
    return {str(name): [str(m) for m in (messages if isinstance(messages, list) else [messages])]
            for name, messages in errors.items()}


def _amount(text: str, currency: str) -> Any:
    """What was typed in the reader's locale ("1.234,50" in Spanish) as the API's money object."""
    amount = records.entity(PAYMENT).fields["amount"]
    return {"amount": amount.type.typed_text(amount, text.strip()), "currency": currency} if text.strip() else None


@bp.post("/invoices/<int:invoice_id>/payments")
@login_required
def record_payment(invoice_id: int) -> Any:
    """Record a payment from the invoice's Payments tab; refusals go back to the tab at their fields."""
    user = _user()
    try:
        invoice = records.get(INVOICE, invoice_id, user=user)
    except RecordNotFound:
        abort(404)
    form = {name: request.form.get(name, "") for name in ("payment_date", "amount", "method", "reference")}
    values = {"invoice_id": invoice_id, "payment_date": form["payment_date"] or None,
              "amount": _amount(form["amount"], invoice["total"].currency), "method": form["method"] or None,
              "reference": form["reference"].strip() or None}
    try:
        records.create(PAYMENT, values, user=user)
    except ValidationFailed as refused:
        return _tab(invoice, form, _messages(refused.errors), _("Please correct the marked fields."))
    except (SaveRefused, PermissionRefused) as refused:
        return _tab(invoice, form, {}, str(refused))
    target = url_for("records.detail", entity=INVOICE, record_id=invoice_id, tab=payments_tab.TAB_KEY)
    if request.headers.get("HX-Request") == "true":
        return Response(status=204, headers={"HX-Redirect": target})
    return redirect(target)


def _tab(invoice: Any, form: dict[str, str], errors: dict[str, list[str]], message: str) -> tuple[str, int]:
    context = payments_tab.context(invoice, _user(), form, errors, message)
    template = "invoicing/billing/payments.html" if request.headers.get("HX-Request") == "true" \
        else "invoicing/billing/payment_page.html"
    return render_template(template, **context), 422


def _period() -> tuple[int, int | None]:
    try:
        return books.asked_period(request.args.get("year"), request.args.get("quarter"))
    except ValidationFailed:
        abort(400)


def _allowed() -> None:
    if not books.allowed(_user()):
        abort(403)


# The register rows the page shows; a busy quarter has tens of thousands, which the downloads carry.
SHOWN_ROWS = 500


@bp.get("/books")
@login_required
def tax_books() -> str:
    """The register of the chosen quarter (or year), its modelo 303 figures and the year's modelo 347."""
    _allowed()
    year, quarter = _period()
    invoices = books.issued_invoices(_user(), books.period_of(year, quarter))
    return render_template("invoicing/billing/books.html", year=year, quarter=quarter,
                           columns=list(zip(books.REGISTER_COLUMNS, books.REGISTER_KINDS)),
                           rows=list(islice(books.register_rows(invoices), SHOWN_ROWS + 1)), shown_rows=SHOWN_ROWS,
                           figures=books.modelo_303(invoices), information_boxes=books.INFORMATION_BOXES,
                           customers=books.modelo_347(books.year_for_347(_user(), year)))


@bp.get("/books/register.<any(csv, xlsx):kind>")
@login_required
def register_download(kind: str) -> Response:
    _allowed()
    year, quarter = _period()
    rows = books.register_rows(books.issued_invoices(_user(), books.period_of(year, quarter)))
    name = f"libro-registro-expedidas-{year}{f'-{quarter}T' if quarter else ''}.{kind}"
    body, mime = (exports.csv_bytes(rows), "text/csv; charset=utf-8") if kind == "csv" else \
        (exports.xlsx_bytes(rows), exports.XLSX)
    return Response(body, mimetype=mime, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/statement/<int:account_id>")
@login_required
def account_statement(account_id: int) -> Any:
    """The account's statement over a period (the last twelve months by default), as a page or (`format=pdf`)
    a PDF."""
    try:
        found = statement.for_account(account_id, request.args.get("from"), request.args.get("to"), user=_user())
    except RecordNotFound:
        abort(404)
    except ValidationFailed as refused:
        return render_template("invoicing/billing/statement_page.html", statement=None,
                               errors=_messages(refused.errors), account_id=account_id), 422
    if request.args.get("format") == "pdf":
        name = f"statement-{account_id}-{found.start.isoformat()}-{found.end.isoformat()}.pdf"
        return Response(statement.pdf(found, _user()), mimetype="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="{name}"'})
    return render_template("invoicing/billing/statement_page.html", statement=found, errors={},
                           account_id=account_id)
