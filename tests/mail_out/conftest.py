from __future__ import annotations

from collections.abc import Iterator

import pytest

from ..support.smtp import Inbox, smtp_server


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    with smtp_server() as found:
        yield found


@pytest.fixture
def mail_app(make_app, smtp):
    """An app whose mail goes to the loopback server (jobs run in-process)."""
    _inbox, port = smtp
    return make_app(smtp_host="127.0.0.1", smtp_port=port, smtp_from="crm@example.com",
                    base_url="https://crm.example.com")
