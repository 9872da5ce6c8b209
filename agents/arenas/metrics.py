"""Rationality metrics per seat over the trials of a tournament, each with a 95% interval.

Every metric is first computed per trial (one match), so the trials are the independent units the intervals are
over: rounds of one match are not independent draws. A metric whose per-trial values are all 0 or 1 (the paper's
one-shot protocol: did this play reach an equilibrium?) gets a Wilson score interval (scipy's ``binomtest``, the same
interval as ``evals.stats.wilson_interval``); any other metric the Student-t interval of the mean over trials.

- ``equilibrium_rate``: share of rounds whose outcome is a pure Nash equilibrium (trees: a subgame-perfect path);
  a round a forfeit ended counts as not reaching one.
- ``mean_payoff``: payoff per round with an outcome; ``total_payoff``: the discounted match total.
- ``regret``: best-response payoff against the opponent's actual move minus the payoff received (trees: the largest
  loss at one of the seat's moves against subgame-perfect play afterwards), per round with an outcome.
- ``cooperation_rate``: share of the seat's moves that are its cooperative action (games that name one).
- ``forfeit_rate``: share of the seat's moves that were unparseable or illegal.
- ``distance`` (continuous games): |number played - the seat's equilibrium action|, per valid move.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from .continuous import ContinuousGame
from .games import Game, MatrixGame

if TYPE_CHECKING:
    from .runner import MatchResult

__all__ = ["Estimate", "PlayerMetrics", "estimate", "tournament_metrics"]


class Estimate(BaseModel):
    """A metric's mean over trials and its 95% interval (None where no trial had a value)."""

    model_config = ConfigDict(frozen=True)

    mean: float | None
    ci95: tuple[float, float] | None
    n: int = Field(description="trials with a value")
    method: Literal["wilson", "t", "none"]


class PlayerMetrics(BaseModel):
    """One seat's metrics over a tournament's trials."""

    model_config = ConfigDict(frozen=True)

    seat: int
    seat_name: str
    player: str
    equilibrium_rate: Estimate
    mean_payoff: Estimate
    total_payoff: Estimate
    regret: Estimate
    cooperation_rate: Estimate | None = Field(description="None when the game names no cooperative action")
    forfeit_rate: Estimate
    distance: Estimate | None = Field(None, description="continuous games: mean |move - equilibrium action| over "
                                      "the seat's valid moves; None in other games")


def estimate(values: Sequence[float | None], rate: bool = False) -> Estimate:
    """Mean and 95% interval of per-trial values (None values are left out); a ``rate``'s interval stays in [0, 1]."""
    xs = [float(v) for v in values if v is not None]
    n = len(xs)
    if n == 0:
        return Estimate(mean=None, ci95=None, n=0, method="none")
    mean = sum(xs) / n
    from scipy.stats import binomtest  # imported here: scipy.stats costs ~1.5 s and only the summary needs it
    from scipy.stats import t as student_t

    if all(x in (0.0, 1.0) for x in xs):
        ci = binomtest(int(sum(xs)), n).proportion_ci(confidence_level=0.95, method="wilson")
        return Estimate(mean=mean, ci95=(float(ci.low), float(ci.high)), n=n, method="wilson")
    if n == 1:
        return Estimate(mean=mean, ci95=None, n=1, method="t")
    sd = math.sqrt(sum((x - mean) ** 2 for x in xs) / (n - 1))
    half = float(student_t.ppf(0.975, n - 1)) * sd / math.sqrt(n)
    low, high = mean - half, mean + half
    if rate:
        low, high = max(0.0, low), min(1.0, high)
    return Estimate(mean=mean, ci95=(low, high), n=n, method="t")


def _share(flags: list[bool]) -> float | None:
    return sum(flags) / len(flags) if flags else None


def _mean(xs: list[float]) -> float | None:
    return sum(xs) / len(xs) if xs else None


def tournament_metrics(game: Game, matches: Sequence[MatchResult]) -> list[PlayerMetrics]:
    """Per-seat metrics of ``matches`` (all of ``game``, same line-up)."""
    if not matches:
        return []
    out = []
    for seat, seat_name in enumerate(game.players):
        names = ("ne", "payoff", "total", "regret", "coop", "forfeit", "distance")
        per_trial: dict[str, list[float | None]] = {k: [] for k in names}
        cooperative = game.cooperative_actions[seat] if isinstance(game, MatrixGame) and game.cooperative_actions \
            else None  # fmt: skip
        for match in matches:
            rounds = match.rounds
            moves = [m for r in rounds for m in r.moves if m.seat == seat]
            per_trial["ne"].append(_share([r.equilibrium for r in rounds]))
            per_trial["payoff"].append(_mean([r.payoffs[seat] for r in rounds if r.payoffs is not None]))
            per_trial["total"].append(match.totals[seat])
            per_trial["regret"].append(_mean([r.regret[seat] for r in rounds if r.regret[seat] is not None]))  # type: ignore[misc]
            per_trial["forfeit"].append(_share([m.forfeit for m in moves]))
            per_trial["coop"].append(_share([m.action == cooperative for m in moves]) if cooperative else None)
            distances = [r.distance[seat] for r in rounds if r.distance is not None and r.distance[seat] is not None]
            per_trial["distance"].append(_mean(distances))  # type: ignore[arg-type]
        out.append(
            PlayerMetrics(
                seat=seat,
                seat_name=seat_name,
                player=matches[0].players[seat],
                equilibrium_rate=estimate(per_trial["ne"], rate=True),
                mean_payoff=estimate(per_trial["payoff"]),
                total_payoff=estimate(per_trial["total"]),
                regret=estimate(per_trial["regret"]),
                cooperation_rate=estimate(per_trial["coop"], rate=True) if cooperative else None,
                forfeit_rate=estimate(per_trial["forfeit"], rate=True),
                distance=estimate(per_trial["distance"]) if isinstance(game, ContinuousGame) else None,
            )
        )
    return out
