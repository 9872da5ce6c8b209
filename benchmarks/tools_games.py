"""All Nash equilibria of random 6x6 bimatrix games: our `nash_equilibria` tool against pygambit floats and nashpy.

Two seeded sets of games: integer payoffs in -9..9 (often degenerate: ties make equilibrium continua) and continuous
uniform payoffs in [0, 1) (non-degenerate with probability 1). Methods, run side by side in one process on the same
games:

- ours: the `nash_equilibria` tool (pygambit enummixed_solve, rational arithmetic, after iterated strict dominance;
  the timing includes its dominance and Pareto analyses and the output model);
- pygambit enummixed_solve called directly, rational=True (the same exact payoffs; the gap to ours is the tool's
  overhead) and rational=False;
- nashpy support_enumeration (tol=1e-9: its default 1e-16 rejects true equilibria to rounding) and
  vertex_enumeration.

For each method: total seconds, ratio to ours, equilibria found, and the number of games where it missed an
equilibrium that another method found (equilibria matched within 1e-6 on every probability). Prints a Markdown table.
nashpy support enumeration is slow (about a minute for 100 games); --games N runs fewer.

    .venv/bin/python benchmarks/tools_games.py [--games 100] [--size 6] [--seed 2024]
"""

from __future__ import annotations

import argparse
import platform
import time
import warnings
from collections.abc import Callable
from fractions import Fraction

import nashpy
import numpy as np
import pygambit

from reasonsuite.tools.registry import get_tool

Profile = tuple[float, ...]
Method = Callable[[np.ndarray, np.ndarray], list[Profile]]
TOLERANCE = 1e-6


def ours(row: np.ndarray, col: np.ndarray) -> list[Profile]:
    tool = get_tool("nash_equilibria")
    result = tool.run({"row_payoffs": row.tolist(), "col_payoffs": col.tolist()})
    return [
        tuple(p.value for mix in eq.strategies for p in mix.probabilities.values()) for eq in result.equilibria
    ]


def _gambit(row: np.ndarray, col: np.ndarray, rational: bool) -> list[Profile]:
    game = pygambit.StrategicGame.from_arrays(row, col)
    return [
        tuple(float(p) for player in ("1", "2") for _, p in eq[player])
        for eq in pygambit.nash.enummixed_solve(game, rational=rational).equilibria
    ]


def gambit_rational(row: np.ndarray, col: np.ndarray) -> list[Profile]:
    exact = np.vectorize(lambda x: Fraction(str(x)), otypes=[object])  # as the tool reads JSON numbers
    return _gambit(exact(row), exact(col), rational=True)


def gambit_float(row: np.ndarray, col: np.ndarray) -> list[Profile]:
    return _gambit(row, col, rational=False)


def nashpy_support(row: np.ndarray, col: np.ndarray) -> list[Profile]:
    return [tuple(np.concatenate(eq).tolist()) for eq in nashpy.Game(row, col).support_enumeration(tol=1e-9)]


def nashpy_vertex(row: np.ndarray, col: np.ndarray) -> list[Profile]:
    return [tuple(np.concatenate(eq).tolist()) for eq in nashpy.Game(row, col).vertex_enumeration()]


METHODS: dict[str, Method] = {
    "ours (pygambit rational)": ours,
    "pygambit rational, direct": gambit_rational,
    "pygambit floats": gambit_float,
    "nashpy support_enumeration": nashpy_support,
    "nashpy vertex_enumeration": nashpy_vertex,
}


def games(kind: str, count: int, size: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(seed)
    if kind == "integer":
        return [(rng.integers(-9, 10, (size, size)), rng.integers(-9, 10, (size, size))) for _ in range(count)]
    return [(rng.random((size, size)), rng.random((size, size))) for _ in range(count)]


def contains(found: list[Profile], target: Profile) -> bool:
    return any(max(abs(a - b) for a, b in zip(eq, target, strict=True)) <= TOLERANCE for eq in found)


def run(kind: str, count: int, size: int, seed: int) -> list[str]:
    """Markdown rows for one game set."""
    seconds = dict.fromkeys(METHODS, 0.0)
    found_total = dict.fromkeys(METHODS, 0)
    missed_games = dict.fromkeys(METHODS, 0)
    for row, col in games(kind, count, size, seed):
        found: dict[str, list[Profile]] = {}
        for name, method in METHODS.items():
            started = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # nashpy warns about degenerate games; the comparison shows the effect
                found[name] = method(row, col)
            seconds[name] += time.perf_counter() - started
            found_total[name] += len(found[name])
        for name in METHODS:
            others = [eq for other, eqs in found.items() if other != name for eq in eqs]
            if any(not contains(found[name], eq) for eq in others):
                missed_games[name] += 1
    base = seconds["ours (pygambit rational)"]
    return [
        f"| {kind} | {name} | {seconds[name]:.2f} | {seconds[name] / base:.2f} | {found_total[name]} | "
        f"{missed_games[name]} |"
        for name in METHODS
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--games", type=int, default=100, help="games per payoff set")
    parser.add_argument("--size", type=int, default=6, help="strategies per player")
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    get_tool("nash_equilibria")  # load the registry before timing
    rows = [
        f"{args.games} random {args.size}x{args.size} games per set, seed {args.seed}; Python "
        f"{platform.python_version()}, pygambit {pygambit.__version__}, nashpy {nashpy.__version__}",
        "",
        "| payoffs | method | seconds | ratio to ours | equilibria found | games with a missed equilibrium |",
        "|---|---|---|---|---|---|",
    ]
    for kind in ("integer", "uniform"):
        rows += run(kind, args.games, args.size, args.seed)
    print("\n".join(rows))


if __name__ == "__main__":
    main()
