"""The invoices invoicing makes, exported as UBL and CII and run through CEN's EN 16931 rules: every one passes
with no fatal error in both syntaxes, and the business terms carry the invoice's own figures."""
from decimal import Decimal

from flask_babel import force_locale

import pytest
from facturx import xml_check_xsd
from lxml import etree

from trato import currencies, session
from trato_einvoicing.export import checked_xml
from trato_einvoicing.formats import cii, ubl
from trato_einvoicing.source import from_invoice
from trato_einvoicing.validation import validate
from trato_invoicing.rectifying import rectify
from trato_invoicing.issuing import issue

from einvoicing_support import ON, customer, eur, issued, line, position, product, set_seller

NS = {"cac": ubl.CAC, "cbc": ubl.CBC, **cii.NAMESPACES}


def both(invoice_id):
    """The invoice in UBL and CII, each checked: (ubl tree, cii tree)."""
    trees = []
    for syntax in ("ubl", "cii"):
        xml = checked_xml(invoice_id, syntax, user=None)
        assert validate(xml) == []
        if syntax == "cii":  # the structure too: Factur-X's XSD of the EN 16931 profile
            assert xml_check_xsd(xml, flavor="factur-x", level="en16931")
        trees.append(etree.fromstring(xml))
    return trees


def texts(tree, path):
    return [e if isinstance(e, str) else e.text for e in tree.xpath(path, namespaces=NS)]


def test_vat_21_and_10_with_line_and_global_discounts(spain):
    set_seller()
    invoice = issued(customer(), [line("19.99", "3"), line("45.50", "2", vat="IVA10", discount="10"),
                                  line("12.35")], global_discount="5")
    assert invoice["total"] == eur("168.72")
    doc, cross = both(invoice.id)
    assert texts(doc, "/*/cbc:ID") == [invoice["number"]] and texts(doc, "/*/cbc:InvoiceTypeCode") == ["380"]
    assert texts(doc, "//cac:AccountingSupplierParty//cbc:CompanyID") == ["ESB12345674"]
    assert texts(doc, "//cac:AccountingCustomerParty//cbc:CompanyID") == ["ESB95472163"]
    assert texts(doc, "//cac:TaxSubtotal/cbc:TaxableAmount") == ["68.70", "77.81"]
    assert texts(doc, "//cac:TaxSubtotal/cbc:TaxAmount") == ["14.43", "7.78"]
    assert texts(doc, "/*/cac:AllowanceCharge/cbc:Amount") == ["3.62", "4.09"]  # 72.32 - 68.70, 81.90 - 77.81
    assert texts(doc, "//cac:LegalMonetaryTotal/*") == ["154.22", "146.51", "168.72", "7.71", "168.72"]
    assert texts(doc, "//cac:InvoiceLine[2]/cac:AllowanceCharge/cbc:Amount") == ["9.10"]  # 91.00 less 10 %
    assert texts(cross, "//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:DuePayableAmount") == ["168.72"]
    assert texts(cross, "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:CategoryCode") == [
        "S", "S"]


def test_recargo_de_equivalencia_is_a_charge_outside_the_vat_base(spain):
    set_seller()
    shop = customer("Droguería Olano", fiscal_position="Equivalence surcharge")
    invoice = issued(shop, [line("3.15", "10", surcharge="RE5.2"), line("2.49", "4", vat="IVA10",
                                                                        surcharge="RE1.4")])
    assert invoice["total"] == eur("50.86")
    doc, cross = both(invoice.id)
    assert texts(doc, "/*/cac:AllowanceCharge[cbc:ChargeIndicator='true']/cbc:Amount") == ["1.64", "0.14"]
    assert texts(doc, "//cac:TaxSubtotal/cac:TaxCategory/cbc:ID") == ["E", "S", "S"]
    assert texts(doc, "//cac:TaxSubtotal[cac:TaxCategory/cbc:ID='E']/cbc:TaxableAmount") == ["1.78"]
    assert texts(doc, "//cac:LegalMonetaryTotal/cbc:PayableAmount") == ["50.86"]
    assert texts(cross, "//ram:DuePayableAmount") == ["50.86"]
    assert "154" in texts(cross, "//ram:ApplicableTradeTax[ram:CategoryCode='E']/ram:ExemptionReason")[0]


