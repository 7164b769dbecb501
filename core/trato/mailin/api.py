"""The HTTP door: `POST /api/v1/mail/in` takes one raw RFC 822 message (`Content-Type: message/rfc822`) with an
administrator's read-and-write API token, for a mail service's inbound webhook or a relay of one's own."""
from __future__ import annotations

from flask import Response, g, jsonify, request
from sqlalchemy import select

from .. import db
from ..api import bp
from ..api.problems import Problem
from ..i18n import _
from .intake import take
from .models import Mailbox
from .parse import NotAMessage

TYPES = ("message/rfc822", "application/octet-stream", "text/plain")


@bp.post("/mail/in")
def mail_in() -> Response:
    """201 with the message's id, status and the records it was logged on; 200 when it was taken in before."""
    if not g.api_user.is_admin:
        raise Problem(403, _("Forbidden"), _("Only administrators may deliver mail."), "admin-only",
                      {"Authorization": [_("The token's user is not an administrator.")]})
    if request.mimetype not in TYPES:
        raise Problem(415, _("Unsupported media type"), _("Send the message as message/rfc822."),
                      "unsupported-media-type", {"Content-Type": [_("Use message/rfc822.")]})
    box = None
    name = request.args.get("mailbox")
    if name:
        box = db.session().scalar(select(Mailbox).where(Mailbox.name == name))
        if box is None:
            raise Problem(422, _("Invalid values"), _("There is no mailbox called %(name)s.", name=name),
                          "validation-failed", {"mailbox": [_("There is no mailbox called %(name)s.", name=name)]})
    try:
        result = take(request.get_data(cache=False), "http", box)
    except NotAMessage:
        message = _("This is not an email message (RFC 822): it has no header.")
        raise Problem(422, _("Invalid values"), message, "validation-failed", {"body": [message]}) from None
    response = jsonify({"id": result.mail_id, "status": result.status, "duplicate": result.duplicate,
                        "records": [{"entity": e, "id": i} for e, i in result.targets]})
    response.status_code = 200 if result.duplicate else 201
    return response
