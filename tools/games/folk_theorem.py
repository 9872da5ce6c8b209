"""`folk_theorem_payoffs`: which average payoffs an infinitely repeated symmetric 2x2 game can sustain.

The folk theorem (Fudenberg & Maskin 1986, Econometrica 54(3)) says that with patient enough players every payoff
vector that is feasible (in the convex hull of the stage payoffs) and strictly individually rational (above each
player's minmax value) is the average payoff of a subgame-perfect equilibrium; payoffs below a player's minmax are
never equilibrium payoffs, because she could always secure her minmax. Friedman's (1971) Nash-reversion version
sustains the feasible payoffs that beat a stage Nash equilibrium for both players. Payoffs here are per-period
(discounted-average) values, on the scale of the stage payoffs.
"""

from __future__ import annotations

from fractions import Fraction

from pydantic import Field

from ..registry import ToolInputError, ToolOutput, register_tool
from .payoffs import Exact, ExactNumber, exact
from .stage_game import COOPERATE, DEFECT, StageEquilibrium, SymmetricStageGame, equilibrium_out, minmax_value
from .stage_game import stage_equilibria as pure_stage_equilibria

__all__ = ["FolkInput", "FolkOutput", "folk_theorem_payoffs", "in_convex_hull"]

Point = tuple[Fraction, Fraction]


class FolkInput(SymmetricStageGame):
    """A symmetric 2x2 stage game (R, P, T, S) and candidate average payoffs of the repeated game."""

    candidates: list[ExactNumber | list[ExactNumber]] = Field(
        min_length=1,
        max_length=20,
        description="average per-period payoffs to test: a pair [first player's, second player's], or one number: "
        "the average payoff of one player (either; the game is symmetric), the other's left free",
    )


class CandidateVerdict(ToolOutput):
    payoffs: list[Exact] = Field(description="the pair tested, or the one player's payoff when one number was given")
    feasible: bool = Field(description="in the convex hull of the four stage payoff pairs")
    individually_rational: bool = Field(description="each player gets at least her (mixed) minmax value")
    sustainable: bool = Field(
        description="feasible and individually rational: a (subgame-perfect) equilibrium payoff of the repeated game "
        "for patient players (strictly above minmax suffices; exactly at it, only if some equilibrium attains it)"
    )
    beats_stage_equilibrium: bool = Field(
        description="feasible and at least some stage Nash equilibrium's payoff for both (Nash reversion suffices)"
    )
    above_mutual_defection: bool = Field(description="each player gets at least P, the mutual-defection payoff")


class FolkOutput(ToolOutput):
    stage_payoffs: dict[str, list[Exact]] = Field(description="action pair -> payoff pair of the stage game")
    minmax_value: Exact = Field(description="each player's minmax value, the opponent allowed to randomise")
    pure_minmax_value: Exact
    stage_equilibria: list[StageEquilibrium]
    candidates: list[CandidateVerdict]
    sustainable: list[int] = Field(description="0-based indices of the sustainable candidates")
    not_sustainable: list[int] = Field(description="0-based indices of the candidates that are not")


def _cross(o: Point, a: Point, b: Point) -> Fraction:
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def _hull(vertices: list[Point]) -> list[Point]:
    """Vertices of the convex hull, counter-clockwise (Andrew's monotone chain); 1 or 2 points when degenerate."""
    pts = sorted(set(vertices))
    if len(pts) <= 2:
        return pts
    lower: list[Point] = []
    upper: list[Point] = []
    for p in pts:
        while len(lower) >= 2 and _cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    for p in reversed(pts):
        while len(upper) >= 2 and _cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def _x_range_above(vertices: list[Point], floor: Fraction) -> tuple[Fraction, Fraction] | None:
    """Range of the first coordinate over the hull's points whose second coordinate is at least ``floor``.

    The hull clipped by the half-plane y >= floor is convex, and its extreme x values lie at hull vertices above the
    floor or where a hull edge crosses y = floor (Sutherland-Hodgman clipping by one edge).
    """
    hull = _hull(vertices)
    kept = [p for p in hull if p[1] >= floor]
    for k in range(len(hull)):
        a, b = hull[k], hull[(k + 1) % len(hull)]
        if (a[1] - floor) * (b[1] - floor) < 0:
            t = (floor - a[1]) / (b[1] - a[1])
            kept.append((a[0] + t * (b[0] - a[0]), floor))
    if not kept:
        return None
    xs = [p[0] for p in kept]
    return min(xs), max(xs)


