"""Continuous-action games: Cournot and Bertrand markets, sealed-bid auctions, and p-of-the-average guessing.

Each player names a number in a range at the same time. A game is data (``kind: cournot | bertrand | auction |
guessing`` in a games file) and knows four things the referee and the players need:

- ``action_range(seat)``: the legal interval (a move outside it is illegal, a forfeit);
- ``private_values(seed, round)``: private information drawn for the round (auction values), reproducible from the
  match seed, or None;
- ``payoffs(actions, values)``: everyone's payoff for one profile of numbers;
- ``equilibrium_action(seat, value)``: the seat's equilibrium action. Markets take it from the ``oligopoly`` tool,
  never from a formula here; auctions and guessing from the textbook results cited on their classes.

How far a move is from equilibrium (``distance``, in the action's units) is the main metric of these games; a round
counts as an equilibrium when every seat is within ``tolerance`` of its equilibrium action (default: 1% of the range).
Regret is measured against the best action on a fine grid of the range (plus the points where payoffs jump: the
other players' actions and just below them), because best responses in auctions and Bertrand markets are suprema
that no single number attains.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from fractions import Fraction
from functools import lru_cache
from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from reasonsuite.tools import get_tool

from .base import GameModel, Label

__all__ = [
    "AuctionGame",
    "BertrandGame",
    "ContinuousGame",
    "CournotGame",
    "GuessingGame",
    "format_amount",
]

GRID_POINTS = 1001
MAX_PLAYERS = 20


def format_amount(x: float) -> str:
    """A number as a move label: up to 6 significant digits, no trailing zeros (``20``, ``33.3333``)."""
    return f"{x:.6g}"


def _default_players(data: Any, prefix: str, count: int | None) -> Any:
    if isinstance(data, dict) and data.get("players") is None and count is not None:
        return {**data, "players": [f"{prefix} {k + 1}" for k in range(count)]}
    return data


class ContinuousGame(GameModel):
    """The shared part: n players name numbers at the same time; the subclasses give the rules."""

    kind: str
    name: Label
    description: str = ""
    players: list[Label] = Field(min_length=2, max_length=MAX_PLAYERS)
    tolerance: float | None = Field(None, gt=0, description="a move within this distance of the equilibrium action "
                                    "counts as equilibrium play (default: 1% of the action range)")  # fmt: skip
    tags: list[str] = Field(default_factory=list)
    source: str = ""

    action_name: ClassVar[str] = "action"  # what the number is, for prompts and tables: quantity, price, bid, guess

    @model_validator(mode="after")
    def _distinct_players(self) -> ContinuousGame:
        if len(set(self.players)) != len(self.players):
            raise ValueError(f"duplicate player names {self.players}")
        return self

    # --- rules (subclasses) ---

    def action_range(self, seat: int) -> tuple[float, float]:
        raise NotImplementedError

    def private_values(self, seed: int, round_: int) -> list[float] | None:
        """Private information of each seat for one round (None: complete information)."""
        return None

    def payoffs(self, actions: Sequence[float], values: Sequence[float] | None = None) -> list[float]:
        raise NotImplementedError

    def equilibrium_action(self, seat: int, value: float | None = None) -> float:
        raise NotImplementedError

    def rules(self, seat: int) -> str:
        """The rules as the LLM player reads them (its own costs or information included)."""
        raise NotImplementedError

    def outcome(self, actions: Sequence[float], values: Sequence[float] | None = None) -> dict[str, Any]:
        """What else the referee records about a round (price, winner, target), for a person reading the records."""
        return {}

    # --- derived ---

    def legal_actions(self, seat: int) -> list[str]:
        """No finite action set: the legal moves are the numbers in ``action_range``."""
        return []

    def tolerance_for(self, seat: int) -> float:
        low, high = self.action_range(seat)
        return self.tolerance if self.tolerance is not None else 0.01 * (high - low)

    def equilibrium_actions(self, values: Sequence[float] | None = None) -> list[float]:
        return [self.equilibrium_action(k, values[k] if values else None) for k in range(len(self.players))]

    def distances(self, actions: Sequence[float | None], values: Sequence[float] | None = None) -> list[float | None]:
        """Per seat, how far the move is from the seat's equilibrium action (None for a forfeited move)."""
        return [None if a is None else abs(a - self.equilibrium_action(k, values[k] if values else None))
                for k, a in enumerate(actions)]  # fmt: skip

    def is_equilibrium(self, actions: Sequence[float], values: Sequence[float] | None = None) -> bool:
        return all(d is not None and d <= self.tolerance_for(k) + 1e-12
                   for k, d in enumerate(self.distances(actions, values)))  # fmt: skip

    def best_response(self, seat: int, actions: Sequence[float], values: Sequence[float] | None = None
                      ) -> tuple[float, float]:  # fmt: skip
        """The best action (on the grid plus the payoff jumps) against the others' ``actions``, and its payoff."""
        low, high = self.action_range(seat)
        step = (high - low) / (GRID_POINTS - 1)
        candidates = {low + i * step for i in range(GRID_POINTS)}
        nudge = 1e-6 * (high - low)
        for k, other in enumerate(actions):
            if k != seat:
                candidates.update(x for x in (other, other - nudge, other + nudge) if low <= x <= high)
        candidates.add(self.equilibrium_action(seat, values[seat] if values else None))
        profile = list(actions)
        best_action, best_payoff = low, float("-inf")
        for x in sorted(candidates):
            profile[seat] = x
            payoff = self.payoffs(profile, values)[seat]
            if payoff > best_payoff + 1e-12:
                best_action, best_payoff = x, payoff
        return best_action, best_payoff

    def regret(self, seat: int, actions: Sequence[float], values: Sequence[float] | None = None) -> float:
        """Best-response payoff against the others' actual moves minus the payoff received (never below 0)."""
        _, best = self.best_response(seat, actions, values)
        return max(0.0, best - self.payoffs(actions, values)[seat])


