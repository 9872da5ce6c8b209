"""Infinitely repeated symmetric 2x2 games: `grim_trigger_discount_factor` and `repeated_game_outcomes`.

Both rest on the one-shot deviation principle (Fudenberg & Tirole 1991, Game Theory, Thm 4.2): a strategy profile of
a discounted repeated game is subgame perfect when no player gains by deviating once and then following it. Under
grim trigger, a deviation from the agreed path earns the best stage payoff against the other's prescribed action
once and the punishment payoff (a stage Nash equilibrium for perfection, the minmax value for a plain Nash
equilibrium) in every later period. Payoffs are compared as discounted averages, (1 - d) * sum_t d^t u_t, so they sit on
the scale of the stage payoffs; everything is exact for rational payoffs and discount factors.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Annotated

from pydantic import AfterValidator, Field

from ..registry import ToolInput, ToolInputError, ToolOutput, register_tool
from .payoffs import Exact, ExactNumber, exact
from .stage_game import (
    StageEquilibrium,
    SymmetricStageGame,
    equilibrium_out,
    minmax_value,
    stage_equilibria,
)

__all__ = [
    "GrimTriggerInput",
    "GrimTriggerOutput",
    "OutcomesInput",
    "OutcomesOutput",
    "grim_trigger_discount_factor",
    "repeated_game_outcomes",
]

MAX_CYCLE = 12


def _discount(value: Fraction) -> Fraction:
    if not 0 <= value < 1:
        raise ValueError(f"a discount factor must satisfy 0 <= d < 1, got {value}")
    return value


DiscountFactor = Annotated[ExactNumber, AfterValidator(_discount)]


class DiscountRange(ToolOutput):
    low: Exact = Field(description="smallest discount factor that works (inclusive)")
    high: Exact | None = Field(description="largest discount factor that works (inclusive); null: every d up to 1")


def linear_range(constant: Fraction, slope: Fraction) -> tuple[Fraction, Fraction | None] | None:
    """The discount factors d in [0, 1) with constant + slope * d >= 0, as (low, high or None), or None if empty."""
    if slope > 0:
        low = max(Fraction(0), -constant / slope)
        return (low, None) if low < 1 else None
    if slope < 0:
        high = -constant / slope
        if high < 0:
            return None
        return (Fraction(0), high) if high < 1 else (Fraction(0), None)
    return (Fraction(0), None) if constant >= 0 else None


def _intersect(
    ranges: list[tuple[Fraction, Fraction | None] | None],
) -> tuple[Fraction, Fraction | None] | None:
    low, high = Fraction(0), None
    for found in ranges:
        if found is None:
            return None
        low = max(low, found[0])
        if found[1] is not None:
            high = found[1] if high is None else min(high, found[1])
    if high is not None and high < low:
        return None
    return low, high


def _range_out(found: tuple[Fraction, Fraction | None] | None) -> DiscountRange | None:
    if found is None:
        return None
    return DiscountRange(low=exact(found[0]), high=None if found[1] is None else exact(found[1]))


# --- grim_trigger_discount_factor -------------------------------------------------------------------------------------


class GrimTriggerInput(SymmetricStageGame):
    """A symmetric 2x2 stage game (R, P, T, S) played infinitely often; optionally the players' discount factor."""

    discount_factor: DiscountFactor | None = Field(
        None, description="optional common discount factor d (0 <= d < 1) to check cooperation at"
    )


class GrimTriggerOutput(ToolOutput):
    min_discount_factor: Exact | None = Field(
        description="smallest d at which grim trigger sustains mutual cooperation (0 when defecting never pays); "
        "null when no d < 1 does"
    )
    sustaining_discount_factors: DiscountRange | None = Field(
        description="every d in [0, 1) at which cooperation is sustained; null when none"
    )
    textbook_ratio: Exact | None = Field(
        description="(T - R) / (T - P), the prisoner's-dilemma formula for the critical discount factor; it equals "
        "min_discount_factor when T > R > P. Null when T = P"
    )
    deviation_gain: Exact = Field(description="T - R: one-period gain from defecting against a cooperator")
    punishment_loss: Exact = Field(description="R - P: per-period loss once cooperation breaks down")
    punishment_is_stage_equilibrium: bool = Field(
        description="P >= S: mutual defection is a stage Nash equilibrium, so the threat is credible (subgame perfect)"
    )
    prisoners_dilemma: bool = Field(description="T > R > P > S")
    sustainable_at_discount_factor: bool | None = Field(description="verdict at the given d; null when none given")
    notes: list[str]


