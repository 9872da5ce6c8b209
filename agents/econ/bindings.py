"""How the agent uses each solver: what the model fills, what the agent fixes, and what the result claims.

A binding is the agent's side of a registered tool (``reasonsuite.tools.registry``). The tool owns its input and
output models; the binding picks the few input fields a model reads from the question (a 135M model cannot finish a
JSON object with every optional field of the full schema, so the filled part stays small), fixes the rest, and turns
the tool's output into *claims* (strategy profiles, names, numbers) that ``mapping.py`` matches against the question's
answer format. A new tool plugs in with one binding here; routing lists every bound tool that is registered.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model
from pydantic_core import PydanticUndefined

from reasonsuite.tools.registry import Tool, get_tool, list_tools

__all__ = ["BINDINGS", "Claims", "ToolBinding", "available_bindings", "binding_for", "fill_model"]


@dataclass(frozen=True)
class Claims:
    """What a solver's result says, in forms an answer can take.

    ``profiles``: pure strategy profiles as 0-based indices (None when the tool says nothing about profiles, an
    empty list when it says there are none); ``labels``: names the solver chose (moves, strategies, lotteries);
    ``numbers``: values it computed that an answer may quote; ``summary``: one line for people.
    """

    summary: str
    profiles: list[tuple[int, ...]] | None = None
    labels: list[str] = field(default_factory=list)
    numbers: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class ToolBinding:
    """The agent's use of one registered tool."""

    tool: str
    use_when: str
    """One line for the routing prompt: the questions this tool answers."""
    fields: tuple[str, ...]
    claims: Callable[[Any], Claims]
    fixed: Mapping[str, Any] = field(default_factory=dict, compare=False)
    exempt: tuple[str, ...] = ()
    """Fields whose numbers are structure (a mover's number), not quantities the question must state."""
    max_new_tokens: int = 256

    def registered(self) -> Tool:
        return get_tool(self.tool)


