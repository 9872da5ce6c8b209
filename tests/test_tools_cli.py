"""``reasonsuite tool``: listing, schemas, JSON in and out, and bad input as exit code 2 with the field named."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from reasonsuite.cli import app
from reasonsuite.tools import list_tools

runner = CliRunner()


def invoke(*args: str, stdin: str | None = None):
    return runner.invoke(app, ["tool", *args], input=stdin)


def test_list_names_every_tool_with_its_summary() -> None:
    result = invoke("--list")
    assert result.exit_code == 0
    for tool in list_tools():
        assert tool.name in result.stdout


def test_schema_is_the_input_json_schema() -> None:
    result = invoke("seismic_hazard", "--schema")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["required"] == ["location"]


def test_json_in_json_out(tmp_path) -> None:
    result = invoke("seismic_hazard", "--json", '{"location": "Nanaimo"}')
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["Sa_0_2"] == 1.02
    path = tmp_path / "in.json"
    path.write_text('{"location": "Sooke"}')
    assert json.loads(invoke("seismic_hazard", "--json-file", str(path)).stdout)["PGA"] == 0.605
    from_stdin = invoke("seismic_hazard", "--json-file", "-", stdin='{"location": "Taylor"}')
    assert json.loads(from_stdin.stdout)["PGV"] == 0.058


def test_a_real_process_exits_2_without_a_traceback() -> None:
    process = subprocess.run(
        [sys.executable, "-m", "reasonsuite", "tool", "seismic_hazard", "--json-file", "-"],
        input='{"location": "Atlantis"}', capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert process.returncode == 2
    assert "location" in process.stderr and "Traceback" not in process.stderr
    assert process.stdout == ""


# (arguments, words the one-line error must contain). Every case must exit 2 with no traceback and no stdout.
BAD_INPUTS: list[tuple[list[str], list[str]]] = [
    # the command itself
    (["--json", "{}"], ["name a tool"]),
    (["seismic_hazards", "--json", "{}"], ["unknown tool", "seismic_hazard"]),
    (["seismic_hazard"], ["exactly one of --json"]),
    (["seismic_hazard", "--json", "{}", "--json-file", "x.json"], ["exactly one of --json"]),
    (["seismic_hazard", "--json-file", "/nonexistent/in.json"], ["--json-file", "not a file"]),
    (["seismic_hazard", "--json", "{location: Nanaimo}"], ["not valid JSON"]),
    (["seismic_hazard", "--json", '["Nanaimo"]'], ["must be a JSON object"]),
    (["seismic_hazard", "--json", '{"location": NaN}'], ["NaN"]),
    # seismic_hazard
    (["seismic_hazard", "--json", "{}"], ["location", "Field required"]),
    (["seismic_hazard", "--json", '{"location": ""}'], ["location", "at least 1 character"]),
    (["seismic_hazard", "--json", '{"location": "Atlantis"}'], ["location", "not a location"]),
    (["seismic_hazard", "--json", '{"location": "Vancouver"}'], ["location", "several"]),
    (["seismic_hazard", "--json", '{"location": "Nanaimo", "site_class": "D"}'], ["site_class", "Extra inputs"]),
]

_BEAM = {"name": "m", "start": "A", "end": "B", "kind": "beam_column", "E_MPa": 200000, "A_mm2": 100, "I_mm4": 1e6}
_TWO_NODES = [{"name": "A", "x_m": 0, "y_m": 0}, {"name": "B", "x_m": 3, "y_m": 0}]
_FIXED_A = [{"node": "A", "ux": True, "uy": True, "rz": True}]
_SPECTRUM = {"Sa_0_2": 1, "Sa_0_5": 1, "Sa_1_0": 0.5, "Sa_2_0": 0.3, "Sa_5_0": 0.1, "Sa_10_0": 0.03, "PGA": 0.4}
_LEVEL = [{"name": "a", "height_m": 3, "weight_kN": 10}]
_MEMBER = {"name": "c", "A_mm2": 100, "r_mm": 10, "Fy_MPa": 350, "L_mm": 1000}


def _frame(**changes) -> dict:
    return {"nodes": _TWO_NODES, "members": [_BEAM], "supports": _FIXED_A, "load_cases": [{"name": "D"}], **changes}


# Per tool: (tool, input, words). Kept as Python objects so each case reads as the JSON a caller would send.
BAD_TOOL_INPUTS: list[tuple[str, dict, list[str]]] = [
    ("frame_analysis", _frame(nodes=[_TWO_NODES[0], {**_TWO_NODES[1], "x_m": 0}]), ["members.0.end", "zero length"]),
    ("frame_analysis", _frame(members=[{**_BEAM, "end": "C"}]), ["members.0.end", "unknown node 'C'"]),
    ("frame_analysis", _frame(members=[{**_BEAM, "E_MPa": -5}]), ["members.0.E_MPa", "greater than 0"]),
    ("frame_analysis", _frame(supports=[]), ["supports"]),
    (
        "frame_analysis",
        _frame(
            supports=[{"node": n, "ux": False, "uy": True, "rz": False} for n in "AB"],
            load_cases=[{"name": "D", "nodal_loads": [{"node": "B", "fx_kN": 1}]}],
        ),
        ["unstable (a mechanism)", "ux"],
    ),
    ("section_properties", {"section": {"shape": "channel", "depth_mm": -76, "flange_width_mm": 70,
                                        "thickness_mm": 2}}, ["depth_mm", "greater than 0"]),
    ("section_properties", {"section": {"shape": "channel", "depth_mm": 3, "flange_width_mm": 70,
                                        "thickness_mm": 2}}, ["section.thickness_mm", "overlap"]),
    ("section_properties", {"section": {"shape": "triangle", "depth_mm": 3}}, ["section", "triangle"]),
    ("member_checks", {"members": [{**_MEMBER, "Cf_kN": 5, "Tf_kN": 3}]}, ["members.0.Tf_kN", "not both"]),
    ("member_checks", {"members": []}, ["members", "at least 1"]),
    ("member_checks", {"members": [{**_MEMBER, "L_mm": -1000}]}, ["members.0.L_mm", "greater than 0"]),
    ("seismic_base_shear", {**_SPECTRUM, "levels": _LEVEL, "structure_type": "braced_frame", "Ro": 1.3},
     ["Rd", "Field required"]),
    ("seismic_base_shear", {**_SPECTRUM, "site_class": "D", "levels": _LEVEL, "structure_type": "braced_frame",
                            "Rd": 1.5, "Ro": 1.3}, ["site_coefficients", "site class D"]),
    ("seismic_base_shear", {**_SPECTRUM, "levels": [{**_LEVEL[0], "height_m": -3}], "structure_type": "igloo",
                            "Rd": 1.5, "Ro": 1.3}, ["levels.0.height_m", "structure_type"]),
    ("load_combinations", {"D": [1, 2], "L": [1, 2, 3]}, ["L", "3 value(s) but D has 2"]),
    ("load_combinations", {"D": 1, "X": 2}, ["X", "Extra inputs"]),
    ("symbolic_math", {"operation": "evaluate", "expression": '__import__("os").system("ls")'},
     ["expression", "not allowed"]),
    ("symbolic_math", {"operation": "evaluate", "expression": "9**9**9**9"}, ["expression", "larger than 1000"]),
    ("symbolic_math", {"operation": "transmogrify", "expression": "x"}, ["operation"]),
    ("expected_utility", {"lotteries": [{"name": "a", "outcomes": [0, 100], "probabilities": [0.5, 0.6]}],
                          "utility": "sqrt(x)"}, ["lotteries.0.probabilities", "sum to 1.1"]),
    ("expected_utility", {"lotteries": [{"name": "a", "outcomes": [0, 100], "probabilities": [0.5, 0.5]}],
                          "utility": "log(x)"}, ["lotteries.0.outcomes.0", "not a finite real number"]),
    ("rack_check", {"problem": {"location": "Nanaimo"}}, ["problem.bays", "Field required"]),
    ("nash_equilibria", {"row_payoffs": [[1, 2], [3]], "col_payoffs": [[1, 2], [3, 4]]},
     ["row_payoffs.1", "row 1 has 1 entries, expected 2"]),
    ("nash_equilibria", {"row_payoffs": [[1, "abc"], [3, 4]], "col_payoffs": [[1, 2], [3, 4]]},
     ["row_payoffs.0.1", "'abc'"]),
    ("nash_equilibria", {"row_payoffs": [[1, True], [3, 4]], "col_payoffs": [[1, 2], [3, 4]]},
     ["row_payoffs.0.1", "True"]),
    ("nash_equilibria", {"row_payoffs": [[1, 2], [3, 4]], "col_payoffs": [[1, 2, 3], [3, 4, 5]]},
     ["col_payoffs", "2x3 differs"]),
    ("nash_equilibria", {"row_payoffs": [], "col_payoffs": []}, ["row_payoffs", "empty matrix"]),
    ("nash_equilibria", {"row_payoffs": [[1, 2], [3, 4]], "col_payoffs": [[1, 2], [3, 4]], "row_strategies": ["U"]},
     ["row_strategies", "1 labels given, expected 2"]),
    ("best_response", {"row_payoffs": [[1, 2], [3, 4]], "col_payoffs": [[1, 2], [3, 4]], "player": "row",
                       "opponent_strategy": [0.5, 0.6]}, ["opponent_strategy", "sum to 11/10"]),
    ("backward_induction", {"tree": {"player": "A", "moves": {"1": {"payoffs": [1]}, "2": {"payoffs": [0, 0]}}}},
     ["tree.moves.2.payoffs", "expected 1"]),
    ("backward_induction", {"tree": {"player": "A", "moves": {}}}, ["tree", "at least one move"]),
    ("oligopoly", {"model": "cournot", "demand_intercept": 100, "demand_slope": 0, "marginal_costs": [10, 10]},
     ["demand_slope", "must be positive"]),
    ("oligopoly", {"model": "cournot", "demand_intercept": 5, "demand_slope": 1, "marginal_costs": [10, 10]},
     ["demand_intercept", "does not exceed the lowest marginal cost"]),
    ("oligopoly", {"model": "cartel", "demand_intercept": 100, "demand_slope": 1, "marginal_costs": [10]}, ["model"]),
]  # fmt: skip
BAD_INPUTS += [([tool, "--json", json.dumps(payload)], words) for tool, payload, words in BAD_TOOL_INPUTS]


@pytest.mark.parametrize(("args", "words"), BAD_INPUTS, ids=[" ".join(args)[:60] for args, _ in BAD_INPUTS])
def test_bad_input_exits_2_naming_the_problem(args: list[str], words: list[str]) -> None:
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    message = result.stderr
    assert message.startswith("error:") and "Traceback" not in message
    for word in words:
        assert word in message, (word, message)
    assert result.stdout == ""
