"""Hot-rolled W shapes and square HSS by designation: the published dimensions behind "W250x49" or "HSS102x102x6.4".

A steel-building problem names its members the way Canadian drawings do (CSA G40.20 metric designations: depth in
mm × mass in kg/m for a W shape; width × width × wall in mm for an HSS), so the check needs the dimensions those
names stand for. The dimensions are those of the CISC Handbook of Steel Construction (11th ed., Part 6, properties
and dimensions), the metric counterparts of the ASTM A6 / A500 shapes of the AISC Shapes Database v15.0; each entry
keeps its AISC imperial twin so it can be traced. Masses are the twin's nominal weight (lb/ft) × 1.48816 kg/m per
lb/ft (tests hold them to the dimensions: A × 7850 kg/m³). W150x22 is left out on purpose: its flange b/t = 11.5
makes it class 4 in bending at Fy = 350 MPa (S16 Table 2), outside the checks; W150x30 takes its place.

W shapes: d, bf, tf, tw as tabulated (mm); fillets are not carried (section_properties ignores them, which puts A
and Ix up to 3 % below the handbook). Square HSS are CSA G40.20 class C (cold-formed, not stress-relieved)
with the nominal wall: CSA S16 designs HSS with the nominal thickness and the handbook's outside corner radius 2t,
which is `section_properties`' default, so its A × 7850 kg/m³ reproduces the tabulated mass.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from ..registry import ToolInputError
from .sections import SectionPropertiesInput

__all__ = [
    "HSS_BRACES",
    "W_SHAPES",
    "canonical_designation",
    "mass_kg_per_m",
    "section_input",
    "shape_family",
]

KG_PER_M_PER_LB_PER_FT = 1.48816  # 1 lb/ft = 0.45359237 kg / 0.3048 m


@dataclass(frozen=True)
class _WShape:
    aisc: str  # imperial twin in the AISC Shapes Database
    lb_per_ft: float
    d_mm: float
    bf_mm: float
    tf_mm: float
    tw_mm: float


@dataclass(frozen=True)
class _SquareHSS:
    aisc: str
    lb_per_ft: float
    b_mm: float  # outside width (both sides)
    t_mm: float  # nominal wall


# CISC Handbook of Steel Construction, 11th ed., Part 6 (W shapes: d, b, t, w); AISC Shapes Database v15.0. The
# shapes from W310x79 up carry spans of 12-18 m and the columns of moment frames; W310x79 and W360x79 weigh the same.
_W: dict[str, _WShape] = {
    "W150x30": _WShape("W6x20", 20.0, 157.0, 153.0, 9.3, 6.6),
    "W200x27": _WShape("W8x18", 18.0, 207.0, 133.0, 8.4, 5.8),
    "W250x33": _WShape("W10x22", 22.0, 258.0, 146.0, 9.1, 6.1),
    "W200x36": _WShape("W8x24", 24.0, 201.0, 165.0, 10.2, 6.2),
    "W310x39": _WShape("W12x26", 26.0, 310.0, 165.0, 9.7, 5.8),
    "W360x45": _WShape("W14x30", 30.0, 352.0, 171.0, 9.8, 6.9),
    "W200x46": _WShape("W8x31", 31.0, 203.0, 203.0, 11.0, 7.2),
    "W250x49": _WShape("W10x33", 33.0, 247.0, 202.0, 11.0, 7.4),
    "W410x54": _WShape("W16x36", 36.0, 403.0, 177.0, 10.9, 7.5),
    "W310x60": _WShape("W12x40", 40.0, 303.0, 203.0, 13.1, 7.5),
    "W250x67": _WShape("W10x45", 45.0, 257.0, 204.0, 15.7, 8.9),
    "W460x74": _WShape("W18x50", 50.0, 457.0, 190.0, 14.5, 9.0),
    "W310x79": _WShape("W12x53", 53.0, 306.0, 254.0, 14.6, 8.8),
    "W360x79": _WShape("W14x53", 53.0, 354.0, 205.0, 16.8, 9.4),
    "W530x92": _WShape("W21x62", 62.0, 533.0, 209.0, 15.6, 10.2),
    "W310x97": _WShape("W12x65", 65.0, 308.0, 305.0, 15.4, 9.9),
    "W610x113": _WShape("W24x76", 76.0, 608.0, 228.0, 17.3, 11.2),
    "W360x122": _WShape("W14x82", 82.0, 363.0, 257.0, 21.7, 13.0),
    "W690x140": _WShape("W27x94", 94.0, 684.0, 254.0, 18.9, 12.4),
}

# CISC Handbook, Part 6, square HSS, CSA G40.20 class C; nominal sizes 3 in … 8 in and walls 3/16 … 3/8 in.
_HSS: dict[str, _SquareHSS] = {
    "HSS76x76x4.8": _SquareHSS("HSS3x3x3/16", 6.87, 76.2, 4.78),
    "HSS89x89x4.8": _SquareHSS("HSS3-1/2x3-1/2x3/16", 8.15, 88.9, 4.78),
    "HSS102x102x4.8": _SquareHSS("HSS4x4x3/16", 9.42, 101.6, 4.78),
    "HSS89x89x6.4": _SquareHSS("HSS3-1/2x3-1/2x1/4", 10.51, 88.9, 6.35),
    "HSS102x102x6.4": _SquareHSS("HSS4x4x1/4", 12.21, 101.6, 6.35),
    "HSS127x127x6.4": _SquareHSS("HSS5x5x1/4", 15.62, 127.0, 6.35),
    "HSS127x127x8.0": _SquareHSS("HSS5x5x5/16", 19.08, 127.0, 7.95),
    "HSS152x152x8.0": _SquareHSS("HSS6x6x5/16", 23.34, 152.4, 7.95),
    "HSS152x152x9.5": _SquareHSS("HSS6x6x3/8", 27.48, 152.4, 9.53),
    "HSS178x178x9.5": _SquareHSS("HSS7x7x3/8", 32.58, 177.8, 9.53),
    "HSS203x203x9.5": _SquareHSS("HSS8x8x3/8", 37.69, 203.2, 9.53),
}

# Lightest first, so that a redesign can step to "the next heavier" shape.
W_SHAPES: tuple[str, ...] = tuple(sorted(_W, key=lambda name: _W[name].lb_per_ft))
HSS_BRACES: tuple[str, ...] = tuple(sorted(_HSS, key=lambda name: _HSS[name].lb_per_ft))

_BY_KEY = {name.upper(): name for name in (*W_SHAPES, *HSS_BRACES)}


def _key(designation: str) -> str:
    """Spelling-insensitive key: "w 250 x 49", "W250X49" and "W250×49" all give "W250X49"."""
    return re.sub(r"\s+", "", designation).replace("×", "X").replace("*", "X").upper()


def canonical_designation(designation: str, field: str = "designation") -> str:
    """The table's spelling of a W or square-HSS designation ("hss 102x102x6.4" → "HSS102x102x6.4").

    An unknown designation is a ToolInputError on ``field`` listing the closest names in the table.
    """
    key = _key(designation)
    if key in _BY_KEY:
        return _BY_KEY[key]
    close = [_BY_KEY[k] for k in difflib.get_close_matches(key, list(_BY_KEY), n=4, cutoff=0.6)]
    family = HSS_BRACES if key.startswith("HSS") else W_SHAPES
    hint = f"closest: {', '.join(close)}" if close else f"known: {', '.join(family)}"
    raise ToolInputError(field, f"{designation!r} is not a shape in the table (steel_shapes); {hint}")


def shape_family(designation: str, field: str = "designation") -> str:
    """'w_shape' or 'hss' for a known designation."""
    return "w_shape" if canonical_designation(designation, field) in _W else "hss"


def section_input(designation: str, field: str = "designation") -> SectionPropertiesInput:
    """The `section_properties` input for a designation: its published dimensions in mm."""
    name = canonical_designation(designation, field)
    if name in _W:
        w = _W[name]
        section = {
            "shape": "w_shape",
            "depth_mm": w.d_mm,
            "flange_width_mm": w.bf_mm,
            "flange_thickness_mm": w.tf_mm,
            "web_thickness_mm": w.tw_mm,
        }
    else:
        hss = _HSS[name]
        section = {"shape": "hss_rectangular", "depth_mm": hss.b_mm, "width_mm": hss.b_mm, "thickness_mm": hss.t_mm}
    return SectionPropertiesInput.model_validate({"section": section})


def mass_kg_per_m(designation: str, field: str = "designation") -> float:
    """Nominal mass per metre, kg/m (the AISC twin's nominal weight converted)."""
    name = canonical_designation(designation, field)
    shape = _W[name] if name in _W else _HSS[name]
    return shape.lb_per_ft * KG_PER_M_PER_LB_PER_FT
