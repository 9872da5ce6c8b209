"""The calculation tools and MASSE's structural check as an MCP server, for desktop assistants and IDEs.

Every tool of the registry (`reasonsuite.tools.list_tools()`) is offered under its own name with its own pydantic
input and output schemas, plus `masse_check`, which runs a deterministic MASSE check on the server's job service and
returns the verdict, the utilisation table, the sign-off note and the report's Markdown. The same server is mounted
into the agent API at /mcp (streamable HTTP; see `reasonsuite.app.api`) and served over stdio by
`reasonsuite serve-mcp`.

It is built on the SDK's low-level `Server` rather than `MCPServer` (FastMCP in mcp 1.x): MCPServer derives a tool's
schema from a Python function's signature, while ours already carry their schemas as pydantic models, and the
low-level handlers hand those to the client unchanged and let us word the errors (the failing field first).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import anyio
import mcp.types as types
from mcp.server import Server
from mcp.server.stdio import stdio_server
from mcp.shared.exceptions import MCPError
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from reasonsuite import __version__
from reasonsuite.tools import Tool, ToolInputError, get_tool, list_tools

from .jobs import JobStateError, QueueFullError
from .masse_runs import MasseRunRequest, MasseRuns, MemberRow

if TYPE_CHECKING:  # the API passes its gate; `serve-mcp` runs without the API (and its imports)
    from .api.guards import ConcurrencyGate

MASSE_CHECK = "masse_check"
INSTRUCTIONS = (
    "Deterministic calculators for structural engineering (seismic hazard, base shear, frame analysis, member "
    "checks, storage racks, steel frames) and economics (games, oligopoly, choice), and masse_check, a full "
    "structural design check with an engineer's report. Every number comes from a tool; errors name the field."
)
# Tools compute from their arguments alone: nothing changes and nothing outside the server is reached.
CALCULATOR = types.ToolAnnotations(read_only_hint=True, idempotent_hint=True, open_world_hint=False)


class MasseCheckInput(BaseModel):
    """A storage-rack or steel-frame problem to check, as text or as structured fields."""

    model_config = ConfigDict(extra="forbid")

    problem_text: str | None = Field(
        None, min_length=20, max_length=20_000, description="the problem as an engineer writes it (read by rules)"
    )
    problem: dict[str, Any] | None = Field(
        None, description="the problem's fields: a rack (RackProblem) or a steel frame (structure='steel_frame')"
    )
    problem_id: str = Field("", max_length=80, pattern=r"^[A-Za-z0-9_.-]*$", description="a label for the report")
    max_redesign_rounds: int = Field(3, ge=0, le=10, description="redesign rounds after an INADEQUATE check")

    def run_request(self) -> MasseRunRequest:
        """The job request: deterministic, and failing (not waiting) on a missing value, since nobody can answer."""
        return MasseRunRequest(**self.model_dump(), mode="deterministic", on_missing="fail", require_approval=False)


class MasseCheckOutput(BaseModel):
    """The outcome of a structural check."""

    run_id: str = Field(description="the run on the server: GET /v1/masse/runs/{run_id} for the PDF and figures")
    verdict: str = Field(description="ADEQUATE or INADEQUATE, for the final design")
    sign_off_note: str
    members: list[MemberRow] = Field(description="the utilisation table, most utilised first")
    report_markdown: str = Field(description="the engineer's report")


def build_mcp_server(
    masse: MasseRuns, *, gate: ConcurrencyGate | None = None, masse_timeout_s: float = 600.0
) -> Server[Any]:
    """An MCP server over the tool registry and the MASSE runs of a job service.

    `gate`, when given, bounds tool calls together with the HTTP API's (a full gate answers "busy"); without it,
    each call runs on a worker thread.
    """
    refusals: tuple[type[Exception], ...] = (ToolInputError, QueueFullError, JobStateError, TimeoutError)
    if gate is not None:
        from .api.errors import BusyError  # imported by whoever made the gate

        refusals += (BusyError,)
    registry = {tool.name: tool for tool in list_tools()}
    if MASSE_CHECK in registry:
        raise RuntimeError(f"a registered tool is named {MASSE_CHECK!r}, which the MCP server uses for MASSE")
    listing = [_describe(tool) for tool in registry.values()] + [_describe_masse_check()]
    schemas = {tool.name: tool.input_schema for tool in listing}

    async def compute(tool: Tool, arguments: dict[str, Any]) -> BaseModel:
        if gate is not None:
            return await gate.run(tool.run, arguments)
        return await anyio.to_thread.run_sync(tool.run, arguments)

    async def list_tools_handler(_: Any, __: types.PaginatedRequestParams | None) -> types.ListToolsResult:
        return types.ListToolsResult(tools=listing)

    async def call_tool_handler(_: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
        arguments = params.arguments or {}
        try:
            if params.name == MASSE_CHECK:
                output = await anyio.to_thread.run_sync(_masse_check, masse, arguments, masse_timeout_s)
            elif params.name in registry:
                output = await compute(registry[params.name], arguments)
            else:
                try:
                    get_tool(params.name)
                except ToolInputError as err:  # names the closest tools
                    raise MCPError(types.INVALID_PARAMS, str(err)) from None
                raise MCPError(types.INVALID_PARAMS, f"unknown tool {params.name!r}")
        except refusals as err:
            return types.CallToolResult(content=[types.TextContent(text=f"{params.name}: {err}")], is_error=True)
        data = output.model_dump(mode="json")
        return types.CallToolResult(content=[types.TextContent(text=json.dumps(data))], structured_content=data)

    return Server(
        "reasonsuite",
        version=__version__,
        instructions=INSTRUCTIONS,
        get_tool_input_schema=schemas.get,
        on_list_tools=list_tools_handler,
        on_call_tool=call_tool_handler,
    )


def _describe(tool: Tool) -> types.Tool:
    return types.Tool(
        name=tool.name,
        title=tool.summary,
        description=tool.description,
        annotations=CALCULATOR,
        input_schema=tool.input_schema(),
        output_schema=tool.output_schema(),
    )


def _describe_masse_check() -> types.Tool:
    return types.Tool(
        name=MASSE_CHECK,
        title="Structural design check of a storage rack or steel frame, with the engineer's report",
        description=(
            "Check a storage-rack or steel-frame design end to end (MASSE, deterministic): read the problem, compute "
            "loads, seismic hazard and base shear, analyse the frame, check every member, redesign failing members "
            "up to max_redesign_rounds times, and sign off. Returns the verdict, the utilisation table, the sign-off "
            "note and the report (Markdown). A problem text that lacks a value fails with the missing fields named."
        ),
        input_schema=MasseCheckInput.model_json_schema(),
        output_schema=MasseCheckOutput.model_json_schema(),
        annotations=types.ToolAnnotations(read_only_hint=False, idempotent_hint=False, open_world_hint=False),
    )


def _masse_check(masse: MasseRuns, arguments: dict[str, Any], timeout_s: float) -> MasseCheckOutput:
    """Start the run, wait for it and read its report (blocking: called on a worker thread)."""
    try:
        request = MasseCheckInput.model_validate(arguments).run_request()
    except ValidationError as err:
        raise ToolInputError.from_validation_error(err) from None
    run_id = masse.start(request).run_id
    record = masse.jobs.wait(run_id, timeout_s)
    view = masse.get(run_id)
    if record.status != "finished" or view.verdict is None:
        reason = record.error or (record.question or {}).get("question", "") or record.status
        raise JobStateError(f"the check did not finish (run {run_id}): {reason}")
    markdown = masse.report_file(run_id, "markdown").read_text(encoding="utf-8")
    return MasseCheckOutput(
        run_id=run_id,
        verdict=view.verdict,
        sign_off_note=view.sign_off_note,
        members=view.members,
        report_markdown=markdown,
    )


def serve_stdio(masse: MasseRuns) -> None:
    """Serve the MCP server over stdin/stdout until the client closes them (for desktop assistants)."""
    server = build_mcp_server(masse)

    async def main() -> None:
        async with stdio_server() as (read_stream, write_stream):
            await server.run(read_stream, write_stream, server.create_initialization_options())

    anyio.run(main)
