"""The conversion page of a lead: pick the existing contact and account it is (or new ones), and maybe a deal.

The same choices as the API's (`conversion.read_choices`), read from the
form; what the page offers and preselects is `conversion.offer`.
"""
from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from trato_contacts.duplicates import Candidate
from trato_contacts.form_warning import reason_text
from werkzeug.datastructures import MultiDict

from trato import PermissionRefused, QueryError, RecordNotFound, SaveRefused, StaleRecord, ValidationFailed, \
    currencies, fields, records

from . import reports
from .conversion import CONTACT, LEAD, NEW, convert, offer, read_choices
from .views import _user, bp, pipelines


def reasons_of(candidate: Candidate) -> str:
    """Why a contact or account is offered, in words ("same email", "account of a contact found")."""
    return ", ".join(_("account of a contact found") if r == "contact" else reason_text(r) for r in candidate.reasons)


def _form_choices(form: MultiDict[str, str]) -> dict[str, Any]:
    """The form's fields as the choices `read_choices` reads."""
    deal = None
    if form.get("create_deal"):
        amount = fields.typed_number(form.get("amount", "").strip())  # "12.500,50" in Spanish
        currency = form.get("currency") or fields.company_currency()
        deal = {"name": form.get("deal_name", ""), "stage_id": form.get("stage_id", ""),
                "amount": {"amount": amount, "currency": currency} if amount else None,
                "close_date": form.get("close_date") or None}
    return {"contact": form.get("contact"), "account": form.get("account"), "deal": deal}


@bp.route("/leads/<int:lead_id>/convert", methods=["GET", "POST"])
@login_required
def convert_lead(lead_id: int) -> Any:
    user = _user()
    try:
        lead = records.get(LEAD, lead_id, user=user)
    except RecordNotFound:
        abort(404)
    error, errors = None, {}
    if request.method == "POST":
        try:
            done = convert(lead_id, user=user, choices=read_choices(_form_choices(request.form)))
        except ValidationFailed as exc:
            errors = {str(field): " ".join(fields.error_sentences(messages)) for field, messages in exc.errors.items()}
            error = _("The lead could not be converted: %(reason)s", reason="; ".join(errors.values()))
        except (SaveRefused, PermissionRefused, QueryError) as exc:
            error = str(exc)
        except StaleRecord:
            error = _("Someone else changed this lead meanwhile; look at it again before converting it.")
        except RecordNotFound:
            abort(404)
        else:
            flash(_("%(name)s was converted.", name=lead["last_name"]), "success")
            return redirect(url_for("records.detail", entity=CONTACT, record_id=done.contact.id))
    proposal = offer(lead, user) if lead["status"] != "converted" else None
    chosen = {"contact": request.form.get("contact") or (proposal and str(proposal.contact)) or NEW,
              "account": request.form.get("account") or (proposal and str(proposal.account)) or NEW}
    return render_template("sales/convert.html", lead=lead, offer=proposal, chosen=chosen, reasons_of=reasons_of,
                           pipelines=pipelines(), stages={p.id: reports.stages(p.id) for p in pipelines()},
                           error=error, errors=errors, form=request.form,
                           currency_codes=currencies.current_codes()), 422 if error else 200
