"""Records: the only write path (create, update, delete, restore, bulk) and the scoped query builder.

    from trato import records
    deal = records.create("sales_deal", {"name": "Acme renewal"}, user=current_user)
    deal = records.update("sales_deal", deal.id, {"stage": "won"}, user=current_user, version=deal.version)
    page = records.query("sales_deal", user=current_user).where({"stage": "won"}).page(limit=50)
    with records.atomic():   # several calls that commit together, or not at all
        account = records.create("contacts_account", {...}, user=current_user)
        records.create("contacts_contact", {"account_id": account.id, ...}, user=current_user)
"""
from .count import Count
from .data import Change, RecordData
from .errors import (
    QueryError, RecordError, RecordNotFound, RestoreBlocked, SaveRefused, StaleRecord, ValidationFailed,
)
from .filters import Condition, Group, from_json, from_params
from .query import MAX_LIMIT, Page, RecordQuery, query
from .work import on_commit
from .work import transaction as atomic
from .service import (
    bulk_create, bulk_delete, bulk_restore, bulk_update, create, delete, get, restore, update,
)

__all__ = [
    "MAX_LIMIT",
    "atomic",
    "Change",
    "Condition",
    "Count",
    "Group",
    "Page",
    "QueryError",
    "RecordData",
    "RecordError",
    "RecordNotFound",
    "RecordQuery",
    "RestoreBlocked",
    "SaveRefused",
    "StaleRecord",
    "ValidationFailed",
    "bulk_create",
    "bulk_delete",
    "bulk_restore",
    "bulk_update",
    "create",
    "delete",
    "from_json",
    "from_params",
    "get",
    "on_commit",
    "query",
    "restore",
    "update",
]
