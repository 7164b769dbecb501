"""Numbering series: gapless, correlative numbers per series and period (fiscal year), never reused.

    from trato import numbering, records
    with records.atomic():
        issued = numbering.next_number("invoice", on=invoice_date, company=company_id)
        records.create("invoicing_invoice", {"number": issued.text, ...}, user=current_user)

A number is taken inside the caller's transaction, with the series row
locked until that transaction ends (PostgreSQL: `SELECT ... FOR UPDATE`;
SQLite: the write lock every writer takes at BEGIN, see db.py). So a
transaction that rolls back gives its number back (no gap), and a second
transaction asking meanwhile waits for the first to end (no duplicate).
That is also why `next_number` refuses to run outside a transaction the
caller began: it must not commit on its own, and an autobegun session might
never commit, or commit much later than the caller thinks.

Each series counts per period: the fiscal year the number's date falls in
when the series restarts every fiscal year, else one period (stored as 0)
for the series' whole life. `last_issued` is the highest number handed out
in the period; an admin may move the next number forward past it, never back.
"""
from __future__ import annotations

import re
import string
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import g
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.orm.session import SessionTransactionOrigin

from . import companies, db
from .companies.models import Company
from .db import Base
from .errors import TratoError
from .fields.sqltypes import UTCDateTime
from .i18n import _
from .models import utcnow

__all__ = [
    "Issued",
    "NumberingError",
    "OutsideTransaction",
    "SeriesInfo",
    "UnknownSeries",
    "all_series",
    "check_pattern",
    "create_series",
    "get_series",
    "next_number",
    "preview",
    "sample",
    "update_series",
]

PLACEHOLDERS = ("seq", "year", "yy", "fy")
WHOLE_LIFE = 0  # the period of a series that never restarts
MAX_PATTERN = 100
MAX_CODE = 100
WIDTH = re.compile(r"0?[1-9][0-9]?")  # the only format a placeholder takes: a width, zero-padded with a 0 ({seq:05})


