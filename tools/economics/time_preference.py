"""`intertemporal_choice`: present values of dated amounts under a discounting model, and the preferred one.

Three standard models of time preference (Frederick, Loewenstein & O'Donoghue 2002, "Time discounting and time
preference: a critical review", J. Econ. Lit. 40(2)): exponential discounting D(t) = delta^t, time-consistent and
stationary (Koopmans 1960: a choice between two dated amounts does not change when both dates shift by the same
delay); hyperbolic D(t) = 1 / (1 + k t) (Mazur 1987), which can reverse such choices; and quasi-hyperbolic
beta-delta, D(0) = 1 and D(t) = beta delta^t for t > 0 (Laibson 1997). An interest rate r per period is the
exponential model with delta = 1 / (1 + r). When no rate is known but an earlier choice between two dated amounts
is, that choice bounds the exponential delta, and stationarity predicts the new choice whenever every delta in the
bound agrees.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from ..games.payoffs import Exact, ExactNumber, exact
from ..registry import ToolInput, ToolInputError, ToolOutput, register_tool

__all__ = ["DatedAmount", "IntertemporalInput", "IntertemporalOutput", "intertemporal_choice"]

MAX_DELAY = 10_000
MAX_EXACT_TEXT = 60


def _delay(value: Fraction) -> Fraction:
    if not 0 <= value <= MAX_DELAY:
        raise ValueError(f"a delay must be between 0 and {MAX_DELAY} periods, got {value}")
    return value


Delay = Annotated[ExactNumber, AfterValidator(_delay)]


class DatedAmount(ToolInput):
    label: str = Field(description="the option's name, e.g. 'Option 1'")
    amount: ExactNumber = Field(description="the amount received")
    delay: Delay = Field(description="when it is received, in periods from now (0 = today; days if the rate is daily)")


class RevealedChoice(ToolInput):
    chosen: DatedAmount = Field(description="the dated amount the person chose earlier")
    rejected: DatedAmount = Field(description="the dated amount the person turned down")


class IntertemporalInput(ToolInput):
    """Dated amounts to compare, and either a discounting model with its parameter or an earlier revealed choice."""

    options: list[DatedAmount] = Field(min_length=2, max_length=20, description="the dated amounts to choose between")
    model: Literal["exponential", "hyperbolic", "quasi_hyperbolic", "revealed_exponential"] = Field(
        description="exponential: D(t) = delta^t (give discount_factor or interest_rate); hyperbolic: D(t) = "
        "1/(1 + k t) (give hyperbolic_k); quasi_hyperbolic: D(0) = 1, D(t) = beta delta^t (give beta and "
        "discount_factor); revealed_exponential: no rate known, infer delta from `revealed_choice`"
    )
    discount_factor: ExactNumber | None = Field(None, description="delta per period, 0 < delta <= 1")
    interest_rate: ExactNumber | None = Field(
        None, description="interest or discount rate per period as a fraction (0.05 = 5%); delta = 1/(1 + r)"
    )
    hyperbolic_k: ExactNumber | None = Field(None, description="k >= 0 of the hyperbolic model, per period")
    beta: ExactNumber | None = Field(
        None, description="present-bias factor of the quasi-hyperbolic model, 0 < beta <= 1"
    )
    revealed_choice: RevealedChoice | None = Field(
        None, description="revealed_exponential: an earlier choice between two dated amounts by the same person"
    )


class OptionValue(ToolOutput):
    label: str
    amount: Exact
    delay: Exact
    present_value: Exact | None = Field(description="amount x D(delay); null for revealed_exponential")


class IntertemporalOutput(ToolOutput):
    model: str
    options: list[OptionValue]
    best: list[str] = Field(description="label(s) of the preferred option(s); empty when the data cannot decide")
    discount_factor_bounds: list[Exact | None] | None = Field(
        description="revealed_exponential: [lower, upper] bounds on the per-period delta implied by the earlier "
        "choice (null entry: unbounded on that side within (0, 1])"
    )
    notes: list[str]


def _need(value: Fraction | None, field: str, model: str) -> Fraction:
    if value is None:
        raise ToolInputError(field, f"required for model {model!r}")
    return value


def _exponential_delta(inp: IntertemporalInput) -> Fraction:
    if inp.discount_factor is not None and inp.interest_rate is not None:
        raise ToolInputError("interest_rate", "give discount_factor or interest_rate, not both")
    if inp.interest_rate is not None:
        if inp.interest_rate <= -1:
            raise ToolInputError("interest_rate", f"must be above -1, got {inp.interest_rate}")
        return 1 / (1 + inp.interest_rate)
    delta = _need(inp.discount_factor, "discount_factor", inp.model)
    if not 0 < delta <= 1:
        raise ToolInputError("discount_factor", f"must satisfy 0 < delta <= 1, got {delta}")
    return delta


def _power(base: Fraction, exponent: Fraction) -> Fraction | float:
    """base**exponent exactly for whole exponents (delays are usually whole days), else as a float."""
    return base ** int(exponent) if exponent.denominator == 1 else float(base) ** float(exponent)


def _present_values(inp: IntertemporalInput) -> list[Fraction | float]:
    if inp.model == "exponential":
        delta = _exponential_delta(inp)
        return [o.amount * _power(delta, o.delay) for o in inp.options]
    if inp.model == "hyperbolic":
        k = _need(inp.hyperbolic_k, "hyperbolic_k", inp.model)
        if k < 0:
            raise ToolInputError("hyperbolic_k", f"must be >= 0, got {k}")
        return [o.amount / (1 + k * o.delay) for o in inp.options]
    beta = _need(inp.beta, "beta", inp.model)
    if not 0 < beta <= 1:
        raise ToolInputError("beta", f"must satisfy 0 < beta <= 1, got {beta}")
    delta = _exponential_delta(inp)
    return [o.amount if o.delay == 0 else o.amount * beta * _power(delta, o.delay) for o in inp.options]


def _revealed(inp: IntertemporalInput) -> tuple[list[str], list[Fraction | float | None], list[str]]:
    """Bounds on delta from the earlier choice, then the options' ranking if every delta in the bounds agrees.

    The earlier choice between a at delay s and b at delay s + g (g > 0, amounts positive) says a delta^s >= b
    delta^(s+g) or the reverse, i.e. delta^g <= a/b or >= a/b. Two new options at delays u and u + h compare through
    delta^h against their amount ratio; with h = g (both pairs one gap apart, the usual "front-end delay" design) the
    bound decides the choice exactly, which is stationarity.
    """
    revealed = _need(inp.revealed_choice, "revealed_choice", inp.model)
    a, b = sorted([revealed.chosen, revealed.rejected], key=lambda o: o.delay)
    gap = b.delay - a.delay
    if gap <= 0:
        raise ToolInputError("revealed_choice", "the two earlier amounts must be at different delays")
    if a.amount <= 0 or b.amount <= 0:
        raise ToolInputError("revealed_choice", "amounts must be positive to bound the discount factor")
    if len(inp.options) != 2:
        raise ToolInputError("options", "revealed_exponential compares exactly two options")
    tie = a.amount / b.amount  # the value of delta^gap at which the earlier pair ties
    patient = revealed.chosen is b  # chose the later amount: delta^gap >= tie
    per_period = _power(tie, 1 / gap)  # the bound on delta^gap as a bound on delta itself
    lower, upper = (per_period, None) if patient else (None, per_period)
    first, second = sorted(inp.options, key=lambda o: o.delay)
    new_gap = second.delay - first.delay
    notes = [f"earlier choice implies delta^{gap} {'>=' if patient else '<='} {tie} (exponential discounting)"]
    if new_gap == 0:
        best = [o.label for o in inp.options if o.amount == max(p.amount for p in inp.options)]
        return best, [lower, upper], [*notes, "same delay: the larger amount is preferred"]
    if new_gap != gap:
        notes.append("the new options are not one earlier gap apart: the bound decides only if it is tight enough")
    new_tie = first.amount / second.amount  # later preferred iff delta^new_gap >= new_tie
    # delta^new_gap = (delta^gap)^(new_gap/gap) is increasing in delta^gap, so compare at the bound.
    at_bound = _power(tie, new_gap / gap)
    if patient:
        decided = second.label if at_bound >= new_tie else None
    else:
        decided = first.label if at_bound <= new_tie else None
    if decided is None:
        return [], [lower, upper], [*notes, "the earlier choice does not decide this one under exponential discounting"]
    return [decided], [lower, upper], [*notes, "stationarity: shifting both dates by the same delay keeps the choice"]


def _exact_or_float(value: Fraction | float | None) -> Exact | None:
    if value is None:
        return None
    if isinstance(value, Fraction) and len(str(value)) <= MAX_EXACT_TEXT:
        return exact(value)
    return Exact(exact=repr(float(value)), value=float(value))  # long compounding: the exact text is unreadable


@register_tool("intertemporal_choice")
def intertemporal_choice(inp: IntertemporalInput) -> IntertemporalOutput:
    """Present values of dated amounts (exponential, hyperbolic or beta-delta discounting) and the preferred one.

    With a known rate, each option's present value is amount x D(delay) and the largest wins. With
    model="revealed_exponential" no rate is needed: an earlier choice between two dated amounts bounds the
    exponential discount factor, and the tool predicts the choice between two new dated amounts that every discount
    factor in the bound agrees on; for the same amounts shifted by a common delay this is the stationarity of
    exponential discounting (the earlier choice repeats), whereas hyperbolic discounters may reverse it.
    """
    if inp.model == "revealed_exponential":
        best, bounds, notes = _revealed(inp)
        return IntertemporalOutput(
            model=inp.model,
            options=[
                OptionValue(label=o.label, amount=exact(o.amount), delay=exact(o.delay), present_value=None)
                for o in inp.options
            ],
            best=best,
            discount_factor_bounds=[_exact_or_float(b) for b in bounds],
            notes=notes,
        )
    values = _present_values(inp)
    top = max(values)
    return IntertemporalOutput(
        model=inp.model,
        options=[
            OptionValue(
                label=o.label,
                amount=exact(o.amount),
                delay=exact(o.delay),
                present_value=_exact_or_float(v),
            )
            for o, v in zip(inp.options, values, strict=True)
        ],
        best=[o.label for o, v in zip(inp.options, values, strict=True) if v == top],
        discount_factor_bounds=None,
        notes=[],
    )
