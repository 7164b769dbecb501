"""The kept PDF of an issued invoice carries AEAT's QR code and the VERI*FACTU legend: the QR image is taken
out of the PDF (pdfimages), decoded (OpenCV's QRCodeDetector, from the plugin's `test` extra: the test is
skipped where it is not installed) and matched to the invoice; the document's mark is the QR of the
invoice's URL and the legend is read back with pdftotext, always."""
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from trato_verifactu.qr import LEGEND, image, verification_url
from verifactu_support import ISSUER, chain_of, customer, issued

from trato import documents


def decoded_qr_codes(pdf: bytes, folder: Path) -> list[str]:
    cv2 = pytest.importorskip("cv2")
    (folder / "invoice.pdf").write_bytes(pdf)
    subprocess.run(["pdfimages", "-png", str(folder / "invoice.pdf"), str(folder / "image")], check=True)
    found = []
    for png in sorted(folder.glob("image-*.png")):
        image = cv2.imread(str(png), cv2.IMREAD_GRAYSCALE)
        image = cv2.copyMakeBorder(image, 40, 40, 40, 40, cv2.BORDER_CONSTANT, value=255)
        text, _points, _straight = cv2.QRCodeDetector().detectAndDecode(image)
        if text:
            found.append(text)
    return found


def text_of(pdf: bytes) -> str:
    done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(done.stdout.decode().split())


def test_the_issued_pdf_carries_the_qr_of_the_invoice_and_the_legend(vf, tmp_path):
    invoice = issued(customer(), "100.00", "23.45")
    pdf = documents.kept("invoicing_invoice", invoice.id)
    (url,) = decoded_qr_codes(pdf, tmp_path)
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://prewww2.aeat.es/wlpl/TIKE-CONT/ValidarQR"
    assert parse_qs(parts.query) == {"nif": [ISSUER], "numserie": [invoice["number"]], "fecha": ["15-01-2027"],
                                     "importe": ["149.37"]}
    assert url == verification_url(chain_of()[0])


def test_the_document_carries_the_mark_of_the_invoices_url_and_the_legend(vf):
    invoice = issued(customer(), "100.00", "23.45")
    url = verification_url(chain_of()[0])
    assert url.endswith(f"?nif={ISSUER}&numserie={invoice['number']}&fecha=15-01-2027&importe=149.37")
    html = documents.render_html("invoicing_invoice", invoice.id, user=None)
    assert f'<div class="fiscal-mark"><img src="{image(url)}"' in html
    assert LEGEND in text_of(documents.kept("invoicing_invoice", invoice.id))


def test_production_address_and_url_encoding(vf_app):
    vf_app.config["VERIFACTU_ENVIRONMENT"] = "production"
    with vf_app.app_context():
        issued(customer(), "10.00")
        record = chain_of()[0]
        assert verification_url(record) == (
            "https://www2.agenciatributaria.gob.es/wlpl/TIKE-CONT/ValidarQR"
            f"?nif={ISSUER}&numserie={record.number.replace('/', '%2F')}&fecha=15-01-2027&importe=12.10")


def test_a_draft_has_no_mark(vf):
    from trato_invoicing.issuing import create_invoice
    from verifactu_support import line
    draft = create_invoice({"account_id": customer().id}, [line("10.00")], user=None)
    html = documents.render_html("invoicing_invoice", draft.id, user=None)
    assert "fiscal-mark" not in html and LEGEND not in html
