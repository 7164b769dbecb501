"""How E-invoicing plugs into Trato: its download pages, its REST calls and the buttons on an invoice's page."""
from __future__ import annotations

from typing import Any

from flask import Blueprint

from trato import ApiEndpoint, Fragment, hookimpl

from . import api, slots
from .views import bp


@hookimpl
def blueprints() -> list[Blueprint]:
    return [bp]


@hookimpl
def api_endpoints() -> list[ApiEndpoint]:
    return api.endpoints()


@hookimpl
def page_slot(slot: str, entity: str | None, record: Any, user: Any) -> list[Fragment]:
    return slots.page_slot(slot, entity, record, user)
