"""`storage_rack_loads`: the pallet loads per beam level that one upright (side) frame of a pallet rack carries.

Each pallet sits on a front and a back load beam, and each beam hands half its load to the frame at either end, so
an interior frame of a multi-bay rack carries half of each neighbouring bay (one bay's pallets per level) and an end
frame half a bay. Half of the frame's load goes down each of its two posts.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from ..registry import ToolInput, ToolOutput, register_tool
from ..units import ureg
from .rack_problem import LevelElevationsFt, PalletWeightsLb, check_one_weight_per_level

__all__ = ["RackLevelLoad", "StorageRackLoadsInput", "StorageRackLoadsOutput", "storage_rack_loads"]


class StorageRackLoadsInput(ToolInput):
    """The pallets of a selective pallet rack, level by level (imperial units, as rack problems are written)."""

    bays: int = Field(ge=1, le=100, description="number of bays along the aisle")
    pallets_per_beam: int = Field(ge=1, le=10, description="pallets resting on each pair of load beams")
    level_elevations_ft: LevelElevationsFt
    pallet_weights_lb: PalletWeightsLb
    frame: Literal["interior", "end"] | None = Field(
        default=None, description="which upright frame: 'interior' (default when bays ≥ 2) or 'end'"
    )
    seismic_weight_fraction: float = Field(
        default=1.0, gt=0, le=1, description="share of the pallet load counted as seismic weight at each level"
    )

    @model_validator(mode="after")
    def _consistent(self) -> StorageRackLoadsInput:
        check_one_weight_per_level(self.level_elevations_ft, self.pallet_weights_lb)
        if self.frame == "interior" and self.bays < 2:
            raise ValueError("frame: a single-bay rack has no interior frame")
        return self


class RackLevelLoad(ToolOutput):
    elevation_ft: float = Field(description="beam level height, ft")
    elevation_m: float = Field(description="beam level height, m")
    pallets_on_frame: float = Field(description="pallets whose weight this frame carries at the level")
    frame_load_kN: float = Field(description="gravity load the frame carries at the level, kN")
    frame_load_lb: float = Field(description="the same in lb")
    post_load_kN: float = Field(description="gravity load on each of the two posts at the level, kN")
    seismic_weight_kN: float = Field(description="seismic weight Wx lumped at the level, kN")


class StorageRackLoadsOutput(ToolOutput):
    frame: Literal["interior", "end"] = Field(description="the frame the loads are for")
    share_of_bay: float = Field(description="the bays' worth of pallets this frame carries per level (1 or 0.5)")
    levels: list[RackLevelLoad] = Field(description="one entry per beam level, lowest first")
    total_frame_load_kN: float = Field(description="sum of the frame's level loads, kN")
    total_seismic_weight_kN: float = Field(description="sum of the seismic weights, kN")


@register_tool("storage_rack_loads")
def storage_rack_loads(inp: StorageRackLoadsInput) -> StorageRackLoadsOutput:
    """Pallet loads per beam level on one upright frame of a pallet rack, per post and as seismic weight.

    Levels are given and reported from the bottom up.
    """
    frame = inp.frame or ("interior" if inp.bays >= 2 else "end")
    share = 1.0 if frame == "interior" else 0.5
    levels = []
    for height, weight in zip(inp.level_elevations_ft, inp.pallet_weights_lb, strict=True):
        pallets = share * inp.pallets_per_beam
        load_lb = pallets * weight
        load_kN = ureg.Quantity(load_lb, "lbf").to("kN").magnitude
        levels.append(
            RackLevelLoad(
                elevation_ft=height,
                elevation_m=ureg.Quantity(height, "ft").to("m").magnitude,
                pallets_on_frame=pallets,
                frame_load_kN=load_kN,
                frame_load_lb=load_lb,
                post_load_kN=load_kN / 2,
                seismic_weight_kN=inp.seismic_weight_fraction * load_kN,
            )
        )
    return StorageRackLoadsOutput(
        frame=frame,
        share_of_bay=share,
        levels=levels,
        total_frame_load_kN=sum(level.frame_load_kN for level in levels),
        total_seismic_weight_kN=sum(level.seismic_weight_kN for level in levels),
    )
