"""The quoting part's pages: send a quote or an invoice by email, share a quote's link (and revoke it), make
a new revision, and the customer's public quote page (no sign-in) with Accept and Reject."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from trato import PermissionRefused, RecordNotFound, SaveRefused, StaleRecord, ValidationFailed, access, \
    documents, pages, records

from . import links, revisions, sending
from .links import QUOTE, LinkRefused

bp = Blueprint("invoicing_quoting", __name__, url_prefix="/invoicing")


def _refusal_text(reason: str) -> tuple[str, str]:
    """The public page's title and explanation for a link that shows no quote or takes no answer."""
    texts = {
        "invalid": (_("This link does not work"), _("Check that the whole link was copied, or ask for a new one.")),
        "revoked": (_("This link was withdrawn"), _("Ask the sender for a new link.")),
        "expired": (_("This quote has expired"), _("Its validity date has passed. Ask the sender for a new one.")),
        "answered": (_("This quote was already answered"), _("Thank you: the answer was recorded before.")),
        "superseded": (_("There is a newer version of this quote"),
                       _("This version can no longer be accepted. Ask the sender for the link to the new one.")),
        "changed": (_("This quote changed while you read it"),
                    _("Nothing was recorded. Open the link again to read the current version.")),
    }
    return texts.get(reason, texts["invalid"])


def records_url(entity: str, record_id: int) -> str:
    return url_for("records.detail", entity=entity, record_id=record_id)


def _record_or_404(entity: str, record_id: int) -> Any:
    try:
        return records.get(entity, record_id, user=current_user)
    except RecordNotFound:
        abort(404)


# ---- sending by email -------------------------------------------------------------------------------------

@bp.route("/send/<entity>/<int:record_id>", methods=["GET", "POST"])
@login_required
def send(entity: str, record_id: int) -> Any:
    if entity not in sending.SENDABLE:
        abort(404)
    record = _record_or_404(entity, record_id)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        message = sending.Message(to=sending.addresses(request.form.get("to", "")),
                                  cc=sending.addresses(request.form.get("cc", "")),
                                  subject=request.form.get("subject", ""), body=request.form.get("body", ""))
        try:
            sending.send(entity, record_id, message, user=current_user,
                         answer_link=bool(request.form.get("answer_link")))
        except links.LinkRefused:
            errors = {"answer_link": [_("An answered quote cannot be shared again.")]}
        except ValidationFailed as exc:
            errors = exc.errors
        except (StaleRecord, SaveRefused, documents.DocumentError) as exc:
            errors = {"body": [str(exc)]}
        else:
            flash(_("The message is in the outbox; it will be sent in a moment."), "success")
            return redirect(records_url(entity, record_id))
        form = {"to": request.form.get("to", ""), "cc": request.form.get("cc", ""),
                "subject": message.subject, "body": message.body,
                "answer_link": bool(request.form.get("answer_link"))}
    else:
        drafted = sending.draft(entity, record, user=current_user)
        form = {"to": ", ".join(drafted.to), "cc": "", "subject": drafted.subject, "body": drafted.body,
                "answer_link": entity == QUOTE and record.get("status") in links.OPEN}
    title = records.entity(entity).title_of(record)
    return render_template("invoicing/quoting/send.html", entity=entity, record=record, title=title, form=form,
                           errors=errors, kept=documents.issued(entity, record_id) is not None,
                           can_link=entity == QUOTE and record.get("status") in links.OPEN
                           and access.allowed(current_user, QUOTE, "edit")), 422 if errors else 200


# ---- the quote's link and revisions -----------------------------------------------------------------------

@bp.post("/quotes/<int:quote_id>/share")
@login_required
def share(quote_id: int) -> Any:
    _record_or_404(QUOTE, quote_id)
    try:
        token = links.share(quote_id, user=current_user)
    except LinkRefused:
        flash(_("An answered quote cannot be shared again."), "error")
        return redirect(records_url(QUOTE, quote_id))
    except PermissionRefused:
        abort(403)
    except (StaleRecord, SaveRefused) as exc:
        flash(str(exc), "error")
        return redirect(records_url(QUOTE, quote_id))
    return render_template("invoicing/quoting/shared.html", quote=records.get(QUOTE, quote_id, user=current_user),
                           url=url_for("invoicing_quoting.public_quote", token=token, _external=True))


