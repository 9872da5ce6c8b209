"""``reasonsuite arena``: play game-theory matches between LLM, scripted and equilibrium players.

    reasonsuite arena games [--tag recon] [--file my_games.yaml]
    reasonsuite arena run --game prisoner_dilemma --players llm,tit-for-tat --rounds 10 --trials 20 --out runs/pd
    reasonsuite arena league --game prisoner_dilemma --players llm,tit-for-tat,grim,random --rounds 10 --out runs/l

A run folder holds ``samples.jsonl`` (one record per match: every round, move, reasoning, raw model output and the
referee's verdicts) and ``results.json`` (per-seat metrics with 95% intervals, the config, models and versions), the
layout of the other evals. Exit codes: 0 done, 1 backend failure, 2 bad input.
"""

from __future__ import annotations

import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from .cli_common import backend_errors, fail, load_backend, stdout_console
from .llm_options import LLMOptions, llm_config_from, with_llm_options

arena_app = typer.Typer(help="Game-theory arenas: LLM, scripted and equilibrium players; rationality metrics.",
                        no_args_is_help=True)  # fmt: skip
console = stdout_console()


def _games(file: Path | None) -> dict[str, Any]:
    from .agents.arenas import GameError, load_games

    try:
        return load_games(file)
    except GameError as err:
        raise fail(str(err)) from None


def _solution_text(game: Any) -> str:
    from .agents.arenas.equilibria import matrix_solution, tree_solution

    if game.kind == "sequential":
        return "SPE path " + " / ".join("-".join(p) for p in sorted(tree_solution(game).paths))
    if game.kind not in ("matrix", "sequential"):
        if game.kind == "auction":
            n, low = len(game.players), game.value_range[0]
            return "bid = value" if game.pricing == "second" else f"bid = {low:g} + {n - 1}/{n} (value - {low:g})"
        return f"{game.action_name} " + ", ".join(f"{x:.4g}" for x in game.equilibrium_actions())
    pure = sorted(matrix_solution(game).pure)
    if not pure:
        return "mixed only"
    return "NE " + ", ".join(f"({game.actions[0][i]}, {game.actions[1][j]})" for i, j in pure)


@arena_app.command("games")
def games_command(
    file: Annotated[Path | None, typer.Option(help="also read games from this JSON/YAML file")] = None,
    tag: Annotated[str | None, typer.Option(help="only games with this tag (e.g. recon)")] = None,
    solve: Annotated[bool, typer.Option(help="show equilibria (from the game tools)")] = True,
) -> None:
    """List the games: shipped ones (data/games) and those of --file."""
    games = _games(file)
    table = Table(title="Arena games")
    for column in ("game", "kind", "actions", "tags", *(["equilibria"] if solve else [])):
        table.add_column(column)
    for name, game in sorted(games.items()):
        if tag and tag not in game.tags:
            continue
        if game.kind == "matrix":
            actions = " | ".join("/".join(a) for a in game.actions)
        elif game.kind == "sequential":
            actions = f"tree, players {', '.join(game.players)}"
        else:
            low, high = game.action_range(0)
            actions = f"{len(game.players)} players, {game.action_name} in [{low:g}, {high:g}]"
        row = [name, game.kind, actions, ", ".join(game.tags)]
        table.add_row(*row, *([_solution_text(game)] if solve else []))
    console.print(table)


def _cell(estimate: Any, percent: bool) -> str:
    if estimate is None or estimate.mean is None:
        return "–"
    fmt = (lambda x: f"{x:.0%}") if percent else (lambda x: f"{x:.3g}")
    text = fmt(estimate.mean)
    if estimate.ci95 is not None:
        text += f" ({fmt(estimate.ci95[0])}–{fmt(estimate.ci95[1])})"
    return text


def _print_metrics(result: Any) -> None:
    table = Table(title=f"{result.game}: {result.trials} trials × {result.config.rounds} rounds (95% intervals)")
    for column in ("seat", "player", "NE rate", "mean payoff", "regret", "cooperation", "forfeits"):
        table.add_column(column)
    for m in result.metrics:
        table.add_row(
            m.seat_name, m.player, _cell(m.equilibrium_rate, True), _cell(m.mean_payoff, False),
            _cell(m.regret, False), _cell(m.cooperation_rate, True), _cell(m.forfeit_rate, True),
        )  # fmt: skip
    console.print(table)


