"""The field types an app knows: the built-in ones and those plugins add."""
from __future__ import annotations

from collections.abc import Iterator

from ..companies.field import CompanyType
from ..errors import TratoError
from ..hooks.host import PluginHost
from .autonumber import AutoNumberType
from .base import FieldType
from .calendar import DateTimeType, DateType
from .choice import BooleanType, MultiSelectType, SelectType, TagsType
from .links import RecordLinkType
from .numeric import DecimalType, IntegerType, MoneyType, PercentType
from .refs import FileType, RelationType, TeamType, UserType
from .text import EmailType, LongTextType, PhoneType, TextType, UrlType


BUILTIN: dict[str, FieldType] = {
    ftype.name: ftype
    for ftype in (TextType(), LongTextType(), IntegerType(), DecimalType(), MoneyType(), PercentType(),
                  BooleanType(), DateType(), DateTimeType(), EmailType(), PhoneType(), UrlType(),
                  SelectType(), MultiSelectType(), RelationType(), UserType(), TeamType(), TagsType(), FileType(),
                  RecordLinkType(), CompanyType(), AutoNumberType())
}


class UnknownFieldType(TratoError):
    """No built-in or plugin field type has this name."""


class FieldTypes:
    """Built-in types, then each loaded plugin's (hook `field_types`).

    A plugin's type must be a `FieldType` named `<plugin>_...`, so that two
    plugins cannot collide; a plugin that breaks the rule is reported broken,
    as a misnamed blueprint is.
    """

    def __init__(self) -> None:
        self._types = dict(BUILTIN)

    def add_plugins(self, host: PluginHost, names: set[str]) -> None:
        """Take in the types of the loaded plugins `names`."""
        for impl in host.all_hooks.field_types.get_hookimpls():
            owner = impl.plugin_name
            if owner not in names:
                continue
            for ftype in impl.function() or []:
                problem = self._problem(owner, ftype)
                if problem:
                    host.mark_broken(owner, problem)
                    break
                self._types[ftype.name] = ftype

    def _problem(self, owner: str, ftype: object) -> str | None:
        if not isinstance(ftype, FieldType):
            return f"field_types returned {ftype!r}, which is not a trato FieldType"
        if not ftype.name.startswith(owner + "_"):
            return f"field type {ftype.name!r} must be named {owner + '_'!r}..."
        if ftype.name in self._types:
            return f"field type {ftype.name!r} is defined twice"
        return None

    def get(self, name: str) -> FieldType:
        try:
            return self._types[name]
        except KeyError:
            raise UnknownFieldType(f"unknown field type {name!r}; known: {', '.join(sorted(self._types))}") from None

    def __iter__(self) -> Iterator[FieldType]:
        return iter(self._types.values())

    def __contains__(self, name: object) -> bool:
        return name in self._types
