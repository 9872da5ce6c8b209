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
    assert json.loads(invoke("seismic_hazard", "--json-file", "-", stdin='{"location": "Taylor"}').stdout)["PGV"] == 0.058


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
