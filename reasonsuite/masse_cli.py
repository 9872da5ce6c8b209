"""``reasonsuite masse``: run the MASSE workflow on a rack or steel-frame problem and write the engineer's report.

Exit codes: 0 the run finished (whatever the verdict), 1 the run stopped on a failure (the report says where),
2 bad input, 3 the run waits for an answer (`reasonsuite masse resume THREAD --answer '{…}'`).
"""

from __future__ import annotations

import json
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Annotated, Any

import typer

from .cli_common import backend_errors, err_console, fail, load_backend, stdout_console
from .llm_options import LLMOptions, llm_config_from, with_llm_options

masse_app = typer.Typer(help="MASSE: multi-agent structural engineering of racks and steel frames (LangGraph).",
                        no_args_is_help=True)  # fmt: skip
console = stdout_console()
WAITING = 3


def _problem(problem: Path | None, sample: str | None, frame: str | None, structured: bool) -> tuple[Any, str]:
    """The problem to run and its id: a file, a shipped MASSE rack (--sample) or a generated steel frame (--frame)."""
    from .data import load_rack_problems, problem_description

    if sum(given is not None for given in (problem, sample, frame)) > 1:
        raise fail("give one of a PROBLEM file, --sample or --frame")
    if problem is not None:
        if not problem.is_file():
            raise fail(f"PROBLEM: {problem} is not a file")
        return problem, ""
    if frame is not None:
        from .data.frame_generator import load_frame_problems

        wanted = frame if frame.startswith("frame-") else f"frame-{frame.zfill(3)}"
        generated = next((g for g in load_frame_problems() if g.id == wanted), None)
        if generated is None:
            raise fail(f"--frame: no generated steel frame {frame!r} (frame-001 … frame-040)")
        return (generated.problem if structured else generated.description), generated.id
    sample = sample or "1"
    try:
        return (load_rack_problems()[sample] if structured else problem_description(sample)), sample
    except KeyError:
        raise fail(f"--sample: no shipped MASSE problem {sample!r}") from None


def _print_event(event: dict[str, Any]) -> None:
    if event["event"] == "node_start":
        console.print(f"[bold]{event['node']}[/]", highlight=False)
    elif event["event"] == "trace":
        console.print(f"  {event['kind']:8} {event['name']}: {event['detail']}", highlight=False, markup=False)


def _finish(result: Any, out: Path) -> None:
    if result.question is not None:
        question = result.question
        console.print(f"[yellow]waiting for an answer[/] ({question.get('role')}): {question['question']}")
        console.print(f"resume with: reasonsuite masse resume {result.thread_id} --out {out} --answer '{{…}}'")
        raise typer.Exit(WAITING)
    state = result.state
    if result.report is not None:
        console.print(f"report: {result.report.markdown_path} and {result.report.pdf_path}")
    if state.get("failure"):
        err_console.print(f"[bold red]stopped:[/] {state['failure']}", highlight=False)
        raise typer.Exit(1)
    colour = "green" if state["verdict"] == "ADEQUATE" else "red"
    console.print(f"[bold {colour}]{state['verdict']}[/] — {state['sign_off_note']}", highlight=False)


def _masse_config(mode: str, max_rounds: int, on_missing: str, approve: bool):
    from pydantic import ValidationError

    from .agents.masse.configuration import MasseConfig

    try:
        return MasseConfig(mode=mode, max_redesign_rounds=max_rounds, on_missing=on_missing, require_approval=approve)
    except ValidationError as err:
        from .tools import ToolInputError

        raise fail(str(ToolInputError.from_validation_error(err))) from None


def _model_for(config, options: LLMOptions) -> AbstractContextManager:
    """The configured backend in llm mode (closed on exit), nothing in deterministic mode."""
    return load_backend(llm_config_from(options)) if config.mode == "llm" else nullcontext()


@masse_app.command("run")
@with_llm_options
def run_command(
    options: LLMOptions,
    problem: Annotated[
        Path | None, typer.Argument(help="problem text (.txt) or JSON (a rack or steel-frame problem, MASSE record)")
    ] = None,
    sample: Annotated[str | None, typer.Option(help="a shipped MASSE rack problem id instead of PROBLEM (1)")] = None,
    frame: Annotated[str | None, typer.Option(help="a generated steel-frame problem instead (frame-001 or 1)")] = None,
    structured: Annotated[bool, typer.Option(help="with --sample or --frame: use its fields, not its text")] = False,
    mode: Annotated[str, typer.Option(help="deterministic (rules, no model) or llm")] = "deterministic",
    out: Annotated[Path, typer.Option(help="folder for report.md, report.pdf, figures and checkpoints")] = Path(
        "runs/masse"
    ),
    max_rounds: Annotated[int, typer.Option(help="redesign rounds after an INADEQUATE check")] = 3,
    on_missing: Annotated[str, typer.Option(help="fail, or interrupt: ask for values the text lacks")] = "fail",
    approve: Annotated[bool, typer.Option(help="pause for approval before the sign-off")] = False,
) -> None:
    """Check a rack or steel frame with the MASSE roles and write the report (the sample Nanaimo rack by default)."""
    from .agents.masse.runner import run

    config = _masse_config(mode, max_rounds, on_missing, approve)
    source, problem_id = _problem(problem, sample, frame, structured)
    with backend_errors(), _model_for(config, options) as llm:
        try:
            result = run(source, config=config, llm=llm, out_dir=out, problem_id=problem_id, on_event=_print_event)
        except (ValueError, FileNotFoundError) as err:
            raise fail(f"PROBLEM: {err}") from None
    console.print(f"thread: {result.thread_id}")
    _finish(result, out)


@masse_app.command("resume")
@with_llm_options
def resume_command(
    options: LLMOptions,
    thread_id: Annotated[str, typer.Argument(help="the thread id a run printed")],
    out: Annotated[Path, typer.Option(help="the run's folder (holds checkpoints.sqlite)")] = Path("runs/masse"),
    answer: Annotated[str | None, typer.Option(help="JSON answer to the pending question")] = None,
    mode: Annotated[str, typer.Option(help="the mode the run was started with")] = "deterministic",
    max_rounds: Annotated[int, typer.Option(help="as when the run was started")] = 3,
    on_missing: Annotated[str, typer.Option(help="as when the run was started")] = "fail",
    approve: Annotated[bool, typer.Option(help="as when the run was started")] = False,
) -> None:
    """Answer a paused run's question, or continue a run that crashed, from its checkpoints."""
    from .agents.masse.runner import resume

    db = out / "checkpoints.sqlite"
    if not db.is_file():
        raise fail(f"--out: no checkpoints in {out} (expected {db})")
    try:
        value = json.loads(answer) if answer is not None else None
    except ValueError as err:
        raise fail(f"--answer: not valid JSON ({err})") from None
    config = _masse_config(mode, max_rounds, on_missing, approve)
    with backend_errors(), _model_for(config, options) as llm:
        result = resume(thread_id, value, checkpoint_db=db, config=config, llm=llm, out_dir=out, on_event=_print_event)
    _finish(result, out)