def _without_none(annotation: Any) -> Any:
    """``X | None`` → ``X``: a field the binding asks the model to fill is required in the fill schema."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        kept = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if len(kept) == 1:
            return kept[0]
    return annotation


@cache
def fill_model(binding: ToolBinding) -> type[BaseModel]:
    """The structured-output schema of a fill: the binding's fields of the tool's input model, and nothing else.

    Field types and descriptions are the tool's own, so the model writes what the tool validates; fields the tool
    leaves optional (None) are required here, and other defaults are kept.
    """
    model_fields = binding.registered().input_model.model_fields
    definitions: dict[str, Any] = {}
    for name in binding.fields:
        info = model_fields[name]
        if info.default is None or info.default is PydanticUndefined:
            definitions[name] = (_without_none(info.rebuild_annotation()), Field(description=info.description))
        else:
            definitions[name] = (info.rebuild_annotation(), Field(info.default, description=info.description))
    title = "".join(part.capitalize() for part in binding.tool.split("_")) + "Fill"
    return create_model(title, __config__=ConfigDict(extra="forbid"), **definitions)


# --- claims of each tool's output ----------------------------------------------------------------------------------


def _nash_claims(output: Any) -> Claims:
    players = output.players
    profiles = sorted(
        tuple(output.strategies[player].index(outcome.strategies[player]) for player in players)
        for outcome in output.pure_equilibria
    )
    listed = ", ".join(str(list(profile)) for profile in profiles) or "none"
    return Claims(summary=f"pure Nash equilibria (0-based strategy indices): {listed}", profiles=profiles)


def _transparent_claims(output: Any) -> Claims:
    profiles = [tuple(indices) for indices in output.answer_indices]
    listed = ", ".join(str(list(profile)) for profile in profiles) or "none"
    return Claims(summary=f"perfectly transparent equilibrium (0-based indices): {listed}", profiles=profiles)


def _bayesian_claims(output: Any) -> Claims:
    found = output.equilibria
    listed = "; ".join(" / ".join(profile.strategies) for profile in found) or "none"
    return Claims(
        summary=f"pure Bayes-Nash equilibria: {listed}",
        profiles=sorted(tuple(profile.indices) for profile in found),
        labels=[" ".join(profile.strategies) for profile in found],
    )


def _condorcet_claims(output: Any) -> Claims:
    winner = output.condorcet_winner
    contests = "; ".join(f"{c.a} {c.votes_a}-{c.votes_b} {c.b}" for c in output.contests)
    # Options name the winner ("Candidate X", "Nominee X", "X should be …"), or "a tie" when no one beats every other.
    return Claims(summary=f"Condorcet winner: {winner or 'none'} ({contests})", labels=[winner] if winner else ["tie"])


def _grim_trigger_claims(output: Any) -> Claims:
    minimum = output.min_discount_factor
    return Claims(
        summary=f"smallest discount factor sustaining cooperation: {minimum.exact if minimum else 'none below 1'}",
        numbers=[minimum.value] if minimum else [],
    )


def _intertemporal_claims(output: Any) -> Claims:
    return Claims(
        summary=f"preferred: {', '.join(output.best) or 'undecided'} ({output.model})",
        labels=list(output.best) if len(output.best) == 1 else [],
    )


def _backward_claims(output: Any) -> Claims:
    # Every mover's choice counts, off the path too: "what should B do at round 2" asks about a node the path may skip.
    chosen = [f"{choice.player} {choice.move}" for choice in output.strategy]
    payoffs = ", ".join(f"{player} {value.exact}" for player, value in output.payoffs.items())
    return Claims(
        summary=f"subgame-perfect path {' → '.join(output.path) or '(root is a leaf)'}; payoffs {payoffs}; "
        f"choices: {'; '.join(chosen)}" + ("" if output.unique else " (ties: several equilibria)"),
        labels=chosen if output.unique else [],
        numbers=[value.value for value in output.payoffs.values()],
    )


def _expected_utility_claims(output: Any) -> Claims:
    values = "; ".join(f"{r.name}: EV {r.expected_value:g}, EU {r.expected_utility:g}" for r in output.lotteries)
    unique = len(output.preferred) == 1
    return Claims(
        summary=f"preferred {', '.join(output.preferred)} ({values})",
        labels=list(output.preferred) if unique else [],
    )


def _best_response_claims(output: Any) -> Claims:
    return Claims(
        summary=f"best responses of {output.player}: {', '.join(output.best_responses)} "
        f"(payoff {output.best_payoff.exact})",
        labels=[label for label in output.best_responses if not label.isdigit()],
        numbers=[output.best_payoff.value],
    )


def _oligopoly_claims(output: Any) -> Claims:
    firms = "; ".join(f"firm {f.firm} q={f.quantity.exact} profit={f.profit.exact}" for f in output.firms)
    numbers = [output.price.value, output.total_quantity.value, output.consumer_surplus.value,
               output.producer_surplus.value, output.deadweight_loss.value]  # fmt: skip
    numbers += [value for f in output.firms for value in (f.quantity.value, f.profit.value)]
    return Claims(
        summary=f"{output.model}: price {output.price.exact}, total quantity {output.total_quantity.exact}; {firms}",
        numbers=numbers,
    )


def _symbolic_claims(output: Any) -> Claims:
    numbers = [output.value] if output.value is not None else []
    numbers += [v.value for s in output.solutions for v in s.values if v.value is not None]
    return Claims(summary=f"{output.operation}: {output.result}", numbers=numbers)


BINDINGS: tuple[ToolBinding, ...] = (
    ToolBinding(
        tool="nash_equilibria",
        use_when="two payoff matrices are given and the pure Nash equilibria are asked for",
        fields=("row_payoffs", "col_payoffs"),
        # Recon asks for pure equilibria, and mixed ones cannot be written in its answer formats.
        fixed={"mixed": False},
        claims=_nash_claims,
    ),
    ToolBinding(
        tool="perfectly_transparent_equilibrium",
        use_when="two payoff matrices are given and the perfectly transparent equilibrium (maximin, Pareto) is asked",
        fields=("row_payoffs", "col_payoffs"),
        claims=_transparent_claims,
    ),
    ToolBinding(
        tool="bayesian_game_equilibria",
        use_when="a game has several states with probabilities, and the Bayes-Nash equilibrium is asked for",
        fields=("states", "row_strategies", "col_strategies"),
        claims=_bayesian_claims,
        max_new_tokens=512,
    ),
    ToolBinding(
        tool="condorcet_winner",
        use_when="voters rank candidates and the Condorcet winner is asked for",
        fields=("ballots",),
        claims=_condorcet_claims,
    ),
    ToolBinding(
        tool="grim_trigger_discount_factor",
        use_when="a repeated game asks for the minimum discount factor that sustains cooperation (grim trigger)",
        fields=("mutual_cooperation", "mutual_defection", "temptation", "sucker"),
        claims=_grim_trigger_claims,
    ),
    ToolBinding(
        tool="intertemporal_choice",
        use_when="amounts of money at different dates (today, tomorrow, in N days) are compared",
        fields=("options", "revealed_choice"),
        # Recon's time-preference questions give an earlier choice, not a discount rate: the rate is revealed by it.
        fixed={"model": "revealed_exponential"},
        claims=_intertemporal_claims,
    ),
    ToolBinding(
        tool="backward_induction",
        use_when="players move in turn (rounds, offers, pass or accept) and the question asks what a player should do",
        fields=("tree", "players"),
        exempt=("player",),
        claims=_backward_claims,
        max_new_tokens=512,
    ),
    ToolBinding(
        tool="expected_utility",
        use_when="gambles or investments with outcomes and probabilities are compared",
        fields=("lotteries",),
        claims=_expected_utility_claims,
    ),
    ToolBinding(
        tool="best_response",
        use_when="a payoff matrix and an opponent's mixed strategy are given and the best reply is asked for",
        fields=("row_payoffs", "col_payoffs", "player", "opponent_strategy"),
        claims=_best_response_claims,
    ),
    ToolBinding(
        tool="oligopoly",
        use_when="firms compete in quantities or prices under a linear demand curve (Cournot, Stackelberg, Bertrand)",
        fields=("model", "demand_intercept", "demand_slope", "marginal_costs"),
        claims=_oligopoly_claims,
    ),
    ToolBinding(
        tool="symbolic_math",
        use_when="an equation or formula must be solved, simplified or evaluated",
        fields=("operation", "expression", "variable"),
        claims=_symbolic_claims,
    ),
)


def available_bindings() -> list[ToolBinding]:
    """The bindings whose tool is registered, in routing order (a binding for a tool not yet built is skipped)."""
    registered = {tool.name for tool in list_tools()}
    return [binding for binding in BINDINGS if binding.tool in registered]


def binding_for(tool: str) -> ToolBinding:
    """The binding of ``tool``; a tool without one is an error naming the bound tools."""
    for binding in BINDINGS:
        if binding.tool == tool:
            return binding
    raise KeyError(f"tool {tool!r} has no agent binding; bound tools: {', '.join(b.tool for b in BINDINGS)}")
