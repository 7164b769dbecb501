"""How VeriFactu plugs into Trato and into invoicing: one function per hook (see Trato's docs/hooks.md and
invoicing's hookspecs.py)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, url_for
from flask_babel import lazy_gettext as _l

from trato import ApiAction, Fragment, NavItem, RecordData, TaskRegistry, access, crontab, hookimpl

from . import cancelling, chain, cli, qr, submission
from .views import CANCEL, CHECK, bp


@hookimpl(optionalhook=True)
def invoice_issued(invoice: RecordData, user: Any) -> None:
    """The invoice's RegistroAlta, appended to its issuer's chain inside the issuing transaction (a refusal,
    such as a company without a tax id, refuses the issue)."""
    chain.append_alta(invoice)


@hookimpl
def blueprints() -> list[Blueprint]:
    return [bp]


@hookimpl
def permissions() -> list[access.Permission]:
    return [access.Permission(CHECK, _l("Check the VeriFactu chains"),
                              _l("See the VeriFactu chains and check them for breaks.")),
            access.Permission(CANCEL, _l("Cancel VeriFactu records"),
                              _l("Record the cancellation (anulación) of an issued invoice's billing record."))]


@hookimpl
def navigation(user: Any) -> list[NavItem]:
    """The chains' page, under Administration, for who may check them."""
    if not access.granted(user, CHECK):
        return []
    return [NavItem("verifactu.chains", _l("VeriFactu records"), priority=90, icon="link",
                    group=_l("Administration"))]


@hookimpl
def page_slot(slot: str, entity: str | None, record: Any, user: Any) -> list[Fragment]:
    """A "Cancel VeriFactu record" button on an issued invoice whose record is not cancelled yet."""
    if slot != "record_header" or entity != cancelling.INVOICE or record is None:
        return []
    if record["status"] != "issued" or not access.granted(user, CANCEL) or not chain.cancellable(record["id"]):
        return []
    label = _l("Cancel VeriFactu record")
    return [Fragment(label, "verifactu/cancel_button.html",
                     {"action": url_for("verifactu.cancel", invoice_id=record["id"]), "label": label},
                     priority=90)]


def _cancel_action(record_id: int, body: Any, user: Any) -> dict[str, Any]:
    made = cancelling.cancel(record_id, user=user)
    return {"record_id": made.id, "kind": made.kind, "invoice_id": made.invoice_id, "number": made.number,
            "fingerprint": made.fingerprint, "previous_fingerprint": made.previous_fingerprint,
            "generated_at": made.generated_at}


@hookimpl
def api_actions() -> list[ApiAction]:
    return [ApiAction(cancelling.INVOICE, "verifactu_cancel", _cancel_action, status=201,
                      summary=_l("Record the cancellation of the invoice's VeriFactu billing record"))]


@hookimpl(trylast=True)
def document_context(entity: str, record: RecordData | None, context: dict[str, Any], user: Any) -> None:
    """The QR code and the legend, appended to invoicing's `fiscal_marks` (after invoicing made the list)."""
    marks = context.get("invoicing", {}).get("fiscal_marks") if entity == cancelling.INVOICE else None
    if marks is None:
        return
    found = qr.mark(None if record is None else record.id)
    if found is not None:
        marks.append(found)


@hookimpl
def cli_commands() -> list[Any]:
    return [cli.check_command]


@hookimpl
def register_tasks(tasks: TaskRegistry) -> None:
    """Every minute, each issuer's waiting records go to AEAT as flow control allows (submission.py)."""
    tasks.periodic("submit", submission.submit_pending, crontab(minute="*"))