def _players(specs: list[str], options: LLMOptions, reasoning: bool, max_new_tokens: int, stack: ExitStack) -> list:
    """Player objects for the specs; each distinct llm spec loads its backend once (llm:BACKEND picks the backend)."""
    from .agents.arenas import GameError, LLMPlayer, make_player

    models: dict[str, Any] = {}
    players = []
    for spec in specs:
        if spec == "llm" or spec.startswith("llm:"):
            if spec not in models:
                backend = spec.split(":", 1)[1] if ":" in spec else None
                extra = {"max_new_tokens": max_new_tokens, **({"backend": backend} if backend else {})}
                llm = stack.enter_context(load_backend(llm_config_from(options, **extra)))
                models[spec] = LLMPlayer(llm, name=spec, reasoning=reasoning)
            players.append(models[spec])
            continue
        try:
            players.append(make_player(spec))
        except GameError as err:
            raise fail(f"--players: {err.problem}") from None
    return players


def _write_run(out: Path, result: Any, players: list, seconds: float) -> None:
    from .agents.arenas.llm_player import LLMPlayer
    from .atomic_files import write_json_atomically
    from .evals.provenance import git_commit, package_versions
    from .evals.records import write_records_atomically

    records = [{"doc_id": m.match_id, **m.model_dump(mode="json")} for m in result.matches]
    write_records_atomically(out / "samples.jsonl", records)
    models = {p.name: p.llm.name for p in players if isinstance(p, LLMPlayer)}
    write_json_atomically(out / "results.json", {
        "task": "arena",
        "game": result.game,
        "players": result.players,
        "models": models,
        "trials": result.trials,
        "seed": result.seed,
        "config": result.config.model_dump(mode="json"),
        "metrics": [m.model_dump(mode="json") for m in result.metrics],
        "forfeits": sum(sum(m.forfeits) for m in result.matches),
        "seconds": round(seconds, 2),
        "versions": package_versions(),
        "git_commit": git_commit(),
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
    })  # fmt: skip


@arena_app.command("run")
@with_llm_options
def run_command(
    options: LLMOptions,
    game: Annotated[str, typer.Option(help="game name (see `reasonsuite arena games`)")],
    players: Annotated[str, typer.Option(help="comma-separated, one per seat: llm, llm:BACKEND, random, "
                                         "always:LABEL, tit-for-tat, grim, best-response, equilibrium")],
    out: Annotated[Path, typer.Option(help="run folder for samples.jsonl and results.json")],
    rounds: Annotated[int, typer.Option(min=1, max=1000, help="rounds per match (repeated game)")] = 1,
    trials: Annotated[int, typer.Option(min=1, max=10000, help="matches (independent trials)")] = 20,
    discount: Annotated[float, typer.Option(min=0.0, max=1.0, help="weight of round t is discount**t")] = 1.0,
    match_seed: Annotated[int, typer.Option(help="seed of trial 0's random draws (trial t uses it + t); --seed is "
                                            "the model's sampling seed")] = 0,
    games_file: Annotated[Path | None, typer.Option("--games-file", help="JSON/YAML file with more games")] = None,
    reasoning: Annotated[bool, typer.Option(help="LLM players write a reasoning field before the action")] = True,
    max_new_tokens: Annotated[int, typer.Option(help="tokens an LLM move may use")] = 256,
    verbose: Annotated[bool, typer.Option(help="print every round as it is played")] = False,
) -> None:
    """Play TRIALS matches of GAME between PLAYERS; write the records and the metrics."""
    from .agents.arenas import GameError, get_game, run_tournament

    specs = [s.strip() for s in players.split(",") if s.strip()]
    if (out / "samples.jsonl").exists():
        raise fail(f"--out: {out} already holds a run (samples.jsonl); choose another folder")
    try:
        chosen = get_game(game, games_file)
    except GameError as err:
        raise fail(f"--game: {err.problem}" if err.field == "game" else str(err)) from None
    if discount <= 0:
        raise fail("--discount: must be above 0")

    def show(event: dict[str, Any]) -> None:
        if verbose and event["event"] == "round":
            record = event["record"]
            console.print(f"{event['match_id']} round {record['round'] + 1}: {record['actions']} -> "
                          f"{record['payoffs']}", highlight=False, markup=False)  # fmt: skip

    started = time.perf_counter()
    with backend_errors(), ExitStack() as stack:
        line_up = _players(specs, options, reasoning, max_new_tokens, stack)
        try:
            result = run_tournament(chosen, line_up, trials=trials, rounds=rounds, discount=discount, seed=match_seed,
                                    on_event=show)  # fmt: skip
        except GameError as err:
            raise fail(f"--players: {err.problem}" if err.field == "players" else str(err)) from None
    out.mkdir(parents=True, exist_ok=True)
    _write_run(out, result, line_up, time.perf_counter() - started)
    _print_metrics(result)
    console.print(f"records: {out / 'samples.jsonl'}; results: {out / 'results.json'}")


