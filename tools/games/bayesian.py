"""`bayesian_game_equilibria`: Bayes-Nash equilibria of a two-player game whose state nobody observes.

When the state of the world is drawn from a common prior and no player learns anything about it before acting, each
player has a single type, and a Bayes-Nash equilibrium is a Nash equilibrium of the ex-ante game whose payoffs are
the prior-weighted averages of the state games (Harsanyi 1967-68; Osborne 2004, An Introduction to Game Theory,
ch. 9). The tool averages the states exactly and returns that game's pure equilibria.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from pydantic import Field

from ..registry import ToolInput, ToolInputError, ToolOutput, register_tool
from .normal_form import pure_equilibria
from .payoffs import Exact, ExactNumber, exact
from .strategic_game import Game, Label, NormalFormGame, parse_game

__all__ = ["BayesianInput", "BayesianOutput", "bayesian_game_equilibria"]


class StateGame(ToolInput):
    probability: ExactNumber = Field(description="prior probability of this state (all states sum to 1)")
    row_payoffs: list[list[ExactNumber]] = Field(description="row player's payoffs [i][j] in this state")
    col_payoffs: list[list[ExactNumber]] = Field(description="column player's payoffs [i][j] in this state")


class BayesianInput(ToolInput):
    """A two-player game whose payoffs depend on a state drawn from a common prior that no player observes."""

    states: list[StateGame] = Field(
        min_length=1,
        max_length=20,
        description="each state's prior probability and its bimatrix (same shape in every state)",
    )
    row_strategies: list[Label] | None = Field(None, description='labels of the row strategies (default "1".."m")')
    col_strategies: list[Label] | None = Field(None, description='labels of the column strategies (default "1".."n")')


class PureProfile(ToolOutput):
    strategies: list[str] = Field(description="[row strategy, column strategy]")
    indices: list[int] = Field(description="0-based [i, j]")
    expected_payoffs: list[Exact]


class BayesianOutput(ToolOutput):
    expected_row_payoffs: list[list[Exact]]
    expected_col_payoffs: list[list[Exact]]
    equilibria: list[PureProfile] = Field(
        description="pure Bayes-Nash equilibria (pure Nash equilibria of the average)"
    )


@register_tool("bayesian_game_equilibria")
def bayesian_game_equilibria(inp: BayesianInput) -> BayesianOutput:
    """Pure Bayes-Nash equilibria of a two-player game with a common-prior state that no player observes.

    Averages each state's bimatrix with its prior probability (exactly) and returns every pure Nash equilibrium of the
    averaged game, which are the Bayes-Nash equilibria when no player has private information. For mixed equilibria
    pass the averaged matrices to nash_equilibria.
    """
    total = sum((state.probability for state in inp.states), Fraction(0))
    if any(state.probability < 0 for state in inp.states) or total != 1:
        raise ToolInputError("states", f"probabilities must be non-negative and sum to 1, they sum to {total}")
    games: list[Game] = []
    for n, state in enumerate(inp.states):
        try:
            games.append(
                parse_game(
                    NormalFormGame(
                        row_payoffs=state.row_payoffs,
                        col_payoffs=state.col_payoffs,
                        row_strategies=inp.row_strategies,
                        col_strategies=inp.col_strategies,
                    )
                )
            )
        except ToolInputError as err:
            raise ToolInputError(f"states.{n}.{err.field}", err.problem) from None
    if len({game.shape for game in games}) != 1:
        raise ToolInputError("states", f"every state needs the same matrix shape, got {[g.shape for g in games]}")
    averaged = tuple(
        sum(
            (state.probability * game.payoffs[k] for state, game in zip(inp.states, games, strict=True)),
            np.zeros(games[0].shape, dtype=object) + Fraction(0),
        )
        for k in (0, 1)
    )
    game = Game(games[0].players, games[0].strategies, averaged)
    return BayesianOutput(
        expected_row_payoffs=[[exact(v) for v in row] for row in averaged[0]],
        expected_col_payoffs=[[exact(v) for v in row] for row in averaged[1]],
        equilibria=[
            PureProfile(
                strategies=[game.strategies[0][i], game.strategies[1][j]],
                indices=[i, j],
                expected_payoffs=[exact(averaged[0][i, j]), exact(averaged[1][i, j])],
            )
            for i, j in pure_equilibria(game)
        ],
    )
