"""`expected_utility`: expected value, expected utility, certainty equivalent and risk premium of lotteries.

Von Neumann–Morgenstern expected utility (Mas-Colell, Whinston & Green, *Microeconomic Theory*, 1995, §6.B–6.C):
a lottery paying x_i with probability p_i has expected utility EU = Σ p_i u(x_i); its certainty equivalent CE is the
sure amount with u(CE) = EU, and its risk premium is EV − CE (positive for a risk-averse, concave u). Probabilities
and outcomes are exact rationals and the utility is read by the restricted parser, so textbook cases come out exact
(50/50 between 0 and 100 with u = sqrt(x): EU = 5, CE = 25, risk premium 25). The calculation runs in the sympy
worker under a time limit.
"""

from __future__ import annotations

import math
from typing import Any, Literal

import sympy
from pydantic import Field, ValidationInfo, field_validator

from ..registry import ToolInput, ToolInputError, ToolOutput, register_tool
from .limits import DEFAULT_TIMEOUT_S, TimeoutSeconds, run_limited
from .parser import ExactNumber, ParseError, parse_expression, parse_rational
from .symbolic_math import real_value, sympy_failures

PROBABILITY_TOLERANCE = 1e-9
"""Probabilities summing to 1 within this are rescaled to sum exactly to 1 (floats such as 3 × 0.3333333333)."""
MAX_EXACT_CHARS = 500
"""An exact certainty equivalent longer than this is reported as a float only."""
_WEALTH = sympy.Symbol("x")
_LEVEL = sympy.Symbol("level")  # a utility level, the argument of u's inverse


class Lottery(ToolInput):
    """One lottery: outcomes (money or wealth) and the probability of each."""

    name: str | None = Field(
        default=None, min_length=1, max_length=60, description="a label, e.g. 'safe'; default 'lottery 1', 'lottery 2'…"
    )
    outcomes: list[ExactNumber] = Field(
        min_length=1, max_length=100, description="the outcomes x, numbers or exact strings such as '100/3'"
    )
    probabilities: list[ExactNumber] = Field(
        min_length=1,
        max_length=100,
        description="the probability of each outcome, in the same order: each ≥ 0, summing to 1; numbers or exact "
        "strings such as '1/3'",
    )

    @field_validator("probabilities")
    @classmethod
    def _a_distribution(cls, probabilities: list[str], info: ValidationInfo) -> list[str]:
        outcomes = info.data.get("outcomes")
        if outcomes is not None and len(outcomes) != len(probabilities):
            raise ValueError(
                f"{len(outcomes)} outcomes but {len(probabilities)} probabilities: give one probability per outcome"
            )
        exact = [parse_rational(p) for p in probabilities]
        negative = [i for i, p in enumerate(exact) if p < 0]
        if negative:
            raise ValueError(f"probability {negative[0]} is {float(exact[negative[0]]):g}; probabilities must be ≥ 0")
        total = sum(exact)
        if abs(total - 1) > PROBABILITY_TOLERANCE:
            raise ValueError(f"the probabilities sum to {float(total):.12g}, not 1")
        return probabilities


class ExpectedUtilityInput(ToolInput):
    """Lotteries to compare by expected utility under one utility function u(x) of the outcome x."""

    lotteries: list[Lottery] = Field(min_length=1, max_length=10, description="the lotteries to evaluate and compare")
    utility: str = Field(
        default="x",
        min_length=1,
        max_length=500,
        description="the utility function of the outcome x, increasing in x, e.g. 'sqrt(x)', 'log(x)', "
        "'1 - exp(-0.01*x)' (CARA) or 'x' (risk neutral, the default)",
    )
    timeout_s: TimeoutSeconds = DEFAULT_TIMEOUT_S

    @field_validator("lotteries")
    @classmethod
    def _distinct_names(cls, lotteries: list[Lottery]) -> list[Lottery]:
        names = [lottery.name or f"lottery {i + 1}" for i, lottery in enumerate(lotteries)]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValueError(f"lottery names must differ; repeated: {', '.join(repeated)}")
        return lotteries


class LotteryResult(ToolOutput):
    name: str = Field(description="the lottery's label")
    expected_value: float = Field(description="EV = Σ p_i x_i")
    expected_value_exact: str = Field(description="EV, exact")
    expected_utility: float = Field(description="EU = Σ p_i u(x_i)")
    expected_utility_exact: str = Field(description="EU, exact")
    certainty_equivalent: float = Field(description="CE, the sure outcome with u(CE) = EU")
    certainty_equivalent_exact: str | None = Field(description="CE in closed form; null when found numerically")
    risk_premium: float = Field(description="EV − CE: what the decision maker would give up to remove the risk")
    risk_premium_exact: str | None = Field(description="the risk premium in closed form; null when CE is numerical")
    risk_attitude: Literal["averse", "neutral", "seeking"] = Field(
        description="averse: CE < EV; neutral: CE = EV; seeking: CE > EV (for this lottery)"
    )


