"""Demo data: Spanish, French, Irish and British customers with the people who work there.

Company names are proper names and stay as they are; what a person reads as
words (job titles, consent sources) follows the chosen language.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy.orm import Session

from trato import demo_owners

from .models import Account, Contact

# name, legal name, tax id, industry, website, phone, city, postcode, country, parent (index into this list)
ACCOUNTS: list[tuple[Any, ...]] = [
    ("Grupo Ruiz", "Grupo Ruiz Inversiones S.A.", "A50988344", "finance", "https://gruporuiz.example.es",
     "+34 976 200 100", "Zaragoza", "50004", "ES", None),
    ("Talleres Hermanos Ruiz", "Talleres Hermanos Ruiz S.L.", "B50123454", "manufacturing",
     "https://talleresruiz.example.es", "+34 976 512 300", "Zaragoza", "50197", "ES", 0),
    ("Bodegas Valdelosa", "Bodegas Valdelosa S.A.", "A26347815", "agriculture", "https://valdelosa.example.es",
     "+34 941 287 654", "Logroño", "26006", "ES", None),
    ("Clínica Dental Sonrisa", "Clínica Dental Sonrisa S.L.P.", "B97234108", "health", None,
     "+34 963 410 222", "Valencia", "46004", "ES", None),
    ("Hotel Mirador de la Bahía", "Mirador de la Bahía Hoteles S.L.", "B39045182", "hospitality",
     "https://miradorbahia.example.es", "+34 942 311 900", "Santander", "39004", "ES", None),
    ("Transportes Levante Express", "Transportes Levante Express S.A.", "A30118723", "transport", None,
     "+34 968 245 870", "Murcia", "30009", "ES", None),
    ("Fundación Educa Futuro", "Fundación Educa Futuro", "G84563212", "education", "https://educafuturo.example.org",
     "+34 915 778 040", "Madrid", "28010", "ES", None),
    ("Nortech Software", "Nortech Software Solutions S.L.", "B95472163", "technology", "https://nortech.example.com",
     "+34 944 055 610", "Bilbao", "48009", "ES", None),
    ("Maison Lefèvre", "Maison Lefèvre SARL", "FR40303265045", "retail", "https://maisonlefevre.example.fr",
     "+33 4 72 41 18 90", "Lyon", "69002", "FR", None),
    ("Liffey Analytics", "Liffey Analytics Limited", "IE6388047V", "professional", "https://liffey.example.ie",
     "+353 1 554 2100", "Dublin", "D02 XY45", "IE", None),
    ("Harbour Lane Consulting", "Harbour Lane Consulting Ltd", None, "professional",
     "https://harbourlane.example.co.uk", "+44 20 7946 0321", "London", "EC2A 4NE", "GB", None),
]

# first name, last name, account (index), job title key, email, phone, city, country, language, birthday, consent
CONTACTS: list[tuple[Any, ...]] = [
    ("Javier", "Ruiz Lacasa", 0, "ceo", "javier.ruiz@gruporuiz.example.es", "+34 976 200 101", "Zaragoza", "ES", "es",
     date(1966, 3, 14), False),
    ("Pilar", "Gimeno Sanz", 0, "cfo", "pilar.gimeno@gruporuiz.example.es", "+34 976 200 105", "Zaragoza", "ES", "es",
     None, True),
    ("Andrés", "Ruiz Lacasa", 1, "plant", "andres@talleresruiz.example.es", "+34 976 512 301", "Zaragoza", "ES", "es",
     date(1971, 9, 2), False),
    ("Lucía", "Marco Pérez", 1, "buyer", "compras@talleresruiz.example.es", "+34 976 512 310", "Zaragoza", "ES", "es",
     None, True),
    ("Carmen", "Sáenz de Valdelosa", 2, "ceo", "carmen@valdelosa.example.es", "+34 941 287 650", "Logroño", "ES", "es",
     date(1958, 11, 23), True),
    ("Iñaki", "Olarte Ibáñez", 2, "export", "export@valdelosa.example.es", "+34 941 287 660", "Haro", "ES", "en",
     None, True),
    ("Elena", "Vidal Soler", 3, "owner", "elena.vidal@sonrisa.example.es", "+34 963 410 220", "Valencia", "ES", "es",
     date(1980, 5, 6), False),
    ("Marcos", "Ferrer Llopis", 3, "office", "recepcion@sonrisa.example.es", "+34 963 410 221", "Valencia", "ES", "es",
     None, False),
    ("Beatriz", "Gutiérrez Cobo", 4, "manager", "direccion@miradorbahia.example.es", "+34 942 311 901", "Santander",
     "ES", "es", None, True),
    ("Tomás", "Revuelta Haya", 4, "events", "eventos@miradorbahia.example.es", "+34 942 311 915", "Santander", "ES",
     "es", date(1988, 1, 19), True),
    ("Francisco", "Sánchez Martínez", 5, "ops", "fsanchez@levanteexpress.example.es", "+34 968 245 871", "Murcia", "ES",
     "es", None, False),
    ("Rocío", "Navarro Gil", 5, "buyer", "compras@levanteexpress.example.es", "+34 968 245 880", "Cartagena", "ES",
     "es", None, True),
    ("Alberto", "Moreno Castaño", 6, "director", "amoreno@educafuturo.example.org", "+34 915 778 041", "Madrid", "ES",
     "es", date(1975, 7, 30), True),
    ("Sara", "Domínguez Rey", 6, "projects", "sara.dominguez@educafuturo.example.org", "+34 915 778 052", "Madrid",
     "ES", "en", None, True),
    ("Aitor", "Etxeberria Goñi", 7, "cto", "aitor@nortech.example.com", "+34 944 055 611", "Bilbao", "ES", "es",
     date(1984, 12, 8), False),
    ("Nerea", "Uriarte Lasa", 7, "sales", "nerea@nortech.example.com", "+34 944 055 620", "Getxo", "ES", "en",
     None, True),
    ("Claire", "Lefèvre", 8, "owner", "claire@maisonlefevre.example.fr", "+33 4 72 41 18 91", "Lyon", "FR", "en",
     date(1979, 4, 17), True),
    ("Julien", "Moreau", 8, "buyer", "achats@maisonlefevre.example.fr", "+33 4 72 41 18 95", "Lyon", "FR", "en",
     None, False),
    ("Siobhán", "Byrne", 9, "ceo", "siobhan.byrne@liffey.example.ie", "+353 1 554 2101", "Dublin", "IE", "en",
     None, True),
    ("Declan", "Murphy", 9, "cfo", "declan.murphy@liffey.example.ie", "+353 1 554 2110", "Dublin", "IE", "en",
     date(1969, 10, 3), False),
    ("Oliver", "Hughes", 10, "director", "oliver.hughes@harbourlane.example.co.uk", "+44 20 7946 0322", "London", "GB",
     "en", None, True),
    ("Priya", "Shah", 10, "projects", "priya.shah@harbourlane.example.co.uk", "+44 20 7946 0330", "London", "GB", "en",
     None, True),
    ("Emma", "Clarke", 10, "office", "office@harbourlane.example.co.uk", "+44 20 7946 0300", "Reading", "GB", "en",
     None, False),
    ("María", "López Fernández", None, None, "maria.lopez@correo.example.es", "+34 600 123 456", "Sevilla", "ES", "es",
     date(1990, 2, 11), True),
    ("David", "Thompson", None, None, "d.thompson@mail.example.com", "+44 7700 900123", "Málaga", "ES", "en",
     None, False),
    # Entered twice, as happens: the contact pages show them as likely duplicates, ready to merge.
    ("Nerea", "Uriarte", 7, "sales", "nerea@nortech.example.com", None, "Getxo", "ES", "en", None, False),
]

TITLES = {
    "en": {"ceo": "Managing director", "cfo": "Chief financial officer", "plant": "Plant manager",
           "buyer": "Purchasing manager", "export": "Export manager", "owner": "Owner", "office": "Office manager",
           "manager": "General manager", "events": "Events coordinator", "ops": "Operations manager",
           "director": "Director", "projects": "Project lead", "cto": "Chief technology officer",
           "sales": "Sales manager"},
    "es": {"ceo": "Director general", "cfo": "Directora financiera", "plant": "Jefe de planta",
           "buyer": "Responsable de compras", "export": "Responsable de exportación", "owner": "Propietaria",
           "office": "Responsable de administración", "manager": "Directora del hotel",
           "events": "Coordinador de eventos", "ops": "Jefe de operaciones", "director": "Director",
           "projects": "Responsable de proyectos", "cto": "Director técnico", "sales": "Responsable comercial"},
}
CONSENT_SOURCE = {"en": "Newsletter sign-up form on the website", "es": "Formulario de suscripción de la web"}
CONSENT_TEXT = {
    "en": "I agree to receive the monthly newsletter and offers by email. I can unsubscribe at any time with the "
          "link at the end of each message.",
    "es": "Acepto recibir por correo electrónico el boletín mensual y ofertas. Puedo darme de baja en cualquier "
          "momento con el enlace al final de cada mensaje.",
}
# Where some accounts receive goods, when not at their billing address: index into ACCOUNTS → street, city,
# postcode, country.
SHIPPING = {
    1: ("Polígono Industrial Malpica, calle E 14", "Zaragoza", "50016", "ES"),
    2: ("Carretera de Haro km 3", "Haro", "26200", "ES"),
    5: ("Centro de Transportes, nave 7", "Murcia", "30169", "ES"),
    8: ("12 rue de la Charité", "Lyon", "69002", "FR"),
}
# Second details of some people, by index into CONTACTS: mobile phone, other email, street, postcode.
EXTRA = {
    0: ("+34 629 410 332", None, "Paseo de la Independencia 21", "50001"),
    4: ("+34 659 870 114", "carmen.saenz@correo.example.es", None, None),
    14: ("+34 688 201 745", None, "Calle Ercilla 8", "48009"),
    16: ("+33 6 12 34 56 78", "claire.lefevre@mail.example.fr", None, None),
    23: (None, None, "Calle Feria 40", "41003"),
    24: (None, "david.thompson@correo.example.es", "Calle Larios 5", "29005"),
}
CONSENT_DATE = date(2025, 3, 1)


def stamped(model: type[Account | Contact], **values: Any) -> Any:
    """A new record with the record columns a write through the service would have set."""
    now = datetime.now(timezone.utc)
    return model(created_at=now, updated_at=now, version=1, **values)


def load(session: Session, locale: str) -> None:
    """Add the demo accounts and contacts to `session` (the core commits them with every plugin's)."""
    language = locale if locale in TITLES else "en"
    owners = demo_owners(session)  # the demo's reps own the accounts in turn, and each account's people
    accounts: list[Account] = []
    for index, (name, legal, tax_id, industry, website, phone, city, postcode, country, parent) in enumerate(ACCOUNTS):
        ship_street, ship_city, ship_postcode, ship_country = SHIPPING.get(index, (None, None, None, None))
        owner = owners[index % len(owners)] if owners else None
        account = stamped(Account, owner_id=owner and owner.user_id, team_id=owner and owner.team_id, name=name,
                          legal_name=legal, tax_id=tax_id, industry=industry, website=website,
                          phone=phone, email=None, billing_city=city, billing_postcode=postcode,
                          billing_country=country, shipping_street=ship_street, shipping_city=ship_city,
                          shipping_postcode=ship_postcode, shipping_country=ship_country,
                          parent_id=accounts[parent].id if parent is not None else None)
        session.add(account)
        session.flush()  # the id, for subsidiaries and contacts
        accounts.append(account)
    for index, (first, last, account, title, email, phone, city, country, lang, birthday, consent) in \
            enumerate(CONTACTS):
        mobile, email2, street, postcode = EXTRA.get(index, (None, None, None, None))
        holder = accounts[account] if account is not None else None
        alone = owners[index % len(owners)] if owners else None  # a person with no account: the next rep's
        owner_id, team_id = (holder.owner_id, holder.team_id) if holder is not None else \
            (alone and alone.user_id, alone and alone.team_id)
        session.add(stamped(
            Contact, owner_id=owner_id, team_id=team_id,
            first_name=first, last_name=last, account_id=holder.id if holder is not None else None,
            job_title=TITLES[language][title] if title else None, email=email, email2=email2, phone=phone,
            mobile=mobile, street=street, city=city, postcode=postcode, country=country, language=lang,
            birthday=birthday, marketing_consent=consent, consent_date=CONSENT_DATE if consent else None,
            consent_source=CONSENT_SOURCE[language] if consent else None,
            consent_text=CONSENT_TEXT[language] if consent else None,
        ))
