"""A league: every player against every other on one game, ranked by Elo and normalized relative advantage.

Each ordered pair of distinct players plays ``trials`` matches (so every player sits in every seat against every
opponent; self-play is left out). All matches of the league run in one driver, so an LLM player answers every match
waiting on it, whatever the opponent, in one batched generation.

- Normalized relative advantage (NRA; Duan et al., GTBench, 2024): for one match between A and B,
  (total_A - total_B) / (|total_A| + |total_B|), in [-1, 1] (0 when both totals are 0). Per pair and per player (the
  mean over all its matches), with a 95% Student-t interval over matches.
- Elo: each match is a win, a draw or a loss by comparing the two totals; ratings start at 1500 and are updated with
  K = 16 through the matches in a random order, averaged over ``ELO_ORDERS`` orders (sequential Elo depends on the
  order, and a league has none). The 95% interval comes from a bootstrap over the matches.

A match with a forfeit is scored on the totals it has (a forfeited round pays nothing), so forfeiting costs a player.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .games import Game, GameError, get_game
from .metrics import Estimate, estimate
from .players import Player, make_player
from .runner import EventHandler, MatchResult, _config, _Driver, _match
from .state import MatchConfig, MoveView

__all__ = ["LeagueResult", "PairResult", "Rating", "elo_ratings", "nra", "run_league"]

ELO_START = 1500.0
ELO_K = 16.0
ELO_ORDERS = 50
ELO_BOOTSTRAP = 200


class PairResult(BaseModel):
    """One ordered pairing: ``first`` in seat 0, ``second`` in seat 1; outcomes and the first player's NRA."""

    model_config = ConfigDict(frozen=True)

    first: str
    second: str
    wins: int
    draws: int
    losses: int
    nra: Estimate = Field(description="the first player's NRA against the second, over the matches")
    matches: list[MatchResult]


class Rating(BaseModel):
    model_config = ConfigDict(frozen=True)

    player: str
    elo: float
    elo_ci95: tuple[float, float]
    nra: Estimate = Field(description="mean NRA over all the player's matches, both seats")
    wins: int
    draws: int
    losses: int


class LeagueResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    game: str
    players: list[str]
    config: MatchConfig
    trials: int
    seed: int
    pairs: list[PairResult]
    ratings: list[Rating] = Field(description="best first, by Elo")


def nra(mine: float, theirs: float) -> float:
    """Normalized relative advantage of one match: (mine - theirs) / (|mine| + |theirs|), 0 when both are 0."""
    scale = abs(mine) + abs(theirs)
    return 0.0 if scale == 0 else (mine - theirs) / scale


def _score(mine: float, theirs: float) -> float:
    return 1.0 if mine > theirs else 0.0 if mine < theirs else 0.5


def _elo_pass(games: Sequence[tuple[str, str, float]], players: Sequence[str]) -> dict[str, float]:
    ratings = dict.fromkeys(players, ELO_START)
    for a, b, score in games:
        expected = 1 / (1 + 10 ** ((ratings[b] - ratings[a]) / 400))
        ratings[a] += ELO_K * (score - expected)
        ratings[b] -= ELO_K * (score - expected)
    return ratings


def _elo_mean(games: list[tuple[str, str, float]], players: Sequence[str], rng: random.Random) -> dict[str, float]:
    total = dict.fromkeys(players, 0.0)
    for _ in range(ELO_ORDERS):
        order = games[:]
        rng.shuffle(order)
        for player, rating in _elo_pass(order, players).items():
            total[player] += rating / ELO_ORDERS
    return total


def elo_ratings(games: list[tuple[str, str, float]], players: Sequence[str], seed: int = 0
                ) -> dict[str, tuple[float, tuple[float, float]]]:  # fmt: skip
    """Per player: Elo (mean over random orders) and a bootstrap 95% interval. ``games``: (A, B, A's score)."""
    rng = random.Random(f"elo|{seed}")
    point = _elo_mean(games, players, rng)
    samples: dict[str, list[float]] = {p: [] for p in players}
    for _ in range(ELO_BOOTSTRAP):
        resampled = [games[rng.randrange(len(games))] for _ in games]
        for player, rating in _elo_pass(resampled, players).items():
            samples[player].append(rating)
    out = {}
    for player in players:
        ranked = sorted(samples[player])
        low, high = ranked[int(0.025 * len(ranked))], ranked[int(0.975 * len(ranked)) - 1]
        out[player] = (point[player], (low, high))
    return out


def run_league(
    game: str | Game,
    players: Sequence[str | Player],
    *,
    trials: int = 20,
    rounds: int | None = None,
    discount: float | None = None,
    seed: int = 0,
    llm: Any = None,
    human: Callable[[MoveView], Any] | None = None,
    on_event: EventHandler | None = None,
) -> LeagueResult:
    """Every ordered pair of distinct ``players`` plays ``trials`` matches of a two-player ``game``; Elo and NRA."""
    game = get_game(game)
    if len(game.players) != 2:
        raise GameError("game", f"a league needs a two-player game; {game.name} has {len(game.players)} players")
    if len(players) < 2:
        raise GameError("players", f"a league needs at least 2 players, got {len(players)}")
    if trials < 1:
        raise GameError("trials", f"expected at least 1, got {trials}")
    made = [make_player(p, llm=llm, human=human) for p in players]
    names = [p.name for p in made]
    if len(set(names)) != len(names):
        raise GameError("players", f"players must differ (names {names})")
    for player in made:
        player.check(game)
    config = _config(None, rounds, discount)
    pairings = [(i, j) for i in range(len(made)) for j in range(len(made)) if i != j]
    matches = [
        _match(game, [made[i], made[j]], config, f"{game.name}-{names[i]}-vs-{names[j]}-{t}", t, seed + t)
        for i, j in pairings
        for t in range(trials)
    ]
    results = _Driver(on_event).run(matches)
    pairs, outcomes = [], []
    per_player: dict[str, list[float]] = {n: [] for n in names}
    tally = {n: [0, 0, 0] for n in names}
    for k, (i, j) in enumerate(pairings):
        chunk = results[k * trials : (k + 1) * trials]
        scores = [_score(m.totals[0], m.totals[1]) for m in chunk]
        advantages = [nra(m.totals[0], m.totals[1]) for m in chunk]
        pairs.append(PairResult(first=names[i], second=names[j], wins=scores.count(1.0), draws=scores.count(0.5),
                                losses=scores.count(0.0), nra=estimate(advantages), matches=chunk))  # fmt: skip
        for score, advantage in zip(scores, advantages, strict=True):
            outcomes.append((names[i], names[j], score))
            per_player[names[i]].append(advantage)
            per_player[names[j]].append(-advantage)
            for name, mine in ((names[i], score), (names[j], 1 - score)):
                tally[name][0 if mine == 1 else 1 if mine == 0.5 else 2] += 1
    elo = elo_ratings(outcomes, names, seed)
    ratings = [
        Rating(player=n, elo=elo[n][0], elo_ci95=elo[n][1], nra=estimate(per_player[n]), wins=tally[n][0],
               draws=tally[n][1], losses=tally[n][2])
        for n in names
    ]  # fmt: skip
    ratings.sort(key=lambda r: (-r.elo, r.player))
    return LeagueResult(game=game.name, players=names, config=config, trials=trials, seed=seed, pairs=pairs,
                        ratings=ratings)  # fmt: skip