@arena_app.command("league")
@with_llm_options
def league_command(
    options: LLMOptions,
    game: Annotated[str, typer.Option(help="a two-player game (see `reasonsuite arena games`)")],
    players: Annotated[str, typer.Option(help="comma-separated, at least two distinct players (llm, random, grim, "
                                         "always:LABEL, …); each plays every other in both seats")],
    out: Annotated[Path, typer.Option(help="run folder for samples.jsonl and results.json")],
    rounds: Annotated[int, typer.Option(min=1, max=1000, help="rounds per match (repeated game)")] = 1,
    trials: Annotated[int, typer.Option(min=1, max=10000, help="matches per ordered pair of players")] = 20,
    discount: Annotated[float, typer.Option(min=0.0, max=1.0, help="weight of round t is discount**t")] = 1.0,
    match_seed: Annotated[int, typer.Option(help="seed of trial 0's random draws (trial t uses it + t)")] = 0,
    games_file: Annotated[Path | None, typer.Option("--games-file", help="JSON/YAML file with more games")] = None,
    reasoning: Annotated[bool, typer.Option(help="LLM players write a reasoning field before the action")] = True,
    max_new_tokens: Annotated[int, typer.Option(help="tokens an LLM move may use")] = 256,
) -> None:
    """Rank PLAYERS on GAME: every ordered pair plays TRIALS matches; Elo and normalized relative advantage."""
    from .agents.arenas import GameError, get_game, run_league
    from .agents.arenas.llm_player import LLMPlayer
    from .atomic_files import write_json_atomically
    from .evals.provenance import git_commit, package_versions
    from .evals.records import write_records_atomically

    specs = [s.strip() for s in players.split(",") if s.strip()]
    if (out / "samples.jsonl").exists():
        raise fail(f"--out: {out} already holds a run (samples.jsonl); choose another folder")
    if discount <= 0:
        raise fail("--discount: must be above 0")
    try:
        chosen = get_game(game, games_file)
    except GameError as err:
        raise fail(f"--game: {err.problem}" if err.field == "game" else str(err)) from None
    started = time.perf_counter()
    with backend_errors(), ExitStack() as stack:
        line_up = _players(specs, options, reasoning, max_new_tokens, stack)
        try:
            result = run_league(chosen, line_up, trials=trials, rounds=rounds, discount=discount, seed=match_seed)
        except GameError as err:
            raise fail(f"--{err.field}: {err.problem}") from None
    out.mkdir(parents=True, exist_ok=True)
    records = [{"doc_id": m.match_id, "first": pair.first, "second": pair.second, **m.model_dump(mode="json")}
               for pair in result.pairs for m in pair.matches]  # fmt: skip
    write_records_atomically(out / "samples.jsonl", records)
    write_json_atomically(out / "results.json", {
        "task": "arena-league",
        "game": result.game,
        "players": result.players,
        "models": {p.name: p.llm.name for p in line_up if isinstance(p, LLMPlayer)},
        "trials": trials,
        "seed": match_seed,
        "config": result.config.model_dump(mode="json"),
        "ratings": [r.model_dump(mode="json") for r in result.ratings],
        "pairs": [p.model_dump(mode="json", exclude={"matches"}) for p in result.pairs],
        "seconds": round(time.perf_counter() - started, 2),
        "versions": package_versions(),
        "git_commit": git_commit(),
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
    })  # fmt: skip
    table = Table(title=f"{result.game} league: {trials} matches per ordered pair × {rounds} rounds (95% intervals)")
    for column in ("player", "Elo", "NRA", "wins", "draws", "losses"):
        table.add_column(column)
    for r in result.ratings:
        table.add_row(r.player, f"{r.elo:.0f} ({r.elo_ci95[0]:.0f}–{r.elo_ci95[1]:.0f})", _cell(r.nra, False),
                      str(r.wins), str(r.draws), str(r.losses))  # fmt: skip
    console.print(table)
    console.print(f"records: {out / 'samples.jsonl'}; results: {out / 'results.json'}")
