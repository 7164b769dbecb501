"""Currencies: ISO 4217 minor units, half-up rounding, and exchange rates by date.

Rates are kept per day as "one unit of `from` buys `rate` units of `to`", and
looked up as the latest one on or before the date asked for. They come from
an administrator (typed or a CSV file) or from plugins (the `exchange_rates`
hook, asked once a day). A document converts at the rate of its own date and
keeps that rate (`rate_for_document`), so that it reads the same for ever,
whatever rates arrive later.
"""
from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import db
from .companies import CompanyInfo, default_company
from .companies.models import RATE_SCALE, ExchangeRate
from .errors import TratoError
from .fields.money import Money, company_currency, current_currencies, is_current, minor_units, round_half_up
from .hooks.calls import call_hook
from .i18n import _
from .jobs import JobContext, TaskRegistry, crontab

__all__ = [
    "NoRate",
    "Rate",
    "RateFileError",
    "at_rate",
    "convert",
    "current_codes",
    "is_current",
    "minor_units",
    "rate",
    "rate_for_document",
    "read_rates_csv",
    "round_money",
    "save_rates",
]

# The largest rate a row holds: what fits in 18 digits with RATE_SCALE decimals.
MAX_RATE = Decimal(10) ** (18 - RATE_SCALE)
# The columns of a rates file; `source` may be left out.
CSV_COLUMNS = ("date", "from", "to", "rate", "source")


class NoRate(TratoError, LookupError):
    """No exchange rate is known for the currencies on or before the date."""


@dataclass(frozen=True)
class Rate:
    """One unit of `from_currency` bought `rate` units of `to_currency` on day `on`; `source` says who said so."""

    from_currency: str
    to_currency: str
    on: date
    rate: Decimal
    source: str = ""


@dataclass(frozen=True)
class Problem:
    """What is wrong in a rates file, by row (the header is row 1) and column name."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("Row %(row)s, column %(column)s: %(message)s", row=self.row, column=self.column,
                 message=self.message)


class RateFileError(TratoError):
    """A rates file with problems: nothing of it was saved."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(map(str, problems)))
        self.problems = problems


def round_money(amount: Decimal, code: str) -> Decimal:
    """`amount` rounded half up to the minor units of currency `code` (JPY 0, EUR 2, KWD 3)."""
    return round_half_up(amount, minor_units(code))


def current_codes(first: str | None = None) -> list[str]:
    """The current ISO 4217 codes for a currency list: `first` (by default the default company's base currency)
    at the top, then the rest in alphabetical order."""
    first = first or company_currency()
    codes = list(current_currencies())
    return [first, *(c for c in codes if c != first)] if first in codes else codes


def rate(from_currency: str, to_currency: str, on: date) -> Decimal:
    """How many `to_currency` one `from_currency` bought on `on`: the latest rate on or before that day.

    A rate entered the other way round serves inverted, and two rates
    through the default company's base currency serve too (USD→EUR→GBP).
    `NoRate` when none of these is known.
    """
    if from_currency == to_currency:
        return Decimal(1)
    session = db.session()
    found = _either_way(session, from_currency, to_currency, on)
    if found is None:
        base = default_company().base_currency
        if base not in (from_currency, to_currency):
            first = _either_way(session, from_currency, base, on)
            second = _either_way(session, base, to_currency, on) if first is not None else None
            found = first * second if first is not None and second is not None else None
    if found is None:
        raise NoRate(_("There is no exchange rate from %(source)s to %(target)s on or before %(day)s: enter one "
                       "under Administration, Exchange rates.", source=from_currency, target=to_currency,
                       day=on.isoformat()))
    return round_half_up(found, RATE_SCALE)


def convert(money: Money, to_currency: str, on: date) -> Money:
    """`money` in `to_currency` at the rate of day `on`, rounded half up to that currency's minor units."""
    return at_rate(money, rate(money.currency, to_currency, on), to_currency)


def at_rate(money: Money, exchange_rate: Decimal, to_currency: str) -> Money:
    """`money` in `to_currency` at a rate the caller kept (a document's own), rounded to its minor units."""
    return Money(round_money(money.amount * exchange_rate, to_currency), to_currency)


def rate_for_document(currency: str, on: date, company: CompanyInfo | None = None, places: int = 6) -> Decimal:
    """The rate from `currency` to the company's base currency on the document's date, rounded half up to
    `places` decimals: store it in a field of the document, and convert with `at_rate` from then on."""
    target = (company or default_company()).base_currency
    return round_half_up(rate(currency, target, on), places)


def save_rates(session: Session, rates: Iterable[Rate]) -> int:
    """Write `rates` in the caller's transaction, replacing those of the same currencies and day; how many.

    A `RateFileError` (row numbers counted from 1) and nothing written if one is not valid.
    """
    rates = list(rates)
    problems = [p for number, r in enumerate(rates, start=1) for p in _check(r, number)]
    if problems:
        raise RateFileError(problems)
    for r in rates:
        row = session.scalar(select(ExchangeRate).where(
            ExchangeRate.from_currency == r.from_currency, ExchangeRate.to_currency == r.to_currency,
            ExchangeRate.rate_date == r.on))
        if row is None:
            row = ExchangeRate(from_currency=r.from_currency, to_currency=r.to_currency, rate_date=r.on)
            session.add(row)
        row.rate = round_half_up(r.rate, RATE_SCALE)
        row.source = r.source[:64]
    session.flush()
    return len(rates)


