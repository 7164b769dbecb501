"""The duplicate warning of the new-record form: the first save names the likely duplicates, the second one saves.

The record service's `before_save` hook can only refuse a save, so the
warning is a refusal that the same person can overrule by saving again:
the first refusal remembers (in the signed session) the identifying values
(names, emails, phones, account, tax id) it warned about and the records it
named, and lets a second save with the same ones through. Only the generic form at /r/<entity>/new is warned;
the API, imports and other plugins create without a warning (API clients
ask /contacts/duplicates first).
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from flask import has_request_context, request, session
from flask_babel import gettext as _

from . import duplicates

FORM_ENDPOINT = "records.new"
SESSION_KEY = "contacts_duplicate_warned"


def reason_text(reason: str) -> str:
    return {"email": _("same email"), "phone": _("same phone"), "name": _("similar name"),
            "tax_id": _("same tax ID")}[reason]


def reasons_of(candidate: duplicates.Candidate) -> str:
    """Why a candidate looks like a duplicate, in words: "same email, similar name"."""
    return ", ".join(reason_text(r) for r in candidate.reasons)


def _named(entity: str, candidate: duplicates.Candidate) -> str:
    """"Íñigo Sáenz (#4: same email)", with what it is ("Contact …") when it is of another entity than the form's."""
    other = candidate.record.entity
    named = f"{duplicates.title(other, candidate.record)} (#{candidate.record.id}: {reasons_of(candidate)})"
    return named if other == entity else f"{duplicates.kind(other)} {named}"


def _fingerprint(entity: str, values: Mapping[str, Any], ids: list[int]) -> str:
    """What the warning was about: the values that make a duplicate, and the records named."""
    shown = {k: str(values[k]) for k in duplicates.IDENTIFYING if values.get(k) not in (None, "")}
    return hashlib.sha256(json.dumps([entity, shown, ids]).encode()).hexdigest()


def warning(entity: str, values: Mapping[str, Any], user: Any) -> str | None:
    """The refusal that warns of likely duplicates on the form's first save; None to let the save go on."""
    if not has_request_context() or request.endpoint != FORM_ENDPOINT:
        return None
    found = duplicates.find(entity, values, user)
    if not found:
        return None
    fingerprint = _fingerprint(entity, values, sorted(c.record.id for c in found))
    if session.pop(SESSION_KEY, None) == fingerprint:
        return None  # warned about exactly this, and the person saved again
    session[SESSION_KEY] = fingerprint
    names = "; ".join(_named(entity, c) for c in found[:5])
    return _("This may already be in Trato: %(records)s. Save again to add it anyway, or open the existing record "
             "and merge from there.", records=names)
