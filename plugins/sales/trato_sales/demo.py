"""Demo data: a Spanish car dealer's pipelines with deals at every stage, leads from every source, rules and goals.

Account and company names are proper names; stage names, reasons and next
steps follow the chosen language. Deals belong to the contacts plugin's demo
accounts (found by name), so load after it (the core loads in dependency order).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, table, column
from sqlalchemy.orm import Session

from trato import demo_owners, directory, extras, fields

from .models import AssignmentRule, Deal, DealContact, Goal, Lead, LeadEvent, LostReason, Pipeline, ScoreRule, Stage
from .setup import FIRST_PIPELINE

ACCOUNTS = table("contacts_account", column("id"), column("name"), column("owner_id"), column("team_id"))
CONTACTS = table("contacts_contact", column("id"), column("account_id"))

OTHER_PIPELINES = {
    "en": [("Car sales", [("First visit", 10, "open", 7), ("Test drive", 30, "open", 7), ("Offer", 60, "open", 10),
                          ("Financing", 80, "open", 10), ("Delivered", 100, "won", None), ("Lost", 0, "lost", None)]),
           ("Services", [("Request", 20, "open", 5), ("Quote sent", 50, "open", 10), ("Signed", 100, "won", None),
                         ("Declined", 0, "lost", None)])],
    "es": [("Ventas de coches", [("Primera visita", 10, "open", 7), ("Prueba de conducción", 30, "open", 7),
                                 ("Oferta", 60, "open", 10), ("Financiación", 80, "open", 10),
                                 ("Entregado", 100, "won", None), ("Perdida", 0, "lost", None)]),
           ("Servicios", [("Solicitud", 20, "open", 5), ("Presupuesto enviado", 50, "open", 10),
                          ("Firmado", 100, "won", None), ("Rechazado", 0, "lost", None)])],
}

# The deals, in demo_deals.json (data, not code): name per language, account (by name), pipeline (0 first,
# 1 cars, 2 services), stage index, amount, days to close (negative: closed that long ago), next step key.
DEALS: list[dict[str, Any]] = json.loads((Path(__file__).parent / "demo_deals.json").read_text(encoding="utf-8"))
NEXT_STEPS = {
    "en": {"visit": "Visit the depot with the operations manager", "bank": "Send the bank's financing approval",
           "drive": "Book a test drive", "call": "Call to agree on needs", "quote": "Send the revised quote",
           "proposal": "Present the proposal"},
    "es": {"visit": "Visitar la base con el jefe de operaciones", "bank": "Enviar la aprobación de la financiera",
           "drive": "Reservar la prueba de conducción", "call": "Llamar para concretar necesidades",
           "quote": "Enviar el presupuesto revisado", "proposal": "Presentar la propuesta"},
}
LOST_REASON = {"en": "Chose a competitor's lower price", "es": "Eligió la oferta más barata de la competencia"}
# The scoring rules' names: web form, Spain, meeting, web visit, email opened.
RULE_NAMES = {"en": ("Web form", "Spain", "Meeting", "Web visit", "Email opened"),
              "es": ("Formulario web", "España", "Reunión", "Visita a la web", "Email abierto")}

# first name, last name, company, email, city, country, source, status, rating, events
LEADS: list[tuple[Any, ...]] = [
    ("Lorena", "Castillo Ortega", "Autoescuela Castillo", "lorena@autoescuelacastillo.example.es", "Toledo", "ES",
     "web_form", "new", "hot", ["form_submitted", "web_visit", "web_visit"]),
    ("Hugo", "Benítez Rey", "Logística Benítez", "hugo@logbenitez.example.es", "Vigo", "ES", "campaign", "contacted",
     "warm", ["email_opened", "link_clicked"]),
    ("Irene", "Salas Prieto", None, "irene.salas@correo.example.es", "Madrid", "ES", "manual", "new", "cold", []),
    ("Jorge", "Pascual Vidal", "Floristería Pascual", "jorge@floristeriapascual.example.es", "Valencia", "ES",
     "web_form", "qualified", "hot", ["form_submitted", "meeting"]),
    ("Noelia", "Cano Ruiz", "Catering Delicias", "noelia@cateringdelicias.example.es", "Zaragoza", "ES", "import",
     "contacted", "warm", ["email_opened"]),
    ("Rubén", "Molina Sanz", "Reformas Molina", "ruben@reformasmolina.example.es", "Alicante", "ES", "campaign",
     "unqualified", "cold", []),
    ("Fiona", "Walsh", "Walsh Tours", "fiona@walshtours.example.ie", "Cork", "IE", "web_form", "new", "warm",
     ["web_visit"]),
    ("Marc", "Dubois", "Dubois Transports", "marc@duboistransports.example.fr", "Lille", "FR", "import", "new", "cold",
     []),
]


def _stamp(owner: int | None, team: int | None = None) -> dict[str, Any]:
    now = datetime.now(timezone.utc)
    return {"created_at": now, "updated_at": now, "version": 1, "owner_id": owner, "team_id": team,
            "created_by": owner, "updated_by": owner}


def _pipeline(session: Session, name: str, stages: list[tuple[Any, ...]], position: int, owner: int | None
              ) -> tuple[int, list[tuple[int, Any]]]:
    """The pipeline of that name (made if missing) and its stages' ids, in order."""
    found = session.scalar(select(Pipeline.id).where(Pipeline.name == name))
    if found is None:
        found = session.execute(insert(Pipeline).returning(Pipeline.id),
                                {"name": name, "position": position, "active": True, **_stamp(owner)}).scalar_one()
        session.execute(insert(Stage), [
            {"name": stage, "pipeline_id": found, "position": i, "probability": Decimal(p), "outcome": outcome,
             "max_days": days, **_stamp(owner)} for i, (stage, p, outcome, days) in enumerate(stages, start=1)])
    rows = session.execute(select(Stage.id, Stage.position, Stage.probability, Stage.outcome)
                           .where(Stage.pipeline_id == found).order_by(Stage.position)).all()
    return found, [(row.id, row) for row in rows]


