"""Numeric answers: plain numbers, percentages, currency, units and LaTeX, compared with a relative tolerance.

Part of the answer checker (``evals/answers.py``). LaTeX goes through ``math_verify``'s LaTeX parser only: its
plain-expression parser runs ``sympy.parse_expr``, which evaluates Python. Without signal-based timeouts (they fail
outside the main thread) the input's size and nesting are the only guards, so they are bounded before parsing.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import sympy

# The LaTeX parser's time grows exponentially with bracket nesting (depth 15: seconds, 20: minutes),
# and without signal-based timeouts (they fail outside the main thread) input size is the only guard.
_MAX_NUMBER_CHARS = 100
_MAX_NUMBER_DEPTH = 4
_MAX_EXPR_NODES = 64
_MAX_EXPONENT = 1000
NUMERIC_REL_TOL = 1e-4
# Only used when the gold value is 0, where a relative tolerance admits nothing but exact zero.
NUMERIC_ABS_TOL = 1e-12


@dataclass(frozen=True)
class _Quantity:
    """A numeric answer: its value, its unit (normalised, "" when none) and whether it was written as a percent."""

    value: sympy.Float
    unit: str
    percent: bool


_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d{1,3}(?: \d{3})+|\d+)?(?:\.\d+)?(?:[eE][+-]?\d+)?")
_SCALE = {"thousands": 3, "thousand": 3, "millions": 6, "million": 6, "billions": 9, "billion": 9, "trillion": 12}
_CURRENCY = frozenset({"us", "usd", "dollar", "dollars", "eur", "euro", "euros", "gbp", "pound", "pounds"})
# Single letters that are units; any other lone letter after a number is a variable ("3x") or a hedge.
_UNIT_LETTERS = frozenset("mgsNJWVALlhtCFTH")
_NOT_UNIT_WORDS = frozenset(
    "or and to between approx approximately about around roughly maybe either nor not vs versus plus minus times "
    "than least most over under pi inf infinity undefined none yes no option answer is of".split()
)
_UNIT_LETTER = r"[A-Za-z\u00b5\u03bc\u03a9\u00b0]"  # with micro, mu, ohm and degree
# Possessive throughout: a letter run followed by an optional separator is otherwise a catastrophic backtracker.
_UNIT_SHAPE = re.compile(rf"{_UNIT_LETTER}++(?:\^?-?\d++)?+(?:[./]?+{_UNIT_LETTER}++(?:\^?-?\d++)?+)*+")
_UNIT_START = re.compile(rf"\\(?:text|mathrm|textrm|mbox|operatorname|rm)\s*\{{|(?<![\\A-Za-z]){_UNIT_LETTER}")
_LATEX_COMMANDS = frozenset({"frac", "dfrac", "tfrac", "cfrac", "sqrt", "cdot", "times", "div", "pi", "left", "right"})
_LATEX_CHARS = re.compile(r"[\d.+\-*/^(){}\[\]\s]*")
# Numbers side by side ("3 4", "3 (4)", "\frac12 3"), which the LaTeX parser would add up into one number.
_JUXTAPOSED = re.compile(r"\d\s*[(\[]|[\d)\]}]\s+\d")


def _strip_number_decorations(text: str) -> tuple[str, bool]:
    """Remove currency, thousands markup, spacing commands and approximation prefixes; report a percent sign."""
    text = unicodedata.normalize("NFKC", text).replace("\u2212", "-").replace("\u00d7", "\\times ")
    for _ in range(3):
        text = re.sub(r"\\(?:textbf|mathbf|boldsymbol|bm)\s*\{([^{}]*)\}", r"\1", text)
    text = re.sub(r"\{,\}", ",", text)
    text = re.sub(r"(?<=\d)(?:\\,|\\ |\\;|~)(?=\d{3}\b)", " ", text)
    text = re.sub(r"\\[,;:! ]|\\q?quad|~|\\displaystyle|\*\*", " ", text)
    percent = bool(re.search(r"\\?%|\bper\s?cent\b|\bpct\b", text, re.IGNORECASE))
    text = re.sub(r"\\?%|\bper\s?cent\b|\bpct\b", "", text, flags=re.IGNORECASE)
    text = re.sub(r"\\\$|\$|[\u20ac\u00a3\u00a5]|\b(?:US\s?D|EUR|GBP)\b", "", text)
    text = re.sub(r"\\[()\[\]]", "", text).strip().rstrip(".,;").strip()
    text = re.sub(r"^\\(?:text|mathrm)\s*\{([^{}]*)\}$", r"\1", text)
    text = re.sub(r"^(?:\\approx|\u2248|~|approximately|about|roughly|around)\s*", "", text, flags=re.IGNORECASE)
    text = re.sub(r"^[A-Za-z](?:_\{?\w+\}?)?\s*(?:=|\\approx|\u2248)\s*", "", text)
    return text.strip(), percent


def _split_unit(text: str) -> tuple[str, str | None]:
    """``12.5\\,\\text{kN}`` → ``("12.5", "kN")``: a number part and a normalised unit; unit None when malformed."""
    start = _UNIT_START.search(text)
    if not start:
        return text.strip(), ""
    core, unit_text = text[: start.start()].strip(), re.sub(r"\^\{([^{}]*)\}", r"^\1", text[start.start() :])
    unit = re.sub(r"\\(?:text|mathrm|textrm|mbox|operatorname|rm)\s*\{([^{}]*)\}", r" \1 ", unit_text)
    unit = re.sub(r"\\cdot|\u00b7|\*", ".", unit).replace("{", "").replace("}", "")
    unit = re.sub(r"\s*\^\s*", "^", unit).strip()
    return core, _normalise_unit(unit)


def _normalise_unit(unit: str) -> str | None:
    """A unit such as ``kN.m`` or ``N/mm^2`` with separators dropped; "" for currency; None for non-units."""
    words = [word.lower() for word in re.findall(r"[A-Za-z]+", unit)]
    if _NOT_UNIT_WORDS.intersection(words):
        return None
    if words and all(word in _CURRENCY for word in words):
        return ""
    compact = re.sub(r"\s+", ".", unit.strip())
    if len(unit.split()) > 3 or len(compact) > 24:  # prose after a number, not a unit
        return None
    if not _UNIT_SHAPE.fullmatch(compact):
        return None
    if len(compact) == 1 and compact not in _UNIT_LETTERS:
        return None
    return compact.replace(".", "").replace("^", "")


def _parse_plain(core: str) -> sympy.Float | None:
    """A decimal number (thousands commas or spaces, exponent) without any parser; None when it is not one."""
    if not _PLAIN_NUMBER.fullmatch(core) or not re.search(r"\d", core):
        return None
    return sympy.Float(core.replace(",", "").replace(" ", ""), 30)


def _latex_safe(core: str) -> bool:
    """Short, shallow, made of digits, operators and a few commands, and no numbers side by side."""
    if len(core) > _MAX_NUMBER_CHARS or _JUXTAPOSED.search(core):
        return False
    commands = re.findall(r"\\([A-Za-z]+)", core)
    if any(command not in _LATEX_COMMANDS for command in commands):
        return False
    if not _LATEX_CHARS.fullmatch(re.sub(r"\\[A-Za-z]+", " ", core)):
        return False
    depth = deepest = 0
    for char in core:
        depth += (char in "({[") - (char in ")}]")
        deepest = max(deepest, depth)
    return deepest <= _MAX_NUMBER_DEPTH and depth == 0


class _DropTimeoutWarning(logging.Filter):
    """math_verify warns once that timeouts are off; the size and shape limits above are this module's guard."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "Timeout is disabled" not in record.getMessage()


