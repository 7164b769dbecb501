"""Walking each chain and reporting every break.

For each issuer, the records are read in chain order (their position) and each is checked against the one
before: its previous record must exist and be that one, its previous fingerprint must be that one's, and its
own fingerprint must equal the one recomputed from its stored fields (a row altered behind the
application's back fails here). The chain's head must point at the last record. Records are streamed, so a
chain of any length is checked in constant memory.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

from flask_babel import gettext as _
from sqlalchemy import select

from trato import session

from .chain import recorded_fields
from .fingerprint import fingerprint
from .models import BillingRecord, Chain


@dataclass(frozen=True)
class Break:
    """One fault in a chain: the record it was found at (None: the head) and what is wrong."""

    issuer_tax_id: str
    record_id: int | None
    number: str
    problem: str


@dataclass
class ChainReport:
    issuer_tax_id: str
    records: int = 0
    last_fingerprint: str = ""
    breaks: list[Break] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.breaks


def _walk(tax_id: str) -> Iterator[BillingRecord]:
    query = (select(BillingRecord).where(BillingRecord.issuer_tax_id == tax_id).order_by(BillingRecord.position)
             .execution_options(yield_per=1000, populate_existing=True))
    yield from session().scalars(query)


def _faults(record: BillingRecord, before: BillingRecord | None, expected_position: int) -> list[str]:
    found = []
    if record.position != expected_position:
        found.append(_("record %(position)s of the chain is missing", position=expected_position))
    if record.previous_id is None and before is not None:
        found.append(_("it says it is the first record, but record %(id)s comes before it", id=before.id))
    elif record.previous_id is not None and (before is None or record.previous_id != before.id):
        found.append(_("its previous record %(id)s is missing from the chain", id=record.previous_id))
    expected = before.fingerprint if before is not None else ""
    if record.previous_fingerprint != expected:
        found.append(_("its previous fingerprint %(given)s does not match %(expected)s",
                       given=record.previous_fingerprint or "-", expected=expected or "-"))
    if fingerprint(recorded_fields(record)) != record.fingerprint:
        found.append(_("its fingerprint does not match its fields: the record was altered"))
    return found


def check_chain(head: Chain) -> ChainReport:
    report = ChainReport(head.issuer_tax_id)
    before: BillingRecord | None = None
    for record in _walk(head.issuer_tax_id):
        report.records += 1
        report.breaks += [Break(head.issuer_tax_id, record.id, record.number, problem)
                          for problem in _faults(record, before, (before.position if before else 0) + 1)]
        before = record
    report.last_fingerprint = before.fingerprint if before else ""
    if (before.id if before else None) != head.last_record_id or report.last_fingerprint != head.last_fingerprint:
        report.breaks.append(Break(head.issuer_tax_id, None, "",
                                   _("the chain's head does not point at its last record")))
    return report


def check_all() -> list[ChainReport]:
    """Every issuer's chain, checked."""
    return [check_chain(head) for head in heads()]


def heads() -> list[Chain]:
    """Every issuer's chain head (its length and last fingerprint), for the admin page."""
    return list(session().scalars(select(Chain).order_by(Chain.issuer_tax_id)))
