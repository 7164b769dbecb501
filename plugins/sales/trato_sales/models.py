"""Sales entities: pipelines and their stages, leads, deals, the people in a deal, and the rules behind them.

All are entities of the record service, so each gets the API, the generic
pages, the role matrix, import and export; the board, funnel, forecast and
conversion pages are the plugin's own.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import Index
from sqlalchemy.orm import Mapped

from trato import Base, EntityInfo, Money, Record, field

OUTCOMES = [("open", _l("Open")), ("won", _l("Won")), ("lost", _l("Lost"))]
LEAD_SOURCES = [("web_form", _l("Web form")), ("import", _l("Import")), ("manual", _l("Manual")),
                ("campaign", _l("Campaign"))]
LEAD_STATUSES = [("new", _l("New")), ("contacted", _l("Contacted")), ("qualified", _l("Qualified")),
                 ("unqualified", _l("Unqualified")), ("converted", _l("Converted"))]
RATINGS = [("hot", _l("Hot")), ("warm", _l("Warm")), ("cold", _l("Cold"))]
# Marketing- and sales-qualified: reached from the score (rules' thresholds), or set by hand.
LIFECYCLE = [("lead", _l("Lead")), ("mql", _l("Marketing qualified (MQL)")), ("sql", _l("Sales qualified (SQL)"))]
DEAL_ROLES = [("decision_maker", _l("Decision maker")), ("influencer", _l("Influencer")),
              ("champion", _l("Champion")), ("evaluator", _l("Evaluator")), ("user", _l("User")),
              ("other", _l("Other"))]
EVENTS = [("email_opened", _l("Opened an email")), ("link_clicked", _l("Clicked a link")),
          ("web_visit", _l("Visited the website")), ("form_submitted", _l("Submitted a web form")),
          ("meeting", _l("Had a meeting"))]
RULE_OPERATORS = [("eq", _l("is")), ("ne", _l("is not")), ("contains", _l("contains")),
                  ("isnull", _l("is empty")), ("notnull", _l("is not empty"))]


class Pipeline(Record, Base):
    __tablename__ = "sales_pipeline"
    __entity__ = EntityInfo(_l("Pipeline"), _l("Pipelines"), title="name", search=("name",),
                            list_columns=("name", "position", "active"))

    name: Mapped[str] = field("text", label=_l("Name"), required=True, length=120, unique=True)
    position: Mapped[int | None] = field("integer", label=_l("Order"))
    active: Mapped[bool] = field("boolean", label=_l("Active"), required=True, default=True)


class Stage(Record, Base):
    __tablename__ = "sales_stage"
    __entity__ = EntityInfo(_l("Stage"), _l("Stages"), title="name", search=("name",),
                            list_columns=("name", "pipeline_id", "position", "probability", "outcome"))

    name: Mapped[str] = field("text", label=_l("Name"), required=True, length=120)
    pipeline_id: Mapped[int] = field("relation", label=_l("Pipeline"), target="sales_pipeline", required=True)
    position: Mapped[int] = field("integer", label=_l("Order"), required=True, default=0)
    probability: Mapped[Decimal | None] = field("percent", label=_l("Probability"))
    outcome: Mapped[str] = field("select", label=_l("Meaning"), options=OUTCOMES, required=True, default="open")
    max_days: Mapped[int | None] = field("integer", label=_l("Days before a deal is flagged"),
                                         help=_l("Deals that stay longer in this stage are flagged on the board."))


class LostReason(Record, Base):
    """Why deals are lost: the list a lost deal's reason is chosen from, kept by administrators."""

    __tablename__ = "sales_lost_reason"
    __entity__ = EntityInfo(_l("Lost reason"), _l("Lost reasons"), title="name", search=("name",),
                            list_columns=("name", "position", "active"))

    name: Mapped[str] = field("text", label=_l("Name"), required=True, length=120, unique=True)
    position: Mapped[int | None] = field("integer", label=_l("Order"))
    active: Mapped[bool] = field("boolean", label=_l("Active"), required=True, default=True,
                                 help=_l("Inactive reasons stay on the deals that have them but are no longer "
                                         "offered."))