@bp.post("/quotes/<int:quote_id>/revoke")
@login_required
def revoke(quote_id: int) -> Any:
    _record_or_404(QUOTE, quote_id)
    try:
        count = links.revoke(quote_id, user=current_user)
    except PermissionRefused:
        abort(403)
    flash(_("Links withdrawn: %(count)d.", count=count), "success")
    return redirect(records_url(QUOTE, quote_id))


@bp.post("/quotes/<int:quote_id>/revision")
@login_required
def revision(quote_id: int) -> Any:
    _record_or_404(QUOTE, quote_id)
    try:
        made = revisions.new_revision(quote_id, user=current_user)
    except (PermissionRefused, ValidationFailed, SaveRefused) as exc:
        flash(str(exc), "error")
        return redirect(records_url(QUOTE, quote_id))
    flash(_("Revision %(n)s made; the earlier one is kept as it was.", n=made["revision"]), "success")
    return redirect(records_url(QUOTE, made.id))


# ---- the customer's public page ---------------------------------------------------------------------------

@bp.after_request
def _keep_private(response: Response) -> Response:
    """The public pages carry a customer's quote behind a secret URL: not kept by caches, not indexed."""
    if (request.endpoint or "").startswith("invoicing_quoting.public"):
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Robots-Tag"] = "noindex"
    return response


def _unavailable(exc: documents.DocumentError) -> tuple[str, int]:
    """The quote's document cannot be made (a template an administrator broke, say): nothing to show or
    answer."""
    return render_template("invoicing/quoting/public_refused.html", title=_("The quote cannot be shown now"),
                           text=str(exc)), 503


def _refused(exc: LinkRefused) -> tuple[str, int]:
    title, text = _refusal_text(exc.reason)
    status = 404 if exc.reason == "invalid" else 409 if exc.reason == "changed" else 410
    return render_template("invoicing/quoting/public_refused.html", title=title, text=text), status


@bp.get("/public/quote/<token>")
def public_quote(token: str) -> Any:
    try:
        opened = links.open_link(token)
    except LinkRefused as exc:
        return _refused(exc)
    try:
        html = links.document_html(opened.quote)
    except documents.DocumentError as exc:
        return _unavailable(exc)
    lines = records.lines(QUOTE, opened.quote.id, user=None).get(revisions.LINE, [])
    return render_template("invoicing/quoting/public.html", quote=opened.quote, lines=lines, token=token,
                           shown=links.fingerprint(html), errors={}, form={})


@bp.get("/public/quote/<token>/document")
def public_document(token: str) -> Any:
    try:
        opened = links.open_link(token)
    except LinkRefused as exc:
        return _refused(exc)
    try:
        return Response(links.document_html(opened.quote), mimetype="text/html")
    except documents.DocumentError as exc:
        return _unavailable(exc)


@bp.get("/public/quote/<token>/pdf")
def public_pdf(token: str) -> Any:
    try:
        opened = links.open_link(token)
    except LinkRefused as exc:
        return _refused(exc)
    try:
        pdf = documents.render_pdf(QUOTE, opened.quote.id, user=None)
    except documents.DocumentError as exc:
        return _unavailable(exc)
    name = f"{opened.quote.get('number') or opened.quote.id}.pdf"
    return Response(pdf, mimetype="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"'})


@pages.signed_form
@bp.post("/public/quote/<token>")
def public_answer(token: str) -> Any:
    form = request.form
    decision = {"accept": "accepted", "reject": "rejected"}.get(form.get("decision", ""))
    name, comment, shown = form.get("name", "").strip(), form.get("comment", ""), form.get("shown", "")
    if form.get("token") != token:
        return _refused(LinkRefused("invalid"))
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Type your name to answer.")
    elif len(name) > 200:
        errors["name"] = _("Use at most 200 characters.")
    if len(comment) > 5000:
        errors["comment"] = _("Use at most 5000 characters.")
    if decision is None:
        errors["decision"] = _("Choose Accept or Reject.")
    if errors:
        try:
            opened = links.open_link(token)
        except LinkRefused as exc:
            return _refused(exc)
        lines = records.lines(QUOTE, opened.quote.id, user=None).get(revisions.LINE, [])
        return render_template("invoicing/quoting/public.html", quote=opened.quote, lines=lines, token=token,
                               shown=shown, errors=errors, form=form), 422
    try:
        response = links.answer(token, decision=decision, name=name, comment=comment, shown_sha256=shown,
                                ip_address=request.remote_addr)
    except LinkRefused as exc:
        return _refused(exc)
    except documents.DocumentError as exc:
        return _unavailable(exc)
    return render_template("invoicing/quoting/public_done.html", response=response)
