"""``reasonsuite eval …`` and the demo: run a task through the evaluation runner and show the results."""

from __future__ import annotations

import tempfile
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from .cli_common import backend_errors, fail, load_backend, stdout_console
from .llm_options import LLMOptions, llm_config_from, with_llm_options

eval_app = typer.Typer(help="Batch evaluation on the reasoning benchmarks.", no_args_is_help=True)
console = stdout_console()
_OUTPUT_TAIL = 120  # characters of the model's output shown per demo row


def run_task(
    options: LLMOptions,
    task_name: str,
    out: Path,
    limit: int | None,
    max_new_tokens: int,
    chunk_size: int,
    shuffle_options: int = 0,
    spread: bool = False,
    agent: str | None = None,
    plain_run: Path | None = None,
    categories: list[str] | None = None,
) -> dict[str, Any]:
    """Load the task and the backend, run the evaluation with a progress bar, return results.json's content.

    With ``agent`` ("econ" or "econ-oracle") the economics agent answers instead of the bare model."""
    from .evals.econ_agent import run_econ_eval
    from .evals.records import CorruptRecordsError
    from .evals.runner import RunMismatchError, run_eval, select_items
    from .evals.tasks import UnknownTaskError, load_task

    # The bare model answers a task's prompts in batches; the economics agent makes structured calls.
    config = llm_config_from(options, max_new_tokens=max_new_tokens, workload="agents" if agent else "batch")
    try:
        task = load_task(task_name)
        if categories:
            select_items(task, None, categories=categories)  # an unknown category fails before the model loads
    except UnknownTaskError as err:
        raise fail(str(err)) from None
    except ValueError as err:
        raise fail(f"--category: {err}") from None
    console.print(
        f"[bold]task[/] {task.name}  [bold]backend[/] {config.backend}  [bold]model[/] {config.model}"
        f"  [bold]out[/] {out}"
    )
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with backend_errors(), load_backend(config) as llm, Progress(*columns, console=console) as progress:
        bar = progress.add_task("answering", total=None)

        def progress_update(answered: int, total: int) -> None:
            progress.update(bar, completed=answered, total=total)

        try:
            if agent is not None:
                return run_econ_eval(
                    task, llm, out, config.sampling(), oracle=agent == "econ-oracle", plain_run=plain_run,
                    limit=limit, spread=spread, categories=categories, chunk_size=chunk_size,
                    config=config.public_dict(), on_progress=progress_update,
                )  # fmt: skip
            return run_eval(
                task,
                llm,
                out,
                config.sampling(),
                limit=limit,
                spread=spread,
                categories=categories,
                chunk_size=chunk_size,
                shuffle_options=shuffle_options,
                config=config.public_dict(),
                on_progress=progress_update,
            )
        except (RunMismatchError, CorruptRecordsError) as err:
            raise fail(str(err)) from None


def results_table(results: dict[str, Any]) -> Table:
    """Per-category accuracy of the model beside the baselines, with 95% Wilson intervals."""
    from .evals.runner import format_accuracy

    baselines = results["baselines"]
    table = Table(title=f"{results['task']} — {results['model']} ({results['completed']}/{results['items']} items)")
    table.add_column("category")
    table.add_column("n", justify="right")
    table.add_column("model", justify="right")
    for name in baselines:
        table.add_column(name.replace("_", " "), justify="right", style="dim")
    accuracy = results["accuracy"] or {"per_category": {}, "overall": None}
    for category, cell in accuracy["per_category"].items():
        table.add_row(
            category,
            str(cell["n"]),
            format_accuracy(cell),
            *(format_accuracy(b["per_category"].get(category)) for b in baselines.values()),
        )
    table.add_section()
    table.add_row(
        "overall",
        str(results["completed"]),
        format_accuracy(accuracy["overall"]),
        *(format_accuracy(b["overall"]) for b in baselines.values()),
    )
    return table


