"""The arenas as an evaluation: the Recon paper's multi-agent protocol (Hua et al.) with per-match records.

Protocol: each player plays itself (self-play: the same player on every seat) in each of the paper's ten games,
one-shot, ``trials`` independent matches per game (20 in the paper), the LLM sampling at temperature 0.6. The
headline metric is the Nash-equilibrium rate per game: the share of matches whose outcome is a pure Nash equilibrium
(simultaneous games) or the subgame-perfect path (sequential games), with a 95% Wilson interval over the matches.
Scripted players (``random``, ``equilibrium``) can be run beside the model as reference columns: they cost no model
time and show what chance and perfect play score on the same games.

The run folder has the layout of the other evals: ``samples.jsonl`` holds one record per match (``doc_id``
``GAME/PLAYER/TRIAL``, ``category`` = the game, ``correct`` = the match reached an equilibrium, and the whole match
with every move, the model's reasoning and raw outputs), appended a game at a time so a killed run resumes where it
stopped; ``results.json`` holds the table (per game and player: NE rate, forfeit rate, mean payoff, time), the
per-seat metrics and the provenance; ``heatmap.png`` shows the NE rate per game and player. ``correct`` and
``category`` make arena runs comparable with ``reasonsuite eval compare``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reasonsuite.agents.arenas import GameError, LLMPlayer, Player, load_games, make_player, run_tournament
from reasonsuite.agents.arenas.metrics import Estimate, estimate
from reasonsuite.llm import BaseLLM, SamplingParams

from ..atomic_files import save_figure_atomically, write_json_atomically
from .provenance import git_commit, package_versions
from .records import append_records, read_records
from .runner import RunMismatchError

__all__ = ["PAPER_TEMPERATURE", "RECON_GAMES", "heatmap", "recon_games", "run_arena_eval", "summarise"]

PAPER_TEMPERATURE = 0.6
PAPER_TRIALS = 20
# The paper's order: simultaneous, then sequential.
RECON_GAMES = ("prisoner_dilemma", "stag_hunt", "battle_of_sexes", "wait_go_game", "duopolistic_competition",
               "escalation_game", "monopoly_game", "hot_cold_game", "draco", "trigame")  # fmt: skip


def recon_games() -> list[str]:
    """The ten games of the paper, checked against the shipped games' ``recon`` tag (a drift fails loudly)."""
    tagged = {name for name, game in load_games().items() if "recon" in game.tags}
    if tagged != set(RECON_GAMES):
        raise RuntimeError(f"the games tagged recon {sorted(tagged)} differ from the protocol's {list(RECON_GAMES)}")
    return list(RECON_GAMES)


def _players(specs: Sequence[str], llm: BaseLLM | None, params: SamplingParams | None, reasoning: bool
             ) -> dict[str, Player]:  # fmt: skip
    players: dict[str, Player] = {}
    for spec in specs:
        if spec == "llm":
            if llm is None:
                raise GameError("players", "'llm' needs a model")
            players[spec] = LLMPlayer(llm, name="llm", reasoning=reasoning, params=params)
        else:
            players[spec] = make_player(spec)
    return players


def _check_identity(path: Path, identity: dict[str, Any]) -> None:
    """A run folder holds one protocol: resuming with another model, decoding or line-up would mix two runs."""
    if path.exists():
        recorded = json.loads(path.read_text())
        mismatched = [key for key in identity if recorded.get(key) != identity[key]]
        if mismatched:
            raise RunMismatchError(
                f"out: {path.parent} holds a run with another {', '.join(mismatched)} "
                f"({', '.join(f'{k}={recorded.get(k)!r}' for k in mismatched)}); choose another --out"
            )
        return
    write_json_atomically(path, {**identity, "started": _now()})


