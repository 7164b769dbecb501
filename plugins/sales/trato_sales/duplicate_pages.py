"""The list of duplicate leads, and merging the groups ticked on it in one go."""
from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from trato_contacts.merge import MergeRefused

from trato import PermissionRefused, RecordNotFound, StaleRecord, ValidationFailed, access
from trato_contacts import duplicates

from . import lead_duplicates
from .views import _user, bp

LEAD = lead_duplicates.LEAD


@bp.get("/leads/duplicates")
@login_required
def lead_duplicates_page() -> Any:
    user = _user()
    access.check(user, LEAD, "view")
    groups, after = lead_duplicates.groups(user, request.args.get("after", 0, type=int))
    return render_template("sales/lead_duplicates.html", groups=groups, after=after,
                           title_of=lambda r: duplicates.title(LEAD, r),
                           can_merge=access.allowed(user, LEAD, "edit") and access.allowed(user, LEAD, "delete"))


def _ids(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip().isdigit()]


@bp.post("/leads/duplicates/merge")
@login_required
def merge_lead_groups() -> Any:
    """Merge each ticked group into its oldest lead; a group that fails is left whole and said why."""
    user = _user()
    merged, problems = 0, []
    for group in request.form.getlist("group"):
        try:
            done = lead_duplicates.merge_group(_ids(group), user)
        except (MergeRefused, PermissionRefused, ValidationFailed) as exc:
            problems.append(str(exc))
        except (RecordNotFound, StaleRecord):
            problems.append(_("Leads %(ids)s changed or went away meanwhile; that group was not merged.", ids=group))
        else:
            merged += done.merged
    if merged:
        flash(_("%(count)s leads were merged into the oldest of their group; they are in the recycle bin.",
                count=merged), "success")
    for problem in problems:
        flash(problem, "error")
    if not merged and not problems:
        flash(_("Tick the groups to merge."), "error")
    return redirect(url_for("sales.lead_duplicates_page"))
