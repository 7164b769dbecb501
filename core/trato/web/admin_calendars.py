"""The calendars admin: working calendars, their hours per weekday, seasons (summer hours) and holidays.

Views hang on the admin blueprint (URLs under /admin/calendars, endpoints
`admin.calendar*`). Changes go through `trato.calendars.service`, which
checks them; a refusal is shown at its input with status 422 and nothing
is written.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Callable

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from wtforms import BooleanField, DateField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from .. import db
from ..calendars import CalendarError
from ..calendars import service as calendars
from ..calendars.holidays import EASTER_EXTRAS, spain_years
from ..calendars.hours import format_day, parse_day, week_of
from ..calendars.models import Calendar, CalendarSeason, Holiday
from ..calendars.schedule import Week
from ..i18n import _, _l
from .admin import admin_required, bp
from .admin_roles import PostForm, button_errors, show_refusal

WEEKDAYS = (_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"), _l("Saturday"),
            _l("Sunday"))
DAYS = tuple(f"day{n}" for n in range(7))
OFFICE_HOURS = "09:00-14:00, 15:00-18:00"
KINDS = (("national", _l("National")), ("regional", _l("Regional")), ("local", _l("Local")))
# An .ics file of holidays is small; a bigger upload is a mistake, refused before it is parsed.
ICS_LIMIT = 2 * 1024 * 1024
# Repeating events of an .ics file are expanded up to the end of this many years after the current one.
ICS_YEARS_AHEAD = 5


class _Week(FlaskForm):
    """Seven inputs of working hours, Monday first, each as "09:00-14:00, 15:00-18:00" (empty: a day off)."""

    day0 = StringField(WEEKDAYS[0], validators=[Length(max=200)])
    day1 = StringField(WEEKDAYS[1], validators=[Length(max=200)])
    day2 = StringField(WEEKDAYS[2], validators=[Length(max=200)])
    day3 = StringField(WEEKDAYS[3], validators=[Length(max=200)])
    day4 = StringField(WEEKDAYS[4], validators=[Length(max=200)])
    day5 = StringField(WEEKDAYS[5], validators=[Length(max=200)])
    day6 = StringField(WEEKDAYS[6], validators=[Length(max=200)])

    def week(self) -> Week:
        return tuple(parse_day(self[name].data or "", name) for name in DAYS)

    def fill(self, week: Week) -> None:
        for name, day in zip(DAYS, week):
            self[name].data = format_day(day)


class CalendarForm(_Week):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    time_zone = SelectField(_l("Time zone"), default="Europe/Madrid")
    is_default = BooleanField(_l("The default calendar"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.time_zone.choices = [SelectChoice(z) for z in calendars.zone_names()]


class SeasonForm(_Week):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    start = StringField(_l("From (MM-DD)"), validators=[DataRequired(), Length(max=5)])
    end = StringField(_l("To (MM-DD)"), validators=[DataRequired(), Length(max=5)])


class HolidayForm(FlaskForm):
    day = DateField(_l("Date"), validators=[DataRequired()])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k, label) for k, label in KINDS], default="local")


class SpainForm(FlaskForm):
    year = SelectField(_l("Year"))
    maundy_thursday = BooleanField(_l("Also Maundy Thursday (regional)"))
    easter_monday = BooleanField(_l("Also Easter Monday (regional)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        years = spain_years()
        self.year.choices = [SelectChoice(str(y)) for y in years]
        if self.year.data is None:
            self.year.data = str(min(max(date.today().year, years.start), years.stop - 1))


class IcsForm(FlaskForm):
    file = FileField(_l("iCalendar file (.ics)"))
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k, label) for k, label in KINDS], default="local",
                       validators=[Optional()])


def _status() -> int:
    return 422 if request.method == "POST" else 200


def _calendar_or_404(calendar_id: int) -> Calendar:
    calendar = db.session().get(Calendar, calendar_id)
    if calendar is None:
        abort(404)
    return calendar


def _saved(form: FlaskForm, change: Callable[[Session], Any]) -> bool:
    """Make a calendar change and commit it; a refusal rolls it back and shows at the form (False)."""
    if not form.validate_on_submit():
        return False
    dbs = db.session()
    try:
        change(dbs)
        dbs.commit()
    except CalendarError as exc:
        dbs.rollback()
        show_refusal(form, exc)  # type: ignore[arg-type]
        return False
    return True


def _new_calendar_form(formdata: Any = None) -> CalendarForm:
    form = CalendarForm(formdata=formdata, prefix="calendar")
    if formdata is None:
        form.fill(((parse_day(OFFICE_HOURS, "day0"),) * 5) + ((), ()))
    return form


@bp.route("/calendars", methods=["GET", "POST"])
@admin_required
def calendars_list() -> Any:
    """The calendars, and a form to create one (office hours Monday to Friday to begin with)."""
    form = _new_calendar_form(request.form if request.method == "POST" else None)
    made: list[Calendar] = []
    if _saved(form, lambda dbs: made.append(calendars.save_calendar(
            dbs, None, form.name.data or "", form.time_zone.data or "", form.week(), form.is_default.data))):
        flash(_("The calendar %(name)s was created. Add its holidays now.", name=made[0].name), "success")
        return redirect(url_for("admin.calendar", calendar_id=made[0].id))
    dbs = db.session()
    counts = dict(dbs.execute(select(Holiday.calendar_id, func.count()).group_by(Holiday.calendar_id)).all())
    rows = [(c, counts.get(c.id, 0)) for c in dbs.scalars(select(Calendar).order_by(Calendar.name))]
    return render_template("admin/calendars/list.html", rows=rows, form=form), _status()


def _year() -> int:
    text = request.args.get("year", "")
    return int(text) if text.isdigit() and 1900 <= int(text) <= 2200 else date.today().year


def _calendar_page(calendar: Calendar, **forms: Any) -> Any:
    """The calendar page; `forms` are the ones a refused POST brings back with their errors."""
    dbs = db.session()
    if "form" not in forms:
        form = forms["form"] = CalendarForm(formdata=None, prefix="calendar", name=calendar.name,
                                            time_zone=calendar.time_zone, is_default=calendar.is_default)
        form.fill(week_of(calendar.week))
    year = _year()
    holidays = list(dbs.scalars(select(Holiday).where(
        Holiday.calendar_id == calendar.id, Holiday.day >= date(year, 1, 1), Holiday.day <= date(year, 12, 31))
        .order_by(Holiday.day)))
    years = sorted({year, *(d.year for d in dbs.scalars(
        select(Holiday.day).where(Holiday.calendar_id == calendar.id)))})
    seasons = [(s, week_of(s.week)) for s in dbs.scalars(
        select(CalendarSeason).where(CalendarSeason.calendar_id == calendar.id).order_by(CalendarSeason.start))]
    return render_template(
        "admin/calendars/calendar.html", calendar=calendar, year=year, years=years, holidays=holidays,
        seasons=seasons, weekdays=WEEKDAYS, kinds=dict(KINDS), format_day=format_day,
        season_form=forms.get("season_form") or SeasonForm(formdata=None, prefix="season"),
        holiday_form=forms.get("holiday_form") or HolidayForm(formdata=None, prefix="holiday"),
        spain_form=forms.get("spain_form") or SpainForm(formdata=None, prefix="spain"),
        ics_form=forms.get("ics_form") or IcsForm(formdata=None, prefix="ics"),
        form=forms["form"], errors=forms.get("errors", [])), _status()


@bp.route("/calendars/<int:calendar_id>", methods=["GET", "POST"])
@admin_required
def calendar(calendar_id: int) -> Any:
    """The calendar page; a POST saves its name, zone, default mark and hours."""
    cal = _calendar_or_404(calendar_id)
    form = CalendarForm(prefix="calendar")
    if request.method == "POST" and _saved(form, lambda dbs: calendars.save_calendar(
            dbs, cal, form.name.data or "", form.time_zone.data or "", form.week(), form.is_default.data)):
        flash(_("The calendar %(name)s was saved.", name=cal.name), "success")
        return redirect(url_for("admin.calendar", calendar_id=cal.id))
    return _calendar_page(_calendar_or_404(calendar_id), **({"form": form} if request.method == "POST" else {}))


@bp.post("/calendars/<int:calendar_id>/seasons")
@admin_required
def calendar_add_season(calendar_id: int) -> Any:
    cal = _calendar_or_404(calendar_id)
    form = SeasonForm(prefix="season")
    if _saved(form, lambda dbs: calendars.add_season(dbs, cal, form.name.data or "", form.start.data or "",
                                                      form.end.data or "", form.week())):
        flash(_("The season %(name)s was added.", name=form.name.data), "success")
        return redirect(url_for("admin.calendar", calendar_id=cal.id))
    return _calendar_page(_calendar_or_404(calendar_id), season_form=form)


def _removed(calendar_id: int, remove: Callable[[Any, Any], Any], done: str, **back: Any) -> Any:
    """A remove button's answer: `remove(session, calendar)` done, said and back to the calendar, or refused."""
    cal = _calendar_or_404(calendar_id)
    form = PostForm()
    if _saved(form, lambda dbs: remove(dbs, cal)):
        flash(done, "success")
        return redirect(url_for("admin.calendar", calendar_id=cal.id, **back))
    return _calendar_page(_calendar_or_404(calendar_id), errors=button_errors(form))


