"""What a plugin author gets to call the API in tests and from a shell: `api_client_as` and `trato user token`."""
from __future__ import annotations

from click.testing import CliRunner
from flask.cli import ScriptInfo
from trato import tokens
from trato.cli.users import user_group
from trato_trade import plugin as trade_plugin


def run(app, *args: str):
    return CliRunner().invoke(user_group, list(args), obj=ScriptInfo(create_app=lambda: app))


def test_api_client_as_calls_the_api_with_a_token_of_that_role(make_app, api_client_as, make_record):
    make_app(plugins=["trade"], extra_plugins={"trade": trade_plugin})  # the latest app, which the fixtures use
    rep = api_client_as("sales_rep")
    mine = rep.post("trade_account", json={"name": "Acme"})
    assert mine.status_code == 201 and mine.json["owner_id"] == rep.user.id
    make_record("trade_account", name="Not hers")
    assert [row["name"] for row in rep.get("trade_account").json["data"]] == ["Acme"]  # her scope: her own
    reader = api_client_as("admin", scope="read")
    assert sorted(row["name"] for row in reader.get("trade_account").json["data"]) == ["Acme", "Not hers"]
    assert reader.post("trade_account", json={"name": "No"}).json["type"] == "urn:trato:problem:read-only-token"


def test_trato_user_token_prints_a_working_token_once(make_app, make_user):
    app = make_app(plugins=["trade"], extra_plugins={"trade": trade_plugin})
    user = make_user(email="ana@example.com", role="sales_rep")
    made = run(app, "token", "ana@example.com", "--name", "CI sync", "--scope", "write")
    assert made.exit_code == 0, made.output
    text = made.stdout.strip().splitlines()[-1]
    assert text.startswith("trato_") and "not shown again" in made.stderr
    answer = app.test_client().get("/api/v1/trade_account", headers={"Authorization": f"Bearer {text}"})
    assert answer.status_code == 200 and answer.json["data"] == []
    with app.extensions["trato"].sessionmaker() as session:
        assert [(t.name, t.scope) for t in tokens.for_user(session, user)] == [("CI sync", "write")]
    unknown = run(app, "token", "nobody@example.com", "--name", "x")
    assert (unknown.exit_code != 0
            and "no user has the email nobody@example.com" in str(unknown.exception or unknown.output))
    nameless = run(app, "token", "ana@example.com", "--name", "  ")
    assert nameless.exit_code != 0 and "Give the token a name." in str(nameless.exception or nameless.output)
