"""The symmetric 2x2 stage game of the repeated-game tools, given by its four textbook payoffs.

Repeated-game exercises (cartels, trade pacts, joint ventures) state a symmetric two-action game in words: the payoff
when both cooperate (R, "reward"), when both defect (P, "punishment"), and, when one defects against a cooperator,
the defector's (T, "temptation") and the cooperator's (S, "sucker's payoff"); the letters follow Axelrod (1984), The
Evolution of Cooperation. Asking for these four numbers by name is easier to fill from text than a bimatrix, and the
tools build the bimatrix from them. No ordering (T > R > P > S) is assumed: the tools report what the numbers imply.
"""

from __future__ import annotations

from fractions import Fraction

from pydantic import Field

from ..registry import ToolInput, ToolInputError, ToolOutput
from .payoffs import Exact, ExactNumber, exact
from .strategic_game import Label

__all__ = [
    "COOPERATE",
    "DEFECT",
    "StageEquilibrium",
    "SymmetricStageGame",
    "equilibrium_out",
    "minmax_value",
    "stage_equilibria",
]

COOPERATE, DEFECT = 0, 1


class SymmetricStageGame(ToolInput):
    """A symmetric two-player, two-action stage game: each player cooperates or defects."""

    mutual_cooperation: ExactNumber = Field(description="R: each player's per-period payoff when both cooperate")
    mutual_defection: ExactNumber = Field(description="P: each player's per-period payoff when both defect")
    temptation: ExactNumber = Field(
        description="T: the defector's per-period payoff when she defects while the other cooperates"
    )
    sucker: ExactNumber = Field(
        description="S: the cooperator's per-period payoff when she cooperates while the other defects"
    )
    cooperate_label: Label = Field("cooperate", description="name of the cooperative action (e.g. collude, honor)")
    defect_label: Label = Field("defect", description="name of the other action (e.g. price war, breach)")

    def labels(self) -> tuple[str, str]:
        if self.cooperate_label == self.defect_label:
            raise ToolInputError("defect_label", "must differ from cooperate_label")
        return self.cooperate_label, self.defect_label

    def payoff(self, own: int, other: int) -> Fraction:
        """A player's stage payoff when she plays ``own`` and the opponent ``other`` (0 cooperate, 1 defect)."""
        table = ((self.mutual_cooperation, self.sucker), (self.temptation, self.mutual_defection))
        return table[own][other]

    def profile_payoffs(self, row: int, col: int) -> tuple[Fraction, Fraction]:
        return self.payoff(row, col), self.payoff(col, row)


class StageEquilibrium(ToolOutput):
    actions: list[str] = Field(description="[first player's action, second player's action]")
    payoffs: list[Exact]


def stage_equilibria(game: SymmetricStageGame) -> list[tuple[int, int]]:
    """Pure Nash equilibria of the stage game (a symmetric 2x2 game always has one; Cheng et al. 2004)."""
    found = []
    for row in (COOPERATE, DEFECT):
        for col in (COOPERATE, DEFECT):
            row_best = game.payoff(row, col) >= game.payoff(1 - row, col)
            col_best = game.payoff(col, row) >= game.payoff(1 - col, row)
            if row_best and col_best:
                found.append((row, col))
    return found


def minmax_value(game: SymmetricStageGame, mixed: bool) -> Fraction:
    """A player's minmax payoff: the least the opponent can hold her to when she best-responds.

    With ``mixed`` the opponent may randomise: min over q (probability the opponent cooperates) of the upper envelope
    of two lines in q; the minimum lies at q = 0, q = 1 or where the lines cross, so checking those is exact.
    """

    def best(q: Fraction) -> Fraction:
        return max(q * game.payoff(own, COOPERATE) + (1 - q) * game.payoff(own, DEFECT) for own in (COOPERATE, DEFECT))

    candidates = [Fraction(0), Fraction(1)]
    if mixed:
        # line_own(q) = payoff(own, D) + q * (payoff(own, C) - payoff(own, D)); the two lines cross where equal.
        slope_c = game.payoff(COOPERATE, COOPERATE) - game.payoff(COOPERATE, DEFECT)
        slope_d = game.payoff(DEFECT, COOPERATE) - game.payoff(DEFECT, DEFECT)
        if slope_c != slope_d:
            q = (game.payoff(DEFECT, DEFECT) - game.payoff(COOPERATE, DEFECT)) / (slope_c - slope_d)
            if 0 < q < 1:
                candidates.append(q)
    return min(best(q) for q in candidates)


def equilibrium_out(game: SymmetricStageGame, profile: tuple[int, int]) -> StageEquilibrium:
    labels = game.labels()
    return StageEquilibrium(
        actions=[labels[profile[0]], labels[profile[1]]],
        payoffs=[exact(v) for v in game.profile_payoffs(*profile)],
    )
