"""Calculation tools the agents call: deterministic, typed (pydantic) and importing nothing else of the suite.

Each tool is a pure function with a pydantic input and output model, registered under a stable name::

    from reasonsuite.tools import get_tool
    get_tool("seismic_hazard").run({"location": "Nanaimo"}).Sa_0_2   # 1.02

``list_tools()`` lists them; ``as_langchain_tools()`` (in ``.langchain``) exposes the same registry to LangGraph.
"""

from .registry import Tool, ToolInput, ToolInputError, ToolOutput, get_tool, list_tools, register_tool

__all__ = ["Tool", "ToolInput", "ToolInputError", "ToolOutput", "get_tool", "list_tools", "register_tool"]