class ExpectedUtilityOutput(ToolOutput):
    utility: str = Field(description="the utility function as read, sympy text")
    utility_latex: str = Field(description="the utility function in LaTeX")
    lotteries: list[LotteryResult] = Field(description="the results, in the order of the input")
    preferred: list[str] = Field(description="the lottery (or lotteries, on a tie) with the highest expected utility")
    notes: list[str] = Field(default=[], description="caveats, e.g. rescaled probabilities")


@register_tool("expected_utility")
def expected_utility(inp: ExpectedUtilityInput) -> ExpectedUtilityOutput:
    """Expected value, expected utility, certainty equivalent and risk premium of lotteries, and the preferred one.

    Von Neumann–Morgenstern expected utility (Mas-Colell, Whinston & Green 1995, §6.B–6.C): EU = Σ p_i u(x_i),
    u(CE) = EU, risk premium = EV − CE. Exact rational arithmetic; CE in closed form when sympy can invert u, else by
    bisection between the smallest and largest outcome. u must be real, finite and increasing over the outcomes.
    """
    answer = run_limited(
        "expected_utility",
        inp.model_dump(mode="json"),
        timeout_s=inp.timeout_s,
        field="utility",
        action="compute the expected utilities and certainty equivalents",
    )
    return ExpectedUtilityOutput.model_validate(answer)


# ---- the worker's side: everything below runs in the sympy worker process ----------------------------------------


def _rational(text: str) -> sympy.Rational:
    number = parse_rational(text)
    return sympy.Rational(number.numerator, number.denominator)


def _read_utility(text: str) -> sympy.Expr:
    try:
        utility = parse_expression(text)
    except ParseError as err:
        raise ToolInputError("utility", str(err)) from None
    others = sorted(symbol.name for symbol in utility.free_symbols if symbol != _WEALTH)
    if others:
        raise ToolInputError("utility", f"u may use only the outcome variable x; found {', '.join(others)}")
    if _WEALTH not in utility.free_symbols:
        raise ToolInputError("utility", "u must depend on the outcome x")
    return utility


def _inverse(utility: sympy.Expr, outcomes: list[sympy.Rational]) -> sympy.Expr | None:
    """u⁻¹(level) in closed form: the branch that maps u(x) back to x at every outcome; None when sympy has none."""
    try:
        branches = sympy.solve(sympy.Eq(utility, _LEVEL), _WEALTH)
    except Exception:  # no closed-form inverse: the certainty equivalents are found numerically
        return None
    for branch in branches:
        recovered = [real_value(branch.subs(_LEVEL, utility.subs(_WEALTH, x))) for x in outcomes]
        if all(
            r is not None and math.isclose(r, float(x), rel_tol=1e-9, abs_tol=1e-9)
            for r, x in zip(recovered, outcomes, strict=True)
        ):
            return branch
    return None


def _bisect(utility: sympy.Expr, target: sympy.Expr, low: sympy.Rational, high: sympy.Rational) -> float:
    """The x in [low, high] with u(x) = target, for u increasing there: bisection at 40 digits to 1e-17 relative."""
    a, b = sympy.Float(low, 40), sympy.Float(high, 40)
    goal = sympy.N(target, 40)
    for _ in range(200):
        middle = (a + b) / 2
        level = sympy.N(utility.subs(_WEALTH, middle), 40)
        if not level.is_real:
            raise ToolInputError("utility", f"u is not real at x = {float(middle):g}, between the outcomes")
        if level > goal:
            b = middle
        else:
            a = middle
        if b - a <= 1e-17 * max(1, abs(middle)):
            break
    return float((a + b) / 2)