NOTES = {
    "en": "<p>Spoke with the buyer: they compare us with two other dealers. Price matters, but so does "
          "<strong>delivery before the summer</strong>.</p>",
    "es": "<p>Hablé con el comprador: nos compara con otros dos concesionarios. Importa el precio, pero también "
          "<strong>la entrega antes del verano</strong>.</p>",
}


@dataclass(frozen=True)
class _Author:
    """Who the demo says wrote its notes and activities (the first administrator): `trato.extras` needs an id."""

    id: int | None


def _follow_up(session: Session, deal_id: int, step: str, stage_index: int, owner: int | None, now: datetime,
               language: str) -> None:
    """A note on the deal and its next step as an activity: some overdue, some due soon."""
    author = _Author(owner)
    extras.add_note("sales_deal", deal_id, NOTES[language], author, session=session)
    extras.add_activity("sales_deal", deal_id, author, kind=("call", "meeting", "task")[stage_index % 3],
                        subject=step, due_at=now + timedelta(days=stage_index * 2 - 3, hours=2),
                        assignee_id=owner, session=session)


def load(session: Session, locale: str) -> None:
    """Add the demo pipelines, deals, leads, rules and goals to `session` (the core commits them)."""
    language = locale if locale in NEXT_STEPS else "en"
    admins = directory.administrators()
    owner = admins[0] if admins else None
    first = session.scalar(select(Pipeline.name).order_by(Pipeline.position, Pipeline.id).limit(1))
    name, stages = FIRST_PIPELINE[language]
    pipelines = [_pipeline(session, first or name, stages, 1, owner)]  # the one enabling the plugin made
    pipelines += [_pipeline(session, n, s, i, owner) for i, (n, s) in enumerate(OTHER_PIPELINES[language], start=2)]
    # A deal is its account's owner's (the demo's reps own the accounts, trato.demo_owners); leads go round them.
    reps = [(o.user_id, o.team_id) for o in demo_owners(session)] or [(owner, None)]
    holders = {name: (account_id, (rep_id, team)) for name, account_id, rep_id, team in session.execute(
        select(ACCOUNTS.c.name, ACCOUNTS.c.id, ACCOUNTS.c.owner_id, ACCOUNTS.c.team_id))}
    accounts = {name: account_id for name, (account_id, _holder) in holders.items()}
    reason = session.scalar(select(LostReason.id).where(LostReason.deleted_at.is_(None))
                            .order_by(LostReason.position, LostReason.id).limit(1))
    today = date.today()
    now = datetime.now(timezone.utc)
    for number, deal in enumerate(DEALS):
        account, stage_index, step = deal["account"], deal["stage"], deal["next_step"]
        seller, team = holders[account][1] if account in holders and holders[account][1][0] else \
            reps[number % len(reps)]
        pipeline_id, stage_rows = pipelines[deal["pipeline"]]
        stage_id, stage = stage_rows[stage_index]
        entered = now - timedelta(days=3 * (stage_index + 1))
        deal_id = session.execute(insert(Deal).returning(Deal.id), {
            "name": deal["name"][language], "account_id": accounts.get(account), "pipeline_id": pipeline_id,
            "stage_id": stage_id,
            "amount": Decimal(deal["amount"]), "amount_currency": fields.company_currency(),
            "close_date": today + timedelta(days=deal["days_to_close"]),
            "probability": stage.probability, "next_step": NEXT_STEPS[language].get(step) if step else None,
            "lost_reason": LOST_REASON[language] if stage.outcome == "lost" else None,
            "lost_reason_id": reason if stage.outcome == "lost" else None,
            "closed_on": entered.date() if stage.outcome != "open" else None,
            "stage_changed_at": entered,
            "reached_position": stage.position if stage.outcome != "lost" else stage_rows[1][1].position,
            **_stamp(seller, team)}).scalar_one()
        if step:
            _follow_up(session, deal_id, NEXT_STEPS[language][step], stage_index, seller, now, language)
        contact = session.scalar(select(CONTACTS.c.id).where(CONTACTS.c.account_id == accounts.get(account)).limit(1))
        if contact is not None:
            session.execute(insert(DealContact), {"deal_id": deal_id, "contact_id": contact, "role": "decision_maker",
                                                  **_stamp(seller, team)})
    rules = [(RULE_NAMES[language][0], "source", "eq", "web_form", None, 20),
             (RULE_NAMES[language][1], "country", "eq", "ES", None, 5),
             (RULE_NAMES[language][2], None, None, None, "meeting", 30),
             (RULE_NAMES[language][3], None, None, None, "web_visit", 5),
             (RULE_NAMES[language][4], None, None, None, "email_opened", 2)]
    session.execute(insert(ScoreRule), [
        {"name": n, "field_name": f, "operator": o, "value": v, "event": e, "points": p, "active": True,
         **_stamp(owner)} for n, f, o, v, e, p in rules])
    points = {e: p for _n, _f, _o, _v, e, p in rules if e}
    for number, (first, last, company, email, city, country, source, status, rating, events) in enumerate(LEADS):
        seller, team = reps[number % len(reps)]
        score = ((20 if source == "web_form" else 0) + (5 if country == "ES" else 0)
                 + sum(points.get(e, 0) for e in events))
        lifecycle = "sql" if status == "qualified" else ("mql" if score >= 50 else "lead")
        lead_id = session.execute(insert(Lead).returning(Lead.id), {
            "first_name": first, "last_name": last, "company": company, "email": email, "city": city,
            "country": country, "source": source, "status": status, "rating": rating, "score": score,
            "lifecycle": lifecycle, **_stamp(seller, team)}).scalar_one()
        for i, kind in enumerate(events):
            session.execute(insert(LeadEvent), {"lead_id": lead_id, "kind": kind,
                                                "occurred_at": now - timedelta(days=i + 1), **_stamp(seller, team)})
    session.execute(insert(AssignmentRule), {
        "name": "Web España" if language == "es" else "Web, Spain", "position": 1, "active": True,
        "source": "web_form", "country": "ES", "assignee_id": owner, **_stamp(owner)})
    quarter = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    quarter_end = date(quarter.year + quarter.month // 10, (quarter.month + 2) % 12 + 1, 1) - timedelta(days=1)
    for seller, team in reps:  # each rep's quarter (the administrator's where the demo made no reps)
        if seller is not None:
            session.execute(insert(Goal), {"user_id": seller, "period_start": quarter, "period_end": quarter_end,
                                           "amount": Decimal("80000.00" if team else "250000.00"),
                                           "amount_currency": fields.company_currency(), **_stamp(seller, team)})
