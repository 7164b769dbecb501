"""What a converted lead's other plugins do: note the call, and write a record in the conversion's transaction."""
from trato import hookimpl, records

CALLS: list[dict] = []


@hookimpl(optionalhook=True)
def lead_converted(lead, contact, account, deal, user):
    CALLS.append({"lead": lead.id, "status": lead["status"], "contact": contact.id,
                  "account": account.id if account else None, "deal": deal.id if deal else None,
                  "user": getattr(user, "id", None)})
    if contact["last_name"] == "Boom":
        raise RuntimeError("the follower failed")
    records.update("contacts_contact", contact.id, {"job_title": "Converted customer"}, user=None, version=None)
