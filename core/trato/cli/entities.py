"""`trato entities ...` and `trato fields ...`: custom entities and custom fields from the command line.

Every change goes through `trato.schema` as the system (the admin screens
pass the administrator); its refusals become one error line.
"""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from .. import schema
from ..entities import EntityRegistry
from ..errors import TratoError
from ..schema import EntitySpec, FieldSpec
from .common import refreshed_state


def _registry() -> EntityRegistry:
    return refreshed_state().entities  # type: ignore[no-any-return]


def _entity(name: str) -> str:
    """The entity's name as given, or a custom entity's as created (`vehicle` for `x_vehicle`)."""
    registry = _registry()
    return f"x_{name}" if name not in registry and f"x_{name}" in registry else name


def _texts(en: str, es: str | None) -> dict[str, str]:
    return {"en": en, **({"es": es} if es else {})}


def _options(text: str | None) -> list[dict[str, object]]:
    """`a:Label A,b:Label B` as select options (English labels)."""
    made: list[dict[str, object]] = []
    for item in filter(None, (part.strip() for part in (text or "").split(","))):
        value, sep, label = item.partition(":")
        if not sep or not value.strip() or not label.strip():
            raise TratoError(f"the option {item!r} must be written value:Label")
        made.append({"value": value.strip(), "label": {"en": label.strip()}})
    return made


@click.group("entities", help="List entities and create custom ones.")
def entities_group() -> None:
    pass


@entities_group.command("list", help="List every enabled entity, built-in and custom.")
@with_appcontext
def list_entities() -> None:
    for entity in _registry().all():
        origin = "custom" if entity.custom else f"plugin {entity.plugin}"
        fields = sum(1 for f in entity.fields.values() if not f.system)
        click.echo(f"{entity.name:<28} {entity.plural_text:<28} {origin:<20} {fields} fields")


@entities_group.command("add", help="Create the custom entity NAME (its table is x_NAME).")
@click.argument("name")
@click.option("--label", required=True, help="The singular label in English.")
@click.option("--plural", required=True, help="The plural label in English.")
@click.option("--label-es", default=None, help="The singular label in Spanish.")
@click.option("--plural-es", default=None, help="The plural label in Spanish.")
@with_appcontext
def add_entity(name: str, label: str, plural: str, label_es: str | None, plural_es: str | None) -> None:
    _registry()
    entity = schema.create_entity(EntitySpec(name, _texts(label, label_es), _texts(plural, plural_es)))
    click.echo(f"Created entity {entity.name}.")


@click.group("fields", help="List, add and remove the custom fields of an entity.")
def fields_group() -> None:
    pass


@fields_group.command("list", help="List the fields of ENTITY.")
@click.argument("entity")
@with_appcontext
def list_fields(entity: str) -> None:
    for field in _registry().get(_entity(entity)).fields.values():
        if field.system:
            continue
        flags = ", ".join(flag for flag, on in (("custom", field.custom), ("required", field.required),
                                                ("unique", field.unique), ("filterable", field.filterable)) if on)
        click.echo(f"{field.name:<28} {field.type.name:<14} {field.text:<28} {flags}")


@fields_group.command("add", help="Add the custom field NAME to ENTITY (on a built-in entity its column is cf_NAME).")
@click.argument("entity")
@click.argument("name")
@click.option("--type", "type_", required=True, help="A field type, such as text, integer, select.")
@click.option("--label", required=True, help="The label in English.")
@click.option("--label-es", default=None, help="The label in Spanish.")
@click.option("--required", is_flag=True, help="Records must have a value.")
@click.option("--options", default=None, help='Select options: "a:Label A,b:Label B".')
@click.option("--filterable", is_flag=True, help="Index it, for fast filters and sorting.")
@with_appcontext
def add_field(entity: str, name: str, type_: str, label: str, label_es: str | None, required: bool,
              options: str | None, filterable: bool) -> None:
    field = schema.add_field(_entity(entity), FieldSpec(name, type_, _texts(label, label_es), required=required,
                                               options=_options(options), filterable=filterable))
    click.echo(f"Added field {field.name} to {entity}.")


@fields_group.command("remove", help="Delete the custom field NAME of ENTITY and its values.")
@click.argument("entity")
@click.argument("name")
@click.confirmation_option("--yes", prompt="The field's values will be lost. Go on?")
@with_appcontext
def remove_field(entity: str, name: str) -> None:
    lost = schema.delete_field(_entity(entity), name)
    click.echo(f"Removed field {name} of {entity}; {lost} values were lost.")


def register(cli: click.Group) -> None:
    cli.add_command(entities_group)
    cli.add_command(fields_group)
