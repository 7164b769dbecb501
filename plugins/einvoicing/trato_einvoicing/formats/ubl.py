"""EN 16931 in UBL 2.1 (CEN/TS 16931-3-2): an Invoice, or a CreditNote for a credit note. Elements are written
in the order the UBL schema sets."""
from __future__ import annotations

from decimal import Decimal

from lxml import etree

from ..model import SPECIFICATION, Adjustment, EInvoice, Line, Party, VatKey
from .xml import Builder, amount, number, serialize

NAME = "UBL"
MEDIA_TYPE = "application/xml"
RULES = "EN16931-UBL-validation.xslt"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
ROOTS = {"Invoice": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
         "CreditNote": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"}


class _Writer:
    def __init__(self, invoice: EInvoice) -> None:
        self.invoice = invoice
        self.kind = "CreditNote" if invoice.is_credit_note else "Invoice"
        self.x = Builder({"ubl": ROOTS[self.kind], "cac": CAC, "cbc": CBC})

    def money(self, parent: etree._Element, name: str, value: Decimal, currency: str | None = None) -> None:
        self.x.add(parent, name, amount(value), currencyID=currency or self.invoice.currency)

    def party(self, parent: etree._Element, role: str, party: Party) -> None:
        x, holder = self.x, self.x.add(parent, role)
        element = x.add(holder, "cac:Party")
        if party.trade_name:
            x.add(x.add(element, "cac:PartyName"), "cbc:Name", party.trade_name)
        address = x.add(element, "cac:PostalAddress")
        for name, value in zip(("cbc:StreetName", "cbc:AdditionalStreetName"), party.lines[:2], strict=False):
            x.add(address, name, value)
        if party.city:
            x.add(address, "cbc:CityName", party.city)
        if party.postcode:
            x.add(address, "cbc:PostalZone", party.postcode)
        if party.lines[2:]:
            x.add(x.add(address, "cac:AddressLine"), "cbc:Line", party.lines[2])
        if party.country:
            x.add(x.add(address, "cac:Country"), "cbc:IdentificationCode", party.country)
        if party.vat_id:
            tax = x.add(element, "cac:PartyTaxScheme")
            x.add(tax, "cbc:CompanyID", party.vat_id)
            x.add(x.add(tax, "cac:TaxScheme"), "cbc:ID", "VAT")
        legal = x.add(element, "cac:PartyLegalEntity")
        x.add(legal, "cbc:RegistrationName", party.name)
        if party.legal_id:
            x.add(legal, "cbc:CompanyID", party.legal_id)

    def category(self, parent: etree._Element, name: str, vat: VatKey, reason: str | None = None,
                 reason_code: str | None = None) -> None:
        x = self.x
        element = x.add(parent, name)
        x.add(element, "cbc:ID", vat.category)
        if vat.has_rate:
            x.add(element, "cbc:Percent", number(vat.rate))
        if reason_code:
            x.add(element, "cbc:TaxExemptionReasonCode", reason_code)
        if reason:
            x.add(element, "cbc:TaxExemptionReason", reason)
        x.add(x.add(element, "cac:TaxScheme"), "cbc:ID", "VAT")

    def adjustment(self, parent: etree._Element, adjustment: Adjustment) -> None:
        x = self.x
        element = x.add(parent, "cac:AllowanceCharge")
        x.add(element, "cbc:ChargeIndicator", "true" if adjustment.charge else "false")
        if adjustment.reason_code:
            x.add(element, "cbc:AllowanceChargeReasonCode", adjustment.reason_code)
        x.add(element, "cbc:AllowanceChargeReason", adjustment.reason)
        if adjustment.percent is not None and adjustment.base is not None:
            x.add(element, "cbc:MultiplierFactorNumeric", number(adjustment.percent))
        self.money(element, "cbc:Amount", adjustment.amount)
        if adjustment.percent is not None and adjustment.base is not None:
            self.money(element, "cbc:BaseAmount", adjustment.base)
        self.category(element, "cac:TaxCategory", adjustment.vat)

    def write(self) -> bytes:
        inv, x = self.invoice, self.x
        root = x.root(f"ubl:{self.kind}")
        x.add(root, "cbc:CustomizationID", SPECIFICATION)
        x.add(root, "cbc:ID", inv.number)
        x.add(root, "cbc:IssueDate", inv.issue_date.isoformat())
        if inv.due_date and not inv.is_credit_note:
            x.add(root, "cbc:DueDate", inv.due_date.isoformat())
        x.add(root, f"cbc:{self.kind}TypeCode", inv.type_code)
        for note in inv.notes:
            x.add(root, "cbc:Note", note)
        x.add(root, "cbc:DocumentCurrencyCode", inv.currency)
        if inv.accounting_currency:
            x.add(root, "cbc:TaxCurrencyCode", inv.accounting_currency)
        if inv.period:
            period = x.add(root, "cac:InvoicePeriod")
            x.add(period, "cbc:StartDate", inv.period[0].isoformat())
            x.add(period, "cbc:EndDate", inv.period[1].isoformat())
        if inv.preceding:
            reference = x.add(x.add(root, "cac:BillingReference"), "cac:InvoiceDocumentReference")
            x.add(reference, "cbc:ID", inv.preceding[0])
            if inv.preceding[1]:
                x.add(reference, "cbc:IssueDate", inv.preceding[1].isoformat())
        self.party(root, "cac:AccountingSupplierParty", inv.seller)
        self.party(root, "cac:AccountingCustomerParty", inv.buyer)
        if inv.delivery_date or inv.deliver_to_country:
            delivery = x.add(root, "cac:Delivery")
            if inv.delivery_date:
                x.add(delivery, "cbc:ActualDeliveryDate", inv.delivery_date.isoformat())
            if inv.deliver_to_country:
                place = x.add(x.add(delivery, "cac:DeliveryLocation"), "cac:Address")
                x.add(x.add(place, "cac:Country"), "cbc:IdentificationCode", inv.deliver_to_country)
        if inv.iban:
            means = x.add(root, "cac:PaymentMeans")
            x.add(means, "cbc:PaymentMeansCode", "58")  # SEPA credit transfer
            if inv.due_date and inv.is_credit_note:
                x.add(means, "cbc:PaymentDueDate", inv.due_date.isoformat())
            x.add(x.add(means, "cac:PayeeFinancialAccount"), "cbc:ID", inv.iban)
        if inv.payment_terms:
            x.add(x.add(root, "cac:PaymentTerms"), "cbc:Note", inv.payment_terms)
        for adjustment in inv.allowances + inv.charges:
            self.adjustment(root, adjustment)
        self.tax_total(root)
        self.totals(root)
        for line in inv.lines:
            self.line(root, line)
        return serialize(root)

    def tax_total(self, root: etree._Element) -> None:
        inv, x = self.invoice, self.x
        total = x.add(root, "cac:TaxTotal")
        self.money(total, "cbc:TaxAmount", inv.totals.vat)
        for entry in inv.vat:
            subtotal = x.add(total, "cac:TaxSubtotal")
            self.money(subtotal, "cbc:TaxableAmount", entry.base)
            self.money(subtotal, "cbc:TaxAmount", entry.amount)
            self.category(subtotal, "cac:TaxCategory", entry.vat, entry.reason, entry.reason_code)
        if inv.accounting_currency and inv.totals.vat_in_accounting_currency is not None:
            self.money(x.add(root, "cac:TaxTotal"), "cbc:TaxAmount", inv.totals.vat_in_accounting_currency,
                       inv.accounting_currency)

    def totals(self, root: etree._Element) -> None:
        t, x = self.invoice.totals, self.x
        element = x.add(root, "cac:LegalMonetaryTotal")
        self.money(element, "cbc:LineExtensionAmount", t.lines)
        self.money(element, "cbc:TaxExclusiveAmount", t.without_vat)
        self.money(element, "cbc:TaxInclusiveAmount", t.with_vat)
        if self.invoice.allowances:
            self.money(element, "cbc:AllowanceTotalAmount", t.allowances)
        if self.invoice.charges:
            self.money(element, "cbc:ChargeTotalAmount", t.charges)
        if t.prepaid:
            self.money(element, "cbc:PrepaidAmount", t.prepaid)
        self.money(element, "cbc:PayableAmount", t.payable)

    def line(self, root: etree._Element, line: Line) -> None:
        x = self.x
        element = x.add(root, f"cac:{self.kind}Line")
        x.add(element, "cbc:ID", line.id)
        quantity = "cbc:CreditedQuantity" if self.invoice.is_credit_note else "cbc:InvoicedQuantity"
        x.add(element, quantity, number(line.quantity), unitCode=line.unit)
        self.money(element, "cbc:LineExtensionAmount", line.net)
        if line.discount:
            allowance = x.add(element, "cac:AllowanceCharge")
            x.add(allowance, "cbc:ChargeIndicator", "false")
            x.add(allowance, "cbc:AllowanceChargeReasonCode", "95")
            self.money(allowance, "cbc:Amount", line.discount)
        item = x.add(element, "cac:Item")
        x.add(item, "cbc:Name", line.name)
        self.category(item, "cac:ClassifiedTaxCategory", line.vat)
        x.add(x.add(element, "cac:Price"), "cbc:PriceAmount", number(line.price),
              currencyID=self.invoice.currency)


def write(invoice: EInvoice) -> bytes:
    """The invoice as a UBL 2.1 Invoice or CreditNote document."""
    return _Writer(invoice).write()
