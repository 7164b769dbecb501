"""Records made and read through the record service from outside a request, for the lead tests."""
from __future__ import annotations

from typing import Any

from flask import Flask

from trato import RecordData, records


def make(app: Flask, entity: str, user: Any = None, **values: Any) -> RecordData:
    with app.test_request_context():
        return records.create(entity, values, user=user)


def stored(app: Flask, entity: str, record_id: int, deleted: bool = False) -> RecordData:
    with app.app_context():
        return records.get(entity, record_id, user=None, deleted=deleted)


def count(app: Flask, entity: str) -> int:
    with app.app_context():
        return records.query(entity, user=None).count().value
