"""English and Spanish throughout.

The catalogues translate every string the sources mark and are compiled;
pages follow the user's, the session's or the browser's language; money and
dates follow the locale and the user's time zone.
"""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po, write_po
from click.testing import CliRunner, Result
from flask import Flask, render_template_string
from flask_login import login_user

from trato.catalogues import (
    Project,
    compile_catalogue,
    contents,
    core_project,
    extract,
    has_catalogue,
    plugin_project,
    read_catalogue,
    read_compiled,
    target_languages,
    translation_problems,
)
from trato.cli.i18n import i18n_group
from trato.formatting import money, round_money
from trato.models import User

ROOT = Path(__file__).resolve().parents[1]
SPANISH_BROWSER = {"Accept-Language": "es-ES,es;q=0.9,en;q=0.5"}


def catalogue_projects() -> list[Project]:
    """The core, and every plugin of the repository that has a catalogue."""
    folders = sorted(p for p in [*ROOT.glob("plugins/*"), *ROOT.glob("tests/sample_plugins/*")] if p.is_dir())
    return [core_project(), *(plugin_project(folder) for folder in folders if has_catalogue(folder))]


PROJECTS = catalogue_projects()


# --- the catalogues -----------------------------------------------------------

@pytest.mark.parametrize("project", PROJECTS, ids=[p.name for p in PROJECTS])
def test_every_string_is_translated(project: Project) -> None:
    missing = list(translation_problems(project))
    assert not missing, (
        "Translate these, then run `trato i18n compile` "
        f"(`trato i18n extract` and `update` first to add new strings to {project.translations}):\n"
        + "\n".join(missing)
    )


@pytest.mark.parametrize("project", PROJECTS[1:], ids=[p.name for p in PROJECTS[1:]])
def test_a_plugin_never_translates_a_core_string_differently(project: Project) -> None:
    """Catalogues are merged, so a plugin's "Progress" → "Avance" would change the core's pages as well."""
    def entries(path: Path) -> dict[str, Any]:
        with path.open("rb") as handle:
            return {(m.context, m.id): m.string for m in read_po(handle) if m.id and m.string}  # context apart

    core = entries(PROJECTS[0].po_path("es"))
    clashes = {msgid: (core[msgid], text) for msgid, text in entries(project.po_path("es")).items()
               if msgid in core and core[msgid] != text}
    assert not clashes, f"translate these as the core does, or word them differently: {clashes}"


def test_extraction_finds_python_and_template_strings() -> None:
    strings = {m.id for m in extract(core_project())}
    assert "Keep me signed in" in strings  # _l() in core/trato/web/forms.py
    assert "The email or the password is not right." in strings  # _() in core/trato/web/auth.py
    assert "Sign in to Trato" in strings  # {{ _() }} in themes/default/templates/auth/login.html


def test_core_catalogue_is_spanish_with_its_plural_rule() -> None:
    catalog = read_catalogue(core_project().po_path("es"), "es")
    assert catalog.plural_forms == "nplurals=2; plural=(n != 1);"
    assert catalog.get("Plugins").string == "Complementos"
    assert catalog.get("Sign in").string == "Iniciar sesión"


@pytest.mark.parametrize("project", PROJECTS, ids=[p.name for p in PROJECTS])
def test_compiled_catalogue_matches_its_source(project: Project, tmp_path: Path) -> None:
    for language in target_languages():
        fresh = tmp_path / f"{language}.mo"
        compile_catalogue(project.po_path(language), fresh, language)
        committed = read_compiled(project.mo_path(language))
        assert contents(committed) == contents(read_compiled(fresh)), (
            f"{project.mo_path(language)} is stale; run `trato i18n compile`"
        )


def _sample_plugin(folder: Path) -> Path:
    package = folder / "trato_invoices"
    (package / "templates" / "invoices").mkdir(parents=True)
    (package / "__init__.py").write_text(
        'from flask_babel import lazy_gettext as _l\n\nLABEL = _l("Invoices")\n', encoding="utf-8")
    (package / "templates" / "invoices" / "count.html").write_text(
        '<p>{{ ngettext("%(num)d invoice", "%(num)d invoices", n) }}</p>\n', encoding="utf-8")
    return folder


def _i18n(*args: str) -> Result:
    return CliRunner().invoke(i18n_group, list(args), catch_exceptions=False)


def _save(path: Path, catalog: Any) -> None:
    with path.open("wb") as handle:
        write_po(handle, catalog)