@functools.cache
def _latex_parser() -> Callable[[str], list[object]]:
    """math_verify's ``parse`` restricted to its LaTeX parser, without signal timeouts (so it works in any thread).

    Imported on first use: it pulls in the LaTeX grammar, which the other answer types never need.
    """
    from math_verify import LatexExtractionConfig, parse

    logging.getLogger("math_verify.parser").addFilter(_DropTimeoutWarning())
    config = [LatexExtractionConfig(boxed_match_priority=0)]
    return functools.partial(parse, extraction_config=config, fallback_mode="no_fallback", parsing_timeout=None)


def _parse_latex(core: str) -> sympy.Basic | None:
    """The sympy expression of a LaTeX number; None when math_verify cannot read it."""
    try:
        results = _latex_parser()(f"${core}$")
    except Exception:  # noqa: BLE001 - third-party parser on model output: any failure means "not a number"
        return None
    parsed = [result for result in results if isinstance(result, sympy.Basic)]
    return parsed[0] if parsed else None


def _bounded_number(expr: sympy.Basic, budget: list[int]) -> bool:
    """Only numbers, pi and e under + × and powers with small exponents: evalf on it is fast and exact enough.

    Anything else (variables, sets, equations, intervals, factorials, infinities, sums) is not one number.
    """
    budget[0] -= 1
    if budget[0] < 0:
        return False
    if expr.is_Number or isinstance(expr, sympy.NumberSymbol):
        return bool(expr.is_finite)
    if isinstance(expr, sympy.Add | sympy.Mul):
        return all(_bounded_number(arg, budget) for arg in expr.args)
    if isinstance(expr, sympy.Pow):
        return _bounded_number(expr.base, budget) and _small_exponent(expr.exp, budget)
    if isinstance(expr, sympy.exp):
        return _small_exponent(expr.args[0], budget)
    return False


