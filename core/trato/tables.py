"""Every table of the core, in one metadata: imported by whatever needs them all (the app, Alembic's env).

Each concern keeps its tables in its own models module, which imports only what it builds on; this module,
not `trato.models`, brings them together, so that no models module has to import the others.
"""
from __future__ import annotations

# Users, plugin state, counters and jobs; core_user.role_id refers to core_role, so roles come with them.
from . import models as _models  # noqa: F401
from .roles import models as _roles  # noqa: F401
# The history of CSV imports (trato.transfer) lives in the core's metadata and migrations too.
from .transfer import models as _transfer  # noqa: F401
# Notes, activities, attachments, tags, followers and notifications (trato.activity) too.
from .activity import models as _activity  # noqa: F401
# Saved views (smart lists) of the record pages (trato.views.saved).
from . import saved_views as _saved_views  # noqa: F401
# Companies (legal entities) and exchange rates by date (trato.companies, trato.currencies).
from .companies import models as _companies  # noqa: F401
# Numbering series and their counters per period (trato.numbering).
from . import numbering as _numbering  # noqa: F401
# Business calendars: working hours, seasons and holidays (trato.calendars).
from .calendars import models as _calendars  # noqa: F401
# Document templates edited by admins and the PDFs kept for issued records (trato.documents).
from .documents import models as _documents  # noqa: F401
# The mail outbox, mail templates and senders' profiles (trato.mail).
from .mail import models as _mail  # noqa: F401
# The filters that ran slow and the indexes made for them (trato.filter_indexes).
from .filter_indexes import models as _filter_indexes  # noqa: F401
# Mail fetched from mailboxes and what it was filed under (trato.mailin).
from .mailin import models as _mail_in  # noqa: F401
# Entities and fields admins defined, and each record's history (trato.entities, trato.records).
from .entities import meta as _meta  # noqa: F401
from .records import audit as _audit  # noqa: F401
# Sign-in: sessions, invitations, API tokens, second factors, throttling, the security log, blocked users.
from . import blocking as _blocking  # noqa: F401
from . import invites as _invites  # noqa: F401
from . import security_log as _security_log  # noqa: F401
from . import sessions as _sessions  # noqa: F401
from . import throttle as _throttle  # noqa: F401
from . import tokens as _tokens  # noqa: F401
from . import twofactor as _twofactor  # noqa: F401
# Permissions plugins declare, granted per role (trato.roles).
from .roles import extra_permissions as _extra_permissions  # noqa: F401
# API clients' Idempotency-Key claims (trato.api.idempotency).
from . import idempotency as _idempotency  # noqa: F401