def test_plugin_author_round_trip(tmp_path: Path) -> None:
    folder = str(_sample_plugin(tmp_path / "trato-invoices"))
    project = plugin_project(Path(folder))
    assert _i18n("extract", "--plugin-dir", folder).exit_code == 0
    assert _i18n("update", "--plugin-dir", folder).exit_code == 0
    assert project.po_path("es") == tmp_path / "trato-invoices/trato_invoices/translations/es/LC_MESSAGES/messages.po"

    fresh = _i18n("check", "--plugin-dir", folder)
    assert fresh.exit_code == 1
    assert 'es: not translated: "Invoices"' in fresh.output
    assert 'es: not translated: "%(num)d invoice"' in fresh.output
    assert "messages.mo does not exist" in fresh.output

    catalog = read_catalogue(project.po_path("es"), "es")
    catalog.get("Invoices").string = "Facturas"
    catalog.get("%(num)d invoice").string = ("%(num)d factura", "%(num)d facturas")
    _save(project.po_path("es"), catalog)
    assert _i18n("compile", "--plugin-dir", folder).exit_code == 0
    done = _i18n("check", "--plugin-dir", folder)
    assert done.exit_code == 0, done.output
    assert "complete and compiled" in done.output

    catalog.get("Invoices").flags.add("fuzzy")
    _save(project.po_path("es"), catalog)
    doubtful = _i18n("check", "--plugin-dir", folder)
    assert doubtful.exit_code == 1
    assert 'es: fuzzy, to check and unmark: "Invoices"' in doubtful.output
    assert "messages.mo is out of date with messages.po" in doubtful.output


def test_check_reports_a_broken_placeholder(tmp_path: Path) -> None:
    folder = tmp_path / "trato-hello"
    (folder / "trato_hello").mkdir(parents=True)
    (folder / "trato_hello" / "__init__.py").write_text(
        'from flask_babel import gettext as _\n\ndef hello(name):\n    return _("Hello, %(name)s", name=name)\n',
        encoding="utf-8")
    project = plugin_project(folder)
    _i18n("extract", "--plugin-dir", str(folder))
    _i18n("update", "--plugin-dir", str(folder))
    catalog = read_catalogue(project.po_path("es"), "es")
    catalog.get("Hello, %(name)s").string = "Hola, %(nombre)s"
    _save(project.po_path("es"), catalog)
    assert list(translation_problems(project)) == [
        "es: \"Hello, %(name)s\": unknown named placeholder 'nombre'"
    ]


# --- pages in the visitor's language -------------------------------------------

def test_login_page_follows_the_browser_language(app: Flask) -> None:
    client = app.test_client()
    spanish = client.get("/login", headers=SPANISH_BROWSER).get_data(as_text=True)
    assert '<html lang="es">' in spanish
    for text in ("Iniciar sesión en Trato", "Correo electrónico", "Contraseña", "Mantener la sesión iniciada"):
        assert text in spanish
    refused = client.post("/login", data={"email": "nobody@example.com", "password": "wrong-password"},
                          headers=SPANISH_BROWSER).get_data(as_text=True)
    assert "El correo electrónico o la contraseña no son correctos." in refused

    for headers in ({"Accept-Language": "en-GB,en;q=0.8"}, {"Accept-Language": "fr-FR"}, {}):
        english = client.get("/login", headers=headers).get_data(as_text=True)
        assert '<html lang="en">' in english
        assert "Sign in to Trato" in english
        assert "Iniciar sesión" not in english


def test_dashboard_follows_the_users_language(make_user: Any, client_as: Any) -> None:
    lucia = make_user(admin=True, name="Lucía", locale="es")
    page = client_as(lucia).get("/", headers={"Accept-Language": "en-US"}).get_data(as_text=True)
    for text in ("Hola, Lucía", "Primeros pasos", "Habilite los módulos que necesite", "Inicio",
                 "Administración", "Cerrar sesión"):
        assert text in page
    assert "Getting started" not in page
    assert "Complementos" in client_as(lucia).get("/admin/plugins").get_data(as_text=True)

    ann = make_user(admin=True, name="Ann")
    english = client_as(ann).get("/").get_data(as_text=True)
    assert "Hello, Ann" in english
    assert "Getting started" in english
    assert "Primeros pasos" not in english


# --- the language switch --------------------------------------------------------

