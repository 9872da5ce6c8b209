"""`perfectly_transparent_equilibrium`: Fourny's PTE of a normal-form game, with each round's maximin values.

Under perfect prediction (Fourny & Reiter 2020, "Perfect prediction in normal form: superrational thinking extended to
non-symmetric games", J. Math. Psychol. 96) every player knows that the others predict her choice, so an outcome in
which some player gets less than she can guarantee herself cannot be the one that is played. The PTE is computed by
iterated elimination of non-individually-rational outcomes: on the surviving profiles, each player's maximin value is
the best, over her strategies that still appear, of the worst payoff among the surviving profiles with that strategy;
every profile that gives some player strictly less than her maximin is removed; repeat until nothing changes. When
one profile survives it is the PTE; when several survive the game has no PTE. The first round's maximin values and
strategies are the ordinary pure maximin (security) levels of the whole game.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

from pydantic import Field

from ..registry import ToolOutput, register_tool
from .payoffs import Exact, exact
from .strategic_game import Game, NormalFormGame, parse_game

__all__ = ["PteInput", "PteOutput", "perfectly_transparent_equilibrium", "transparent_rounds"]

Profile = tuple[int, ...]


class PteInput(NormalFormGame):
    """A finite normal-form game whose Perfectly Transparent Equilibrium is wanted.

    Give a two-player bimatrix (`row_payoffs[i][j]` for the first player, `col_payoffs[i][j]` for the second, cell
    (i, j) = first player plays strategy i, second plays j) or an n-player `payoffs` table. Payoffs are JSON numbers
    or exact rational strings such as "3/4".
    """


class PlayerMaximin(ToolOutput):
    player: str
    value: Exact = Field(description="maximin (security) value over the profiles alive at the start of the round")
    strategies: list[str] = Field(description="strategies that attain the maximin value")


class PteRound(ToolOutput):
    round: int
    maximin: list[PlayerMaximin]
    eliminated: list[list[int]] = Field(description="0-based index profiles removed this round")
    surviving_count: int


class PteProfile(ToolOutput):
    indices: list[int] = Field(description="0-based strategy index of each player, e.g. [i, j] for a bimatrix")
    strategies: dict[str, str] = Field(description="player -> strategy label")
    payoffs: dict[str, Exact]


class PteOutput(ToolOutput):
    players: list[str]
    exists: bool = Field(description="true when exactly one profile survives the iterated elimination")
    equilibrium: PteProfile | None = Field(description="the PTE, or null when none exists")
    answer_indices: list[list[int]] = Field(
        description="the PTE as a list of 0-based index profiles: [[i, j]] when it exists, [] when it does not"
    )
    maximin: list[PlayerMaximin] = Field(description="each player's pure maximin value and strategies in the full game")
    rounds: list[PteRound]
    survivors: list[PteProfile] = Field(description="profiles left when the elimination stops")


def _round_maximin(game: Game, alive: set[Profile]) -> list[tuple[Fraction, list[int]]]:
    """Per player: the maximin value over ``alive`` and the own strategies attaining it."""
    result = []
    for k, table in enumerate(game.payoffs):
        worst: dict[int, Fraction] = {}
        for profile in alive:
            value = table[profile]
            s = profile[k]
            if s not in worst or value < worst[s]:
                worst[s] = value
        best = max(worst.values())
        result.append((best, sorted(s for s, v in worst.items() if v == best)))
    return result


def transparent_rounds(game: Game) -> tuple[list[tuple[list[tuple[Fraction, list[int]]], list[Profile]]], set[Profile]]:
    """Run the elimination: per round the maximin values and the removed profiles, and the final survivors."""
    alive: set[Profile] = set(itertools.product(*(range(size) for size in game.shape)))
    rounds = []
    while True:
        maximin = _round_maximin(game, alive)
        removed = sorted(p for p in alive if any(table[p] < maximin[k][0] for k, table in enumerate(game.payoffs)))
        rounds.append((maximin, removed))
        alive.difference_update(removed)
        if not removed or not alive:  # stable, or everything removed (then there is no PTE)
            return rounds, alive


def _profile(game: Game, profile: Profile) -> PteProfile:
    return PteProfile(
        indices=list(profile),
        strategies={player: game.strategies[k][profile[k]] for k, player in enumerate(game.players)},
        payoffs={player: exact(table[profile]) for player, table in zip(game.players, game.payoffs, strict=True)},
    )


def _maximin_out(game: Game, maximin: list[tuple[Fraction, list[int]]]) -> list[PlayerMaximin]:
    return [
        PlayerMaximin(player=player, value=exact(value), strategies=[game.strategies[k][s] for s in best])
        for k, (player, (value, best)) in enumerate(zip(game.players, maximin, strict=True))
    ]


@register_tool("perfectly_transparent_equilibrium")
def perfectly_transparent_equilibrium(inp: PteInput) -> PteOutput:
    """Perfectly Transparent Equilibrium (Fourny): iterated removal of outcomes below some player's maximin value.

    Each round computes every player's pure maximin value over the surviving outcomes (best strategy, worst case over
    the surviving outcomes that use it) and removes each outcome that gives some player strictly less; the rounds
    repeat until none is removed. A single survivor is the PTE (`answer_indices` = [[i, j]], 0-based); otherwise
    there is no PTE (`answer_indices` = []). The first round's values are the players' ordinary maximin (security)
    levels, reported in `maximin`.
    """
    game = parse_game(inp)
    rounds, alive = transparent_rounds(game)
    survivors = [_profile(game, p) for p in sorted(alive)]
    unique = survivors[0] if len(survivors) == 1 else None
    alive_count = len(list(itertools.product(*(range(size) for size in game.shape))))
    out_rounds = []
    for number, (maximin, removed) in enumerate(rounds, start=1):
        alive_count -= len(removed)
        out_rounds.append(
            PteRound(
                round=number,
                maximin=_maximin_out(game, maximin),
                eliminated=[list(p) for p in removed],
                surviving_count=alive_count,
            )
        )
    return PteOutput(
        players=list(game.players),
        exists=unique is not None,
        equilibrium=unique,
        answer_indices=[unique.indices] if unique is not None else [],
        maximin=_maximin_out(game, rounds[0][0]),
        rounds=out_rounds,
        survivors=survivors,
    )
