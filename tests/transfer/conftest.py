"""Fixtures of the import and export tests: custom entities of every field type, made as an admin would."""
from __future__ import annotations

import pytest

from trato import records
from trato.schema import EntitySpec, FieldSpec, create_entity


def en(text: str, es: str | None = None) -> dict[str, str]:
    return {"en": text, "es": es or text}


CONTACT_FIELDS = [
    FieldSpec("name", "text", en("Name", "Nombre"), required=True),
    FieldSpec("email", "email", en("Email", "Correo electrónico"), unique=True),
    FieldSpec("phone", "phone", en("Phone", "Teléfono")),
    FieldSpec("birthday", "date", en("Birthday", "Fecha de nacimiento")),
    FieldSpec("company", "relation", en("Company", "Empresa"), settings={"target": "x_company"}),
    FieldSpec("notes", "long_text", en("Notes", "Notas")),
    FieldSpec("seats", "integer", en("Seats", "Plazas")),
    FieldSpec("score", "decimal", en("Score", "Puntuación"), settings={"scale": 2}),
    FieldSpec("budget", "money", en("Budget", "Presupuesto"), settings={"currency": "EUR"}),
    FieldSpec("discount", "percent", en("Discount", "Descuento")),
    FieldSpec("vip", "boolean", en("VIP")),
    FieldSpec("met_at", "datetime", en("Met at", "Conocido el")),
    FieldSpec("site", "url", en("Web site", "Sitio web")),
    FieldSpec("stage", "select", en("Stage", "Etapa"),
              options=[{"value": "lead", "label": en("Lead", "Potencial")},
                       {"value": "client", "label": en("Client", "Cliente")}]),
    FieldSpec("channels", "multi_select", en("Channels", "Canales"),
              options=[{"value": "web", "label": en("Web")}, {"value": "phone", "label": en("Phone", "Teléfono")}]),
    FieldSpec("labels", "tags", en("Labels", "Etiquetas")),
    FieldSpec("manager", "user", en("Account manager", "Gestor")),
]


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def admin(make_user, app):
    return make_user("ada@example.com", admin=True, name="Ada Admin", app=app)


@pytest.fixture
def ctx(app, admin):
    """An app context with the entities `x_company` and `x_contact` made."""
    with app.app_context():
        create_entity(EntitySpec("company", en("Company", "Empresa"), en("Companies", "Empresas"),
                                 [FieldSpec("name", "text", en("Name", "Nombre"), required=True),
                                  FieldSpec("tax_id", "text", en("Tax ID", "NIF"), unique=True)]))
        create_entity(EntitySpec("contact", en("Contact", "Contacto"), en("Contacts", "Contactos"), CONTACT_FIELDS))
        yield app


@pytest.fixture
def companies(ctx, admin):
    """Acme (once) and Globex (twice), to find by name; their ids."""
    return [records.create("x_company", {"name": name}, user=admin).id for name in ("Acme", "Globex", "Globex")]
