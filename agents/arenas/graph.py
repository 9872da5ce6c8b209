"""One match as a LangGraph graph: a node per seat, and a referee that applies moves, scores rounds and routes.

    START → referee ─┬─ matrix or continuous game: every seat at once ─┐
                     ├─ tree: seat_k of the player to move ───────────┤→ referee → … → END after the last round
                     └─ match over → END

A seat node asks its player for a move. Scripted players answer inside the node; deferred players (LLM, human)
are asked through ``interrupt``: the driver (``runner.py``) collects the waiting requests of many matches, asks each
player once for all of them (one batched generation for an LLM) and resumes every match with its answer. The
referee never trusts a move: an action outside the legal set (in a continuous game, a number outside the legal
range) is recorded as an illegal move and a forfeit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from langgraph.config import get_stream_writer
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.runtime import Runtime
from langgraph.types import interrupt

from .continuous import ContinuousGame, format_amount
from .equilibria import continuation_payoffs, is_equilibrium_outcome, regret
from .games import Game, MatrixGame, SequentialGame
from .players import Player
from .state import Decision, MatchConfig, MatchState, MoveRecord, MoveView, PastRound, RoundRecord

__all__ = ["MatchContext", "build_graph", "initial_state"]

Update = dict[str, Any]


@dataclass(frozen=True)
class MatchContext:
    """What the nodes use besides the state (not checkpointed): the game, the players, the match's identity."""

    game: Game
    players: list[Player]
    config: MatchConfig = field(default_factory=MatchConfig)
    match_id: str = "match"
    trial: int = 0
    seed: int = 0


def initial_state() -> MatchState:
    return {"round": 0, "path": [], "movers": [], "move_records": [], "decisions": {}, "rounds": [], "done": False}


def _emit(event: dict[str, Any]) -> None:
    try:
        get_stream_writer()(event)
    except RuntimeError:  # invoked outside a streaming run: nobody listens
        pass


# --- views ------------------------------------------------------------------------------------------------------------


def _past(record: RoundRecord) -> PastRound:
    movers = [m.seat for m in record.moves]
    amounts = [m.amount for m in record.moves] if record.kind == "continuous" else None
    return PastRound(round=record.round, actions=record.actions, movers=movers, payoffs=record.payoffs,
                     amounts=amounts)


def move_view(state: MatchState, ctx: MatchContext, seat: int) -> MoveView:
    game = ctx.game
    path = list(state.get("path", []))
    if isinstance(game, SequentialGame):
        legal = game.legal_actions(seat, path)
    else:
        legal = game.legal_actions(seat)
    extra: dict[str, Any] = {}
    if isinstance(game, ContinuousGame):
        values = game.private_values(ctx.seed, state.get("round", 0))
        extra = {"action_range": game.action_range(seat), "private_value": values[seat] if values else None}
    return MoveView(
        match_id=ctx.match_id,
        trial=ctx.trial,
        seed=ctx.seed,
        game=game.name,
        seat=seat,
        player_name=game.players[seat],
        round=state.get("round", 0),
        rounds=ctx.config.rounds,
        discount=ctx.config.discount,
        path=path,
        legal_actions=legal,
        history=[_past(r) for r in state.get("rounds", [])] if ctx.config.show_history else [],
        **extra,
    )


# --- nodes ------------------------------------------------------------------------------------------------------------


def _seat_node(seat: int):
    def seat_node(state: MatchState, runtime: Runtime[MatchContext]) -> Update:
        ctx = runtime.context
        player = ctx.players[seat]
        view = move_view(state, ctx, seat)
        if player.deferred:
            answer = interrupt({"match_id": ctx.match_id, "seat": seat, "view": view.model_dump(mode="json")})
            decision = Decision.model_validate(answer)
        else:
            decision = player.decide(ctx.game, [view])[0]
        return {"decisions": {seat: decision}}

    seat_node.__name__ = f"seat_{seat}"
    return seat_node


