"""Attachments: files kept under `upload_dir` (outside the web root) by a random key, checked on the way in.

What is accepted (docs/activities.md says the same):
- a deny-list of names that run code when opened (.exe, .js, .html, .svg, ...),
  and content that starts like a program (MZ, ELF, Mach-O, `#!`) is refused
  whatever its name;
- the content must be sniffed as one of a small safe set (PDF, PNG, JPEG,
  GIF, WebP, ZIP-based office files, legacy office files, plain text), and
  the name's extension, when it has one, must belong to what was sniffed.
The stored content type comes from that check, never from the browser.
"""
from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from .. import db, records
from ..i18n import _
from ..models import User, utcnow
from .errors import ActivityError, NotAllowed
from .models import Attachment
from .targets import may_change

SNIFF_BYTES = 8192
CHUNK = 1 << 16

DENIED_EXTENSIONS = frozenset({
    "exe", "dll", "com", "bat", "cmd", "msi", "msp", "scr", "pif", "cpl", "sys", "ps1", "psm1", "vbs", "vbe",
    "js", "jse", "mjs", "wsf", "wsh", "hta", "jar", "class", "sh", "bash", "zsh", "csh", "app", "apk", "dmg",
    "deb", "rpm", "run", "bin", "elf", "so", "dylib", "lnk", "reg", "inf", "html", "htm", "xhtml", "shtml",
    "svg", "svgz", "xml", "xsl", "php", "phtml", "py", "pyc", "pl", "rb", "cgi", "asp", "aspx", "jsp",
    "docm", "xlsm", "pptm", "dotm", "xltm", "swf", "iso", "img", "vhd",
})
PROGRAM_MAGIC = (b"MZ", b"\x7fELF", b"#!", b"\xfe\xed\xfa", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe",
                 b"\xca\xfe\xba\xbe")


@dataclass(frozen=True)
class Kind:
    """A family of files recognised by their first bytes, and the extensions (with content types) it covers."""

    name: str
    matches: Callable[[bytes], bool]
    types: dict[str, str]
    default: str


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not merely a character cut at the end of the sample
            try:
                head.decode("cp1252")
            except UnicodeDecodeError:
                return False
    return True


KINDS = (
    Kind("pdf", lambda h: h.startswith(b"%PDF-"), {"pdf": "application/pdf"}, "application/pdf"),
    Kind("png", lambda h: h.startswith(b"\x89PNG\r\n\x1a\n"), {"png": "image/png"}, "image/png"),
    Kind("jpeg", lambda h: h.startswith(b"\xff\xd8\xff"), {"jpg": "image/jpeg", "jpeg": "image/jpeg"}, "image/jpeg"),
    Kind("gif", lambda h: h[:6] in (b"GIF87a", b"GIF89a"), {"gif": "image/gif"}, "image/gif"),
    Kind("webp", lambda h: h[:4] == b"RIFF" and h[8:12] == b"WEBP", {"webp": "image/webp"}, "image/webp"),
    Kind("zip", lambda h: h.startswith(b"PK\x03\x04"), {
        "zip": "application/zip",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "odt": "application/vnd.oasis.opendocument.text",
        "ods": "application/vnd.oasis.opendocument.spreadsheet",
        "odp": "application/vnd.oasis.opendocument.presentation",
    }, "application/zip"),
    Kind("office", lambda h: h.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), {
        "doc": "application/msword", "xls": "application/vnd.ms-excel", "ppt": "application/vnd.ms-powerpoint",
        "msg": "application/vnd.ms-outlook",
    }, "application/octet-stream"),
    Kind("text", _is_text, {"txt": "text/plain", "csv": "text/csv", "tsv": "text/tab-separated-values",
                            "md": "text/markdown", "log": "text/plain", "json": "application/json",
                            "ics": "text/calendar", "vcf": "text/vcard", "eml": "message/rfc822"}, "text/plain"),
)