# --- markets ----------------------------------------------------------------------------------------------------------


class _Market(ContinuousGame):
    """Linear inverse demand P = a - b*Q, constant marginal costs, one homogeneous good (the ``oligopoly`` tool's
    market)."""

    demand_intercept: float = Field(gt=0, description="a: the price at which demand falls to zero")
    demand_slope: float = Field(gt=0, description="b: the price drop per extra unit of total quantity")
    marginal_costs: list[float] = Field(min_length=2, max_length=MAX_PLAYERS,
                                        description="each firm's constant marginal cost >= 0, one per player")

    @model_validator(mode="before")
    @classmethod
    def _firms(cls, data: Any) -> Any:
        costs = data.get("marginal_costs") if isinstance(data, dict) else None
        return _default_players(data, "Firm", len(costs) if isinstance(costs, list) else None)

    @model_validator(mode="after")
    def _costs_match(self) -> _Market:
        if len(self.marginal_costs) != len(self.players):
            raise ValueError(f"marginal_costs: {len(self.marginal_costs)} costs for {len(self.players)} players; "
                             "give one per player")  # fmt: skip
        if any(c < 0 for c in self.marginal_costs):
            raise ValueError("marginal_costs: costs must be >= 0")
        if self.demand_intercept <= min(self.marginal_costs):
            raise ValueError("demand_intercept: must exceed the lowest marginal cost (else nothing is sold)")
        return self

    def price(self, total_quantity: float) -> float:
        return max(0.0, self.demand_intercept - self.demand_slope * total_quantity)

    def demand(self, price: float) -> float:
        return max(0.0, (self.demand_intercept - price) / self.demand_slope)

    def solution(self) -> Any:
        """The ``oligopoly`` tool's equilibrium of this market (cached per game)."""
        return _oligopoly(self.kind, self.demand_intercept, self.demand_slope, tuple(self.marginal_costs))

    def _market_text(self, seat: int) -> str:
        others = [f"{self.players[k]} {self.marginal_costs[k]:g}" for k in range(len(self.players)) if k != seat]
        return (f"Market price = max(0, {self.demand_intercept:g} - {self.demand_slope:g} x total quantity sold). "
                f"Your cost is {self.marginal_costs[seat]:g} per unit; the others' costs per unit: "
                f"{', '.join(others)}.")  # fmt: skip


@lru_cache(maxsize=256)
def _oligopoly(model: str, a: float, b: float, costs: tuple[float, ...]) -> Any:
    return get_tool("oligopoly").run({"model": model, "demand_intercept": a, "demand_slope": b,
                                      "marginal_costs": list(costs)})  # fmt: skip


class CournotGame(_Market):
    """Cournot competition: firms choose quantities at once; the price clears the market. Equilibrium quantities
    from the ``oligopoly`` tool (Tirole, The Theory of Industrial Organization, ch. 5)."""

    kind: Literal["cournot"] = "cournot"
    action_name: ClassVar[str] = "quantity"

    def action_range(self, seat: int) -> tuple[float, float]:
        return 0.0, self.demand_intercept / self.demand_slope

    def payoffs(self, actions: Sequence[float], values: Sequence[float] | None = None) -> list[float]:
        price = self.price(sum(actions))
        return [(price - c) * q for q, c in zip(actions, self.marginal_costs, strict=True)]

    def equilibrium_action(self, seat: int, value: float | None = None) -> float:
        return self.solution().firms[seat].quantity.value

    def outcome(self, actions: Sequence[float], values: Sequence[float] | None = None) -> dict[str, Any]:
        return {"price": self.price(sum(actions)), "total_quantity": sum(actions),
                "equilibrium_actions": self.equilibrium_actions()}  # fmt: skip

    def rules(self, seat: int) -> str:
        return (f"{len(self.players)} firms sell the same good. Each firm chooses how many units to produce, all at "
                f"the same time. {self._market_text(seat)} Your profit = (market price - your cost) x your "
                "quantity.")  # fmt: skip


