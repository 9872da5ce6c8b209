"""What the referee and the equilibrium players know about a game, computed by the game tools, never here.

``nash_equilibria`` gives a matrix game's pure and mixed equilibria, ``best_response`` a player's best payoff against
an opponent's (empirical or pure) strategy, ``backward_induction`` a tree's subgame-perfect equilibria. Results are
cached per game definition: a tournament asks the same questions thousands of times.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

from reasonsuite.tools import get_tool

from .games import Game, MatrixGame, SequentialGame, TreeNode

__all__ = [
    "MatrixSolution",
    "TreeSolution",
    "best_response",
    "continuation_payoffs",
    "matrix_solution",
    "regret",
    "tree_solution",
]


@dataclass(frozen=True)
class MatrixSolution:
    """A matrix game's equilibria: pure profiles (action indices) and every equilibrium as per-player mixes."""

    pure: frozenset[tuple[int, int]]
    mixed: tuple[tuple[tuple[float, ...], tuple[float, ...]], ...]
    scope: str


@dataclass(frozen=True)
class TreeSolution:
    """A tree's subgame-perfect equilibria: every equilibrium path, and the first equilibrium's move at each node
    (keyed by the moves leading to it), which the equilibrium player follows."""

    paths: frozenset[tuple[str, ...]]
    strategy: dict[tuple[str, ...], str]
    payoffs: tuple[float, ...]


def _bimatrix(game: MatrixGame) -> dict[str, object]:
    return {
        "row_payoffs": [[cell[0] for cell in row] for row in game.payoffs],
        "col_payoffs": [[cell[1] for cell in row] for row in game.payoffs],
        "row_strategies": game.actions[0],
        "col_strategies": game.actions[1],
        "players": game.players,
    }


@lru_cache(maxsize=256)
def _matrix_solution(key: str) -> MatrixSolution:
    game = MatrixGame.model_validate_json(key)
    tool = get_tool("nash_equilibria")
    try:
        out = tool.run({**_bimatrix(game), "mixed": True})
    except ValueError:  # too large for exact mixed enumeration: pure equilibria only
        out = tool.run({**_bimatrix(game), "mixed": False})
    rows, cols = game.actions
    pure = frozenset(
        (rows.index(o.strategies[game.players[0]]), cols.index(o.strategies[game.players[1]]))
        for o in out.pure_equilibria
    )
    mixed = tuple(
        tuple(
            tuple(eq.strategies[k].probabilities[label].value for label in game.actions[k]) for k in range(2)
        )  # type: ignore[misc]
        for eq in out.equilibria
    )
    return MatrixSolution(pure=pure, mixed=mixed, scope=out.scope)  # type: ignore[arg-type]


def matrix_solution(game: MatrixGame) -> MatrixSolution:
    """Pure and mixed Nash equilibria of ``game`` (``nash_equilibria`` tool, exact)."""
    return _matrix_solution(game.model_dump_json())


@lru_cache(maxsize=256)
def _tree_solution(key: str) -> TreeSolution:
    game = SequentialGame.model_validate_json(key)
    out = get_tool("backward_induction").run({"tree": game.tree.model_dump(exclude_none=True), "players": game.players})
    first = out.equilibria[0]
    return TreeSolution(
        paths=frozenset(tuple(eq.path) for eq in out.equilibria),
        strategy={tuple(choice.node): choice.move for choice in first.strategy},
        payoffs=tuple(first.payoffs[p].value for p in game.players),
    )


def tree_solution(game: SequentialGame) -> TreeSolution:
    """Subgame-perfect equilibria of ``game`` by backward induction (``backward_induction`` tool)."""
    return _tree_solution(game.model_dump_json())


def subtree_game(game: SequentialGame, path: tuple[str, ...]) -> SequentialGame:
    """The subgame starting after ``path``: a best response at a node is the subgame-perfect move of its subgame."""
    node: TreeNode = game.tree.at(path)
    return game.model_copy(update={"tree": node, "expected_path": None})


def continuation_payoffs(game: SequentialGame, path: tuple[str, ...]) -> tuple[float, ...]:
    """Payoffs reached from ``path`` when everyone plays subgame-perfectly from there on (a leaf: its payoffs)."""
    node = game.tree.at(path)
    if node.payoffs is not None:
        return tuple(node.payoffs)
    return tree_solution(subtree_game(game, path)).payoffs


@lru_cache(maxsize=4096)
def _best_response(key: str, seat: int, mix: tuple[Fraction, ...]) -> tuple[tuple[int, ...], float]:
    game = MatrixGame.model_validate_json(key)
    out = get_tool("best_response").run(
        {**_bimatrix(game), "player": "row" if seat == 0 else "col", "opponent_strategy": [str(p) for p in mix]}
    )
    labels = game.actions[seat]
    return tuple(labels.index(s) for s in out.best_responses), out.best_payoff.value


def best_response(game: MatrixGame, seat: int, opponent_mix: tuple[Fraction, ...]) -> tuple[tuple[int, ...], float]:
    """Seat's best-response action indices against the opponent's mix (exact fractions) and their payoff."""
    return _best_response(game.model_dump_json(), seat, tuple(opponent_mix))


def pure_mix(size: int, index: int) -> tuple[Fraction, ...]:
    return tuple(Fraction(int(i == index)) for i in range(size))


def regret(game: MatrixGame, seat: int, profile: tuple[int, int]) -> float:
    """How much seat lost against the opponent's actual action: best-response payoff minus the payoff received."""
    other = profile[1 - seat]
    _, best = best_response(game, seat, pure_mix(game.shape[1 - seat], other))
    return best - game.payoff(seat, profile)


def is_equilibrium_outcome(game: Game, outcome: tuple[int, int] | tuple[str, ...]) -> bool:
    """Matrix: the profile is a pure Nash equilibrium. Tree: the path is a subgame-perfect equilibrium path."""
    if isinstance(game, MatrixGame):
        return tuple(outcome) in matrix_solution(game).pure  # type: ignore[arg-type]
    return tuple(outcome) in tree_solution(game).paths  # type: ignore[arg-type]