def test_irpf_withheld_is_the_paid_amount(spain):
    set_seller()
    invoice = issued(customer("Arquitectos Goñi SLP"), [line("1200.00", withholding="IRPF15"),
                                                       line("37.50", withholding="IRPF15")])
    assert invoice["total"] == eur("1311.75")
    doc, cross = both(invoice.id)
    assert texts(doc, "//cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount") == ["1497.38"]
    assert texts(doc, "//cac:LegalMonetaryTotal/cbc:PrepaidAmount") == ["185.63"]
    assert texts(doc, "//cac:LegalMonetaryTotal/cbc:PayableAmount") == ["1311.75"]
    assert texts(cross, "//ram:TotalPrepaidAmount") == ["185.63"]
    assert any("IRPF" in note for note in texts(doc, "/*/cbc:Note"))


def test_intra_eu_services_are_reverse_charged_and_goods_an_intra_community_supply(spain):
    set_seller()
    eu = customer("Société Lumière", tax_id="FR40303265045", country="FR")
    services = issued(eu, [line("1000.00", vat=None, exemption="Inversión del sujeto pasivo")],
                      fiscal_position_id=position("Intra-EU business"))
    doc, cross = both(services.id)
    assert texts(doc, "//cac:TaxSubtotal/cac:TaxCategory/cbc:ID") == ["AE"]
    assert texts(doc, "//cac:AccountingCustomerParty//cbc:CompanyID") == ["FR40303265045"]
    assert texts(cross, "//ram:ApplicableTradeTax/ram:ExemptionReasonCode") == ["VATEX-EU-AE"]
    goods = product("LAMP", "80.00", kind="product")
    supply = issued(eu, [{"product_id": goods.id, "quantity": "5"}],
                    fiscal_position_id=position("Intra-EU business"))
    doc, cross = both(supply.id)
    assert texts(doc, "//cac:TaxSubtotal/cac:TaxCategory/cbc:ID") == ["K"]
    assert texts(doc, "//cac:Delivery/cac:DeliveryLocation//cbc:IdentificationCode") == ["FR"]
    assert texts(cross, "//ram:ShipToTradeParty//ram:CountryID") == ["FR"]


def test_exempt_and_zero_rated_lines(spain):
    set_seller()
    invoice = issued(customer(), [line("500.00", vat=None, exemption="Exenta (artículo 20 de la Ley 37/1992)"),
                                  line("20.00", vat="IVA0"), line("100.00")])
    doc, _cross = both(invoice.id)
    assert texts(doc, "//cac:TaxSubtotal/cac:TaxCategory/cbc:ID") == ["E", "S", "Z"]
    assert texts(doc, "//cac:TaxSubtotal/cac:TaxCategory/cbc:TaxExemptionReason") == [
        "Exenta (artículo 20 de la Ley 37/1992)"]