class BertrandGame(_Market):
    """Bertrand competition: firms set prices at once; buyers all buy from the cheapest firm (ties: the lowest-cost
    firms among the cheapest share demand equally, the tool's tie rule). Equilibrium price from the ``oligopoly``
    tool: the firms that sell quote it, the others quote their own marginal cost."""

    kind: Literal["bertrand"] = "bertrand"
    action_name: ClassVar[str] = "price"

    def action_range(self, seat: int) -> tuple[float, float]:
        return 0.0, self.demand_intercept

    def _sellers(self, actions: Sequence[float]) -> list[int]:
        low = min(actions)
        cheapest = [k for k, p in enumerate(actions) if abs(p - low) <= 1e-9]
        cost = min(self.marginal_costs[k] for k in cheapest)
        return [k for k in cheapest if self.marginal_costs[k] == cost]

    def payoffs(self, actions: Sequence[float], values: Sequence[float] | None = None) -> list[float]:
        sellers = self._sellers(actions)
        units = self.demand(min(actions)) / len(sellers)
        return [(actions[k] - self.marginal_costs[k]) * units if k in sellers else 0.0 for k in range(len(actions))]

    def equilibrium_action(self, seat: int, value: float | None = None) -> float:
        solution = self.solution()
        if solution.firms[seat].active:
            return solution.price.value
        return self.marginal_costs[seat]

    def outcome(self, actions: Sequence[float], values: Sequence[float] | None = None) -> dict[str, Any]:
        return {"price": min(actions), "sellers": self._sellers(actions),
                "equilibrium_actions": self.equilibrium_actions()}  # fmt: skip

    def rules(self, seat: int) -> str:
        return (f"{len(self.players)} firms sell the same good. Each firm sets its price, all at the same time; every "
                "buyer buys from the cheapest firm (a tie at the lowest price: the lowest-cost of those firms share "
                f"the buyers equally). At price p buyers want ({self.demand_intercept:g} - p) / "
                f"{self.demand_slope:g} units. Your cost is {self.marginal_costs[seat]:g} per unit; the others' "
                f"costs: {', '.join(f'{self.marginal_costs[k]:g}' for k in range(len(self.players)) if k != seat)}. "
                "Your profit = (your price - your cost) x the units you sell.")  # fmt: skip


# --- auctions ---------------------------------------------------------------------------------------------------------


class AuctionGame(ContinuousGame):
    """A sealed-bid auction of one item with independent private values, uniform on ``value_range``.

    The highest bid wins (a tie splits the item's surplus equally: the expected payoff of a fair draw); the winner
    pays its own bid (``pricing: first``) or the highest other bid (``second``, Vickrey). Equilibrium bids, risk
    neutral: second price, bid = value (weakly dominant; Vickrey 1961); first price with n bidders and values
    uniform on [L, H], bid = L + (n-1)/n (value - L), the symmetric Bayes-Nash equilibrium (Krishna, Auction Theory,
    2nd ed., §2.3: the bid is the expected highest other value below one's own).
    """

    kind: Literal["auction"] = "auction"
    pricing: Literal["first", "second"]
    value_range: tuple[float, float] = Field((0.0, 100.0), description="[low, high]: each value is drawn uniformly "
                                             "from it, independently per bidder and round")  # fmt: skip
    action_name: ClassVar[str] = "bid"

    @model_validator(mode="before")
    @classmethod
    def _bidders(cls, data: Any) -> Any:
        return _default_players(data, "Bidder", 2)

    @model_validator(mode="after")
    def _range(self) -> AuctionGame:
        low, high = self.value_range
        if not 0 <= low < high:
            raise ValueError(f"value_range: expected 0 <= low < high, got [{low:g}, {high:g}]")
        return self

    def action_range(self, seat: int) -> tuple[float, float]:
        return 0.0, self.value_range[1]

    def private_values(self, seed: int, round_: int) -> list[float]:
        rng = random.Random(f"values|{self.name}|{seed}|{round_}")
        low, high = self.value_range
        return [round(rng.uniform(low, high), 2) for _ in self.players]

    def _winners(self, bids: Sequence[float]) -> list[int]:
        top = max(bids)
        return [k for k, b in enumerate(bids) if abs(b - top) <= 1e-9]

    def _price(self, bids: Sequence[float], winner: int) -> float:
        if self.pricing == "first":
            return bids[winner]
        return max(b for k, b in enumerate(bids) if k != winner)

    def payoffs(self, actions: Sequence[float], values: Sequence[float] | None = None) -> list[float]:
        if values is None:
            raise ValueError("an auction's payoffs need the bidders' values")
        winners = self._winners(actions)
        return [(values[k] - self._price(actions, k)) / len(winners) if k in winners else 0.0
                for k in range(len(actions))]  # fmt: skip

    def equilibrium_action(self, seat: int, value: float | None = None) -> float:
        if value is None:
            raise ValueError("an auction's equilibrium bid needs the bidder's value")
        if self.pricing == "second":
            return value
        n, low = len(self.players), self.value_range[0]
        return low + (n - 1) / n * (value - low)

    def outcome(self, actions: Sequence[float], values: Sequence[float] | None = None) -> dict[str, Any]:
        winners = self._winners(actions)
        return {"values": list(values or []), "winners": winners, "price": self._price(actions, winners[0]),
                "equilibrium_actions": self.equilibrium_actions(values)}  # fmt: skip

    def rules(self, seat: int) -> str:
        low, high = self.value_range
        pays = "its own bid" if self.pricing == "first" else "the highest bid among the other bidders"
        return (f"One item is sold to {len(self.players)} bidders by sealed bids, all made at the same time. Each "
                f"bidder's value for the item is private: the others' values are independent draws, uniform from "
                f"{low:g} to {high:g}. The highest bid wins (a tie splits the gain) and pays {pays}. The winner's "
                "payoff = value - price paid; the others get 0.")  # fmt: skip


