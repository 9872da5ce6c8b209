"""Generated bad input at every public entry point: a clear error naming the field, exit code 2 or HTTP 4xx, never a
traceback, and nothing half-written.

Each property runs on at least 60 generated inputs (hypothesis). Inputs are bad by construction (an unknown key, a
value of the wrong type, a string where a number belongs, random JSON where a game belongs), so every example must be
refused, and the test checks how.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from reasonsuite.agents.arenas.games import GameError, parse_game
from reasonsuite.app.api import ApiSettings, create_app
from reasonsuite.app.ui.structural_form import FormError, numbers
from reasonsuite.cli import app as reasonsuite_cli
from reasonsuite.data import load_rack_problems
from reasonsuite.llm import ConfigError, LLMConfig
from reasonsuite.posttrain.cli import app as posttrain_cli
from reasonsuite.tools import list_tools

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
TOOLS = sorted(tool.name for tool in list_tools())

json_scalars = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
# Keys no tool, schema or config declares (they all forbid unknown keys).
unknown_keys = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12).map(lambda s: f"zz_{s}")
not_a_number = (
    st.text(alphabet="abcxyz!?/ ", min_size=1, max_size=10) | st.just("") | st.lists(st.integers(), max_size=2)
)


def _plain(text: str) -> str:
    return " ".join(text.split())


def assert_clean_refusal(result, *names: str) -> None:
    """Exit code 2, an `error:` line naming one of `names`, and no traceback."""
    output = _plain(result.output)
    assert result.exit_code == 2, output
    assert "Traceback" not in output and result.exception is None or isinstance(result.exception, SystemExit)
    assert "error:" in output
    assert any(name in output for name in names), f"none of {names} named in: {output}"


# --- tools: the CLI and the HTTP routes ------------------------------------------------------------------------------


@pytest.mark.parametrize("tool", TOOLS)
@FUZZ
@given(data=st.data())
def test_a_tool_cli_refuses_an_unknown_field_by_name(tool: str, data) -> None:
    payload = data.draw(st.dictionaries(unknown_keys, json_values, min_size=1, max_size=3))
    result = CliRunner().invoke(reasonsuite_cli, ["tool", tool, "--json", json.dumps(payload)])
    assert_clean_refusal(result, *payload)


@FUZZ
@given(text=st.text(max_size=40).filter(lambda t: not t.strip().startswith("{")))
def test_the_tool_cli_refuses_text_that_is_not_a_json_object(text: str) -> None:
    result = CliRunner().invoke(reasonsuite_cli, ["tool", "seismic_hazard", "--json", text])
    assert_clean_refusal(result, "--json")


@pytest.fixture(scope="module")
def api(tmp_path_factory) -> TestClient:
    settings_ = ApiSettings(runs_dir=tmp_path_factory.mktemp("api-runs"))
    with TestClient(create_app(settings_, with_mcp=False)) as client:
        yield client


@FUZZ
@given(tool=st.sampled_from(TOOLS), payload=st.dictionaries(unknown_keys, json_values, min_size=1, max_size=3))
def test_a_tool_route_answers_422_naming_the_field(api: TestClient, tool: str, payload: dict[str, Any]) -> None:
    response = api.post(f"/v1/tools/{tool}", json=payload)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["field"] and any(key in error["message"] or key in error["field"] for key in payload), error


@FUZZ
@given(body=json_values.filter(lambda v: not isinstance(v, dict)))
def test_a_masse_run_request_that_is_not_an_object_is_a_422(api: TestClient, body: Any) -> None:
    response = api.post("/v1/masse/runs", json=body)
    assert response.status_code == 422
    assert response.json()["error"]["type"] == "invalid_request"


# --- MASSE problems --------------------------------------------------------------------------------------------------

SAMPLE = load_rack_problems()["1"].model_dump(mode="json")
NUMERIC_FIELDS = ["bays", "pallets_per_beam", "beam_length_ft", "frame_width_ft", "frame_height_ft"]


@FUZZ
@given(field=st.sampled_from(NUMERIC_FIELDS), value=not_a_number)
def test_a_rack_problem_file_with_a_non_number_names_the_field(tmp_path: Path, field: str, value: Any) -> None:
    problem_file = tmp_path / "problem.json"
    problem_file.write_text(json.dumps({**SAMPLE, field: value}))
    result = CliRunner().invoke(reasonsuite_cli, ["rack", "check", "--problem-file", str(problem_file)])
    assert_clean_refusal(result, field)


@FUZZ
@given(field=st.sampled_from(NUMERIC_FIELDS), value=not_a_number | st.integers(max_value=-1))
def test_a_masse_run_with_a_bad_problem_field_is_a_422_naming_it(api: TestClient, field: str, value: Any) -> None:
    response = api.post("/v1/masse/runs", json={"problem": {**SAMPLE, field: value}})
    assert response.status_code == 422, response.text
    assert field in response.json()["error"]["field"]


# --- game files ------------------------------------------------------------------------------------------------------


@FUZZ
@given(raw=json_values)
def test_random_json_as_a_game_is_a_game_error_naming_a_field(raw: Any) -> None:
    with pytest.raises(GameError) as refused:
        parse_game("fuzzed", raw, "games.json")
    assert "games.json" in str(refused.value)


@FUZZ
@given(payoffs=json_values, kind=st.sampled_from(["matrix", "sequential", "ultimatum"]))
def test_a_game_with_bad_payoffs_is_a_game_error(payoffs: Any, kind: str) -> None:
    raw = {"kind": kind, "payoffs": payoffs, "players": ["a", "b"]}
    try:
        parse_game("fuzzed", raw, "games.json")
    except GameError as err:
        assert "games.json" in str(err)


# --- configs: LLM, posttrain, UI form fields -------------------------------------------------------------------------

LLM_NUMBER_FIELDS = ["temperature", "top_p", "max_new_tokens", "batch_size", "max_concurrency", "timeout_s"]


@FUZZ
@given(field=st.sampled_from(LLM_NUMBER_FIELDS), value=not_a_number)
def test_an_llm_config_value_that_is_not_a_number_names_the_field(field: str, value: Any) -> None:
    with pytest.raises(ConfigError, match=field):
        LLMConfig.load(backend="hf", **{field: value})


@FUZZ
@given(key=unknown_keys, value=json_values)
def test_an_unknown_llm_config_key_in_a_file_names_it(tmp_path: Path, key: str, value: Any) -> None:
    path = tmp_path / "llm.yaml"
    path.write_text(json.dumps({"backend": "hf", key: value}))  # JSON is YAML
    with pytest.raises(ConfigError, match=key):
        LLMConfig.load(path)


POSTTRAIN_NUMBER_KEYS = ["trainer.max_steps", "trainer.learning_rate", "lora.r", "lora.alpha", "data.eval_examples"]


@FUZZ
@given(key=st.sampled_from(POSTTRAIN_NUMBER_KEYS), value=st.text(alphabet="abcxyz", min_size=1, max_size=8))
def test_a_posttrain_override_with_a_non_number_names_the_key(key: str, value: str) -> None:
    args = ["sft", "--config", "sft-smollm2-cpu", "--set", f"{key}={value}", "--print-config"]
    result = CliRunner().invoke(posttrain_cli, args)
    assert_clean_refusal(result, key.split(".")[-1])


@FUZZ
@given(section=st.sampled_from(["", "trainer.", "lora.", "data."]), key=unknown_keys)
def test_an_unknown_posttrain_key_is_refused_by_name(section: str, key: str) -> None:
    args = ["rlvr", "--config", "rlvr-smollm2-cpu", "--set", f"{section}{key}=1", "--print-config"]
    result = CliRunner().invoke(posttrain_cli, args)
    assert_clean_refusal(result, key)


@FUZZ
@given(text=st.text(alphabet="abc;:!?xyz", min_size=1, max_size=20) | st.sampled_from(["nan", "4, inf", "", " , ;"]))
def test_a_ui_number_list_with_words_names_the_field(text: str) -> None:
    with pytest.raises(FormError, match="level_elevations_ft"):
        numbers(text, "level_elevations_ft")
