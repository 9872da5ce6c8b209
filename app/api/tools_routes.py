"""`/v1/tools`: every registered calculator as its own POST route, its input and output models as the schema."""

from typing import Any

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel

from reasonsuite.tools import Tool, ToolInputError, get_tool, list_tools

from .guards import ConcurrencyGate


class ToolSummary(BaseModel):
    name: str
    summary: str


class ToolSchema(ToolSummary):
    description: str
    input_schema: dict[str, Any]
    output_schema: dict[str, Any]


def _endpoint(tool: Tool, gate: ConcurrencyGate):
    async def call_tool(payload: Any) -> Any:
        return await gate.run(tool.run, payload)

    # FastAPI reads the body's schema from the annotation: each route gets its own tool's models.
    call_tool.__annotations__ = {"payload": tool.input_model, "return": tool.output_model}
    return call_tool


def tools_router(gate: ConcurrencyGate) -> APIRouter:
    router = APIRouter(prefix="/v1/tools", tags=["tools"])

    @router.get("", summary="List the calculation tools")
    def list_all() -> list[ToolSummary]:
        return [ToolSummary(name=tool.name, summary=tool.summary) for tool in list_tools()]

    @router.get("/{name}", summary="A tool's description and JSON schemas")
    def describe(name: str) -> ToolSchema:
        tool = _known(name)
        return ToolSchema(
            name=tool.name,
            summary=tool.summary,
            description=tool.description,
            input_schema=tool.input_schema(),
            output_schema=tool.output_schema(),
        )

    for tool in list_tools():
        router.add_api_route(
            f"/{tool.name}",
            _endpoint(tool, gate),
            methods=["POST"],
            summary=tool.summary,
            description=tool.description,
            operation_id=f"tool_{tool.name}",
            response_model=tool.output_model,
        )

    @router.post("/{name}", include_in_schema=False)
    def unknown(name: str) -> None:
        _known(name)

    return router


def _known(name: str) -> Tool:
    """The tool called `name`, or 404 naming the closest tools: an unknown name is a missing resource, not bad input."""
    try:
        return get_tool(name)
    except ToolInputError as err:
        raise HTTPException(404, str(err)) from None
