"""Field types: how each kind of field is stored, validated, filtered and written as text.

The types are text, long_text, integer, decimal, money, percent, boolean,
date, datetime, email, phone, url, select, multi_select, relation, user,
tags, file and record_link; plugins add more through the `field_types` hook, usually by subclassing one
of the classes exported here.
"""
from .base import FieldType, FieldValueError
from .base import sentences as error_sentences
from .calendar import DateTimeType, DateType
from .choice import BooleanType, MultiSelectType, SelectType, TagsType
from .columns import field
from .definition import Field, Label, Option, install_language, localize
from .links import RecordLink, RecordLinkType
from .money import Money, company_currency, current_currencies, round_half_up
from .numbers import shown as shown_number
from .numbers import typed as typed_number
from .numeric import DecimalType, IntegerType, MoneyType, PercentType
from .operators import OPERATORS
from .refs import FileType, RelationType, TeamType, UserType
from .registry import BUILTIN, FieldTypes, UnknownFieldType
from .sqltypes import ExactDecimal, UTCDateTime, json_value
from .text import EmailType, LongTextType, PhoneType, TextType, UrlType

__all__ = [
    "BUILTIN",
    "OPERATORS",
    "BooleanType",
    "DateTimeType",
    "DateType",
    "DecimalType",
    "EmailType",
    "ExactDecimal",
    "Field",
    "FieldType",
    "FieldTypes",
    "FieldValueError",
    "FileType",
    "IntegerType",
    "Label",
    "LongTextType",
    "Money",
    "MoneyType",
    "MultiSelectType",
    "Option",
    "PercentType",
    "PhoneType",
    "RecordLink",
    "RecordLinkType",
    "RelationType",
    "SelectType",
    "TagsType",
    "TextType",
    "UnknownFieldType",
    "UTCDateTime",
    "UrlType",
    "TeamType",
    "UserType",
    "company_currency",
    "current_currencies",
    "error_sentences",
    "field",
    "install_language",
    "json_value",
    "localize",
    "round_half_up",
    "shown_number",
    "typed_number",
]