@pytest.mark.parametrize("method", ["differences", "substitution"])
def test_a_rectifying_invoice_is_a_credit_note_naming_the_original(spain, method):
    set_seller()
    account = customer()
    original = issued(account, [line("100.00", "2", description="Audit"),
                                line("40.00", vat="IVA10", description="Report")])
    replacing = [line("100.00", "1", description="Audit")] if method == "substitution" else None
    credit = issue(rectify(original.id, method=method, reason="R1", lines=replacing, user=None).id, user=None)
    doc, cross = both(credit.id)
    assert etree.QName(doc).localname == "CreditNote" and texts(doc, "//cbc:CreditNoteTypeCode") == ["381"]
    assert texts(doc, "//cac:BillingReference//cbc:ID") == [original["number"]]
    assert texts(cross, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID") == [original["number"]]
    assert texts(cross, "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:TypeCode") == ["381"]
    payable = -credit["total"].amount
    assert Decimal(texts(doc, "//cac:LegalMonetaryTotal/cbc:PayableAmount")[0]) == payable > 0


def test_what_is_missing_is_named_before_any_file(spain):
    # the company has no tax ID yet, the customer no country
    invoice = issued(customer("Sin país", country=None), [line("100.00")])
    model = from_invoice(invoice.id, user=None)
    problems = validate(ubl.write(model))
    fields = {p.field for p in problems}
    assert {"seller_vat_id", "buyer_country"} <= fields
    assert any(p.rule == "BR-11" and p.label == "Customer's billing country" for p in problems)
    assert {p.field for p in validate(cii.write(model))} >= {"seller_vat_id", "buyer_country"}


def test_outside_the_scope_of_vat_names_no_vat_id(spain):
    set_seller()
    islands = customer("Hotel Teide SL", fiscal_position="Canary Islands, Ceuta and Melilla")
    invoice = issued(islands, [line("300.00", vat=None, exemption="Sin IVA (artículo 3 de la Ley 37/1992)")],
                     fiscal_position_id=position("Canary Islands, Ceuta and Melilla"))
    doc, cross = both(invoice.id)
    assert texts(doc, "//cac:TaxSubtotal/cac:TaxCategory/cbc:ID") == ["O"]
    assert texts(doc, "//cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='VAT']/cbc:CompanyID") == []
    assert texts(doc, "//cac:AccountingSupplierParty//cac:PartyLegalEntity/cbc:CompanyID") == ["ESB12345674"]
    assert texts(cross, "//ram:SellerTradeParty/ram:SpecifiedLegalOrganization/ram:ID") == ["ESB12345674"]
    assert texts(cross, "//ram:SpecifiedTaxRegistration") == []
    assert texts(cross, "//ram:ApplicableTradeTax/ram:RateApplicablePercent") == []


def test_a_rectifying_invoice_that_adds_is_a_corrected_invoice(spain):
    set_seller()
    original = issued(customer(), [line("100.00", "2")])
    more = issue(rectify(original.id, method="differences", reason="R4", lines=[line("100.00", "1")],
                         user=None).id, user=None)
    doc, cross = both(more.id)
    assert etree.QName(doc).localname == "Invoice" and texts(doc, "//cbc:InvoiceTypeCode") == ["384"]
    assert texts(cross, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID") == [original["number"]]
    assert texts(doc, "//cac:LegalMonetaryTotal/cbc:PayableAmount") == ["121.00"]


def test_an_invoice_in_dollars_states_its_vat_in_euros(spain):
    set_seller()
    currencies.save_rates(session(), [currencies.Rate("USD", "EUR", ON, Decimal("0.9234"))])
    session().commit()
    usd = {"amount": "100.00", "currency": "USD"}
    invoice = issued(customer("Acme Inc."), [{**line("0"), "unit_price": usd}], currency="USD")
    doc, cross = both(invoice.id)
    assert texts(doc, "//cbc:DocumentCurrencyCode") == ["USD"] and texts(doc, "//cbc:TaxCurrencyCode") == ["EUR"]
    assert texts(doc, "/*/cac:TaxTotal/cbc:TaxAmount") == ["21.00", "19.39"]  # 21.00 x 0.9234
    assert texts(cross, "//ram:TaxTotalAmount/@currencyID") == ["USD", "EUR"]


def test_field_names_are_in_the_users_language(spain):
    invoice = issued(customer("Sin país", country=None), [line("100.00")])
    with force_locale("es"):
        problems = validate(ubl.write(from_invoice(invoice.id, user=None)))
        labels = {p.field: p.label for p in problems}
    assert labels["buyer_country"] == "País de facturación del cliente"
    assert labels["seller_vat_id"] == "NIF de la empresa (número de IVA)"


def test_payment_means_when_the_iban_is_known_and_an_advance_invoice(spain, monkeypatch):
    set_seller()
    monkeypatch.setenv("TRATO_EINVOICING_IBAN", "ES91 2100 0418 4502 0005 1332")
    invoice = issued(customer(), [line("500.00", description="Anticipo del proyecto")], advance=True)
    doc, cross = both(invoice.id)
    assert texts(doc, "//cbc:InvoiceTypeCode") == ["386"]
    assert texts(doc, "//cac:PaymentMeans/cbc:PaymentMeansCode") == ["58"]
    assert texts(doc, "//cac:PayeeFinancialAccount/cbc:ID") == ["ES9121000418450200051332"]
    assert texts(cross, "//ram:PayeePartyCreditorFinancialAccount/ram:IBANID") == ["ES9121000418450200051332"]
    assert texts(cross, "//ram:DueDateDateTime/udt:DateTimeString") == [invoice["due_date"].strftime("%Y%m%d")]


def test_a_simplified_invoice_to_a_private_customer(spain):
    set_seller()
    invoice = issued(customer("Miren Etxeberria", tax_id=None), [line("50.00")], kind="simplified")
    doc, cross = both(invoice.id)
    assert texts(doc, "//cbc:InvoiceTypeCode") == ["380"]
    assert texts(doc, "//cac:AccountingCustomerParty//cbc:RegistrationName") == ["Miren Etxeberria"]
    assert texts(doc, "//cac:AccountingCustomerParty//cbc:CompanyID") == []