def _record(seat: int, ctx: MatchContext, decision: Decision, legal: list[str]) -> MoveRecord:
    illegal = not decision.forfeit and decision.action not in legal
    error = decision.error
    if illegal:
        error = f"illegal action {decision.action!r}; legal: {legal}"
    return MoveRecord(
        seat=seat,
        player=ctx.players[seat].name,
        action=None if (decision.forfeit or illegal) else decision.action,
        forfeit=decision.forfeit or illegal,
        illegal=illegal,
        reasoning=decision.reasoning,
        error=error,
        raw=decision.raw,
        attempts=decision.attempts,
        prompt_tokens=decision.prompt_tokens,
        completion_tokens=decision.completion_tokens,
    )


def _amount(decision: Decision, low: float, high: float) -> tuple[float | None, str | None]:
    """The number a decision names (``amount``, or an ``action`` text such as a person's "12.5"), or why not legal."""
    value = decision.amount
    if value is None:
        try:
            value = float(str(decision.action).strip())
        except ValueError:
            return None, f"{decision.action!r} is not a number; expected one from {low:g} to {high:g}"
    if not math.isfinite(value) or not low <= value <= high:
        return None, f"{value:g} is outside the legal range [{low:g}, {high:g}]"
    return value, None


def _continuous_record(seat: int, ctx: MatchContext, decision: Decision) -> MoveRecord:
    game = ctx.game
    assert isinstance(game, ContinuousGame)
    value, problem = (None, None) if decision.forfeit else _amount(decision, *game.action_range(seat))
    illegal = problem is not None
    return MoveRecord(
        seat=seat,
        player=ctx.players[seat].name,
        action=format_amount(value) if value is not None else None,
        amount=value,
        forfeit=decision.forfeit or illegal,
        illegal=illegal,
        reasoning=decision.reasoning,
        error=f"illegal move: {problem}" if illegal else decision.error,
        raw=decision.raw,
        attempts=decision.attempts,
        prompt_tokens=decision.prompt_tokens,
        completion_tokens=decision.completion_tokens,
    )


def _continuous_round(state: MatchState, ctx: MatchContext) -> RoundRecord:
    """Score one simultaneous round of numbers: payoffs, distance from equilibrium, regret (none after a forfeit)."""
    game = ctx.game
    assert isinstance(game, ContinuousGame)
    seats = range(len(game.players))
    moves = [_continuous_record(seat, ctx, state["decisions"][seat]) for seat in seats]
    values = game.private_values(ctx.seed, state["round"])
    amounts = [m.amount for m in moves]
    distance = game.distances(amounts, values)
    common = {"round": state["round"], "kind": "continuous", "moves": moves, "actions": [m.action for m in moves],
              "distance": distance}  # fmt: skip
    if any(m.forfeit for m in moves):
        info = {"values": values, "equilibrium_actions": game.equilibrium_actions(values)} if values else {}
        return RoundRecord(**common, payoffs=None, forfeit=True, equilibrium=False, regret=[None] * len(moves),
                           info=info)  # fmt: skip
    played = [float(a) for a in amounts]  # type: ignore[arg-type]
    return RoundRecord(
        **common,
        payoffs=game.payoffs(played, values),
        forfeit=False,
        equilibrium=game.is_equilibrium(played, values),
        regret=[game.regret(seat, played, values) for seat in seats],
        info=game.outcome(played, values),
    )


def _matrix_round(state: MatchState, ctx: MatchContext) -> RoundRecord:
    game = ctx.game
    assert isinstance(game, MatrixGame)
    decisions = state["decisions"]
    moves = [_record(seat, ctx, decisions[seat], game.actions[seat]) for seat in range(2)]
    forfeit = any(m.forfeit for m in moves)
    actions = [m.action for m in moves]
    if forfeit:
        return RoundRecord(round=state["round"], kind="matrix", moves=moves, actions=actions, payoffs=None,
                           forfeit=True, equilibrium=False, regret=[None, None])  # fmt: skip
    profile = (game.actions[0].index(actions[0]), game.actions[1].index(actions[1]))  # type: ignore[arg-type]
    return RoundRecord(
        round=state["round"],
        kind="matrix",
        moves=moves,
        actions=actions,
        payoffs=list(game.payoffs[profile[0]][profile[1]]),
        forfeit=False,
        equilibrium=is_equilibrium_outcome(game, profile),
        regret=[regret(game, seat, profile) for seat in range(2)],
    )


