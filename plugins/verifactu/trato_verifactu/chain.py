"""Appending billing records to their issuer's chain.

One chain per issuer tax id (the invoice's company's), across all its series. A record is appended inside
the caller's transaction (the issuing one, for an alta): the chain's head row is taken with SELECT ... FOR
UPDATE on PostgreSQL, so a second issue of the same issuer waits for the first to commit and then chains onto
its record; SQLite lets one writer at a time anyway. A rolled-back issue leaves no record and the head as it
was. Records are never changed afterwards (models.py; a trigger refuses it).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from trato import Money, RecordData, ValidationFailed, __version__, companies, currencies, records, session
from trato_invoicing.issuing import INVOICE, invoice_lines
from trato_invoicing.models import InvoiceTax

from . import config, records_xml
from .fingerprint import AltaFields, AnulacionFields, amount_text, date_text, fingerprint, timestamp_text
from .models import BillingRecord, Chain, Submission

TYPES = {"invoice": "F1", "simplified": "F2"}


class CancelRefused(ValidationFailed):
    """A cancellation the chain cannot record (no record of the invoice, or already cancelled)."""


@dataclass(frozen=True)
class Issuer:
    tax_id: str
    name: str


def tax_id_of(text: str) -> str:
    """A company's tax id as the records write it: no blanks, upper case, no "ES" VAT prefix."""
    tax_id = text.replace(" ", "").upper()
    return tax_id[2:] if tax_id.startswith("ES") and len(tax_id) == 11 else tax_id


def issuer_of(invoice: RecordData) -> Issuer:
    """The invoice's company as the records name it; a company without a tax id cannot keep records."""
    company = companies.company_for(INVOICE, invoice)
    tax_id = tax_id_of(company.tax_id)
    if not tax_id:
        raise ValidationFailed({"company_id": [_("VeriFactu needs the company's tax ID: set it under "
                                                 "Administration, Companies.")]})
    return Issuer(tax_id, company.legal_name or company.name)


def invoice_type(invoice: RecordData) -> str:
    """AEAT's TipoFactura: F1 a full invoice, F2 a simplified one, R1-R5 a rectifying one by its reason."""
    if invoice["kind"] == "rectifying":
        return str(invoice["rectification_reason"])
    return TYPES[invoice["kind"]]


def _in_base(value: Money | None, invoice: RecordData) -> Decimal:
    if value is None:
        return Decimal(0)
    base = companies.company_for(INVOICE, invoice).base_currency
    if value.currency == base or invoice["exchange_rate"] is None:
        return value.amount
    return currencies.at_rate(value, invoice["exchange_rate"], base).amount


def totals(invoice: RecordData) -> tuple[Decimal, Decimal]:
    """CuotaTotal (VAT plus recargo) and ImporteTotal (base plus both; IRPF withheld is not deducted)."""
    cuota = _in_base(invoice["tax_amount"], invoice) + _in_base(invoice["surcharge_amount"], invoice)
    return cuota, _in_base(invoice["net_amount"], invoice) + cuota


def _tax_lines(invoice: RecordData) -> tuple[records_xml.TaxLine, ...]:
    """The breakdown from the invoice's frozen tax rows: each VAT rate with the recargo on the same base."""
    rows = list(session().scalars(select(InvoiceTax).where(InvoiceTax.invoice_id == invoice.id)
                                  .order_by(InvoiceTax.id)))
    surcharges = [row for row in rows if row.kind == "surcharge"]
    lines = []
    for row in (r for r in rows if r.kind == "vat"):
        extra = next((s for s in surcharges if s.base == row.base), None)
        if extra is not None:
            surcharges.remove(extra)
        lines.append(records_xml.TaxLine(rate=row.rate, base=row.base, amount=row.amount,
                                         surcharge_rate=extra.rate if extra else None,
                                         surcharge_amount=extra.amount if extra else None,
                                         exempt=bool(row.exemption) and row.rate == 0))
    if not lines:
        net = _in_base(invoice["net_amount"], invoice)
        lines.append(records_xml.TaxLine(rate=Decimal(0), base=net, amount=Decimal(0), subject=False))
    return tuple(lines)


