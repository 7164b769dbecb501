"""The buttons an issued invoice's page gets in its header: its e-invoice as UBL, CII and Factur-X."""
from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l

from trato import Fragment

from .source import INVOICE

BUTTONS = [("ubl", _l("UBL"), "file-code"), ("cii", _l("CII"), "file-code-2"), ("facturx", _l("Factur-X"),
                                                                              "file-type-pdf")]


def page_slot(slot: str, entity: str | None, record: Any, user: Any) -> list[Fragment]:
    """Shown to whoever sees the page (and so may read the invoice), once it is issued: a draft is no
    e-invoice."""
    if slot != "record_header" or entity != INVOICE or record is None or record["status"] != "issued":
        return []
    return [Fragment(label, "slots/button.html",
                     {"href": url_for("einvoicing.download", record_id=record["id"], kind=kind), "label": label,
                      "icon": icon}, priority=priority)
            for priority, (kind, label, icon) in enumerate(BUTTONS, start=60)]
