"""The tax books from the issued invoices a user may see: the register of issued invoices (libro registro de
facturas expedidas) in AEAT's column layout, and the figures of modelo 303 (quarterly VAT) and modelo 347
(customers above 3,005.06 € in a year).

Everything is read from the invoices' frozen tax rows (`invoicing_invoice_tax`, one per kind and rate) and
shown in euros: an invoice in another currency is converted at the exchange rate it stored at issue.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Iterator

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from trato import Money, PermissionRefused, ValidationFailed, access, currencies, fields, records, session

from ..models import InvoiceTax

EURO = "EUR"
ZERO = Decimal("0.00")
LIMIT_347 = Decimal("3005.06")

# AEAT's columns of the libro registro de facturas expedidas (Orden HAC/773/2019), those an invoice of this
# plugin fills; one row per invoice and VAT rate.
REGISTER_COLUMNS = (
    "Ejercicio", "Periodo", "Fecha Expedición", "Fecha Operación", "Serie", "Número", "Tipo de Factura",
    "NIF Destinatario", "Nombre Destinatario", "Factura Rectificada", "Total Factura", "Base Imponible",
    "Tipo de IVA", "Cuota IVA Repercutida", "Tipo de Recargo eq.", "Cuota Recargo Equivalencia",
    "Tipo Retención IRPF", "Importe Retenido IRPF", "Operación Exenta",
)
# How each column shows on the page: plain text, a date, an amount in euros or a rate.
REGISTER_KINDS = ("text", "text", "date", "date", "text", "text", "text", "text", "text", "text", "money", "money",
                  "rate", "money", "rate", "money", "rate", "money", "text")
# AEAT's invoice types: F1 invoice, F2 simplified, R1-R5 rectifying (by its reason).
KIND_CODES = {"invoice": "F1", "simplified": "F2"}

# Modelo 303's boxes (casillas): accrued VAT per rate (base, rate, quota), recargo per rate, rectifications.
VAT_BOXES = {Decimal("4"): ("01", "02", "03"), Decimal("10"): ("04", "05", "06"), Decimal("21"): ("07", "08", "09"),
             Decimal("0"): ("150", "151", "152"), Decimal("5"): ("153", "154", "155")}
SURCHARGE_BOXES = {Decimal("0.5"): ("16", "17", "18"), Decimal("1.4"): ("19", "20", "21"),
                   Decimal("5.2"): ("22", "23", "24")}
# Its additional information (Orden HAC/646/2021): the bases of operations that charge no Spanish VAT. 59
# intra-EU supplies of goods and services, 60 exports and like operations (goods to the Canary Islands, Ceuta
# and Melilla), 120 not subject by the place-of-supply rules (services there), 122 domestic reverse charge.
INFORMATION_BOXES = {"59": _l("Intra-EU supplies of goods and services"), "60": _l("Exports and like operations"),
                     "120": _l("Not subject by the place-of-supply rules"),
                     "122": _l("Subject with reverse charge")}


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first = date(year, 3 * quarter - 2, 1)
        last = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
        return cls(first, date.fromordinal(last.toordinal() - 1))

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31))


def asked_period(year: str | None, quarter: str | None) -> tuple[int, int | None]:
    """The year and quarter a page or API call asks for (`quarter=` empty: the whole year), this quarter when
    neither is given; ValidationFailed naming `year` or `quarter` for what does not read."""
    today = date.today()
    try:
        chosen_year = int(year) if year else today.year
    except ValueError:
        chosen_year = 0
    if not 2000 <= chosen_year <= 2999:
        raise ValidationFailed({"year": [_("Give a year such as %(year)d.", year=today.year)]})
    if quarter is None:
        return chosen_year, (today.month - 1) // 3 + 1
    if quarter == "":
        return chosen_year, None
    if quarter not in ("1", "2", "3", "4"):
        raise ValidationFailed({"quarter": [_("The quarter is 1, 2, 3 or 4 (empty: the whole year).")]})
    return chosen_year, int(quarter)


def period_of(year: int, quarter: int | None) -> Period:
    return Period.quarter(year, quarter) if quarter else Period.year(year)


@dataclass
class TaxLine:
    rate: Decimal
    base: Decimal
    amount: Decimal
    taxed: bool = True  # False: the row of the lines that charge no VAT (exempt, not subject), under no tax


@dataclass
class IssuedInvoice:
    """An issued invoice as the books see it: in euros, with its tax rows by kind."""
    id: int
    kind: str
    number: str
    issue_date: date
    operation_date: date | None
    tax_id: str
    name: str
    total: Decimal
    rectifies: str
    reason: str | None
    net: Decimal = ZERO
    # The base by modelo 303's information box, for an invoice that charges no Spanish VAT ({"59": base}).
    information: dict[str, Decimal] = field(default_factory=dict)
    taxes: dict[str, list[TaxLine]] = field(default_factory=lambda: defaultdict(list))


def _euros(amount: Decimal, currency: str, rate: Decimal | None) -> Decimal:
    if currency == EURO or rate is None:
        return fields.round_half_up(amount, 2)
    return currencies.at_rate(Money(amount, currency), rate, EURO).amount


# The invoice fields the books print or add up: a role that hides one of them gets no books at all.
READ_FIELDS = ("number", "kind", "issue_date", "operation_date", "customer_tax_id", "customer_name", "total",
               "exchange_rate", "rectifies_id", "rectification_reason", "net_amount", "tax_amount",
               "fiscal_position_id", "withholding_amount")


def allowed(user: Any) -> bool:
    """Whether the user may read the books: see invoices, none of the fields the books need hidden."""
    return access.allowed(user, "invoicing_invoice", "view") and not \
        access.hidden_fields(user, "invoicing_invoice") & set(READ_FIELDS)


# What the books read of an invoice (a quarter may hold a hundred thousand: no more than these).
ISSUED_COLUMNS = ("id", "kind", "number", "issue_date", "operation_date", "customer_tax_id", "customer_name", "total",
                  "total_currency", "exchange_rate", "rectifies_id", "rectification_reason", "net_amount",
                  "net_amount_currency", "fiscal_position_id")


def _issued(user: Any, period: Period) -> Select[Any]:
    """The scoped select of the issued invoices of `period` the user may see; PermissionRefused when the user's
    role hides a field the books need (they would give it away)."""
    hidden = access.hidden_fields(user, "invoicing_invoice") & set(READ_FIELDS)
    if hidden:
        raise PermissionRefused(_("Your role hides fields of invoices that the tax books need: %(fields)s.",
                                  fields=", ".join(sorted(hidden))), "view", "invoicing_invoice")
    return records.query("invoicing_invoice", user=user).where(
        {"status": "issued", "issue_date__gte": period.start.isoformat(), "issue_date__lte": period.end.isoformat()}
    ).statement()


def issued_invoices(user: Any, period: Period) -> list[IssuedInvoice]:
    """The issued invoices of `period` the user may see, by issue date and number, with their tax rows."""
    chosen = _issued(user, period)
    found = chosen.subquery()
    rows = session().execute(select(*(found.c[name] for name in ISSUED_COLUMNS))).mappings().all()
    numbers = {row["id"]: row["number"] for row in rows}
    missing = [row["rectifies_id"] for row in rows if row["rectifies_id"] and row["rectifies_id"] not in numbers]
    if missing:
        found = records.query("invoicing_invoice", user=None).where({"id__in": ",".join(map(str, missing))})
        numbers |= {row["id"]: row["number"] for row in session().execute(found.statement()).mappings()}
    invoices = {row["id"]: IssuedInvoice(
        id=row["id"], kind=row["kind"], number=row["number"] or "", issue_date=row["issue_date"],
        operation_date=row["operation_date"], tax_id=row["customer_tax_id"] or "", name=row["customer_name"] or "",
        total=_euros(row["total"] or ZERO, row["total_currency"] or EURO, row["exchange_rate"]),
        rectifies=numbers.get(row["rectifies_id"], "") if row["rectifies_id"] else "",
        reason=row["rectification_reason"],
        net=_euros(row["net_amount"] or ZERO, row["net_amount_currency"] or EURO, row["exchange_rate"]))
        for row in rows}
    rates = {row["id"]: (row["total_currency"] or EURO, row["exchange_rate"]) for row in rows}
    _sort_information(invoices, {row["id"]: row["fiscal_position_id"] for row in rows}, rates)
    if invoices:
        # the same scoped query as a subquery (a quarter's ids are too many to send as parameters); plain rows,
        # not ORM objects, for a hundred thousand of them
        taxes = session().execute(
            select(InvoiceTax.invoice_id, InvoiceTax.kind, InvoiceTax.rate, InvoiceTax.base, InvoiceTax.amount,
                   InvoiceTax.tax_id)
            .where(InvoiceTax.invoice_id.in_(select(chosen.subquery().c.id)))
            .order_by(InvoiceTax.invoice_id, InvoiceTax.kind, InvoiceTax.rate.desc()))
        for invoice_id, kind, rate_of_tax, base, amount, tax_id in taxes:
            currency, rate = rates[invoice_id]
            invoices[invoice_id].taxes[kind].append(
                TaxLine(rate_of_tax, _euros(base, currency, rate), _euros(amount, currency, rate), tax_id is not None))
    return sorted(invoices.values(), key=lambda invoice: (invoice.issue_date, invoice.number))


def _sort_information(invoices: dict[int, IssuedInvoice], positions: dict[int, int | None],
                      rates: dict[int, tuple[str, Decimal | None]]) -> None:
    """Put the base of each invoice that charges no Spanish VAT in its modelo 303 information box, by its
    fiscal position: to the Canary Islands, Ceuta or Melilla goods count as exports and services as not
    subject, so those invoices are split by their lines' products."""
    found = records.query("catalog_fiscal_position", user=None).where(
        {"id__in": ",".join(map(str, {p for p in positions.values() if p}))}) if any(positions.values()) else None
    regimes = {row["id"]: (row["regime"], row["reverse_charge"])
               for row in (session().execute(found.statement()).mappings() if found else ())}
    islands = []
    for invoice_id, position in positions.items():
        regime, reverse_charge = regimes.get(position, (None, False))
        invoice = invoices[invoice_id]
        if regime == "intra_eu":
            invoice.information["59"] = invoice.net
        elif regime == "export":
            invoice.information["60"] = invoice.net
        elif regime == "canary_ceuta_melilla":
            islands.append(invoice_id)
        elif reverse_charge:
            invoice.information["122"] = invoice.net
    for invoice_id, services in _services(islands).items():
        currency, rate = rates[invoice_id]
        invoice = invoices[invoice_id]
        invoice.information["120"] = _euros(services, currency, rate)
        invoice.information["60"] = invoice.net - invoice.information["120"]


