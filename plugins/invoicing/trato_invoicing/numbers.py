"""What a new document gets before it is first written: a quote's or order's number, taken when it is created;
an invoice starts as a draft, without one (it is numbered when issued: issuing.py)."""
from __future__ import annotations

from datetime import date
from typing import Any

from trato import companies, numbering

from .quoting.revisions import PENDING as REVISION_PENDING

# entity -> (series, date field)
ON_CREATE = {"invoicing_quote": ("invoicing_quote", "issue_date"), "invoicing_order": ("invoicing_order", "order_date")}


def prepare_new(entity: str, values: dict[str, Any]) -> None:
    """A new quote or order gets its date (today unless given) and the next number of its series, in the
    creating transaction; a quote's revision keeps its first version's number (quoting.revisions)."""
    if entity == "invoicing_invoice":
        values["status"] = values.get("status") or "draft"
        return
    if entity not in ON_CREATE or values.get("number") or (entity == "invoicing_quote" and REVISION_PENDING.get()):
        return
    series, date_field = ON_CREATE[entity]
    values[date_field] = values.get(date_field) or date.today()
    company = companies.company_for(entity, values)
    values["number"] = numbering.next_number(series, on=values[date_field], company=company.id).text
