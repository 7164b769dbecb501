"""Two entities that between them use every built-in field type and one of the plugin's own."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow.validate import Range
from sqlalchemy.orm import Mapped

from trato import Base, EntityInfo, Money, Record, RecordLink, field
from trato.fields import IntegerType


class Rating(IntegerType):
    """One to five stars."""

    name = "trade_rating"
    widget = "trade_stars"
    cell = "trade_stars"

    def schema_field(self, field, **kwargs):  # noqa: ANN001, ANN201
        return super().schema_field(field, validate=Range(1, 5, error=_l("From 1 to 5 stars.")), **kwargs)


RATING = Rating()


def signed(values: dict[str, Any]) -> Any:
    """A deal tagged "signed" is locked: only its notes may still change."""
    return _l("the deal is signed") if "signed" in (values.get("tags") or []) else None


def kept(values: dict[str, Any]) -> bool:
    """A deal tagged "keep" stays in the recycle bin until purged by hand."""
    return "keep" in (values.get("tags") or [])


class Account(Record, Base):
    __tablename__ = "trade_account"
    __entity__ = EntityInfo(_l("Account"), _l("Accounts"), title="name", search=("name", "city"),
                            list_columns=("name", "city", "country"))

    name: Mapped[str] = field("text", label=_l("Name"), required=True, length=200)
    city: Mapped[str | None] = field("text", label=_l("City"), filterable=True)
    country: Mapped[str | None] = field("select", label=_l("Country"),
                                        options=[("es", _l("Spain")), ("fr", _l("France")), ("mx", _l("Mexico"))])
    email: Mapped[str | None] = field("email", label=_l("Email"))
    website: Mapped[str | None] = field("url", label=_l("Website"))
    phone: Mapped[str | None] = field("phone", label=_l("Phone"))
    employees: Mapped[int | None] = field("integer", label=_l("Employees"))
    revenue: Mapped[Decimal | None] = field("money", label=_l("Annual revenue"), currency="EUR")
    vip: Mapped[bool] = field("boolean", label=_l("VIP"), required=True, default=False)
    parent_id: Mapped[int | None] = field("relation", label=_l("Parent account"), target="trade_account")


class Deal(Record, Base):
    __tablename__ = "trade_deal"
    __entity__ = EntityInfo(_l("Deal"), _l("Deals"), title="name", list_columns=("name", "account_id", "amount"),
                            locked=signed, unlocked_fields=("notes",), keep=kept)

    name: Mapped[str] = field("text", label=_l("Name"), required=True)
    account_id: Mapped[int | None] = field("relation", label=_l("Account"), target="trade_account")
    stage: Mapped[str] = field("select", label=_l("Stage"), required=True, default="new", filterable=True,
                               options=[("new", _l("New")), ("won", _l("Won")), ("lost", _l("Lost"))])
    amount: Mapped[Money | None] = field("money", label=_l("Amount"), section="money")
    probability: Mapped[Decimal | None] = field("percent", label=_l("Probability"), section="money")
    closes_on: Mapped[date | None] = field("date", label=_l("Closes on"))
    last_contact_at: Mapped[datetime | None] = field("datetime", label=_l("Last contact"))
    notes: Mapped[str | None] = field("long_text", label=_l("Notes"), help=_l("Anything worth remembering."))
    tags: Mapped[list[str] | None] = field("tags", label=_l("Tags"))
    channels: Mapped[list[str] | None] = field("multi_select", label=_l("Channels"),
                                               options=[("web", _l("Web")), ("phone", _l("Phone")),
                                                        ("email", _l("Email"))])
    rating: Mapped[int | None] = field(RATING, label=_l("Rating"))
    contract: Mapped[dict[str, Any] | None] = field("file", label=_l("Contract"))
    assignee_id: Mapped[int | None] = field("user", label=_l("Assignee"))
    related: Mapped[RecordLink | None] = field("record_link", label=_l("Related record"))
