"""Kept documents: the PDF issued for a record, stored once as its attachment and served as it is from then on.

An issued invoice's PDF must never change, whatever happens later to the
record, its template or the company's letterhead. `issue` renders once and
stores the bytes through `trato.extras.attach` with a row in core_document
(one per record, taken first so that two issues at once write one file);
`kept` reads the bytes back and checks them against the digest issued.
"""
from __future__ import annotations

import hashlib
from io import BytesIO

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.utils import secure_filename

from .. import extras, records
from ..activity import storage
from ..activity.models import Attachment
from ..db import session as db_session
from ..entities import Entity
from ..i18n import _
from ..records.common import user_id
from .errors import DocumentError
from .models import KeptDocument, KeptInfo


def _info(row: KeptDocument) -> KeptInfo:
    return KeptInfo(row.entity, row.record_id, row.attachment_id, row.template, row.language, row.sha256,
                    row.created_at, row.created_by)


def _row(entity: str, record_id: int) -> KeptDocument | None:
    return db_session().scalar(select(KeptDocument).where(KeptDocument.entity == entity,
                                                          KeptDocument.record_id == record_id))


def info(entity: str, record_id: int) -> KeptInfo | None:
    found = _row(entity, record_id)
    return _info(found) if found is not None else None


def file_name(entity: Entity, title: str, record_id: int) -> str:
    return f"{secure_filename(f'{entity.text}-{title}') or f'{entity.name}-{record_id}'}.pdf"


def keep(entity: Entity, record_id: int, pdf: bytes, name: str, origin: str, language: str, user: object
         ) -> KeptInfo:
    """Store `pdf` as the record's kept document; if another call kept one first, that one is returned."""
    try:
        with records.atomic() as session:
            row = KeptDocument(entity=entity.name, record_id=record_id, template=origin[:200], language=language,
                               sha256=hashlib.sha256(pdf).hexdigest(), created_by=user_id(user))
            session.add(row)
            session.flush()  # the unique (entity, record_id) decides a race before any file is written
            row.attachment_id = extras.attach(entity.name, record_id, name, BytesIO(pdf), user, kept=True).id
    except IntegrityError:
        pass
    found = _row(entity.name, record_id)
    if found is None:  # pragma: no cover - the row that won the race is committed
        raise DocumentError(_("The document could not be kept; try again."))
    return _info(found)


def read(entity: str, record_id: int) -> bytes | None:
    """The kept PDF's bytes (None when nothing was issued); DocumentError if its file is gone or changed."""
    row = _row(entity, record_id)
    if row is None:
        return None
    attachment = db_session().get(Attachment, row.attachment_id) if row.attachment_id is not None else None
    path = storage.path_of(attachment) if attachment is not None else None
    if path is None or not path.is_file():
        raise DocumentError(_("The PDF issued for this record was deleted; it cannot be made again, since an issued "
                              "document never changes."))
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != row.sha256:
        raise DocumentError(_("The PDF issued for this record no longer matches what was issued; it is not served."))
    return data


def forget(session: Session, entity: str, ids: list[int]) -> None:
    """Drop the kept-document rows of records purged for good (their attachments go with the record's files)."""
    session.execute(delete(KeptDocument).where(KeptDocument.entity == entity, KeptDocument.record_id.in_(ids)))