def run_arena_eval(
    out: Path,
    *,
    llm: BaseLLM | None = None,
    params: SamplingParams | None = None,
    players: Sequence[str] = ("llm",),
    games: Sequence[str] | None = None,
    trials: int = PAPER_TRIALS,
    seed: int = 0,
    reasoning: bool = True,
    config: dict[str, Any] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Self-play of each player in each game (default: the paper's ten), ``trials`` one-shot matches each.

    Every (game, player) tournament is one batched run (an LLM player answers all its matches' seats in one
    generation per decision point); its records are appended when it ends, so a resumed run skips the finished ones.
    Returns results.json's content, and writes it and heatmap.png into ``out``.
    """
    if trials < 1:
        raise GameError("trials", f"expected at least 1, got {trials}")
    chosen = list(games) if games is not None else recon_games()
    catalogue = load_games()
    unknown = [g for g in chosen if g not in catalogue]
    if unknown:
        raise GameError("games", f"unknown games {unknown}; known: {', '.join(sorted(catalogue))}")
    line_up = _players(players, llm, params, reasoning)
    for player in line_up.values():
        for name in chosen:
            player.check(catalogue[name])
    out.mkdir(parents=True, exist_ok=True)
    identity = {
        "task": "arenas",
        "model": llm.name if llm is not None else "(none: scripted players)",
        "params": params.model_dump(mode="json") if params is not None else None,
        "players": list(players),
        "trials": trials,
        "seed": seed,
        "reasoning": reasoning,
    }
    _check_identity(out / "run.json", identity)
    samples = out / "samples.jsonl"
    done = {r["doc_id"] for r in read_records(samples)}
    jobs = [(name, spec) for name in chosen for spec in players]
    for index, (name, spec) in enumerate(jobs, start=1):
        ids = [f"{name}/{spec}/{t}" for t in range(trials)]
        if not all(doc in done for doc in ids):
            game = catalogue[name]
            started = time.perf_counter()
            result = run_tournament(game, [line_up[spec]] * len(game.players), trials=trials, seed=seed)
            share = (time.perf_counter() - started) / trials
            records = [_record(name, spec, match.model_dump(mode="json"), share) for match in result.matches]
            append_records(samples, [r for r in records if r["doc_id"] not in done])
        if on_progress is not None:
            on_progress(index, len(jobs))
    results = summarise(read_records(samples), identity, chosen, list(players), trials, config)
    write_json_atomically(out / "results.json", results)
    heatmap(results, out / "heatmap.png")
    return results


def _record(game: str, spec: str, match: dict[str, Any], seconds: float) -> dict[str, Any]:
    rounds = match["rounds"]
    moves = [m for r in rounds for m in r["moves"]]
    return {
        "doc_id": f"{game}/{spec}/{match['trial']}",
        "category": game,
        "game": game,
        "player": spec,
        "correct": bool(rounds) and all(r["equilibrium"] for r in rounds),
        "forfeit_moves": sum(m["forfeit"] for m in moves),
        "moves": len(moves),
        "completion_tokens": sum(m["completion_tokens"] for m in moves),
        "seconds": round(seconds, 4),
        "match": match,
    }


def _cell(records: list[dict[str, Any]]) -> dict[str, Any]:
    """One table cell: a (game, player) tournament's NE rate, forfeit rate, mean payoff and time, over matches."""
    ne, forfeits, payoffs = [], [], []
    for r in records:
        rounds = r["match"]["rounds"]
        ne.append(sum(x["equilibrium"] for x in rounds) / len(rounds))
        forfeits.append(r["forfeit_moves"] / r["moves"] if r["moves"] else None)
        paid = [sum(x["payoffs"]) / len(x["payoffs"]) for x in rounds if x["payoffs"] is not None]
        payoffs.append(sum(paid) / len(paid) if paid else None)
    return {
        "n": len(records),
        "equilibrium_rate": _dump(estimate(ne, rate=True)),
        "forfeit_rate": _dump(estimate(forfeits, rate=True)),
        "mean_payoff": _dump(estimate(payoffs)),
        "seconds": round(sum(r["seconds"] for r in records), 2),
        "completion_tokens": sum(r["completion_tokens"] for r in records),
    }


def _dump(value: Estimate) -> dict[str, Any]:
    return value.model_dump(mode="json")


def summarise(
    records: list[dict[str, Any]],
    identity: dict[str, Any],
    games: Sequence[str],
    players: Sequence[str],
    trials: int,
    config: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """results.json: per game and player the NE rate (Wilson 95%), forfeit rate, mean payoff per seat and time;
    per player the same pooled over the games."""
    by_cell: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for record in records:
        by_cell.setdefault((record["game"], record["player"]), []).append(record)
    table = {game: {spec: _cell(by_cell[(game, spec)]) for spec in players if (game, spec) in by_cell}
             for game in games}  # fmt: skip
    overall = {}
    for spec in players:
        pooled = [r for game in games for r in by_cell.get((game, spec), [])]
        if pooled:
            overall[spec] = _cell(pooled)
    return {
        "task": "arenas",
        "model": identity["model"],
        "params": identity["params"],
        "protocol": {"self_play": True, "one_shot": True, "trials": trials, "seed": identity["seed"],
                     "reasoning": identity["reasoning"], "paper_temperature": PAPER_TEMPERATURE},  # fmt: skip
        "games": list(games),
        "players": list(players),
        "completed": len(records),
        "items": len(games) * len(players) * trials,
        "table": table,
        "overall": overall,
        "config": config or {},
        "versions": package_versions(),
        "git_commit": git_commit(),
        "finished": _now(),
    }


def heatmap(results: dict[str, Any], path: Path) -> None:
    """NE rate per game (rows) and player (columns), each cell annotated with its 95% interval; written as PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    games, players = results["games"], results["players"]
    grid, labels = [], []
    for game in games:
        row, text = [], []
        for spec in players:
            cell = results["table"].get(game, {}).get(spec)
            rate = cell["equilibrium_rate"] if cell else None
            if rate is None or rate["mean"] is None:
                row.append(float("nan"))
                text.append("–")
                continue
            row.append(rate["mean"])
            low, high = rate["ci95"] or (rate["mean"], rate["mean"])
            text.append(f"{rate['mean']:.0%}\n({low:.0%}–{high:.0%})")
        grid.append(row)
        labels.append(text)
    figure, axes = plt.subplots(figsize=(3.8 + 1.5 * len(players), 1.2 + 0.55 * len(games)))
    image = axes.imshow(grid, cmap="viridis", vmin=0, vmax=1, aspect="auto")
    for i, text in enumerate(labels):
        for j, label in enumerate(text):
            value = grid[i][j]
            colour = "black" if value == value and value > 0.6 else "white"  # NaN != NaN: no cell value
            axes.text(j, i, label, ha="center", va="center", fontsize=7, color=colour)
    axes.set_xticks(range(len(players)), players)
    axes.set_yticks(range(len(games)), [g.replace("_", " ") for g in games])
    axes.set_title(f"NE rate in self-play, {results['protocol']['trials']} trials a cell, 95% intervals\n"
                   f"model: {results['model']}", fontsize=9)
    figure.colorbar(image, ax=axes, label="NE rate")
    figure.tight_layout()
    save_figure_atomically(figure, path, dpi=120)
    plt.close(figure)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
