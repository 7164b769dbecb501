"""A billing record's XML, built to AEAT's published schemas (schemas/SuministroInformacion.xsd for the
RegistroAlta and RegistroAnulacion elements, schemas/SuministroLR.xsd for the RegFactuSistemaFacturacion
message that carries them), and its validation against them.

Every value goes in as the text the fingerprint covered (fingerprint.py), so the XML and the huella cannot
disagree. The record's own XML is kept on the record; a message to AEAT wraps records in `envelope`.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

from lxml import etree

from .fingerprint import AltaFields, AnulacionFields, amount_text

BASE = "https://www2.agenciatributaria.gob.es/static_files/common/internet/dep/aplicaciones/es/aeat/tike/cont/ws/"
SF = BASE + "SuministroInformacion.xsd"
SFLR = BASE + "SuministroLR.xsd"
SCHEMAS = Path(__file__).parent / "schemas"
NSMAP = {"sf": SF, "sfLR": SFLR}


@dataclass(frozen=True)
class Party:
    """A person or company as the records name them: name and tax id (a Spanish NIF, or a foreign VAT number
    with its country prefix)."""

    name: str
    tax_id: str


@dataclass(frozen=True)
class InvoiceId:
    """An invoice as another record points at it (the previous record, a rectified invoice)."""

    issuer_tax_id: str
    number: str
    issue_date: str


@dataclass(frozen=True)
class TaxLine:
    """One line of the breakdown (DetalleDesglose): a VAT rate's base and tax, its recargo if any."""

    rate: Decimal
    base: Decimal
    amount: Decimal
    surcharge_rate: Decimal | None = None
    surcharge_amount: Decimal | None = None
    exempt: bool = False
    subject: bool = True


@dataclass(frozen=True)
class Software:
    """The invoicing system (SistemaInformatico): who produces it, its name, id, version and installation."""

    producer: Party
    name: str
    system_id: str
    version: str
    installation: str


@dataclass(frozen=True)
class AltaDetails:
    """What a RegistroAlta holds beyond its fingerprinted fields."""

    issuer_name: str
    description: str
    recipient: Party | None
    lines: tuple[TaxLine, ...]
    rectified: InvoiceId | None = None
    rectification_method: str | None = None   # "substitution" or "differences"
    rectified_amounts: tuple[Decimal, Decimal, Decimal] | None = None   # by substitution: base, VAT, recargo
    operation_date: str | None = None