def _small_exponent(exponent: sympy.Basic, budget: list[int]) -> bool:
    if not _bounded_number(exponent, budget):
        return False
    value = exponent.evalf(15)
    return bool(value.is_real) and abs(value) <= _MAX_EXPONENT


def _evaluate(expr: sympy.Basic) -> sympy.Float | None:
    """The value of a bounded expression as a 30-digit float; None when it is not one finite real number."""
    if not _bounded_number(expr, [_MAX_EXPR_NODES]):
        return None
    value = expr.evalf(30)
    if not (value.is_Number and value.is_real and value.is_finite):
        return None
    return sympy.Float(value, 30)


def _parse_quantity(text: str) -> _Quantity | None:
    """One number with an optional unit and percent sign; None for lists, ranges, hedges, variables and the like."""
    if len(text) > 4 * _MAX_NUMBER_CHARS:
        return None
    stripped, percent = _strip_number_decorations(text)
    plain = _parse_plain(stripped)
    if plain is not None:
        return _Quantity(plain, "", percent)
    core, unit = _split_unit(stripped)
    if unit is None or not core:
        return None
    unit, exponent = _scale(unit)
    value = _parse_plain(core)
    if value is None and _latex_safe(core):
        expr = _parse_latex(core)
        value = _evaluate(expr) if expr is not None else None
    if value is None:
        return None
    return _Quantity(value * sympy.Integer(10) ** exponent, unit, percent)


def _scale(unit: str) -> tuple[str, int]:
    """``million`` and friends are a power of ten, not a unit."""
    for word, exponent in _SCALE.items():
        if unit.lower().startswith(word):
            return _normalise_unit(unit[len(word) :]) or "", exponent
    return unit, 0


def _close(found: sympy.Float, expected: sympy.Float) -> bool:
    """Within ``NUMERIC_REL_TOL`` of the gold value (relative to the gold value; absolute only at zero)."""
    return bool(abs(found - expected) <= max(NUMERIC_REL_TOL * abs(expected), NUMERIC_ABS_TOL))


def same_number(extracted: str, gold: str) -> tuple[bool, str | None]:
    """The same number within tolerance; units must agree when both sides name one.

    A percent written on one side only may be dropped ("12" for "12%") or applied ("0.12" for "12%"); both sides
    written as percents compare as written. Units are not converted, so ``1 m`` is not ``100 cm``.
    """
    expected = _parse_quantity(gold)
    if expected is None:
        raise ValueError(f"gold {gold!r} is not a number")
    found = _parse_quantity(extracted)
    if found is None:
        return False, "not a single finite number"
    if found.unit and expected.unit and found.unit != expected.unit:
        return False, f"unit {found.unit} is not the gold unit {expected.unit}"
    candidates = [found.value]
    if found.percent != expected.percent:
        hundredth = sympy.Float(100, 30)
        candidates.append(found.value / hundredth if found.percent else found.value * hundredth)
    if any(_close(candidate, expected.value) for candidate in candidates):
        return True, None
    shown, gold_shown = sympy.Float(found.value, 12), sympy.Float(expected.value, 12)
    return False, f"{shown} is not within relative {NUMERIC_REL_TOL:g} of {gold_shown}"


# --------------------------------------------------------------------------------------------------- checking