class Lead(Record, Base):
    __tablename__ = "sales_lead"
    # The leads list leaves converted ones out until its filter is removed.
    __entity__ = EntityInfo(_l("Lead"), _l("Leads"), title="last_name", title_parts=("first_name", "last_name"),
                            list_filter={"status__ne": "converted"},
                            search=("first_name", "last_name", "company", "email"),
                            list_columns=("last_name", "first_name", "company", "status", "rating", "score",
                                          "owner_id"))

    first_name: Mapped[str | None] = field("text", label=_l("First name"), length=100)
    last_name: Mapped[str] = field("text", label=_l("Last name"), required=True, length=100)
    company: Mapped[str | None] = field("text", label=_l("Company"), length=200, filterable=True)
    tax_id: Mapped[str | None] = field("text", label=_l("Company tax ID"), length=20)
    job_title: Mapped[str | None] = field("text", label=_l("Job title"), length=120)
    email: Mapped[str | None] = field("email", label=_l("Email"), filterable=True)
    phone: Mapped[str | None] = field("phone", label=_l("Phone"))
    city: Mapped[str | None] = field("text", label=_l("City"), filterable=True)
    country: Mapped[str | None] = field("text", label=_l("Country"), length=2, filterable=True,
                                        help=_l("Two-letter code, such as ES."))
    source: Mapped[str] = field("select", label=_l("Source"), options=LEAD_SOURCES, required=True,
                                default="manual", filterable=True)
    status: Mapped[str] = field("select", label=_l("Status"), options=LEAD_STATUSES, required=True, default="new",
                                filterable=True)
    rating: Mapped[str | None] = field("select", label=_l("Rating"), options=RATINGS, filterable=True)
    score: Mapped[int | None] = field("integer", label=_l("Score"), filterable=True,
                                      help=_l("Computed from the scoring rules."))
    lifecycle: Mapped[str] = field("select", label=_l("Stage"), options=LIFECYCLE, required=True, default="lead",
                                   filterable=True)
    description: Mapped[str | None] = field("long_text", label=_l("Description"))
    converted_at: Mapped[datetime | None] = field("datetime", label=_l("Converted"), section="conversion")
    account_id: Mapped[int | None] = field("relation", label=_l("Account"), target="contacts_account",
                                           section="conversion")
    contact_id: Mapped[int | None] = field("relation", label=_l("Contact"), target="contacts_contact",
                                           section="conversion")
    deal_id: Mapped[int | None] = field("relation", label=_l("Deal"), target="sales_deal", section="conversion")


class Deal(Record, Base):
    __tablename__ = "sales_deal"
    __entity__ = EntityInfo(_l("Deal"), _l("Deals"), title="name", search=("name", "next_step"),
                            list_columns=("name", "account_id", "stage_id", "amount", "close_date", "owner_id"))
    # A board column: one stage's deals by close date (views.board). Without it the column walks the
    # close-date index past every other stage's deals: 160 ms for a stage of a 100,000-deal pipeline.
    __table_args__ = (Index("ix_sales_deal_board", "stage_id", "close_date", "id"),)

    name: Mapped[str] = field("text", label=_l("Name"), required=True, length=200)
    account_id: Mapped[int | None] = field("relation", label=_l("Account"), target="contacts_account")
    pipeline_id: Mapped[int] = field("relation", label=_l("Pipeline"), target="sales_pipeline", required=True)
    stage_id: Mapped[int] = field("relation", label=_l("Stage"), target="sales_stage", required=True,
                                  within="pipeline_id")
    amount: Mapped[Money | None] = field("money", label=_l("Amount"))
    close_date: Mapped[date | None] = field("date", label=_l("Expected close date"), filterable=True)
    # Set by the plugin when the deal moves to a won or lost stage (closing.py); goals and the forecast count by it.
    closed_on: Mapped[date | None] = field("date", label=_l("Closed on"), filterable=True,
                                           help=_l("The day the deal was won or lost; filled in when it moves "
                                                   "to a won or lost stage."))
    probability: Mapped[Decimal | None] = field("percent", label=_l("Probability"),
                                                help=_l("Taken from the stage unless you change it."))
    lost_reason_id: Mapped[int | None] = field("relation", label=_l("Lost reason"), target="sales_lost_reason",
                                               help=_l("Required when the deal is lost."))
    lost_reason: Mapped[str | None] = field("text", label=_l("Lost reason details"), length=200)
    next_step: Mapped[str | None] = field("text", label=_l("Next step"), length=200)
    stage_changed_at: Mapped[datetime | None] = field("datetime", label=_l("In this stage since"), system_set=True)
    # The furthest stage (by order) the deal has reached, kept when it is lost: the funnel counts from it.
    reached_position: Mapped[int | None] = field("integer", label=_l("Furthest stage reached"), system_set=True)


