"""HTML to PDF with WeasyPrint, imported only when a PDF is asked for.

WeasyPrint needs Pango at import time; a server without it still starts
and serves everything but PDFs, which answer with `PdfUnavailable` saying
what to install. PDF/A-3b (`pdfa=True`) may carry embedded files, as an
electronic invoice carries its Facturae or UBL XML.
"""
from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..i18n import _
from .errors import PdfUnavailable

RELATIONSHIPS = frozenset({"Source", "Data", "Alternative", "Supplement", "EncryptedPayload", "FormData", "Schema",
                           "Unspecified"})  # PDF 2.0's AFRelationship values


@dataclass(frozen=True)
class EmbeddedFile:
    """A file embedded in a PDF: its name, bytes, MIME type and how it relates to the document (AFRelationship:
    "Data" for the XML an electronic invoice carries, "Source", "Alternative", "Supplement", "Unspecified")."""

    name: str
    data: bytes
    mime_type: str = "application/octet-stream"
    relationship: str = "Data"
    description: str = ""

    def __post_init__(self) -> None:
        if self.relationship not in RELATIONSHIPS:
            raise ValueError(f"AFRelationship must be one of {', '.join(sorted(RELATIONSHIPS))}, "
                             f"not {self.relationship!r}")


def _weasyprint() -> tuple[Any, Any]:
    """WeasyPrint's module and the instance fetcher, or PdfUnavailable naming what is missing."""
    try:
        import weasyprint

        from .fetcher import InstanceFetcher
    except (ImportError, OSError) as exc:
        raise PdfUnavailable(_("PDF documents cannot be made on this server: WeasyPrint or the Pango library it "
                               "needs is missing (%(problem)s). Install the libpango-1.0-0 and libpangoft2-1.0-0 "
                               "packages.", problem=str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
                             ) from None
    return weasyprint, InstanceFetcher


def write_pdf(html: str, roots: list[Path], *, pdfa: bool = False,
              attachments: Sequence[EmbeddedFile] = ()) -> bytes:
    """The PDF of `html`; only data: URIs and files under `roots` are fetched (documents.fetcher)."""
    weasyprint, fetcher_class = _weasyprint()
    fetcher = fetcher_class(roots)
    embedded = [
        weasyprint.Attachment(
            url=f"data:{f.mime_type};base64,{base64.b64encode(f.data).decode('ascii')}", url_fetcher=fetcher,
            name=f.name, description=f.description or None, relationship=f.relationship)
        for f in attachments
    ]
    document = weasyprint.HTML(string=html, url_fetcher=fetcher, base_url=None)
    options: dict[str, Any] = {"attachments": embedded}
    if pdfa:
        options["pdf_variant"] = "pdf/a-3b"
    return document.write_pdf(**options)  # type: ignore[no-any-return]