def test_language_switch_keeps_the_choice_in_the_session(app: Flask) -> None:
    client = app.test_client()
    response = client.post("/locale", data={"locale": "es", "next": "/login"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    with client.session_transaction() as sess:
        assert sess["locale"] == "es"
    assert "Iniciar sesión en Trato" in client.get("/login").get_data(as_text=True)

    client.post("/locale", data={"locale": "en", "next": "/login"})
    assert "Sign in to Trato" in client.get("/login", headers=SPANISH_BROWSER).get_data(as_text=True)


def test_language_switch_saves_the_signed_in_users_locale(app: Flask, make_user: Any, client_as: Any) -> None:
    user = make_user(name="Pablo")
    response = client_as(user).post("/locale", data={"locale": "es"})
    assert response.headers["Location"] == "/"
    with app.extensions["trato"].sessionmaker() as session:
        assert session.get(User, user.id).locale == "es"
    # Another device, signed in as the same user, starts in Spanish.
    assert "Hola, Pablo" in client_as(user).get("/").get_data(as_text=True)


def test_language_switch_refuses_an_unknown_language(app: Flask) -> None:
    client = app.test_client()
    response = client.post("/locale", data={"locale": "fr", "next": "/login"})
    assert response.status_code == 400
    assert "Trato does not offer the language “fr”." in response.get_data(as_text=True)
    with client.session_transaction() as sess:
        assert "locale" not in sess
    spanish = client.post("/locale", data={"locale": "xx"}, headers=SPANISH_BROWSER)
    assert spanish.status_code == 400
    assert "Trato no ofrece el idioma «xx»." in spanish.get_data(as_text=True)


@pytest.mark.parametrize("target, expected", [
    ("/admin/users?page=2", "/admin/users?page=2"),
    ("https://evil.example/steal", "/"),
    ("//evil.example/steal", "/"),
    ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"),
    ("", "/"),
])
def test_language_switch_redirects_only_within_the_site(app: Flask, target: str, expected: str) -> None:
    response = app.test_client().post("/locale", data={"locale": "es", "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == expected


# --- money and time zones --------------------------------------------------------

def _render(app: Flask, source: str, headers: dict[str, str] | None = None, user: User | None = None,
            **context: Any) -> str:
    with app.test_request_context(headers=headers or {}):
        if user is not None:
            login_user(user)
        return render_template_string(source, **context)


@pytest.mark.parametrize("language, amount, currency, expected", [
    ("es", "1234.5", "EUR", "1.234,50\xa0€"),
    ("en", "1234.5", "EUR", "€1,234.50"),
    ("es", "1234567.891", "EUR", "1.234.567,89\xa0€"),
    ("es", "0.125", "EUR", "0,13\xa0€"),
    ("en", "0.125", "EUR", "€0.13"),
    ("en", "-0.125", "EUR", "-€0.13"),
    ("en", "1234.5", "JPY", "¥1,235"),
    ("es", "2.675", "usd", "2,68\xa0US$"),
])
def test_money_filter(app: Flask, language: str, amount: str, currency: str, expected: str) -> None:
    shown = _render(app, "{{ amount | money(currency) }}", {"Accept-Language": language},
                    amount=Decimal(amount), currency=currency)
    assert shown == expected


def test_money_rounds_half_up_and_refuses_floats(app: Flask) -> None:
    assert round_money(Decimal("0.125"), "EUR") == Decimal("0.13")
    assert round_money(Decimal("0.1249"), "EUR") == Decimal("0.12")
    assert round_money(Decimal("2.5"), "JPY") == Decimal("3")
    assert round_money(7, "EUR") == Decimal("7.00")
    with app.test_request_context():
        assert money(None, "EUR") == ""
        with pytest.raises(TypeError, match="Decimal, not float"):
            money(0.1, "EUR")  # type: ignore[arg-type]


INSTANT = datetime(2026, 7, 1, 10, 0, tzinfo=timezone.utc)  # summer: Madrid is UTC+2


@pytest.mark.parametrize("zone, language, expected", [
    (None, "en", "Jul 1, 2026, 10:00:00\u202fAM"),
    ("UTC", "es", "1 jul 2026, 10:00:00"),
    ("Europe/Madrid", "en", "Jul 1, 2026, 12:00:00\u202fPM"),
    ("Europe/Madrid", "es", "1 jul 2026, 12:00:00"),
    ("Mars/Olympus_Mons", "en", "Jul 1, 2026, 10:00:00\u202fAM"),  # unknown: the default zone
])
def test_dates_show_in_the_users_time_zone(app: Flask, make_user: Any, zone: str | None, language: str,
                                           expected: str) -> None:
    user = make_user(timezone=zone, locale=language)
    assert _render(app, "{{ when | datetimeformat('medium') }}", user=user, when=INSTANT) == expected


def test_default_time_zone_setting(make_app: Any, make_user: Any) -> None:
    app = make_app(default_timezone="Europe/Madrid")
    assert _render(app, "{{ when | datetimeformat('medium') }}", when=INSTANT) == "Jul 1, 2026, 12:00:00\u202fPM"
    user = make_user(app=app, timezone="UTC")
    assert _render(app, "{{ when | datetimeformat('medium') }}", user=user, when=INSTANT) == \
        "Jul 1, 2026, 10:00:00\u202fAM"


def test_a_stored_instant_shows_in_each_viewers_zone(make_user: Any, client_as: Any) -> None:
    subject = make_user(name="Marta", last_login_at=INSTANT)
    page = f"/admin/users/{subject.id}"
    in_madrid = client_as(make_user(admin=True, timezone="Europe/Madrid")).get(page).get_data(as_text=True)
    in_utc = client_as(make_user(admin=True, timezone="UTC")).get(page).get_data(as_text=True)
    assert "Jul 1, 2026, 12:00:00\u202fPM" in in_madrid
    assert "Jul 1, 2026, 10:00:00\u202fAM" in in_utc
