"""schemathesis over the generated document: no request makes a 500, every response matches the document.

Each operation gets a few schema-valid requests and a few schema-violating
ones (which must be refused with a 4xx), each checked by schemathesis's
default checks but one: "schema-valid requests are accepted" cannot hold for
an opaque cursor, a sort list, or a filter's text, whose valid values no
JSON Schema spells out. The operations are walked here rather than through
schemathesis's pytest integration, which predates pytest 9.
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance

from trato import tokens

from .conftest import token_for, trade_plugin


@pytest.fixture
def trade_app(make_app):
    """The sample app with the lockout for bad credentials out of reach: schemathesis sends invalid credentials
    to every operation from one address and must see the 401 each earns (the lockout's 429 is
    test_rate_limits.py's)."""
    return make_app(plugins=["trade"], extra_plugins={"trade": trade_plugin}, api_max_failures_per_ip=1_000_000)


@pytest.fixture
def bearer(trade_app, ana):
    return {"Authorization": f"Bearer {token_for(trade_app, ana, tokens.WRITE)}"}


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_api_keeps_its_document(trade_app, bearer, make_record, ana, mode):
    make_record("trade_account", owner=ana, name="Acme")
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", trade_app, headers=bearer)
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy(mode))
        @settings(max_examples=5, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=bearer, excluded_checks=[positive_data_acceptance])

        check()
