"""Changing companies: tax ids checked for the company's country, one default, logos, and deletes refused while in use.

The admin screen (web/admin_companies.py) calls these; each refusal is a
`CompanyRefused` naming the input it concerns, and leaves the session for
the caller to roll back.
"""
from __future__ import annotations

import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.util import get_cc_module

from ..db import Base
from ..errors import TratoError
from ..fields.definition import localize
from ..fields.money import is_current
from ..i18n import _
from . import FIELD_TYPE, country_name, forget
from .models import Company

# What a logo may be: its first bytes, and the extension the file is stored under. No SVG: it can carry scripts.
IMAGE_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpg", b"GIF87a": "gif", b"GIF89a": "gif"}
LOGO_MAX_BYTES = 1024 * 1024
LOGO_FOLDER = "companies"
TEXT_FIELDS = ("legal_name", "trade_name", "tax_id", "country", "address_line1", "address_line2", "postal_code",
               "city", "province", "email", "phone", "website")


class CompanyRefused(TratoError):
    """A change to a company that is not allowed; `field` is the input it concerns, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def save(session: Session, company: Company | None, values: Mapping[str, Any]) -> Company:
    """Create (`company` None) or change a company from checked form values; the tax id is stored compact."""
    country = str(values.get("country") or "ES").upper()
    currency = values.get("base_currency") or None
    if currency is not None and not is_current(currency):
        raise CompanyRefused(_("Choose a current currency."), "base_currency")
    month = int(values.get("fiscal_year_start_month") or 1)
    if not 1 <= month <= 12:
        raise CompanyRefused(_("Choose a month."), "fiscal_year_start_month")
    if company is None:
        company = Company(is_default=False)
        session.add(company)
    for name in TEXT_FIELDS:
        setattr(company, name, str(values.get(name) or "").strip())
    company.country = country
    company.tax_id = checked_tax_id(company.tax_id, country)
    company.base_currency = currency
    company.fiscal_year_start_month = month
    company.locale = values.get("locale") or None
    session.flush()
    forget()
    return company


def checked_tax_id(text: str, country: str) -> str:
    """The tax id in its compact form, checked with python-stdnum for `country`; empty stays empty.

    Spain: a NIF, CIF or NIE. Other EU countries: a VAT number, with or
    without its country prefix, or the country's own tax number. Elsewhere
    the country's stdnum module when there is one; else taken as typed.
    """
    text = text.strip()
    if not text:
        return ""
    cc = country.lower()
    # Spain keeps its NIF bare (B12345674); other EU numbers keep their VAT prefix (DE136695976).
    own = [get_cc_module(cc, "nif") if cc == "es" else None, get_cc_module(cc, "vat"), get_cc_module(cc, "tin")]
    eu = [eu_vat] if cc != "es" and (cc in eu_vat.MEMBER_STATES or cc == "gr") else []
    candidates = [module for module in (*eu, *own) if module is not None]
    if not candidates:
        return text
    prefix = "EL" if cc == "gr" else cc.upper()  # Greece's VAT numbers start with EL
    for module in candidates:
        for number in (text, prefix + text) if module is eu_vat else (text,):
            try:
                return str(module.validate(number))
            except StdnumError:
                continue
    if cc == "es":
        raise CompanyRefused(_("Enter a valid Spanish NIF, CIF or NIE, such as B12345674 or 12345678Z."), "tax_id")
    raise CompanyRefused(_("Enter a valid tax id for %(country)s.", country=country_name(country, _locale())),
                         "tax_id")


def make_default(session: Session, company: Company) -> None:
    """Make `company` the default one (the one records without a company belong to), the previous one not."""
    session.execute(update(Company).where(Company.is_default.is_(True), Company.id != company.id)
                    .values(is_default=False))
    session.flush()
    company.is_default = True
    session.flush()
    forget()


def users(session: Session, company: Company) -> list[str]:
    """What uses `company`, for people: "3 Deals", "2 × core_numbering_series"; empty when nothing does."""
    found: list[str] = []
    registry = current_app.extensions["trato"].entities
    for entity in registry.all():
        for field in entity.fields.values():
            if field.type.name == FIELD_TYPE:
                count = session.scalar(select(func.count()).select_from(entity.table)
                                       .where(entity.table.c[field.name] == company.id))
                if count:
                    found.append(f"{count} {localize(entity.plural)}")
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if any(fk.column.table.name == Company.__tablename__ for fk in column.foreign_keys):
                count = session.scalar(select(func.count()).select_from(table).where(column == company.id))
                if count:
                    found.append(f"{count} × {table.name}")
    return found


def delete(session: Session, company: Company) -> str | None:
    """Delete a company that nothing uses; the default company and one in use are refused, saying why.

    Returns its logo's path, for the caller to remove once the delete is committed."""
    if company.is_default:
        raise CompanyRefused(_("The default company cannot be deleted: make another company the default first."))
    used = users(session, company)
    if used:
        raise CompanyRefused(_("%(name)s cannot be deleted: it is in use (%(users)s).", name=company.legal_name,
                               users=", ".join(used)))
    logo = company.logo
    session.delete(company)
    session.flush()
    forget()
    return logo


def store_logo(company: Company, data: bytes) -> str:
    """Keep `data` as the company's logo (a PNG, JPEG or GIF of at most 1 MB); its path under the upload folder.

    The file gets a new random name, so that a letterhead already rendered
    never changes under a reader's cache; the old one is removed.
    """
    if len(data) > LOGO_MAX_BYTES:
        raise CompanyRefused(_("The logo is larger than 1 MB; upload a smaller image."), "logo")
    extension = next((ext for signature, ext in IMAGE_SIGNATURES.items() if data.startswith(signature)), None)
    if extension is None:
        raise CompanyRefused(_("The logo must be a PNG, JPEG or GIF image."), "logo")
    root = upload_root()
    relative = f"{LOGO_FOLDER}/{company.id}-{secrets.token_hex(8)}.{extension}"
    target = root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    old, company.logo = company.logo, relative
    if old:
        remove_logo_file(old)
    forget()
    return relative


def remove_logo_file(relative: str) -> None:
    path = (upload_root() / relative).resolve()
    if path.is_relative_to(upload_root().resolve() / LOGO_FOLDER):
        path.unlink(missing_ok=True)


def upload_root() -> Path:
    return Path(current_app.extensions["trato"].settings.upload_path)


def _locale() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "en")