# --- guessing ---------------------------------------------------------------------------------------------------------


class GuessingGame(ContinuousGame):
    """p-of-the-average guessing (the p-beauty contest): everyone picks a number; the one closest to p times the
    average wins the prize (ties split it). With p < 1 the only equilibrium is everyone at the bottom of the range,
    the limit of iterated elimination of dominated guesses (Nagel, AER 1995; Moulin 1986)."""

    kind: Literal["guessing"] = "guessing"
    fraction: float = Field(2 / 3, gt=0, lt=1, description="p: the target is p times the average guess (a number, "
                            "or an exact ratio such as \"2/3\")")
    low: float = 0.0
    high: float = 100.0
    prize: float = Field(1.0, gt=0)
    action_name: ClassVar[str] = "guess"

    @model_validator(mode="before")
    @classmethod
    def _guessers(cls, data: Any) -> Any:
        return _default_players(data, "Player", 3)

    @field_validator("fraction", mode="before")
    @classmethod
    def _ratio(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return float(Fraction(value.strip()))
            except (ValueError, ZeroDivisionError):
                raise ValueError(f"expected a number or a ratio such as 2/3, got {value!r}") from None
        return value

    @model_validator(mode="after")
    def _range(self) -> GuessingGame:
        if not self.low < self.high:
            raise ValueError(f"high: expected low < high, got [{self.low:g}, {self.high:g}]")
        return self

    def action_range(self, seat: int) -> tuple[float, float]:
        return self.low, self.high

    def target(self, actions: Sequence[float]) -> float:
        return self.fraction * sum(actions) / len(actions)

    def _winners(self, actions: Sequence[float]) -> list[int]:
        target = self.target(actions)
        gaps = [abs(a - target) for a in actions]
        return [k for k, gap in enumerate(gaps) if gap <= min(gaps) + 1e-9]

    def payoffs(self, actions: Sequence[float], values: Sequence[float] | None = None) -> list[float]:
        winners = self._winners(actions)
        return [self.prize / len(winners) if k in winners else 0.0 for k in range(len(actions))]

    def equilibrium_action(self, seat: int, value: float | None = None) -> float:
        return self.low

    def outcome(self, actions: Sequence[float], values: Sequence[float] | None = None) -> dict[str, Any]:
        return {"target": self.target(actions), "winners": self._winners(actions),
                "equilibrium_actions": self.equilibrium_actions()}  # fmt: skip

    def rules(self, seat: int) -> str:
        return (f"{len(self.players)} players each pick a number from {self.low:g} to {self.high:g}, all at the same "
                f"time. The target is {self.fraction:.4g} times the average of all the numbers picked. Whoever is "
                f"closest to the target wins {self.prize:g} (a tie splits it); the others get 0.")  # fmt: skip


CONTINUOUS_KINDS: dict[str, type[ContinuousGame]] = {
    "cournot": CournotGame,
    "bertrand": BertrandGame,
    "auction": AuctionGame,
    "guessing": GuessingGame,
}
