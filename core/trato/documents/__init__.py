"""Documents out: a record (with its lines and related records) rendered to HTML and PDF from a template.

    from trato import documents
    html = documents.render_html("invoicing_invoice", invoice.id, user=current_user)
    pdf = documents.render_pdf("invoicing_invoice", invoice.id, user=current_user, language="es")
    pdf = documents.render_pdf(..., pdfa=True, attachments=[documents.EmbeddedFile("facturae.xml", xml,
                                                                                  "application/xml", "Data")])
    kept = documents.issue("invoicing_invoice", invoice.id, user=current_user)   # rendered once, kept for good
    documents.kept("invoicing_invoice", invoice.id)                               # those same bytes, ever after

Templates are per entity and per language (documents.templates: an
admin's, the theme's, the plugin's, the generic one) and run sandboxed
(documents.sandbox) on merge fields built as the user sees the record
(documents.context; plugins add theirs through the `document_context`
hook). docs/documents.md is the reference.

The functions import the renderer when called: trato.models imports this
package's tables while the record service is still being imported.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .errors import DocumentError, PdfUnavailable, TemplateRefused
from .models import KeptInfo
from .pdf import EmbeddedFile

if TYPE_CHECKING:
    from ..entities import Entity

__all__ = [
    "DocumentError",
    "EmbeddedFile",
    "KeptInfo",
    "PdfUnavailable",
    "TemplateRefused",
    "issue",
    "issued",
    "kept",
    "render_html",
    "render_pdf",
]


def render_html(entity: str | Entity, record_id: int, *, user: Any, language: str | None = None,
                template: str | None = None) -> str:
    """The record as HTML from its document template (or the file `template` of the documents folders), in
    `language` (else the user's, else the install's).

    RecordNotFound when `user` may not see it; TemplateRefused when the
    template fails (an unknown merge field, a reach for internals).
    """
    from ..records.common import entity_of
    from .render import html, language_of

    return html(entity_of(entity), record_id, user, language_of(user, language), template=template)[0]


def render_pdf(entity: str | Entity, record_id: int, *, user: Any, language: str | None = None,
               template: str | None = None, pdfa: bool = False, attachments: Sequence[EmbeddedFile] = ()) -> bytes:
    """The record as a PDF, always rendered anew (`kept` gives an issued one); PDF/A-3b with `pdfa`, carrying
    `attachments` as embedded files. PdfUnavailable where WeasyPrint cannot run."""
    from .pdf import write_pdf
    from .render import roots

    page = render_html(entity, record_id, user=user, language=language, template=template)
    return write_pdf(page, roots(), pdfa=pdfa, attachments=attachments)


def issue(entity: str | Entity, record_id: int, *, user: Any, language: str | None = None,
          template: str | None = None, pdfa: bool = False, attachments: Sequence[EmbeddedFile] = ()) -> KeptInfo:
    """Render the record's PDF once and keep it: an attachment of the record, and a row in core_document.

    A record already issued is not rendered again: what was kept is
    returned as it is. Storing needs the right to add files to the record.
    """
    from .. import records
    from ..records.common import entity_of
    from . import keeping
    from .pdf import write_pdf
    from .render import html, language_of, roots

    e = entity_of(entity)
    found = keeping.info(e.name, record_id)
    if found is not None:
        records.get(e, record_id, user=user)  # the caller must see the record all the same
        return found
    chosen = language_of(user, language)
    page, origin, title = html(e, record_id, user, chosen, template=template)
    pdf = write_pdf(page, roots(), pdfa=pdfa, attachments=attachments)
    return keeping.keep(e, record_id, pdf, keeping.file_name(e, title, record_id), origin, chosen, user)


def issued(entity: str | Entity, record_id: int) -> KeptInfo | None:
    """What was issued for the record, or None."""
    from ..records.common import entity_of
    from . import keeping

    return keeping.info(entity_of(entity).name, record_id)


def kept(entity: str | Entity, record_id: int, *, user: Any = None) -> bytes | None:
    """The issued PDF's bytes, as they were issued (None when the record was never issued).

    With `user`, RecordNotFound unless they may see the record; `None` is
    the system. DocumentError when the kept file was deleted or changed.
    """
    from .. import records
    from ..records.common import entity_of
    from . import keeping

    e = entity_of(entity)
    if user is not None:
        records.get(e, record_id, user=user)
    return keeping.read(e.name, record_id)
