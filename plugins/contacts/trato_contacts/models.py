"""The two entities: accounts (organisations or private customers) and contacts (people)."""
from __future__ import annotations

from datetime import date

from babel import Locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped

from trato import Base, EntityInfo, Option, Record, field

from .fieldtypes import TAX_ID

# The countries offered, named in each language by Babel's locale data rather than by our catalogue.
COUNTRY_CODES = ("ES", "PT", "FR", "DE", "IT", "GB", "IE", "NL", "BE", "CH", "AT", "SE", "DK", "PL",
                 "US", "CA", "MX", "AR", "CO", "CL", "PE", "BR", "MA")
COUNTRIES = [Option(code, {lang: Locale(lang).territories[code] for lang in ("en", "es")})
             for code in COUNTRY_CODES]

INDUSTRIES = [
    ("agriculture", _l("Agriculture and food")),
    ("construction", _l("Construction and real estate")),
    ("education", _l("Education")),
    ("energy", _l("Energy and utilities")),
    ("finance", _l("Banking and insurance")),
    ("health", _l("Health care")),
    ("hospitality", _l("Hotels, restaurants and tourism")),
    ("manufacturing", _l("Manufacturing")),
    ("media", _l("Media and marketing")),
    ("professional", _l("Professional services")),
    ("public", _l("Public sector")),
    ("retail", _l("Retail and wholesale")),
    ("technology", _l("Technology")),
    ("transport", _l("Transport and logistics")),
    ("other", _l("Other")),
]

LANGUAGES = [("en", _l("English")), ("es", _l("Spanish"))]


class Account(Record, Base):
    __tablename__ = "contacts_account"
    __entity__ = EntityInfo(_l("Account"), _l("Accounts"), title="name",
                            search=("name", "legal_name", "tax_id", "billing_city", "email"),
                            list_columns=("name", "industry", "billing_city", "billing_country", "owner_id"),
                            sections={"billing": _l("Billing address"), "shipping": _l("Shipping address")})
    # Tags are the core's record tags (every record has them on its page and list filters), not a column.

    name: Mapped[str] = field("text", label=_l("Name"), required=True, length=200, filterable=True)
    legal_name: Mapped[str | None] = field("text", label=_l("Legal name"), length=200)
    tax_id: Mapped[str | None] = field(TAX_ID, label=_l("Tax ID"), filterable=True,
                                       help=_l("NIF, NIE or CIF for Spain; the VAT number elsewhere in the EU."))
    industry: Mapped[str | None] = field("select", label=_l("Industry"), options=INDUSTRIES, filterable=True)
    website: Mapped[str | None] = field("url", label=_l("Website"))
    phone: Mapped[str | None] = field("phone", label=_l("Phone"))
    email: Mapped[str | None] = field("email", label=_l("Email"))
    billing_street: Mapped[str | None] = field("text", label=_l("Street"), section="billing")
    billing_city: Mapped[str | None] = field("text", label=_l("City"), section="billing", filterable=True)
    billing_postcode: Mapped[str | None] = field("text", label=_l("Postcode"), section="billing", length=20)
    billing_country: Mapped[str | None] = field("select", label=_l("Country"), section="billing",
                                                options=COUNTRIES, filterable=True)
    shipping_street: Mapped[str | None] = field("text", label=_l("Street"), section="shipping")
    shipping_city: Mapped[str | None] = field("text", label=_l("City"), section="shipping")
    shipping_postcode: Mapped[str | None] = field("text", label=_l("Postcode"), section="shipping", length=20)
    shipping_country: Mapped[str | None] = field("select", label=_l("Country"), section="shipping",
                                                 options=COUNTRIES)
    parent_id: Mapped[int | None] = field("relation", label=_l("Parent account"), target="contacts_account")
    description: Mapped[str | None] = field("long_text", label=_l("Description"))


class Contact(Record, Base):
    __tablename__ = "contacts_contact"
    __entity__ = EntityInfo(_l("Contact"), _l("Contacts"), title="last_name",
                            title_parts=("first_name", "last_name"),
                            search=("first_name", "last_name", "email", "email2", "city"),
                            list_columns=("last_name", "first_name", "account_id", "city", "owner_id"))

    first_name: Mapped[str | None] = field("text", label=_l("First name"), length=100)
    last_name: Mapped[str] = field("text", label=_l("Last name"), required=True, length=100, filterable=True)
    job_title: Mapped[str | None] = field("text", label=_l("Job title"), length=120)
    email: Mapped[str | None] = field("email", label=_l("Email"), filterable=True)
    email2: Mapped[str | None] = field("email", label=_l("Other email"), filterable=True)
    phone: Mapped[str | None] = field("phone", label=_l("Phone"))
    mobile: Mapped[str | None] = field("phone", label=_l("Mobile phone"))
    account_id: Mapped[int | None] = field("relation", label=_l("Account"), target="contacts_account")
    street: Mapped[str | None] = field("text", label=_l("Street"), section="address")
    city: Mapped[str | None] = field("text", label=_l("City"), section="address")
    postcode: Mapped[str | None] = field("text", label=_l("Postcode"), section="address", length=20)
    country: Mapped[str | None] = field("select", label=_l("Country"), options=COUNTRIES, section="address")
    birthday: Mapped[date | None] = field("date", label=_l("Birthday"))
    language: Mapped[str | None] = field("select", label=_l("Preferred language"), options=LANGUAGES)
    description: Mapped[str | None] = field("long_text", label=_l("Description"))
    marketing_consent: Mapped[bool] = field("boolean", label=_l("Agrees to marketing email"), required=True,
                                            default=False, section="consent")
    consent_date: Mapped[date | None] = field("date", label=_l("Consent given on"), section="consent")
    consent_source: Mapped[str | None] = field("text", label=_l("Consent source"), section="consent", length=200,
                                               help=_l("Where the consent was given: a web form, an event, a call."))
    consent_text: Mapped[str | None] = field("long_text", label=_l("Text of consent"), section="consent",
                                             help=_l("The wording the person agreed to, as it was shown to them."))
