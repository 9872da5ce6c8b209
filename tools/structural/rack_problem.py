"""The structural-problem schema: a storage-rack side frame as the MASSE problems describe it (imperial units).

The field names carry the units the problems are written in (ft, in, lb, ksi); the rack check converts them to SI
with pint before any calculation. ``RackProblem.from_masse_record`` reads the MASSE dataset's record layout (string
numbers, braces as "(x, y)" strings), which is also the shape an LLM extraction step can target.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from ..registry import ToolInputError

_POINT = re.compile(r"^\s*\(?\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*\)?\s*$")


def _bottom_up(levels: list[float]) -> list[float]:
    if any(level <= 0 for level in levels):
        raise ValueError("every level must be above the floor (> 0 ft)")
    if any(b <= a for a, b in zip(levels, levels[1:], strict=False)):
        raise ValueError(f"levels must be listed from the bottom up without repeats, got {levels}")
    return levels


def _non_negative(weights: list[float]) -> list[float]:
    if any(weight < 0 for weight in weights):
        raise ValueError("pallet weights cannot be negative")
    return weights


LevelElevationsFt = Annotated[
    list[float],
    Field(min_length=1, max_length=20, description="beam-level heights, ft, from the bottom up"),
    AfterValidator(_bottom_up),
]
PalletWeightsLb = Annotated[
    list[float],
    Field(min_length=1, max_length=20, description="weight of ONE pallet at each level, lb (same order as the levels)"),
    AfterValidator(_non_negative),
]


def check_one_weight_per_level(levels: list[float], weights: list[float]) -> None:
    """A rack problem gives one pallet weight per beam level."""
    if len(weights) != len(levels):
        raise ValueError(f"pallet_weights_lb has {len(weights)} entries but there are {len(levels)} levels")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PointFt(_Strict):
    """A point of the side-frame elevation: x across the frame from the left post, y up from the floor (ft)."""

    x_ft: float = Field(ge=0, description="horizontal distance from the left post, ft")
    y_ft: float = Field(ge=0, description="height above the floor, ft")

    @model_validator(mode="before")
    @classmethod
    def _from_text_or_pair(cls, value: Any) -> Any:
        # MASSE writes points as "(0, 0.5)"; a JSON pair [0, 0.5] is accepted too.
        if isinstance(value, str):
            match = _POINT.match(value)
            if not match:
                raise ValueError(f"{value!r} is not a point; expected '(x, y)' in feet")
            return {"x_ft": float(match.group(1)), "y_ft": float(match.group(2))}
        if isinstance(value, list | tuple):
            if len(value) != 2:
                raise ValueError(f"a point needs 2 coordinates (x, y), got {len(value)}")
            return {"x_ft": value[0], "y_ft": value[1]}
        return value


class BraceFt(_Strict):
    """One pin-ended diagonal or horizontal brace between two points on the posts."""

    start: PointFt
    end: PointFt

    @model_validator(mode="before")
    @classmethod
    def _from_pair(cls, value: Any) -> Any:
        if isinstance(value, list | tuple):
            if len(value) != 2:
                raise ValueError(f"a brace needs 2 end points, got {len(value)}")
            return {"start": value[0], "end": value[1]}
        return value


class ChannelIn(_Strict):
    """A cold-formed U-channel (no lips): web `depth_in` between two flanges `width_in` wide, thickness t."""

    width_in: float = Field(gt=0, le=40, description="flange width (out-to-out), in")
    depth_in: float = Field(gt=0, le=40, description="web depth (out-to-out), in")
    thickness_in: float = Field(gt=0, le=2, description="wall thickness, in")

    @model_validator(mode="after")
    def _walls_fit(self) -> ChannelIn:
        if 2 * self.thickness_in >= self.depth_in or self.thickness_in >= self.width_in:
            raise ValueError(
                f"thickness_in {self.thickness_in} is too large for a {self.depth_in} × {self.width_in} in channel"
            )
        return self


class RackProblem(_Strict):
    """A pallet-rack side frame (upright frame): two posts joined by pin-ended braces, loaded by pallets per level."""

    problem_id: str = Field(default="", max_length=100, description="identifier of the problem, if any")
    location: str = Field(min_length=1, max_length=100, description="site in British Columbia (BCBC 2018 Table C-3)")
    bays: int = Field(ge=1, le=100, description="number of bays along the aisle")
    pallets_per_beam: int = Field(ge=1, le=10, description="pallets resting on each pair of load beams")
    beam_length_ft: float = Field(gt=0, le=50, description="load-beam length (bay width), ft")
    frame_width_ft: float = Field(gt=0, le=20, description="clear distance between the two posts of the frame, ft")
    frame_height_ft: float = Field(gt=0, le=100, description="post height, ft")
    level_elevations_ft: LevelElevationsFt
    pallet_weights_lb: PalletWeightsLb
    braces: list[BraceFt] = Field(min_length=1, max_length=100, description="brace end points, ft")
    column: ChannelIn = Field(description="post (upright) section")
    brace_section: ChannelIn = Field(description="brace section")
    E_ksi: float = Field(default=29000.0, gt=0, le=50000, description="modulus of elasticity of the steel, ksi")

    @model_validator(mode="after")
    def _consistent(self) -> RackProblem:
        check_one_weight_per_level(self.level_elevations_ft, self.pallet_weights_lb)
        if self.level_elevations_ft[-1] > self.frame_height_ft:
            raise ValueError(
                f"the top level ({self.level_elevations_ft[-1]} ft) is above the posts ({self.frame_height_ft} ft)"
            )
        for index, brace in enumerate(self.braces):
            for end in ("start", "end"):
                point: PointFt = getattr(brace, end)
                if not any(abs(point.x_ft - x) < 1e-6 for x in (0.0, self.frame_width_ft)):
                    raise ValueError(
                        f"braces.{index}.{end}: ({point.x_ft}, {point.y_ft}) is not on a post "
                        f"(x = 0 or x = {self.frame_width_ft} ft)"
                    )
                if point.y_ft > self.frame_height_ft:
                    raise ValueError(f"braces.{index}.{end}: y = {point.y_ft} ft is above the posts")
            if brace.start == brace.end:
                raise ValueError(f"braces.{index}: both ends are the same point")
        return self

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> RackProblem:
        """Build from a JSON object in either layout: this schema's fields, or a MASSE dataset record."""
        return cls.from_masse_record(record) if "floor_elevations" in record else cls.model_validate(record)

    @classmethod
    def from_masse_record(cls, record: dict[str, Any]) -> RackProblem:
        """Build from a record of MASSE's ``problem_descriptions.json`` (string numbers, "(x, y)" points)."""
        column, brace = record.get("column_dimensions", {}), record.get("brace_dimensions", {})
        for key, dimensions in (("column_dimensions", column), ("brace_dimensions", brace)):
            if not isinstance(dimensions, dict):  # read with .get below: anything else would be a crash, not an error
                raise ToolInputError(key, "expected an object with width, depth and thickness")
        return cls(
            problem_id=str(record.get("problem_id", "")),
            location=record.get("location", ""),
            bays=record.get("num_bays"),
            pallets_per_beam=record.get("pallets_per_beam"),
            beam_length_ft=record.get("beam_length"),
            frame_width_ft=record.get("width"),
            frame_height_ft=record.get("height"),
            level_elevations_ft=record.get("floor_elevations"),
            pallet_weights_lb=record.get("floor_loads"),
            braces=record.get("brace_elements"),
            column={k: column.get(k.removesuffix("_in")) for k in ("width_in", "depth_in", "thickness_in")},
            brace_section={k: brace.get(k.removesuffix("_in")) for k in ("width_in", "depth_in", "thickness_in")},
        )
