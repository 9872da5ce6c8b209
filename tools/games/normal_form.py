"""Normal-form (strategic) games: Nash equilibria, dominance, Pareto efficiency and best responses.

Two-player games get every Nash equilibrium, mixed ones included, from Gambit's vertex enumeration
(``pygambit.nash.enummixed_solve``) in exact rational arithmetic; games with more players get their pure-strategy
equilibria by exhaustive best-response checks. Pure-strategy analyses (equilibria, iterated strict dominance, Pareto
efficiency) only compare one player's payoffs with each other, so they run on per-player ranks of the exact payoffs.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Annotated, Any

import numpy as np
import pygambit
from pydantic import Field, PlainValidator, StringConstraints, WithJsonSchema

from ..registry import ToolInput, ToolInputError, ToolOutput, register_tool
from .payoffs import Exact, ExactNumber, exact, parse_exact

__all__ = [
    "BestResponseInput",
    "BestResponseOutput",
    "Game",
    "NashInput",
    "NashOutput",
    "NormalFormGame",
    "best_response",
    "nash_equilibria",
    "parse_game",
]

MAX_STRATEGIES = 50
MAX_PLAYERS = 8
MAX_CELLS = 10_000
MAX_MIXED_CELLS = 100
MAX_LISTED = 200
PARETO_BLOCK = 128
FLOAT_TOLERANCE = Fraction(1, 10**9)

Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class NormalFormGame(ToolInput):
    """A finite game in normal (strategic) form.

    Give EITHER a two-player bimatrix game (`row_payoffs` and `col_payoffs`, optional `row_strategies` and
    `col_strategies`) OR an n-player table (`payoffs`, optional `strategies`). Payoffs are JSON numbers (read exactly:
    0.1 means 1/10) or exact rational strings such as "3/4" or "-2". At most 50 strategies per player, 8 players and
    10000 strategy profiles.
    """

    row_payoffs: list[list[ExactNumber]] | None = Field(
        None,
        description="bimatrix form: row player's payoff row_payoffs[i][j] when row plays strategy i and column plays "
        "strategy j (m rows of n entries)",
    )
    col_payoffs: list[list[ExactNumber]] | None = Field(
        None, description="bimatrix form: column player's payoff col_payoffs[i][j], same m x n shape as row_payoffs"
    )
    row_strategies: list[Label] | None = Field(
        None, description='bimatrix form: labels of the m row strategies (default "1".."m")'
    )
    col_strategies: list[Label] | None = Field(
        None, description='bimatrix form: labels of the n column strategies (default "1".."n")'
    )
    payoffs: list[Any] | None = Field(
        None,
        description="n-player form: payoffs[s1][s2]...[sn] is the list of the n players' payoffs when player k plays "
        "strategy s_k (nested lists of depth n; each leaf is a list of n numbers or rational strings)",
    )
    strategies: list[list[Label]] | None = Field(
        None, description='n-player form: strategy labels for each player in order (default "1", "2", ...)'
    )
    players: list[Label] | None = Field(
        None,
        description='player names in payoff order (default ["row", "col"] for a bimatrix, ["P1", "P2", ...] for the '
        "n-player form)",
    )


@dataclass(frozen=True)
class Game:
    """A validated game: ``payoffs[k]`` is player k's payoff array (Fractions) indexed by one strategy per player."""

    players: tuple[str, ...]
    strategies: tuple[tuple[str, ...], ...]
    payoffs: tuple[np.ndarray, ...]

    @property
    def shape(self) -> tuple[int, ...]:
        return self.payoffs[0].shape

    @cached_property
    def ranks(self) -> tuple[np.ndarray, ...]:
        """Per player, the dense rank of each payoff among that player's payoffs (int64, same shape).

        Ranks keep every comparison between one player's payoffs, which is all that best responses, pure dominance
        and Pareto comparisons use, without overflow whatever the denominators.
        """
        ranked = []
        for table in self.payoffs:
            order = {value: rank for rank, value in enumerate(sorted(set(table.flat)))}
            ranked.append(np.vectorize(order.__getitem__, otypes=[np.int64])(table))
        return tuple(ranked)

    def cell(self, profile: tuple[int, ...]) -> tuple[Fraction, ...]:
        return tuple(table[profile] for table in self.payoffs)


