"""The Arena tab: pick a game and a line-up, play a seat yourself or watch; moves, payoffs and metrics as they come.

Matches run as jobs of the arena service (the HTTP API sees them too). A human seat's move is announced by the match
with its legal actions; the tab shows them as choices and sends the one picked.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import gradio as gr
import pandas as pd
from pydantic import ValidationError

from reasonsuite.agents.arenas import MatrixGame, get_game, load_games, player_specs
from reasonsuite.tools import ToolInputError

from ..arena_matches import ArenaMatches, ArenaMatchRequest, ArenaMatchView
from ..jobs import FieldError, JobStateError, QueueFullError

ROUND_COLUMNS = ["trial", "round", "moves", "payoffs", "equilibrium", "forfeit"]
METRIC_COLUMNS = ["seat", "player", "NE rate", "mean payoff", "regret", "cooperation", "forfeits"]


def game_summary(name: str) -> tuple[str, pd.DataFrame | None]:
    """The game's description, and for a matrix game its payoff table (row payoff, column payoff)."""
    game = get_game(name)
    text = f"**{game.name}** ({game.kind}, players: {', '.join(game.players)}). {game.description}"
    if not isinstance(game, MatrixGame):
        return text, None
    rows, columns = game.actions
    table = [[row, *(f"{cell[0]:g}, {cell[1]:g}" for cell in game.payoffs[i])] for i, row in enumerate(rows)]
    return text, pd.DataFrame(table, columns=[f"{game.players[0]} \\ {game.players[1]}", *columns])


def round_rows(events: list[dict[str, Any]]) -> pd.DataFrame:
    rows = []
    for event in events:
        if event.get("event") != "round":
            continue
        record = event["record"]
        payoffs = ", ".join(f"{p:g}" for p in record["payoffs"]) if record["payoffs"] is not None else "—"
        rows.append(
            [
                event.get("match_id", ""),
                record["round"] + 1,
                " / ".join(str(a) for a in record["actions"]),
                payoffs,
                "yes" if record["equilibrium"] else "no",
                "yes" if record["forfeit"] else "",
            ]
        )
    return pd.DataFrame(rows, columns=ROUND_COLUMNS)


def _estimate(estimate: dict[str, Any] | None) -> str:
    if not estimate or estimate.get("mean") is None:
        return "—"
    interval = estimate.get("ci95")
    return f"{estimate['mean']:.3g}" + (f" [{interval[0]:.2g}, {interval[1]:.2g}]" if interval else "")


def metric_rows(view: ArenaMatchView) -> pd.DataFrame:
    metrics = (view.result or {}).get("metrics", [])
    rows = [
        [
            m["seat_name"],
            m["player"],
            _estimate(m["equilibrium_rate"]),
            _estimate(m["mean_payoff"]),
            _estimate(m["regret"]),
            _estimate(m.get("cooperation_rate")),
            _estimate(m["forfeit_rate"]),
        ]
        for m in metrics
    ]
    return pd.DataFrame(rows, columns=METRIC_COLUMNS)


def status_line(view: ArenaMatchView) -> str:
    if view.awaiting is not None:
        seat = view.awaiting["view"]
        line = f"Your move as **{seat['player_name']}** (round {seat['round'] + 1} of {seat['rounds']})."
        if seat.get("action_range"):
            low, high = seat["action_range"]
            line += f" Play a number from {low:g} to {high:g}."
        if seat.get("private_value") is not None:
            line += f" Your private value: {seat['private_value']:g}."
        return line
    if view.status == "failed":
        return f"Stopped: {view.error}"
    return f"Match {view.run_id[:8]}: {view.status}"


def build(matches: ArenaMatches) -> None:
    """The tab's layout and events."""
    names = sorted(load_games())
    run_id = gr.State("")
    with gr.Row():
        with gr.Column(scale=4):
            game = gr.Dropdown(names, value="prisoner_dilemma", label="Game")
            players = gr.Textbox(
                "human, tit-for-tat",
                label="Players, one per seat (comma-separated)",
                info=f"specs: {', '.join(player_specs()[:-1])}",
            )
            with gr.Row():
                rounds = gr.Number(5, label="Rounds", precision=0, minimum=1)
                trials = gr.Number(1, label="Trials", precision=0, minimum=1)
            play = gr.Button("Play", variant="primary")
        with gr.Column(scale=5):
            text, table = game_summary("prisoner_dilemma")
            description = gr.Markdown(text)
            matrix = gr.Dataframe(table, label="Payoffs (row, column)", interactive=False)
    status = gr.Markdown()
    with gr.Row(visible=False) as move_row:
        action = gr.Radio([], label="Your action")
        amount = gr.Number(label="Your number", visible=False)
        send = gr.Button("Move", variant="primary")
    moves = gr.Dataframe(headers=ROUND_COLUMNS, label="Rounds", max_height=360)
    metrics = gr.Dataframe(headers=METRIC_COLUMNS, label="Metrics per seat (95% intervals over trials)")
    outputs = [run_id, status, move_row, action, amount, moves, metrics]

    def render(view: ArenaMatchView, events: list[dict[str, Any]]) -> list[Any]:
        seat = view.awaiting["view"] if view.awaiting else {}
        legal, interval = seat.get("legal_actions") or [], seat.get("action_range")
        return [
            view.run_id,
            status_line(view),
            gr.update(visible=bool(seat)),
            gr.update(choices=legal, value=None, visible=bool(legal)),
            gr.update(
                value=None,
                visible=bool(interval),
                minimum=interval[0] if interval else None,
                maximum=interval[1] if interval else None,
            ),
            round_rows(events),
            metric_rows(view),
        ]

    def follow(match_id: str) -> Iterator[list[Any]]:
        events: list[dict[str, Any]] = []
        shown: tuple[str, int] = ("", -1)
        for event in matches.jobs.follow(match_id, poll_s=0.5):
            if event is not None:
                events.append(event)
            view = matches.get(match_id)
            state = (view.status + str(view.awaiting is not None), len(events))
            if state != shown:
                shown = state
                yield render(view, events)
        yield render(matches.get(match_id), events)

    def start(name: str, line_up: str, round_count: float, trial_count: float) -> Iterator[list[Any]]:
        specs = [spec.strip() for spec in line_up.split(",") if spec.strip()]
        try:
            view = matches.start(
                ArenaMatchRequest(game=name, players=specs, rounds=int(round_count), trials=int(trial_count))
            )
        except ValidationError as err:
            raise gr.Error(str(ToolInputError.from_validation_error(err))) from None
        except (JobStateError, QueueFullError) as err:
            raise gr.Error(str(err)) from None
        yield from follow(view.run_id)

    def send_move(match_id: str, chosen: str | None, number: float | None) -> None:
        if not chosen and number is None:
            raise gr.Error("action: pick one of the legal actions, or write your number")
        try:
            matches.move(match_id, chosen or f"{number:g}")
        except (FieldError, JobStateError) as err:
            raise gr.Error(str(err)) from None

    game.change(game_summary, [game], [description, matrix])
    play.click(start, [game, players, rounds, trials], outputs)
    send.click(send_move, [run_id, action, amount], None)
