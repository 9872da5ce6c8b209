"""Reading a rack problem's text into the `RackProblem` schema, and checking that every number came from the text.

Two readers, one check:

* ``read_by_rules`` parses the MASSE description template (the `generated_description` of the MASSE dataset, which
  the suite's problem generator also writes) with regular expressions; it is the deterministic mode's reader.
* the LLM reader (in ``roles.py``) asks a model for a RackProblem with structured output.

Either way ``ungrounded_numbers`` lists every number of the result that does not occur in the text and is not a
documented default, so a model cannot slip an invented load or dimension into a design check.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from reasonsuite.tools.structural.rack_problem import RackProblem

NUMBER = r"(\d[\d,]*(?:\.\d+)?)"
DEFAULTS = {"E_ksi": 29000.0}
"""Fields a problem may leave out, with the value the schema fills in (documented in RackProblem)."""


class ExtractionError(ValueError):
    """The text does not state everything a rack check needs; ``missing`` names the fields."""

    def __init__(self, missing: list[str], detail: str = "", found: dict[str, Any] | None = None) -> None:
        self.missing = missing
        self.found = found or {}
        super().__init__(f"the problem text does not state: {', '.join(missing)}" + (f" ({detail})" if detail else ""))


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def numbers_in(text: str) -> set[float]:
    """Every number written in the text ("29,000" and "29000" alike; "(0, 3)" gives 0 and 3)."""
    return {_number(match) for match in re.findall(r"(?<![\w.])\d[\d,]*(?:\.\d+)?", text)}


_LOCATION = (  # a name may hold periods ("Fort St. John"): prefer the one ending in ", BC."
    r"racking system in (.+?),\s*(?:BC|B\.C\.|British Columbia)\.",
    r"racking system in (.+?)\.(?:\s|$)",
)
_PATTERNS: dict[str, str] = {
    "bays": rf"has {NUMBER} bays?",
    "beam_length_ft": rf"with {NUMBER} ft beam length",
    "pallets_per_beam": rf"there (?:are|is) {NUMBER} pallets? on each beam",
    "frame_width_ft": rf"gap between (?:the )?two posts is {NUMBER} ft wide",
    "frame_height_ft": rf"post is {NUMBER} ft tall",
    "column": rf"columns are steel U-channels \({NUMBER} in x {NUMBER} in x {NUMBER} in",
    "brace_section": rf"braces are steel U-channels \({NUMBER} in x {NUMBER} in x {NUMBER} in",
}


def read_by_rules(text: str, problem_id: str = "") -> RackProblem:
    """The rack problem stated in MASSE's description template; ExtractionError names what the text lacks."""
    found: dict[str, Any] = {"problem_id": problem_id}
    missing = []
    location = next((m for m in (re.search(pattern, text) for pattern in _LOCATION) if m), None)
    if location:
        found["location"] = location.group(1).strip()
    else:
        missing.append("location")
    for field, pattern in _PATTERNS.items():
        match = re.search(pattern, text)
        if not match:
            missing.append(field)
        elif field in ("column", "brace_section"):
            width, depth, thickness = (_number(g) for g in match.groups())
            found[field] = {"width_in": width, "depth_in": depth, "thickness_in": thickness}
        else:
            found[field] = _number(match.group(1))
    weights = re.findall(rf"{NUMBER} lbs? at {NUMBER} ft", text)
    if weights:
        found["level_elevations_ft"] = [_number(height) for _, height in weights]
        found["pallet_weights_lb"] = [_number(weight) for weight, _ in weights]
    else:
        missing.append("pallet_weights_lb")
    braces_at = text.find("truss braces link")
    if braces_at >= 0:
        section = re.split(r"\.\s", text[braces_at:], maxsplit=1)[0]
        pairs = re.findall(rf"\({NUMBER},\s*{NUMBER}\)\s*->\s*\({NUMBER},\s*{NUMBER}\)", section)
        found["braces"] = [[[_number(a), _number(b)], [_number(c), _number(d)]] for a, b, c, d in pairs]
    if not found.get("braces"):
        missing.append("braces")
    modulus = re.search(rf"E = {NUMBER} kip/in\^2", text)
    if modulus:
        found["E_ksi"] = _number(modulus.group(1))
    if missing:
        raise ExtractionError(missing, found=found)
    return complete_problem(found)


def complete_problem(values: dict[str, Any]) -> RackProblem:
    """Validate gathered values (read from text, or supplied by a person) into a RackProblem."""
    try:
        return RackProblem.model_validate(values)
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


def ungrounded_numbers(problem: RackProblem, text: str) -> list[str]:
    """Fields whose number does not appear in the text (documented defaults excepted), as 'field = value'."""
    stated = numbers_in(text)
    leaves = _numeric_leaves(problem.model_dump())
    return [
        f"{path} = {value:g}"
        for path, value in leaves
        if not any(abs(value - number) <= 1e-9 * max(1.0, abs(number)) for number in stated)
        and DEFAULTS.get(path) != value
    ]
