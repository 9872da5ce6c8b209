"""Reading a rack problem's text into `RackProblem`: MASSE's description template by rules, or a model by parts.

* ``read_by_rules`` parses the MASSE description template (the `generated_description` of the MASSE dataset, which
  the suite's problem generator also writes) with regular expressions; it is the deterministic mode's reader.
* ``RACK_PARTS`` are the questions the model reader (``reading.py``) asks, one small schema per part of the rack,
  every number chosen from the numbers the text states.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import Field, create_model

from reasonsuite.tools.structural.rack_problem import RackProblem

from .extraction import ExtractionError, number, validate_problem
from .reading import SITE_PART, Choices, ReadingPart, lengths_part, modulus_part

NUMBER = r"(\d[\d,]*(?:\.\d+)?)"

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
            width, depth, thickness = (number(g) for g in match.groups())
            found[field] = {"width_in": width, "depth_in": depth, "thickness_in": thickness}
        else:
            found[field] = number(match.group(1))
    weights = re.findall(rf"{NUMBER} lbs? at {NUMBER} ft", text)
    if weights:
        found["level_elevations_ft"] = [number(height) for _, height in weights]
        found["pallet_weights_lb"] = [number(weight) for weight, _ in weights]
    else:
        missing.append("pallet_weights_lb")
    braces_at = text.find("truss braces link")
    if braces_at >= 0:
        section = re.split(r"\.\s", text[braces_at:], maxsplit=1)[0]
        pairs = re.findall(rf"\({NUMBER},\s*{NUMBER}\)\s*->\s*\({NUMBER},\s*{NUMBER}\)", section)
        found["braces"] = [[[number(a), number(b)], [number(c), number(d)]] for a, b, c, d in pairs]
    if not found.get("braces"):
        missing.append("braces")
    modulus = re.search(rf"E = {NUMBER} kip/in\^2", text)
    if modulus:
        found["E_ksi"] = number(modulus.group(1))
    if missing:
        raise ExtractionError(missing, found=found)
    return complete_problem(found)


def complete_problem(values: dict[str, Any]) -> RackProblem:
    """Validate gathered values (read from text, or supplied by a person) into a RackProblem."""
    return validate_problem(RackProblem, values)


# --- The model reader's questions (reading.py asks them) -------------------------------------------------------------


def _channel_fields(triple: list[float]) -> dict[str, float]:
    """MASSE writes a channel as "(A in x B in x C in": flange width, web depth, thickness."""
    return dict(zip(("width_in", "depth_in", "thickness_in"), triple, strict=True))


def _length(choices: Choices, name: str, most: int) -> dict[str, int]:
    """Exactly the count the lengths part read, else anything from 1 to `most`."""
    count = choices.lengths.get(name)
    return {"min_length": count, "max_length": count} if count else {"min_length": 1, "max_length": most}


def _level_fields(choices: Choices) -> dict[str, Any]:
    level = create_model(
        "Level",
        height_ft=(choices.number, Field(description="height of the floor (beam level), ft")),
        pallet_weight_lb=(choices.number, Field(description="weight of one pallet at that floor, lb")),
    )
    return {"levels": (list[level], Field(description="bottom up", **_length(choices, "floors", 20)))}


def _brace_fields(choices: Choices) -> dict[str, Any]:
    point = Annotated[list[choices.number], Field(min_length=2, max_length=2, description="(x, y) in ft")]
    brace = create_model("Brace", start=(point, ...), end=(point, ...))
    return {"braces": (list[brace], Field(description="in the order listed", **_length(choices, "braces", 100)))}


def _triple(choices: Choices, what: str) -> Any:
    return list[choices.number], Field(min_length=3, max_length=3, description=f"{what}: the 3 numbers in brackets")


RACK_PARTS: tuple[ReadingPart, ...] = (
    SITE_PART,
    ReadingPart(
        "layout",
        "the number of bays, the pallets on each beam and the beam length (ft)",
        lambda c: {"bays": (c.count, ...), "pallets_per_beam": (c.count, ...), "beam_length_ft": (c.number, ...)},
        dict,
        ("bays", "pallets_per_beam", "beam_length_ft"),
    ),
    ReadingPart(
        "frame",
        "the gap between the two posts (ft) and the post height (ft)",
        lambda c: {"frame_width_ft": (c.number, ...), "frame_height_ft": (c.number, ...)},
        dict,
        ("frame_width_ft", "frame_height_ft"),
    ),
    lengths_part(
        "how many floors (beam levels) the rack has and how many pin-ended truss braces the text lists",
        {"floors": 12, "braces": 40},
        ("level_elevations_ft", "pallet_weights_lb", "braces"),
    ),
    ReadingPart(
        "levels",
        "every floor (beam level) with its height (ft) and the weight of one pallet on it (lb), bottom up",
        _level_fields,
        lambda a: {
            "level_elevations_ft": [level["height_ft"] for level in a["levels"]],
            "pallet_weights_lb": [level["pallet_weight_lb"] for level in a["levels"]],
        },
        ("level_elevations_ft", "pallet_weights_lb"),
        max_new_tokens=256,  # ~25 tokens a level, up to 6 levels in the generated set
        needs=("lengths",),
    ),
    ReadingPart(
        "braces",
        "every pin-ended truss brace as its two end points (x, y) in ft, in the order listed",
        _brace_fields,
        lambda a: {"braces": [[brace["start"], brace["end"]] for brace in a["braces"]]},
        ("braces",),
        max_new_tokens=512,  # ~28 tokens a brace, up to 16 braces in the generated set
        needs=("lengths",),
    ),
    ReadingPart(
        "sections",
        "the three numbers in brackets of the columns' U-channel and of the braces' U-channel, in the order written",
        lambda c: {"column": _triple(c, "columns"), "brace": _triple(c, "braces")},
        lambda a: {"column": _channel_fields(a["column"]), "brace_section": _channel_fields(a["brace"])},
        ("column", "brace_section"),
    ),
    modulus_part("E_ksi", "kip/in^2"),
)
"""The rack's questions, each a few dozen tokens of answer."""
