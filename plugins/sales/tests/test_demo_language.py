"""The demo is in the install's language throughout: `trato init --demo` on a Spanish install (no --locale) makes
the first pipeline, its stages, the lost reasons, the deals and the scoring rules in Spanish."""
from __future__ import annotations

from trato_contacts import plugin as contacts_plugin
from trato_sales import plugin as sales_plugin

from trato import records
from trato.cli.misc import init

ENGLISH = {"Sales", "Prospecting", "Proposal", "Won", "Lost", "Price", "No budget", "Fleet electrification study",
           "Company cars for consultants", "Van fleet 2027", "Web form", "Email opened"}


def _names(entity: str) -> set[str]:
    return {r["name"] for r in records.query(entity, user=None).page(limit=100).items}


def test_init_with_the_demo_on_a_spanish_install_speaks_spanish_throughout(make_app):
    app = make_app(extra_plugins={"contacts": contacts_plugin, "sales": sales_plugin}, default_locale="es")
    with app.app_context():
        runner = app.test_cli_runner()
        result = runner.invoke(init, ["--demo", "--admin-password", "una-clave-larga"])
        assert result.exit_code == 0, result.output
    with app.app_context():
        shown = set().union(*(_names(e) for e in ("sales_pipeline", "sales_stage", "sales_lost_reason",
                                                  "sales_deal", "sales_score_rule")))
    assert "Ventas" in shown and "Propuesta" in shown and "Precio" in shown
    assert "Estudio de electrificación de la flota" in shown and "Formulario web" in shown
    assert not shown & ENGLISH