@bp.post("/calendars/<int:calendar_id>/seasons/<int:season_id>/remove")
@admin_required
def calendar_remove_season(calendar_id: int, season_id: int) -> Any:
    return _removed(calendar_id, lambda dbs, cal: calendars.remove_season(dbs, cal, season_id),
                    _("The season was removed."))


@bp.post("/calendars/<int:calendar_id>/holidays")
@admin_required
def calendar_add_holiday(calendar_id: int) -> Any:
    cal = _calendar_or_404(calendar_id)
    form = HolidayForm(prefix="holiday")
    if _saved(form, lambda dbs: calendars.add_holiday(dbs, cal, form.day.data, form.name.data or "",
                                                       form.kind.data or "")):
        flash(_("The holiday %(name)s was added.", name=form.name.data), "success")
        return redirect(url_for("admin.calendar", calendar_id=cal.id, year=form.day.data.year))
    return _calendar_page(_calendar_or_404(calendar_id), holiday_form=form)


@bp.post("/calendars/<int:calendar_id>/holidays/<int:holiday_id>/remove")
@admin_required
def calendar_remove_holiday(calendar_id: int, holiday_id: int) -> Any:
    return _removed(calendar_id, lambda dbs, cal: calendars.remove_holiday(dbs, cal, holiday_id),
                    _("The holiday was removed."), year=_year())


