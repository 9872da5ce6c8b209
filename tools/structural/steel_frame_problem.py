"""The structural-problem schema of a single-storey, single-bay steel building frame (an industrial bent), SI units.

Canadian practice states such a frame in metres, kPa and CSA G40.20 shape designations, so the fields do too. The
designations are canonicalised against `steel_shapes` when the problem is read, so a misspelt or unknown shape is an
error naming its field before any calculation, and a dumped problem (``model_dump``) reads back unchanged.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, ValidationInfo, field_validator

from ..registry import ToolInput, ToolInputError
from .steel_shapes import canonical_designation, shape_family

__all__ = ["SteelFrameProblem"]

STEEL_E_MPA = 200_000.0  # CSA S16-14 takes E = 200 000 MPa for structural steel


def _shape(value: str, field: str, family: str) -> str:
    """Canonical designation of a shape that must belong to ``family`` ('w_shape' or 'hss')."""
    try:
        name = canonical_designation(value, field)
    except ToolInputError as err:
        raise ValueError(err.problem) from None
    if shape_family(name) != family:
        wanted = "a W shape, e.g. 'W250x49'" if family == "w_shape" else "a square HSS, e.g. 'HSS102x102x6.4'"
        raise ValueError(f"{name} is not {wanted}")
    return name


class SteelFrameProblem(ToolInput):
    """One interior bent of a single-storey steel building: two W columns, a W roof beam and, if braced, one diagonal.

    Braced: the beam is pinned to the columns, one HSS diagonal in the bay takes the lateral load and the bases are
    pinned. Moment: the beam-column joints are rigid, there is no brace, and the bases are as `base_fixity` says.
    """

    structure: Literal["steel_frame"] = Field(
        default="steel_frame", description="structure type (discriminator between problem kinds)"
    )
    problem_id: str = Field(default="", max_length=100, description="identifier of the problem, if any")
    location: str = Field(min_length=1, max_length=100, description="site in British Columbia (BCBC 2018 Table C-3)")
    span_m: float = Field(ge=3, le=30, allow_inf_nan=False, description="column centre-line spacing (bay span), m")
    eave_height_m: float = Field(
        ge=3, le=15, allow_inf_nan=False, description="height of the beam (eave) above the column bases, m"
    )
    frame_spacing_m: float = Field(
        ge=3, le=12, allow_inf_nan=False, description="distance between frames along the building: tributary width, m"
    )
    lateral_system: Literal["braced", "moment"] = Field(
        description="'braced': pinned beam, one diagonal HSS brace, pinned bases; 'moment': rigid beam-column joints"
    )
    base_fixity: Literal["pinned", "fixed"] = Field(
        default="pinned", description="column bases of a moment frame; a braced frame has pinned bases"
    )
    roof_dead_kPa: float = Field(
        ge=0.2, le=5, allow_inf_nan=False, description="roof dead load D (deck, insulation, roofing, services), kPa"
    )
    roof_snow_kPa: float = Field(
        ge=0, le=10, allow_inf_nan=False, description="specified roof snow load S (NBC 4.1.6.2, rain included), kPa"
    )
    column: str = Field(min_length=1, max_length=40, description="column W shape, e.g. 'W250x49'")
    beam: str = Field(min_length=1, max_length=40, description="roof beam W shape, e.g. 'W410x54'")
    brace: str | None = Field(
        default=None,
        max_length=40,
        validate_default=True,
        description="brace square HSS, e.g. 'HSS102x102x6.4': required for a braced frame, not given for a moment "
        "frame",
    )
    E_MPa: float = Field(
        default=STEEL_E_MPA,
        ge=150_000,
        le=220_000,
        allow_inf_nan=False,
        description="modulus of elasticity of the steel, MPa (CSA S16: 200 000)",
    )

    @field_validator("column", "beam")
    @classmethod
    def _w_shape(cls, value: str, info: ValidationInfo) -> str:
        return _shape(value, info.field_name or "designation", "w_shape")

    @field_validator("base_fixity")
    @classmethod
    def _pinned_if_braced(cls, value: str, info: ValidationInfo) -> str:
        if value == "fixed" and info.data.get("lateral_system") == "braced":
            raise ValueError("a braced frame here has pinned bases; 'fixed' applies to a moment frame only")
        return value

    @field_validator("brace")
    @classmethod
    def _brace_iff_braced(cls, value: str | None, info: ValidationInfo) -> str | None:
        system = info.data.get("lateral_system")
        if system == "braced" and value is None:
            raise ValueError("a braced frame needs its brace: give a square HSS, e.g. 'HSS102x102x6.4'")
        if system == "moment" and value is not None:
            raise ValueError(f"a moment frame has no brace; remove {value!r} or set lateral_system to 'braced'")
        return None if value is None else _shape(value, "brace", "hss")
