"""Imports: checked and recorded up front, run in batches, resumable, each one a row of `core_import`.

    imp = imports.start(path, "clients.csv", "x_client", user=ana, mode="upsert", key="email")
    imports.submit(imp)            # a background job; imports.run_here(imp.id) runs it as a job in this process

Each batch of rows is one transaction: its records, their links for undo
and the import's counters commit together, so an import stopped half way
(the worker died) has whole batches saved and says from which row to go on.
A batch first moves `rows_done` on from the value its run read, and only if
it is still that value: two runs of one import (a resume while the first
was only slow) never save a batch twice; the one that finds the batch taken
stops. A dry run makes every write of a batch and rolls it back.
"""
from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from itertools import islice
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import bindparam, insert, select, update

from .. import access, db, jobs
from ..entities import Entity
from ..i18n import _
from ..models import User, utcnow
from ..records.common import entity_of
from ..records.work import transaction
from . import duplicates, saving
from .errors import TransferError
from .files import append_errors, folder, keep_upload
from .mapping import check_mapping, find_field, map_columns, remember
from .models import CREATED, MODES, UPDATED, Import, ImportRecord
from .reading import CsvFile, Source, open_csv
from .rows import Reader, Row

BATCH = 1000
TASK = "core.import_records"
Progress = Callable[[int, int], None]


class _Rollback(Exception):
    """Raised at the end of a dry run's batch to undo its writes."""


class _Taken(Exception):
    """Another run of the import saved this batch first: this run stops, leaving the import to it."""


def _key(entity: Entity, mode: str, key: str | None, mapping: Mapping[str, str]) -> str | None:
    """The key field's name: the one chosen, else `id` or the first unique field the file fills."""
    if mode == "create":
        return None
    if key:
        return find_field(entity, key).name
    filled = set(mapping.values())
    if mode == "update" and "id" in filled:
        return "id"
    return next((f.name for f in entity.fields.values() if f.unique and f.name in filled), None)


@dataclass(frozen=True)
class Plan:
    """What an import will do, checked before any row is read."""

    entity: Entity
    csv: CsvFile
    mode: str
    key: str | None
    mapping: dict[str, str]
    on_match: str = duplicates.CREATE


def plan(source: Source, entity: str | Entity, user: Any, mode: str = "create", key: str | None = None,
         overrides: Mapping[str, str] | None = None, encoding: str | None = None,
         on_match: str = duplicates.CREATE) -> Plan:
    """Check the user's right, the file and the mapping; TransferError (or PermissionRefused) if they won't do.

    `encoding` is the person's choice for a file that is not UTF-8 throughout
    (`reading.CHOICES`); without it such a file raises EncodingUndecided.
    `on_match` is what a row to create does when it looks like an existing
    record (`duplicates.ON_MATCH`).
    """
    e = entity_of(entity)
    access.check(user, e, "import")
    if mode not in MODES:
        raise TransferError(_("Choose create, update or upsert, not “%(mode)s”.", mode=mode))
    csv = open_csv(source, encoding)
    mapping = map_columns(e, csv.header, user, mode, overrides)
    chosen = _key(e, mode, key, mapping)
    check_mapping(e, mapping, user, mode, chosen)
    return Plan(e, csv, mode, chosen, mapping, duplicates.check(e, on_match))


def start(source: Source, file_name: str, entity: str | Entity, *, user: Any, mode: str = "create",
          key: str | None = None, overrides: Mapping[str, str] | None = None, dry_run: bool = False,
          encoding: str | None = None, on_match: str = duplicates.CREATE) -> Import:
    """Check everything that can be checked up front, keep the file, and record the import as queued.

    Nothing is recorded for a file whose encoding is undecided (EncodingUndecided).
    """
    checked = plan(source, entity, user, mode, key, overrides, encoding, on_match)
    kept = keep_upload(source, file_name)
    remember(checked.entity, user, checked.mapping, checked.csv.header)
    session = db.session()
    imp = Import(entity=checked.entity.name, user_id=getattr(user, "id", None), file_name=file_name[:255],
                 file_path=str(kept), mode=mode, key=checked.key, mapping=checked.mapping, dry_run=dry_run,
                 encoding=encoding, on_match=checked.on_match, status="queued", message="",
                 total=replace(checked.csv, source=kept).count(), rows_done=0, created=0, updated=0, failed=0,
                 skipped=0)
    session.add(imp)
    session.commit()
    return imp


