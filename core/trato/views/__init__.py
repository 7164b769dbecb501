"""Generic pages for every entity (list, detail, form), and the pieces plugins reuse for their own pages."""
from .inputs import Input, inputs, submitted
from .listing import ListState
from .pages import bp
# The pages that add their routes to `bp`: list, mass actions, cells edited in place, saved views, kanban, calendar,
# relation pickers and records added from them, blocking.
from . import calendar, inline, kanban, list_page, mass, pickers, quick_create, saved  # noqa: E402,F401  isort: skip
from . import blocking_pages, dependent, layouts, link_picker, lines_grid  # noqa: E402,F401  isort: skip
from ..presentation import Presenter, Shown, visible_fields

__all__ = ["Input", "ListState", "Presenter", "Shown", "bp", "inputs", "submitted", "visible_fields"]
