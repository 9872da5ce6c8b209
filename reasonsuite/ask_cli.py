"""``reasonsuite ask "question"``: one economics question through the tool-augmented agent, with its trace."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from .cli_common import backend_errors, load_backend, stdout_console
from .llm_options import LLMOptions, llm_config_from, with_llm_options

if TYPE_CHECKING:
    from .agents.econ import EconAnswer

console = stdout_console()


def trace_table(result: EconAnswer) -> Table:
    """The steps the agent took: routing, each fill attempt, the tool, the mapping or the fallback."""
    table = Table(title="steps", show_lines=False)
    table.add_column("step")
    table.add_column("what happened", overflow="fold")
    route = result.route
    if route is not None:
        table.add_row(
            "route", f"{route.tool or 'none'} ({route.source})" + (f" — {route.error}" if route.error else "")
        )
    for number, attempt in enumerate(result.fills, start=1):
        table.add_row(f"fill {number}", f"{attempt.source}: " + (attempt.problem or "accepted"))
    for error in result.tool_errors:
        table.add_row("tool refused", error)
    if result.mapping is not None:
        table.add_row("tool result", result.mapping.summary)
        table.add_row("answer", f"{result.mapping.answer} (by {result.mapping.rule})")
    if result.fallback_reason:
        table.add_row("fallback", result.fallback_reason)
    return table


@with_llm_options
def ask_command(
    question: Annotated[str, typer.Argument(help="the question, with its options if it has any")],
    options: LLMOptions,
    max_new_tokens: Annotated[int, typer.Option(help="tokens a plain (fallback) answer may use")] = 512,
    json_output: Annotated[bool, typer.Option("--json", help="print the whole record as JSON")] = False,
    oracle: Annotated[bool, typer.Option(help="read templated questions by rule instead of the model")] = False,
) -> None:
    """Answer an economics question: a solver when one applies (routing, reading and mapping recorded), else plain
    step-by-step reasoning."""
    from .agents.econ import answer

    config = llm_config_from(options, max_new_tokens=max_new_tokens)
    with backend_errors(), load_backend(config) as llm:
        result = answer(question, llm, plain_params=config.sampling(), oracle=oracle)
    if json_output:
        typer.echo(result.model_dump_json(indent=2))
        return
    console.print(trace_table(result))
    console.print(result.response, highlight=False, markup=False)