def agent_table(results: dict[str, Any]) -> Table:
    """Per category: the agent beside the plain model (when a plain run was given), tool use and failures."""
    from .evals.runner import format_accuracy

    summary = results["agent"]
    table = Table(title=f"agent {summary['name']}: tool use per category")
    for column in ("category", "n", "plain", "agent", "tool chosen", "tool used", "input failures", "acc. tool used",
                   "acc. no tool"):  # fmt: skip
        table.add_column(column, justify="left" if column == "category" else "right")
    rows = [*summary["per_category"].items(), ("overall", summary["overall"])]
    for category, cell in rows:
        if cell is None:
            continue
        if category == "overall":
            table.add_section()
        table.add_row(
            category,
            str(cell["n"]),
            format_accuracy(cell.get("plain")),
            format_accuracy(cell["agent"]),
            f"{cell['tool_chosen_rate']:.0%}",
            f"{cell['tool_used_rate']:.0%}",
            str(cell["validation_failure_items"]),
            format_accuracy(cell["accuracy_tool_used"]),
            format_accuracy(cell["accuracy_tool_not_used"]),
        )
    return table


def print_summary(results: dict[str, Any]) -> None:
    console.print(results_table(results))
    if results.get("agent"):
        console.print(agent_table(results))
    bias = results.get("position_bias")
    if bias:
        console.print(
            f"option order ({bias['items']} items, {bias['answers']} answers): "
            f"accuracy {bias['accuracy_all_orders']:.1%}"
            f" over all orders vs {bias['accuracy_original_order']:.1%} as shipped; same option picked in every order"
            f" for {bias['consistency']:.1%} of items"
        )
    failures = results["extraction_failure_rate"]
    rate = results["completion_tokens_per_s"]
    console.print(
        f"extraction failures {failures:.1%}, answers cut off at max tokens {results['truncated_rate']:.1%}; "
        f"{results['tokens']['completion']} tokens in {results['generation_seconds']:.1f} s"
        + (f" ({rate:.1f} tokens/s)" if rate else "")
    )


def samples_table(out: Path) -> Table:
    """One row per answered item: question, gold, extracted answer, the end of the model's output."""
    from .evals.records import read_records

    table = Table(title="answers", show_lines=True)
    for column in ("item", "gold", "extracted answer", "end of the model's output", "ok"):
        table.add_column(column, overflow="fold")
    for record in read_records(out / "samples.jsonl"):
        extracted = escape(record["extracted"]) if record["extracted"] else f"[dim]({escape(record['reason'])})[/]"
        ending = " ".join(record["response"].split())[-_OUTPUT_TAIL:] or "(empty)"
        table.add_row(
            record["doc_id"], escape(record["target"]), extracted, escape(ending), "✔" if record["correct"] else "✘"
        )
    return table


@eval_app.command("run")
@with_llm_options
def eval_run(
    options: LLMOptions,
    task: Annotated[str, typer.Option(help="task name (evals/tasks/*.yaml), masse, or arenas")] = "recon-eval",
    out: Annotated[Path | None, typer.Option(help="run folder; an existing one is resumed")] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="only the first N items")] = None,
    spread: Annotated[
        bool, typer.Option(help="with --limit: N items evenly spaced over the task, so every category shows")
    ] = False,
    max_new_tokens: Annotated[int, typer.Option(min=1, help="tokens each answer may use")] = 512,
    chunk_size: Annotated[int, typer.Option(min=1, help="items per batch (and per checkpoint)")] = 32,
    shuffle_options: Annotated[
        int, typer.Option(min=0, max=10, help="also ask each multiple-choice item with K permuted option orders")
    ] = 0,
    mode: Annotated[str, typer.Option(help="masse only: deterministic (rules, no model) or llm")] = "deterministic",
    agent: Annotated[
        str | None, typer.Option(help="econ: the tool-augmented economics agent answers; econ-oracle: with gold inputs")
    ] = None,
    plain_run: Annotated[
        Path | None, typer.Option(help="with --agent: a plain run of the same model, to compare on the same items")
    ] = None,
    category: Annotated[
        list[str] | None,
        typer.Option(help="only items of this category (repeatable), e.g. pure_nash_equilibrium; arenas: a game"),
    ] = None,
    trials: Annotated[int, typer.Option(min=1, max=10000, help="arenas only: matches per game and player")] = 20,
    players: Annotated[
        str, typer.Option(help="arenas only: comma-separated players, each in self-play: llm, random, equilibrium, …")
    ] = "llm",
    reasoning: Annotated[
        bool,
        typer.Option(
            help="arenas only: the model writes a reasoning field before its move "
            "(the paper's protocol); --no-reasoning asks for the move alone"
        ),
    ] = True,
) -> None:
    """Evaluate a backend on a task: samples.jsonl + results.json in --out, resumable after a crash."""
    from .evals.econ_agent import AGENTS

    if task == "masse":
        run_masse_task(options, out, limit, mode, max_new_tokens)
        return
    if task == "arenas":
        run_arena_task(options, out, limit, category, trials, players, max_new_tokens, reasoning)
        return
    if agent is not None and agent not in AGENTS:
        raise fail(f"--agent: {agent!r} is not one of {', '.join(AGENTS)}")
    if plain_run is not None and (agent is None or not (plain_run / "samples.jsonl").is_file()):
        raise fail(f"--plain-run: {plain_run} is not a run folder (no samples.jsonl)" if agent else
                   "--plain-run: only used with --agent")  # fmt: skip
    suffix = f"-{agent}" if agent else ""
    out = out or Path("runs") / f"{task}{suffix}-{(options.model or 'embedded').replace('/', '_')}"
    results = run_task(options, task, out, limit, max_new_tokens, chunk_size, shuffle_options, spread=spread,
                       agent=agent, plain_run=plain_run, categories=category)  # fmt: skip
    print_summary(results)
    console.print(f"records: {out / 'samples.jsonl'}\nresults: {out / 'results.json'}")


