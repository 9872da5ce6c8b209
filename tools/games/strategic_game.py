"""The normal-form (strategic) game every game tool reads: a bimatrix or an n-player table of exact payoffs.

Payoffs arrive as JSON numbers or rational strings and become exact fractions (``payoffs.py``); ``parse_game``
checks the shape (no ragged rows, matching matrices, labels per strategy) and keeps per-player payoff ranks, which
the pure-strategy analyses compare instead of the fractions themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Annotated, Any

import numpy as np
from pydantic import Field, StringConstraints

from ..registry import ToolInput, ToolInputError
from .payoffs import ExactNumber, parse_exact

__all__ = ["Game", "Label", "NormalFormGame", "parse_game"]

MAX_STRATEGIES = 50
MAX_PLAYERS = 8
MAX_CELLS = 10_000

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
