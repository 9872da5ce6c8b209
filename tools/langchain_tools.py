"""The tool registry as LangChain tools, which LangGraph's ToolNode and ``bind_tools`` take.

The argument schema is the tool's own pydantic input model, so the JSON schema an LLM sees is the same one the CLI
prints with ``--schema``. A bad call comes back to the model as an error message naming the field (a ToolException
handled by LangChain), so an agent can correct its arguments instead of crashing the graph.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from langchain_core.tools import StructuredTool, ToolException

from .registry import Tool, ToolInputError, get_tool, list_tools


def as_langchain_tool(tool: Tool) -> StructuredTool:
    """One registered tool as a LangChain StructuredTool returning the output JSON."""

    def call(**arguments: Any) -> str:
        try:
            return tool.run_json(arguments)
        except ToolInputError as err:
            raise ToolException(f"{tool.name}: {err}") from None

    return StructuredTool.from_function(
        func=call,
        name=tool.name,
        description=tool.description,
        args_schema=tool.input_model,
        handle_tool_error=True,
        handle_validation_error=lambda err: f"{tool.name}: {ToolInputError.from_validation_error(err)}",
    )


def as_langchain_tools(names: Iterable[str] | None = None) -> list[StructuredTool]:
    """The named tools (all tools when ``names`` is None) as LangChain tools."""
    tools = list_tools() if names is None else [get_tool(name) for name in names]
    return [as_langchain_tool(tool) for tool in tools]
