"""Playing matches: one graph run per match, driven together so deferred players are asked in batches.

``play_match`` plays one match; ``run_tournament`` plays ``trials`` matches of the same line-up and adds the metrics.
Both go through :class:`_Driver`: every match runs until it ends or waits on a deferred player (LLM, human); the
driver then asks each waiting player once for all the matches waiting on it (one ``generate_each`` for an LLM
player: batched generation across matches) and resumes each match with its answer. Progress streams to ``on_event``:
``match_start``, ``awaiting_move``, ``move``, ``round``, ``match_end`` (each with ``match_id``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from langgraph.types import Command
from pydantic import BaseModel, ConfigDict, Field

from .games import Game, GameError, get_game
from .graph import MatchContext, build_graph, initial_state
from .metrics import PlayerMetrics, tournament_metrics
from .players import Player, make_player
from .state import Decision, MatchConfig, MoveRecord, MoveView, RoundRecord

__all__ = ["EventHandler", "MatchResult", "TournamentResult", "play_match", "run_tournament"]

EventHandler = Callable[[dict[str, Any]], None]

# The record types a checkpoint may hold (LangGraph's serializer rebuilds only classes it is told about).
_CHECKPOINTED = [("reasonsuite.agents.arenas.state", name) for name in ("Decision", "MoveRecord", "RoundRecord")]


class MatchResult(BaseModel):
    """A finished match: who played which seat, every round with the referee's verdicts, and the totals."""

    model_config = ConfigDict(frozen=True)

    match_id: str
    game: str
    trial: int
    seed: int
    seats: list[str] = Field(description="the game's player names, by seat")
    players: list[str] = Field(description="the player (strategy or model) at each seat")
    config: MatchConfig
    rounds: list[RoundRecord]
    totals: list[float] = Field(description="per seat, the discounted sum of payoffs over rounds with an outcome")
    forfeits: list[int] = Field(description="per seat, moves forfeited (unparseable or illegal)")


class TournamentResult(BaseModel):
    """Many matches of one line-up on one game, and the metrics per seat with 95% intervals over trials."""

    model_config = ConfigDict(frozen=True)

    game: str
    players: list[str]
    config: MatchConfig
    trials: int
    seed: int
    matches: list[MatchResult]
    metrics: list[PlayerMetrics]


@dataclass
class _Match:
    ctx: MatchContext
    thread: dict[str, Any]
    done: bool = False


def _totals(rounds: list[RoundRecord], seats: int, discount: float) -> list[float]:
    totals = [0.0] * seats
    for record in rounds:
        if record.payoffs is not None:
            for seat in range(seats):
                totals[seat] += discount**record.round * record.payoffs[seat]
    return totals


class _Driver:
    """Runs match graphs to completion, answering their interrupts in batches (one call per waiting player)."""

    def __init__(self, on_event: EventHandler | None):
        self.on_event = on_event
        self.saver = InMemorySaver(serde=JsonPlusSerializer(allowed_msgpack_modules=_CHECKPOINTED))
        self.graphs: dict[int, Any] = {}

    def _graph(self, seats: int) -> Any:
        if seats not in self.graphs:
            self.graphs[seats] = build_graph(seats, self.saver)
        return self.graphs[seats]

    def _emit(self, event: dict[str, Any]) -> None:
        if self.on_event is not None:
            self.on_event(event)

    def _advance(self, match: _Match, graph_input: Any) -> list[Any]:
        """Run the match until it ends or waits; returns its pending interrupts."""
        graph = self._graph(len(match.ctx.game.players))
        for payload in graph.stream(graph_input, match.thread, context=match.ctx, stream_mode="custom"):
            self._emit(payload)
        snapshot = graph.get_state(match.thread)
        if not snapshot.interrupts:
            match.done = True
        return list(snapshot.interrupts)

    def run(self, matches: list[_Match]) -> list[MatchResult]:
        waiting: dict[str, tuple[_Match, list[Any]]] = {}
        for match in matches:
            self._emit({"event": "match_start", "match_id": match.ctx.match_id, "game": match.ctx.game.name,
                        "trial": match.ctx.trial, "players": [p.name for p in match.ctx.players]})  # fmt: skip
            pending = self._advance(match, initial_state())
            if pending:
                waiting[match.ctx.match_id] = (match, pending)
        while waiting:
            answers = self._ask(list(waiting.values()))
            still: dict[str, tuple[_Match, list[Any]]] = {}
            for match_id, (match, interrupts) in waiting.items():
                resume = {item.id: answers[item.id].model_dump(mode="json") for item in interrupts}
                pending = self._advance(match, Command(resume=resume))
                if pending:
                    still[match_id] = (match, pending)
            waiting = still
        return [self._result(match) for match in matches]

    def _ask(self, waiting: list[tuple[_Match, list[Any]]]) -> dict[str, Decision]:
        """Ask every deferred player once for all the views waiting on it, game by game."""
        groups: dict[tuple[int, str], tuple[Player, Game, list[tuple[str, MoveView]]]] = {}
        for match, interrupts in waiting:
            for item in interrupts:
                seat = item.value["seat"]
                player = match.ctx.players[seat]
                view = MoveView.model_validate(item.value["view"])
                self._emit({"event": "awaiting_move", "match_id": match.ctx.match_id, "seat": seat,
                            "player": player.name, "view": item.value["view"]})  # fmt: skip
                key = (id(player), match.ctx.game.model_dump_json())
                groups.setdefault(key, (player, match.ctx.game, []))[2].append((item.id, view))
        answers: dict[str, Decision] = {}
        for player, game, items in groups.values():
            decisions = player.decide(game, [view for _, view in items])
            if len(decisions) != len(items):
                raise RuntimeError(f"player {player.name} returned {len(decisions)} decisions for {len(items)} views")
            answers.update({interrupt_id: d for (interrupt_id, _), d in zip(items, decisions, strict=True)})
        return answers

    def _result(self, match: _Match) -> MatchResult:
        ctx = match.ctx
        graph = self._graph(len(ctx.game.players))
        state = graph.get_state(match.thread).values
        rounds: list[RoundRecord] = list(state.get("rounds", []))
        seats = len(ctx.game.players)
        moves: list[MoveRecord] = [m for r in rounds for m in r.moves]
        result = MatchResult(
            match_id=ctx.match_id,
            game=ctx.game.name,
            trial=ctx.trial,
            seed=ctx.seed,
            seats=list(ctx.game.players),
            players=[p.name for p in ctx.players],
            config=ctx.config,
            rounds=rounds,
            totals=_totals(rounds, seats, ctx.config.discount),
            forfeits=[sum(m.forfeit for m in moves if m.seat == seat) for seat in range(seats)],
        )
        self.saver.delete_thread(match.thread["configurable"]["thread_id"])
        self._emit({"event": "match_end", "match_id": ctx.match_id, "totals": result.totals,
                    "forfeits": result.forfeits})  # fmt: skip
        return result


