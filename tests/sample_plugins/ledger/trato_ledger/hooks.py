"""The ledger's entities."""
from __future__ import annotations

from trato import hookimpl

from .models import Order, OrderLine, Product


@hookimpl
def entities():
    return [Product, Order, OrderLine]
