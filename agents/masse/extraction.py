"""What every problem reader shares: the error that names missing fields, and the check that numbers came from the text.

Each structure has a rule reader for its description template (deterministic mode) and a set of questions for the
model reader (``reading.py``); either way ``ungrounded_numbers`` lists every number of the result that does not occur
in the text and is not a documented default, so no invented load or dimension slips into a design check.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

ProblemT = TypeVar("ProblemT", bound=BaseModel)


NUMBER = r"(\d[\d,]*(?:\.\d+)?)"
DEFAULTS = {"E_ksi": 29000.0, "E_MPa": 200000.0}
"""Fields a problem may leave out, with the value its schema fills in (documented in the schemas)."""


class ExtractionError(ValueError):
    """The text does not state everything a rack check needs; ``missing`` names the fields."""

    def __init__(self, missing: list[str], detail: str = "", found: dict[str, Any] | None = None) -> None:
        self.missing = missing
        self.found = found or {}
        super().__init__(f"the problem text does not state: {', '.join(missing)}" + (f" ({detail})" if detail else ""))


def number(text: str) -> float:
    return float(text.replace(",", ""))


def numbers_in(text: str) -> set[float]:
    """Every number written in the text ("29,000" and "29000" alike; "(0, 3)" gives 0 and 3)."""
    return {number(match) for match in re.findall(r"(?<![\w.])\d[\d,]*(?:\.\d+)?", text)}


def validate_problem(schema: type[ProblemT], values: dict[str, Any]) -> ProblemT:
    """Validate gathered values (read from text, or supplied by a person) into a problem schema.

    Raises ExtractionError naming the offending fields (dotted paths; "problem" for a whole-problem rule).
    """
    try:
        return schema.model_validate(values)
    except ValidationError as err:
        fields = sorted({".".join(str(p) for p in e["loc"]) or "problem" for e in err.errors()})
        problem = err.errors()[0]["msg"].removeprefix("Value error, ")
        raise ExtractionError(fields, problem, found=values) from None


def _numeric_leaves(value: Any, path: str = "") -> list[tuple[str, float]]:
    if isinstance(value, bool):
        return []
    if isinstance(value, int | float):
        return [(path, float(value))]
    if isinstance(value, dict):
        return [leaf for key, item in value.items() for leaf in _numeric_leaves(item, f"{path}.{key}".lstrip("."))]
    if isinstance(value, list):
        return [leaf for i, item in enumerate(value) for leaf in _numeric_leaves(item, f"{path}.{i}")]
    return []


def ungrounded_numbers(problem: BaseModel, text: str) -> list[str]:
    """Fields whose number does not appear in the text (documented defaults excepted), as 'field = value'."""
    stated = numbers_in(text)
    leaves = _numeric_leaves(problem.model_dump())
    return [
        f"{path} = {value:g}"
        for path, value in leaves
        if not any(abs(value - number) <= 1e-9 * max(1.0, abs(number)) for number in stated)
        and DEFAULTS.get(path) != value
    ]
