"""Companies: the default company the migration creates, the public lookups, and fiscal years."""
from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from trato import ValidationFailed, companies, currencies, records
from trato.companies.admin import CompanyRefused, checked_tax_id
from trato.companies.models import Company
from trato.schema import EntitySpec, FieldSpec, create_entity


def add_company(app, **values):
    with app.extensions["trato"].sessionmaker() as session:
        row = Company(**{"legal_name": "Second Company S.L.", **values})
        session.add(row)
        session.commit()
        return row.id


def test_the_migration_makes_one_default_company_that_follows_the_install_settings(make_app):
    app = make_app(default_currency="JPY", default_locale="es")
    with app.app_context():
        default = companies.default_company()
        assert default.legal_name == "My company"
        assert default.base_currency == "JPY"
        assert default.locale == "es"
        assert default.country == "ES"
        assert default.is_default
        assert companies.all_companies() == [default]
        assert companies.get(default.id) == default


def test_two_companies_each_with_its_own_settings(app, tmp_path):
    second = add_company(app, trade_name="Segunda", tax_id="B12345674", country="PT", address_line1="Rua Augusta 1",
                         postal_code="1100-048", city="Lisboa", base_currency="USD", fiscal_year_start_month=4,
                         locale="pt_PT", logo="companies/2/logo.png")
    with app.app_context():
        default, other = companies.all_companies()
        assert default.is_default and not other.is_default
        assert other.id == second
        assert other.name == "Segunda"
        assert other.base_currency == "USD" and default.base_currency == app.extensions["trato"].settings.currency
        assert other.address == "Rua Augusta 1\n1100-048 Lisboa\nPortugal"
        assert other.logo_path == app.extensions["trato"].settings.upload_path / "companies/2/logo.png"
        assert default.logo_path is None
        assert companies.fiscal_year(other, date(2026, 3, 31)) == 2025
        assert companies.fiscal_year(other, date(2026, 4, 1)) == 2026
        assert companies.fiscal_year(default, date(2026, 12, 31)) == 2026


def test_an_unknown_company_is_a_clear_error(app):
    with app.app_context():
        with pytest.raises(companies.CompanyNotFound, match="no company with id 999"):
            companies.get(999)


def test_an_entity_without_a_company_field_belongs_to_the_default_company(trade_app):
    with trade_app.app_context():
        assert companies.company_for("trade_account", {"name": "Acme"}) == companies.default_company()
        assert companies.company_for("no_such_entity", {}) == companies.default_company()


def test_a_second_default_company_is_refused_by_the_database(app):
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        add_company(app, is_default=True)


# A 1×1 transparent PNG: what a logo upload needs to be taken as an image.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4bf0000000049454e44ae426082")


def company_form(**values):
    form = {"legal_name": "Ejemplo Servicios S.L.", "trade_name": "Ejemplo", "tax_id": "B12345674",
            "country": "ES", "address_line1": "Calle Mayor 1", "postal_code": "28013", "city": "Madrid",
            "province": "Madrid", "email": "hola@ejemplo.es", "website": "https://ejemplo.es",
            "base_currency": "EUR", "fiscal_year_start_month": "1", "locale": "es_ES", **values}
    return {f"company-{name}": value for name, value in form.items()}


def stored_companies(app):
    with app.extensions["trato"].sessionmaker() as session:
        return {c.legal_name: c for c in session.scalars(select(Company))}


@pytest.mark.parametrize(("number", "country", "kept"), [
    ("12345678Z", "ES", "12345678Z"), ("B-12345674", "ES", "B12345674"), ("x1234567l", "ES", "X1234567L"),
    ("ESB12345674", "ES", "B12345674"), ("DE136695976", "DE", "DE136695976"), ("136695976", "DE", "DE136695976"),
    ("501442600", "PT", "PT501442600"), ("anything 42", "VA", "anything 42"), ("", "ES", ""),
])
def test_valid_tax_ids_are_kept_compact(app, number, country, kept):
    with app.test_request_context():
        assert checked_tax_id(number, country) == kept