def software(issuer: Issuer) -> records_xml.Software:
    """The SistemaInformatico: Trato, installed and run by the issuer itself (self-hosted)."""
    return records_xml.Software(producer=records_xml.Party(issuer.name, issuer.tax_id), name="Trato",
                                system_id="TR", version=__version__, installation=config.setting("INSTALLATION"))


def _head(db: Session, tax_id: str) -> Chain:
    """The issuer's chain head, made if new, locked until the transaction ends."""
    dialect = db.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.execute(insert(Chain).values(issuer_tax_id=tax_id, last_fingerprint="", length=0)
               .on_conflict_do_nothing(index_elements=["issuer_tax_id"]))
    return db.execute(select(Chain).where(Chain.issuer_tax_id == tax_id).with_for_update()
                      .execution_options(populate_existing=True)).scalar_one()


def _previous_invoice(db: Session, head: Chain) -> records_xml.InvoiceId | None:
    if head.last_record_id is None:
        return None
    last = db.get(BillingRecord, head.last_record_id)
    if last is None:
        return None
    return records_xml.InvoiceId(last.issuer_tax_id, last.number, date_text(last.issue_date))


def _now() -> str:
    return timestamp_text(datetime.now(ZoneInfo(config.setting("TIME_ZONE"))))


def _store(db: Session, head: Chain, record: BillingRecord) -> BillingRecord:
    now = datetime.now(timezone.utc)
    db.add(record)
    db.flush()
    db.add(Submission(record_id=record.id, state="pending", attempts=0, updated_at=now))
    head.last_record_id, head.last_fingerprint, head.length = record.id, record.fingerprint, record.position
    db.flush()
    return record


@dataclass(frozen=True)
class AltaEntry:
    """What a RegistroAlta says of its invoice, before it is chained: amounts in euros, dates as dates."""

    invoice_id: int
    number: str
    issue_date: date
    invoice_type: str
    cuota_total: Decimal
    importe_total: Decimal
    details: records_xml.AltaDetails


def alta_entry(invoice: RecordData, issuer: Issuer) -> AltaEntry:
    """An issued invoice as its RegistroAlta describes it."""
    cuota, importe = totals(invoice)
    lines = invoice_lines(invoice.id)
    description = "; ".join(str(line["description"]) for line in lines if line["description"])
    rectified = amounts = None
    if invoice["rectifies_id"]:
        original = records.get(INVOICE, invoice["rectifies_id"], user=None)
        rectified = records_xml.InvoiceId(issuer.tax_id, original["number"], date_text(original["issue_date"]))
        amounts = (_in_base(original["net_amount"], original), _in_base(original["tax_amount"], original),
                   _in_base(original["surcharge_amount"], original))
    customer_tax_id = invoice["customer_tax_id"]
    details = records_xml.AltaDetails(
        issuer_name=issuer.name, description=description or str(invoice["number"]),
        recipient=records_xml.Party(invoice["customer_name"] or "", customer_tax_id) if customer_tax_id else None,
        lines=_tax_lines(invoice), rectified=rectified, rectification_method=invoice["rectification_method"],
        rectified_amounts=amounts,
        operation_date=date_text(invoice["operation_date"]) if invoice["operation_date"] else None)
    return AltaEntry(invoice.id, invoice["number"], invoice["issue_date"], invoice_type(invoice), cuota, importe,
                     details)


def append_alta(invoice: RecordData) -> BillingRecord:
    """The RegistroAlta of an invoice just issued, chained onto its issuer's last record."""
    issuer = issuer_of(invoice)
    return append_entry(issuer, alta_entry(invoice, issuer))


