"""`best_response`: each own strategy's expected payoff against an opponent's mixed strategy, and the best ones.

Exact when the probabilities and payoffs are exact; float probabilities are accepted within ``FLOAT_TOLERANCE`` of
summing to one, and payoffs that close to the best count as ties.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Annotated, Any

from pydantic import Field, PlainValidator, WithJsonSchema

from ..registry import ToolInputError, ToolOutput, register_tool
from .payoffs import Exact, exact, parse_exact
from .strategic_game import Game, Label, NormalFormGame, parse_game

__all__ = ["BestResponseInput", "BestResponseOutput", "best_response"]

FLOAT_TOLERANCE = Fraction(1, 10**9)


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
