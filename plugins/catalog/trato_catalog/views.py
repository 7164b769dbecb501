"""The catalog's blueprint: its templates (the images panel); its entities' pages are the core's generic ones."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("catalog", __name__, url_prefix="/catalog", template_folder="templates")