def submit(imp: Import) -> str:
    """Run the import as a background job; the job's id, for the progress page."""
    job = jobs.submit(TASK, title=_("Import of %(file)s", file=imp.file_name), user_id=imp.user_id, import_id=imp.id)
    session = db.session()
    session.execute(update(Import).where(Import.id == imp.id).values(job_id=job.id))
    session.commit()
    return job.id


def run_here(import_id: int) -> Import:
    """Run (or resume) the import in this process as a job, with its progress and heartbeat, as a worker would.

    For the command line: a page shows its progress, and the import as
    interrupted (to resume) if the process is killed.
    """
    session = db.session()
    imp = session.get(Import, import_id)
    if imp is None:
        raise TransferError(_("There is no import with the id %(id)s.", id=import_id))
    title, user_id = _("Import of %(file)s", file=imp.file_name), imp.user_id
    session.commit()  # end this read: the job's own connection writes
    jobs.run_here(TASK, title=title, user_id=user_id, import_id=import_id)
    imp = session.get(Import, import_id)
    session.refresh(imp)
    return imp


def _batches(rows: Iterable[tuple[int, list[str]]]) -> Iterator[list[tuple[int, list[str]]]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, BATCH)):
        yield batch


def _write(reader: Reader, rows: list[Row]) -> tuple[list[tuple[Row, Any]], list[tuple[Row, Any]]]:
    creates = [r for r in rows if r.ok and r.record is None and r.duplicate is None]
    updates = [r for r in rows if r.ok and r.record is not None]
    return saving.create(reader, creates), saving.update(reader, updates)


def _link(imp: Import, reader: Reader, created: list[tuple[Row, Any]], updated: list[tuple[Row, Any]]) -> None:
    """Record what this batch wrote, as undo needs it; a record updated again keeps its first previous values.

    Plain rows in an executemany per kind: an import writes one link per record.
    """
    entity, session, links = reader.entity, db.session(), ImportRecord.__table__
    if created:  # `previous` left out: NULL, not JSON null
        session.execute(insert(links), [{"import_id": imp.id, "record_id": record.id, "action": CREATED,
                                         "version": record.version} for _row, record in created])
    changed = [(row, after) for row, after in updated if after.version != row.record.version]
    earlier = set(session.scalars(select(links.c.record_id).where(links.c.import_id == imp.id, links.c.record_id.in_(
        [after.id for _row, after in changed])))) if changed else set()
    new, again = [], []
    for row, after in changed:
        if after.id in earlier:
            again.append({"record": after.id, "now": after.version})
            continue
        previous = {name: entity.fields[name].type.dump(entity.fields[name], row.record[name])
                    for name in row.values if name != "id" and row.record[name] != after[name]}
        new.append({"import_id": imp.id, "record_id": after.id, "action": UPDATED, "version": after.version,
                    "previous": previous})
    if new:
        session.execute(insert(links), new)
    if again:
        session.execute(update(links).where(links.c.import_id == imp.id, links.c.record_id == bindparam("record"))
                        .values(version=bindparam("now")), again)


def _claim(session: Any, imp: Import, done: int) -> None:
    """Move the import's `rows_done` on to `done`, first thing in the batch's transaction; _Taken if another run
    moved it since this one read it (on PostgreSQL the row lock makes the second run wait for the first's commit)."""
    claimed = session.execute(update(Import).where(Import.id == imp.id, Import.rows_done == imp.rows_done)
                              .values(rows_done=done).execution_options(synchronize_session=False))
    if not claimed.rowcount:
        raise _Taken


def process(imp: Import, reader: Reader, batch: list[tuple[int, list[str]]]) -> list[Row]:
    """Read, check and write one batch, recording it on `imp`, in one transaction (rolled back in a dry run)."""
    rows: list[Row] = []
    try:
        with transaction() as session:
            _claim(session, imp, batch[-1][0] - 1)
            rows = reader.read(batch)
            created, updated = _write(reader, rows)
            _link(imp, reader, created, updated)
            imp.rows_done = batch[-1][0] - 1
            imp.created += len(created)
            imp.updated += len(updated)
            imp.failed += sum(1 for row in rows if not row.ok)
            imp.skipped += sum(1 for row in rows if row.ok and row.duplicate is not None)
            counts = (imp.rows_done, imp.created, imp.updated, imp.failed, imp.skipped)
            if imp.dry_run:
                raise _Rollback
    except _Rollback:
        imp.rows_done, imp.created, imp.updated, imp.failed, imp.skipped = counts
        db.session().commit()
    return rows