def run_masse_task(options: LLMOptions, out: Path | None, limit: int | None, mode: str, max_new_tokens: int) -> None:
    """The MASSE benchmark: the workflow on the generated racks and steel frames, scored stage by stage."""
    from .evals.masse_eval import STAGES, run_masse_eval
    from .evals.runner import format_accuracy

    if mode not in ("deterministic", "llm"):
        raise fail(f"--mode: {mode!r} is not deterministic or llm")
    config = llm_config_from(options, max_new_tokens=max_new_tokens)
    model_tag = f"-{(options.model or 'embedded').replace('/', '_')}" if mode == "llm" else ""
    out = out or Path("runs") / f"masse-{mode}{model_tag}"
    console.print(f"[bold]task[/] masse  [bold]mode[/] {mode}  [bold]out[/] {out}")
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with (
        backend_errors(),  # entered first, so a backend that fails to load is a clean error
        load_backend(config) if mode == "llm" else nullcontext() as llm,
        Progress(*columns, console=console) as progress,
    ):
        bar = progress.add_task("checking structures", total=None)
        results = run_masse_eval(
            out, mode=mode, llm=llm, limit=limit, model_name=config.model if llm else "",
            on_progress=lambda done, total: progress.update(bar, completed=done, total=total),
        )  # fmt: skip
    table = Table(title=f"MASSE benchmark, {mode} mode, {results['completed']} problems")
    by_structure = results["stages_by_structure"]
    for column in ("stage", "all (95% CI)", *by_structure):
        table.add_column(column)
    for stage in STAGES:
        table.add_row(stage, format_accuracy(results["stages"][stage]),
                      *(format_accuracy(stages[stage]) for stages in by_structure.values()))  # fmt: skip
    console.print(table)
    timing = results["seconds_per_problem"]
    console.print(
        f"seconds per problem: mean {timing['mean']:.2f}, median {timing['median']:.2f}, max {timing['max']:.2f}"
    )
    for failure in results["failures"][:10]:
        console.print(f"  failed {failure['doc_id']}: {failure['failure']}", highlight=False, markup=False)
    console.print(f"records: {out / 'samples.jsonl'}\nresults: {out / 'results.json'}")


