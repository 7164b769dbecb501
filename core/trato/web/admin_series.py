"""The numbering series admin: every series with the number it gives next, creating and editing one.

Views hang on the admin blueprint (URLs under /admin/series, endpoints
`admin.series*`). Changes go through `trato.numbering`, which checks them
(a pattern with {seq}, a next number above the highest issued) and refuses
with the input concerned; the refusal shows there, with status 422. The
preview under the form follows what is typed (htmx), and is drawn by the
server on every page too, so the page works without scripts.
"""
from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from .. import companies, numbering
from ..i18n import _, _l
from .admin import admin_required, bp
from .admin_roles import show_refusal

INSTALL_WIDE = ""


class SeriesForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=numbering.MAX_CODE)],
                       description=_l("How plugins ask for it, such as invoice; it cannot change later."))
    label = StringField(_l("Label"), validators=[Optional(), Length(max=200)])
    pattern = StringField(_l("Pattern"), validators=[DataRequired(), Length(max=numbering.MAX_PATTERN)],
                          description=_l("{seq} is the number ({seq:05} pads it to 5 digits); {year}, {yy} and {fy} "
                                         "are the year, its last two digits and the fiscal year."))
    company = SelectField(_l("Company"), validate_choice=False)
    reset_yearly = BooleanField(_l("Restart at 1 every fiscal year"))
    next_number = IntegerField(_l("Next number"), validators=[InputRequired(), NumberRange(min=1)],
                               description=_l("It can only move forward: a number once issued is never reused."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.company.choices = [(INSTALL_WIDE, _("Every company (install-wide)")),
                                *((str(c.id), c.name) for c in companies.all_companies())]

    def company_id(self) -> int | None:
        text = (self.company.data or "").strip()
        if not text.isdigit():
            return None
        return int(text)


def _status() -> int:
    return 422 if request.method == "POST" else 200


def _series_or_404(series_id: int) -> numbering.SeriesInfo:
    try:
        return numbering.get_series(series_id)
    except numbering.UnknownSeries:
        abort(404)


def _preview(form: SeriesForm, series: numbering.SeriesInfo | None) -> tuple[str, str]:
    """The number the form's values would give next, or why they give none."""
    sequence = form.next_number.data if isinstance(form.next_number.data, int) else None
    if sequence is None or sequence < 1:
        sequence = series.next_number if series else 1
    try:
        return numbering.sample(form.pattern.data or "", sequence, reset_yearly=bool(form.reset_yearly.data),
                                company=form.company_id()), ""
    except numbering.NumberingError as exc:
        return "", str(exc)


def _page(template: str, form: SeriesForm, series: numbering.SeriesInfo | None = None, **more: Any) -> Any:
    shown, problem = _preview(form, series)
    return render_template(template, form=form, series=series, preview=shown, preview_problem=problem,
                           company_names={c.id: c.name for c in companies.all_companies()}, **more), _status()


def _rows() -> list[tuple[numbering.SeriesInfo, str]]:
    """Every series with the text of its next number today."""
    return [(s, numbering.sample(s.pattern, s.next_number, reset_yearly=s.reset_yearly, company=s.company_id))
            for s in numbering.all_series()]


@bp.route("/series", methods=["GET", "POST"])
@admin_required
def series_list() -> Any:
    form = SeriesForm(prefix="series", data={"next_number": 1})
    if form.validate_on_submit():
        try:
            made = numbering.create_series(
                form.code.data or "", form.pattern.data or "", label=form.label.data or "",
                reset_yearly=bool(form.reset_yearly.data), company=form.company_id(),
                next_number=form.next_number.data or 1)
        except numbering.NumberingError as exc:
            show_refusal(form, exc)  # type: ignore[arg-type]  # a refusal naming its input, as RoleAdminError is
        else:
            flash(_("The series %(code)s was created.", code=made.code), "success")
            return redirect(url_for("admin.series_list"))
    return _page("admin/series/list.html", form, rows=_rows())


@bp.route("/series/<int:series_id>", methods=["GET", "POST"])
@admin_required
def series_edit(series_id: int) -> Any:
    series = _series_or_404(series_id)
    form = SeriesForm(prefix="series", data={
        "code": series.code, "label": series.label, "pattern": series.pattern, "reset_yearly": series.reset_yearly,
        "company": INSTALL_WIDE if series.company_id is None else str(series.company_id),
        "next_number": series.next_number})
    form.code.validators = [Optional()]  # the code stays as it is: the page shows it, the form does not send it
    if form.validate_on_submit():
        changes: dict[str, Any] = {"label": form.label.data or "", "pattern": form.pattern.data or "",
                                   "reset_yearly": bool(form.reset_yearly.data), "company": form.company_id()}
        if form.next_number.data != series.next_number:
            changes["next_number"] = form.next_number.data
        try:
            saved = numbering.update_series(series.id, changes)
        except numbering.NumberingError as exc:
            show_refusal(form, exc)  # type: ignore[arg-type]
        else:
            flash(_("The series %(code)s was saved.", code=saved.code), "success")
            return redirect(url_for("admin.series_list"))
    return _page("admin/series/edit.html", form, series)


@bp.get("/series/preview")
@admin_required
def series_preview() -> Any:
    """The live preview: the number the values typed so far would give next (`series_id` when editing one)."""
    form = SeriesForm(request.args, prefix="series", meta={"csrf": False})
    series_id = request.args.get("series_id", "")
    series = _series_or_404(int(series_id)) if series_id.isdigit() else None
    shown, problem = _preview(form, series)
    return render_template("admin/series/_preview.html", preview=shown, preview_problem=problem)
