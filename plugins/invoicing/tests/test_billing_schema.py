"""Migration i002 makes billing's tables exactly as its models declare them."""
from __future__ import annotations

from trato.testing import migration_drift

import test_billing_support

invoicing_app = test_billing_support.invoicing_app  # the app in the euro, for the conftest's
BILLING = {"invoicing_payment", "invoicing_dunning_step", "invoicing_instalment", "invoicing_reminder_sent"}


def test_the_migration_matches_the_models(invoicing_app):
    drift = migration_drift(invoicing_app, "invoicing_")
    assert [d for d in drift if any(table in repr(d) for table in BILLING)] == []
