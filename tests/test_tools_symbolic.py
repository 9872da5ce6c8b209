"""The restricted expression parser, the sympy worker's time limit, `symbolic_math` and `expected_utility`."""

from __future__ import annotations

import math
import os
import sys
import threading
import time
from pathlib import Path

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate as scipy_integrate

from reasonsuite.tools import ToolInputError, get_tool
from reasonsuite.tools.symbolic.expected_utility import ExpectedUtilityInput, expected_utility
from reasonsuite.tools.symbolic.parser import ParseError, parse_equation, parse_expression, parse_rational
from reasonsuite.tools.symbolic.symbolic_math import SymbolicMathInput, symbolic_math

x, y = sympy.symbols("x y")


def run(**payload):
    return get_tool("symbolic_math").run(payload)


def utility_of(lotteries, utility="x"):
    return get_tool("expected_utility").run({"lotteries": lotteries, "utility": utility})


def same(text: str, expected: sympy.Expr) -> bool:
    """A result's text means ``expected`` (read back with the restricted parser)."""
    return sympy.simplify(parse_expression(text) - expected) == 0


# ---- the parser refuses everything outside its whitelist -------------------------------------------------------

ATTACKS = [
    ("__import__('os').system('x')", "attribute access"),
    ("__import__('os')", "the name '__import__' is not allowed"),
    ("().__class__", "attribute access"),
    ("x.__class__", "attribute access"),
    ("x.__class__.__bases__[0].__subclasses__()", "attribute access"),
    ("[x for x in y]", "comprehensions"),
    ("lambda: 1", "lambda"),
    ("(lambda: 1)()", "lambda"),
    ("'a'", "strings"),
    ("f'{x}'", "strings"),
    ("f(x=1)", "unknown function 'f'"),
    ("sin(x=1)", "keyword arguments"),
    ("sin(*x)", "starred"),
    ("open('f')", "unknown function 'open'"),
    ("eval('1')", "unknown function 'eval'"),
    ("x[0]", "subscripts"),
    ("{1: 2}", "dictionaries"),
    ("x if y else 1", "conditional"),
    ("x and y", "'and'/'or'"),
    ("True", "the constant True"),
    ("_x + 1", "the name '_x' is not allowed"),
    ("a" * 40, "longer than 32"),
    ("9**9**9**9", "exponent 387420489 is larger than 1000"),
    ("2**(1000*1000)", "exponent 1000000 is larger than 1000"),
    ("(10**100)**1000", "about 100000 digits"),
    ("factorial(5000)", "factorial() of a number larger than 1000"),
    ("1" * 150, "more than 100 digits"),
    ("1e999", "decimal literal outside"),
    ("x" * 5000, "5000 characters; at most 2000"),
    ("(" * 999 + "x" + ")" * 999, "nested more than 100 deep"),
    ("- " * 600 + "x", "syntax nodes"),
    ("5x", "5*x rather than 5x"),
    ("2(x + 1)", "implicit multiplication"),
    ("x = 1", "'=' is only allowed in an equation"),
    ("x < 1", "comparisons are not allowed"),
    ("x % 2", "'%' is not allowed"),
    ("sin", "'sin' is a function"),
    ("sqrt(1, 2)", "sqrt() takes 1 argument(s), got 2"),
    ("x\nimport os", "syntax error"),
    ("1 +", "syntax error"),
    ("caf\u00e9", "character '\u00e9' is not allowed"),
    ("", "empty"),
]