class DealContact(Record, Base):
    """A person taking part in a deal, and their role in it."""

    __tablename__ = "sales_deal_contact"
    __entity__ = EntityInfo(_l("Deal contact"), _l("Deal contacts"), list_columns=("deal_id", "contact_id", "role"),
                            title_pattern="{contact_id} — {deal_id}")

    deal_id: Mapped[int] = field("relation", label=_l("Deal"), target="sales_deal", required=True)
    contact_id: Mapped[int] = field("relation", label=_l("Contact"), target="contacts_contact", required=True)
    role: Mapped[str | None] = field("select", label=_l("Role in the deal"), options=DEAL_ROLES)


class LeadEvent(Record, Base):
    """Something a lead did (opened an email, visited the site) that scoring rules can give points for."""

    __tablename__ = "sales_lead_event"
    __entity__ = EntityInfo(_l("Lead activity"), _l("Lead activity"), list_columns=("lead_id", "kind", "occurred_at"),
                            title_pattern="{kind} — {lead_id}")

    lead_id: Mapped[int] = field("relation", label=_l("Lead"), target="sales_lead", required=True)
    kind: Mapped[str] = field("select", label=_l("What happened"), options=EVENTS, required=True)
    occurred_at: Mapped[datetime | None] = field("datetime", label=_l("When"))


class ScoreRule(Record, Base):
    """Points a lead earns: for a field condition, or for each engagement event of a kind."""

    __tablename__ = "sales_score_rule"
    __entity__ = EntityInfo(_l("Scoring rule"), _l("Scoring rules"), title="name",
                            list_columns=("name", "field_name", "operator", "value", "event", "points"))

    name: Mapped[str] = field("text", label=_l("Name"), required=True, length=120)
    field_name: Mapped[str | None] = field("text", label=_l("Lead field"), length=64,
                                           help=_l("The field's name, such as source or country."))
    operator: Mapped[str | None] = field("select", label=_l("Condition"), options=RULE_OPERATORS)
    value: Mapped[str | None] = field("text", label=_l("Value"), length=200)
    event: Mapped[str | None] = field("select", label=_l("Or, for each event"), options=EVENTS)
    points: Mapped[int] = field("integer", label=_l("Points"), required=True, default=0)
    active: Mapped[bool] = field("boolean", label=_l("Active"), required=True, default=True)


class AssignmentRule(Record, Base):
    """Who gets a new lead: the first active rule (by order) whose conditions match decides."""

    __tablename__ = "sales_assignment_rule"
    __entity__ = EntityInfo(_l("Assignment rule"), _l("Assignment rules"), title="name",
                            list_columns=("name", "position", "source", "country", "assignee_id", "team"))

    name: Mapped[str] = field("text", label=_l("Name"), required=True, length=120)
    position: Mapped[int] = field("integer", label=_l("Order"), required=True, default=0)
    active: Mapped[bool] = field("boolean", label=_l("Active"), required=True, default=True)
    source: Mapped[str | None] = field("select", label=_l("When the source is"), options=LEAD_SOURCES)
    country: Mapped[str | None] = field("text", label=_l("When the country is"), length=2)
    city: Mapped[str | None] = field("text", label=_l("When the city is"))
    assignee_id: Mapped[int | None] = field("user", label=_l("Assign to"))
    team: Mapped[int | None] = field("team", label=_l("Or round-robin in team"))
    last_user_id: Mapped[int | None] = field("user", label=_l("Last assigned"))


class Goal(Record, Base):
    """A sales goal (quota): an amount to win in a period, by a person or a team."""

    __tablename__ = "sales_goal"
    __entity__ = EntityInfo(_l("Sales goal"), _l("Sales goals"),
                            list_columns=("user_id", "team", "period_start", "period_end", "amount"))

    user_id: Mapped[int | None] = field("user", label=_l("Salesperson"))
    # Not "Team": every record has a team of its own (team_id, who it belongs to), shown in the same form.
    team: Mapped[int | None] = field("team", label=_l("Team the goal is for"), help=_l("Instead of a person."))
    period_start: Mapped[date] = field("date", label=_l("From"), required=True)
    period_end: Mapped[date] = field("date", label=_l("To"), required=True)
    amount: Mapped[Money] = field("money", label=_l("Amount to win"), required=True)


ENTITIES = [Pipeline, Stage, LostReason, Lead, Deal, DealContact, LeadEvent, ScoreRule, AssignmentRule, Goal]
