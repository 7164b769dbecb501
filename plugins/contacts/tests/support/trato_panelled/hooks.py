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
