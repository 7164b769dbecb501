"""Qualifying a lead: the contact it becomes (new or one already in Trato), its account (new, existing, or none for
a private person) and, optionally, a deal.

The existing contacts and accounts offered are those the contacts plugin's
duplicate search finds (same email, phone, tax id, name), never a guess from
a word of the company's name. The lead's details travel to what it becomes
(filling only what an existing record lacks); its notes, activities, files
and followers move to the contact and its tags are copied. Everything runs in
one `records.atomic()` block, ending with the `lead_converted` hook: either
the lead is converted with every record made and linked, or nothing changes.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from flask_babel import gettext as _
from trato_contacts import duplicates
from trato_contacts.duplicates import Candidate
from trato_contacts.models import COUNTRY_CODES

from trato import RecordData, RecordNotFound, SaveRefused, ValidationFailed, access, call_hook, extras, records

from .models import Deal, Lead
from .rules import stage_row

ACCOUNT, CONTACT, LEAD = "contacts_account", "contacts_contact", Lead.__tablename__
NEW, NONE = "new", "none"
# The lead's own fields that travel to a new contact or a new account, by the target's field name.
TO_CONTACT = {"first_name": "first_name", "last_name": "last_name", "email": "email", "phone": "phone",
              "job_title": "job_title", "city": "city", "description": "description"}
TO_ACCOUNT = {"tax_id": "tax_id", "billing_city": "city"}
ACCOUNTS_SEARCHED = 3  # the first account candidates whose people are searched for the lead's name


class ConversionRefused(SaveRefused):
    """The lead cannot be converted as asked; the message says why."""


@dataclass(frozen=True)
class DealWish:
    """The deal to make; without a name it is named after the lead's company, else the lead."""

    name: str
    pipeline_id: int
    stage_id: int
    amount: Any = None
    close_date: Any = None


@dataclass(frozen=True)
class Choices:
    """What the lead becomes.

    `contact`: NEW or the id of an existing contact; None takes what `offer` preselects. `account`: NEW,
    NONE (a private person: a contact only) or the id of an existing account; None takes the chosen
    contact's account, else what `offer` preselects. `deal`: the deal to make with it, if any.
    """

    contact: int | str | None = None
    account: int | str | None = None
    deal: DealWish | None = None


@dataclass(frozen=True)
class Offer:
    """The existing contacts and accounts the lead may be, and which of each is preselected (an id, NEW or NONE)."""

    contacts: list[Candidate]
    accounts: list[Candidate]
    contact: int | str
    account: int | str


@dataclass(frozen=True)
class Converted:
    lead: RecordData
    contact: RecordData
    account: RecordData | None
    deal: RecordData | None


def _person(lead: Mapping[str, Any], account_id: int | None = None) -> dict[str, Any]:
    """The lead as the contacts plugin's duplicate search reads a contact."""
    return {"first_name": lead.get("first_name"), "last_name": lead.get("last_name"), "email": lead.get("email"),
            "phone": lead.get("phone"), "account_id": account_id}


def _same_email(lead: Mapping[str, Any], contact: Mapping[str, Any]) -> bool:
    email = (lead.get("email") or "").strip().lower()
    return bool(email) and email in {(contact.get(f) or "").strip().lower() for f in ("email", "email2")}


def offer(lead: RecordData, user: Any) -> Offer:
    """The contacts and accounts the lead may already be, as `user` may see them, with the choice preselected.

    Contacts: by email or phone, or by name at one of the accounts found. Accounts: by tax id or name
    (legal form ignored), and the accounts of the contacts found. A contact with the lead's email is
    preselected, with its account; else an account with its tax id; else a new account, or none for
    a lead without company or tax id (a private person).
    """
    company = {"name": lead["company"], "tax_id": lead["tax_id"]}
    found = duplicates.find(ACCOUNT, company, user) if lead["company"] or lead["tax_id"] else []
    accounts = {c.record.id: c for c in found}
    contacts = {c.record.id: c for c in duplicates.find(CONTACT, _person(lead), user)}
    for account_id in list(accounts)[:ACCOUNTS_SEARCHED]:
        for found in duplicates.find(CONTACT, _person(lead, account_id), user):
            contacts.setdefault(found.record.id, found)
    theirs = {c.record["account_id"] for c in contacts.values()} - set(accounts) - {None}
    if theirs:
        for account in records.query(ACCOUNT, user=user).where({"id__in": sorted(theirs)}).page(
                limit=len(theirs)).items:
            accounts[account.id] = Candidate(account, ("contact",))
    chosen = next((c.record for c in contacts.values() if _same_email(lead, c.record)), None)
    if chosen is not None and chosen["account_id"] in accounts:
        account: int | str = chosen["account_id"]
    else:
        by_tax_id = next((c.record.id for c in accounts.values() if "tax_id" in c.reasons), None)
        account = by_tax_id or (NEW if lead["company"] or lead["tax_id"] else NONE)
    return Offer(list(contacts.values()), list(accounts.values()), chosen.id if chosen else NEW, account)


