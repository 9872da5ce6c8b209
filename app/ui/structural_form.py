"""The structural-check form: widget values to a problem record, and a problem record back to widget values.

Kept apart from the Gradio layout so the conversion is plain functions a test can call: the form is one way to write
the same problem JSON that the API takes, and the workflow validates it (a bad field is reported by name).
"""

from __future__ import annotations

import math
from typing import Any

from reasonsuite.tools.structural.hazard import load_table_c3
from reasonsuite.tools.structural.steel_shapes import HSS_BRACES, W_SHAPES

RACK_FIELDS = (
    "location",
    "bays",
    "pallets_per_beam",
    "beam_length_ft",
    "frame_width_ft",
    "frame_height_ft",
    "level_elevations_ft",
    "pallet_weights_lb",
    "braces",
    "column",
    "brace_section",
)
BRACE_COLUMNS = ["start x (ft)", "start y (ft)", "end x (ft)", "end y (ft)"]
CHANNEL_KEYS = ("width_in", "depth_in", "thickness_in")
FRAME_FIELDS = (
    "location",
    "span_m",
    "eave_height_m",
    "frame_spacing_m",
    "lateral_system",
    "base_fixity",
    "roof_dead_kPa",
    "roof_snow_kPa",
    "column",
    "beam",
    "brace",
)


class FormError(ValueError):
    """A form value that cannot become a problem field; the message names the field."""


def locations() -> list[str]:
    """BCBC 2018 Table C-3 locations, the choices of the location picker."""
    return sorted(load_table_c3())


def w_shapes() -> list[str]:
    return list(W_SHAPES)


def hss_braces() -> list[str]:
    return list(HSS_BRACES)


def numbers(text: str, field: str) -> list[float]:
    """'4, 8.5, 13' → [4.0, 8.5, 13.0]."""
    parts = [part for part in text.replace(";", ",").split(",") if part.strip()]
    try:
        values = [float(part) for part in parts]
    except ValueError:
        values = []
    if not values or not all(math.isfinite(v) for v in values):  # float() also reads "nan" and "inf"
        raise FormError(f"{field}: write numbers separated by commas, e.g. '4, 8.5, 13' (got {text!r})")
    return values


def braces_from_rows(rows: list[list[Any]]) -> list[dict[str, dict[str, float]]]:
    """The brace table's rows (start x, start y, end x, end y) as brace records; blank rows are skipped."""
    braces = []
    for index, row in enumerate(rows, start=1):
        if all(cell in (None, "") for cell in row):
            continue
        try:
            x1, y1, x2, y2 = (float(cell) for cell in row)
        except (TypeError, ValueError):
            raise FormError(f"braces: row {index} needs four numbers (start x, start y, end x, end y)") from None
        braces.append({"start": {"x_ft": x1, "y_ft": y1}, "end": {"x_ft": x2, "y_ft": y2}})
    return braces


def rack_record(
    location: str,
    bays: float,
    pallets_per_beam: float,
    beam_length_ft: float,
    frame_width_ft: float,
    frame_height_ft: float,
    elevations: str,
    weights: str,
    brace_rows: list[list[Any]],
    column: list[float],
    brace_section: list[float],
) -> dict[str, Any]:
    """A rack problem record from the form's widgets."""
    return {
        "location": location,
        "bays": int(bays),
        "pallets_per_beam": int(pallets_per_beam),
        "beam_length_ft": beam_length_ft,
        "frame_width_ft": frame_width_ft,
        "frame_height_ft": frame_height_ft,
        "level_elevations_ft": numbers(elevations, "level_elevations_ft"),
        "pallet_weights_lb": numbers(weights, "pallet_weights_lb"),
        "braces": braces_from_rows(brace_rows),
        "column": dict(zip(CHANNEL_KEYS, column, strict=True)),
        "brace_section": dict(zip(CHANNEL_KEYS, brace_section, strict=True)),
    }


def rack_widgets(record: dict[str, Any]) -> list[Any]:
    """Widget values for a rack record (the inverse of `rack_record`), in RACK_FIELDS order but flattened."""
    return [
        record["location"],
        record["bays"],
        record["pallets_per_beam"],
        record["beam_length_ft"],
        record["frame_width_ft"],
        record["frame_height_ft"],
        ", ".join(f"{v:g}" for v in record["level_elevations_ft"]),
        ", ".join(f"{v:g}" for v in record["pallet_weights_lb"]),
        [[b["start"]["x_ft"], b["start"]["y_ft"], b["end"]["x_ft"], b["end"]["y_ft"]] for b in record["braces"]],
        *(record["column"][key] for key in CHANNEL_KEYS),
        *(record["brace_section"][key] for key in CHANNEL_KEYS),
    ]


def frame_record(
    location: str,
    span_m: float,
    eave_height_m: float,
    frame_spacing_m: float,
    lateral_system: str,
    base_fixity: str,
    roof_dead_kPa: float,
    roof_snow_kPa: float,
    column: str,
    beam: str,
    brace: str | None,
) -> dict[str, Any]:
    """A steel-frame problem record from the form's widgets (a moment frame takes no brace)."""
    return {
        "structure": "steel_frame",
        "location": location,
        "span_m": span_m,
        "eave_height_m": eave_height_m,
        "frame_spacing_m": frame_spacing_m,
        "lateral_system": lateral_system,
        "base_fixity": "pinned" if lateral_system == "braced" else base_fixity,
        "roof_dead_kPa": roof_dead_kPa,
        "roof_snow_kPa": roof_snow_kPa,
        "column": column,
        "beam": beam,
        "brace": brace if lateral_system == "braced" else None,
    }


def frame_widgets(record: dict[str, Any]) -> list[Any]:
    """Widget values for a steel-frame record, in FRAME_FIELDS order."""
    return [record.get(field) for field in FRAME_FIELDS]
