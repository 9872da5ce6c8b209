"""``reasonsuite serve-api``, ``reasonsuite ui`` and ``reasonsuite serve-mcp``: the HTTP agent API, the Gradio web UI
and the MCP server on stdio.

The first two load the model lazily (the first llm job loads it), so they start in seconds; deterministic structural
checks and tool calls never load it. serve-mcp has no model: its tools and MASSE checks are deterministic.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .cli_common import fail, stdout_console
from .llm_options import LLMOptions, llm_config_from, with_llm_options

console = stdout_console()


def _shared_model(options: LLMOptions):
    from .app.shared_model import SharedModel

    return SharedModel(llm_config_from(options))


@with_llm_options
def serve_api(
    options: LLMOptions,
    host: Annotated[str, typer.Option(help="address to listen on; off loopback REASONSUITE_API_TOKEN is required")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(help="TCP port")] = 8765,
    runs_dir: Annotated[Path, typer.Option(help="where runs are kept")] = Path("runs/app"),
    mcp: Annotated[bool, typer.Option(help="also serve the tools and MASSE over MCP at /mcp")] = True,
) -> None:
    """Serve the agent API: tools, MASSE runs and evaluations over HTTP (OpenAPI docs at /docs)."""
    import uvicorn
    from pydantic import ValidationError

    from .app.api import ApiSettings, create_app

    try:
        settings = ApiSettings(host=host, port=port, runs_dir=runs_dir)
    except ValidationError as err:
        raise fail("; ".join(e["msg"].removeprefix("Value error, ") for e in err.errors())) from None
    app = create_app(settings, model=_shared_model(options), with_mcp=mcp)
    console.print(f"agent API on http://{host}:{port} (docs at /docs){'; MCP at /mcp' if mcp else ''}")
    uvicorn.run(app, host=host, port=port, log_level="warning")


@with_llm_options
def ui(
    options: LLMOptions,
    host: Annotated[str, typer.Option(help="address to listen on (the UI has no login: keep it on loopback)")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(help="TCP port")] = 7860,
    runs_dir: Annotated[Path, typer.Option(help="where structural-check runs are kept")] = Path("runs/app"),
    evals_dir: Annotated[Path, typer.Option(help="evaluation run folders to compare")] = Path("runs"),
    training_dir: Annotated[Path, typer.Option(help="post-training run folders")] = Path("runs/posttrain"),
) -> None:
    """Serve the web UI: structural check, evaluations, reasoner chat and training curves."""
    from .app.services import Services
    from .app.ui import launch_ui

    services = Services.create(runs_dir, model=_shared_model(options))
    console.print(f"web UI on http://{host}:{port}")
    try:
        launch_ui(services, host=host, port=port, evals_dir=evals_dir, training_dir=training_dir)
    finally:
        services.close()


def serve_mcp(
    runs_dir: Annotated[Path, typer.Option(help="where MASSE runs (reports, checkpoints) are kept")] = Path("runs/app"),
) -> None:
    """Serve the tools and MASSE checks over MCP on stdin/stdout (for desktop assistants and IDEs)."""
    from .app.jobs import JobService
    from .app.masse_runs import MasseRuns
    from .app.mcp_server import serve_stdio

    jobs = JobService(runs_dir)  # stdout carries the protocol: nothing else may be printed to it
    try:
        serve_stdio(MasseRuns(jobs))
    finally:
        jobs.close()