def _custom(target: str, values: RecordData) -> dict[str, Any]:
    """The lead's custom fields that the target entity has too (same name and type): they travel along."""
    theirs = records.entity(target).fields
    return {name: values[name] for name, f in records.entity(LEAD).fields.items()
            if f.custom and name in theirs and theirs[name].type.name == f.type.name and values.get(name) is not None}


def _country(lead: RecordData, user: Any) -> str | None:
    """The lead's country as the contacts plugin's country field takes it; refused if it is not one of those."""
    if "country" in access.hidden_fields(user, LEAD):
        return None
    code = (lead["country"] or "").strip().upper()
    if code and code not in COUNTRY_CODES:
        raise ValidationFailed({"country": [_("The lead's country %(code)s is not one that contacts and accounts "
                                              "offer; correct or clear it on the lead first.", code=code)]})
    return code or None


def _carried(lead: RecordData, fields: Mapping[str, str], target: str, extra: Mapping[str, Any],
             user: Any) -> dict[str, Any]:
    """The target's values taken from the lead (and `extra`), custom fields included, empty ones left out.

    A field of the lead hidden from `user` stays behind: converting must not show it on another record.
    """
    hidden = access.hidden_fields(user, LEAD)
    values = {name: lead[source] for name, source in fields.items() if source not in hidden} | dict(extra) | \
        {name: value for name, value in _custom(target, lead).items() if name not in hidden}
    return {name: value for name, value in values.items() if value not in (None, "")}


def _fill(entity: str, record: RecordData, values: Mapping[str, Any], user: Any) -> RecordData:
    """Give an existing record the values it lacks (never overwriting one), if `user` may edit it."""
    missing = {name: value for name, value in values.items() if record.get(name) in (None, "")}
    if not missing or not access.allowed(user, entity, "edit", record):
        return record
    return records.update(entity, record.id, missing, user=user, version=record.version)


def _existing(entity: str, record_id: int, user: Any, field: str) -> RecordData:
    """The record chosen, which the lead's notes and files may join (not a blocked one); else an error at `field`."""
    try:
        record = records.get(entity, record_id, user=user)
    except RecordNotFound:
        raise ValidationFailed({field: [_("That record no longer exists, or you may not see it.")]}) from None
    access.check_not_blocked(user, entity, record)
    return record


def _account(lead: RecordData, choice: int | str, owner: Mapping[str, Any],
             user: Any) -> tuple[RecordData | None, bool]:
    """The account chosen (None for a private person) and whether it was made now."""
    country = {"billing_country": _country(lead, user)}
    if choice == NONE:
        return None, False
    if choice == NEW:
        name = lead["company"] or " ".join(filter(None, (lead["first_name"], lead["last_name"])))
        return records.create(ACCOUNT, _carried(lead, TO_ACCOUNT, ACCOUNT, {**country, **owner, "name": name}, user),
                              user=user), True
    account = _existing(ACCOUNT, int(choice), user, "account")
    return _fill(ACCOUNT, account, _carried(lead, TO_ACCOUNT, ACCOUNT, country, user), user), False


def _deal(wish: DealWish, account: RecordData | None, contact: RecordData, owner: Mapping[str, Any], lead: RecordData,
          user: Any) -> RecordData:
    """The deal, with the contact as its decision maker; its refusals name the fields as `deal.<field>`."""
    try:
        deal = records.create(Deal.__tablename__, {
            "name": wish.name or lead["company"] or lead["last_name"], "account_id": account.id if account else None,
            "pipeline_id": wish.pipeline_id, "stage_id": wish.stage_id, "amount": wish.amount,
            "close_date": wish.close_date, **owner, **_custom(Deal.__tablename__, lead)}, user=user)
    except ValidationFailed as exc:
        raise ValidationFailed({f"deal.{name}": messages for name, messages in exc.errors.items()}) from None
    records.create("sales_deal_contact", {"deal_id": deal.id, "contact_id": contact.id, "role": "decision_maker"},
                   user=user)
    return deal