@register_tool("grim_trigger_discount_factor")
def grim_trigger_discount_factor(inp: GrimTriggerInput) -> GrimTriggerOutput:
    """Smallest discount factor at which grim trigger sustains mutual cooperation in a repeated symmetric 2x2 game.

    Cooperating forever is worth R per period; defecting once earns T and then P forever. With discounted averages the
    cooperator is not tempted when R >= (1 - d) T + d P, i.e. d (T - P) >= T - R, which for a prisoner's dilemma
    (T > R > P) gives the textbook d* = (T - R) / (T - P). Other orderings are solved from the same inequality: if
    T <= R defecting never pays (d* = 0), if P >= R cooperation cannot be sustained by this threat. Grim trigger is a
    subgame-perfect equilibrium only when mutual defection is a stage equilibrium (P >= S); the tool says so.
    """
    inp.labels()
    r, p, t, s = inp.mutual_cooperation, inp.mutual_defection, inp.temptation, inp.sucker
    found = linear_range(r - t, t - p)
    credible = p >= s
    notes = []
    if t <= r:
        notes.append("T <= R: defecting against a cooperator does not pay, so cooperation needs no patience")
    if p >= r and t > r:
        notes.append("P >= R: the punishment is no worse than cooperating, so the trigger deters nothing")
    if found is not None and found[1] is not None:
        notes.append("P > T: mutual defection pays more than the one-off temptation, so only impatient players comply")
    if not credible:
        notes.append(
            "P < S: mutual defection is not a stage equilibrium; grim trigger is then a Nash but not a "
            "subgame-perfect equilibrium"
        )
    at = None
    if inp.discount_factor is not None and found is not None:
        d = inp.discount_factor
        at = d >= found[0] and (found[1] is None or d <= found[1])
    elif inp.discount_factor is not None:
        at = False
    return GrimTriggerOutput(
        min_discount_factor=exact(found[0]) if found is not None else None,
        sustaining_discount_factors=_range_out(found),
        textbook_ratio=exact((t - r) / (t - p)) if t != p else None,
        deviation_gain=exact(t - r),
        punishment_loss=exact(r - p),
        punishment_is_stage_equilibrium=credible,
        prisoners_dilemma=t > r > p > s,
        sustainable_at_discount_factor=at,
        notes=notes,
    )


# --- repeated_game_outcomes -------------------------------------------------------------------------------------------


class OutcomePath(ToolInput):
    name: str = Field(description="a short name for the outcome, e.g. the option text")
    profiles: list[list[str]] = Field(
        description="the outcome as a repeating cycle of action pairs [first player's action, second player's action] "
        'using cooperate_label/defect_label, e.g. [["cooperate", "cooperate"]] for cooperating every period or '
        '[["cooperate", "defect"], ["defect", "cooperate"]] for taking turns',
        min_length=1,
        max_length=MAX_CYCLE,
    )


class OutcomesInput(SymmetricStageGame):
    """A symmetric 2x2 stage game (R, P, T, S), the common discount factor, and the outcomes to test."""

    discount_factor: DiscountFactor = Field(description="common discount factor d, 0 <= d < 1")
    outcomes: list[OutcomePath] | None = Field(
        None,
        description="outcomes to test; default: both cooperate every period, both defect every period, the players "
        "take turns defecting, one cooperates while the other defects every period",
    )


class OutcomeVerdict(ToolOutput):
    name: str
    profiles: list[list[str]]
    average_payoffs: list[Exact] = Field(description="each player's discounted average payoff from the first period")
    repeats_stage_equilibrium: bool = Field(description="every period is a stage Nash equilibrium")
    subgame_perfect: bool = Field(
        description="sustained by grim trigger reverting to a stage Nash equilibrium (no one-shot deviation pays)"
    )
    nash_equilibrium: bool = Field(
        description="sustained as a Nash equilibrium of the repeated game with minmax punishment of a deviator"
    )
    min_discount_factor: Exact | None = Field(
        description="stationary outcomes: smallest d at which grim trigger (Nash reversion) sustains it; null for "
        "cycles or when no d works"
    )
    tightest_slack: Exact = Field(
        description="smallest margin, over players and periods of the cycle, of continuing over deviating under Nash "
        "reversion (negative: someone gains by deviating)"
    )


class OutcomesOutput(ToolOutput):
    discount_factor: Exact
    stage_equilibria: list[StageEquilibrium]
    minmax_value: Exact = Field(description="each player's (mixed) minmax stage payoff")
    outcomes: list[OutcomeVerdict]
    sustainable_subgame_perfect: list[str] = Field(description="names of the outcomes that are subgame perfect")
    sustainable_nash: list[str] = Field(description="names of the outcomes sustainable as a Nash equilibrium")


def _default_paths(labels: tuple[str, str]) -> list[OutcomePath]:
    c, d = labels
    return [
        OutcomePath(name="both cooperate every period", profiles=[[c, c]]),
        OutcomePath(name="both defect every period", profiles=[[d, d]]),
        OutcomePath(name="take turns: one defects while the other cooperates, alternating", profiles=[[d, c], [c, d]]),
        OutcomePath(name="first player cooperates, second defects every period", profiles=[[c, d]]),
    ]