def _labels(
    given: list[str] | None, count: int, field: str, what: str, default: tuple[str, ...] | None = None
) -> tuple[str, ...]:
    if given is None:
        return default or tuple(str(i + 1) for i in range(count))
    if len(given) != count:
        raise ToolInputError(field, f"{len(given)} labels given, expected {count} (one per {what})")
    duplicates = sorted({label for label in given if given.count(label) > 1})
    if duplicates:
        raise ToolInputError(field, f"duplicate labels {duplicates}; each {what} needs its own label")
    return tuple(given)


def _check_size(shape: tuple[int, ...], field: str) -> None:
    for player, size in enumerate(shape):
        if size > MAX_STRATEGIES:
            raise ToolInputError(field, f"player {player + 1} has {size} strategies; at most {MAX_STRATEGIES} allowed")
    cells = int(np.prod(shape))
    if cells > MAX_CELLS:
        raise ToolInputError(field, f"{cells} strategy profiles; at most {MAX_CELLS} allowed")


def _matrix(rows: list[list[Fraction]], field: str) -> np.ndarray:
    if not rows:
        raise ToolInputError(field, "empty matrix; expected at least one row of payoffs")
    width = len(rows[0])
    if width == 0:
        raise ToolInputError(f"{field}.0", "row 0 is empty; expected at least one payoff")
    for i, row in enumerate(rows):
        if len(row) != width:
            raise ToolInputError(f"{field}.{i}", f"row {i} has {len(row)} entries, expected {width} like row 0")
    _check_size((len(rows), width), field)
    table = np.empty((len(rows), width), dtype=object)
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            table[i, j] = value
    return table


def _bimatrix(inp: NormalFormGame) -> Game:
    if inp.row_payoffs is None or inp.col_payoffs is None:
        missing = "col_payoffs" if inp.col_payoffs is None else "row_payoffs"
        raise ToolInputError(missing, "a bimatrix game needs both row_payoffs and col_payoffs")
    if inp.strategies is not None:
        raise ToolInputError("strategies", "belongs to the n-player `payoffs` form; use row_strategies/col_strategies")
    row = _matrix(inp.row_payoffs, "row_payoffs")
    col = _matrix(inp.col_payoffs, "col_payoffs")
    if row.shape != col.shape:
        raise ToolInputError(
            "col_payoffs", f"shape {col.shape[0]}x{col.shape[1]} differs from row_payoffs {row.shape[0]}x{row.shape[1]}"
        )
    players = _labels(inp.players, 2, "players", "player", ("row", "col"))
    strategies = (
        _labels(inp.row_strategies, row.shape[0], "row_strategies", "row of the payoff matrices"),
        _labels(inp.col_strategies, row.shape[1], "col_strategies", "column of the payoff matrices"),
    )
    return Game(players, strategies, (row, col))


def _table_shape(payoffs: list[Any]) -> tuple[int, ...]:
    """Strategy counts read down the first branch of the nested lists, up to the first leaf."""
    shape: list[int] = []
    node: Any = payoffs
    while isinstance(node, list) and node and isinstance(node[0], list):
        shape.append(len(node))
        node = node[0]
    if not shape or not isinstance(node, list) or not node:
        raise ToolInputError("payoffs", "expected nested lists payoffs[s1]...[sn] whose leaves are lists of n payoffs")
    return tuple(shape)


