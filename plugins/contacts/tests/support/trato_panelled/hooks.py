from flask import Blueprint

from trato import Fragment, hookimpl

bp = Blueprint("panelled", __name__, url_prefix="/panelled", template_folder="templates")


@hookimpl
def blueprints():
    return [bp]


@hookimpl
def detail_panels(entity, record, user):
    if entity != "contacts_account":
        return []
    return [Fragment("Open deals", "panelled/panel.html", {"name": record["name"]})]


@hookimpl(optionalhook=True)
def personal_data(contact, user):
    """What a deals plugin holds on a person, for contacts' data export."""
    return {"deals": [{"name": f"Renewal for {contact['last_name']}", "role": "decision maker"}]}


ERASED: list[tuple[int, str]] = []  # the people erased, as the hook saw them
REFUSE = False  # set by a test: the hook fails, and the erasure with it


@hookimpl(optionalhook=True)
def erase_personal_data(contact, user):
    """What a deals plugin does when a person is erased: forget them (here, say whom it was asked about)."""
    if REFUSE:
        raise RuntimeError("the deals could not be anonymised")
    ERASED.append((contact.id, contact["last_name"]))
