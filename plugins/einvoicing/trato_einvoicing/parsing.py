"""A received e-invoice read back: `parse(xml_bytes)` gives a `ReceivedInvoice` from a UBL 2.1 Invoice or
CreditNote or a CII CrossIndustryInvoice (the business terms a vendor bill needs), or `Unreadable` saying why
not: not XML, XML of another kind, or a required term missing or malformed. Reading does not validate the
rules (`validation.validate` does that); external entities and network access are off."""
from __future__ import annotations

import dataclasses
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from lxml import etree

from .formats import cii, ubl
from .model import Line, Party, ReceivedInvoice, Totals, VatBreakdown, VatKey
from .validation import CII_ROOT, UBL_ROOTS

NS = {"cac": ubl.CAC, "cbc": ubl.CBC, **cii.NAMESPACES}
ZERO = Decimal(0)


class Unreadable(ValueError):
    """The bytes are not a UBL or CII invoice this can read; the message says why, for a person."""


def _tree(xml: bytes) -> etree._Element:
    if not xml or not xml.strip():
        raise Unreadable(_("The file is empty."))
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        return etree.fromstring(xml, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise Unreadable(_("This is not well-formed XML: %(problem)s", problem=str(exc))) from None


class _Reader:
    """XPath reads on one element, with the error naming the term that is missing or malformed."""

    def __init__(self, element: etree._Element) -> None:
        self.element = element

    def text(self, path: str, at: etree._Element | None = None) -> str | None:
        found = (self.element if at is None else at).xpath(path, namespaces=NS)
        value = found[0] if found else None
        if isinstance(value, etree._Element):
            value = value.text
        return " ".join(str(value).split()) if value is not None and str(value).strip() else None

    def required(self, path: str, term: str, at: etree._Element | None = None) -> str:
        value = self.text(path, at)
        if value is None:
            raise Unreadable(_("The invoice has no %(term)s.", term=term))
        return value

    def decimal(self, path: str, term: str, at: etree._Element | None = None,
                default: Decimal | None = ZERO) -> Decimal:
        value = self.text(path, at)
        if value is None:
            if default is None:
                raise Unreadable(_("The invoice has no %(term)s.", term=term))
            return default
        try:
            return Decimal(value)
        except InvalidOperation:
            raise Unreadable(_("%(term)s is not a number: %(value)s", term=term, value=value)) from None

    def day(self, path: str, term: str, form: str, at: etree._Element | None = None) -> date | None:
        value = self.text(path, at)
        if value is None:
            return None
        try:
            return datetime.strptime(value, form).date()
        except ValueError:
            raise Unreadable(_("%(term)s is not a date: %(value)s", term=term, value=value)) from None

    def all(self, path: str) -> list[etree._Element]:
        return list(self.element.xpath(path, namespaces=NS))


def _vat_key(category: str | None, rate: Decimal) -> VatKey:
    return VatKey(category or "S", rate)


def _ubl_party(r: _Reader, party: etree._Element) -> Party:
    lines = tuple(v for v in (r.text("cac:PostalAddress/cbc:StreetName", party),
                              r.text("cac:PostalAddress/cbc:AdditionalStreetName", party),
                              r.text("cac:PostalAddress/cac:AddressLine/cbc:Line", party)) if v)
    return Party(name=r.text("cac:PartyLegalEntity/cbc:RegistrationName", party)
                 or r.text("cac:PartyName/cbc:Name", party) or "",
                 vat_id=r.text("cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='VAT']/cbc:CompanyID", party),
                 legal_id=r.text("cac:PartyLegalEntity/cbc:CompanyID", party),
                 trade_name=r.text("cac:PartyName/cbc:Name", party), lines=lines,
                 city=r.text("cac:PostalAddress/cbc:CityName", party),
                 postcode=r.text("cac:PostalAddress/cbc:PostalZone", party),
                 country=r.text("cac:PostalAddress/cac:Country/cbc:IdentificationCode", party))


def _ubl(root: etree._Element) -> ReceivedInvoice:
    r = _Reader(root)
    kind = etree.QName(root).localname
    number, type_code = r.required("cbc:ID", _("number")), r.required(f"cbc:{kind}TypeCode", _("type code"))
    lines = [Line(id=r.text("cbc:ID", item) or str(position), name=r.text("cac:Item/cbc:Name", item) or "",
                  quantity=r.decimal("cbc:InvoicedQuantity|cbc:CreditedQuantity", _("line quantity"), item),
                  unit=r.text("cbc:InvoicedQuantity/@unitCode|cbc:CreditedQuantity/@unitCode", item) or "C62",
                  price=r.decimal("cac:Price/cbc:PriceAmount", _("line price"), item),
                  net=r.decimal("cbc:LineExtensionAmount", _("line net amount"), item, default=None),
                  vat=_vat_key(r.text("cac:Item/cac:ClassifiedTaxCategory/cbc:ID", item),
                               r.decimal("cac:Item/cac:ClassifiedTaxCategory/cbc:Percent", _("VAT rate"), item)))
             for position, item in enumerate(r.all(f"cac:{kind}Line"), start=1)]
    vat = [VatBreakdown(_vat_key(r.text("cac:TaxCategory/cbc:ID", entry),
                                 r.decimal("cac:TaxCategory/cbc:Percent", _("VAT rate"), entry)),
                        r.decimal("cbc:TaxableAmount", _("VAT taxable amount"), entry),
                        r.decimal("cbc:TaxAmount", _("VAT amount"), entry),
                        r.text("cac:TaxCategory/cbc:TaxExemptionReason", entry),
                        r.text("cac:TaxCategory/cbc:TaxExemptionReasonCode", entry))
           for entry in r.all("cac:TaxTotal/cac:TaxSubtotal")]
    total = "cac:LegalMonetaryTotal/cbc:"
    totals = Totals(*(r.decimal(total + name, term) for name, term in (
        ("LineExtensionAmount", _("sum of line net amounts")), ("AllowanceTotalAmount", _("allowances")),
        ("ChargeTotalAmount", _("charges")), ("TaxExclusiveAmount", _("total without VAT")))),
        vat=sum((v.amount for v in vat), ZERO),
        with_vat=r.decimal(total + "TaxInclusiveAmount", _("total with VAT")),
        prepaid=r.decimal(total + "PrepaidAmount", _("paid amount")),
        payable=r.decimal(total + "PayableAmount", _("amount due"), default=None))
    reference = r.text("cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID")
    return ReceivedInvoice(
        syntax="ubl", type_code=type_code, number=number,
        issue_date=r.day("cbc:IssueDate", _("issue date"), "%Y-%m-%d"),
        due_date=r.day("cbc:DueDate|cac:PaymentMeans/cbc:PaymentDueDate", _("due date"), "%Y-%m-%d"),
        currency=r.required("cbc:DocumentCurrencyCode", _("currency")),
        seller=_ubl_party(r, _one(r, "cac:AccountingSupplierParty/cac:Party", _("seller"))),
        buyer=_ubl_party(r, _one(r, "cac:AccountingCustomerParty/cac:Party", _("buyer"))),
        lines=lines, vat=vat, totals=totals,
        preceding=(reference, r.day("cac:BillingReference/cac:InvoiceDocumentReference/cbc:IssueDate",
                                    _("preceding invoice date"), "%Y-%m-%d")) if reference else None)


def _one(r: _Reader, path: str, term: str) -> etree._Element:
    found = r.all(path)
    if not found:
        raise Unreadable(_("The invoice has no %(term)s.", term=term))
    return found[0]


def _cii_party(r: _Reader, party: etree._Element) -> Party:
    address = "ram:PostalTradeAddress/ram:"
    return Party(name=r.text("ram:Name", party) or "",
                 vat_id=r.text("ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']", party),
                 legal_id=r.text("ram:SpecifiedLegalOrganization/ram:ID", party),
                 trade_name=r.text("ram:SpecifiedLegalOrganization/ram:TradingBusinessName", party),
                 lines=tuple(v for v in (r.text(address + name, party) for name in ("LineOne", "LineTwo",
                                                                                   "LineThree")) if v),
                 city=r.text(address + "CityName", party), postcode=r.text(address + "PostcodeCode", party),
                 country=r.text(address + "CountryID", party))


def _cii(root: etree._Element) -> ReceivedInvoice:
    r = _Reader(root)
    ymd = "%Y%m%d"
    settlement = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/"
    agreement = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement/"
    number = r.required("rsm:ExchangedDocument/ram:ID", _("number"))
    type_code = r.required("rsm:ExchangedDocument/ram:TypeCode", _("type code"))
    lines = [Line(id=r.text("ram:AssociatedDocumentLineDocument/ram:LineID", item) or str(position),
                  name=r.text("ram:SpecifiedTradeProduct/ram:Name", item) or "",
                  quantity=r.decimal("ram:SpecifiedLineTradeDelivery/ram:BilledQuantity", _("line quantity"), item),
                  unit=r.text("ram:SpecifiedLineTradeDelivery/ram:BilledQuantity/@unitCode", item) or "C62",
                  price=r.decimal("ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:ChargeAmount",
                                  _("line price"), item),
                  net=r.decimal("ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetarySummation"
                                "/ram:LineTotalAmount", _("line net amount"), item, default=None),
                  vat=_vat_key(r.text("ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/ram:CategoryCode",
                                      item),
                               r.decimal("ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/"
                                         "ram:RateApplicablePercent", _("VAT rate"), item)))
             for position, item in enumerate(r.all("rsm:SupplyChainTradeTransaction/"
                                                   "ram:IncludedSupplyChainTradeLineItem"), start=1)]
    vat = [VatBreakdown(_vat_key(r.text("ram:CategoryCode", entry),
                                 r.decimal("ram:RateApplicablePercent", _("VAT rate"), entry)),
                        r.decimal("ram:BasisAmount", _("VAT taxable amount"), entry),
                        r.decimal("ram:CalculatedAmount", _("VAT amount"), entry),
                        r.text("ram:ExemptionReason", entry), r.text("ram:ExemptionReasonCode", entry))
           for entry in r.all(settlement + "ram:ApplicableTradeTax")]
    currency = r.required(settlement + "ram:InvoiceCurrencyCode", _("currency"))
    total = settlement + "ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:"
    totals = Totals(*(r.decimal(total + name, term) for name, term in (
        ("LineTotalAmount", _("sum of line net amounts")), ("AllowanceTotalAmount", _("allowances")),
        ("ChargeTotalAmount", _("charges")), ("TaxBasisTotalAmount", _("total without VAT")))),
        vat=r.decimal(f"{total}TaxTotalAmount[@currencyID='{currency}']", _("VAT total")),
        with_vat=r.decimal(total + "GrandTotalAmount", _("total with VAT")),
        prepaid=r.decimal(total + "TotalPrepaidAmount", _("paid amount")),
        payable=r.decimal(total + "DuePayableAmount", _("amount due"), default=None))
    reference = r.text(settlement + "ram:InvoiceReferencedDocument/ram:IssuerAssignedID")
    return ReceivedInvoice(
        syntax="cii", type_code=type_code, number=number,
        issue_date=r.day("rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString", _("issue date"), ymd),
        due_date=r.day(settlement + "ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString",
                       _("due date"), ymd),
        currency=currency,
        seller=_cii_party(r, _one(r, agreement + "ram:SellerTradeParty", _("seller"))),
        buyer=_cii_party(r, _one(r, agreement + "ram:BuyerTradeParty", _("buyer"))),
        lines=lines, vat=vat, totals=totals,
        preceding=(reference, r.day(settlement + "ram:InvoiceReferencedDocument/ram:FormattedIssueDateTime/"
                                    "qdt:DateTimeString", _("preceding invoice date"), ymd)) if reference else None)


def parse(xml: bytes) -> ReceivedInvoice:
    """The received invoice in `xml`; Unreadable when it is not one."""
    root = _tree(xml)
    namespace = etree.QName(root).namespace
    if namespace in UBL_ROOTS:
        return _ubl(root)
    if namespace == CII_ROOT:
        return _cii(root)
    raise Unreadable(_("This XML is not a UBL or CII invoice: its root element is %(root)s.",
                       root=etree.QName(root).localname))


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def as_json(received: ReceivedInvoice) -> dict[str, Any]:
    """The received invoice as JSON: amounts as strings (exact), dates as ISO 8601."""
    data = _plain(dataclasses.asdict(received))
    if data.get("preceding"):
        data["preceding"] = {"number": data["preceding"][0], "date": data["preceding"][1]}
    return data  # type: ignore[no-any-return]
