"""``reasonsuite tool``: list the calculators, show a tool's input schema, or run one on JSON input.

The output is the tool's JSON on stdout (so scripts can pipe it); every input problem is a one-line error on stderr
naming the field, with exit code 2, never a traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from .cli_common import fail, stdout_console

console = stdout_console()


def _read_payload(json_text: str | None, json_file: str | None) -> dict[str, Any]:
    """The tool input from --json or --json-file ('-' reads stdin), as a JSON object."""
    if (json_text is None) == (json_file is None):
        raise fail("give the tool input with exactly one of --json '{...}' or --json-file PATH ('-' for stdin)")
    if json_file is not None:
        if json_file == "-":
            text, source = sys.stdin.read(), "stdin"
        else:
            path = Path(json_file)
            if not path.is_file():
                raise fail(f"--json-file: {json_file} is not a file")
            text, source = path.read_text(encoding="utf-8"), str(path)
    else:
        text, source = json_text or "", "--json"
    try:
        payload = json.loads(text, parse_constant=_reject_constant)
    except ValueError as err:
        raise fail(f"{source}: not valid JSON ({err})") from None
    if not isinstance(payload, dict):
        raise fail(f"{source}: the tool input must be a JSON object, got {type(payload).__name__}")
    return payload


def _reject_constant(name: str) -> Any:
    # json.loads accepts NaN and Infinity by default; no tool input may contain them.
    raise ValueError(f"{name} is not a number a tool can use")


def _list_table() -> Table:
    from .tools import list_tools

    table = Table(title="Calculation tools (reasonsuite tool NAME --schema shows a tool's input)")
    table.add_column("name", no_wrap=True)
    table.add_column("what it computes")
    for tool in list_tools():
        table.add_row(tool.name, tool.summary)
    return table


def tool_command(
    name: Annotated[str | None, typer.Argument(help="the tool to run or describe")] = None,
    list_all: Annotated[bool, typer.Option("--list", help="list the tools with one-line descriptions")] = False,
    schema: Annotated[bool, typer.Option("--schema", help="print the tool's input JSON schema")] = False,
    json_text: Annotated[str | None, typer.Option("--json", help="the tool input as a JSON object")] = None,
    json_file: Annotated[str | None, typer.Option("--json-file", help="input file; '-' reads stdin")] = None,
) -> None:
    """Run a calculation tool on JSON input and print its JSON output (or --list the tools, or --schema one)."""
    from .tools import ToolInputError, get_tool

    if list_all:
        console.print(_list_table())
        return
    if name is None:
        raise fail("name a tool (reasonsuite tool --list shows them)")
    try:
        tool = get_tool(name)
    except ToolInputError as err:
        raise fail(str(err)) from None
    if schema:
        typer.echo(json.dumps(tool.input_schema(), indent=2))
        return
    payload = _read_payload(json_text, json_file)
    try:
        output = tool.run(payload)
    except ToolInputError as err:
        raise fail(f"{tool.name}: {err}") from None
    typer.echo(output.model_dump_json(indent=2))
