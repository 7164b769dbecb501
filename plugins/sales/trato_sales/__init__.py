"""Sales: leads with scoring and assignment, deals in pipelines, forecasts and goals.

Builds on contacts (deals belong to accounts, leads become accounts and
contacts), so it declares `requires=["contacts"]`; contacts knows nothing
of sales and shows its deals only through the detail-panel hook.
"""
from flask_babel import lazy_gettext as _l

from trato import Plugin

plugin = Plugin(
    name="sales",
    label=_l("Sales"),
    hooks="trato_sales.hooks",
    hookspecs="trato_sales.hookspecs",
    core=">=0.1,<0.2",
    requires=("contacts",),
    description=_l("Leads, deals, pipelines with their kanban board, forecasts and sales goals."),
)
