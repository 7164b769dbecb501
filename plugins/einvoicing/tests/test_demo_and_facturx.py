"""Every invoice the demo issues passes CEN's rules in UBL and CII, and its Factur-X PDF carries the CII (with
the Factur-X XMP) that passes them too."""
from io import BytesIO

from pypdf import PdfReader

from trato import records, session
from trato.demo import load_demo
from trato_einvoicing.export import checked_xml, export
from trato_einvoicing.formats import facturx
from trato_einvoicing.validation import validate

from einvoicing_support import customer, issued, line, set_seller


def test_every_demo_invoice_passes_in_both_syntaxes(einvoicing_app, make_user):
    make_user(admin=True, app=einvoicing_app)
    with einvoicing_app.app_context():
        load_demo(einvoicing_app, "es")
        session().rollback()  # the demo committed in a session of its own
        set_seller()  # the demo leaves the company as installed: an administrator gives its tax ID
        invoices = records.query("invoicing_invoice", user=None).where({"status": "issued"}).page(limit=50).items
        assert {i["kind"] for i in invoices} == {"invoice", "rectifying"} and len(invoices) == 4
        for invoice in invoices:
            for syntax in ("ubl", "cii"):
                assert validate(checked_xml(invoice.id, syntax, user=None)) == [], (invoice["number"], syntax)


def test_a_factur_x_pdf_carries_its_valid_cii_and_the_xmp(spain):
    set_seller()
    invoice = issued(customer(), [line("100.00", "2", description="Auditoría"), line("40.00", vat="IVA10")],
                     global_discount="5")
    done = export(invoice.id, "facturx", user=None)
    assert done.media_type == "application/pdf" and done.filename == f"{invoice['number']}-facturx.pdf"
    reader = PdfReader(BytesIO(done.data))
    assert list(reader.attachments) == [facturx.FILE_NAME]
    embedded = reader.attachments[facturx.FILE_NAME][0]
    assert embedded == checked_xml(invoice.id, "cii", user=None)
    assert validate(embedded) == []
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#" in xmp
    assert "<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>" in xmp and "<fx:DocumentFileName>factur-x.xml" in xmp
    assert "<pdfaid:part>3</pdfaid:part>" in xmp
    (spec,) = reader.trailer["/Root"]["/AF"]
    assert spec.get_object()["/AFRelationship"] == "/Data"
    assert "Auditoría" in reader.pages[0].extract_text()
