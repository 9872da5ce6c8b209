"""The MCP server: the tool registry and MASSE checks through the MCP client library, in process, over the API's
streamable-HTTP endpoint (with its token) and over stdio as `reasonsuite serve-mcp` runs it."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx
import httpx2
import pytest
import uvicorn
from mcp import Client, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError
from test_api import DILEMMA, NO_WEIGHTS, TEXT

from reasonsuite.app.api import ApiSettings, create_app
from reasonsuite.app.jobs import JobService
from reasonsuite.app.masse_runs import MasseRuns
from reasonsuite.app.mcp_server import MASSE_CHECK, build_mcp_server
from reasonsuite.tools import get_tool, list_tools


@pytest.fixture
def masse(tmp_path) -> Iterator[MasseRuns]:
    jobs = JobService(tmp_path / "runs")
    yield MasseRuns(jobs)
    jobs.close()


def call(server: Any, name: str, arguments: dict[str, Any]) -> Any:
    async def go() -> Any:
        async with Client(server) as client:
            return await client.call_tool(name, arguments)

    return anyio.run(go)


def pure_profiles(result: Any) -> list[list[list[str]]]:
    return [[s["support"] for s in eq["strategies"]] for eq in result.structured_content["equilibria"] if eq["pure"]]


def test_every_registered_tool_is_listed_with_its_own_schemas(masse) -> None:
    async def go() -> Any:
        async with Client(build_mcp_server(masse)) as client:
            return (await client.list_tools()).tools

    listed = {tool.name: tool for tool in anyio.run(go)}
    assert set(listed) == {tool.name for tool in list_tools()} | {MASSE_CHECK}
    nash = get_tool("nash_equilibria")
    assert listed["nash_equilibria"].input_schema == nash.input_schema()
    assert listed["nash_equilibria"].output_schema == nash.output_schema()
    assert listed["nash_equilibria"].description == nash.description
    assert set(listed[MASSE_CHECK].input_schema["properties"]) >= {"problem_text", "problem"}


def test_a_tool_call_returns_the_computed_output(masse) -> None:
    result = call(build_mcp_server(masse), "nash_equilibria", DILEMMA)
    assert not result.is_error
    assert pure_profiles(result) == [[["D"], ["D"]]]  # the prisoner's dilemma: both defect
    assert get_tool("nash_equilibria").output_model.model_validate(result.structured_content)


def test_bad_input_is_an_error_result_naming_the_field(masse) -> None:
    server = build_mcp_server(masse)
    wrong_type = call(server, "nash_equilibria", {"row_payoffs": "not a matrix", "col_payoffs": [[1]]})
    assert wrong_type.is_error and "row_payoffs" in wrong_type.content[0].text
    misspelt = call(server, "seismic_hazard", {"location": "Nanaimo", "site_clas": "C"})
    assert misspelt.is_error and "site_clas" in misspelt.content[0].text
    unknown_place = call(server, "seismic_hazard", {"location": "Nanaimoo"})
    assert unknown_place.is_error and "location" in unknown_place.content[0].text
    assert "Nanaimo" in unknown_place.content[0].text  # the closest name is offered


def test_an_unknown_tool_is_a_protocol_error_naming_the_closest_tools(masse) -> None:
    async def go() -> MCPError:
        async with Client(build_mcp_server(masse)) as client:
            with pytest.raises(MCPError) as raised:
                await client.call_tool("nash_equilibrium", {})
            return raised.value

    error = anyio.run(go)
    assert "unknown tool 'nash_equilibrium'" in error.message and "nash_equilibria" in error.message


def test_masse_check_runs_the_sample_problem_and_returns_the_report(masse) -> None:
    result = call(build_mcp_server(masse), MASSE_CHECK, {"problem_text": TEXT, "problem_id": "sample-1"})
    assert not result.is_error, result.content[0].text
    out = result.structured_content
    assert out["verdict"] == "ADEQUATE"  # after the redesign rounds (the design as given fails)
    assert "The design as given is INADEQUATE" in out["sign_off_note"]
    utilisations = [row["utilisation"] for row in out["members"]]
    assert utilisations == sorted(utilisations, reverse=True) and 0 < utilisations[0] <= 1
    assert out["report_markdown"].startswith("# MASSE engineer's report") and "sample-1" in out["report_markdown"]
    run = masse.get(out["run_id"])  # the run is an ordinary job of the server, with its PDF
    assert run.status == "finished" and "pdf" in run.report_files


def test_masse_check_fails_naming_what_the_text_lacks_and_what_a_problem_field_breaks(masse) -> None:
    server = build_mcp_server(masse)
    missing = call(server, MASSE_CHECK, {"problem_text": NO_WEIGHTS})
    assert missing.is_error and "pallet_weights_lb" in missing.content[0].text
    bad_field = call(server, MASSE_CHECK, {"problem": {"bays": "two"}})
    assert bad_field.is_error and "problem." in bad_field.content[0].text
    neither = call(server, MASSE_CHECK, {"problem_id": "x"})
    assert neither.is_error and "problem_text or problem" in neither.content[0].text


@pytest.fixture
def api_server(tmp_path) -> Iterator[str]:
    """The agent API with MCP and a token, served by uvicorn on a free loopback port."""
    settings = ApiSettings(runs_dir=tmp_path / "api-runs", token="s3cret")
    server = uvicorn.Server(uvicorn.Config(create_app(settings, with_mcp=True), host="127.0.0.1", port=0,
                                           log_level="warning", lifespan="on"))  # fmt: skip
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        threading.Event().wait(0.05)
    assert server.started
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_the_api_serves_mcp_at_slash_mcp_behind_its_token(api_server) -> None:
    ping = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    assert httpx.post(f"{api_server}/mcp", json=ping).status_code == 401
    wrong = httpx.post(f"{api_server}/mcp", json=ping, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and wrong.json()["error"]["type"] == "unauthorized"

    async def go() -> tuple[list[str], Any]:
        async with httpx2.AsyncClient(headers={"Authorization": "Bearer s3cret"}) as http:
            async with Client(streamable_http_client(f"{api_server}/mcp", http_client=http)) as client:
                names = [tool.name for tool in (await client.list_tools()).tools]
                return names, await client.call_tool("convert_units", {"value": 1, "from_unit": "ft", "to_unit": "m"})

    names, converted = anyio.run(go)
    assert "nash_equilibria" in names and MASSE_CHECK in names
    assert not converted.is_error and converted.structured_content["value"] == pytest.approx(0.3048)


@pytest.mark.slow  # starts `reasonsuite serve-mcp` in a subprocess
def test_serve_mcp_speaks_mcp_on_stdio(tmp_path) -> None:
    reasonsuite = Path(sys.executable).with_name("reasonsuite")
    command = StdioServerParameters(command=str(reasonsuite), args=["serve-mcp", "--runs-dir", str(tmp_path)])

    async def go() -> Any:
        async with Client(command) as client:
            return await client.call_tool("seismic_hazard", {"location": "Nanaimo"})

    hazard = anyio.run(go)
    assert not hazard.is_error and hazard.structured_content["Sa_0_2"] == pytest.approx(1.02)