@pytest.mark.parametrize(("number", "country", "message"), [
    ("12345678A", "ES", "Enter a valid Spanish NIF, CIF or NIE"),
    ("B12345678", "ES", "Enter a valid Spanish NIF, CIF or NIE"),
    ("DE136695975", "DE", "Enter a valid tax id for Germany."),
])
def test_invalid_tax_ids_are_refused_at_their_input(app, number, country, message):
    with app.test_request_context(), pytest.raises(CompanyRefused, match=message) as refused:
        checked_tax_id(number, country)
    assert refused.value.field == "tax_id"


def test_an_admin_creates_a_company_with_its_logo_and_edits_it(app, client_as):
    client = client_as("admin")
    made = client.post("/admin/companies/new", data={**company_form(), "company-logo": (io.BytesIO(PNG), "logo.png")},
                       content_type="multipart/form-data")
    assert made.status_code == 302
    row = stored_companies(app)["Ejemplo Servicios S.L."]
    assert (row.tax_id, row.base_currency, row.locale, row.is_default) == ("B12345674", "EUR", "es_ES", False)
    with app.test_request_context():
        info = companies.get(row.id)
        assert info.logo_path.read_bytes() == PNG
        assert info.address == "Calle Mayor 1\n28013 Madrid\nMadrid\nEspaña"
    assert client.get(f"/admin/companies/{row.id}/logo").data == PNG
    page = client.get("/admin/companies").get_data(as_text=True)
    assert "Ejemplo Servicios S.L." in page and "B12345674" in page and "My company" in page
    edited = client.post(f"/admin/companies/{row.id}", data=company_form(
        legal_name="Ejemplo Global S.L.", base_currency="USD", fiscal_year_start_month="4"),
        content_type="multipart/form-data")
    assert edited.status_code == 302
    with app.test_request_context():
        info = companies.get(row.id)
    assert (info.legal_name, info.base_currency, info.fiscal_year_start_month) == ("Ejemplo Global S.L.", "USD", 4)
    assert info.logo_path is not None  # an edit without a new file keeps the logo


def test_bad_company_input_is_shown_at_its_field_and_changes_nothing(app, client_as):
    client = client_as("admin")
    cases = [
        (company_form(tax_id="B12345678"), "Enter a valid Spanish NIF, CIF or NIE"),
        (company_form(legal_name=""), "This field is required."),
        (company_form(website="ejemplo"), "Enter a web address starting with http:// or https://."),
        ({**company_form(), "company-logo": (io.BytesIO(b"%PDF-1.7 not an image"), "logo.png")},
         "The logo must be a PNG, JPEG or GIF image."),
        ({**company_form(), "company-logo": (io.BytesIO(PNG + b"\0" * 1024 * 1024), "big.png")},
         "The logo is larger than 1 MB"),
    ]
    for data, message in cases:
        refused = client.post("/admin/companies/new", data=data, content_type="multipart/form-data")
        assert refused.status_code == 422
        page = refused.get_data(as_text=True)
        assert message in page
        assert 'aria-invalid="true"' in page
    assert list(stored_companies(app)) == ["My company"]
    assert not (app.extensions["trato"].settings.upload_path / "companies").exists()


def test_the_company_screens_speak_spanish_and_english(app, client_as):
    client = client_as("admin")
    english = client.get("/admin/companies").get_data(as_text=True)
    assert "Companies" in english and "New company" in english and "Default" in english
    form = client.get("/admin/companies/new").get_data(as_text=True)
    assert "Legal name" in form and "Fiscal year starts in" in form and "April" in form
    client.post("/locale", data={"locale": "es"})
    spanish = client.get("/admin/companies").get_data(as_text=True)
    assert "Empresas" in spanish and "Nueva empresa" in spanish and "Predeterminada" in spanish
    form = client.get("/admin/companies/new").get_data(as_text=True)
    assert "Razón social" in form and "El ejercicio fiscal empieza en" in form and "Abril" in form
    refused = client.post("/admin/companies/new", data=company_form(tax_id="12345678A"),
                          content_type="multipart/form-data")
    assert "Introduzca un NIF, CIF o NIE español válido" in refused.get_data(as_text=True)
    rates = client.get("/admin/exchange-rates").get_data(as_text=True)
    assert "Tipos de cambio" in rates