def convert(lead_id: int, *, user: Any, choices: Choices = Choices()) -> Converted:
    """Convert the lead as `choices` say; what it became, the lead marked converted and linked to it all."""
    with records.atomic():
        lead = records.get(LEAD, lead_id, user=user)
        access.check(user, LEAD, "edit", lead)
        if lead["status"] == "converted":
            raise ConversionRefused(_("This lead was already converted."))
        owner = {"owner_id": lead["owner_id"]} if lead["owner_id"] else {}
        proposal = offer(lead, user) if None in (choices.contact, choices.account) else None
        contact_choice = proposal.contact if choices.contact is None else choices.contact
        existing = None if contact_choice == NEW else _existing(CONTACT, int(contact_choice), user, "contact")
        account_choice = choices.account
        if account_choice is None:
            account_choice = existing["account_id"] if existing is not None and existing["account_id"] else \
                proposal.account
        account, made_account = _account(lead, account_choice, owner, user)
        person = _carried(lead, TO_CONTACT, CONTACT, {"country": _country(lead, user), **owner,
                                                      "account_id": account.id if account else None}, user)
        if existing is None:
            contact = records.create(CONTACT, person, user=user)
        else:
            contact = _fill(CONTACT, existing, person, user)
        deal = _deal(choices.deal, account, contact, owner, lead, user) if choices.deal else None
        extras.move(LEAD, lead.id, CONTACT, contact.id, user, tags=False)
        extras.copy_tags(LEAD, lead.id, CONTACT, contact.id, user)
        if made_account:
            extras.copy_tags(LEAD, lead.id, ACCOUNT, account.id, user)
        lead = records.update(LEAD, lead_id, {
            "status": "converted", "converted_at": datetime.now(timezone.utc),
            "account_id": account.id if account else None, "contact_id": contact.id,
            "deal_id": deal.id if deal else None}, user=user, version=lead.version)
        call_hook("lead_converted", lead=lead, contact=contact, account=account, deal=deal, user=user)
    return Converted(lead, contact, account, deal)


def _choice(value: Any, words: tuple[str, ...], field: str, message: str, errors: dict[str, list[str]]) -> Any:
    """A choice as sent: None (the default), one of `words`, or a record id; else an error at `field`."""
    if value in (None, ""):
        return None
    if value in words:
        return value
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    if isinstance(value, str) and value.isdigit() and int(value) > 0:
        return int(value)
    errors[field] = [message]
    return None


def _deal_wish(raw: Any, errors: dict[str, list[str]]) -> DealWish | None:
    """The deal asked for: `{"stage_id", "name", "amount", "close_date"}`, or None for no deal."""
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        errors["deal"] = [_("Send the deal as an object with its stage_id, or null for no deal.")]
        return None
    stage_id = raw.get("stage_id")
    stage = stage_row(int(stage_id)) if isinstance(stage_id, (int, str)) and str(stage_id).isdigit() else None
    if stage is None:
        errors["deal.stage_id"] = [_("Choose the deal's pipeline and stage.")]
        return None
    name = raw.get("name") or ""
    if not isinstance(name, str):
        errors["deal.name"] = [_("Give the deal's name as text.")]
        return None
    return DealWish(name.strip(), stage.pipeline_id, stage.id, raw.get("amount"), raw.get("close_date"))


def read_choices(data: Mapping[str, Any]) -> Choices:
    """The choices of the conversion form or API body: `contact`, `account`, `deal`; ValidationFailed names bad ones.

    `contact` is "new" or a contact's id, `account` "new", "none" or an account's id (either left out: what the
    page preselects); `deal` an object with `stage_id` (and `name`, `amount`, `close_date`), or null.
    """
    unknown = sorted(set(data) - {"contact", "account", "deal"})
    errors: dict[str, list[str]] = {name: [_("Unknown field.")] for name in unknown}
    contact = _choice(data.get("contact"), (NEW,), "contact", _('Choose "new" or the id of a contact.'), errors)
    account = _choice(data.get("account"), (NEW, NONE), "account",
                      _('Choose "new", "none" or the id of an account.'), errors)
    deal = _deal_wish(data.get("deal"), errors)
    if errors:
        raise ValidationFailed(errors)
    return Choices(contact, account, deal)
