"""The typed state of one match, what a player sees when asked for a move, and the records a match leaves.

The graph's nodes return partial updates: ``rounds`` and ``path`` grow by LangGraph's reducers; ``decisions`` holds
the moves of the current decision point until the referee applies them and clears it. Every record is a frozen
pydantic model, so a match result is JSON a person can read (samples.jsonl) and the UI can render.
"""

from __future__ import annotations

import operator
from typing import Annotated, Any, Literal, TypedDict

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Decision",
    "MatchConfig",
    "MatchState",
    "MoveRecord",
    "MoveView",
    "PastRound",
    "RoundRecord",
]


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True)


class MatchConfig(_Record):
    """How a match is played; the same for every match of a tournament."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rounds: int = Field(1, ge=1, le=1000, description="how many times the stage game is played")
    discount: float = Field(1.0, gt=0.0, le=1.0, description="payoff of round t (0-based) is weighted discount**t")
    show_history: bool = Field(True, description="players see the earlier rounds of the match")


class PastRound(_Record):
    """One earlier round as a player sees it: the moves played (None where a player forfeited) and the payoffs."""

    round: int
    actions: list[str | None] = Field(description="matrix games: action per seat; trees: the moves along the path")
    movers: list[int] = Field(description="trees: the seat that made each move of `actions`; matrix: 0, 1")
    payoffs: list[float] | None
    amounts: list[float | None] | None = Field(None, description="continuous games: the numbers played, by seat")


class MoveView(_Record):
    """Everything a player may use to choose one move (no private state: players stay stateless, so one player
    object can decide for many matches at once)."""

    match_id: str
    trial: int
    seed: int = Field(description="the match's seed; random players derive their draws from it")
    game: str
    seat: int
    player_name: str
    round: int
    rounds: int
    discount: float
    path: list[str] = Field(default_factory=list, description="trees: the moves made so far in this round")
    legal_actions: list[str] = Field(description="the legal action labels; empty in a continuous game, where "
                                     "`action_range` holds the legal numbers")
    action_range: tuple[float, float] | None = Field(None, description="continuous games: the legal interval "
                                                     "[low, high] of the number to name")
    private_value: float | None = Field(None, description="private information of this seat for this round (an "
                                        "auction bidder's value for the item)")
    history: list[PastRound] = Field(default_factory=list)


class Decision(_Record):
    """A player's answer for one view: an action, or a forfeit with the reason (never a default action)."""

    action: str | None
    amount: float | None = Field(None, description="continuous games: the number named (``action`` is its label)")
    forfeit: bool = False
    reasoning: str = ""
    error: str | None = None
    raw: list[str] = Field(default_factory=list, description="the model's raw outputs (LLM players)")
    attempts: int = 1
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @classmethod
    def forfeited(cls, error: str, raw: list[str] | None = None, attempts: int = 1) -> Decision:
        return cls(action=None, forfeit=True, error=error, raw=raw or [], attempts=attempts)


class MoveRecord(_Record):
    """One move as the referee recorded it."""

    seat: int
    player: str
    action: str | None
    amount: float | None = Field(None, description="continuous games: the number played")
    forfeit: bool
    illegal: bool = Field(False, description="the player named an action that is not legal here (a forfeit)")
    reasoning: str = ""
    error: str | None = None
    raw: list[str] = Field(default_factory=list)
    attempts: int = 1
    prompt_tokens: int = 0
    completion_tokens: int = 0


class RoundRecord(_Record):
    """One play of the stage game, and the referee's verdicts on it."""

    round: int
    kind: Literal["matrix", "sequential", "continuous"]
    moves: list[MoveRecord]
    actions: list[str | None] = Field(description="matrix: action per seat; trees: the path of moves")
    payoffs: list[float] | None = Field(description="None when a forfeit ended the round without an outcome")
    forfeit: bool
    equilibrium: bool = Field(description="matrix: a pure Nash equilibrium; trees: a subgame-perfect path")
    regret: list[float | None] = Field(
        description="matrix: per seat, best-response payoff against the other's action minus the payoff received; "
        "trees: per seat, the largest loss at one of its moves against subgame-perfect play afterwards; continuous: "
        "as in a matrix game, the best response taken on a fine grid of the range"
    )
    distance: list[float | None] | None = Field(
        None, description="continuous games: per seat, |number played - the seat's equilibrium action|"
    )
    info: dict[str, Any] = Field(default_factory=dict, description="continuous games: the round's values, price, "
                                 "winners or target, and the equilibrium actions, for a person reading the record")


def merge_decisions(old: dict[int, Decision] | None, new: dict[int, Decision] | None) -> dict[int, Decision]:
    """Seats deciding in parallel add their decisions; the referee clears them with an empty dict."""
    if not new:
        return {}
    return {**(old or {}), **new}


class MatchState(TypedDict, total=False):
    """The graph state: the current round, the moves made so far in it (trees), pending decisions, finished rounds."""

    round: int
    path: list[str]
    movers: list[int]
    move_records: list[MoveRecord]
    decisions: Annotated[dict[int, Decision], merge_decisions]
    rounds: Annotated[list[RoundRecord], operator.add]
    done: bool

