"""The versions page: the core's and each plugin's version, the migrations waiting for `trato upgrade`, and how
the latest upgrades ended (upgrade.history). It reads only; upgrades run from the command line.

Views hang on the admin blueprint (URL /admin/versions, endpoint `admin.versions`).
"""
from __future__ import annotations

from typing import Any

from flask import current_app, render_template

from .. import migrate
from ..app import CORE_VERSION
from ..errors import MigrationError
from ..upgrade import history, incompatible_plugins
from .admin import admin_required, bp


@bp.get("/versions")
@admin_required
def versions() -> Any:
    st = current_app.extensions["trato"]
    refused = ""
    with st.engine.connect() as conn:
        try:
            pending = migrate.pending(conn, st.plugins.records, st.plugins.enabled_in_order())
        except MigrationError as exc:  # the database is at a revision no installed package provides
            pending, refused = [], str(exc)
    records = sorted(st.plugins.records.values(), key=lambda r: r.name)
    return render_template("admin/versions.html", core_version=CORE_VERSION, backend=st.engine.dialect.name,
                           records=records, host=st.plugins, pending=pending, refused=refused,
                           incompatible=incompatible_plugins(st, CORE_VERSION), upgrades=history(st))