def in_convex_hull(point: Point, vertices: list[Point]) -> bool:
    """Whether ``point`` lies in the convex hull of ``vertices`` (exact; boundary included; degenerate hulls too)."""
    hull = _hull(vertices)
    if len(hull) == 1:
        return point == hull[0]
    if len(hull) == 2:  # collinear points: on the segment between the extremes
        a, b = hull
        return _cross(a, b, point) == 0 and min(a, b) <= point <= max(a, b)
    return all(_cross(hull[k], hull[(k + 1) % len(hull)], point) >= 0 for k in range(len(hull)))


@register_tool("folk_theorem_payoffs")
def folk_theorem_payoffs(inp: FolkInput) -> FolkOutput:
    """Which average payoffs of an infinitely repeated symmetric 2x2 game are equilibrium payoffs (folk theorem).

    A candidate is sustainable when it is feasible (a convex combination of the stage payoff pairs) and individually
    rational (each player gets at least her minmax value; strictly more is sustainable by a subgame-perfect
    equilibrium once the players are patient enough, Fudenberg & Maskin 1986). Also reported: whether it beats a
    stage Nash equilibrium for both players (Friedman's Nash reversion) and whether it is above the mutual-defection
    payoff P. One number as a candidate means both players get it.
    """
    labels = inp.labels()
    profiles = [(a, b) for a in (COOPERATE, DEFECT) for b in (COOPERATE, DEFECT)]
    vertices = [inp.profile_payoffs(*profile) for profile in profiles]
    minmax = minmax_value(inp, mixed=True)
    equilibria = pure_stage_equilibria(inp)
    verdicts = []
    lowest, highest = min(v[0] for v in vertices), max(v[0] for v in vertices)
    for n, raw in enumerate(inp.candidates):
        if isinstance(raw, list):
            if len(raw) != 2:
                raise ToolInputError(f"candidates.{n}", f"expected a pair of payoffs, got {len(raw)} numbers")
            point = (raw[0], raw[1])
            feasible = in_convex_hull(point, vertices)
            rational = min(point) >= minmax
            sustainable = feasible and rational
            beats = feasible and any(all(point[i] >= inp.profile_payoffs(*e)[i] for i in (0, 1)) for e in equilibria)
            above = min(point) >= inp.mutual_defection
            shown = [exact(v) for v in point]
        else:
            # One player's payoff v: feasible when some feasible pair gives her v; sustainable when some such pair
            # also gives the other player at least the minmax value (the symmetric game makes "her" either player).
            feasible = lowest <= raw <= highest
            rational = raw >= minmax
            span = _x_range_above(vertices, minmax)
            sustainable = rational and span is not None and span[0] <= raw <= span[1]
            beats = feasible and any(
                raw >= inp.profile_payoffs(*e)[0]
                and (span_e := _x_range_above(vertices, inp.profile_payoffs(*e)[1])) is not None
                and span_e[0] <= raw <= span_e[1]
                for e in equilibria
            )
            above = raw >= inp.mutual_defection
            shown = [exact(raw)]
        verdicts.append(
            CandidateVerdict(
                payoffs=shown,
                feasible=feasible,
                individually_rational=rational,
                sustainable=sustainable,
                beats_stage_equilibrium=beats,
                above_mutual_defection=above,
            )
        )
    return FolkOutput(
        stage_payoffs={f"{labels[a]}/{labels[b]}": [exact(v) for v in inp.profile_payoffs(a, b)] for a, b in profiles},
        minmax_value=exact(minmax),
        pure_minmax_value=exact(minmax_value(inp, mixed=False)),
        stage_equilibria=[equilibrium_out(inp, e) for e in equilibria],
        candidates=verdicts,
        sustainable=[n for n, v in enumerate(verdicts) if v.sustainable],
        not_sustainable=[n for n, v in enumerate(verdicts) if not v.sustainable],
    )
