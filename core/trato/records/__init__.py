"""Records: the only write path (create, update, delete, restore, bulk) and the scoped query builder.

    from trato import records
    deal = records.create("sales_deal", {"name": "Acme renewal"}, user=current_user)
    deal = records.update("sales_deal", deal.id, {"stage": "won"}, user=current_user, version=deal.version)
    page = records.query("sales_deal", user=current_user).where({"stage": "won"}).page(limit=50)
    totals = records.aggregate("sales_deal", user=current_user, group_by=["stage_id"], measures=["sum:amount"])
    deal_entity = records.entity("sales_deal")   # its fields, labels and `title_of(record)`; records.entities(): all
    with records.lagging():  # reads for a report: from the read replica when there is one (docs/install.md)
        totals = records.aggregate(...)
    with records.atomic():   # several calls that commit together, or not at all
        account = records.create("contacts_account", {...}, user=current_user)
        records.create("contacts_contact", {"account_id": account.id, ...}, user=current_user)
    order = records.create("ledger_order", {"name": "A1", "lines": [{"quantity": "2"}]}, user=current_user)
    records.lines("ledger_order", order.id, user=current_user)  # {"ledger_order_line": [RecordData, ...]}
"""
from .aggregate import Bucket, HiddenField, aggregate
from .common import entities
from .common import entity_of as entity
from .count import Count
from .data import Change, RecordData
from .errors import (
    QueryError, RecordError, RecordLocked, RecordNotFound, RestoreBlocked, SaveRefused, StaleRecord,
    ValidationFailed,
)
from .filters import Condition, Group, from_json, from_params
from .lines import ByLine, Totals, lines
from .locks import reason as lock_reason
from .query import MAX_LIMIT, Page, RecordQuery, query
from ..replica import lagging
from .work import on_commit
from .work import transaction as atomic
from .service import (
    bulk_create, bulk_delete, bulk_restore, bulk_update, create, delete, get, restore, update,
)

__all__ = [
    "MAX_LIMIT",
    "aggregate",
    "atomic",
    "Bucket",
    "ByLine",
    "Change",
    "Condition",
    "Count",
    "Group",
    "HiddenField",
    "Page",
    "QueryError",
    "RecordData",
    "RecordError",
    "RecordLocked",
    "RecordNotFound",
    "RecordQuery",
    "RestoreBlocked",
    "SaveRefused",
    "StaleRecord",
    "Totals",
    "ValidationFailed",
    "bulk_create",
    "bulk_delete",
    "bulk_restore",
    "bulk_update",
    "create",
    "delete",
    "entities",
    "entity",
    "from_json",
    "from_params",
    "get",
    "lagging",
    "lines",
    "lock_reason",
    "on_commit",
    "query",
    "restore",
    "update",
]
