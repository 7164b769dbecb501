"""Hooks of a plugin that breaks the naming rule, for the loader's tests."""
from flask import Blueprint

from trato import NavItem, hookimpl

bp = Blueprint("someone_else", __name__, url_prefix="/someone-else")


@bp.route("/")
def index():
    return "should never be served"


@hookimpl
def blueprints():
    return [bp]


@hookimpl
def navigation(user):
    return [NavItem("someone_else.index", "Misnamed")]