def run_arena_task(options: LLMOptions, out: Path | None, limit: int | None, games: list[str] | None, trials: int,
                   players: str, max_new_tokens: int, reasoning: bool = True) -> None:  # fmt: skip
    """The arenas in the Recon paper's protocol: self-play, one-shot, TRIALS matches per game, temperature 0.6
    (unless --temperature is given); the table of NE rates per game and player and a heatmap PNG."""
    from .agents.arenas import GameError
    from .evals.arena_eval import PAPER_TEMPERATURE, recon_games, run_arena_eval
    from .evals.runner import RunMismatchError

    specs = [s.strip() for s in players.split(",") if s.strip()]
    if not specs:
        raise fail("--players: give at least one player")
    chosen = list(games) if games else recon_games()
    if limit is not None:
        chosen = chosen[:limit]
    uses_llm = "llm" in specs
    extra: dict[str, Any] = {"max_new_tokens": max_new_tokens}
    if options.temperature is None:
        extra["temperature"] = PAPER_TEMPERATURE
    config = llm_config_from(options, **extra)
    model_tag = (options.model or "embedded").replace("/", "_") if uses_llm else "scripted"
    out = out or Path("runs") / f"arenas-{model_tag}"
    sampling = f"  [bold]temperature[/] {config.temperature:g}" if uses_llm else ""
    console.print(
        f"[bold]task[/] arenas  [bold]players[/] {', '.join(specs)}  [bold]games[/] {len(chosen)}  "
        f"[bold]trials[/] {trials}{sampling}  [bold]out[/] {out}"
    )
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with (
        backend_errors(),
        load_backend(config) if uses_llm else nullcontext() as llm,
        Progress(*columns, console=console) as progress,
    ):
        bar = progress.add_task("playing (game x player)", total=None)
        try:
            results = run_arena_eval(
                out, llm=llm, params=config.sampling() if uses_llm else None, players=specs, games=chosen,
                trials=trials, reasoning=reasoning, config=config.public_dict() if uses_llm else None,
                on_progress=lambda done, total: progress.update(bar, completed=done, total=total),
            )  # fmt: skip
        except GameError as err:
            raise fail(f"--{'category' if err.field == 'games' else err.field}: {err.problem}") from None
        except RunMismatchError as err:
            raise fail(str(err)) from None
    console.print(arena_table(results))
    console.print(f"records: {out / 'samples.jsonl'}\nresults: {out / 'results.json'}\nheatmap: {out / 'heatmap.png'}")


def arena_table(results: dict[str, Any]) -> Table:
    """Per game: each player's NE rate with its 95% interval, forfeit rate and seconds; then pooled."""

    def rate(estimate: dict[str, Any] | None) -> str:
        if not estimate or estimate["mean"] is None:
            return "–"
        interval = estimate["ci95"]
        return f"{estimate['mean']:.0%}" + (f" ({interval[0]:.0%}–{interval[1]:.0%})" if interval else "")

    table = Table(title=f"arenas — {results['model']}: NE rate, self-play, {results['protocol']['trials']} trials "
                  "(95% intervals)")  # fmt: skip
    table.add_column("game")
    for spec in results["players"]:
        table.add_column(f"{spec} NE rate", justify="right")
        table.add_column(f"{spec} forfeits", justify="right")
    rows = [*results["table"].items(), ("overall", results["overall"])]
    for game, cells in rows:
        if game == "overall":
            table.add_section()
        row = [game]
        for spec in results["players"]:
            cell = cells.get(spec)
            row += [rate(cell and cell["equilibrium_rate"]), rate(cell and cell["forfeit_rate"])]
        table.add_row(*row)
    return table


@eval_app.command("rescore")
def eval_rescore(
    out: Annotated[Path, typer.Argument(help="run folder to re-check with the current answer checker")],
) -> None:
    """Re-check a finished or partial run's responses with the current checker (no generation) and re-summarise."""
    from .evals.runner import rescore

    if not (out / "run.json").is_file():
        raise fail(f"out: {out} is not a run folder (no run.json)")
    print_summary(rescore(out))


@eval_app.command("compare")
def eval_compare(
    runs: Annotated[list[Path], typer.Argument(help="run folders; the first is the reference for paired tests")],
    markdown_out: Annotated[Path | None, typer.Option("--markdown", help="also write the table here")] = None,
    chart: Annotated[Path | None, typer.Option(help="write a PNG bar chart with error bars here")] = None,
) -> None:
    """Per-category accuracy of several runs side by side, McNemar tests against the first, and a bar chart."""
    from .atomic_files import write_text_atomically
    from .evals.compare import bar_chart, load_run, markdown

    try:
        loaded = [load_run(path) for path in runs]
        text = markdown(loaded)
    except (FileNotFoundError, ValueError) as err:
        raise fail(str(err)) from None
    typer.echo(text)
    if markdown_out is not None:
        write_text_atomically(markdown_out, text)
    if chart is not None:
        bar_chart(loaded, chart)
        console.print(f"chart: {chart}")


def demo(options: LLMOptions, n: int, max_new_tokens: int, output: Path | None) -> None:
    """The main job of `make demo`: N Recon-Eval questions spread over its categories, each answer, the summary."""
    with tempfile.TemporaryDirectory(prefix="reasonsuite-demo-") as scratch:
        out = output or Path(scratch)
        results = run_task(options, "recon-eval", out, n, max_new_tokens, chunk_size=32, spread=True)
        console.print(samples_table(out))
    print_summary(results)