def test_the_default_company_moves_and_cannot_be_deleted(app, client_as):
    second = add_company(app)
    client = client_as("admin")
    mine = companies_ids(app)["My company"]
    assert client.post(f"/admin/companies/{second}/default").status_code == 302
    with app.test_request_context():
        assert companies.default_company().id == second
    refused = client.post(f"/admin/companies/{second}/delete")
    assert refused.status_code == 422
    assert "The default company cannot be deleted" in refused.get_data(as_text=True)
    assert client.post(f"/admin/companies/{mine}/delete").status_code == 302
    assert list(stored_companies(app)) == ["Second Company S.L."]


def companies_ids(app):
    return {name: row.id for name, row in stored_companies(app).items()}


def test_records_carry_their_company_and_a_company_in_use_cannot_be_deleted(app, client_as, make_user):
    admin = make_user(admin=True)
    second = add_company(app, legal_name="Filial S.A.")
    with app.app_context():
        create_entity(EntitySpec("expense", {"en": "Expense"}, {"en": "Expenses"}, [
            FieldSpec("label", "text", {"en": "Label"}, required=True),
            FieldSpec("company", "company", {"en": "Company"})], title_field="label"), user=admin)
        kept = records.create("x_expense", {"label": "Taxi", "company": second}, user=admin)
        plain = records.create("x_expense", {"label": "Lunch"}, user=admin)
        assert companies.company_for("x_expense", kept).legal_name == "Filial S.A."
        assert companies.company_for("x_expense", plain) == companies.default_company()
        with pytest.raises(ValidationFailed) as refused:
            records.create("x_expense", {"label": "Hotel", "company": 999}, user=admin)
        assert refused.value.errors == {"company": ["Choose one of the companies."]}
    client = client_as(admin)
    form = client.get("/r/x_expense/new").get_data(as_text=True)
    assert f'<option value="{second}">Filial S.A.</option>' in form and ">My company</option>" in form
    assert "Filial S.A." in client.get(f"/r/x_expense/{kept.id}").get_data(as_text=True)
    edit = client.get(f"/r/x_expense/{kept.id}/edit").get_data(as_text=True)
    assert f'<option value="{second}" selected>Filial S.A.</option>' in edit
    refused = client.post(f"/admin/companies/{second}/delete")
    assert refused.status_code == 422
    assert "Filial S.A. cannot be deleted: it is in use (1 Expenses)." in refused.get_data(as_text=True)
    assert "Filial S.A." in stored_companies(app)


def test_an_admin_enters_and_uploads_exchange_rates(app, client_as):
    client = client_as("admin")
    saved = client.post("/admin/exchange-rates", data={"rate-rate_date": "2026-03-02", "rate-from_currency": "USD",
                                                       "rate-to_currency": "EUR", "rate-rate": "0.9234"})
    assert saved.status_code == 302
    same = client.post("/admin/exchange-rates", data={"rate-rate_date": "2026-03-02", "rate-from_currency": "EUR",
                                                      "rate-to_currency": "EUR", "rate-rate": "1"})
    assert same.status_code == 422 and "The two currencies must differ." in same.get_data(as_text=True)
    bad = "date,from,to,rate\n2026-03-03,USD,EUR,0.93\n2026-03-04,USD,EUR,-2\n"
    refused = client.post("/admin/exchange-rates/upload", data={"rates-file": (io.BytesIO(bad.encode()), "r.csv")},
                          content_type="multipart/form-data")
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "Nothing was imported." in page and "Row 3, column rate: Enter a positive number" in page
    good = "date,from,to,rate,source\n2026-03-03,USD,EUR,0.93,ECB\n2026-03-03,GBP,EUR,1.18,ECB\n"
    done = client.post("/admin/exchange-rates/upload", data={"rates-file": (io.BytesIO(good.encode()), "r.csv")},
                       content_type="multipart/form-data")
    assert done.status_code == 302
    listed = client.get("/admin/exchange-rates").get_data(as_text=True)
    assert listed.count("<tr><td>2026-03-0") == 3 and "0.9234" in listed and "ECB" in listed
    with app.app_context():
        assert currencies.rate("USD", "EUR", date(2026, 3, 10)) == Decimal("0.93")


def test_the_screens_are_for_administrators_only(app, client_as):
    client = client_as("user")
    for url in ("/admin/companies", "/admin/companies/new", "/admin/exchange-rates"):
        assert client.get(url).status_code in (302, 403)