def append_entry(issuer: Issuer, entry: AltaEntry) -> BillingRecord:
    """Chain a RegistroAlta onto the issuer's last record, the head locked until the caller's transaction
    ends."""
    db = session()
    head = _head(db, issuer.tax_id)
    fields = AltaFields(issuer_tax_id=issuer.tax_id, number=entry.number, issue_date=date_text(entry.issue_date),
                        invoice_type=entry.invoice_type, cuota_total=amount_text(entry.cuota_total),
                        importe_total=amount_text(entry.importe_total), previous=head.last_fingerprint,
                        generated_at=_now())
    huella = fingerprint(fields)
    xml = records_xml.alta(fields, huella, entry.details, _previous_invoice(db, head), software(issuer))
    return _store(db, head, BillingRecord(
        issuer_tax_id=issuer.tax_id, position=head.length + 1, kind="alta", invoice_id=entry.invoice_id,
        number=fields.number, issue_date=entry.issue_date, invoice_type=fields.invoice_type,
        cuota_total=Decimal(fields.cuota_total), importe_total=Decimal(fields.importe_total),
        previous_id=head.last_record_id, previous_fingerprint=head.last_fingerprint,
        generated_at=fields.generated_at, fingerprint=huella, xml=records_xml.text(xml),
        created_at=datetime.now(timezone.utc)))


def latest(invoice_id: int) -> BillingRecord | None:
    """The invoice's newest record (its alta, or the anulación that cancelled it)."""
    return session().scalars(select(BillingRecord).where(BillingRecord.invoice_id == invoice_id)
                             .order_by(BillingRecord.id.desc()).limit(1)).first()


def cancellable(invoice_id: int) -> bool:
    found = latest(invoice_id)
    return found is not None and found.kind == "alta"


def append_anulacion(invoice: RecordData) -> BillingRecord:
    """The RegistroAnulacion of an issued invoice's record, chained like any record. Refused (CancelRefused,
    naming `status`) for an invoice with no record, or one whose record is cancelled already."""
    db, issuer = session(), issuer_of(invoice)
    head = _head(db, issuer.tax_id)   # locked first: a cancellation racing another sees its record
    found = latest(invoice.id)
    if found is None:
        raise CancelRefused({"status": [_("Invoice %(number)s has no VeriFactu record to cancel.",
                                          number=invoice["number"] or "")]})
    if found.kind == "anulacion":
        raise CancelRefused({"status": [_("The VeriFactu record of invoice %(number)s is cancelled already.",
                                          number=found.number)]})
    fields = AnulacionFields(issuer_tax_id=found.issuer_tax_id, number=found.number,
                             issue_date=date_text(found.issue_date), previous=head.last_fingerprint,
                             generated_at=_now())
    huella = fingerprint(fields)
    xml = records_xml.anulacion(fields, huella, _previous_invoice(db, head), software(issuer))
    return _store(db, head, BillingRecord(
        issuer_tax_id=issuer.tax_id, position=head.length + 1, kind="anulacion", invoice_id=invoice.id,
        number=found.number, issue_date=found.issue_date, invoice_type=None, cuota_total=None,
        importe_total=None, previous_id=head.last_record_id, previous_fingerprint=head.last_fingerprint,
        generated_at=fields.generated_at, fingerprint=huella, xml=records_xml.text(xml),
        created_at=datetime.now(timezone.utc)))


def recorded_fields(record: BillingRecord) -> AltaFields | AnulacionFields:
    """The fingerprinted fields as a stored record holds them, for recomputing its huella (check.py)."""
    if record.kind == "anulacion":
        return AnulacionFields(issuer_tax_id=record.issuer_tax_id, number=record.number,
                               issue_date=date_text(record.issue_date), previous=record.previous_fingerprint,
                               generated_at=record.generated_at)
    return AltaFields(issuer_tax_id=record.issuer_tax_id, number=record.number,
                      issue_date=date_text(record.issue_date), invoice_type=record.invoice_type or "",
                      cuota_total=amount_text(record.cuota_total or Decimal(0)),
                      importe_total=amount_text(record.importe_total or Decimal(0)),
                      previous=record.previous_fingerprint, generated_at=record.generated_at)