def _n_player(inp: NormalFormGame) -> Game:
    if inp.row_strategies is not None or inp.col_strategies is not None:
        field = "row_strategies" if inp.row_strategies is not None else "col_strategies"
        raise ToolInputError(field, "belongs to the bimatrix form; use `strategies` with `payoffs`")
    assert inp.payoffs is not None
    shape = _table_shape(inp.payoffs)
    n = len(shape)
    if n < 2:
        raise ToolInputError("payoffs", "a game needs at least 2 players: nest one list level per player")
    if n > MAX_PLAYERS:
        raise ToolInputError("payoffs", f"{n} players; at most {MAX_PLAYERS} allowed")
    _check_size(shape, "payoffs")
    tables = tuple(np.empty(shape, dtype=object) for _ in range(n))

    def walk(node: Any, index: tuple[int, ...]) -> None:
        field = ".".join(["payoffs", *map(str, index)])
        depth = len(index)
        if not isinstance(node, list):
            raise ToolInputError(field, f"expected a list at nesting level {depth + 1}, got {type(node).__name__}")
        if depth == n:
            if len(node) != n:
                raise ToolInputError(field, f"leaf has {len(node)} payoffs, expected {n} (one per player)")
            for k, raw in enumerate(node):
                try:
                    tables[k][index] = parse_exact(raw)
                except ValueError as err:
                    raise ToolInputError(f"{field}.{k}", str(err)) from None
            return
        if len(node) != shape[depth]:
            raise ToolInputError(
                field, f"has {len(node)} entries, expected {shape[depth]} (the strategies of player {depth + 1})"
            )
        for s, child in enumerate(node):
            walk(child, (*index, s))

    walk(inp.payoffs, ())
    players = _labels(inp.players, n, "players", "player", tuple(f"P{k + 1}" for k in range(n)))
    if inp.strategies is not None and len(inp.strategies) != n:
        raise ToolInputError("strategies", f"{len(inp.strategies)} label lists given, expected {n} (one per player)")
    strategies = tuple(
        _labels(inp.strategies[k] if inp.strategies else None, shape[k], f"strategies.{k}", "strategy")
        for k in range(n)
    )
    return Game(players, strategies, tables)


def parse_game(inp: NormalFormGame) -> Game:
    """Check the input's shapes and labels and build the game; every problem names its field."""
    bimatrix = inp.row_payoffs is not None or inp.col_payoffs is not None
    if bimatrix and inp.payoffs is not None:
        raise ToolInputError("payoffs", "give either row_payoffs/col_payoffs (two players) or payoffs, not both")
    if bimatrix:
        return _bimatrix(inp)
    if inp.payoffs is not None:
        return _n_player(inp)
    raise ToolInputError("row_payoffs", "no game given: set row_payoffs and col_payoffs, or payoffs")


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


# --- best_response tool -----------------------------------------------------------------------------------------------


def _checked(value: Any) -> Any:
    parse_exact(value)
    return value


Probability = Annotated[
    int | float | str,
    PlainValidator(_checked),
    WithJsonSchema({"anyOf": [{"type": "number"}, {"type": "string", "description": 'exact rational, e.g. "1/3"'}]}),
]


class BestResponseInput(NormalFormGame):
    """A two-player normal-form game, one of its players, and the opponent's mixed strategy.

    Give the game as a bimatrix (`row_payoffs`, `col_payoffs`, optional labels) or as a 2-player `payoffs` table.
    """

    player: Label = Field(description='whose best response: "row" or "col", or a name from `players`')
    opponent_strategy: dict[str, Probability] | list[Probability] = Field(
        description="the opponent's mixed strategy: probabilities keyed by the opponent's strategy labels (omitted "
        "labels get 0), or a list in strategy order. Exact strings such as \"1/3\" must sum to exactly 1; if any "
        "probability is a JSON float the sum may be off by 1e-9"
    )


class StrategyValue(ToolOutput):
    strategy: str
    expected_payoff: Exact
    best_response: bool


class BestResponseOutput(ToolOutput):
    player: str
    opponent: str
    opponent_strategy: dict[str, Exact]
    expected_payoffs: list[StrategyValue]
    best_responses: list[str]
    best_payoff: Exact
    exact: bool = Field(description="true when every probability was exact, so ties are exact ties")
    tolerance: float = Field(description="payoff gap within which strategies count as tied (0 when exact)")


