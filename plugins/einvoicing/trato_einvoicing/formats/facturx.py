"""Factur-X (ZUGFeRD 2) at its EN 16931 profile: the invoice's PDF, rendered by the core as PDF/A-3b, carrying
its CII as factur-x.xml (AFRelationship Data) and the Factur-X XMP metadata. The core renders the page; the
`factur-x` package (Akretion's, pinned in pyproject.toml) embeds the file and writes the XMP, and checks the
XML against the Factur-X XSD as it does."""
from __future__ import annotations

import logging

from trato import documents

NAME = "Factur-X"
MEDIA_TYPE = "application/pdf"
FILE_NAME = "factur-x.xml"
LEVEL = "en16931"

# The package logs every step at INFO; only its warnings matter to a server's log.
logging.getLogger("factur-x").setLevel(logging.WARNING)


def write(entity: str, record_id: int, cii: bytes, *, language: str) -> bytes:
    """The record's PDF/A-3b with `cii` embedded as Factur-X, rendered as the system sees the record (the
    caller checked the user may read it)."""
    from facturx import generate_from_binary  # here: its import costs every process a quarter of a second

    pdf = documents.render_pdf(entity, record_id, user=None, language=language, pdfa=True)
    return bytes(generate_from_binary(pdf, cii, flavor="factur-x", level=LEVEL, check_xsd=True, lang=language,
                                      afrelationship="data"))
