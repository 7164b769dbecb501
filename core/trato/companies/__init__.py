"""Companies: the legal entities an install works as, read by documents, numbering series and currencies.

Plugins read companies through `CompanyInfo`, a frozen snapshot, never the
table: a letterhead or a series needs the data as it was when it was read,
and must not write it back by accident.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from flask import current_app, g
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import db
from ..errors import TratoError
from .models import Company

__all__ = [
    "CompanyInfo",
    "CompanyNotFound",
    "all_companies",
    "company_for",
    "default_company",
    "fiscal_year",
    "get",
]

# The field type records carry their company in (trato.fields: `field("company", ...)`).
FIELD_TYPE = "company"


class CompanyNotFound(TratoError, LookupError):
    """No company has the id asked for."""


@dataclass(frozen=True)
class CompanyInfo:
    """A company's settings as documents use them; `base_currency` and `locale` are never empty."""

    id: int
    legal_name: str
    trade_name: str
    tax_id: str
    country: str
    address: str  # the letterhead's lines, joined with "\n"
    email: str
    phone: str
    website: str
    logo_path: Path | None
    base_currency: str
    fiscal_year_start_month: int
    locale: str
    is_default: bool = False

    @property
    def name(self) -> str:
        """What people call it: the trade name, else the legal name."""
        return self.trade_name or self.legal_name


def default_company(session: Session | None = None) -> CompanyInfo:
    """The company records and documents belong to unless they say otherwise (there is always exactly one).
    `session`: read through it (a caller's own transaction, such as a plugin's set-up) rather than the
    app's session."""
    for info in _companies(session).values():
        if info.is_default:
            return info
    raise CompanyNotFound("no default company: the database is not migrated (run `trato db upgrade`)")


def get(company_id: int, session: Session | None = None) -> CompanyInfo:
    """The company with this id; `CompanyNotFound` if there is none. `session` as for `default_company`."""
    try:
        return _companies(session)[int(company_id)]
    except (KeyError, TypeError, ValueError):
        raise CompanyNotFound(f"there is no company with id {company_id!r}") from None


def all_companies() -> list[CompanyInfo]:
    """Every company, the default first, then by name."""
    return sorted(_companies().values(), key=lambda c: (not c.is_default, c.name.casefold(), c.id))


def company_for(entity: str, values: Mapping[str, Any]) -> CompanyInfo:
    """The company a record of `entity` with these values belongs to.

    That is the value of the entity's company field when it has one and it is
    set, else the default company (an entity without a company field belongs
    to the default company as a whole).
    """
    entities = current_app.extensions["trato"].entities
    if entity in entities:
        for name, definition in entities.get(entity).fields.items():
            if definition.type.name == FIELD_TYPE and values.get(name) is not None:
                return get(values[name])
    return default_company()


def fiscal_year(company: CompanyInfo, on: date) -> int:
    """The fiscal year `on` falls in, named by the calendar year it starts in.

    With a fiscal year starting in April, 2026-03-31 is in fiscal year 2025
    and 2026-04-01 in 2026; starting in January it is the calendar year.
    """
    return on.year if on.month >= company.fiscal_year_start_month else on.year - 1


def forget() -> None:
    """Drop this request's copy of the companies, after a change to them."""
    g.pop("trato_companies", None)


def info(row: Company) -> CompanyInfo:
    """The snapshot of a company row, with the install's currency and locale where it has none of its own."""
    settings = current_app.extensions["trato"].settings
    locale = row.locale or settings.default_locale
    return CompanyInfo(
        id=row.id, legal_name=row.legal_name, trade_name=row.trade_name, tax_id=row.tax_id, country=row.country,
        address=letterhead_address(row, locale), email=row.email, phone=row.phone, website=row.website,
        logo_path=settings.upload_path / row.logo if row.logo else None,
        base_currency=row.base_currency or settings.currency,
        fiscal_year_start_month=row.fiscal_year_start_month, locale=locale, is_default=row.is_default)


def letterhead_address(row: Company, locale: str) -> str:
    """The address as a letter shows it: the street lines, "postal code city", the province, the country."""
    town = " ".join(part for part in (row.postal_code, row.city) if part)
    lines = [row.address_line1, row.address_line2, town, row.province, country_name(row.country, locale)]
    return "\n".join(line for line in lines if line)


def country_name(code: str, locale: str) -> str:
    try:
        return str(Locale.parse(locale).territories.get(code, code))
    except (UnknownLocaleError, ValueError):
        return code


def _companies(session: Session | None = None) -> dict[int, CompanyInfo]:
    """Every company by id, read once per request: there are a handful, and documents ask for them often."""
    if "trato_companies" not in g:
        rows = (session or db.session()).scalars(select(Company).order_by(Company.id))
        g.trato_companies = {row.id: info(row) for row in rows}
    return g.trato_companies  # type: ignore[no-any-return]
