"""EN 16931's semantic model, as much of it as Trato's invoices fill: what every syntax (UBL, CII, later
Facturae) writes from, and what a received invoice is read into. Business terms (BT-n, BG-n) are named where
they are kept. Amounts are Decimals in the invoice's currency, already signed the way the document shows them
(a credit note's are positive)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

SPECIFICATION = "urn:cen.eu:en16931:2017"  # BT-24
INVOICE, CREDIT_NOTE, CORRECTED, PREPAYMENT = "380", "381", "384", "386"  # BT-3, UNTDID 1001


@dataclass(frozen=True)
class Party:
    """BG-4 seller or BG-7 buyer: name, VAT id (BT-31/BT-48), another tax or legal id, postal address."""

    name: str
    vat_id: str | None = None
    legal_id: str | None = None  # BT-30 / BT-47, legal registration id: a tax id that is no VAT id
    trade_name: str | None = None
    lines: tuple[str, ...] = ()  # BT-35, BT-36, BT-162 (BT-50, BT-51, BT-163)
    city: str | None = None
    postcode: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2


@dataclass(frozen=True)
class VatKey:
    """A VAT category (UNCL5305: S, Z, E, AE, K, G, O) and its rate; O has no rate."""

    category: str
    rate: Decimal

    @property
    def has_rate(self) -> bool:
        return self.category != "O"


@dataclass(frozen=True)
class Line:
    """BG-25: quantity x net price (never negative: the quantity carries the sign), less its discount."""

    id: str
    name: str
    quantity: Decimal
    unit: str  # UN/ECE Recommendation 20
    price: Decimal
    net: Decimal  # BT-131
    vat: VatKey
    discount: Decimal = Decimal(0)  # BT-136, the line allowance
    discount_percent: Decimal | None = None


@dataclass(frozen=True)
class Adjustment:
    """BG-20 (allowance) or BG-21 (charge) at document level, in one VAT category and rate."""

    charge: bool
    amount: Decimal
    vat: VatKey
    reason: str
    reason_code: str | None = None
    base: Decimal | None = None
    percent: Decimal | None = None


@dataclass(frozen=True)
class VatBreakdown:
    """BG-23: per VAT category and rate, the taxable amount, the tax, and why there is none."""

    vat: VatKey
    base: Decimal
    amount: Decimal
    reason: str | None = None
    reason_code: str | None = None


@dataclass(frozen=True)
class Totals:
    """BG-22: BT-106 to BT-115."""

    lines: Decimal
    allowances: Decimal
    charges: Decimal
    without_vat: Decimal
    vat: Decimal
    with_vat: Decimal
    prepaid: Decimal
    payable: Decimal
    vat_in_accounting_currency: Decimal | None = None  # BT-111


@dataclass(frozen=True)
class EInvoice:
    """One invoice or credit note in EN 16931's terms."""

    number: str
    issue_date: date
    type_code: str
    currency: str
    seller: Party
    buyer: Party
    lines: tuple[Line, ...]
    vat: tuple[VatBreakdown, ...]
    totals: Totals
    allowances: tuple[Adjustment, ...] = ()
    charges: tuple[Adjustment, ...] = ()
    notes: tuple[str, ...] = ()
    accounting_currency: str | None = None  # BT-6, when it differs from BT-5
    due_date: date | None = None
    payment_terms: str | None = None
    iban: str | None = None
    delivery_date: date | None = None
    deliver_to_country: str | None = None  # BT-80, for intra-community supplies
    period: tuple[date, date] | None = None  # BG-14
    preceding: tuple[str, date | None] | None = None  # BG-3: number, date
    order_reference: str | None = None  # BT-13

    @property
    def is_credit_note(self) -> bool:
        return self.type_code == CREDIT_NOTE


@dataclass(frozen=True)
class ReceivedInvoice:
    """What `parsing.parse` reads from a received UBL or CII invoice: enough to draft a vendor bill."""

    syntax: str  # "ubl" or "cii"
    type_code: str
    number: str
    issue_date: date | None
    due_date: date | None
    currency: str
    seller: Party
    buyer: Party
    lines: list[Line] = field(default_factory=list)
    vat: list[VatBreakdown] = field(default_factory=list)
    totals: Totals | None = None
    preceding: tuple[str, date | None] | None = None