def _line_up(game: Game, players: Sequence[str | Player], llm: Any, human: Any) -> list[Player]:
    if len(players) != len(game.players):
        raise GameError("players", f"{game.name} has {len(game.players)} seats ({', '.join(game.players)}); "
                        f"got {len(players)} players")  # fmt: skip
    made: dict[str, Player] = {}
    line_up = []
    for spec in players:
        # The same spec at two seats is one player object, so self-play batches both seats in one call.
        player = made.setdefault(spec, make_player(spec, llm=llm, human=human)) if isinstance(spec, str) else spec
        player.check(game)
        line_up.append(player)
    return line_up


def _config(config: MatchConfig | None, rounds: int | None, discount: float | None) -> MatchConfig:
    base = config or MatchConfig()
    update = {k: v for k, v in (("rounds", rounds), ("discount", discount)) if v is not None}
    return MatchConfig.model_validate({**base.model_dump(), **update}) if update else base


def _recursion_limit(game: Game, config: MatchConfig) -> int:
    from .games import SequentialGame, TreeNode

    def depth(node: TreeNode) -> int:
        return 0 if node.moves is None else 1 + max(depth(c) for c in node.moves.values())

    steps = depth(game.tree) if isinstance(game, SequentialGame) else 1
    return config.rounds * (2 * steps + 1) + 10


def _match(game: Game, line_up: list[Player], config: MatchConfig, match_id: str, trial: int, seed: int) -> _Match:
    ctx = MatchContext(game=game, players=line_up, config=config, match_id=match_id, trial=trial, seed=seed)
    thread = {
        "configurable": {"thread_id": f"{match_id}-{uuid.uuid4().hex[:8]}"},
        "recursion_limit": _recursion_limit(game, config),
    }
    return _Match(ctx=ctx, thread=thread)


def play_match(
    game: str | Game,
    players: Sequence[str | Player],
    *,
    rounds: int | None = None,
    discount: float | None = None,
    config: MatchConfig | None = None,
    seed: int = 0,
    trial: int = 0,
    match_id: str | None = None,
    llm: Any = None,
    human: Callable[[MoveView], Any] | None = None,
    on_event: EventHandler | None = None,
) -> MatchResult:
    """Play one match of ``game`` (a name or a Game) between ``players`` (specs or Player objects, one per seat)."""
    game = get_game(game)
    config = _config(config, rounds, discount)
    line_up = _line_up(game, players, llm, human)
    match = _match(game, line_up, config, match_id or f"{game.name}-{trial}", trial, seed)
    return _Driver(on_event).run([match])[0]


def run_tournament(
    game: str | Game,
    players: Sequence[str | Player],
    *,
    trials: int = 20,
    rounds: int | None = None,
    discount: float | None = None,
    config: MatchConfig | None = None,
    seed: int = 0,
    llm: Any = None,
    human: Callable[[MoveView], Any] | None = None,
    on_event: EventHandler | None = None,
) -> TournamentResult:
    """``trials`` matches of the same line-up (seeds ``seed``, ``seed+1``, …), played together so deferred players
    are batched across matches, and the per-seat metrics with 95% intervals over the trials."""
    if trials < 1:
        raise GameError("trials", f"expected at least 1, got {trials}")
    game = get_game(game)
    config = _config(config, rounds, discount)
    line_up = _line_up(game, players, llm, human)
    matches = [_match(game, line_up, config, f"{game.name}-{t}", t, seed + t) for t in range(trials)]
    results = _Driver(on_event).run(matches)
    return TournamentResult(
        game=game.name,
        players=[p.name for p in line_up],
        config=config,
        trials=trials,
        seed=seed,
        matches=results,
        metrics=tournament_metrics(game, results),
    )