class NumberingError(TratoError):
    """A series or a number cannot be made as asked; `field` names the input it concerns, if one does."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class UnknownSeries(NumberingError):
    """No series has that code (for that company, nor for the whole install)."""


class OutsideTransaction(NumberingError):
    """A number was asked for outside a transaction the caller began, which would have to commit it on its own."""


class Series(Base):
    """A named numbering series: its pattern, whether it restarts every fiscal year, and its company."""

    __tablename__ = "core_series"
    __table_args__ = (
        UniqueConstraint("code", "company_id"),
        # UNIQUE(code, company_id) lets NULLs repeat: one install-wide series per code is kept by this one.
        Index("ix_core_series_code_install", "code", unique=True,
              sqlite_where=text("company_id IS NULL"), postgresql_where=text("company_id IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(MAX_CODE))
    label: Mapped[str] = mapped_column(String(200), default="")
    pattern: Mapped[str] = mapped_column(String(MAX_PATTERN))
    reset_yearly: Mapped[bool] = mapped_column(Boolean, default=False)
    company_id: Mapped[int | None] = mapped_column(ForeignKey("core_company.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SeriesCounter(Base):
    """Where a series stands in one period: the next number to hand out and the highest handed out."""

    __tablename__ = "core_series_counter"

    series_id: Mapped[int] = mapped_column(ForeignKey("core_series.id", ondelete="CASCADE"), primary_key=True)
    period: Mapped[int] = mapped_column(Integer, primary_key=True)  # the fiscal year, or WHOLE_LIFE
    next_number: Mapped[int] = mapped_column(Integer, default=1)
    last_issued: Mapped[int] = mapped_column(Integer, default=0)


@dataclass(frozen=True)
class Issued:
    """A number handed out (or, from `preview`, the one that would be): `text` is what documents show."""

    code: str
    period: int | None  # the fiscal year, for a series that restarts every fiscal year
    sequence: int
    text: str


@dataclass(frozen=True)
class SeriesInfo:
    """A series as the admin screen shows it, with where it stands in the current period."""

    id: int
    code: str
    label: str
    pattern: str
    reset_yearly: bool
    company_id: int | None
    period: int | None
    next_number: int
    last_issued: int

    @property
    def issued_any(self) -> bool:
        return self.last_issued > 0


def render(pattern: str, sequence: int, on: date, fiscal_year: int | None) -> str:
    """`pattern` with its placeholders filled: {seq} (`{seq:05}` pads to 5 digits), {year}, {yy}, {fy}."""
    return pattern.format(seq=sequence, year=on.year, yy=f"{on.year % 100:02d}", fy=fiscal_year)


def check_pattern(pattern: str, *, reset_yearly: bool = False, company: int | None = None) -> str:
    """The pattern, stripped, or NumberingError (field `pattern`) saying what is wrong with it."""
    pattern = (pattern or "").strip()
    if not pattern:
        raise NumberingError(_("Give a pattern, such as F{year}-{seq:05}."), "pattern")
    if len(pattern) > MAX_PATTERN:
        raise NumberingError(_("The pattern is longer than %(max)d characters.", max=MAX_PATTERN), "pattern")
    names = []
    try:
        for _literal, name, spec, conversion in string.Formatter().parse(pattern):
            if name is None:
                continue
            if name not in PLACEHOLDERS or conversion:
                raise NumberingError(_("Unknown placeholder {%(name)s}: use {seq}, {year}, {yy} or {fy}.",
                                       name=name), "pattern")
            if spec and not WIDTH.fullmatch(spec):
                raise ValueError(spec)
            names.append(name)
        render(pattern, 1, date(2026, 1, 1), 2026)
    except ValueError:
        raise NumberingError(_("The pattern cannot be read: write placeholders as {seq}, or {seq:05} for 5 "
                               "digits, and a brace as {{ or }}."), "pattern") from None
    if "seq" not in names:
        raise NumberingError(_("The pattern needs {seq}, the number itself, such as F{year}-{seq:05}."), "pattern")
    if reset_yearly and "fy" not in names and not (
            _start_month(company) == 1 and ("year" in names or "yy" in names)):
        raise NumberingError(_("A series that restarts every fiscal year needs the fiscal year in its pattern "
                               "({fy}, or {year} when the fiscal year is the calendar year), or its numbers "
                               "would repeat."), "pattern")
    return pattern


def sample(pattern: str, sequence: int, *, reset_yearly: bool = False, company: int | None = None,
           on: date | None = None) -> str:
    """What `pattern` gives for number `sequence` on `on` (today), checked as `check_pattern` does: the
    admin screen's live preview of a series not saved yet."""
    pattern = check_pattern(pattern, reset_yearly=reset_yearly, company=_check_company(company))
    on = on or date.today()
    return render(pattern, sequence, on, companies.fiscal_year(_company_info(company), on))


def _company_info(company: int | None, session: Session | None = None) -> companies.CompanyInfo:
    """Read through `session` when the caller has one: a series made or a number taken in a transaction of
    its own (a plugin's set-up, a demo) must not leave the app's session with a read open behind it."""
    return companies.default_company(session) if company is None else companies.get(company, session)


def _start_month(company: int | None) -> int:
    return _company_info(company).fiscal_year_start_month


def _period(series: Series, on: date, session: Session | None = None) -> int:
    if not series.reset_yearly:
        return WHOLE_LIFE
    return companies.fiscal_year(_company_info(series.company_id, session), on)


def _fiscal_year(series: Series, on: date, session: Session | None = None) -> int | None:
    """The fiscal year for {fy}; None, and no company read, when the pattern does not show it."""
    if "{fy" not in series.pattern:
        return None
    return companies.fiscal_year(_company_info(series.company_id, session), on)


def _find(session: Session, code: str, company: int | None, lock: bool) -> Series:
    """The series `code` of `company` (the default company if None), else the install-wide one."""
    # The default company by a subquery, not companies.default_company(): one statement per number.
    owner = select(Company.id).where(Company.is_default).scalar_subquery() if company is None else company
    query = select(Series).where(Series.code == code, (Series.company_id == owner) | Series.company_id.is_(None))
    if lock:  # and read afresh: a copy this session holds may predate an admin's change that committed since
        query = query.with_for_update().execution_options(populate_existing=True)
    found = sorted(session.scalars(query), key=lambda s: s.company_id is None)
    if not found:
        raise UnknownSeries(_("There is no numbering series %(code)s.", code=code), "code")
    return found[0]