def _add(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    child = etree.SubElement(parent, f"{{{SF}}}{name}")
    if text is not None:
        child.text = text
    return child


def _rate_text(rate: Decimal) -> str:
    return str(rate.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _party(parent: etree._Element, name: str, party: Party) -> None:
    """PersonaFisicaJuridicaType: a Spanish NIF as NIF; anything else as IDOtro (a VAT number: type 02)."""
    element = _add(parent, name)
    _add(element, "NombreRazon", party.name[:120])
    tax_id = party.tax_id.replace(" ", "").upper()
    spanish = tax_id[2:] if tax_id.startswith("ES") else tax_id
    if len(spanish) == 9 and not spanish[:2].isalpha():
        _add(element, "NIF", spanish)
        return
    other = _add(element, "IDOtro")
    if tax_id[:2].isalpha():
        _add(other, "CodigoPais", tax_id[:2])
    _add(other, "IDType", "02")
    _add(other, "ID", tax_id[:20])


def _software(parent: etree._Element, software: Software) -> None:
    element = _add(parent, "SistemaInformatico")
    _add(element, "NombreRazon", software.producer.name[:120])
    _add(element, "NIF", software.producer.tax_id)
    _add(element, "NombreSistemaInformatico", software.name[:30])
    _add(element, "IdSistemaInformatico", software.system_id[:2])
    _add(element, "Version", software.version[:50])
    _add(element, "NumeroInstalacion", software.installation[:100])
    _add(element, "TipoUsoPosibleSoloVerifactu", "S")
    _add(element, "TipoUsoPosibleMultiOT", "S")
    _add(element, "IndicadorMultiplesOT", "N")


def _chaining(parent: etree._Element, previous: InvoiceId | None, fingerprint: str) -> None:
    element = _add(parent, "Encadenamiento")
    if previous is None:
        _add(element, "PrimerRegistro", "S")
        return
    _add(_invoice_id(element, "RegistroAnterior", previous), "Huella", fingerprint)


def _invoice_id(parent: etree._Element, tag: str, invoice: InvoiceId, suffix: str = "") -> etree._Element:
    """An invoice's issuer, number and date under `tag` (`suffix` "Anulada" names a cancelled one)."""
    element = _add(parent, tag)
    _add(element, f"IDEmisorFactura{suffix}", invoice.issuer_tax_id)
    _add(element, f"NumSerieFactura{suffix}", invoice.number)
    _add(element, f"FechaExpedicionFactura{suffix}", invoice.issue_date)
    return element


def _closing(root: etree._Element, previous: InvoiceId | None, previous_fingerprint: str, software: Software,
             generated_at: str, fingerprint: str) -> None:
    """What every record ends with: the chaining, the system, when it was made and its fingerprint."""
    _chaining(root, previous, previous_fingerprint)
    _software(root, software)
    _add(root, "FechaHoraHusoGenRegistro", generated_at)
    _add(root, "TipoHuella", "01")
    _add(root, "Huella", fingerprint)


def _breakdown(parent: etree._Element, lines: tuple[TaxLine, ...]) -> None:
    element = _add(parent, "Desglose")
    for line in lines[:12]:
        detail = _add(element, "DetalleDesglose")
        _add(detail, "Impuesto", "01")
        _add(detail, "ClaveRegimen", "01")
        if not line.subject:
            _add(detail, "CalificacionOperacion", "N1")
        elif line.exempt:
            _add(detail, "OperacionExenta", "E1")
        else:
            _add(detail, "CalificacionOperacion", "S1")
            _add(detail, "TipoImpositivo", _rate_text(line.rate))
        _add(detail, "BaseImponibleOimporteNoSujeto", amount_text(line.base))
        if line.subject and not line.exempt:
            _add(detail, "CuotaRepercutida", amount_text(line.amount))
            if line.surcharge_rate is not None and line.surcharge_amount is not None:
                _add(detail, "TipoRecargoEquivalencia", _rate_text(line.surcharge_rate))
                _add(detail, "CuotaRecargoEquivalencia", amount_text(line.surcharge_amount))


def alta(fields: AltaFields, fingerprint: str, details: AltaDetails, previous: InvoiceId | None,
         software: Software) -> etree._Element:
    """The RegistroAlta of an issued invoice (RegistroFacturacionAltaType, in the schema's order)."""
    root = etree.Element(f"{{{SF}}}RegistroAlta", nsmap={"sf": SF})
    _add(root, "IDVersion", "1.0")
    _invoice_id(root, "IDFactura", InvoiceId(fields.issuer_tax_id, fields.number, fields.issue_date))
    _add(root, "NombreRazonEmisor", details.issuer_name[:120])
    _add(root, "TipoFactura", fields.invoice_type)
    if details.rectified is not None:
        _add(root, "TipoRectificativa", "S" if details.rectification_method == "substitution" else "I")
        _invoice_id(_add(root, "FacturasRectificadas"), "IDFacturaRectificada", details.rectified)
    if details.rectification_method == "substitution" and details.rectified_amounts is not None:
        base, cuota, recargo = details.rectified_amounts
        amounts = _add(root, "ImporteRectificacion")
        _add(amounts, "BaseRectificada", amount_text(base))
        _add(amounts, "CuotaRectificada", amount_text(cuota))
        if recargo:
            _add(amounts, "CuotaRecargoRectificado", amount_text(recargo))
    if details.operation_date and details.operation_date != fields.issue_date:
        _add(root, "FechaOperacion", details.operation_date)
    _add(root, "DescripcionOperacion", details.description[:500] or fields.number)
    if details.recipient is not None:
        _party(_add(root, "Destinatarios"), "IDDestinatario", details.recipient)
    _breakdown(root, details.lines)
    _add(root, "CuotaTotal", fields.cuota_total)
    _add(root, "ImporteTotal", fields.importe_total)
    _closing(root, previous, fields.previous, software, fields.generated_at, fingerprint)
    return root


def anulacion(fields: AnulacionFields, fingerprint: str, previous: InvoiceId | None,
              software: Software) -> etree._Element:
    """The RegistroAnulacion of an invoice's record (RegistroFacturacionAnulacionType)."""
    root = etree.Element(f"{{{SF}}}RegistroAnulacion", nsmap={"sf": SF})
    _add(root, "IDVersion", "1.0")
    _invoice_id(root, "IDFactura", InvoiceId(fields.issuer_tax_id, fields.number, fields.issue_date), "Anulada")
    _closing(root, previous, fields.previous, software, fields.generated_at, fingerprint)
    return root


def text(element: etree._Element) -> str:
    return etree.tostring(element, encoding="unicode")


def envelope(issuer: Party, record_xmls: list[str]) -> etree._Element:
    """The RegFactuSistemaFacturacion message (SuministroLR.xsd) carrying up to 1,000 kept records."""
    root = etree.Element(f"{{{SFLR}}}RegFactuSistemaFacturacion", nsmap=NSMAP)
    header = etree.SubElement(root, f"{{{SFLR}}}Cabecera")
    obliged = _add(header, "ObligadoEmision")
    _add(obliged, "NombreRazon", issuer.name[:120])
    _add(obliged, "NIF", issuer.tax_id)
    for kept in record_xmls:
        etree.SubElement(root, f"{{{SFLR}}}RegistroFactura").append(etree.fromstring(kept))
    return root


@cache
def schema() -> etree.XMLSchema:
    """AEAT's SuministroLR.xsd (which imports SuministroInformacion.xsd and the W3C's xmldsig schema)."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "SuministroLR.xsd"), parser))


def schema_errors(message: etree._Element) -> list[str]:
    """What AEAT's schema finds wrong with a message: empty when it is valid."""
    checker = schema()
    return [] if checker.validate(message) else [str(error) for error in checker.error_log]