def read_rates_csv(text: str, source: str = "csv") -> list[Rate]:
    """The rates in a CSV file with the header `date,from,to,rate[,source]` (commas, or semicolons with decimal
    commas); a `RateFileError` naming every bad row and column."""
    lines = text.lstrip("\ufeff").splitlines()
    delimiter = ";" if lines and ";" in lines[0] and "," not in lines[0] else ","
    reader = csv.reader(lines, delimiter=delimiter)
    header = [name.strip().lower() for name in next(reader, [])]
    missing = [name for name in CSV_COLUMNS[:4] if name not in header]
    if missing or len(set(header)) != len(header):
        raise RateFileError([Problem(1, ", ".join(missing) or "?", _(
            "The first row must name the columns date, from, to and rate (and optionally source)."))])
    rates: list[Rate] = []
    problems: list[Problem] = []
    seen: dict[tuple[str, str, date], int] = {}
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        values = dict(zip(header, (cell.strip() for cell in cells)))
        found, wrong = _parse_row(values, number, delimiter, source)
        problems += wrong
        if found is not None:
            key = (found.from_currency, found.to_currency, found.on)
            if key in seen:
                problems.append(Problem(number, "date", _("Row %(row)s has the same date and currencies.",
                                                          row=seen[key])))
            seen[key] = number
            rates.append(found)
    if problems:
        raise RateFileError(problems)
    return rates


def fetch_from_plugins(ctx: JobContext) -> int:
    """Ask the plugins for today's rates (the `exchange_rates` hook) and keep the valid ones; how many.

    A plugin's invalid rate is logged and left out, so that one bad feed
    does not keep the others' rates away.
    """
    today = date.today()
    offered = [r for result in call_hook("exchange_rates", on=today) for r in result or ()]
    kept = []
    for number, found in enumerate(offered, start=1):
        wrong = list(_check(found, number)) if isinstance(found, Rate) else ["not a trato.currencies.Rate"]
        if wrong:
            current_app.logger.warning("exchange_rates: left out %r: %s", found, "; ".join(map(str, wrong)))
        else:
            kept.append(found)
    saved = save_rates(ctx.session, kept)
    ctx.session.commit()
    return saved


def register(tasks: TaskRegistry) -> None:
    tasks.periodic("fetch_exchange_rates", fetch_from_plugins, crontab(minute="23", hour="6"))


def _either_way(session: Session, from_currency: str, to_currency: str, on: date) -> Decimal | None:
    direct = _latest(session, from_currency, to_currency, on)
    if direct is not None:
        return direct
    inverse = _latest(session, to_currency, from_currency, on)
    return Decimal(1) / inverse if inverse is not None else None


def _latest(session: Session, from_currency: str, to_currency: str, on: date) -> Decimal | None:
    return session.scalar(select(ExchangeRate.rate).where(
        ExchangeRate.from_currency == from_currency, ExchangeRate.to_currency == to_currency,
        ExchangeRate.rate_date <= on).order_by(ExchangeRate.rate_date.desc()).limit(1))


def _check(r: Rate, number: int) -> Iterator[Problem]:
    """What is wrong with a rate (row `number`): unknown currencies, one currency twice, a rate out of range."""
    for column, code in (("from", r.from_currency), ("to", r.to_currency)):
        if not is_current(code):
            yield Problem(number, column, _("%(code)s is not a current ISO 4217 currency code.", code=code))
    if r.from_currency == r.to_currency:
        yield Problem(number, "to", _("The two currencies must differ."))
    if not isinstance(r.rate, Decimal) or not r.rate.is_finite() or not 0 < r.rate < MAX_RATE \
            or round_half_up(r.rate, RATE_SCALE) == 0:
        yield Problem(number, "rate", _("Enter a positive number below %(limit)s, such as 1.0832.",
                                        limit=f"{MAX_RATE:,}"))
    if not isinstance(r.on, date):
        yield Problem(number, "date", _("Enter a date as YYYY-MM-DD."))


def _parse_row(values: dict[str, str], number: int, delimiter: str, source: str) -> tuple[Rate | None, list[Problem]]:
    problems: list[Problem] = []
    try:
        day = date.fromisoformat(values.get("date", ""))
    except ValueError:
        day = date.min  # stands in while the other cells are checked
        problems.append(Problem(number, "date", _("Enter a date as YYYY-MM-DD.")))
    text = values.get("rate", "")
    try:
        amount = Decimal(text.replace(",", ".") if delimiter == ";" else text)
    except InvalidOperation:
        amount = Decimal("NaN")
    found = Rate(values.get("from", "").upper(), values.get("to", "").upper(), day, amount,
                 values.get("source") or source)
    problems += _check(found, number)
    return (None if problems else found), problems