def _counter(session: Session, series: Series, period: int) -> SeriesCounter:
    """The series' counter for `period`, made at 1 when the period has none yet (the series row is locked)."""
    counter = session.get(SeriesCounter, (series.id, period), populate_existing=True)
    if counter is None:
        counter = SeriesCounter(series_id=series.id, period=period, next_number=1, last_issued=0)
        session.add(counter)
    return counter


def in_transaction(session: Session) -> bool:
    """Whether the caller began a transaction the number can belong to: `records.atomic()` (or a record
    service call, which runs in one) or the session's own `begin()`/`begin_nested()`; not an autobegun one."""
    if g.get("_trato_records_depth", 0):
        return True
    current = session.get_transaction()
    return current is not None and current.origin is not SessionTransactionOrigin.AUTOBEGIN


def take(session: Session, series: Series, on: date) -> Issued:
    """The next number of a series whose row the caller's transaction holds locked."""
    period = _period(series, on, session)
    counter = _counter(session, series, period)
    sequence = counter.next_number
    counter.next_number, counter.last_issued = sequence + 1, sequence
    session.flush()
    return _issued(series, period, sequence, on, session)


def _issued(series: Series, period: int, sequence: int, on: date, session: Session | None = None) -> Issued:
    return Issued(series.code, period if series.reset_yearly else None, sequence,
                  render(series.pattern, sequence, on, _fiscal_year(series, on, session)))


def next_number(code: str, *, on: date | None = None, company: int | None = None) -> Issued:
    """Take the next number of series `code` (of `company`, else the install-wide one) for the date `on`
    (today if None), inside the caller's transaction: it is given back if that transaction rolls back."""
    session = db.session()
    if not in_transaction(session):
        raise OutsideTransaction(_("A number is taken inside a transaction (records.atomic()), so that a "
                                   "rolled-back change gives it back; none is open."))
    return take(session, _find(session, code, company, lock=True), on or date.today())


def preview(code: str, on: date | None = None, *, company: int | None = None) -> Issued:
    """The number `next_number` would give now, without taking it (another transaction may take it first)."""
    session = db.session()
    series = _find(session, code, company, lock=False)
    on = on or date.today()
    period = _period(series, on)
    counter = session.get(SeriesCounter, (series.id, period))
    return _issued(series, period, counter.next_number if counter is not None else 1, on)


def _info(session: Session, series: Series, on: date) -> SeriesInfo:
    period = _period(series, on, session)
    counter = session.get(SeriesCounter, (series.id, period))
    return SeriesInfo(series.id, series.code, series.label, series.pattern, series.reset_yearly,
                      series.company_id, period if series.reset_yearly else None,
                      counter.next_number if counter else 1, counter.last_issued if counter else 0)


def all_series() -> list[SeriesInfo]:
    """Every series, by code, with where each stands today."""
    session = db.session()
    today = date.today()
    return [_info(session, s, today) for s in session.scalars(select(Series).order_by(Series.code, Series.id))]


def get_series(series_id: int) -> SeriesInfo:
    """One series by id, or UnknownSeries."""
    session = db.session()
    series = session.get(Series, series_id)
    if series is None:
        raise UnknownSeries(_("There is no numbering series %(code)s.", code=series_id))
    return _info(session, series, date.today())


def _check_code(session: Session, code: str, company: int | None, own: int | None = None) -> str:
    code = (code or "").strip()
    if not code or len(code) > MAX_CODE or any(c.isspace() for c in code):
        raise NumberingError(_("Give a code of up to %(max)d characters without spaces, such as invoice.",
                               max=MAX_CODE), "code")
    clash = select(Series.id).where(Series.code == code, Series.company_id.is_(None) if company is None
                                    else Series.company_id == company)
    if session.scalar(clash if own is None else clash.where(Series.id != own)) is not None:
        raise NumberingError(_("Another series already has the code %(code)s.", code=code), "code")
    return code


