"""The tables of companies (the legal entities an install invoices as) and of exchange rates by date."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Date, Index, SmallInteger, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base
from ..fields.sqltypes import ExactDecimal

# Decimals an exchange rate keeps: enough for 1 IDR in KWD (about 0.0000189) to keep three significant digits.
RATE_SCALE = 10


class Company(Base):
    """A legal entity: its letterhead data, tax id, fiscal year and base currency.

    `base_currency` and `locale` may be NULL, meaning the install's settings
    (`default_currency`, `default_locale`): the default company the migration
    creates follows them until an administrator sets its own.
    """

    __tablename__ = "core_company"
    __table_args__ = (
        CheckConstraint("fiscal_year_start_month BETWEEN 1 AND 12", name="fiscal_year_start_month"),
        # At most one default company; the migration creates it and the admin screen moves the mark.
        Index("uq_core_company_is_default", "is_default", unique=True,
              sqlite_where=text("is_default"), postgresql_where=text("is_default")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    legal_name: Mapped[str] = mapped_column(String(200))
    trade_name: Mapped[str] = mapped_column(String(200), default="")
    tax_id: Mapped[str] = mapped_column(String(32), default="")
    country: Mapped[str] = mapped_column(String(2), default="ES")  # ISO 3166-1 alpha-2
    address_line1: Mapped[str] = mapped_column(String(200), default="")
    address_line2: Mapped[str] = mapped_column(String(200), default="")
    postal_code: Mapped[str] = mapped_column(String(20), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    province: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    website: Mapped[str] = mapped_column(String(200), default="")
    logo: Mapped[str | None] = mapped_column(String(300))  # a path under the upload folder
    base_currency: Mapped[str | None] = mapped_column(String(3))  # ISO 4217; NULL: the install's currency
    fiscal_year_start_month: Mapped[int] = mapped_column(SmallInteger, default=1)
    locale: Mapped[str | None] = mapped_column(String(16))  # dates and numbers on its documents; NULL: the install's
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)


class ExchangeRate(Base):
    """How many units of `to_currency` one unit of `from_currency` bought on a day, and where that figure came from."""

    __tablename__ = "core_exchange_rate"
    __table_args__ = (
        UniqueConstraint("from_currency", "to_currency", "rate_date"),
        CheckConstraint("rate > 0", name="rate_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    from_currency: Mapped[str] = mapped_column(String(3))
    to_currency: Mapped[str] = mapped_column(String(3))
    rate_date: Mapped[date] = mapped_column(Date)
    rate: Mapped[Decimal] = mapped_column(ExactDecimal(RATE_SCALE))
    source: Mapped[str] = mapped_column(String(64), default="")
