"""The fingerprint (huella) of a billing record, as AEAT's "Detalle de las especificaciones técnicas para
generación de la huella o hash de los registros de facturación" (version 0.1.2) defines it.

The input is a string of `name=value` pairs joined with `&`, in the order the specification gives for the
kind of record, each value as it stands in the record's XML (trimmed of surrounding blanks; an absent value
is empty, `Huella=` of a chain's first record); the fingerprint is the SHA-256 of its UTF-8 bytes, in
upper-case hexadecimal. These functions are pure: the chain (chain.py) and its check (check.py) share them,
so that a record's fingerprint recomputed from its stored fields is the same function of the same text.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal


def amount_text(value: Decimal) -> str:
    """An amount as the record carries it: two decimals, a point, a minus sign when negative ("-12.30")."""
    return str(Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def date_text(value: date) -> str:
    """A date as AEAT's records write it: dd-mm-yyyy."""
    return value.strftime("%d-%m-%Y")


def timestamp_text(value: datetime) -> str:
    """The generation time with its offset, to the second: 2024-01-01T19:20:30+01:00."""
    if value.tzinfo is None:
        raise ValueError("the generation time needs its time zone offset")
    return value.replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class AltaFields:
    """What a RegistroAlta's fingerprint covers, as text already in the record's format."""

    issuer_tax_id: str      # IDEmisorFactura
    number: str             # NumSerieFactura
    issue_date: str         # FechaExpedicionFactura, dd-mm-yyyy
    invoice_type: str       # TipoFactura: F1, F2, R1..R5
    cuota_total: str        # CuotaTotal
    importe_total: str      # ImporteTotal
    previous: str           # Huella of the previous record; "" for the first
    generated_at: str       # FechaHoraHusoGenRegistro


@dataclass(frozen=True)
class AnulacionFields:
    """What a RegistroAnulacion's fingerprint covers."""

    issuer_tax_id: str      # IDEmisorFacturaAnulada
    number: str             # NumSerieFacturaAnulada
    issue_date: str         # FechaExpedicionFacturaAnulada
    previous: str           # Huella
    generated_at: str       # FechaHoraHusoGenRegistro


def _pairs(pairs: list[tuple[str, str]]) -> str:
    return "&".join(f"{name}={value.strip()}" for name, value in pairs)


def alta_input(f: AltaFields) -> str:
    return _pairs([("IDEmisorFactura", f.issuer_tax_id), ("NumSerieFactura", f.number),
                   ("FechaExpedicionFactura", f.issue_date), ("TipoFactura", f.invoice_type),
                   ("CuotaTotal", f.cuota_total), ("ImporteTotal", f.importe_total), ("Huella", f.previous),
                   ("FechaHoraHusoGenRegistro", f.generated_at)])


def anulacion_input(f: AnulacionFields) -> str:
    return _pairs([("IDEmisorFacturaAnulada", f.issuer_tax_id), ("NumSerieFacturaAnulada", f.number),
                   ("FechaExpedicionFacturaAnulada", f.issue_date), ("Huella", f.previous),
                   ("FechaHoraHusoGenRegistro", f.generated_at)])


def fingerprint(fields: AltaFields | AnulacionFields) -> str:
    """The record's huella: SHA-256 of its input string, upper-case hex (64 characters)."""
    text = alta_input(fields) if isinstance(fields, AltaFields) else anulacion_input(fields)
    return hashlib.sha256(text.encode("utf-8")).hexdigest().upper()