def _check_company(company: int | None) -> int | None:
    if company is not None:
        try:
            companies.get(company)
        except TratoError:
            raise NumberingError(_("There is no such company."), "company") from None
    return company


def _set_next(session: Session, series: Series, next_value: int, on: date) -> None:
    if not isinstance(next_value, int) or isinstance(next_value, bool) or next_value < 1:
        raise NumberingError(_("The next number is a whole number from 1 up."), "next_number")
    counter = _counter(session, series, _period(series, on, session))
    if next_value <= counter.last_issued:
        raise NumberingError(_("Numbers up to %(last)d have been issued and are never reused: the next number "
                               "must be above %(last)d.", last=counter.last_issued), "next_number")
    counter.next_number = next_value


def create_series(code: str, pattern: str, *, label: str = "", reset_yearly: bool = False,
                  company: int | None = None, next_number: int = 1, session: Session | None = None) -> SeriesInfo:
    """Add a series (committed here unless `session`, the caller's, is given); NumberingError naming the input."""
    own = session is None
    session = session or db.session()
    try:
        company = _check_company(company)
        series = Series(code=_check_code(session, code, company),
                        pattern=check_pattern(pattern, reset_yearly=reset_yearly, company=company),
                        label=(label or "").strip()[:200], reset_yearly=bool(reset_yearly), company_id=company)
        session.add(series)
        session.flush()
        _set_next(session, series, next_number, date.today())
        session.flush()
        made = _info(session, series, date.today())
        if own:
            session.commit()
    except BaseException:
        if own:
            session.rollback()
        raise
    return made


def install_series(session: Session, code: str, pattern: str, *, label: str = "") -> Series:
    """The install-wide series `code` with `pattern`, made if there is none, in the caller's transaction and
    locked there: an auto-number field's, made (or taken up again) when the field is added."""
    series = session.scalars(select(Series).where(Series.code == code, Series.company_id.is_(None))
                             .with_for_update()).first()
    if series is None:
        create_series(code, pattern, label=label, session=session)
        return install_series(session, code, pattern, label=label)
    series.pattern = check_pattern(pattern, reset_yearly=series.reset_yearly, company=None)
    return series


def update_series(series_id: int, changes: dict[str, Any]) -> SeriesInfo:
    """Change a series (`label`, `pattern`, `reset_yearly`, `company`, `next_number`) and commit.

    Once a number has been issued the company and the yearly reset stay as
    they are (either would count in other periods, and numbers would repeat).
    """
    session = db.session()
    try:
        series = session.scalars(select(Series).where(Series.id == series_id).with_for_update()).first()
        if series is None:
            raise UnknownSeries(_("There is no numbering series %(code)s.", code=series_id))
        issued = session.scalar(select(SeriesCounter.series_id).where(
            SeriesCounter.series_id == series.id, SeriesCounter.last_issued > 0).limit(1)) is not None
        company = _check_company(changes.get("company", series.company_id))
        reset = bool(changes.get("reset_yearly", series.reset_yearly))
        if issued and company != series.company_id:
            raise NumberingError(_("Numbers have been issued: the series stays with its company."), "company")
        if issued and reset != series.reset_yearly:
            raise NumberingError(_("Numbers have been issued: whether the series restarts every fiscal year "
                                   "cannot change."), "reset_yearly")
        if company != series.company_id:
            _check_code(session, series.code, company, own=series.id)
        # Before any number, a new company or reset moves the count to another period: the next number goes along.
        next_value = changes.get("next_number", _info(session, series, date.today()).next_number)
        series.pattern = check_pattern(changes.get("pattern", series.pattern), reset_yearly=reset, company=company)
        series.label = (changes.get("label", series.label) or "").strip()[:200]
        series.company_id, series.reset_yearly, series.updated_at = company, reset, utcnow()
        if "next_number" in changes or not issued:
            _set_next(session, series, next_value, date.today())
        session.flush()
        made = _info(session, series, date.today())
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return made
