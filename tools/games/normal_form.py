"""`nash_equilibria`: Nash equilibria, iterated strict dominance and Pareto efficiency of a normal-form game.

Two-player games get every Nash equilibrium, mixed ones included, from Gambit's vertex enumeration
(``pygambit.nash.enummixed_solve``) in exact rational arithmetic; games with more players get their pure-strategy
equilibria by exhaustive best-response checks. Pure-strategy analyses (equilibria, iterated strict dominance, Pareto
efficiency) only compare one player's payoffs with each other, so they run on per-player ranks of the exact payoffs.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
from pydantic import Field

from ..registry import ToolInputError, ToolOutput, register_tool
from .payoffs import Exact, exact
from .strategic_game import Game, NormalFormGame, parse_game

__all__ = ["NashInput", "NashOutput", "nash_equilibria"]

MAX_MIXED_CELLS = 100
MAX_LISTED = 200
PARETO_BLOCK = 128


# --- pure-strategy analyses ------------------------------------------------------------------------------------------


def pure_equilibria(game: Game) -> list[tuple[int, ...]]:
    """Profiles where every player's strategy is a best response to the others' (lexicographic order)."""
    stable = np.ones(game.shape, dtype=bool)
    for k, ranks in enumerate(game.ranks):
        stable &= ranks == ranks.max(axis=k, keepdims=True)
    return [tuple(int(i) for i in profile) for profile in np.argwhere(stable)]


@dataclass(frozen=True)
class Elimination:
    round: int
    player: int
    strategy: int
    dominated_by: int


def iesds(game: Game) -> tuple[list[Elimination], list[list[int]]]:
    """Iterated elimination of strategies strictly dominated by another pure strategy.

    Each round removes, for every player at once, each strategy that some other surviving pure strategy beats against
    every surviving profile of the opponents. The surviving set does not depend on the order of elimination for strict
    dominance (Gilboa, Kalai & Zemel 1990), and no strictly dominated strategy is played in any Nash equilibrium.
    """
    alive = [list(range(size)) for size in game.shape]
    eliminations: list[Elimination] = []
    for round_number in itertools.count(1):
        removed: list[Elimination] = []
        for k, ranks in enumerate(game.ranks):
            sub = np.moveaxis(ranks[np.ix_(*alive)], k, 0).reshape(len(alive[k]), -1)
            dominated = np.all(sub[:, None, :] < sub[None, :, :], axis=2)  # [a, b]: a strictly below b everywhere
            losers = set(np.flatnonzero(dominated.any(axis=1)).tolist())
            for a in sorted(losers):
                # Report a dominator that survives this round; a maximal one exists because dominance is transitive.
                b = next(b for b in np.flatnonzero(dominated[a]).tolist() if b not in losers)
                removed.append(Elimination(round_number, k, alive[k][a], alive[k][b]))
        if not removed:
            return eliminations, alive
        eliminations.extend(removed)
        for step in removed:
            alive[step.player].remove(step.strategy)


def pareto_efficient(game: Game) -> list[tuple[int, ...]]:
    """Pure profiles whose payoff vector no other profile weakly improves for all players and strictly for one.

    Sweeps the profiles in blocks, in decreasing lexicographic order of payoffs: a dominating profile always comes
    earlier, and comparing with the efficient profiles found so far suffices because dominance is transitive.
    """
    totals = {sum(cell, Fraction(0)) for cell in zip(*(table.flat for table in game.payoffs), strict=True)}
    if len(totals) == 1:  # constant-sum: raising one payoff lowers another, so every outcome is efficient
        return [tuple(int(i) for i in profile) for profile in np.ndindex(game.shape)]
    n = len(game.players)
    values = np.stack([ranks.reshape(-1) for ranks in game.ranks], axis=1)
    values = values.astype(np.min_scalar_type(int(values.max())))  # ranks are >= 0; narrow ints compare faster
    order = np.lexsort(tuple(-values[:, k] for k in reversed(range(n))))
    ranked = values[order]
    frontier = np.empty_like(values)
    size = 0
    efficient = np.zeros(len(values), dtype=bool)
    for start in range(0, len(ranked), PARETO_BLOCK):
        block = ranked[start : start + PARETO_BLOCK]
        # Compared with the efficient profiles so far and with the whole block: a later or equal vector never dominates.
        others = np.concatenate([frontier[:size], block])[None, :, :]
        dominated = (np.all(others >= block[:, None, :], axis=2) & np.any(others > block[:, None, :], axis=2)).any(1)
        kept = block[~dominated]
        frontier[size : size + len(kept)] = kept
        size += len(kept)
        efficient[order[start : start + PARETO_BLOCK][~dominated]] = True
    return [tuple(int(i) for i in np.unravel_index(flat, game.shape)) for flat in np.flatnonzero(efficient)]


# --- mixed equilibria of two-player games ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MixedEquilibria:
    profiles: list[tuple[tuple[Fraction, ...], tuple[Fraction, ...]]]
    maximal_sets: list[list[int]]


def _fraction(value: Any) -> Fraction:
    return Fraction(value.numerator, value.denominator)


def mixed_equilibria(game: Game, rows: list[int], cols: list[int]) -> MixedEquilibria:
    """All extreme Nash equilibria of the bimatrix game restricted to ``rows`` x ``cols``, with Gambit's cliques.

    Gambit's vertex enumeration (Avis, Rosenberg, Savani & von Stengel 2010) pairs the vertices of the two
    best-response polytopes; for a degenerate game it returns the extreme points of each equilibrium component, and
    each clique (X, Y) it reports is a maximal convex set of equilibria: every mix of X's row strategies with any mix of
    Y's column strategies is an equilibrium. Probabilities are mapped back to the full strategy lists (zeros for the
    removed strategies).
    """
    import pygambit  # imported here: it costs ~1 s (scipy.stats, pandas) and only mixed equilibria need it

    row, col = (table[np.ix_(rows, cols)] for table in game.payoffs)
    result = pygambit.nash.enummixed_solve(pygambit.StrategicGame.from_arrays(row, col), rational=True, cliques=True)

    def full(profile: Any) -> tuple[tuple[Fraction, ...], tuple[Fraction, ...]]:
        x = [Fraction(0)] * game.shape[0]
        y = [Fraction(0)] * game.shape[1]
        for label, p in profile["1"]:
            x[rows[int(label) - 1]] = _fraction(p)
        for label, p in profile["2"]:
            y[cols[int(label) - 1]] = _fraction(p)
        return tuple(x), tuple(y)

    profiles = sorted({full(eq) for eq in result.equilibria}, key=lambda xy: tuple(-p for p in xy[0] + xy[1]))
    index = {profile: i for i, profile in enumerate(profiles)}
    maximal_sets = sorted({tuple(sorted(index[full(eq)] for eq in clique)) for clique in result.cliques})
    return MixedEquilibria(profiles, [list(s) for s in maximal_sets])


def components(sets: list[list[int]], count: int) -> list[list[int]]:
    """Connected components of the equilibria: maximal sets that share an extreme equilibrium are joined."""
    parent = list(range(count))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for members in sets:
        for other in members[1:]:
            parent[root(other)] = root(members[0])
    groups: dict[int, list[int]] = {}
    for i in range(count):
        groups.setdefault(root(i), []).append(i)
    return sorted(groups.values())


# --- nash_equilibria tool ---------------------------------------------------------------------------------------------


class NashInput(NormalFormGame):
    """A finite normal-form game whose Nash equilibria, dominated strategies and Pareto-efficient outcomes are wanted.

    Give EITHER a two-player bimatrix game (`row_payoffs` and `col_payoffs`, optional `row_strategies` and
    `col_strategies`) OR an n-player table (`payoffs`, optional `strategies`). Payoffs are JSON numbers (read exactly:
    0.1 means 1/10) or exact rational strings such as "3/4" or "-2".
    """

    mixed: bool = Field(
        True,
        description="two-player games: also enumerate mixed equilibria (exact; needs at most 100 strategy pairs after "
        "removing strictly dominated strategies; set false for the pure-strategy analysis of larger games). Games with "
        "3 or more players always get pure equilibria only",
    )


class PlayerMix(ToolOutput):
    player: str
    probabilities: dict[str, Exact] = Field(description="strategy label -> probability")
    support: list[str] = Field(description="strategies played with positive probability")
    expected_payoff: Exact


class Equilibrium(ToolOutput):
    id: int
    pure: bool
    strategies: list[PlayerMix]


class PureOutcome(ToolOutput):
    strategies: dict[str, str] = Field(description="player -> strategy label")
    payoffs: dict[str, Exact] = Field(description="player -> payoff")


class DominatedStrategy(ToolOutput):
    round: int
    player: str
    strategy: str
    dominated_by: str


class NashOutput(ToolOutput):
    players: list[str]
    strategies: dict[str, list[str]] = Field(description="player -> strategy labels")
    scope: str = Field(description="which equilibria `equilibria` holds")
    equilibria: list[Equilibrium]
    equilibrium_count: int
    maximal_equilibrium_sets: list[list[int]] = Field(
        description="two-player mixed analysis: ids of extreme equilibria forming a maximal convex set of equilibria "
        "(any mix of their row strategies with any mix of their column strategies is an equilibrium)"
    )
    equilibrium_components: list[list[int]] = Field(description="ids of extreme equilibria in each connected component")
    pure_equilibria: list[PureOutcome]
    pure_equilibrium_count: int
    iesds_eliminations: list[DominatedStrategy] = Field(
        description="iterated elimination of strategies strictly dominated by a pure strategy, in order"
    )
    iesds_surviving: dict[str, list[str]]
    pareto_efficient_outcomes: list[PureOutcome]
    pareto_efficient_count: int
    notes: list[str]


def _outcome(game: Game, profile: tuple[int, ...]) -> PureOutcome:
    return PureOutcome(
        strategies={player: game.strategies[k][profile[k]] for k, player in enumerate(game.players)},
        payoffs={player: exact(value) for player, value in zip(game.players, game.cell(profile), strict=True)},
    )


def _mixes(game: Game, strategies: tuple[tuple[Fraction, ...], ...]) -> list[PlayerMix]:
    """Each player's mix with expected payoffs, summed over the support profiles only."""
    supports = [[s for s, p in enumerate(mix) if p] for mix in strategies]
    values = [Fraction(0)] * len(game.players)
    for profile in itertools.product(*supports):
        weight = Fraction(1)
        for k, s in enumerate(profile):
            weight *= strategies[k][s]
        for k, table in enumerate(game.payoffs):
            values[k] += weight * table[profile]
    return [
        PlayerMix(
            player=player,
            probabilities={label: exact(p) for label, p in zip(game.strategies[k], strategies[k], strict=True)},
            support=[game.strategies[k][s] for s in supports[k]],
            expected_payoff=exact(values[k]),
        )
        for k, player in enumerate(game.players)
    ]


