"""`trato verifactu check`: walk every chain, print each break, exit 1 when there is one."""
from __future__ import annotations

import click
from flask_babel import gettext as _
from flask_babel import ngettext

from . import check


@click.command("check", help="Walk every VeriFactu chain and report any break (exit code 1 on a break).")
def check_command() -> None:
    reports = check.check_all()
    broken = False
    for report in reports:
        if report.intact:
            click.echo(ngettext("Chain %(issuer)s is intact: %(num)d record.",
                                "Chain %(issuer)s is intact: %(num)d records.", report.records,
                                issuer=report.issuer_tax_id))
            continue
        broken = True
        for fault in report.breaks:
            where = _("record %(id)s (%(number)s)", id=fault.record_id, number=fault.number) \
                if fault.record_id is not None else _("head")
            click.echo(_("Chain %(issuer)s, %(where)s: %(problem)s", issuer=fault.issuer_tax_id, where=where,
                         problem=fault.problem))
    if not reports:
        click.echo(_("There are no chains to check."))
    if broken:
        raise SystemExit(1)