def content_type(file_name: str, head: bytes) -> str:
    """The content type to store for a file, or ActivityError saying why it is refused."""
    stem, dot, ext = file_name.rpartition(".")
    ext = ext.lower() if dot and stem else ""
    if ext in DENIED_EXTENSIONS or head.startswith(PROGRAM_MAGIC):
        raise ActivityError(_("Files of this type cannot be attached, since they can run code when opened."), "file")
    for kind in KINDS:
        if kind.matches(head):
            if not ext:
                return kind.default
            if ext in kind.types:
                return kind.types[ext]
            raise ActivityError(_("The file's content does not match its name (.%(ext)s).", ext=ext), "file")
    raise ActivityError(_("This type of file is not accepted. Attach PDF, images, office documents, ZIP or "
                          "plain text."), "file")


def folder() -> Path:
    return current_app.extensions["trato"].settings.upload_path  # type: ignore[no-any-return]


def path_of(attachment: Attachment) -> Path:
    key = attachment.storage_key
    return folder() / key[:2] / key


def max_bytes() -> int:
    return int(current_app.extensions["trato"].settings.max_upload_mb) * 1024 * 1024


def too_large_message() -> str:
    limit = current_app.extensions["trato"].settings.max_upload_mb
    return _("The file is larger than the limit of %(mb)s MB.", mb=limit)


def save(entity: str, record_id: int, file_name: str, stream: IO[bytes], user: Any, kept: bool = False
         ) -> Attachment:
    """Check and store an uploaded file on a record the caller has checked the user may view; a `kept` one can
    never be deleted (it goes only when its record is purged)."""
    name = Path(file_name.replace("\\", "/")).name.strip()[:255]
    if not name:
        raise ActivityError(_("Choose a file to attach."), "file")
    head = stream.read(SNIFF_BYTES)
    if not head:
        raise ActivityError(_("The file is empty."), "file")
    kind = content_type(name, head)
    key = secrets.token_hex(16)
    target = folder() / key[:2] / key
    target.parent.mkdir(parents=True, exist_ok=True)
    size, limit = 0, max_bytes()
    try:
        with target.open("xb") as out:
            chunk = head
            while chunk:
                size += len(chunk)
                if size > limit:
                    raise ActivityError(too_large_message(), "file")
                out.write(chunk)
                chunk = stream.read(CHUNK)
        attachment = Attachment(entity=entity, record_id=record_id, uploader_id=getattr(user, "id", None),
                                file_name=name, content_type=kind, size=size, storage_key=key, created_at=utcnow(),
                                kept=kept)
        with records.atomic() as session:
            session.add(attachment)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return attachment


@dataclass(frozen=True)
class Listed:
    """A record's file as its Files tab shows it."""

    file: Attachment
    uploader: str
    deletable: bool


def of_record(entity: str, record_id: int, user: Any) -> list[Listed]:
    """Every file of the record, newest first, with who uploaded it and whether `user` may delete it."""
    rows = db.session().execute(
        select(Attachment, User.name).outerjoin(User, User.id == Attachment.uploader_id)
        .where(Attachment.entity == entity, Attachment.record_id == record_id)
        .order_by(Attachment.created_at.desc(), Attachment.id.desc())).all()
    return [Listed(file, name or "", not file.kept and may_change(user, file.uploader_id)) for file, name in rows]


def find(entity: str, record_id: int, attachment_id: int) -> Attachment | None:
    return db.session().scalar(select(Attachment).where(
        Attachment.id == attachment_id, Attachment.entity == entity, Attachment.record_id == record_id))


def delete(attachment: Attachment, user: Any) -> None:
    """Remove an attachment: its uploader or an administrator may; the file goes once the row is gone."""
    if attachment.kept:
        raise NotAllowed(_("This file is kept for good (an issued document): it cannot be deleted."))
    if not may_change(user, attachment.uploader_id):
        raise NotAllowed(_("Only the uploader or an administrator may delete this file."))
    target = path_of(attachment)
    with records.atomic() as session:
        session.delete(attachment)
        remove_after_commit(session, [target])


def remove_after_commit(session: Session, paths: list[Path]) -> None:
    """Delete these stored files once `session` commits (a rollback keeps them, with the rows naming them)."""
    if not paths:
        return

    def remove(_session: Session) -> None:
        for path in paths:
            path.unlink(missing_ok=True)

    event.listen(session, "after_commit", remove, once=True)