def _player_index(game: Game, name: str) -> int:
    if name in game.players:
        return game.players.index(name)
    aliases = {"row": 0, "col": 1, "column": 1}
    if name.lower() in aliases:
        return aliases[name.lower()]
    raise ToolInputError("player", f"unknown player {name!r}; expected 'row', 'col' or one of {list(game.players)}")


def _opponent_mix(
    given: dict[str, Any] | list[Any], labels: tuple[str, ...]
) -> tuple[list[Fraction], bool]:
    """The opponent's probabilities in strategy order and whether they were all exact (no JSON floats)."""
    raw: list[Any]
    if isinstance(given, dict):
        unknown = [label for label in given if label not in labels]
        if unknown:
            raise ToolInputError(
                f"opponent_strategy.{unknown[0]}", f"unknown strategy {unknown[0]!r}; expected one of {list(labels)}"
            )
        raw = [given.get(label, 0) for label in labels]
        fields = [f"opponent_strategy.{label}" for label in labels]
    else:
        if len(given) != len(labels):
            raise ToolInputError(
                "opponent_strategy", f"{len(given)} probabilities given, expected {len(labels)} (one per strategy)"
            )
        raw = list(given)
        fields = [f"opponent_strategy.{i}" for i in range(len(labels))]
    probabilities = [parse_exact(value) for value in raw]
    for field, p in zip(fields, probabilities, strict=True):
        if p < 0:
            raise ToolInputError(field, f"probability {p} is negative; expected a value in [0, 1]")
    is_exact = not any(isinstance(value, float) for value in raw)
    total = sum(probabilities, Fraction(0))
    if (total != 1) if is_exact else (abs(total - 1) > FLOAT_TOLERANCE):
        condition = "exactly" if is_exact else "within 1e-9 of"
        raise ToolInputError("opponent_strategy", f"probabilities sum to {total} ({float(total):.12g}); expected "
                             f"{condition} 1")
    return probabilities, is_exact


@register_tool("best_response")
def best_response(inp: BestResponseInput) -> BestResponseOutput:
    """Expected payoff of each own strategy against an opponent's mixed strategy, and the best responses.

    Expected payoff of own strategy i against mix q: sum_j q_j u(i, j), in exact rational arithmetic. With exact
    probabilities the best responses are exactly the maximisers; if any probability is a JSON float (so "1/3" arrives
    as 0.333...), strategies within 1e-9 x max(1, largest |payoff|) of the maximum count as best responses too.
    """
    game = parse_game(inp)
    if len(game.players) != 2:
        raise ToolInputError("payoffs", f"best_response takes a 2-player game, got {len(game.players)} players")
    me = _player_index(game, inp.player)
    other = 1 - me
    q, is_exact = _opponent_mix(inp.opponent_strategy, game.strategies[other])
    own = game.payoffs[me] if me == 0 else game.payoffs[me].T
    values = [sum((p * u for p, u in zip(q, own[i], strict=True)), Fraction(0)) for i in range(own.shape[0])]
    best = max(values)
    scale = max([Fraction(1)] + [abs(u) for u in own.flat])
    tolerance = Fraction(0) if is_exact else FLOAT_TOLERANCE * scale
    chosen = [best - v <= tolerance for v in values]
    labels = game.strategies[me]
    return BestResponseOutput(
        player=game.players[me],
        opponent=game.players[other],
        opponent_strategy={label: exact(p) for label, p in zip(game.strategies[other], q, strict=True)},
        expected_payoffs=[
            StrategyValue(strategy=label, expected_payoff=exact(v), best_response=c)
            for label, v, c in zip(labels, values, chosen, strict=True)
        ],
        best_responses=[label for label, c in zip(labels, chosen, strict=True) if c],
        best_payoff=exact(best),
        exact=is_exact,
        tolerance=float(tolerance),
    )
