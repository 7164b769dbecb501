"""EN 16931 in UN/CEFACT Cross Industry Invoice D16B (CEN/TS 16931-3-3): one CrossIndustryInvoice for invoices
and credit notes alike (the type code tells them apart). Also Factur-X's XML at its EN 16931 profile, whose
guideline id is EN 16931's own. Elements are written in the order the D16B schema sets."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from lxml import etree

from ..model import SPECIFICATION, Adjustment, EInvoice, Line, Party, VatKey
from .xml import Builder, amount, number, serialize, ymd

NAME = "CII"
MEDIA_TYPE = "application/xml"
RULES = "EN16931-CII-validation.xslt"
NAMESPACES = {"rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
              "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
              "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
              "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"}


class _Writer:
    def __init__(self, invoice: EInvoice) -> None:
        self.invoice, self.x = invoice, Builder(NAMESPACES)

    def day(self, parent: etree._Element, name: str, value: date, kind: str = "udt") -> None:
        self.x.add(self.x.add(parent, name), f"{kind}:DateTimeString", ymd(value), format="102")

    def party(self, parent: etree._Element, role: str, party: Party) -> None:
        x = self.x
        element = x.add(parent, role)
        x.add(element, "ram:Name", party.name)
        if party.trade_name or party.legal_id:
            legal = x.add(element, "ram:SpecifiedLegalOrganization")
            if party.legal_id:
                x.add(legal, "ram:ID", party.legal_id)
            if party.trade_name:
                x.add(legal, "ram:TradingBusinessName", party.trade_name)
        address = x.add(element, "ram:PostalTradeAddress")
        if party.postcode:
            x.add(address, "ram:PostcodeCode", party.postcode)
        for name, value in zip(("ram:LineOne", "ram:LineTwo", "ram:LineThree"), party.lines, strict=False):
            x.add(address, name, value)
        if party.city:
            x.add(address, "ram:CityName", party.city)
        if party.country:
            x.add(address, "ram:CountryID", party.country)
        if party.vat_id:
            x.add(x.add(element, "ram:SpecifiedTaxRegistration"), "ram:ID", party.vat_id, schemeID="VA")

    def tax(self, parent: etree._Element, name: str, vat: VatKey, *, calculated: Decimal | None = None,
            base: Decimal | None = None, reason: str | None = None, reason_code: str | None = None) -> None:
        x = self.x
        element = x.add(parent, name)
        if calculated is not None:
            x.add(element, "ram:CalculatedAmount", amount(calculated))
        x.add(element, "ram:TypeCode", "VAT")
        if reason:
            x.add(element, "ram:ExemptionReason", reason)
        if base is not None:
            x.add(element, "ram:BasisAmount", amount(base))
        x.add(element, "ram:CategoryCode", vat.category)
        if reason_code:
            x.add(element, "ram:ExemptionReasonCode", reason_code)
        if vat.has_rate:
            x.add(element, "ram:RateApplicablePercent", number(vat.rate))

    def adjustment(self, parent: etree._Element, adjustment: Adjustment) -> None:
        x = self.x
        element = x.add(parent, "ram:SpecifiedTradeAllowanceCharge")
        x.add(x.add(element, "ram:ChargeIndicator"), "udt:Indicator", "true" if adjustment.charge else "false")
        if adjustment.percent is not None and adjustment.base is not None:
            x.add(element, "ram:CalculationPercent", number(adjustment.percent))
            x.add(element, "ram:BasisAmount", amount(adjustment.base))
        x.add(element, "ram:ActualAmount", amount(adjustment.amount))
        if adjustment.reason_code:
            x.add(element, "ram:ReasonCode", adjustment.reason_code)
        x.add(element, "ram:Reason", adjustment.reason)
        self.tax(element, "ram:CategoryTradeTax", adjustment.vat)

    def line(self, parent: etree._Element, line: Line) -> None:
        x = self.x
        element = x.add(parent, "ram:IncludedSupplyChainTradeLineItem")
        x.add(x.add(element, "ram:AssociatedDocumentLineDocument"), "ram:LineID", line.id)
        x.add(x.add(element, "ram:SpecifiedTradeProduct"), "ram:Name", line.name)
        agreement = x.add(element, "ram:SpecifiedLineTradeAgreement")
        x.add(x.add(agreement, "ram:NetPriceProductTradePrice"), "ram:ChargeAmount", number(line.price))
        x.add(x.add(element, "ram:SpecifiedLineTradeDelivery"), "ram:BilledQuantity", number(line.quantity),
              unitCode=line.unit)
        settlement = x.add(element, "ram:SpecifiedLineTradeSettlement")
        self.tax(settlement, "ram:ApplicableTradeTax", line.vat)
        if line.discount:
            allowance = x.add(settlement, "ram:SpecifiedTradeAllowanceCharge")
            x.add(x.add(allowance, "ram:ChargeIndicator"), "udt:Indicator", "false")
            x.add(allowance, "ram:ActualAmount", amount(line.discount))
            x.add(allowance, "ram:ReasonCode", "95")
        x.add(x.add(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation"), "ram:LineTotalAmount",
              amount(line.net))

    def settlement(self, parent: etree._Element) -> None:
        inv, x, t = self.invoice, self.x, self.invoice.totals
        element = x.add(parent, "ram:ApplicableHeaderTradeSettlement")
        if inv.accounting_currency:
            x.add(element, "ram:TaxCurrencyCode", inv.accounting_currency)
        x.add(element, "ram:InvoiceCurrencyCode", inv.currency)
        if inv.iban:
            means = x.add(element, "ram:SpecifiedTradeSettlementPaymentMeans")
            x.add(means, "ram:TypeCode", "58")  # SEPA credit transfer
            x.add(x.add(means, "ram:PayeePartyCreditorFinancialAccount"), "ram:IBANID", inv.iban)
        for entry in inv.vat:
            self.tax(element, "ram:ApplicableTradeTax", entry.vat, calculated=entry.amount, base=entry.base,
                     reason=entry.reason, reason_code=entry.reason_code)
        if inv.period:
            period = x.add(element, "ram:BillingSpecifiedPeriod")
            self.day(period, "ram:StartDateTime", inv.period[0])
            self.day(period, "ram:EndDateTime", inv.period[1])
        for adjustment in inv.allowances + inv.charges:
            self.adjustment(element, adjustment)
        if inv.payment_terms or inv.due_date:
            terms = x.add(element, "ram:SpecifiedTradePaymentTerms")
            if inv.payment_terms:
                x.add(terms, "ram:Description", inv.payment_terms)
            if inv.due_date:
                self.day(terms, "ram:DueDateDateTime", inv.due_date)
        summation = x.add(element, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
        x.add(summation, "ram:LineTotalAmount", amount(t.lines))
        if inv.charges:
            x.add(summation, "ram:ChargeTotalAmount", amount(t.charges))
        if inv.allowances:
            x.add(summation, "ram:AllowanceTotalAmount", amount(t.allowances))
        x.add(summation, "ram:TaxBasisTotalAmount", amount(t.without_vat))
        x.add(summation, "ram:TaxTotalAmount", amount(t.vat), currencyID=inv.currency)
        if inv.accounting_currency and t.vat_in_accounting_currency is not None:
            x.add(summation, "ram:TaxTotalAmount", amount(t.vat_in_accounting_currency),
                  currencyID=inv.accounting_currency)
        x.add(summation, "ram:GrandTotalAmount", amount(t.with_vat))
        if t.prepaid:
            x.add(summation, "ram:TotalPrepaidAmount", amount(t.prepaid))
        x.add(summation, "ram:DuePayableAmount", amount(t.payable))
        if inv.preceding:
            reference = x.add(element, "ram:InvoiceReferencedDocument")
            x.add(reference, "ram:IssuerAssignedID", inv.preceding[0])
            if inv.preceding[1]:
                self.day(reference, "ram:FormattedIssueDateTime", inv.preceding[1], kind="qdt")

    def write(self) -> bytes:
        inv, x = self.invoice, self.x
        root = x.root("rsm:CrossIndustryInvoice")
        context = x.add(root, "rsm:ExchangedDocumentContext")
        x.add(x.add(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", SPECIFICATION)
        document = x.add(root, "rsm:ExchangedDocument")
        x.add(document, "ram:ID", inv.number)
        x.add(document, "ram:TypeCode", inv.type_code)
        self.day(document, "ram:IssueDateTime", inv.issue_date)
        for note in inv.notes:
            x.add(x.add(document, "ram:IncludedNote"), "ram:Content", note)
        transaction = x.add(root, "rsm:SupplyChainTradeTransaction")
        for line in inv.lines:
            self.line(transaction, line)
        agreement = x.add(transaction, "ram:ApplicableHeaderTradeAgreement")
        self.party(agreement, "ram:SellerTradeParty", inv.seller)
        self.party(agreement, "ram:BuyerTradeParty", inv.buyer)
        delivery = x.add(transaction, "ram:ApplicableHeaderTradeDelivery")
        if inv.deliver_to_country:
            ship_to = x.add(delivery, "ram:ShipToTradeParty")
            x.add(x.add(ship_to, "ram:PostalTradeAddress"), "ram:CountryID", inv.deliver_to_country)
        if inv.delivery_date:
            event = x.add(delivery, "ram:ActualDeliverySupplyChainEvent")
            self.day(event, "ram:OccurrenceDateTime", inv.delivery_date)
        self.settlement(transaction)
        return serialize(root)


def write(invoice: EInvoice) -> bytes:
    """The invoice as a CII CrossIndustryInvoice document."""
    return _Writer(invoice).write()
