"""The registry contract every tool shares, and its LangChain face."""

from __future__ import annotations

import json
from typing import Any

import pytest

from reasonsuite.tools import ToolInputError, get_tool, list_tools
from reasonsuite.tools.langchain_tools import as_langchain_tools

EXPECTED_TOOLS = {
    "seismic_hazard", "seismic_base_shear", "load_combinations", "frame_analysis", "section_properties",
    "member_checks", "rack_check", "nash_equilibria", "best_response", "backward_induction", "oligopoly",
    "expected_utility", "symbolic_math", "convert_units", "storage_rack_loads",
}  # fmt: skip


def test_every_tool_of_the_issue_is_registered() -> None:
    assert EXPECTED_TOOLS <= {tool.name for tool in list_tools()}


def _properties(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every (path, property schema) of a JSON schema, through $defs."""
    found = []
    for model_name, model in [("", schema), *schema.get("$defs", {}).items()]:
        for name, prop in model.get("properties", {}).items():
            found.append((f"{model_name}.{name}", prop))
    return found


@pytest.mark.parametrize("tool", list_tools(), ids=lambda tool: tool.name)
def test_the_llm_sees_a_described_schema(tool) -> None:
    # The schema is the only documentation a model gets: every field must say what it holds.
    assert tool.summary and len(tool.summary) <= 120
    schema = tool.input_schema()
    assert schema["type"] == "object"
    undocumented = [path for path, prop in _properties(schema) if "description" not in prop and "$ref" not in prop]
    assert undocumented == []
    json.dumps(tool.output_schema())


def test_unknown_tool_suggests_a_name() -> None:
    with pytest.raises(ToolInputError, match="did you mean seismic_hazard"):
        get_tool("seismic_hazards")


def test_non_object_input_is_rejected() -> None:
    with pytest.raises(ToolInputError, match="expected a JSON object"):
        get_tool("seismic_hazard").run(["Nanaimo"])  # type: ignore[arg-type]


def test_langchain_tools_share_the_schema_and_report_bad_calls_to_the_model() -> None:
    tools = {tool.name: tool for tool in as_langchain_tools()}
    assert {tool.name for tool in list_tools()} == set(tools)
    hazard = tools["seismic_hazard"]
    assert hazard.args_schema.model_json_schema() == get_tool("seismic_hazard").input_schema()
    assert json.loads(hazard.invoke({"location": "Nanaimo"}))["Sa_0_2"] == 1.02
    # A bad call becomes a message the agent can act on, not an exception that ends the graph.
    message = hazard.invoke({"location": "Atlantis"})
    assert message.startswith("seismic_hazard: location:") and "not a location" in message
    assert "location" in hazard.invoke({"place": "Nanaimo"})