def _services(invoice_ids: list[int]) -> dict[int, Decimal]:
    """The net of each invoice's lines whose product is a service (in the invoice's currency)."""
    totals = dict.fromkeys(invoice_ids, ZERO)
    if not invoice_ids:
        return totals
    lines = records.query("invoicing_invoice_line", user=None).where(
        {"parent_id__in": ",".join(map(str, invoice_ids)), "product_id.kind": "service"})
    for line in session().execute(lines.statement()).mappings():
        totals[line["parent_id"]] += line["net"] or ZERO
    return totals


def _series_and_number(number: str) -> tuple[str, str]:
    series, dash, sequence = number.rpartition("-")
    return (series, sequence) if dash else ("", number)


def _pair(lines: list[TaxLine], with_base: Decimal) -> TaxLine | None:
    """The surcharge or withholding line on the same base as a VAT line, taken out of `lines`."""
    for line in lines:
        if line.base == with_base:
            lines.remove(line)
            return line
    return None


def register_rows(invoices: list[IssuedInvoice]) -> Iterator[list[Any]]:
    """One row per invoice and VAT rate (AEAT's layout); the total on the invoice's first row only, so that
    the column adds up; a surcharge or withholding goes on the row of the VAT base it was charged on."""
    for invoice in invoices:
        series, sequence = _series_and_number(invoice.number)
        surcharges, withholdings = list(invoice.taxes["surcharge"]), list(invoice.taxes["withholding"])
        vat = invoice.taxes["vat"] or [TaxLine(ZERO, ZERO, ZERO)]
        kind = invoice.reason if invoice.kind == "rectifying" else KIND_CODES.get(invoice.kind, "F1")
        for index, line in enumerate(vat):
            surcharge, withholding = _pair(surcharges, line.base), _pair(withholdings, line.base)
            if index == len(vat) - 1:  # what did not pair goes on the last row
                surcharge = surcharge or (surcharges.pop() if surcharges else None)
                withholding = withholding or (withholdings.pop() if withholdings else None)
            yield [invoice.issue_date.year, f"{(invoice.issue_date.month - 1) // 3 + 1}T",
                   invoice.issue_date, invoice.operation_date or invoice.issue_date, series, sequence, kind,
                   invoice.tax_id, invoice.name, invoice.rectifies, invoice.total if index == 0 else None,
                   line.base, line.rate, line.amount, surcharge and surcharge.rate, surcharge and surcharge.amount,
                   withholding and withholding.rate, withholding and withholding.amount,
                   "S" if line.rate == 0 else "N"]


