"""Calculation-tool benchmarks: equilibria of random games against other libraries, and the rack check's run time.

Part 1. All Nash equilibria of random 6x6 bimatrix games: our `nash_equilibria` tool against pygambit and nashpy.

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

Part 2. The MASSE sample rack: `rack_check` end to end (hazard → base shear → combinations → frame analysis →
member checks) and `frame_analysis` alone on the model it builds, median of repeated warm runs.

Writes both tables into docs/benchmarks.md (between markers) and prints them.

    .venv/bin/python benchmarks/tools.py [--games 100] [--size 6] [--seed 2024] [--repeats 5] [--no-write]
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings
from collections.abc import Callable
from datetime import date
from fractions import Fraction

import nashpy
import numpy as np
import pygambit
from report import machine, write_section

from reasonsuite.data import load_rack_problems
from reasonsuite.tools.registry import get_tool

Profile = tuple[float, ...]
Method = Callable[[np.ndarray, np.ndarray], list[Profile]]
TOLERANCE = 1e-6


def ours(row: np.ndarray, col: np.ndarray) -> list[Profile]:
    tool = get_tool("nash_equilibria")
    result = tool.run({"row_payoffs": row.tolist(), "col_payoffs": col.tolist()})
    return [tuple(p.value for mix in eq.strategies for p in mix.probabilities.values()) for eq in result.equilibria]


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


def rack_rows(repeats: int) -> list[str]:
    """Median warm run time of rack_check on the sample problem and of frame_analysis on its model."""
    problem = {"problem": load_rack_problems()["1"].model_dump()}
    rack, frame = get_tool("rack_check"), get_tool("frame_analysis")
    result = rack.run(problem)  # warm-up: imports, first PyNite model
    model = result.frame.model_dump()

    def median_seconds(call: Callable[[], object]) -> float:
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            call()
            times.append(time.perf_counter() - started)
        return statistics.median(times)

    rack_s = median_seconds(lambda: rack.run(problem))
    frame_s = median_seconds(lambda: frame.run(model))
    frame_model, results = result.frame, result.analysis.results
    size = f"{len(frame_model.nodes)} nodes, {len(frame_model.members)} members, {len(results)} combinations"
    return [
        "| step | model | median seconds |",
        "|---|---|---|",
        f"| rack_check, end to end (verdict {result.verdict}) | {size} | {rack_s:.2f} |",
        f"| frame_analysis alone (PyNite) | {size} | {frame_s:.2f} |",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--games", type=int, default=100, help="games per payoff set")
    parser.add_argument("--size", type=int, default=6, help="strategies per player")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--repeats", type=int, default=5, help="warm runs of the rack check to take the median of")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    get_tool("nash_equilibria")  # load the registry before timing
    rows = [
        f"Measured {date.today().isoformat()} on {machine()}; pygambit {pygambit.__version__}, "
        f"nashpy {nashpy.__version__}; `benchmarks/tools.py`, all methods side by side in one process.",
        "",
        f"**Nash equilibria**: {args.games} random {args.size}x{args.size} games per payoff set, seed {args.seed}.",
        "",
        "| payoffs | method | seconds | ratio to ours | equilibria found | games with a missed equilibrium |",
        "|---|---|---|---|---|---|",
    ]
    for kind in ("integer", "uniform"):
        rows += run(kind, args.games, args.size, args.seed)
    rows += ["", f"**Rack check** (MASSE sample problem 1), median of {args.repeats} warm runs.", ""]
    rows += rack_rows(args.repeats)
    section = "\n".join(rows)
    print(section)
    if not args.no_write:
        write_section("tools", "Calculation tools", section)


if __name__ == "__main__":
    main()
