"""The deal form: the stage follows the pipeline (in the form and on the server), and the fields sales sets itself
("in this stage since", "furthest stage reached") are offered nowhere and refused from API clients."""
from __future__ import annotations

import re

from trato import records, tokens
from trato.models import User


def _stage_options(page: str) -> list[str]:
    select = re.search(r'<select id="stage_id" name="stage_id".*?</select>', page, re.S).group(0)
    return re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', select)


def _other_pipeline(app) -> tuple[int, int]:
    with app.app_context():
        other = records.create("sales_pipeline", {"name": "Servicios", "position": 2}, user=None)
        stage = records.create("sales_stage", {"name": "Solicitud", "pipeline_id": other.id, "position": 1},
                               user=None)
        return other.id, stage.id


def test_the_stage_list_holds_the_deals_pipelines_stages_only(sales_app, pipeline, make_deal, client_as):
    other, _stage = _other_pipeline(sales_app)
    deal = make_deal("Camión")
    page = client_as("admin").get(f"/r/sales_deal/{deal.id}/edit").text
    assert _stage_options(page) == list(pipeline.stages)
    pipeline_select = re.search(r'<select id="pipeline_id".*?>', page, re.S).group(0)
    assert ('hx-get="/r/sales_deal/input/stage_id' in pipeline_select
            and 'hx-target="#field-stage_id"' in pipeline_select)
    again = client_as("admin").get(f"/r/sales_deal/input/stage_id?pipeline_id={other}&stage_id={deal['stage_id']}")
    assert again.status_code == 200 and _stage_options(again.text) == ["Solicitud"]
    assert 'id="field-stage_id"' in again.text


def test_a_stage_of_another_pipeline_is_refused_at_the_stage(sales_app, pipeline, client_as):
    _other, foreign = _other_pipeline(sales_app)
    answer = client_as("admin").post("/r/sales_deal/new", data={
        "name": "Furgón", "pipeline_id": str(pipeline.id), "stage_id": str(foreign)})
    assert answer.status_code == 422
    error = re.search(r'<p class="field-error" id="stage_id-error">([^<]*)</p>', answer.text).group(1)
    assert "belongs to another pipeline" in error


def test_fields_sales_sets_itself_are_not_in_forms_imports_or_the_api(sales_app, pipeline, make_deal, client_as,
                                                                     make_user):
    deal = make_deal("Camión")
    page = client_as("admin").get(f"/r/sales_deal/{deal.id}/edit").text
    assert 'name="stage_changed_at"' not in page and 'name="reached_position"' not in page
    assert "In this stage since" not in page
    with sales_app.app_context():
        from trato.transfer.mapping import importable

        assert {"stage_changed_at", "reached_position"}.isdisjoint(importable(
            records.entity("sales_deal"), None, "create"))
    with sales_app.extensions["trato"].sessionmaker() as session:
        token = tokens.create(session, session.get(User, make_user(admin=True).id), "deals", tokens.WRITE, None)[1]
        session.commit()
    answer = sales_app.test_client().post("/api/v1/sales_deal", json={
        "name": "Grúa", "pipeline_id": pipeline.id, "stage_id": pipeline.stages["Proposal"],
        "reached_position": 9}, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 422
    assert "reached_position" in answer.json["errors"]


def test_the_goal_form_names_its_team_apart_from_the_records_team(sales_app, client_as):
    page = client_as("admin").get("/r/sales_goal/new").text
    labels = re.findall(r'<label for="[^"]+">([^<]+)</label>', page)
    assert labels.count("Team") == 1 and "Team the goal is for" in labels