def _boxes(lines: list[TaxLine], boxes: dict[Decimal, tuple[str, str, str]]) -> list[dict[str, Any]]:
    """Base and quota per rate, with the rate's boxes on the form (None for a rate the form has no box for)."""
    by_rate: dict[Decimal, list[TaxLine]] = defaultdict(list)
    for line in lines:
        by_rate[line.rate].append(line)
    return [{"rate": rate, **_summed(found), "boxes": boxes.get(rate.normalize())}
            for rate, found in sorted(by_rate.items())]


def _summed(lines: list[TaxLine]) -> dict[str, Decimal]:
    return {"base": sum((line.base for line in lines), ZERO), "amount": sum((line.amount for line in lines), ZERO)}


def modelo_303(invoices: list[IssuedInvoice]) -> dict[str, Any]:
    """A quarter's accrued VAT: per rate from ordinary invoices (boxes 01-09; 0 % and 5 %: 150-155), recargo
    per rate (16-24), the rectifying invoices apart (14-15, 25-26), the total accrued (27), and the additional
    information's bases (59, 60, 120, 122) with rectifying invoices netted in. Lines charging no VAT are in
    the information boxes only."""
    def taxes(kind: str, rectifying: bool) -> list[TaxLine]:
        return [line for i in invoices if (i.kind == "rectifying") == rectifying for line in i.taxes[kind]
                if line.taxed]

    vat_rows, surcharge_rows = _boxes(taxes("vat", False), VAT_BOXES), _boxes(taxes("surcharge", False),
                                                                             SURCHARGE_BOXES)
    rectifications, surcharge_rectifications = _summed(taxes("vat", True)), _summed(taxes("surcharge", True))
    accrued = (sum((row["amount"] for row in vat_rows + surcharge_rows), ZERO) + rectifications["amount"]
               + surcharge_rectifications["amount"])
    information = {box: sum((i.information.get(box, ZERO) for i in invoices), ZERO) for box in INFORMATION_BOXES}
    return {"vat": vat_rows, "surcharge": surcharge_rows, "rectifications": rectifications,
            "surcharge_rectifications": surcharge_rectifications, "total_accrued": accrued,
            "information": information}


