"""A restricted parser from model-written text to sympy expressions, with no eval, exec, sympify or parse_expr.

The text is read with ``ast.parse(text, mode="eval")``, which only builds a syntax tree (nothing runs), and the tree
is walked against a whitelist: numbers, variable names, a few constants, unary ``+``/``-``, binary ``+ - * / **`` and
calls of the functions in ``FUNCTIONS`` by name. Everything else (attribute access, subscripts, lambdas,
comprehensions, strings, keyword arguments, names starting with ``_`` ...) is a ``ParseError`` naming the construct
and its 1-based column. Each sympy object is built directly from its node, so no text is ever handed to sympy.

Reading conventions (the ones a person writing maths expects, stated so an LLM can rely on them):

- ``^`` is a power like ``**`` (``x^2`` is x squared); ``×``/``·`` are ``*``, ``÷`` is ``/``, ``−`` is ``-``, ``π`` is
  ``pi``. Products must be written out: ``5*x``, not ``5x``.
- Decimal literals are exact fractions: ``0.1`` is 1/10 (read from the literal's own digits), so results stay exact.
- ``pi``, ``E`` and ``e`` (Euler's number), ``I`` (imaginary unit) and ``oo``/``inf`` (infinity) are constants; every
  other name is a variable (a plain complex sympy Symbol of that name).
- An equation is ``lhs = rhs`` (or ``lhs == rhs``); an equation written without ``=`` means ``expression = 0``.

Limits keep hostile input cheap to refuse: text length, syntax-tree size and depth, parenthesis nesting, the size of
integer literals, numeric exponents (``9**9**9**9`` is refused before any power is computed), the digits of a numeric
power and of factorial arguments, and the number of distinct variables.
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Annotated

import sympy
from pydantic import AfterValidator

__all__ = [
    "CONSTANTS",
    "FUNCTIONS",
    "ExactNumber",
    "ParseError",
    "parse_equation",
    "parse_expression",
    "parse_rational",
]

MAX_LENGTH = 2000
"""Characters of one expression."""
MAX_NODES = 500
"""Nodes of the syntax tree."""
MAX_DEPTH = 100
"""Nesting of parentheses and depth of the syntax tree."""
MAX_INTEGER_DIGITS = 100
"""Digits of an integer literal."""
MAX_EXPONENT = 1000
"""Largest magnitude of a numeric exponent."""
MAX_POWER_DIGITS = 10_000
"""Digits a power of two numbers may have."""
MAX_FACTORIAL = 1000
"""Largest numeric argument of factorial and first argument of binomial."""
MAX_VARIABLES = 20
"""Distinct variables in one expression."""
MAX_NAME_LENGTH = 32
"""Characters of a variable name."""

CONSTANTS: dict[str, sympy.Expr] = {
    "pi": sympy.pi,
    "E": sympy.E,
    "e": sympy.E,
    "I": sympy.I,
    "oo": sympy.oo,
    "inf": sympy.oo,
}


@dataclass(frozen=True)
class _Function:
    build: Callable[..., sympy.Expr]
    min_args: int
    max_args: int | None  # None: any number


FUNCTIONS: dict[str, _Function] = {
    "sqrt": _Function(sympy.sqrt, 1, 1),
    "exp": _Function(sympy.exp, 1, 1),
    "log": _Function(sympy.log, 1, 2),  # log(x) natural, log(x, b) to base b
    "ln": _Function(sympy.log, 1, 1),
    "sin": _Function(sympy.sin, 1, 1),
    "cos": _Function(sympy.cos, 1, 1),
    "tan": _Function(sympy.tan, 1, 1),
    "cot": _Function(sympy.cot, 1, 1),
    "sec": _Function(sympy.sec, 1, 1),
    "csc": _Function(sympy.csc, 1, 1),
    "asin": _Function(sympy.asin, 1, 1),
    "acos": _Function(sympy.acos, 1, 1),
    "atan": _Function(sympy.atan, 1, 1),
    "atan2": _Function(sympy.atan2, 2, 2),
    "sinh": _Function(sympy.sinh, 1, 1),
    "cosh": _Function(sympy.cosh, 1, 1),
    "tanh": _Function(sympy.tanh, 1, 1),
    "asinh": _Function(sympy.asinh, 1, 1),
    "acosh": _Function(sympy.acosh, 1, 1),
    "atanh": _Function(sympy.atanh, 1, 1),
    "abs": _Function(sympy.Abs, 1, 1),
    "Abs": _Function(sympy.Abs, 1, 1),
    "sign": _Function(sympy.sign, 1, 1),
    "min": _Function(sympy.Min, 1, None),
    "Min": _Function(sympy.Min, 1, None),
    "max": _Function(sympy.Max, 1, None),
    "Max": _Function(sympy.Max, 1, None),
    "floor": _Function(sympy.floor, 1, 1),
    "ceiling": _Function(sympy.ceiling, 1, 1),
    "ceil": _Function(sympy.ceiling, 1, 1),
    "factorial": _Function(sympy.factorial, 1, 1),
    "binomial": _Function(sympy.binomial, 2, 2),
}

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
# One-to-one rewrites, except "^" -> "**" and "π" -> "pi"; column positions are mapped back to the original text.
_REWRITES = {"^": "**", "\u00d7": "*", "\u00b7": "*", "\u22c5": "*", "\u00f7": "/", "\u2212": "-", "\u03c0": "pi"}
_WHITESPACE = {"\t", "\n", "\r", "\f", "\v"}
_CONSTRUCTS: dict[type[ast.AST], str] = {
    ast.Attribute: "attribute access is not allowed",
    ast.Subscript: "subscripts are not allowed",
    ast.Slice: "slices are not allowed",
    ast.Lambda: "lambda is not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "comprehensions are not allowed",
    ast.List: "lists are not allowed",
    ast.Tuple: "tuples (a comma outside a function call) are not allowed",
    ast.Set: "sets are not allowed",
    ast.Dict: "dictionaries are not allowed",
    ast.Starred: "starred arguments are not allowed",
    ast.IfExp: "conditional expressions are not allowed",
    ast.BoolOp: "'and'/'or' are not allowed",
    ast.NamedExpr: "assignment expressions are not allowed",
    ast.JoinedStr: "strings are not allowed",
    ast.Await: "await is not allowed",
    ast.Yield: "yield is not allowed",
    ast.YieldFrom: "yield is not allowed",
}
_BINARY_NAMES: dict[type[ast.operator], str] = {
    ast.Mod: "'%'",
    ast.FloorDiv: "'//'",
    ast.MatMult: "'@'",
    ast.BitAnd: "'&'",
    ast.BitOr: "'|'",
    ast.LShift: "'<<'",
    ast.RShift: "'>>'",
}


class ParseError(ValueError):
    """Text that is not an accepted expression; ``column`` is 1-based in the text as given (None: the whole text)."""

    def __init__(self, problem: str, column: int | None = None) -> None:
        self.problem = problem
        self.column = column
        super().__init__(f"{problem} (at column {column})" if column is not None else problem)


@dataclass
class _Source:
    """Text rewritten to plain ASCII Python syntax, with the original column of every character."""

    text: str
    origin: list[int]  # origin[i]: 0-based column in the original text of text[i]; one extra entry for the end

    def column(self, index: int) -> int:
        """1-based original column of 0-based index ``index`` in the rewritten text."""
        return self.origin[max(0, min(index, len(self.origin) - 1))] + 1

    def slice(self, start: int, end: int) -> _Source:
        return _Source(self.text[start:end], self.origin[start : end + 1])


def _normalise(raw: str) -> _Source:
    if not isinstance(raw, str):
        raise ParseError(f"expected text, got {type(raw).__name__}")
    if len(raw) > MAX_LENGTH:
        raise ParseError(f"the text has {len(raw)} characters; at most {MAX_LENGTH} are accepted")
    chars: list[str] = []
    origin: list[int] = []
    for column, char in enumerate(raw):
        replacement = " " if char in _WHITESPACE else _REWRITES.get(char, char)
        if not replacement.isascii() or not replacement.isprintable():
            raise ParseError(f"character {char!r} is not allowed", column + 1)
        chars.extend(replacement)
        origin.extend([column] * len(replacement))
    origin.append(len(raw))
    source = _Source("".join(chars), origin)
    if not source.text.strip():
        raise ParseError("the expression is empty")
    _check_parentheses(source)
    return source


def _check_parentheses(source: _Source) -> None:
    depth = 0
    for index, char in enumerate(source.text):
        if char in "([{":
            depth += 1
            if depth > MAX_DEPTH:
                raise ParseError(f"parentheses are nested more than {MAX_DEPTH} deep", source.column(index))
        elif char in ")]}":
            depth -= 1


def _lone_equals(source: _Source) -> list[int]:
    """Indices of '=' signs that are not part of '==', '<=', '>=', '!=' or ':='."""
    text = source.text
    return [
        i
        for i, char in enumerate(text)
        if char == "=" and (i == 0 or text[i - 1] not in "=<>!:") and (i + 1 == len(text) or text[i + 1] != "=")
    ]


class _Builder:
    """Walks one syntax tree against the whitelist and builds the sympy expression node by node."""

    def __init__(self, source: _Source, symbols: dict[str, sympy.Symbol]) -> None:
        self.source = source
        self.symbols = symbols  # shared between the two sides of an equation, so the variable limit covers both

    def error(self, problem: str, node: ast.AST) -> ParseError:
        return ParseError(problem, self.source.column(getattr(node, "col_offset", 0)))

    def build(self, node: ast.AST, depth: int = 0) -> sympy.Expr:
        if depth > MAX_DEPTH:
            raise self.error(f"the expression is nested more than {MAX_DEPTH} deep", node)
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.UnaryOp):
            operand = self.build(node.operand, depth + 1)
            if isinstance(node.op, ast.USub):
                return -operand
            if isinstance(node.op, ast.UAdd):
                return operand
            raise self.error(f"the operator {'not' if isinstance(node.op, ast.Not) else '~'!r} is not allowed", node)
        if isinstance(node, ast.BinOp):
            return self.binary(node, depth)
        if isinstance(node, ast.Call):
            return self.call(node, depth)
        if isinstance(node, ast.Compare):
            raise self.error(
                "comparisons are not allowed here; write an equation as 'lhs = rhs' where an equation is expected",
                node,
            )
        raise self.error(_CONSTRUCTS.get(type(node), f"{type(node).__name__} is not allowed"), node)

    def constant(self, node: ast.Constant) -> sympy.Expr:
        value = node.value
        if type(value) is int:
            if len(str(abs(value))) > MAX_INTEGER_DIGITS:
                raise self.error(f"integer literal with more than {MAX_INTEGER_DIGITS} digits", node)
            return sympy.Integer(value)
        if type(value) is float:
            if not math.isfinite(value) or (value != 0 and not 1e-100 <= abs(value) <= 1e100):
                raise self.error("decimal literal outside 1e-100 .. 1e100", node)
            digits = self.source.text[node.col_offset : node.end_col_offset].replace("_", "")
            exact = Fraction(digits)  # the literal's own digits: 0.1 is exactly 1/10
            return sympy.Rational(exact.numerator, exact.denominator)
        if isinstance(value, complex):
            raise self.error("imaginary literals are not allowed; write I for the imaginary unit, e.g. 2*I", node)
        if isinstance(value, str | bytes):
            raise self.error("strings are not allowed", node)
        raise self.error(f"the constant {value!r} is not allowed", node)

    def name(self, node: ast.Name) -> sympy.Expr:
        name = node.id
        if name in CONSTANTS:
            return CONSTANTS[name]
        if name in FUNCTIONS:
            raise self.error(f"{name!r} is a function: call it, e.g. {name}(x)", node)
        if name.startswith("_") or not _NAME.fullmatch(name):
            raise self.error(
                f"the name {name!r} is not allowed: names start with a letter and use A-Z, a-z, 0-9, _", node
            )
        if len(name) > MAX_NAME_LENGTH:
            raise self.error(f"the name {name[:20]}... is longer than {MAX_NAME_LENGTH} characters", node)
        if name not in self.symbols:
            if len(self.symbols) >= MAX_VARIABLES:
                raise self.error(f"more than {MAX_VARIABLES} distinct variables", node)
            self.symbols[name] = sympy.Symbol(name)
        return self.symbols[name]

    def binary(self, node: ast.BinOp, depth: int) -> sympy.Expr:
        op = node.op
        if type(op) in _BINARY_NAMES:
            raise self.error(f"the operator {_BINARY_NAMES[type(op)]} is not allowed", node)
        left = self.build(node.left, depth + 1)
        right = self.build(node.right, depth + 1)
        if isinstance(op, ast.Add):
            return left + right
        if isinstance(op, ast.Sub):
            return left - right
        if isinstance(op, ast.Mult):
            return left * right
        if isinstance(op, ast.Div):
            return left / right
        return self.power(left, right, node)

    def power(self, base: sympy.Expr, exponent: sympy.Expr, node: ast.BinOp) -> sympy.Expr:
        # sympy computes a numeric power at once, so its size is checked before sympy sees it.
        if exponent.is_Number and exponent.is_finite:
            if abs(exponent) > MAX_EXPONENT:
                raise self.error(f"the exponent {_short(exponent)} is larger than {MAX_EXPONENT} in magnitude", node)
            if base.is_Rational and base != 0:
                size = max(abs(base.p), base.q)
                digits = float(abs(exponent)) * math.log10(size) if size > 1 else 0.0
                if digits > MAX_POWER_DIGITS:
                    raise self.error(
                        f"the power would have about {digits:.0f} digits (at most {MAX_POWER_DIGITS})", node
                    )
        return sympy.Pow(base, exponent)

    def call(self, node: ast.Call, depth: int) -> sympy.Expr:
        if not isinstance(node.func, ast.Name):
            self.build(node.func, depth + 1)  # names the forbidden construct being called, if there is one
            raise self.error("implicit multiplication is not accepted: write products with *, e.g. 2*(x + 1)", node)
        name = node.func.id
        function = FUNCTIONS.get(name)
        if function is None:
            self.name(node.func)  # a forbidden name ("__import__") is refused as a name first
            raise self.error(
                f"unknown function {name!r} (for a product write {name}*(...)); allowed: {', '.join(FUNCTIONS)}", node
            )
        if node.keywords:
            raise self.error("keyword arguments are not allowed", node.keywords[0].value)
        count = len(node.args)
        if count < function.min_args or (function.max_args is not None and count > function.max_args):
            expected = (
                f"{function.min_args}"
                if function.min_args == function.max_args
                else f"{function.min_args} or more"
                if function.max_args is None
                else f"{function.min_args} to {function.max_args}"
            )
            raise self.error(f"{name}() takes {expected} argument(s), got {count}", node)
        args = [self.build(arg, depth + 1) for arg in node.args]
        if name in ("factorial", "binomial") and args[0].is_Number and abs(args[0]) > MAX_FACTORIAL:
            raise self.error(f"{name}() of a number larger than {MAX_FACTORIAL}", node)
        return function.build(*args)


def _short(number: sympy.Expr) -> str:
    text = str(number)
    return text if len(text) <= 20 else f"{text[:8]}...({len(text)} digits)"


def _parse(source: _Source, symbols: dict[str, sympy.Symbol]) -> sympy.Expr:
    if not source.text.strip():
        raise ParseError("the expression is empty", source.column(0))
    source = source.slice(len(source.text) - len(source.text.lstrip()), len(source.text))  # eval mode: no indent
    text = source.text
    try:
        # Only parses: mode="eval" builds the tree of one expression and nothing is compiled or run.
        tree = ast.parse(text, mode="eval")
    except SyntaxError as err:
        raise _syntax_error(source, err) from None
    except (ValueError, MemoryError, RecursionError) as err:
        raise ParseError(f"the expression could not be read: {err}") from None
    nodes = sum(1 for _ in ast.walk(tree))
    if nodes > MAX_NODES:
        raise ParseError(f"the expression has {nodes} syntax nodes; at most {MAX_NODES} are accepted")
    return _Builder(source, symbols).build(tree.body)


def _syntax_error(source: _Source, err: SyntaxError) -> ParseError:
    message = err.msg
    index = (err.offset or 1) - 1
    if "decimal literal" in message:
        message += "; write products out, e.g. 5*x rather than 5x"
    elif _lone_equals(source):
        message = "'=' is only allowed in an equation ('lhs = rhs'), once"
        index = _lone_equals(source)[0]
    return ParseError(f"syntax error: {message}", source.column(index))


def parse_expression(text: str) -> sympy.Expr:
    """The sympy expression that ``text`` writes; ParseError if it uses anything outside the whitelist."""
    return _parse(_normalise(text), {})


def parse_equation(text: str) -> tuple[sympy.Expr, sympy.Expr]:
    """``(lhs, rhs)`` of ``"lhs = rhs"`` or ``"lhs == rhs"``; text without ``=`` is the equation ``text = 0``."""
    source = _normalise(text)
    equals = _lone_equals(source)
    if len(equals) > 1:
        raise ParseError("an equation has exactly one '='", source.column(equals[1]))
    symbols: dict[str, sympy.Symbol] = {}
    if equals:
        split = equals[0]
        return _parse(source.slice(0, split), symbols), _parse(source.slice(split + 1, len(source.text)), symbols)
    if "==" in source.text:
        split = source.text.index("==")
        if source.text.count("==") > 1:
            raise ParseError("an equation has exactly one '='", source.column(source.text.rindex("==")))
        return _parse(source.slice(0, split), symbols), _parse(source.slice(split + 2, len(source.text)), symbols)
    return _parse(source, symbols), sympy.Integer(0)


_RATIONAL_PART = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d{1,3})?"
_RATIONAL = re.compile(rf"\s*(?P<num>{_RATIONAL_PART})\s*(?:/\s*(?P<den>{_RATIONAL_PART})\s*)?")


_RATIONAL_MAX_LENGTH = 200


def parse_rational(value: int | float | str) -> Fraction:
    """An exact rational from a JSON number or a string such as "1/3", "0.25" or "-2.5e3" (no sympy involved).

    A float is read through its shortest decimal representation, so 0.1 gives 1/10 rather than the binary double
    0.1000000000000000055...; ValueError (with the reason) for anything else, NaN and infinity included, and for
    magnitudes outside 1e-100 .. 1e100.
    """
    if isinstance(value, bool):
        raise ValueError("expected a number, not a boolean")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{value} is not a finite number")
    if isinstance(value, int | float):
        result = Fraction(repr(value))
    elif isinstance(value, str):
        result = _rational_text(value)
    else:
        raise ValueError(f"expected a number or a string such as '1/3', got {type(value).__name__}")
    if result != 0 and not Fraction(1, 10**100) <= abs(result) <= 10**100:
        raise ValueError("the number is outside 1e-100 .. 1e100 in magnitude")
    return result


def _rational_text(text: str) -> Fraction:
    if len(text) > _RATIONAL_MAX_LENGTH:
        raise ValueError(f"number text longer than {_RATIONAL_MAX_LENGTH} characters")
    match = _RATIONAL.fullmatch(text)
    if match is None:
        raise ValueError(f"{text!r} is not a number; write an exact number such as '0.25', '1/3' or '-2.5e3'")
    result = Fraction(match["num"])
    if match["den"] is not None:
        denominator = Fraction(match["den"])
        if denominator == 0:
            raise ValueError(f"{text!r} divides by zero")
        result /= denominator
    return result


def _exact_text(value: int | float | str) -> str:
    number = parse_rational(value)
    return f"{number.numerator}/{number.denominator}"


ExactNumber = Annotated[int | float | str, AfterValidator(_exact_text)]
"""A pydantic field type: a JSON number or exact string, validated by parse_rational and stored as text "p/q"."""