def user_locale(user: Any) -> str:
    """The language messages about an import are written in: the user's, else the default."""
    return getattr(user, "locale", None) or current_app.extensions["trato"].settings.default_locale


@contextmanager
def _heap_frozen() -> Iterator[None]:
    """Leave the objects that existed before the import out of garbage collection while it runs.

    A batch keeps thousands of objects alive long enough to reach the oldest
    generation, so a full collection comes every few batches, and each one
    went through the whole application's heap: a fifth of an import's time.
    Frozen objects are only skipped; they are collected as usual afterwards.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def run(import_id: int, progress: Progress | None = None, job_id: str | None = None) -> Import:
    """Run (or go on with) an import from the first row not yet committed; the finished history row.

    `job_id` is the job running it, which the import's page follows. When
    another run of the import saves a batch first, this one stops and the
    import is left to it; a run that comes after another finished it (a
    job delivered twice, a resume that raced it) finds nothing left to do.
    """
    session = db.session()
    imp = session.get(Import, import_id)
    if imp is None:
        raise TransferError(_("There is no import with the id %(id)s.", id=import_id))
    if imp.status == "done":
        return imp
    if imp.status == "undone":
        raise TransferError(_("Import %(id)s was undone; it cannot run again.", id=imp.id))
    user = session.get(User, imp.user_id) if imp.user_id else None
    if imp.user_id and (user is None or not user.active):
        raise TransferError(_("Import %(id)s was started by a user who can no longer sign in; it cannot run.",
                              id=imp.id))
    with force_locale(user_locale(user)):
        imp.status, imp.message = "running", ""
        if job_id:
            imp.job_id = job_id
        session.commit()
        try:
            csv = open_csv(imp.file_path, imp.encoding)
            entity = entity_of(imp.entity)
            reader = Reader(entity, csv.header, dict(imp.mapping), user, imp.mode, imp.key, imp.on_match)
            errors = Path(imp.error_path) if imp.error_path else folder("imports") / f"{imp.id}-errors.csv"
            with _heap_frozen():
                for batch in _batches(csv.rows(start=imp.rows_done)):
                    rows = process(imp, reader, batch)
                    failed = [(row.cells, row.errors) for row in rows if not row.ok]
                    if failed:
                        append_errors(errors, csv.header, csv.delimiter, failed)
                        imp.error_path = str(errors)
                        session.commit()
                    if progress:
                        progress(imp.rows_done, imp.total)
        except _Taken:
            session.rollback()
            return session.get(Import, import_id)
        except Exception as exc:
            session.rollback()
            imp = session.get(Import, import_id)
            imp.status, imp.message = "failed", str(exc)[:2000]
            session.commit()
            raise
        imp.status, imp.finished_at = "done", utcnow()
        session.commit()
    return imp


@dataclass(frozen=True)
class Preview:
    """The first rows of a file as they would import: values read and errors found, nothing written."""

    header: tuple[str, ...]
    mapping: dict[str, str]
    rows: list[Row]


def preview(source: Source, entity: str | Entity, *, user: Any, mode: str = "create", key: str | None = None,
            overrides: Mapping[str, str] | None = None, limit: int = 20, encoding: str | None = None,
            on_match: str = duplicates.CREATE) -> Preview:
    """The first `limit` rows parsed and validated (written and rolled back), for the user to check."""
    checked = plan(source, entity, user, mode, key, overrides, encoding, on_match)
    reader = Reader(checked.entity, checked.csv.header, checked.mapping, user, mode, checked.key, checked.on_match)
    batch = list(islice(checked.csv.rows(), limit))
    rows: list[Row] = []
    if batch:
        try:
            with transaction():
                rows = reader.read(batch)
                _write(reader, rows)
                raise _Rollback
        except _Rollback:
            pass
    return Preview(checked.csv.header, checked.mapping, rows)


def history(*, user: Any, entity: str | None = None, limit: int = 50) -> list[Import]:
    """The newest imports: all for an administrator or the system, else the user's own."""
    stmt = select(Import).order_by(Import.id.desc()).limit(limit)
    if entity:
        stmt = stmt.where(Import.entity == entity)
    if user is not None and not getattr(user, "is_admin", False):
        stmt = stmt.where(Import.user_id == user.id)
    return list(db.session().scalars(stmt))
