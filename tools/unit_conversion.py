"""`convert_units`: one quantity from one unit to another with pint, so an agent never converts units in its head.

Unit names are parsed by pint's own unit-expression parser (a tokenizer and an evaluation tree over unit names;
nothing is handed to Python's eval), bounded in length. Dimensions must match: lbf to kN works, lbf to m is an
error naming both dimensions.
"""

from __future__ import annotations

import math
import re

import pint
from pydantic import Field, FiniteFloat

from .registry import ToolInput, ToolInputError, ToolOutput, register_tool
from .units import ureg

__all__ = ["ConvertUnitsInput", "ConvertUnitsOutput", "convert_units"]


class ConvertUnitsInput(ToolInput):
    """A value with its unit and the unit wanted, e.g. 1250 lbf in kN or 29000 ksi in MPa."""

    value: FiniteFloat = Field(description="the number to convert")
    from_unit: str = Field(
        min_length=1, max_length=64, description="its unit, e.g. 'lbf', 'ft', 'kip/in**2', 'kN*m', 'degF'"
    )
    to_unit: str = Field(min_length=1, max_length=64, description="the unit wanted, of the same dimension")


class ConvertUnitsOutput(ToolOutput):
    value: float = Field(description="the converted number")
    unit: str = Field(description="the unit of `value`, as pint names it")
    input: str = Field(description="the quantity that was converted, as pint names it")
    dimensionality: str = Field(description="the physical dimension, e.g. [length] or [mass] * [length] / [time] ** 2")


_UNIT_TEXT = re.compile(r"^[A-Za-z0-9_ .*/^()\-]+$")


def _units(text: str, field: str) -> pint.Unit:
    if not _UNIT_TEXT.match(text):
        raise ToolInputError(field, f"{text!r} is not a unit: use unit names, numbers, * / ^ ** and parentheses")
    try:
        return ureg.parse_units(text)
    except Exception as err:  # pint's parser raises many types (AssertionError, TokenError, …) for malformed text
        raise ToolInputError(field, f"{text!r} is not a unit pint knows ({type(err).__name__})") from None


@register_tool("convert_units")
def convert_units(inp: ConvertUnitsInput) -> ConvertUnitsOutput:
    """Convert a value between units of the same dimension (pint), e.g. lbf → kN, ft → m, ksi → MPa."""
    source, target = _units(inp.from_unit, "from_unit"), _units(inp.to_unit, "to_unit")
    quantity = ureg.Quantity(inp.value, source)
    try:
        converted = quantity.to(target)
    except pint.DimensionalityError:
        raise ToolInputError(
            "to_unit",
            f"cannot convert {source} ({quantity.dimensionality}) to {target} ({(1 * target).dimensionality})",
        ) from None
    if not math.isfinite(converted.magnitude):
        raise ToolInputError("value", f"{inp.value} {source} is out of range in {target}")
    return ConvertUnitsOutput(
        value=float(converted.magnitude),
        unit=str(target),
        input=f"{inp.value:g} {source}",
        dimensionality=str(quantity.dimensionality),
    )
