"""Exact numbers for the game tools: JSON numbers and rational strings in, Fractions inside, exact text plus float out.

Equilibrium probabilities of a game with rational payoffs are rational (they solve linear indifference equations), so
the tools compute with Fractions and print both the exact value ("2/3") and a float. A JSON float is read through its
shortest decimal text, ``Fraction(str(x))``, so 0.1 is exactly 1/10 and not the binary double 3602879701896397/2**55.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Annotated, Any

from pydantic import PlainSerializer, PlainValidator, WithJsonSchema

from ..registry import ToolOutput

__all__ = ["MAX_MAGNITUDE", "Exact", "ExactNumber", "exact", "parse_exact"]

MAX_MAGNITUDE = 10**15
_MAX_TEXT = 40


def parse_exact(value: Any) -> Fraction:
    """``value`` (int, float or a string such as "3/4", "-2", "0.25") as an exact Fraction; anything else is an error.

    Booleans, None, NaN, infinities, non-numeric text and magnitudes above 1e15 are rejected with a ValueError that
    says what was received and what is expected (pydantic adds the field path).
    """
    if isinstance(value, bool) or value is None:
        raise ValueError(f"expected a number or a rational string such as '3/4', got {value!r}")
    if isinstance(value, int):
        number = Fraction(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"expected a finite number, got {value!r}")
        number = Fraction(str(value))
    elif isinstance(value, Fraction):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        if not text or len(text) > _MAX_TEXT:
            raise ValueError(f"expected a number or a rational string such as '3/4' (at most {_MAX_TEXT} characters), "
                             f"got {value!r}")
        try:
            number = Fraction(text)
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"expected a number or a rational string such as '3/4' or '-2', got {value!r}") from None
    else:
        raise ValueError(f"expected a number or a rational string such as '3/4', got {type(value).__name__}")
    if abs(number) > MAX_MAGNITUDE:
        raise ValueError(f"magnitude above {MAX_MAGNITUDE:.0e} is not supported, got {value!r}")
    return number


ExactNumber = Annotated[
    Fraction,
    PlainValidator(parse_exact),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number"},
                {"type": "string", "description": "exact rational, e.g. \"3/4\", \"-2\" or \"0.25\""},
            ]
        }
    ),
]
"""A number read exactly: a JSON number (0.1 means exactly 1/10) or a rational string such as "3/4"."""


class Exact(ToolOutput):
    """A rational result printed exactly and as a float."""

    exact: str
    value: float


def exact(number: Fraction | int) -> Exact:
    """``number`` as its exact text ("1/3", "-2") and its nearest float."""
    number = Fraction(number)
    return Exact(exact=str(number), value=float(number))
