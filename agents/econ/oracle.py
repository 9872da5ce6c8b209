"""Rule parsers that read templated questions into gold tool inputs, for the oracle run.

The oracle run gives the agent these inputs instead of the model's, so an eval separates errors of *reading* a
problem (the model's fill) from errors of *solving* it (routing, the tool, the mapping). Only templates a rule can
read without judgement are parsed: the Recon payoff-matrix questions (both matrices printed as lists), the voting
questions (one "N voters voted for X > Y > Z" line per ballot) and the Bayesian-game questions (a payoff table per
state and the states' probabilities).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from reasonsuite.tools.registry import list_tools

from .state import Preset

__all__ = ["gold_preset", "read_payoff_matrices"]

_MATRIX = r"Player {player}'s payoff matrix:\s*(\[\[[-\d.,\s\[\]]*\]\])"


def read_payoff_matrices(question: str) -> tuple[list[list[float]], list[list[float]]] | None:
    """Player 0's and Player 1's payoff matrices as printed in the Recon normal-form templates; None when absent."""
    found = [re.search(_MATRIX.format(player=player), question) for player in (0, 1)]
    if not all(found):
        return None
    try:
        row, col = (json.loads(match.group(1)) for match in found if match)
    except json.JSONDecodeError:
        return None
    return row, col


def _pure_nash(question: str) -> Preset | None:
    if "pure strategy Nash equilibria" not in question:
        return None
    matrices = read_payoff_matrices(question)
    if matrices is None:
        return None
    row, col = matrices
    return Preset(tool="nash_equilibria", input={"row_payoffs": row, "col_payoffs": col, "mixed": False},
                  parser="payoff matrices (pure Nash template)")  # fmt: skip


def _transparent(question: str) -> Preset | None:
    if "Perfectly Transparent Equilibrium" not in question:
        return None
    matrices = read_payoff_matrices(question)
    if matrices is None:
        return None
    row, col = matrices
    return Preset(tool="perfectly_transparent_equilibrium", input={"row_payoffs": row, "col_payoffs": col},
                  parser="payoff matrices (transparent-equilibrium template)")  # fmt: skip


_BALLOT = re.compile(r"^\s*-?\s*(\d+) voters? voted for ([A-Za-z]+(?:\s*>\s*[A-Za-z]+)+)\s*$", re.MULTILINE)


def _condorcet(question: str) -> Preset | None:
    ballots = [
        {"count": int(count), "ranking": [name.strip() for name in ranking.split(">")]}
        for count, ranking in _BALLOT.findall(question)
    ]
    if not ballots:
        return None
    return Preset(tool="condorcet_winner", input={"ballots": ballots}, parser="ranked ballots (voting template)")


_STATE_PROBABILITY = re.compile(r"probability of state (\d+) is (\d*\.?\d+)", re.IGNORECASE)
_STATE_TABLE = re.compile(r"^State (\d+):\n(.*?)(?=^State \d+:|^Options:|\Z)", re.MULTILINE | re.DOTALL)
_CELL = re.compile(r"\((-?\d*\.?\d+),\s*(-?\d*\.?\d+)\)")


def _bayesian(question: str) -> Preset | None:
    probabilities = {int(state): value for state, value in _STATE_PROBABILITY.findall(question)}
    states, row_labels, col_labels = [], None, None
    for number, table in _STATE_TABLE.findall(question):
        lines = [line for line in table.splitlines() if line.strip()]
        header, rows = lines[0], lines[1:]
        columns = [label.strip() for label in re.split(r"\s{2,}", header.strip())]
        labels = [_CELL.split(line)[0].strip() for line in rows]
        cells = [[(float(a), float(b)) for a, b in _CELL.findall(line)] for line in rows]
        if int(number) not in probabilities or any(len(row) != len(columns) for row in cells):
            return None
        row_labels, col_labels = labels, columns
        states.append({"probability": probabilities[int(number)],
                       "row_payoffs": [[a for a, _ in row] for row in cells],
                       "col_payoffs": [[b for _, b in row] for row in cells]})  # fmt: skip
    if not states:
        return None
    preset = {"states": states, "row_strategies": row_labels, "col_strategies": col_labels}
    return Preset(tool="bayesian_game_equilibria", input=preset, parser="state payoff tables (Bayesian template)")


PARSERS: tuple[Callable[[str], Preset | None], ...] = (_pure_nash, _transparent, _condorcet, _bayesian)


def gold_preset(question: str) -> Preset | None:
    """The gold tool input of a question a rule parser can read, for a registered tool; None otherwise."""
    registered = {tool.name for tool in list_tools()}
    for parser in PARSERS:
        preset = parser(question)
        if preset is not None and preset.tool in registered:
            return preset
    return None
