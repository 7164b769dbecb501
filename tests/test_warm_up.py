"""warm_up: what `trato.wsgi` does before gunicorn forks its workers."""
from __future__ import annotations

import logging

from trato import create_app
from trato.app import warm_up
from trato.settings import Settings


def test_a_database_that_does_not_answer_is_a_warning_not_a_failure(tmp_path, caplog):
    app = create_app(Settings(instance_path=tmp_path, secret_key="k",
                              database_url="postgresql://postgres@127.0.0.1:1/nothing_listens_here"))
    logger = logging.getLogger("trato")  # it does not propagate: Trato's logging has its own handler
    logger.addHandler(caplog.handler)
    try:
        warm_up(app)
    finally:
        logger.removeHandler(caplog.handler)
    assert "not warmed up: the database did not answer" in caplog.text


def test_a_ready_database_has_its_entities_built_before_any_request(make_app):
    ready = make_app(plugins=["contacts"])
    app = create_app(ready.extensions["trato"].settings)
    warm_up(app)
    registry = app.extensions["trato"].entities
    assert "contacts_contact" in {e.name for e in registry.all()}
    assert "dump" in vars(registry.get("contacts_contact"))  # the API's dumper is made already
