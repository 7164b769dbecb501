"""schemathesis over the ledger's lines operations: the nested array, valid or not, never makes a 500 and every
answer matches the document."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance
from trato_ledger import plugin as ledger_plugin

from trato import records, tokens
from trato.testing import api_token


@pytest.fixture
def ledger_app(make_app):
    return make_app(plugins=["ledger"], extra_plugins={"ledger": ledger_plugin}, api_max_failures_per_ip=1_000_000)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_lines_operations_keep_their_document(ledger_app, make_user, mode):
    user = make_user(app=ledger_app)
    with ledger_app.app_context():
        records.create("ledger_order", {"name": "A-1", "lines": [{"quantity": "1"}]}, user=user)
    bearer = {"Authorization": f"Bearer {api_token(ledger_app, user, tokens.WRITE)}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", ledger_app, headers=bearer)
    for result in schema.get_all_operations():
        operation = result.ok()
        if "ledger_order" not in operation.path:
            continue

        @given(case=operation.as_strategy(mode))
        @settings(max_examples=8, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=bearer, excluded_checks=[positive_data_acceptance])

        check()