def tree_regret(game: SequentialGame, path: list[str], movers: list[int]) -> list[float | None]:
    """Per seat, the largest loss at one of its moves: best move's value minus the chosen move's value, both with
    subgame-perfect play afterwards (backward-induction tool); None for a seat that did not move."""
    regrets: list[float | None] = [None] * len(game.players)
    for step, seat in enumerate(movers):
        prefix = tuple(path[:step])
        node = game.tree.at(prefix)
        values = {move: continuation_payoffs(game, (*prefix, move))[seat] for move in node.moves or {}}
        loss = max(values.values()) - values[path[step]]
        regrets[seat] = max(loss, regrets[seat] or 0.0)
    return regrets


def _tree_step(state: MatchState, ctx: MatchContext) -> Update:
    """Apply the mover's decision; finish the round at a leaf or a forfeit."""
    game = ctx.game
    assert isinstance(game, SequentialGame)
    path = list(state.get("path", []))
    node = game.tree.at(path)
    seat = game.players.index(node.player)  # type: ignore[arg-type]
    move = _record(seat, ctx, state["decisions"][seat], list(node.moves or {}))
    _emit({"event": "move", "match_id": ctx.match_id, "round": state["round"], **move.model_dump(mode="json")})
    records = [*state.get("move_records", []), move]
    movers = [*state.get("movers", []), seat]
    if move.forfeit:
        record = RoundRecord(round=state["round"], kind="sequential", moves=records, actions=[*path, None],
                             payoffs=None, forfeit=True, equilibrium=False,
                             regret=[None] * len(game.players))  # fmt: skip
        return _finish_round(state, ctx, record)
    path.append(move.action)  # type: ignore[arg-type]
    leaf = game.tree.at(path)
    if leaf.payoffs is None:
        return {"path": path, "movers": movers, "move_records": records, "decisions": {}}
    record = RoundRecord(
        round=state["round"],
        kind="sequential",
        moves=records,
        actions=list(path),
        payoffs=list(leaf.payoffs),
        forfeit=False,
        equilibrium=is_equilibrium_outcome(game, tuple(path)),
        regret=tree_regret(game, path, movers),
    )
    return _finish_round(state, ctx, record)


def _finish_round(state: MatchState, ctx: MatchContext, record: RoundRecord) -> Update:
    _emit({"event": "round", "match_id": ctx.match_id, "record": record.model_dump(mode="json")})
    next_round = state["round"] + 1
    return {
        "rounds": [record],
        "round": next_round,
        "path": [],
        "movers": [],
        "move_records": [],
        "decisions": {},
        "done": next_round >= ctx.config.rounds,
    }


def referee(state: MatchState, runtime: Runtime[MatchContext]) -> Update:
    """Apply the pending decisions (if any) and decide what happens next; routing reads the update."""
    ctx = runtime.context
    if not state.get("decisions"):
        return {}
    if isinstance(ctx.game, MatrixGame | ContinuousGame):
        record = _matrix_round(state, ctx) if isinstance(ctx.game, MatrixGame) else _continuous_round(state, ctx)
        for move in record.moves:
            _emit({"event": "move", "match_id": ctx.match_id, "round": record.round, **move.model_dump(mode="json")})
        return _finish_round(state, ctx, record)
    return _tree_step(state, ctx)


def after_referee(state: MatchState, runtime: Runtime[MatchContext]) -> str | list[str]:
    if state.get("done"):
        return END
    game = runtime.context.game
    if isinstance(game, MatrixGame | ContinuousGame):
        return [f"seat_{k}" for k in range(len(game.players))]
    node = game.tree.at(state.get("path", []))
    return f"seat_{game.players.index(node.player)}"  # type: ignore[arg-type]


def build_graph(seats: int, checkpointer: Any = None) -> CompiledStateGraph:
    """The match graph for a game with ``seats`` players; invoke with ``context=MatchContext(...)``."""
    builder = StateGraph(MatchState, context_schema=MatchContext)
    builder.add_node("referee", referee)
    for seat in range(seats):
        builder.add_node(f"seat_{seat}", _seat_node(seat))
        builder.add_edge(f"seat_{seat}", "referee")
    builder.add_edge(START, "referee")
    builder.add_conditional_edges("referee", after_referee, [*(f"seat_{k}" for k in range(seats)), END])
    return builder.compile(checkpointer=checkpointer)
