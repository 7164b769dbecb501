"""Billing's REST calls under /api/v1/invoicing/: an account's statement and the tax books."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from trato import ApiCall, ApiEndpoint, PermissionRefused, access

from . import books, statement

INVOICE = "invoicing_invoice"


def _cell(value: Any) -> Any:
    """Decimals as strings and dates in ISO 8601, as the rest of the API answers them."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _plain(value: Any) -> Any:
    """`_cell` through dicts and lists."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return _cell(value)


def _allowed(call: ApiCall) -> None:
    if not access.allowed(call.user, INVOICE, "view"):
        raise PermissionRefused(_("You may not see invoices."), "view", INVOICE)


def _invoices(call: ApiCall) -> tuple[int, int | None, list[books.IssuedInvoice]]:
    """The issued invoices of the period the query asks for, as the caller may see them."""
    _allowed(call)
    year, quarter = books.asked_period(call.query.get("year"), call.query.get("quarter"))
    return year, quarter, books.issued_invoices(call.user, books.period_of(year, quarter))


def register(call: ApiCall) -> dict[str, Any]:
    year, quarter, invoices = _invoices(call)
    # rows as lists in the columns' order: a busy quarter's register is tens of thousands of rows
    rows = [[_cell(value) for value in row] for row in books.register_rows(invoices)]
    return {"year": year, "quarter": quarter, "columns": list(books.REGISTER_COLUMNS), "rows": rows}


def modelo_303(call: ApiCall) -> dict[str, Any]:
    year, quarter, invoices = _invoices(call)
    return _plain({"year": year, "quarter": quarter, **books.modelo_303(invoices)})


def modelo_347(call: ApiCall) -> dict[str, Any]:
    _allowed(call)
    year, _quarter = books.asked_period(call.query.get("year"), "")
    return _plain({"year": year, "customers": books.modelo_347(books.year_for_347(call.user, year))})


def account_statement(call: ApiCall, account_id: int) -> dict[str, Any]:
    found = statement.for_account(account_id, call.query.get("from"), call.query.get("to"), user=call.user)
    return _plain({"account_id": account_id, "from": found.start, "to": found.end, "ledgers": [
        {"currency": ledger.currency, "opening": ledger.opening, "closing": ledger.closing,
         "entries": [{"date": e.on, "kind": e.kind, "number": e.reference, "invoice_id": e.invoice_id,
                      "charge": e.charge, "credit": e.credit, "balance": e.balance} for e in ledger.entries]}
        for ledger in found.ledgers]})


ENDPOINTS = [
    ApiEndpoint("statement/<int:account_id>", account_statement,
                summary=_l("An account's statement: invoices, payments and the running balance")),
    ApiEndpoint("books/register", register, summary=_l("The register of issued invoices (AEAT's columns)")),
    ApiEndpoint("books/303", modelo_303, summary=_l("Modelo 303 figures of a quarter")),
    ApiEndpoint("books/347", modelo_347, summary=_l("Modelo 347: customers above 3,005.06 € in a year")),
]