def _pure_mix(game: Game, profile: tuple[int, ...]) -> tuple[tuple[Fraction, ...], ...]:
    return tuple(
        tuple(Fraction(int(s == chosen)) for s in range(size)) for chosen, size in zip(profile, game.shape, strict=True)
    )


@register_tool("nash_equilibria")
def nash_equilibria(inp: NashInput) -> NashOutput:
    """Nash equilibria (all, mixed included, for 2 players), iterated strict dominance and Pareto-efficient outcomes.

    Two-player games: every Nash equilibrium by vertex enumeration of the best-response polytopes (Gambit
    enummixed_solve, exact rational arithmetic), with probabilities as exact fractions and floats. Strategies removed by
    iterated strict dominance are never played in equilibrium, so the enumeration runs on the reduced game (same
    equilibria). For degenerate games (e.g. ties that make a continuum of equilibria) enummixed returns the extreme
    equilibria of each connected component; `maximal_equilibrium_sets` lists Gambit's cliques (every mix of the listed
    equilibria's row strategies with any mix of their column strategies is an equilibrium) and
    `equilibrium_components` joins cliques that share an extreme point. Games with 3+ players: pure-strategy equilibria
    only, by checking every profile for profitable unilateral deviations.

    Iterated elimination uses strict dominance by pure strategies only (a strategy dominated only by a mixed strategy
    survives). Pareto efficiency is among pure outcomes. Lists are capped at 200 entries; the counts are exact.
    """
    game = parse_game(inp)
    eliminations, alive = iesds(game)
    pure = pure_equilibria(game)
    notes = ["dominance: strict dominance by pure strategies only; a strategy dominated only by a mix survives"]
    maximal_sets: list[list[int]] = []
    if len(game.players) == 2 and inp.mixed:
        reduced_cells = len(alive[0]) * len(alive[1])
        if reduced_cells > MAX_MIXED_CELLS:
            raise ToolInputError(
                "mixed",
                f"after removing strictly dominated strategies the game is {len(alive[0])}x{len(alive[1])}; exact "
                f"enumeration of mixed equilibria is limited to {MAX_MIXED_CELLS} strategy pairs. Set mixed=false for "
                "pure equilibria, dominance and Pareto efficiency",
            )
        found = mixed_equilibria(game, alive[0], alive[1])
        profiles: list[tuple[tuple[Fraction, ...], ...]] = list(found.profiles)
        maximal_sets = found.maximal_sets
        scope = "all Nash equilibria, mixed included (the extreme points of each equilibrium set)"
        if eliminations:
            notes.append("mixed equilibria enumerated on the game left by iterated strict dominance (same equilibria)")
        if any(len(s) > 1 for s in maximal_sets):
            notes.append("degenerate game: some equilibria form continua; see maximal_equilibrium_sets")
    else:
        profiles = [_pure_mix(game, profile) for profile in pure]
        scope = "pure-strategy Nash equilibria only"
        if len(game.players) == 2:
            notes.append("mixed=false: mixed equilibria were not computed")
        else:
            notes.append("3+ players: mixed equilibria were not computed")
    maximal_ids = [[i + 1 for i in members] for members in maximal_sets]
    pareto = pareto_efficient(game)
    equilibria = [
        Equilibrium(id=i + 1, pure=all(p in (0, 1) for mix in profile for p in mix), strategies=_mixes(game, profile))
        for i, profile in enumerate(profiles[:MAX_LISTED])
    ]
    listings = (("equilibria", len(profiles)), ("pure equilibria", len(pure)), ("Pareto outcomes", len(pareto)))
    for listing, count in listings:
        if count > MAX_LISTED:
            notes.append(f"{listing}: {count} found, first {MAX_LISTED} listed")
    return NashOutput(
        players=list(game.players),
        strategies={player: list(game.strategies[k]) for k, player in enumerate(game.players)},
        scope=scope,
        equilibria=equilibria,
        equilibrium_count=len(profiles),
        maximal_equilibrium_sets=maximal_ids,
        equilibrium_components=[[i + 1 for i in c] for c in components(maximal_sets, len(profiles))]
        if maximal_sets
        else [],
        pure_equilibria=[_outcome(game, profile) for profile in pure[:MAX_LISTED]],
        pure_equilibrium_count=len(pure),
        iesds_eliminations=[
            DominatedStrategy(
                round=step.round,
                player=game.players[step.player],
                strategy=game.strategies[step.player][step.strategy],
                dominated_by=game.strategies[step.player][step.dominated_by],
            )
            for step in eliminations
        ],
        iesds_surviving={player: [game.strategies[k][s] for s in alive[k]] for k, player in enumerate(game.players)},
        pareto_efficient_outcomes=[_outcome(game, profile) for profile in pareto[:MAX_LISTED]],
        pareto_efficient_count=len(pareto),
        notes=notes,
    )
