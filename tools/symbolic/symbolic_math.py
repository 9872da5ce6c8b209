"""`symbolic_math`: evaluate, simplify, expand, factor, solve, differentiate, integrate, take limits and series.

The LLM writes the maths as text; the text is read by the restricted parser (``parser.py``: no eval, no sympify) and
the calculation is done by sympy in a worker process under a wall-clock limit (``limits.py``), so neither hostile
text nor an expression sympy cannot finish can harm or hang the caller. Decimal literals are exact fractions, so
``0.1 + 0.2`` evaluates to exactly 3/10.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal

import sympy
from pydantic import Field, field_validator

from ..registry import ToolInput, ToolInputError, ToolOutput, register_tool
from .limits import DEFAULT_TIMEOUT_S, TimeoutSeconds, run_limited
from .parser import (
    CONSTANTS,
    FUNCTIONS,
    MAX_LENGTH,
    ExactNumber,
    ParseError,
    parse_equation,
    parse_expression,
    parse_rational,
)

Operation = Literal[
    "evaluate", "simplify", "expand", "factor", "solve", "differentiate", "integrate", "limit", "series"
]  # fmt: skip
MAX_RESULT_CHARS = 10_000
"""Characters of a result's text: a result longer than this is refused rather than flooding the model's context."""
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,31}")
_PERIODIC = (sympy.sin, sympy.cos, sympy.tan, sympy.cot, sympy.sec, sympy.csc, sympy.exp)


def _check_name(name: str) -> str:
    if name in CONSTANTS or name in FUNCTIONS:
        raise ValueError(f"{name!r} is a {'constant' if name in CONSTANTS else 'function'}, not a variable")
    if not _NAME.fullmatch(name):
        raise ValueError(f"{name!r} is not a variable name (a letter, then up to 31 letters, digits or _)")
    return name


class SymbolicMathInput(ToolInput):
    """A symbolic calculation on expressions written in ordinary maths syntax.

    Syntax: + - * / and ** or ^ for powers; products written out (5*x, not 5x); functions sqrt, exp, log (natural;
    log(x, b) to base b), ln, sin, cos, tan, asin, acos, atan, sinh, cosh, tanh, abs, min, max, floor, ceiling,
    factorial, binomial; constants pi, e (or E), I, oo (infinity). Decimals are exact (0.1 = 1/10). Every other name
    is a variable.
    """

    operation: Operation = Field(
        description="evaluate (substitute values and compute exactly), simplify, expand, factor, solve (an equation "
        "or a system), differentiate, integrate (indefinite, or definite with lower and upper), limit, series (Taylor)"
    )
    expression: str | None = Field(
        default=None,
        max_length=MAX_LENGTH,
        description="the expression, e.g. 'x**3*sin(x)'; for solve an equation 'x**2 - 5*x + 6 = 0' (without '=' "
        "it means expression = 0). Required except for solve with equations",
    )
    equations: list[str] | None = Field(
        default=None,
        min_length=1,
        max_length=10,
        description="solve only: a system of equations, each 'lhs = rhs', e.g. ['x + y = 3', 'x - y = 1']",
    )
    variable: str | list[str] | None = Field(
        default=None,
        description="the variable of differentiate, integrate, limit and series, or the unknown(s) of solve; may be "
        "left out when the expression has a single variable (solve: when there are as many unknowns as equations)",
    )
    variables: dict[str, ExactNumber] = Field(
        default_factory=dict,
        max_length=20,
        description="values of variables, numbers or exact strings such as '1/3': substituted before the operation "
        "(evaluate: the values to evaluate at); a value for the variable of differentiate is the point where the "
        "derivative is evaluated",
    )
    order: int | None = Field(
        default=None,
        ge=1,
        le=20,
        description="differentiate: order of the derivative (default 1); series: the order n of the remainder O(x**n) "
        "(default 6)",
    )
    lower: str | None = Field(default=None, max_length=200, description="integrate: lower bound, e.g. '0' or '-oo'")
    upper: str | None = Field(default=None, max_length=200, description="integrate: upper bound, e.g. 'pi' or 'oo'")
    point: str | None = Field(
        default=None,
        max_length=200,
        description="limit: the point approached (required), e.g. '0' or 'oo'; series: the expansion point (default 0)",
    )
    direction: Literal["+-", "+", "-"] = Field(
        default="+-", description="limit: '+' from above, '-' from below, '+-' both sides (default)"
    )
    timeout_s: TimeoutSeconds = DEFAULT_TIMEOUT_S

    @field_validator("variable")
    @classmethod
    def _variable_names(cls, value: str | list[str] | None) -> str | list[str] | None:
        if isinstance(value, list):
            if not 1 <= len(value) <= 10:
                raise ValueError("give 1 to 10 unknowns")
            return [_check_name(name) for name in value]
        return value if value is None else _check_name(value)

    @field_validator("variables")
    @classmethod
    def _value_names(cls, values: dict[str, str]) -> dict[str, str]:
        for name in values:
            _check_name(name)
        return values


class SolutionValue(ToolOutput):
    variable: str = Field(description="the unknown")
    result: str = Field(description="its value (sympy text), possibly in terms of other variables")
    latex: str = Field(description="the value in LaTeX")
    value: float | None = Field(description="the value as a float when it is a finite real number, else null")


class Solution(ToolOutput):
    values: list[SolutionValue] = Field(description="one value per unknown that the solution determines")


class SymbolicMathOutput(ToolOutput):
    operation: str = Field(description="the operation done")
    variable: str | None = Field(description="the variable (or comma-separated unknowns) the operation used")
    result: str = Field(description="the exact result as sympy text (solve: the list of solutions)")
    latex: str = Field(description="the result in LaTeX")
    value: float | None = Field(description="the result as a float when it is a finite real number, else null")
    solutions: list[Solution] = Field(default=[], description="solve: every solution found, one entry each")
    notes: list[str] = Field(default=[], description="caveats about the result")


_ONLY_FOR: dict[str, tuple[str, ...]] = {
    "equations": ("solve",),
    "order": ("differentiate", "series"),
    "lower": ("integrate",),
    "upper": ("integrate",),
    "point": ("limit", "series"),
}


def _check_fields(inp: SymbolicMathInput) -> None:
    """Field combinations the schema cannot express; a field the operation does not use is an error, not ignored."""
    for name, operations in _ONLY_FOR.items():
        if getattr(inp, name) is not None and inp.operation not in operations:
            raise ToolInputError(name, f"is not used by {inp.operation} (only by {', '.join(operations)})")
    if inp.direction != "+-" and inp.operation != "limit":
        raise ToolInputError("direction", f"is not used by {inp.operation} (only by limit)")
    if inp.equations is not None and inp.expression is not None:
        raise ToolInputError("equations", "give either expression or equations, not both")
    if inp.expression is None and inp.equations is None:
        raise ToolInputError("expression", f"is required for {inp.operation}")
    if inp.variable is not None and inp.operation in ("evaluate", "simplify", "expand", "factor"):
        raise ToolInputError("variable", f"is not used by {inp.operation}")
    if isinstance(inp.variable, list) and inp.operation != "solve":
        raise ToolInputError("variable", f"{inp.operation} takes one variable, not a list")
    if (inp.lower is None) != (inp.upper is None):
        raise ToolInputError("upper" if inp.upper is None else "lower", "a definite integral needs lower and upper")
    if inp.operation == "limit" and inp.point is None:
        raise ToolInputError("point", "limit needs the point approached, e.g. '0' or 'oo'")


@register_tool("symbolic_math")
def symbolic_math(inp: SymbolicMathInput) -> SymbolicMathOutput:
    """Exact symbolic maths with sympy: evaluate, simplify, expand, factor, solve, differentiate, integrate, limit.

    The expression text is parsed by a restricted parser (whitelisted operators, functions and constants only;
    nothing is eval'd) and computed by sympy (Meurer et al., "SymPy: symbolic computing in Python", PeerJ CS 2017) in
    a worker process stopped after timeout_s. Results are exact (fractions, radicals, pi) with a float value when
    they are real numbers. solve uses sympy.solve: for periodic equations it lists the principal solutions only.
    """
    _check_fields(inp)
    field = "equations" if inp.equations is not None else "expression"
    payload = inp.model_dump(mode="json")
    action = f"{inp.operation} the {field}"
    answer = run_limited("symbolic_math", payload, timeout_s=inp.timeout_s, field=field, action=action)
    return SymbolicMathOutput.model_validate(answer)


# ---- the worker's side: everything below runs in the sympy worker process ----------------------------------------


def _parse(field: str, text: str) -> sympy.Expr:
    try:
        return parse_expression(text)
    except ParseError as err:
        raise ToolInputError(field, str(err)) from None


def _parse_equation(field: str, text: str) -> sympy.Expr:
    try:
        lhs, rhs = parse_equation(text)
    except ParseError as err:
        raise ToolInputError(field, str(err)) from None
    return lhs - rhs


@contextmanager
def sympy_failures(field: str, action: str) -> Iterator[None]:
    """Report sympy's many exception types (NotImplementedError, PolynomialError, TypeError...) as ToolInputError."""
    try:
        yield
    except (ToolInputError, MemoryError):
        raise
    except Exception as err:  # what sympy cannot do with the given expression, whatever it raises
        raise ToolInputError(field, f"sympy could not {action} it: {type(err).__name__}: {err}") from None


def real_value(expr: sympy.Expr) -> float | None:
    """``expr`` as a float when it is a finite real number, else None.

    Evaluated to 30 digits; an imaginary part below 1e-20 of the real part is rounding noise (a cubic's real roots
    written with I) and dropped. (sympy's own ``chop=True`` is not used: it turns some large logarithms into -oo.)
    """
    if not expr.is_number or expr.has(sympy.zoo, sympy.nan):
        return None
    real, imaginary = sympy.N(expr, 30).as_real_imag()
    if not (real.is_Number and imaginary.is_Number) or abs(imaginary) > 1e-20 * max(1, abs(real)):
        return None
    value = float(real)
    return value if math.isfinite(value) else None


def _text(expr: Any) -> tuple[str, str]:
    text = str(expr)
    if len(text) > MAX_RESULT_CHARS:
        raise ToolInputError("expression", f"the result has {len(text)} characters, more than {MAX_RESULT_CHARS}")
    return text, sympy.latex(expr)


def _symbols_by_name(exprs: list[sympy.Expr]) -> dict[str, sympy.Symbol]:
    return {symbol.name: symbol for expr in exprs for symbol in expr.free_symbols}


def _values(inp: SymbolicMathInput, symbols: dict[str, sympy.Symbol]) -> dict[sympy.Symbol, sympy.Rational]:
    values = {}
    for name, text in inp.variables.items():
        if name not in symbols:
            used = ", ".join(sorted(symbols)) or "no variables"
            raise ToolInputError(f"variables.{name}", f"{name} does not appear in the expression (it uses {used})")
        number = parse_rational(text)
        values[symbols[name]] = sympy.Rational(number.numerator, number.denominator)
    return values


def _single_variable(inp: SymbolicMathInput, symbols: dict[str, sympy.Symbol]) -> sympy.Symbol:
    if isinstance(inp.variable, str):
        # A variable absent from the expression is still meaningful: d/dy of x**2 is 0.
        return symbols.get(inp.variable, sympy.Symbol(inp.variable))
    if len(symbols) != 1:
        used = ", ".join(sorted(symbols)) or "none"
        raise ToolInputError("variable", f"say which variable to {inp.operation} in (the expression has {used})")
    return next(iter(symbols.values()))


def _check_defined(result: sympy.Expr, operation: str) -> None:
    if result.has(sympy.nan) or (result.has(sympy.zoo) and operation != "limit"):
        raise ToolInputError("expression", f"the result of {operation} is undefined ({result}): a division by zero?")


def compute(payload: dict[str, Any]) -> dict[str, Any]:
    """The calculation, in the worker: ``payload`` is the validated input as JSON, the answer the output's fields."""
    inp = SymbolicMathInput.model_validate(payload)
    if inp.operation == "solve":
        return _solve(inp)
    expr = _parse("expression", inp.expression or "")
    bounds = {name: _parse(name, getattr(inp, name)) for name in ("lower", "upper", "point") if getattr(inp, name)}
    symbols = _symbols_by_name([expr, *bounds.values()])
    values = _values(inp, symbols)
    variable = None if inp.operation in ("evaluate", "simplify", "expand", "factor") else _single_variable(inp, symbols)
    point_value = values.pop(variable, None) if variable is not None else None
    if point_value is not None and inp.operation != "differentiate":
        problem = f"{variable} is the variable of {inp.operation}; it cannot be given a value"
        raise ToolInputError(f"variables.{variable}", problem)
    notes: list[str] = []
    with sympy_failures("expression", inp.operation):
        expr = expr.subs(values)
        bounds = {name: bound.subs(values) for name, bound in bounds.items()}
        result = _operate(inp, expr, variable, bounds, notes)
        if point_value is not None:
            result = result.subs(variable, point_value)
            notes.append(f"derivative evaluated at {variable} = {point_value}")
        _check_defined(result, inp.operation)
        text, latex = _text(result)
        value = real_value(result)
    return {
        "operation": inp.operation,
        "variable": None if variable is None else variable.name,
        "result": text,
        "latex": latex,
        "value": value,
        "notes": notes,
    }


def _operate(
    inp: SymbolicMathInput,
    expr: sympy.Expr,
    variable: sympy.Symbol | None,
    bounds: dict[str, sympy.Expr],
    notes: list[str],
) -> sympy.Expr:
    if inp.operation == "evaluate":
        return expr
    if inp.operation == "simplify":
        return sympy.simplify(expr)
    if inp.operation == "expand":
        return sympy.expand(expr)
    if inp.operation == "factor":
        return sympy.factor(expr)
    if inp.operation == "differentiate":
        return sympy.diff(expr, variable, inp.order or 1)
    if inp.operation == "integrate":
        if "lower" in bounds:
            result = sympy.integrate(expr, (variable, bounds["lower"], bounds["upper"]))
        else:
            result = sympy.integrate(expr, variable)
            notes.append("indefinite integral: add an arbitrary constant")
        unevaluated = result.atoms(sympy.Integral)
        if unevaluated:
            notes.append(
                "sympy found no closed form: the result keeps an integral (a definite one's value is by "
                "numerical quadrature)"
            )
            # sympy's NonElementaryIntegral does not evaluate numerically; a plain Integral of the same terms does.
            result = result.xreplace({integral: sympy.Integral(*integral.args) for integral in unevaluated})
        return result
    if inp.operation == "limit":
        result = sympy.limit(expr, variable, bounds["point"], inp.direction)
        if result.has(sympy.zoo):
            notes.append("zoo: the expression is unbounded with no single sign (complex infinity)")
        return result
    return sympy.series(expr, variable, bounds.get("point", sympy.Integer(0)), inp.order or 6)


def _solved(unknown: sympy.Symbol, value: sympy.Expr) -> dict[str, Any]:
    _check_defined(value, "solve")
    text, latex = _text(value)
    return {"variable": unknown.name, "result": text, "latex": latex, "value": real_value(value)}


def _solve(inp: SymbolicMathInput) -> dict[str, Any]:
    if inp.equations is not None:
        equations = [_parse_equation(f"equations.{i}", text) for i, text in enumerate(inp.equations)]
    else:
        equations = [_parse_equation("expression", inp.expression or "")]
    symbols = _symbols_by_name(equations)
    values = _values(inp, symbols)
    if inp.variable is None:
        if not 1 <= len(symbols) <= len(equations):
            used = ", ".join(sorted(symbols)) or "none"
            raise ToolInputError("variable", f"say which unknown(s) to solve for (the variables: {used})")
        unknowns = [symbols[name] for name in sorted(symbols)]
    else:
        names = [inp.variable] if isinstance(inp.variable, str) else inp.variable
        missing = [name for name in names if name not in symbols]
        if missing:
            raise ToolInputError("variable", f"{', '.join(missing)} does not appear in the equations")
        unknowns = [symbols[name] for name in names]
    for unknown in unknowns:
        if unknown in values:
            raise ToolInputError(f"variables.{unknown}", f"{unknown} is solved for; it cannot also be given a value")
    field = "equations" if inp.equations is not None else "expression"
    notes = []
    with sympy_failures(field, "solve"):
        equations = [equation.subs(values) for equation in equations]
        found = sympy.solve(equations, unknowns, dict=True)
        if not found:
            notes.append("no solution found (sympy.solve returned none)")
        if any(equation.has(*_PERIODIC) for equation in equations):
            notes.append("periodic functions (trigonometric, exp): only the principal solutions sympy finds are listed")
        solutions = [
            {"values": [_solved(unknown, solution[unknown]) for unknown in unknowns if unknown in solution]}
            for solution in found
        ]
        listed = [solution.get(unknowns[0]) for solution in found] if len(unknowns) == 1 else found
        text, latex = _text(listed)
    return {
        "operation": "solve",
        "variable": ", ".join(unknown.name for unknown in unknowns),
        "result": text,
        "latex": latex,
        "value": None,
        "solutions": solutions,
        "notes": notes,
    }