def year_for_347(user: Any, year: int) -> list[IssuedInvoice]:
    """The year's issued invoices as modelo 347 reads them: only the columns it adds up (a year may hold
    hundreds of thousands), an IRPF withholding marked without its tax rows."""
    chosen = _issued(user, Period.year(year)).subquery()
    rows = session().execute(select(
        chosen.c.id, chosen.c.kind, chosen.c.number, chosen.c.issue_date, chosen.c.customer_tax_id,
        chosen.c.customer_name, chosen.c.total, chosen.c.total_currency, chosen.c.exchange_rate,
        chosen.c.withholding_amount))
    invoices = []
    for row in rows:
        invoice = IssuedInvoice(id=row.id, kind=row.kind, number=row.number or "", issue_date=row.issue_date,
                                operation_date=None, tax_id=row.customer_tax_id or "", name=row.customer_name or "",
                                total=_euros(row.total or ZERO, row.total_currency or EURO, row.exchange_rate),
                                rectifies="", reason=None)
        if row.withholding_amount:
            invoice.taxes["withholding"].append(TaxLine(ZERO, ZERO, row.withholding_amount))
        invoices.append(invoice)
    return invoices


def modelo_347(invoices: list[IssuedInvoice]) -> list[dict[str, Any]]:
    """Customers whose invoices of the year (VAT included, rectifications netted) add up to more than
    3,005.06 €, with the amount of each quarter. Invoices with IRPF withheld are left out (they go on
    modelo 190), and so are invoices with no tax id of the customer."""
    by_customer: dict[str, dict[str, Any]] = {}
    for invoice in invoices:
        if invoice.taxes["withholding"] or not invoice.tax_id:
            continue
        customer = by_customer.setdefault(invoice.tax_id, {"tax_id": invoice.tax_id, "name": invoice.name,
                                                           "total": ZERO, "quarters": [ZERO] * 4})
        customer["total"] += invoice.total
        customer["quarters"][(invoice.issue_date.month - 1) // 3] += invoice.total
    return sorted((c for c in by_customer.values() if c["total"] > LIMIT_347), key=lambda c: (-c["total"], c["name"]))
