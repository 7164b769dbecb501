"""What the e-invoicing tests share: the seller's details, customers, taxes and lines, and issued invoices made
through invoicing's own services as a business would. No tests here."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import text

from trato import Money, RecordData, RecordLink, companies, records, session
from trato_invoicing.issuing import create_invoice, issue

ON = date(2026, 11, 2)


def set_seller(tax_id: str = "B12345674", name: str = "Ferretería Aranda SL") -> None:
    """The company as an administrator completes it: its legal name, tax ID and address."""
    session().execute(text("UPDATE core_company SET tax_id = :tax_id, legal_name = :name, address_line1 = "
                           "'Calle Mayor 5', postal_code = '28013', city = 'Madrid', country = 'ES' "
                           "WHERE is_default"), {"tax_id": tax_id, "name": name})
    session().commit()
    companies.forget()


def eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")


def one(entity: str, where: dict[str, Any]) -> RecordData:
    return records.query(entity, user=None).where(where).page(limit=1).items[0]


def tax(code: str) -> int:
    return one("catalog_tax", {"code": code}).id


def position(name: str) -> int:
    return one("catalog_fiscal_position", {"name": name}).id


def customer(name: str = "Ferretería Uriarte", tax_id: str | None = "B95472163", country: str | None = "ES",
             fiscal_position: str | None = None) -> RecordData:
    account = records.create("contacts_account", {"name": name, "tax_id": tax_id, "billing_country": country,
                                                  "billing_city": "Bilbao", "billing_postcode": "48001",
                                                  "billing_street": "Gran Vía 1"}, user=None)
    if fiscal_position:
        records.create("catalog_customer_terms", {"customer": RecordLink("contacts_account", account.id),
                                                  "fiscal_position_id": position(fiscal_position)}, user=None)
    return account


def product(code: str, price: str, category: str = "General", kind: str = "service") -> RecordData:
    return records.create("catalog_product", {
        "code": code, "name": f"Product {code}", "kind": kind, "unit": "hour", "list_price": eur(price),
        "tax_category_id": one("catalog_tax_category", {"name": category}).id}, user=None)


def line(price: str, quantity: str = "1", vat: str | None = "IVA21", discount: str | None = None,
         surcharge: str | None = None, withholding: str | None = None, **more: Any) -> dict[str, Any]:
    return {"description": more.pop("description", f"{quantity} x {price}"), "quantity": quantity,
            "unit_price": eur(price), "discount": discount, "tax_id": tax(vat) if vat else None,
            "surcharge_id": tax(surcharge) if surcharge else None,
            "withholding_id": tax(withholding) if withholding else None, **more}


def issued(account: RecordData, lines: list[dict[str, Any]], **values: Any) -> RecordData:
    """An issued invoice of `account` dated ON."""
    draft = create_invoice({"account_id": account.id, "issue_date": ON, **values}, lines, user=None)
    return issue(draft.id, user=None)
