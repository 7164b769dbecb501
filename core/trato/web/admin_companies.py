"""Administration → Companies and Exchange rates: the legal entities, their settings and logos, and rates by date.

Views hang on the admin blueprint (URLs under /admin/companies and
/admin/exchange-rates). Changes go through `trato.companies.admin` and
`trato.currencies`; a refusal is shown at its input with status 422 and
changes nothing.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from babel import Locale
from babel.dates import get_month_names
from babel.localedata import locale_identifiers
from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import select
from wtforms import DateField, DecimalField, SelectField, StringField
from wtforms.validators import URL, DataRequired, InputRequired, Length, Optional, Regexp

from .. import companies, currencies, db
from ..companies import admin as service
from ..companies.models import Company, ExchangeRate
from ..currencies import RateFileError
from ..i18n import _, _l
from .admin import admin_required, bp

# How many of the newest rates the exchange-rate screen lists.
RATES_SHOWN = 200
RATE_NEEDED = _l("Enter a positive number, such as 1.0832.")


class CompanyForm(FlaskForm):
    legal_name = StringField(_l("Legal name"), validators=[DataRequired(), Length(max=200)])
    trade_name = StringField(_l("Trade name"), validators=[Optional(), Length(max=200)])
    tax_id = StringField(_l("Tax id"), validators=[Optional(), Length(max=32)],
                         description=_l("Checked for the country: NIF, CIF or NIE in Spain, a VAT number in the EU."))
    country = SelectField(_l("Country"), validators=[DataRequired()])
    address_line1 = StringField(_l("Address"), validators=[Optional(), Length(max=200)])
    address_line2 = StringField(_l("Address (second line)"), validators=[Optional(), Length(max=200)])
    postal_code = StringField(_l("Postal code"), validators=[Optional(), Length(max=20)])
    city = StringField(_l("City"), validators=[Optional(), Length(max=100)])
    province = StringField(_l("Province or state"), validators=[Optional(), Length(max=100)])
    email = StringField(_l("Email"), validators=[Optional(), Length(max=254),
                                                 Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                                                        message=_l("Enter a valid email address."))])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=50)])
    website = StringField(_l("Website"), validators=[Optional(), Length(max=200), URL(
        message=_l("Enter a web address starting with http:// or https://."))])
    base_currency = SelectField(_l("Base currency"), validators=[DataRequired()],
                                description=_l("Reports total amounts in other currencies in this one."))
    fiscal_year_start_month = SelectField(_l("Fiscal year starts in"), coerce=int, validators=[DataRequired()])
    locale = SelectField(_l("Formats of dates and numbers"), validators=[Optional()])
    logo = FileField(_l("Logo"), description=_l("A PNG, JPEG or GIF image of at most 1 MB, for letterheads."))

    def __init__(self, company: Company | None, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = str(get_locale() or "en")
        shown = Locale.parse(language)
        self.country.choices = sorted(((code, name) for code, name in shown.territories.items()
                                       if len(code) == 2 and code.isalpha() and code != "ZZ"),
                                      key=lambda choice: choice[1].casefold())
        first = company.base_currency if company is not None and company.base_currency else None
        self.base_currency.choices = [(code, code) for code in currencies.current_codes(first)]
        months = month_names()
        self.fiscal_year_start_month.choices = [(number, months[number]) for number in range(1, 13)]
        self.locale.choices = [("", str(_l("The install's default"))), *locale_choices(shown)]


def month_names() -> dict[int, str]:
    """January..December in the reader's language, capitalised as a list shows them."""
    return {number: name.capitalize()
            for number, name in get_month_names("wide", context="stand-alone",
                                                locale=str(get_locale() or "en")).items()}


def locale_choices(shown: Locale) -> list[tuple[str, str]]:
    """The locales with a country (es_ES, en_GB...), named in the reader's language."""
    made = []
    for identifier in locale_identifiers():
        parts = identifier.split("_")
        if len(parts) == 2 and len(parts[1]) == 2:
            made.append((identifier, Locale.parse(identifier).get_display_name(shown) or identifier))
    return sorted(made, key=lambda choice: choice[1].casefold())


