"""Reading a steel-frame problem's text into `SteelFrameProblem`: the suite's description template by rules, or a
model by parts.

The template is the one `reasonsuite.data.masse_generator` writes for its steel-frame problems (and a person can
follow): site, span, eave height, frame spacing, lateral system and bases, roof dead and snow loads, the W and HSS
designations. The model reader's section names are `Literal`s of the shape table, so it can only name real shapes.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from reasonsuite.tools.structural.steel_frame_problem import SteelFrameProblem
from reasonsuite.tools.structural.steel_shapes import HSS_BRACES, W_SHAPES

from .extraction import NUMBER, ExtractionError, number, validate_problem
from .reading import SITE_PART, ReadingPart, modulus_part

_LOCATION = r"steel building in (.+?),\s*(?:BC|B\.C\.|British Columbia)\."
_NUMBERS: dict[str, str] = {
    "span_m": rf"{NUMBER} m span",
    "eave_height_m": rf"{NUMBER} m to the eave",
    "frame_spacing_m": rf"spaced {NUMBER} m apart",
    "roof_dead_kPa": rf"roof dead load is {NUMBER} kPa",
    "roof_snow_kPa": rf"roof snow load is {NUMBER} kPa",
}
_SHAPE = r"(W\s?\d+\s?x\s?[\d.]+|HSS\s?[\d.]+\s?x\s?[\d.]+\s?x\s?[\d.]+)"
_SHAPES: dict[str, str] = {
    "column": rf"columns are {_SHAPE}",
    "beam": rf"roof beam is an? {_SHAPE}",
    "brace": rf"brace is an? {_SHAPE}",
}


def read_by_rules(text: str, problem_id: str = "") -> SteelFrameProblem:
    """The steel frame stated in the suite's description template; ExtractionError names what the text lacks."""
    found: dict[str, Any] = {"problem_id": problem_id}
    missing = []
    location = re.search(_LOCATION, text)
    if location:
        found["location"] = location.group(1).strip()
    else:
        missing.append("location")
    for field, pattern in _NUMBERS.items():
        match = re.search(pattern, text)
        if match:
            found[field] = number(match.group(1))
        else:
            missing.append(field)
    system = re.search(r"lateral system is an? (braced|moment) frame", text)
    if system:
        found["lateral_system"] = system.group(1)
    else:
        missing.append("lateral_system")
    bases = re.search(r"column bases are (pinned|fixed)", text)
    if bases:
        found["base_fixity"] = bases.group(1)
    for field, pattern in _SHAPES.items():
        match = re.search(pattern, text)
        if match:
            found[field] = match.group(1)
        elif field != "brace" or found.get("lateral_system") == "braced":
            missing.append(field)
    modulus = re.search(rf"E = {NUMBER} MPa", text)
    if modulus:
        found["E_MPa"] = number(modulus.group(1))
    if missing:
        raise ExtractionError(missing, found=found)
    return complete_problem(found)


def complete_problem(values: dict[str, Any]) -> SteelFrameProblem:
    """Validate gathered values (read from text, or supplied by a person) into a SteelFrameProblem."""
    return validate_problem(SteelFrameProblem, values)


def _shapes(names: tuple[str, ...]) -> Any:
    return Literal[names]  # type: ignore[valid-type]


FRAME_PARTS: tuple[ReadingPart, ...] = (
    SITE_PART,
    ReadingPart(
        "geometry",
        "the frame's span (m), its height to the eave (m) and the spacing of the frames (m)",
        lambda c: {"span_m": (c.number, ...), "eave_height_m": (c.number, ...), "frame_spacing_m": (c.number, ...)},
        dict,
        ("span_m", "eave_height_m", "frame_spacing_m"),
    ),
    ReadingPart(
        "system",
        "the lateral system (braced or moment frame) and how the column bases are supported (pinned or fixed)",
        lambda c: {
            "lateral_system": (Literal["braced", "moment"], ...),
            "base_fixity": (Literal["pinned", "fixed"], ...),
        },
        dict,
        ("lateral_system", "base_fixity"),
    ),
    ReadingPart(
        "roof_loads",
        "the roof dead load (kPa) and the specified roof snow load (kPa)",
        lambda c: {"roof_dead_kPa": (c.number, ...), "roof_snow_kPa": (c.number, ...)},
        dict,
        ("roof_dead_kPa", "roof_snow_kPa"),
    ),
    ReadingPart(
        "sections",
        "the steel shapes of the columns, the roof beam and the brace (null if there is no brace)",
        lambda c: {
            "column": (_shapes(W_SHAPES), ...),
            "beam": (_shapes(W_SHAPES), ...),
            "brace": (_shapes(HSS_BRACES) | None, ...),
        },
        dict,
        ("column", "beam", "brace"),
    ),
    modulus_part("E_MPa", "MPa"),
)
"""The steel frame's questions."""