def _added(added: int, there: int) -> str:
    return _("Holidays added: %(added)s; dates that already had one: %(there)s.", added=added, there=there)


@bp.post("/calendars/<int:calendar_id>/spain")
@admin_required
def calendar_load_spain(calendar_id: int) -> Any:
    cal = _calendar_or_404(calendar_id)
    form = SpainForm(prefix="spain")
    counts: list[tuple[int, int]] = []
    extras = tuple(name for name in EASTER_EXTRAS if form[name].data)
    year = int(form.year.data) if (form.year.data or "").isdigit() else 0
    if _saved(form, lambda dbs: counts.append(calendars.load_spain(dbs, cal, year, extras, str(get_locale())))):
        flash(_added(*counts[0]), "success")
        return redirect(url_for("admin.calendar", calendar_id=cal.id, year=year))
    return _calendar_page(_calendar_or_404(calendar_id), spain_form=form)


@bp.post("/calendars/<int:calendar_id>/ics")
@admin_required
def calendar_import_ics(calendar_id: int) -> Any:
    cal = _calendar_or_404(calendar_id)
    form = IcsForm(prefix="ics")
    counts: list[tuple[int, int, int]] = []
    until = date(date.today().year + ICS_YEARS_AHEAD, 12, 31)

    def load(dbs: Session) -> None:
        sent = request.files.get("ics-file")
        content = sent.read(ICS_LIMIT + 1) if sent else b""
        if not content:
            raise CalendarError(_("Choose an .ics file."), "file")
        if len(content) > ICS_LIMIT:
            raise CalendarError(_("This file is too large for a calendar of holidays (2 MB at most)."), "file")
        counts.append(calendars.import_ics(dbs, cal, content, form.kind.data or "", until))

    if _saved(form, load):
        added, there, timed = counts[0]
        flash(_added(added, there) + (" " + _("Events with a time of day left out: %(n)s.", n=timed)
                                      if timed else ""), "success")
        return redirect(url_for("admin.calendar", calendar_id=cal.id))
    return _calendar_page(_calendar_or_404(calendar_id), ics_form=form)


@bp.post("/calendars/<int:calendar_id>/delete")
@admin_required
def calendar_delete(calendar_id: int) -> Any:
    cal = _calendar_or_404(calendar_id)
    form = PostForm()
    name = cal.name
    if _saved(form, lambda dbs: calendars.delete_calendar(dbs, cal)):
        flash(_("The calendar %(name)s was deleted.", name=name), "success")
        return redirect(url_for("admin.calendars_list"))
    return _calendar_page(_calendar_or_404(calendar_id), errors=button_errors(form))