def _parse_path(path: OutcomePath, labels: tuple[str, str], field: str) -> list[tuple[int, int]]:
    index = {label: k for k, label in enumerate(labels)}
    cycle = []
    for n, pair in enumerate(path.profiles):
        if len(pair) != 2:
            raise ToolInputError(f"{field}.profiles.{n}", f"expected 2 actions, got {len(pair)}")
        for action in pair:
            if action not in index:
                raise ToolInputError(f"{field}.profiles.{n}", f"unknown action {action!r}; use one of {list(labels)}")
        cycle.append((index[pair[0]], index[pair[1]]))
    return cycle


def _continuation(
    game: SymmetricStageGame, cycle: list[tuple[int, int]], start: int, player: int, d: Fraction
) -> Fraction:
    """Discounted average payoff of ``player`` following the cycle from period ``start`` on."""
    length = len(cycle)
    total = sum((d**j * game.profile_payoffs(*cycle[(start + j) % length])[player] for j in range(length)), Fraction(0))
    return (1 - d) * total / (1 - d**length)


def _deviation(game: SymmetricStageGame, profile: tuple[int, int], player: int) -> Fraction:
    """Stage payoff of ``player`` switching to her other action against the opponent's prescribed one."""
    own, other = (profile[0], profile[1]) if player == 0 else (profile[1], profile[0])
    return game.payoff(1 - own, other)


def _slack(
    game: SymmetricStageGame, cycle: list[tuple[int, int]], d: Fraction, punish: tuple[Fraction, Fraction]
) -> Fraction:
    return min(
        _continuation(game, cycle, k, i, d) - ((1 - d) * _deviation(game, cycle[k], i) + d * punish[i])
        for k in range(len(cycle))
        for i in (0, 1)
    )


def _stationary_range(
    game: SymmetricStageGame, profile: tuple[int, int], punish: tuple[Fraction, Fraction]
) -> tuple[Fraction, Fraction | None] | None:
    # u >= (1 - d) dev + d p  <=>  (u - dev) + d (dev - p) >= 0, for each player.
    payoffs = game.profile_payoffs(*profile)
    return _intersect(
        [
            linear_range(payoffs[i] - _deviation(game, profile, i), _deviation(game, profile, i) - punish[i])
            for i in (0, 1)
        ]
    )


@register_tool("repeated_game_outcomes")
def repeated_game_outcomes(inp: OutcomesInput) -> OutcomesOutput:
    """Which outcome paths of an infinitely repeated symmetric 2x2 game are equilibria at a given discount factor.

    Each outcome is a repeating cycle of action pairs (default: always cooperate, always defect, taking turns, one
    cooperates while the other defects). It is subgame perfect when grim trigger reverting to some stage Nash
    equilibrium deters every one-shot deviation in every period of the cycle, and a Nash equilibrium of the repeated
    game when reverting to the deviator's minmax payoff does. Repeating a stage equilibrium is always both.
    """
    labels = inp.labels()
    d = inp.discount_factor
    paths = inp.outcomes if inp.outcomes is not None else _default_paths(labels)
    equilibria = stage_equilibria(inp)
    minmax = minmax_value(inp, mixed=True)
    verdicts = []
    for n, path in enumerate(paths):
        cycle = _parse_path(path, labels, f"outcomes.{n}")
        reversions = [inp.profile_payoffs(*e) for e in equilibria]
        slacks = [_slack(inp, cycle, d, punish) for punish in reversions]
        best = max(slacks)
        min_d = None
        if len(cycle) == 1:
            ranges = [_stationary_range(inp, cycle[0], punish) for punish in reversions]
            lows = [found[0] for found in ranges if found is not None]
            min_d = exact(min(lows)) if lows else None
        verdicts.append(
            OutcomeVerdict(
                name=path.name,
                profiles=[[labels[a], labels[b]] for a, b in cycle],
                average_payoffs=[exact(_continuation(inp, cycle, 0, i, d)) for i in (0, 1)],
                repeats_stage_equilibrium=all(profile in equilibria for profile in cycle),
                subgame_perfect=best >= 0,
                nash_equilibrium=_slack(inp, cycle, d, (minmax, minmax)) >= 0,
                min_discount_factor=min_d,
                tightest_slack=exact(best),
            )
        )
    return OutcomesOutput(
        discount_factor=exact(d),
        stage_equilibria=[equilibrium_out(inp, e) for e in equilibria],
        minmax_value=exact(minmax),
        outcomes=verdicts,
        sustainable_subgame_perfect=[v.name for v in verdicts if v.subgame_perfect],
        sustainable_nash=[v.name for v in verdicts if v.nash_equilibrium],
    )