def compute(payload: dict[str, Any]) -> dict[str, Any]:
    """The calculation, in the worker: ``payload`` is the validated input as JSON, the answer the output's fields."""
    inp = ExpectedUtilityInput.model_validate(payload)
    utility = _read_utility(inp.utility)
    notes: list[str] = []
    levels: dict[sympy.Rational, sympy.Expr] = {}  # u at every outcome with positive probability
    with sympy_failures("utility", "evaluate the utility"):
        supports = {
            lottery.name or f"lottery {i + 1}": _support(i, lottery, utility, levels, notes)
            for i, lottery in enumerate(inp.lotteries)
        }
        _check_increasing(utility, levels)
        inverse = _inverse(utility, sorted(levels))
        results = [_evaluate(name, support, utility, levels, inverse) for name, support in supports.items()]
        latex = sympy.latex(utility)
    best = max(result["expected_utility"] for result in results)
    tolerance = 1e-12 * max(1.0, abs(best))
    preferred = [result["name"] for result in results if best - result["expected_utility"] <= tolerance]
    return {
        "utility": str(utility),
        "utility_latex": latex,
        "lotteries": results,
        "preferred": preferred,
        "notes": notes,
    }


def _support(
    index: int, lottery: Lottery, utility: sympy.Expr, levels: dict[sympy.Rational, sympy.Expr], notes: list[str]
) -> list[tuple[sympy.Rational, sympy.Rational]]:
    """The (outcome, probability) pairs with p > 0, probabilities rescaled to sum to 1; u of new outcomes in levels."""
    outcomes = [_rational(x) for x in lottery.outcomes]
    probabilities = [_rational(p) for p in lottery.probabilities]
    total = sum(probabilities)
    if total != 1:
        probabilities = [p / total for p in probabilities]
        name = lottery.name or f"lottery {index + 1}"
        notes.append(f"{name}: the probabilities summed to {float(total):.12g} and were rescaled to sum to 1")
    for j, (x, p) in enumerate(zip(outcomes, probabilities, strict=True)):
        if p > 0 and x not in levels:
            level = utility.subs(_WEALTH, x)
            if real_value(level) is None:
                problem = f"u = {utility} is not a finite real number at x = {x}: {level}"
                raise ToolInputError(f"lotteries.{index}.outcomes.{j}", problem)
            levels[x] = level
    return [(x, p) for x, p in zip(outcomes, probabilities, strict=True) if p > 0]


def _check_increasing(utility: sympy.Expr, levels: dict[sympy.Rational, sympy.Expr]) -> None:
    outcomes = sorted(levels)
    for low, high in zip(outcomes, outcomes[1:], strict=False):
        if not sympy.N(levels[high] - levels[low], 30) > 0:
            raise ToolInputError(
                "utility",
                f"u = {utility} must increase with x for a certainty equivalent, but u({low}) = "
                f"{float(sympy.N(levels[low])):.6g} ≥ u({high}) = {float(sympy.N(levels[high])):.6g}",
            )


def _shortest(expr: sympy.Expr) -> sympy.Expr:
    """``expr`` or its simplified form, whichever reads shorter (simplify may fold 100*log(a) into log(a**100))."""
    return min(expr, sympy.simplify(expr), key=lambda form: len(str(form)))


def _evaluate(
    name: str,
    support: list[tuple[sympy.Rational, sympy.Rational]],
    utility: sympy.Expr,
    levels: dict[sympy.Rational, sympy.Expr],
    inverse: sympy.Expr | None,
) -> dict[str, Any]:
    expected_value = sum((p * x for x, p in support), sympy.Integer(0))
    expected = sum((p * levels[x] for x, p in support), sympy.Integer(0))
    eu_value = real_value(expected)
    if eu_value is None:
        raise ToolInputError("utility", f"the expected utility of {name} is not a finite float: {expected}")
    low, high = min(x for x, _ in support), max(x for x, _ in support)
    exact, ce_value = None, None
    if low == high:
        exact, ce_value = low, float(low)
    elif inverse is not None:
        candidate = _shortest(inverse.subs(_LEVEL, expected))
        value = real_value(candidate)
        within = value is not None and float(low) - 1e-9 <= value <= float(high) + 1e-9
        if within and len(str(candidate)) <= MAX_EXACT_CHARS:
            exact, ce_value = candidate, value
    if ce_value is None:
        ce_value = _bisect(utility, expected, low, high)
    premium = None if exact is None else _shortest(expected_value - exact)
    premium_value = float(expected_value) - ce_value
    tolerance = 1e-12 * max(1.0, abs(float(expected_value)))
    attitude = "averse" if premium_value > tolerance else "seeking" if premium_value < -tolerance else "neutral"
    return {
        "name": name,
        "expected_value": float(expected_value),
        "expected_value_exact": str(expected_value),
        "expected_utility": eu_value,
        "expected_utility_exact": str(expected),
        "certainty_equivalent": ce_value,
        "certainty_equivalent_exact": None if exact is None else str(exact),
        "risk_premium": premium_value,
        "risk_premium_exact": None if premium is None else str(premium),
        "risk_attitude": attitude,
    }
