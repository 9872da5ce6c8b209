"""Oligopoly models with linear inverse demand P = a - b*Q and constant marginal costs, solved exactly.

Cournot, Stackelberg and monopoly outcomes come from the first-order conditions solved with sympy in exact rationals;
Bertrand and perfect competition are read off the cost ranking. Every model reports the same welfare measures against
the efficient benchmark (price equal to the lowest marginal cost), so models can be compared side by side.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Annotated, Literal

import sympy
from pydantic import Field, StringConstraints

from ..registry import ToolInput, ToolInputError, ToolOutput, register_tool
from .payoffs import Exact, ExactNumber, exact

__all__ = ["OligopolyInput", "OligopolyOutput", "oligopoly"]

MAX_FIRMS = 20

Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Model = Literal["cournot", "stackelberg", "bertrand", "monopoly", "perfect_competition"]


class OligopolyInput(ToolInput):
    """A market for one homogeneous good: inverse demand P = a - b*Q, each firm with a constant marginal cost.

    No fixed costs, no capacity limits. Numbers are JSON numbers (read exactly: 0.1 means 1/10) or exact rational
    strings such as "3/4".
    """

    model: Model = Field(
        description="cournot: simultaneous quantities; stackelberg: firm 1 leads in quantity, the others follow (as a "
        "Cournot group); bertrand: simultaneous prices; monopoly: one firm; perfect_competition: price = lowest "
        "marginal cost"
    )
    demand_intercept: ExactNumber = Field(description="a: the price at which demand falls to zero (currency per unit)")
    demand_slope: ExactNumber = Field(description="b > 0: the price drop per extra unit of total quantity")
    marginal_costs: list[ExactNumber] = Field(
        min_length=1, max_length=MAX_FIRMS, description="each firm's constant marginal cost >= 0 (currency per unit)"
    )
    firm_names: list[Label] | None = Field(None, description='firm names in the same order (default "1", "2", ...)')


class FirmResult(ToolOutput):
    firm: str
    role: str = Field(description="leader, follower, or firm")
    marginal_cost: Exact
    quantity: Exact
    profit: Exact
    active: bool = Field(description="false when the firm produces nothing at the equilibrium")


class OligopolyOutput(ToolOutput):
    model: str
    firms: list[FirmResult]
    total_quantity: Exact
    price: Exact
    consumer_surplus: Exact
    producer_surplus: Exact = Field(description="sum of profits (no fixed costs)")
    total_surplus: Exact
    deadweight_loss: Exact = Field(
        description="efficient total surplus (price = lowest marginal cost) minus this outcome's total surplus"
    )
    competitive_price: Exact
    competitive_quantity: Exact
    notes: list[str]


@dataclass(frozen=True)
class _Market:
    a: Fraction
    b: Fraction
    costs: tuple[Fraction, ...]


def _fraction(value: sympy.Expr) -> Fraction:
    rational = sympy.Rational(value)
    return Fraction(int(rational.p), int(rational.q))


def _cournot_interior(market: _Market, firms: list[int], leader_output: sympy.Expr) -> dict[int, sympy.Expr]:
    """Solve the Cournot first-order conditions of ``firms`` given other output ``leader_output`` (may be symbolic).

    Profit of firm i: (a - b*(Q + leader_output) - c_i)*q_i; the FOC a - b*(Q + leader_output) - b*q_i - c_i = 0 is
    linear, and the second-order condition -2b < 0 holds, so the system's unique solution is the equilibrium.
    """
    if not firms:
        return {}
    q = sympy.symbols(f"q0:{len(firms)}")
    a, b = sympy.Rational(market.a), sympy.Rational(market.b)
    price = a - b * (sum(q) + leader_output)
    conditions = [sympy.diff((price - sympy.Rational(market.costs[i])) * q[k], q[k]) for k, i in enumerate(firms)]
    (solution,) = sympy.linsolve(conditions, q)
    return {i: sympy.expand(solution[k]) for k, i in enumerate(firms)}


def _by_cost(market: _Market, firms: list[int]) -> list[int]:
    return sorted(firms, key=lambda i: (market.costs[i], i))


def _cournot(market: _Market, firms: list[int], leader_output: Fraction = Fraction(0)) -> dict[int, Fraction]:
    """Cournot quantities with corners: firms whose interior quantity is not positive drop out and the rest re-solve.

    Dropping a firm whose interior quantity is negative lowers the price, so the loop ends with the active set made of
    the lowest-cost firms, each producing a positive amount, while every excluded firm has cost >= the price.
    """
    active = _by_cost(market, firms)
    while True:
        solved = {i: _fraction(q) for i, q in _cournot_interior(market, active, sympy.Rational(leader_output)).items()}
        dropped = [i for i in active if solved[i] <= 0]
        if not dropped:
            return {i: solved.get(i, Fraction(0)) for i in firms}
        active = [i for i in active if i not in dropped]


def _linear(expr: sympy.Expr, x: sympy.Symbol) -> tuple[Fraction, Fraction]:
    """(constant, slope) of an expression linear in ``x``."""
    expr = sympy.expand(expr)
    return _fraction(expr.subs(x, 0)), _fraction(expr.coeff(x, 1))


def _stackelberg(market: _Market) -> dict[int, Fraction]:
    """Leader (firm 0) output maximising its profit along the followers' Cournot reaction, corners included.

    The followers' joint reaction to leader output x is piecewise linear: on each piece a fixed set of the
    lowest-cost followers is active and solves its Cournot FOCs given x. On a piece with k active followers the price
    falls at rate b/(k+1), steeper as x pushes followers out, so the leader's profit is concave in x and the best of the
    per-piece maxima (FOC solution clamped to the piece) is the global maximum.
    """
    x = sympy.Symbol("x")
    leader_cost = sympy.Rational(market.costs[0])
    followers = _by_cost(market, list(range(1, len(market.costs))))
    best: tuple[Fraction, Fraction] | None = None  # (profit, leader output)
    for k in range(len(followers), -1, -1):
        active, excluded = followers[:k], followers[k:]
        reaction = _cournot_interior(market, active, x)
        price = sympy.Rational(market.a) - sympy.Rational(market.b) * (x + sum(reaction.values()))
        low, high = Fraction(0), None
        constraints = [reaction[i] for i in active] + [sympy.Rational(market.costs[j]) - price for j in excluded]
        feasible = True
        for constraint in constraints:  # each is e0 + e1*x >= 0
            e0, e1 = _linear(constraint, x)
            if e1 > 0:
                low = max(low, -e0 / e1)
            elif e1 < 0:
                high = -e0 / e1 if high is None else min(high, -e0 / e1)
            elif e0 < 0:
                feasible = False
        if not feasible or (high is not None and high < low):
            continue
        profit = (price - leader_cost) * x
        (stationary,) = sympy.solve(sympy.diff(profit, x), x)
        choice = max(low, _fraction(stationary))
        if high is not None:
            choice = min(high, choice)
        value = _fraction(profit.subs(x, sympy.Rational(choice)))
        if best is None or value > best[0]:
            best = (value, choice)
    assert best is not None  # the pieces cover every x >= 0
    leader_output = best[1]
    return {0: leader_output, **_cournot(market, followers, leader_output)}


def _monopoly(market: _Market) -> dict[int, Fraction]:
    q = sympy.Symbol("q")
    profit = (sympy.Rational(market.a) - sympy.Rational(market.b) * q - sympy.Rational(market.costs[0])) * q
    (output,) = sympy.solve(sympy.diff(profit, q), q)
    return {0: _fraction(output)}


def _bertrand(market: _Market, notes: list[str]) -> dict[int, Fraction]:
    ranked = _by_cost(market, list(range(len(market.costs))))
    low = market.costs[ranked[0]]
    tied = [i for i in ranked if market.costs[i] == low]
    monopoly_price = (market.a + low) / 2
    if len(tied) > 1:
        price = low
        notes.append("Bertrand: the lowest-cost firms tie at price = their marginal cost and share demand equally")
    elif len(ranked) == 1:
        price = monopoly_price
        notes.append("Bertrand with one firm: the monopoly price")
    else:
        rival = market.costs[ranked[1]]
        price = min(rival, monopoly_price)
        notes.append(
            "Bertrand, unequal costs: the low-cost firm takes the whole market at the limit price = the next-lowest "
            "cost (strictly, just below it; ties go to the low-cost firm) when that is below its monopoly price "
            "(a + c)/2, else at its monopoly price"
        )
    total = (market.a - price) / market.b
    return {i: (total / len(tied) if i in tied else Fraction(0)) for i in ranked}


def _competitive(market: _Market) -> dict[int, Fraction]:
    low = min(market.costs)
    tied = [i for i, c in enumerate(market.costs) if c == low]
    total = (market.a - low) / market.b
    return {i: (total / len(tied) if i in tied else Fraction(0)) for i in range(len(market.costs))}


def _market(inp: OligopolyInput) -> _Market:
    if inp.demand_slope <= 0:
        raise ToolInputError("demand_slope", f"b = {inp.demand_slope} must be positive (demand slopes down)")
    for i, c in enumerate(inp.marginal_costs):
        if c < 0:
            raise ToolInputError(f"marginal_costs.{i}", f"marginal cost {c} is negative; expected >= 0")
    low = min(inp.marginal_costs)
    if inp.demand_intercept <= low:
        raise ToolInputError(
            "demand_intercept",
            f"a = {inp.demand_intercept} does not exceed the lowest marginal cost {low}: no firm can sell above cost, "
            "so nothing is produced",
        )
    if inp.model == "monopoly" and len(inp.marginal_costs) != 1:
        raise ToolInputError("marginal_costs", f"monopoly takes one firm's cost, got {len(inp.marginal_costs)}")
    if inp.model == "stackelberg" and len(inp.marginal_costs) < 2:
        raise ToolInputError("marginal_costs", "stackelberg needs a leader and at least one follower (2+ costs)")
    if inp.firm_names is not None:
        if len(inp.firm_names) != len(inp.marginal_costs):
            raise ToolInputError(
                "firm_names", f"{len(inp.firm_names)} names for {len(inp.marginal_costs)} firms; expected one per firm"
            )
        if len(set(inp.firm_names)) != len(inp.firm_names):
            raise ToolInputError("firm_names", "duplicate firm names")
    return _Market(inp.demand_intercept, inp.demand_slope, tuple(inp.marginal_costs))


@register_tool("oligopoly")
def oligopoly(inp: OligopolyInput) -> OligopolyOutput:
    """Equilibrium of a linear-demand market: Cournot, Stackelberg, Bertrand, monopoly or perfect competition.

    Inverse demand P = a - b*Q, constant marginal costs c_i, no fixed costs. Cournot (n firms, any costs): the firms'
    first-order conditions solved together; firms whose quantity would not be positive produce nothing and the rest
    re-solve (corner solutions). Stackelberg: firm 1 chooses output first, the others react as a Cournot group; the
    leader maximises along their reaction, including outputs that push followers out. Bertrand (homogeneous good):
    equal lowest costs give price = cost and zero profit; otherwise the low-cost firm serves the market at the
    next-lowest cost (limit price) or at its monopoly price if lower. All values are exact rationals (also as floats).
    Welfare: consumer surplus b*Q^2/2, producer surplus = sum of profits, deadweight loss against the efficient outcome
    P = lowest marginal cost (so it includes output made by higher-cost firms). a must exceed the lowest cost.
    Textbook reference: Tirole, The Theory of Industrial Organization, ch. 5.
    """
    market = _market(inp)
    notes: list[str] = []
    n = len(market.costs)
    if inp.model == "cournot":
        quantities = _cournot(market, list(range(n)))
    elif inp.model == "stackelberg":
        quantities = _stackelberg(market)
        notes.append("Stackelberg: firm 1 leads; the other firms follow, playing Cournot among themselves")
    elif inp.model == "bertrand":
        quantities = _bertrand(market, notes)
    elif inp.model == "monopoly":
        quantities = _monopoly(market)
    else:
        quantities = _competitive(market)
        notes.append("perfect competition: price = lowest marginal cost, split equally by the firms at that cost")
    total = sum(quantities.values(), Fraction(0))
    price = market.a - market.b * total
    profits = {i: (price - market.costs[i]) * quantities[i] for i in range(n)}
    consumer = market.b * total * total / 2
    producer = sum(profits.values(), Fraction(0))
    low = min(market.costs)
    competitive_quantity = (market.a - low) / market.b
    efficient = (market.a - low) * competitive_quantity / 2
    names = inp.firm_names or [str(i + 1) for i in range(n)]
    roles = ["leader"] + ["follower"] * (n - 1) if inp.model == "stackelberg" else ["firm"] * n
    inactive = [names[i] for i in range(n) if quantities[i] == 0]
    if inactive and inp.model in ("cournot", "stackelberg"):
        notes.append(f"firms {inactive} produce nothing: their marginal cost is at or above the equilibrium price")
    return OligopolyOutput(
        model=inp.model,
        firms=[
            FirmResult(
                firm=names[i],
                role=roles[i],
                marginal_cost=exact(market.costs[i]),
                quantity=exact(quantities[i]),
                profit=exact(profits[i]),
                active=quantities[i] > 0,
            )
            for i in range(n)
        ],
        total_quantity=exact(total),
        price=exact(price),
        consumer_surplus=exact(consumer),
        producer_surplus=exact(producer),
        total_surplus=exact(consumer + producer),
        deadweight_loss=exact(efficient - consumer - producer),
        competitive_price=exact(low),
        competitive_quantity=exact(competitive_quantity),
        notes=notes,
    )
