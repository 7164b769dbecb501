"""Each record's XML, kept on the record, is built to AEAT's schemas: the records of full, simplified and
rectifying invoices and of a cancellation, carried in a RegFactuSistemaFacturacion message, validate against
the vendored SuministroLR.xsd; a record broken on purpose does not."""
from decimal import Decimal

from lxml import etree
from trato_invoicing.rectifying import rectify
from trato_verifactu import cancelling
from trato_verifactu.records_xml import SF, Party, envelope, schema_errors
from verifactu_support import ISSUER, chain_of, customer, issued, line

from trato_invoicing.issuing import issue

NS = {"sf": SF}


def test_the_records_validate_against_aeats_schema_and_carry_the_chain(vf):
    account = customer()
    first = issued(account, "100.00", "23.45")
    issued(customer("Boutique Lyon", tax_id="FR40303265045"), "50.00")
    issued(account, "10.00", kind="simplified")
    credit = issue(rectify(first.id, method="differences", reason="R1", user=None).id, user=None)
    cancelling.cancel(credit.id, user=None)
    chain = chain_of()
    message = envelope(Party("Herramientas Uriarte SL", ISSUER), [r.xml for r in chain])
    assert schema_errors(message) == []

    alta, foreign, simplified, rectifying, anulacion = (etree.fromstring(r.xml) for r in chain)
    assert alta.findtext("sf:Encadenamiento/sf:PrimerRegistro", namespaces=NS) == "S"
    assert alta.findtext("sf:Huella", namespaces=NS) == chain[0].fingerprint
    assert [alta.findtext(f"sf:{name}", namespaces=NS) for name in ("TipoFactura", "CuotaTotal", "ImporteTotal")] \
        == ["F1", "25.92", "149.37"]
    assert alta.findtext("sf:Desglose/sf:DetalleDesglose/sf:TipoImpositivo", namespaces=NS) == "21.00"
    assert alta.findtext("sf:Destinatarios/sf:IDDestinatario/sf:NIF", namespaces=NS) == "B95472163"
    other = foreign.find("sf:Destinatarios/sf:IDDestinatario/sf:IDOtro", namespaces=NS)
    assert [child.text for child in other] == ["FR", "02", "FR40303265045"]
    before = foreign.find("sf:Encadenamiento/sf:RegistroAnterior", namespaces=NS)
    assert [child.text for child in before] == [ISSUER, first["number"], "15-01-2027", chain[0].fingerprint]
    assert simplified.findtext("sf:TipoFactura", namespaces=NS) == "F2"
    assert rectifying.findtext("sf:TipoRectificativa", namespaces=NS) == "I"
    assert rectifying.findtext("sf:FacturasRectificadas/sf:IDFacturaRectificada/sf:NumSerieFactura",
                               namespaces=NS) == first["number"]
    assert etree.QName(anulacion).localname == "RegistroAnulacion"
    assert anulacion.findtext("sf:IDFactura/sf:NumSerieFacturaAnulada", namespaces=NS) == credit["number"]
    assert anulacion.findtext("sf:Huella", namespaces=NS) == chain[-1].fingerprint


def test_a_record_that_breaks_the_schema_is_refused(vf):
    issued(customer(), "10.00")
    broken = etree.fromstring(chain_of()[0].xml)
    broken.find("sf:TipoFactura", namespaces=NS).text = "F9"
    broken.find("sf:CuotaTotal", namespaces=NS).text = "2,10"
    errors = schema_errors(envelope(Party("Herramientas Uriarte SL", ISSUER), [etree.tostring(broken)]))
    assert len(errors) == 2 and "TipoFactura" in errors[0] and "CuotaTotal" in errors[1]


def test_a_rectifying_invoice_by_substitution_states_what_it_rectifies(vf):
    original = issued(customer(), "100.00")
    replacement = rectify(original.id, method="substitution", reason="R1", user=None,
                          lines=[line("80.00", description="Servicio corregido")])
    issue(replacement.id, user=None)
    record = chain_of()[-1]
    assert schema_errors(envelope(Party("Herramientas Uriarte SL", ISSUER), [record.xml])) == []
    xml = etree.fromstring(record.xml)
    assert xml.findtext("sf:TipoRectificativa", namespaces=NS) == "S"
    assert [child.text for child in xml.find("sf:ImporteRectificacion", namespaces=NS)] == ["100.00", "21.00"]
    assert (record.invoice_type, record.cuota_total, record.importe_total) == ("R1", Decimal("-4.20"),
                                                                                 Decimal("-24.20"))