class RateForm(FlaskForm):
    rate_date = DateField(_l("Date"), validators=[DataRequired(message=_l("Enter a date as YYYY-MM-DD."))])
    from_currency = SelectField(_l("From currency"), validators=[DataRequired()])
    to_currency = SelectField(_l("To currency"), validators=[DataRequired()])
    rate = DecimalField(_l("Rate"), places=None, validators=[InputRequired(message=RATE_NEEDED)],
                        description=_l("How many units of the second currency one unit of the first buys."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        codes = [(code, code) for code in currencies.current_codes()]
        self.from_currency.choices = codes
        self.to_currency.choices = codes


class RateFileForm(FlaskForm):
    file = FileField(_l("CSV file"), description=_l(
        "Columns date, from, to, rate and optionally source; dates as YYYY-MM-DD."))


def _status() -> int:
    return 422 if request.method == "POST" else 200


def _company_or_404(company_id: int) -> Company:
    company = db.session().get(Company, company_id)
    if company is None:
        abort(404)
    return company


@bp.route("/companies")
@admin_required
def companies_list() -> Any:
    return render_template("admin/companies/list.html", companies=companies.all_companies(),
                           months=month_names())


@bp.route("/companies/new", methods=["GET", "POST"])
@admin_required
def company_new() -> Any:
    form = CompanyForm(None, prefix="company")
    if request.method == "GET":
        default = companies.default_company()
        form.country.data, form.base_currency.data = "ES", default.base_currency
    if form.validate_on_submit():
        made = _saved(form, None)
        if made is not None:
            flash(_("The company %(name)s was created.", name=made.legal_name), "success")
            return redirect(url_for("admin.company_edit", company_id=made.id))
    return render_template("admin/companies/edit.html", form=form, company=None), _status()


@bp.route("/companies/<int:company_id>", methods=["GET", "POST"])
@admin_required
def company_edit(company_id: int) -> Any:
    company = _company_or_404(company_id)
    form = _filled(company) if request.method == "GET" else CompanyForm(company, prefix="company")
    if form.validate_on_submit():
        saved = _saved(form, company)
        if saved is not None:
            flash(_("The company %(name)s was saved.", name=saved.legal_name), "success")
            return redirect(url_for("admin.company_edit", company_id=saved.id))
    return _company_page(_company_or_404(company_id), form)


def _filled(company: Company) -> CompanyForm:
    """The form with the company's values; its currency and locale as in effect (the install's, if none)."""
    form = CompanyForm(company, formdata=None, prefix="company", obj=company)
    form.base_currency.data = companies.get(company.id).base_currency
    form.locale.data = company.locale or ""
    return form


def _company_page(company: Company, form: CompanyForm | None = None, errors: list[str] | None = None) -> Any:
    form = form or _filled(company)
    return render_template("admin/companies/edit.html", form=form, company=companies.get(company.id),
                           errors=errors or []), _status()


def _saved(form: CompanyForm, company: Company | None) -> Company | None:
    """Save the form's company and its uploaded logo in one transaction; a refusal lands at its input."""
    dbs = db.session()
    upload = form.logo.data
    data = upload.read() if upload and getattr(upload, "filename", "") else b""
    try:
        saved = service.save(dbs, company, {name: form[name].data for name in (
            *service.TEXT_FIELDS, "base_currency", "fiscal_year_start_month", "locale")})
        if data:
            service.store_logo(saved, data)
        dbs.commit()
    except service.CompanyRefused as exc:
        dbs.rollback()
        target = form._fields.get(exc.field or "legal_name")
        target.errors = [*target.errors, str(exc)]  # type: ignore[union-attr]
        return None
    return saved


@bp.post("/companies/<int:company_id>/default")
@admin_required
def company_default(company_id: int) -> Any:
    company = _company_or_404(company_id)
    if not FlaskForm().validate_on_submit():
        return _company_page(company, errors=[_("The form expired; try again.")])
    service.make_default(db.session(), company)
    db.session().commit()
    flash(_("%(name)s is now the default company.", name=company.legal_name), "success")
    return redirect(url_for("admin.companies_list"))


@bp.post("/companies/<int:company_id>/delete")
@admin_required
def company_delete(company_id: int) -> Any:
    company = _company_or_404(company_id)
    if not FlaskForm().validate_on_submit():
        return _company_page(company, errors=[_("The form expired; try again.")])
    dbs = db.session()
    name = company.legal_name
    try:
        logo = service.delete(dbs, company)
        dbs.commit()
    except service.CompanyRefused as exc:
        dbs.rollback()
        return _company_page(_company_or_404(company_id), errors=[str(exc)])
    if logo:
        service.remove_logo_file(logo)
    flash(_("The company %(name)s was deleted.", name=name), "success")
    return redirect(url_for("admin.companies_list"))


@bp.get("/companies/<int:company_id>/logo")
@admin_required
def company_logo(company_id: int) -> Any:
    info = companies.get(_company_or_404(company_id).id)
    if info.logo_path is None or not info.logo_path.is_file():
        abort(404)
    return send_file(info.logo_path, max_age=0)


@bp.route("/exchange-rates", methods=["GET", "POST"])
@admin_required
def exchange_rates() -> Any:
    """The newest rates, a form to enter one, and a CSV upload (the `upload` POST)."""
    form = RateForm(prefix="rate")
    if request.method == "GET":
        form.to_currency.data = companies.default_company().base_currency
    if form.validate_on_submit():
        try:
            _save_rates([currencies.Rate(form.from_currency.data or "", form.to_currency.data or "",
                                         form.rate_date.data or date.today(), form.rate.data, "admin")])
        except RateFileError as exc:
            for problem in exc.problems:
                target = {"from": form.from_currency, "to": form.to_currency, "date": form.rate_date}.get(
                    problem.column, form.rate)
                target.errors = [*target.errors, problem.message]  # type: ignore[attr-defined]
        else:
            flash(_("The exchange rate was saved."), "success")
            return redirect(url_for("admin.exchange_rates"))
    return _rates_page(form, RateFileForm(prefix="rates"))


@bp.post("/exchange-rates/upload")
@admin_required
def exchange_rates_upload() -> Any:
    upload_form = RateFileForm(prefix="rates")
    problems: list[str] = []
    upload = upload_form.file.data
    if not upload_form.validate_on_submit():
        problems = [str(e) for errors in upload_form.errors.values() for e in errors]
    elif not upload or not getattr(upload, "filename", ""):
        problems = [_("Choose a CSV file to upload.")]
    else:
        try:
            text = upload.read().decode("utf-8-sig")
            count = _save_rates(currencies.read_rates_csv(text, source=(upload.filename or "csv")[:64]))
        except UnicodeDecodeError:
            problems = [_("The file is not UTF-8 text; save it as UTF-8 CSV.")]
        except RateFileError as exc:
            problems = [str(p) for p in exc.problems]
        else:
            flash(_("%(count)s exchange rates were imported.", count=count), "success")
            return redirect(url_for("admin.exchange_rates"))
    upload_form.file.errors = [_("Nothing was imported."), *problems]
    return _rates_page(RateForm(prefix="rate", formdata=None), upload_form)


def _save_rates(rates: list[currencies.Rate]) -> int:
    dbs = db.session()
    try:
        count = currencies.save_rates(dbs, rates)
        dbs.commit()
    except RateFileError:
        dbs.rollback()
        raise
    return count


def _rates_page(form: RateForm, upload_form: RateFileForm) -> Any:
    rows = [{"day": r.rate_date.isoformat(), "from_currency": r.from_currency, "to_currency": r.to_currency,
             "rate": f"{r.rate.normalize():f}", "source": r.source}
            for r in db.session().scalars(select(ExchangeRate).order_by(
                ExchangeRate.rate_date.desc(), ExchangeRate.from_currency, ExchangeRate.to_currency)
                .limit(RATES_SHOWN))]
    return render_template("admin/companies/rates.html", form=form, upload_form=upload_form, rows=rows,
                           shown=RATES_SHOWN), _status()
