"""The ``reasonsuite`` command: one entry point, a subcommand per job.

Each subcommand is a thin shell over the public Python API: it builds an LLMConfig from flags, the environment and
an optional YAML file, calls the library and prints. Bad input exits with code 2 and a message naming the field.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from .app_cli import serve_api, serve_mcp, ui
from .arena_cli import arena_app
from .ask_cli import ask_command
from .cli_common import backend_errors, err_console, load_backend, run_app
from .eval_cli import eval_app
from .llm_options import LLMOptions, llm_config_from, with_llm_options
from .masse_cli import masse_app
from .rack_cli import rack_app
from .serve_cli import engine_app, serve
from .tool_cli import tool_command

app = typer.Typer(
    name="reasonsuite",
    help="LLM reasoning agents for structural engineering and economics.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
model_app = typer.Typer(help="The embedded default model (SmolLM2-135M-Instruct).", no_args_is_help=True)
app.add_typer(model_app, name="model")
app.add_typer(eval_app, name="eval")
app.command("tool")(tool_command)
app.command("ask")(ask_command)
app.add_typer(rack_app, name="rack")
app.add_typer(masse_app, name="masse")
app.add_typer(arena_app, name="arena")
app.command("serve-api")(serve_api)
app.command("serve-mcp")(serve_mcp)
app.command("ui")(ui)
app.command("serve")(serve)
app.add_typer(engine_app, name="engine")
console = Console()


@app.command()
@with_llm_options
def demo(
    options: LLMOptions,
    n: Annotated[int, typer.Option("--n", min=1, max=300, help="how many Recon-Eval questions to answer")] = 10,
    max_new_tokens: Annotated[int, typer.Option(help="tokens each answer may use")] = 384,
    out: Annotated[Path | None, typer.Option(help="keep the run folder (samples.jsonl, results.json) here")] = None,
) -> None:
    """Answer N Recon questions spread over the categories; print each answer and the summary with baselines."""
    from .eval_cli import demo as run_demo

    run_demo(options, n, max_new_tokens, out)


@app.command()
@with_llm_options
def generate(
    prompt: Annotated[str, typer.Argument(help="the user message")],
    options: LLMOptions,
    max_new_tokens: Annotated[int | None, typer.Option(help="tokens the answer may use")] = None,
) -> None:
    """Send one prompt to the configured backend and print the completion and its token counts."""
    config = llm_config_from(options, max_new_tokens=max_new_tokens)
    with backend_errors():
        with load_backend(config) as llm:
            generation = llm.generate([prompt])[0]
    console.print(generation.text, highlight=False, markup=False)
    err_console.print(
        f"[dim]{llm.name}: {generation.prompt_tokens} prompt + {generation.completion_tokens} completion tokens, "
        f"finish={generation.finish_reason}, {generation.latency_s:.2f} s[/]"
    )


@app.command("config")
@with_llm_options
def show_config(options: LLMOptions) -> None:
    """Print the effective LLM config (file < environment < flags) as JSON, without the API key."""
    console.print_json(json.dumps(llm_config_from(options).public_dict()))


@app.command("data")
def data_info() -> None:
    """Show the shipped datasets: Recon split sizes, what cleaning removed from train, and the eval categories."""
    from collections import Counter

    from .data import load_recon, train_hygiene

    hygiene = train_hygiene()
    table = Table(title="Recon sets (data/recon, see PROVENANCE.md)")
    for column in ("split", "rows", "note"):
        table.add_column(column)
    table.add_row(
        "train",
        str(hygiene.rows_kept),
        f"{hygiene.rows_read} shipped; {hygiene.duplicates_removed} duplicates and "
        f"{hygiene.eval_overlap_removed} rows also in eval removed",
    )
    evaluation = load_recon("eval")
    table.add_row("eval", str(len(evaluation)), "")
    table.add_row("sft_cot", str(len(load_recon("sft_cot"))), "chain-of-thought responses for SFT")
    console.print(table)
    categories = Table(title="Recon-Eval categories")
    categories.add_column("category")
    categories.add_column("questions", justify="right")
    for name, count in sorted(Counter(evaluation["category"]).items()):
        categories.add_row(name, str(count))
    console.print(categories)


@model_app.command("prepare")
def model_prepare() -> None:
    """Convert the embedded GGUF model to a cached safetensors folder (once; later calls return at once)."""
    from .llm.embedded import ensure_embedded_model

    with backend_errors():
        path = ensure_embedded_model()
    typer.echo(f"embedded model ready: {path}")


@model_app.command("info")
def model_info() -> None:
    """Show where the embedded model's GGUF file and converted copy are."""
    from .llm.embedded import embedded_gguf_path, embedded_model_dir, is_converted

    with backend_errors():
        # Plain output (no wrapping at the terminal width): scripts read these paths.
        typer.echo(f"GGUF file:       {embedded_gguf_path()}")
    target = embedded_model_dir()
    typer.echo(f"converted copy:  {target} ({'ready' if is_converted(target) else 'not yet converted'})")


def main() -> None:
    run_app(app)


if __name__ == "__main__":
    main()
