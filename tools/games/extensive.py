"""Finite extensive-form games of perfect information: subgame-perfect equilibria by backward induction.

Kuhn's theorem (1953): a finite game of perfect information has a subgame-perfect equilibrium in pure strategies, found
by letting the mover at each node, from the leaves up, pick a move that maximises their payoff given the choices below.
Where a mover is indifferent between moves with different consequences for others, each choice starts a different
subgame-perfect equilibrium, so the tool enumerates them instead of breaking ties silently.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import Annotated, Any

from pydantic import Field, Strict, StringConstraints, field_validator, model_validator

from ..registry import ToolInput, ToolInputError, ToolOutput, register_tool
from .payoffs import Exact, ExactNumber, exact

__all__ = ["BackwardInductionInput", "BackwardInductionOutput", "GameNode", "backward_induction"]

MAX_DEPTH = 64
MAX_NODES = 10_000
MAX_EQUILIBRIA = 64

Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class GameNode(ToolInput):
    """A node of the game tree: a decision node (`player` and `moves`) or a leaf (`payoffs`)."""

    player: Annotated[int, Strict()] | Label | None = Field(
        None, description="decision node: who moves, a name from `players` or a 1-based player number"
    )
    moves: dict[Label, GameNode] | None = Field(None, description="decision node: move label -> subtree")
    payoffs: list[ExactNumber] | None = Field(
        None, description="leaf: one payoff per player, in the order of `players` (numbers or strings like \"3/4\")"
    )

    @model_validator(mode="after")
    def _leaf_or_decision(self) -> GameNode:
        if self.payoffs is not None:
            if self.moves is not None or self.player is not None:
                raise ValueError("a leaf has only `payoffs`; a decision node has `player` and `moves`, not payoffs")
        elif self.moves is None:
            raise ValueError("a node needs `moves` (decision node) or `payoffs` (leaf)")
        elif not self.moves:
            raise ValueError("a decision node needs at least one move")
        elif self.player is None:
            raise ValueError("a decision node needs `player`, who moves there")
        return self


def _children(node: Any) -> list[Any]:
    moves = node.get("moves") if isinstance(node, dict) else getattr(node, "moves", None)
    return list(moves.values()) if isinstance(moves, dict) else []


class BackwardInductionInput(ToolInput):
    """A finite game of perfect information as a tree.

    An inner node has `player` (a name or 1-based number) and `moves` (move label -> subtree); a leaf has `payoffs`,
    one per player. Payoff order is `players` when given; otherwise names in order of first appearance (depth-first,
    moves in the given order), or "player 1".."player n" when nodes use numbers. At most 64 levels and 10000 nodes.
    """

    tree: GameNode = Field(description="the root node")
    players: list[Label] | None = Field(None, description="player names in payoff order (recommended)")

    @field_validator("tree", mode="before")
    @classmethod
    def _bounded(cls, value: Any) -> Any:
        # Checked on the raw JSON before the recursive model is built, so a huge tree fails fast and clearly.
        nodes, stack = 0, [(value, 0)]
        while stack:
            node, depth = stack.pop()
            nodes += 1
            if depth > MAX_DEPTH:
                raise ValueError(f"the tree is deeper than {MAX_DEPTH} moves")
            if nodes > MAX_NODES:
                raise ValueError(f"the tree has more than {MAX_NODES} nodes")
            stack.extend((child, depth + 1) for child in _children(node))
        return value


class Choice(ToolOutput):
    node: list[str] = Field(description="the decision node's id: the move labels leading to it from the root")
    player: str
    move: str


class SubgamePerfectEquilibrium(ToolOutput):
    path: list[str] = Field(description="move labels played from the root to the leaf reached")
    payoffs: dict[str, Exact] = Field(description="player -> payoff at the end of the path")
    strategy: list[Choice] = Field(description="the move chosen at every decision node, on and off the path")


class BackwardInductionOutput(ToolOutput):
    players: list[str]
    path: list[str] = Field(description="equilibrium path of the first equilibrium (ties go to the first listed move)")
    payoffs: dict[str, Exact]
    strategy: list[Choice]
    unique: bool = Field(description="false when ties give several subgame-perfect equilibria")
    equilibria: list[SubgamePerfectEquilibrium] = Field(description="every subgame-perfect equilibrium, up to the cap")
    equilibrium_count: int
    capped: bool = Field(description=f"true when there are more than {MAX_EQUILIBRIA} equilibria and only that many "
                         "are listed")


@dataclass(frozen=True)
class _Plan:
    """Choices in one subtree: the move taken at its root and the plans of all its subtrees (shared, not copied)."""

    move: str
    below: tuple[_Plan | None, ...]


@dataclass(frozen=True)
class _Option:
    values: tuple[Fraction, ...]
    plan: _Plan | None


def _resolve_players(inp: BackwardInductionInput) -> tuple[list[str], dict[int, int]]:
    """Player names in payoff order and, per decision node (by id), the index of its mover; checks payoff counts."""
    nodes: list[tuple[GameNode, str]] = []

    def collect(node: GameNode, field: str) -> None:
        nodes.append((node, field))
        for label, child in (node.moves or {}).items():
            collect(child, f"{field}.moves.{label}")

    collect(inp.tree, "tree")
    leaves = [(node, field) for node, field in nodes if node.payoffs is not None]
    n = len(leaves[0][0].payoffs or [])
    if inp.players is not None:
        duplicates = sorted({p for p in inp.players if inp.players.count(p) > 1})
        if duplicates:
            raise ToolInputError("players", f"duplicate player names {duplicates}")
        names = list(inp.players)
        n = len(names)
    else:
        named = [node.player for node, _ in nodes if isinstance(node.player, str)]
        numbered = any(isinstance(node.player, int) for node, _ in nodes)
        if named and numbered:
            raise ToolInputError("players", "nodes mix player names and numbers; give `players` in payoff order")
        if named:
            names = list(dict.fromkeys(named))
            if len(names) != n:
                raise ToolInputError(
                    "players", f"the tree names {len(names)} movers {names} but leaves have {n} payoffs; give "
                    "`players` in payoff order"
                )
        else:
            names = [f"player {k + 1}" for k in range(n)]
    for node, field in leaves:
        count = len(node.payoffs or [])
        if count != n:
            raise ToolInputError(f"{field}.payoffs", f"{count} payoffs, expected {n} (one per player)")
    mover: dict[int, int] = {}
    for node, field in nodes:
        if node.player is None:
            continue
        if isinstance(node.player, int):
            if not 1 <= node.player <= n:
                raise ToolInputError(f"{field}.player", f"player number {node.player} is not in 1..{n} (1-based)")
            mover[id(node)] = node.player - 1
        elif node.player in names:
            mover[id(node)] = names.index(node.player)
        else:
            raise ToolInputError(f"{field}.player", f"unknown player {node.player!r}; expected one of {names}")
    return names, mover


def _solve(node: GameNode, mover: dict[int, int]) -> tuple[list[_Option], bool]:
    """Up to MAX_EQUILIBRIA subgame-perfect options of the subtree, and whether more exist."""
    if node.payoffs is not None:
        return [_Option(tuple(node.payoffs), None)], False
    assert node.moves is not None
    labels = list(node.moves)
    solved = [_solve(child, mover) for child in node.moves.values()]
    capped = any(more for _, more in solved)
    k = mover[id(node)]

    def options() -> Iterator[_Option]:
        # Every combination of the subtrees' equilibria is a different strategy profile; the mover then takes any
        # payoff-maximising move. Lazily, so only as many combinations as needed are formed.
        for combo in itertools.product(*(found for found, _ in solved)):
            best = max(option.values[k] for option in combo)
            below = tuple(option.plan for option in combo)
            for label, option in zip(labels, combo, strict=True):
                if option.values[k] == best:
                    yield _Option(option.values, _Plan(label, below))

    found = list(itertools.islice(options(), MAX_EQUILIBRIA + 1))
    return found[:MAX_EQUILIBRIA], capped or len(found) > MAX_EQUILIBRIA


def _equilibrium(root: GameNode, option: _Option, names: list[str], mover: dict[int, int]) -> SubgamePerfectEquilibrium:
    strategy: list[Choice] = []

    def flatten(node: GameNode, plan: _Plan | None, at: list[str]) -> None:
        if plan is None or node.moves is None:
            return
        strategy.append(Choice(node=at, player=names[mover[id(node)]], move=plan.move))
        for (label, child), child_plan in zip(node.moves.items(), plan.below, strict=True):
            flatten(child, child_plan, [*at, label])

    flatten(root, option.plan, [])
    path: list[str] = []
    node, plan = root, option.plan
    while plan is not None and node.moves is not None:
        path.append(plan.move)
        index = list(node.moves).index(plan.move)
        node, plan = node.moves[plan.move], plan.below[index]
    return SubgamePerfectEquilibrium(
        path=path,
        payoffs={name: exact(value) for name, value in zip(names, option.values, strict=True)},
        strategy=strategy,
    )


@register_tool("backward_induction")
def backward_induction(inp: BackwardInductionInput) -> BackwardInductionOutput:
    """Subgame-perfect equilibria of a finite perfect-information game tree by backward induction.

    From the leaves up, each mover picks a move maximising their own payoff given the choices below (Kuhn 1953; Zermelo
    1913). The result is a full strategy profile (a move at every decision node, on and off the path), the path it
    plays and the payoffs reached. Ties for a mover between moves that lead to different payoffs give several
    subgame-perfect equilibria: all are listed (first = ties to the first listed move), up to 64, and `unique` is false.
    """
    names, mover = _resolve_players(inp)
    options, capped = _solve(inp.tree, mover)
    equilibria = [_equilibrium(inp.tree, option, names, mover) for option in options]
    first = equilibria[0]
    return BackwardInductionOutput(
        players=names,
        path=first.path,
        payoffs=first.payoffs,
        strategy=first.strategy,
        unique=len(equilibria) == 1 and not capped,
        equilibria=equilibria,
        equilibrium_count=len(equilibria),
        capped=capped,
    )
