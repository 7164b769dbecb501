"""Products, orders and order lines: an order's lines are a child entity, its totals computed from them."""
from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped

from trato import Base, EntityInfo, Money, Record, field
from trato.records import Totals

HUNDRED = Decimal(100)


def order_totals(values: Mapping[str, Any], lines: Mapping[str, list[dict[str, Any]]]) -> Totals:
    """Each line's total (quantity × unit price less its discount) and the order's, rounded half up."""
    computed, total = [], None
    for line in lines.get("ledger_order_line", []):
        price, quantity = line.get("unit_price"), line.get("quantity")
        if price is None or quantity is None:
            computed.append({"total": None})
            continue
        off = HUNDRED - (line.get("discount") or Decimal(0))
        amount = Money(price.amount * quantity * off / HUNDRED, price.currency).rounded()
        computed.append({"total": amount})
        total = amount if total is None else total + amount
    return Totals(lines={"ledger_order_line": computed}, document={"total": total})


class Product(Record, Base):
    __tablename__ = "ledger_product"
    __entity__ = EntityInfo(_l("Product"), _l("Products"), title="name")

    name: Mapped[str] = field("text", label=_l("Name"), required=True)


class Order(Record, Base):
    __tablename__ = "ledger_order"
    __entity__ = EntityInfo(_l("Order"), _l("Orders"), title="name", list_columns=("name", "total"),
                            compute=order_totals)

    name: Mapped[str] = field("text", label=_l("Name"), required=True)
    total: Mapped[Money | None] = field("money", label=_l("Total"), system_set=True)


class OrderLine(Record, Base):
    __tablename__ = "ledger_order_line"
    __entity__ = EntityInfo(_l("Line"), _l("Lines"), title="description", parent="ledger_order",
                            list_columns=("parent_id", "description", "quantity", "total"))

    product_id: Mapped[int | None] = field("relation", label=_l("Product"), target="ledger_product")
    description: Mapped[str | None] = field("text", label=_l("Description"))
    quantity: Mapped[Decimal] = field("decimal", label=_l("Quantity"), required=True, scale=3)
    unit_price: Mapped[Money | None] = field("money", label=_l("Unit price"))
    discount: Mapped[Decimal | None] = field("percent", label=_l("Discount"))
    total: Mapped[Money | None] = field("money", label=_l("Total"), system_set=True)