@pytest.mark.parametrize(("text", "problem"), ATTACKS, ids=[text[:30] for text, _ in ATTACKS])
def test_the_parser_refuses_what_is_not_whitelisted(text: str, problem: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_expression(text)
    assert problem in str(caught.value)


@pytest.mark.parametrize("text", ["__import__('os').system('x')", "x.__class__", "9**9**9**9", "x" * 5000])
def test_the_tool_reports_refused_text_on_the_expression_field(text: str) -> None:
    with pytest.raises(ToolInputError) as caught:
        run(operation="simplify", expression=text)
    assert caught.value.field == "expression"


def test_nothing_in_refused_text_runs(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    for text in [f"__import__('os').system('touch {marker}')", f"open('{marker}', 'w')"]:
        with pytest.raises(ParseError):
            parse_expression(text)
    assert not marker.exists()


def test_an_error_points_at_the_column_in_the_text_as_written() -> None:
    with pytest.raises(ParseError) as caught:
        parse_expression("x^2 + y.real")  # '^' becomes '**', one character longer, before Python reads it
    assert caught.value.column == 7
    with pytest.raises(ParseError) as caught:
        parse_equation("x + 1 = y[0]")
    assert caught.value.column == 9


def test_reading_conventions() -> None:
    assert parse_expression("x^2 + 0.5") == x**2 + sympy.Rational(1, 2)  # ^ is a power, decimals are exact
    assert parse_expression("0.1 + 0.2") == sympy.Rational(3, 10)
    assert parse_expression("2\u00b7\u03c0 \u2212 e") == 2 * sympy.pi - sympy.E  # 2·π − e
    assert parse_expression("ln(x) + log(8, 2) + abs(-3)") == sympy.log(x) + 6
    assert parse_equation("x**2 - 5*x + 6 = 0") == (x**2 - 5 * x + 6, 0)
    assert parse_equation("x == y") == (x, y)
    assert parse_equation("x - 1") == (x - 1, 0)
    with pytest.raises(ParseError, match="exactly one '='"):
        parse_equation("x = 1 = 2")


def test_exact_numbers() -> None:
    assert parse_rational("1/3") == sympy.Rational(1, 3)
    assert parse_rational(0.1) == sympy.Rational(1, 10)  # the float's shortest decimal, not its binary value
    assert parse_rational(" -2.5e3 ") == -2500
    for bad in ["1/0", "abc", "1e9999", float("nan"), True]:
        with pytest.raises(ValueError):
            parse_rational(bad)


_TERMS = st.lists(
    st.tuples(st.integers(-20, 20), st.integers(1, 9), st.integers(0, 5), st.integers(0, 3)), min_size=1, max_size=6
)


@settings(max_examples=60, deadline=None)
@given(terms=_TERMS, caret=st.booleans())
def test_random_polynomials_read_as_sympy_builds_them(terms, caret: bool) -> None:
    power = "^" if caret else "**"
    text = " + ".join(f"({a}/{b})*x{power}{i}*y{power}{j}" for a, b, i, j in terms)
    direct = sum((sympy.Rational(a, b) * x**i * y**j for a, b, i, j in terms), sympy.Integer(0))
    assert parse_expression(text) == direct


# ---- symbolic_math -----------------------------------------------------------------------------------------------


def test_evaluate_is_exact() -> None:
    out = run(operation="evaluate", expression="1/3 + 1/6")
    assert (out.result, out.value, out.latex) == ("1/2", 0.5, r"\frac{1}{2}")
    out = symbolic_math(SymbolicMathInput(operation="evaluate", expression="a*x**2", variables={"a": "1/2", "x": 0.2}))
    assert (out.result, out.value) == ("1/50", 0.02)
    out = run(operation="evaluate", expression="sqrt(8)")
    assert out.result == "2*sqrt(2)" and out.value == pytest.approx(math.sqrt(8), rel=1e-15)
    out = run(operation="evaluate", expression="sqrt(-4)")
    assert out.result == "2*I" and out.value is None  # not real: no float


def test_simplify_expand_factor() -> None:
    assert run(operation="simplify", expression="sin(x)^2 + cos(x)^2").result == "1"
    assert run(operation="expand", expression="(x + 1)^3").result == "x**3 + 3*x**2 + 3*x + 1"
    assert run(operation="factor", expression="x**2 - 4").result == "(x - 2)*(x + 2)"


def test_differentiate() -> None:
    out = run(operation="differentiate", expression="x**3*sin(x)")
    assert out.variable == "x"
    assert same(out.result, 3 * x**2 * sympy.sin(x) + x**3 * sympy.cos(x))
    assert run(operation="differentiate", expression="x^4", order=2).result == "12*x**2"
    # d/dx (x² y) = 2xy, at x = 3 with y = 2: 12
    out = run(operation="differentiate", expression="x**2*y", variable="x", variables={"x": 3, "y": 2})
    assert (out.result, out.value) == ("12", 12.0)


def test_solve_one_equation() -> None:
    out = run(operation="solve", expression="x**2 - 5*x + 6 = 0")
    assert out.result == "[2, 3]"
    assert [solution.values[0].value for solution in out.solutions] == [2.0, 3.0]
    out = run(operation="solve", expression="x^2 + 1")
    assert [solution.values[0].result for solution in out.solutions] == ["-I", "I"]
    assert all(solution.values[0].value is None for solution in out.solutions)
    out = run(operation="solve", expression="a*x + b = 0", variable="x", variables={"a": 2, "b": "-1/3"})
    assert out.solutions[0].values[0].result == "1/6"


def test_solve_systems() -> None:
    out = run(operation="solve", equations=["x + y = 3", "x - y = 1"])
    assert [(v.variable, v.value) for v in out.solutions[0].values] == [("x", 2.0), ("y", 1.0)]
    out = run(operation="solve", equations=["x^2 = y", "x + y = 2"])  # (-2, 4) and (1, 1)
    found = sorted(tuple(v.value for v in solution.values) for solution in out.solutions)
    assert found == [(-2.0, 4.0), (1.0, 1.0)]


def test_integrate() -> None:
    out = run(operation="integrate", expression="x*exp(x)")
    assert same(out.result, (x - 1) * sympy.exp(x)) and out.notes
    assert run(operation="integrate", expression="sin(x)", lower="0", upper="pi").result == "2"
    out = run(operation="integrate", expression="exp(-x^2)", lower="0", upper="oo")
    assert out.result == "sqrt(pi)/2" and out.value == pytest.approx(math.sqrt(math.pi) / 2, rel=1e-15)
    # No closed form (the "sophomore's dream"): the value comes by quadrature; cross-check with scipy.
    out = run(operation="integrate", expression="x^x", lower="0", upper="1")
    assert out.result == "Integral(x**x, (x, 0, 1))"
    assert out.value == pytest.approx(scipy_integrate.quad(lambda t: t**t, 0, 1)[0], rel=1e-10)


def test_limit_and_series() -> None:
    assert run(operation="limit", expression="sin(x)/x", point="0").value == 1.0
    assert run(operation="limit", expression="1/x", point="0", direction="+").result == "oo"
    assert run(operation="limit", expression="(1 + 1/n)^n", point="oo").result == "E"
    out = run(operation="series", expression="exp(x)", order=4)
    assert out.result == "1 + x + x**2/2 + x**3/6 + O(x**4)"


@pytest.mark.parametrize(
    ("payload", "field", "problem"),
    [
        ({"operation": "evaluate", "expression": "1/x", "variables": {"x": 0}}, "expression", "undefined"),
        ({"operation": "evaluate", "expression": "x + 1", "variables": {"y": 1}}, "variables.y", "does not appear"),
        ({"operation": "evaluate", "expression": "x", "variables": {"x": "one"}}, "variables.x", "is not a number"),
        ({"operation": "differentiate", "expression": "x*y"}, "variable", "say which variable"),
        ({"operation": "simplify", "expression": "x", "order": 2}, "order", "is not used by simplify"),
        ({"operation": "limit", "expression": "x"}, "point", "needs the point"),
        ({"operation": "integrate", "expression": "x", "lower": "0"}, "upper", "needs lower and upper"),
        ({"operation": "solve", "equations": ["x = 1", "2*x = ("]}, "equations.1", "never closed"),
        ({"operation": "solve", "expression": "x + y = 1"}, "variable", "say which unknown"),
        ({"operation": "solve", "expression": "x = 1", "variables": {"x": 1}}, "variables.x", "is solved for"),
        ({"operation": "simplify"}, "expression", "is required"),
        ({"operation": "simplify", "expression": "x", "timeout_s": 60}, "timeout_s", "less than or equal to 30"),
        ({"operation": "simplify", "expr": "x"}, "expr", "Extra inputs"),
    ],
)
def test_bad_input_names_the_field(payload: dict, field: str, problem: str) -> None:
    with pytest.raises(ToolInputError) as caught:
        get_tool("symbolic_math").run(payload)
    assert caught.value.field == field
    assert problem in str(caught.value)


def _zombie_children() -> list[str]:
    zombies = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] == "Z" and int(fields[1]) == os.getpid():
            zombies.append(stat.parent.name)
    return zombies


def test_an_overrun_is_stopped_and_the_next_call_works() -> None:
    run(operation="evaluate", expression="1")  # a warm worker, so the clock below times the calculation only
    start = time.monotonic()
    with pytest.raises(ToolInputError, match="took longer than 1 s to expand the expression") as caught:
        # 635,376 terms: minutes of sympy work on any machine.
        run(operation="expand", expression="(x + y + z + w + 1)^60", timeout_s=1)
    assert caught.value.field == "expression"
    assert time.monotonic() - start < 10
    assert run(operation="factor", expression="x^2 - 1").result == "(x - 1)*(x + 1)"
    if sys.platform.startswith("linux"):
        assert _zombie_children() == []


def test_calls_from_several_threads() -> None:
    results: dict[int, str] = {}

    def solve(n: int) -> None:
        results[n] = run(operation="solve", expression=f"x^2 = {n * n}", variable="x").result

    threads = [threading.Thread(target=solve, args=(n,)) for n in range(1, 7)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {n: f"[{-n}, {n}]" for n in range(1, 7)}


# ---- expected_utility --------------------------------------------------------------------------------------------

COIN_FLIP = {"outcomes": [0, 100], "probabilities": [0.5, 0.5]}


def test_textbook_lottery_with_square_root_utility() -> None:
    # 50/50 between 0 and 100, u = sqrt(x): EU = (0 + 10)/2 = 5, u(CE) = 5 gives CE = 25, premium 50 - 25 = 25.
    out = utility_of([COIN_FLIP], "sqrt(x)").lotteries[0]
    assert (out.expected_value, out.expected_utility, out.certainty_equivalent, out.risk_premium) == (50, 5, 25, 25)
    assert (out.expected_utility_exact, out.certainty_equivalent_exact, out.risk_premium_exact) == ("5", "25", "25")
    assert out.risk_attitude == "averse"
    direct = expected_utility(ExpectedUtilityInput(lotteries=[COIN_FLIP], utility="sqrt(x)")).lotteries[0]
    assert direct == out


def test_log_utility_certainty_equivalent_is_the_geometric_mean() -> None:
    out = utility_of([{"outcomes": [1, 100], "probabilities": ["1/2", "1/2"]}], "ln(x)").lotteries[0]
    assert out.certainty_equivalent_exact == "10" and out.risk_premium == pytest.approx(40.5, abs=1e-12)
    assert out.expected_utility == pytest.approx(math.log(10), rel=1e-15)


def test_cara_utility_and_the_preferred_lottery() -> None:
    # u = 1 - exp(-x/100): CE = -100 ln((1 + e^-1)/2) = 37.99 for the coin flip, above a sure 30.
    out = utility_of([{"name": "risky", **COIN_FLIP}, {"name": "safe", "outcomes": [30], "probabilities": [1]}],
                     "1 - exp(-0.01*x)")  # fmt: skip
    risky, safe = out.lotteries
    assert risky.certainty_equivalent == pytest.approx(-100 * math.log((1 + math.exp(-1)) / 2), rel=1e-13)
    assert safe.certainty_equivalent == 30 and safe.risk_attitude == "neutral"
    assert out.preferred == ["risky"]
    assert out.utility == "1 - exp(-x/100)"


def test_risk_seeking_and_risk_neutral() -> None:
    out = utility_of([COIN_FLIP], "x^2").lotteries[0]  # EU = 5000, CE = sqrt(5000)
    assert out.certainty_equivalent_exact == "50*sqrt(2)" and out.risk_attitude == "seeking"
    out = utility_of([COIN_FLIP]).lotteries[0]
    assert (out.certainty_equivalent, out.risk_premium, out.risk_attitude) == (50, 0, "neutral")


def test_certainty_equivalent_without_a_closed_form_inverse() -> None:
    out = utility_of([{"outcomes": [10, 100], "probabilities": [0.5, 0.5]}], "x^0.3 + log(x)").lotteries[0]
    assert out.certainty_equivalent_exact is None
    u = lambda w: w**0.3 + math.log(w)  # noqa: E731
    assert u(out.certainty_equivalent) == pytest.approx((u(10) + u(100)) / 2, rel=1e-13)


def test_ties_and_rescaled_probabilities() -> None:
    third = 0.3333333333
    out = utility_of([COIN_FLIP, {"outcomes": [0, 50, 100], "probabilities": [third, third, third]}])
    assert out.preferred == ["lottery 1", "lottery 2"]
    assert "rescaled" in out.notes[0]


@settings(max_examples=15, deadline=None)
@given(st.lists(st.integers(0, 1000), min_size=2, max_size=4), st.data())
def test_concave_utility_never_has_a_negative_risk_premium(outcomes: list[int], data) -> None:
    weights = data.draw(st.lists(st.integers(1, 9), min_size=len(outcomes), max_size=len(outcomes)))
    probabilities = [f"{w}/{sum(weights)}" for w in weights]
    out = utility_of([{"outcomes": outcomes, "probabilities": probabilities}], "sqrt(x)").lotteries[0]  # Jensen
    assert out.risk_premium >= -1e-9 * max(1, out.expected_value)
    assert min(outcomes) - 1e-9 <= out.certainty_equivalent <= max(outcomes) + 1e-9


@pytest.mark.parametrize(
    ("lotteries", "utility", "field", "problem"),
    [
        ([{"outcomes": [0, 1], "probabilities": [-0.5, 1.5]}], "x", "lotteries.0.probabilities", "must be ≥ 0"),
        ([{"outcomes": [0, 1], "probabilities": [0.5, 0.6]}], "x", "lotteries.0.probabilities", "sum to 1.1"),
        ([{"outcomes": [0, 1, 2], "probabilities": [0.5, 0.5]}], "x", "lotteries.0.probabilities", "3 outcomes"),
        ([{"outcomes": ["a lot"], "probabilities": [1]}], "x", "lotteries.0.outcomes.0", "is not a number"),
        ([{"outcomes": [1, 0], "probabilities": [0.5, 0.5]}], "log(x)", "lotteries.0.outcomes.1", "not a finite"),
        ([{"outcomes": [-1, 4], "probabilities": [0.5, 0.5]}], "sqrt(x)", "lotteries.0.outcomes.0", "not a finite"),
        ([COIN_FLIP], "-x", "utility", "must increase with x"),
        ([COIN_FLIP], "x*y", "utility", "only the outcome variable x"),
        ([COIN_FLIP], "x.__class__", "utility", "attribute access"),
        ([COIN_FLIP, COIN_FLIP | {"name": "lottery 1"}], "x", "lotteries", "repeated: lottery 1"),
    ],
)
def test_bad_lotteries_name_the_field(lotteries: list, utility: str, field: str, problem: str) -> None:
    with pytest.raises(ToolInputError) as caught:
        utility_of(lotteries, utility)
    assert caught.value.field == field
    assert problem in str(caught.value)
