"""The plane-frame model `frame_analysis` reads and the results it reports (SI units in every field name).

Kept apart from the analysis so that model builders (the rack check, an agent that reads a frame from a problem)
depend on the data shapes only.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, FiniteFloat

from ..registry import ToolInput, ToolOutput

__all__ = [
    "load_direction",
    "DisplacementSummary",
    "EquilibriumCheck",
    "FrameInput",
    "FrameMember",
    "FrameNode",
    "FrameOutput",
    "LoadCase",
    "LoadCombination",
    "MemberDistributedLoad",
    "MemberPointLoad",
    "MemberResult",
    "NodalLoad",
    "NodeDisplacement",
    "ResultSet",
    "Support",
    "SupportReaction",
]

MAX_NODES = 2000
MAX_MEMBERS = 4000
MAX_LOAD_CASES = 50
MAX_COMBINATIONS = 100
MAX_COORDINATE_M = 10_000.0


Name = Annotated[str, Field(min_length=1, max_length=64)]
Coordinate = Annotated[FiniteFloat, Field(ge=-MAX_COORDINATE_M, le=MAX_COORDINATE_M)]
LoadDirection = Literal["global_x", "global_y", "local_y"]


def load_direction(direction: LoadDirection, cx: float, cy: float) -> tuple[float, float]:
    """Unit vector of a member load's direction on a member with direction cosines (cx, cy).

    Local y is the member's local x turned 90 degrees counter-clockwise: (-cy, cx).
    """
    return {"global_x": (1.0, 0.0), "global_y": (0.0, 1.0), "local_y": (-cy, cx)}[direction]


class FrameNode(ToolInput):
    """A joint of the frame, in the X–Y plane (Y up)."""

    name: Name = Field(description="unique node name, e.g. 'A' or 'N3'")
    x_m: Coordinate = Field(description="global X coordinate (horizontal), m")
    y_m: Coordinate = Field(description="global Y coordinate (vertical, up), m")


class FrameMember(ToolInput):
    """A straight prismatic member between two nodes."""

    name: Name = Field(description="unique member name")
    start: Name = Field(description="name of the start node (the member's local x runs from start to end)")
    end: Name = Field(description="name of the end node")
    kind: Literal["beam_column", "truss"] = Field(
        default="beam_column",
        description="'beam_column': axial and bending stiffness, ends rigidly connected unless released; 'truss': "
        "pin-ended bar carrying axial force only (no member loads allowed on it)",
    )
    E_MPa: FiniteFloat = Field(gt=0, description="modulus of elasticity, MPa (steel 200000)")
    A_mm2: FiniteFloat = Field(gt=0, description="cross-section area, mm^2")
    I_mm4: FiniteFloat | None = Field(
        default=None,
        gt=0,
        description="second moment of area for in-plane bending, mm^4; required for beam_column, ignored for truss",
    )
    release_start_moment: bool = Field(
        default=False, description="beam_column only: pinned (moment-free) connection at the start node"
    )
    release_end_moment: bool = Field(
        default=False, description="beam_column only: pinned (moment-free) connection at the end node"
    )


class Support(ToolInput):
    """Restraints at a node: fixed = ux, uy and rz all true; pinned = ux and uy; roller = one of ux, uy."""

    node: Name = Field(description="name of the supported node")
    ux: bool = Field(description="translation in global X restrained")
    uy: bool = Field(description="translation in global Y restrained")
    rz: bool = Field(description="rotation about Z restrained")


class NodalLoad(ToolInput):
    """Concentrated force and moment at a node, in global directions."""

    node: Name = Field(description="name of the loaded node")
    fx_kN: FiniteFloat = Field(default=0.0, description="force in global +X, kN")
    fy_kN: FiniteFloat = Field(default=0.0, description="force in global +Y (up), kN; gravity loads are negative")
    mz_kNm: FiniteFloat = Field(default=0.0, description="moment about +Z (counter-clockwise positive), kN m")


class MemberDistributedLoad(ToolInput):
    """A uniformly distributed load over the full length of a beam_column member."""

    member: Name = Field(description="name of the loaded beam_column member")
    direction: LoadDirection = Field(
        description="'global_x', 'global_y' (up; gravity is negative) or 'local_y' (perpendicular to the member, "
        "towards its local +y); the intensity is per metre of member length, not of its projection"
    )
    w_kN_per_m: FiniteFloat = Field(description="load intensity along the direction, kN/m")


class MemberPointLoad(ToolInput):
    """A concentrated force on a beam_column member."""

    member: Name = Field(description="name of the loaded beam_column member")
    direction: LoadDirection = Field(
        description="'global_x', 'global_y' (up; gravity is negative) or 'local_y' (perpendicular to the member)"
    )
    p_kN: FiniteFloat = Field(description="force along the direction, kN")
    distance_m: FiniteFloat = Field(ge=0, description="distance from the member's start node, m (0 to its length)")


class LoadCase(ToolInput):
    """One load case (e.g. dead, live, wind): the loads that act together with factor 1."""

    name: Name = Field(description="unique load case name, e.g. 'D' or 'L'")
    nodal_loads: list[NodalLoad] = Field(default_factory=list, description="forces and moments at nodes")
    member_distributed_loads: list[MemberDistributedLoad] = Field(
        default_factory=list, description="uniform loads along beam_column members"
    )
    member_point_loads: list[MemberPointLoad] = Field(
        default_factory=list, description="concentrated forces on beam_column members"
    )


class LoadCombination(ToolInput):
    """A factored sum of load cases, e.g. {'D': 1.25, 'L': 1.5}."""

    name: Name = Field(description="unique combination name, e.g. '1.25D+1.5L'")
    factors: dict[Name, FiniteFloat] = Field(min_length=1, description="load factor per load case name")


class FrameInput(ToolInput):
    """A plane (2D) frame or truss in the X–Y plane (Y up) with its supports, load cases and combinations.

    Units: coordinates in m, E in MPa, A in mm^2, I in mm^4, forces in kN, moments in kN m, distributed loads in
    kN/m. Every member end at a node is rigidly connected unless the member is a truss or the end is released.
    """

    nodes: list[FrameNode] = Field(min_length=2, max_length=MAX_NODES, description="the joints")
    members: list[FrameMember] = Field(min_length=1, max_length=MAX_MEMBERS, description="the members")
    supports: list[Support] = Field(description="the restrained nodes (at least one), one entry per node")
    load_cases: list[LoadCase] = Field(min_length=1, max_length=MAX_LOAD_CASES, description="the load cases")
    combinations: list[LoadCombination] | None = Field(
        default=None,
        max_length=MAX_COMBINATIONS,
        description="factored combinations; when given, results are reported per combination only, otherwise per "
        "load case",
    )


class NodeDisplacement(ToolOutput):
    node: str = Field(description="node name")
    ux_mm: float = Field(description="displacement in global X, mm")
    uy_mm: float = Field(description="displacement in global Y (up), mm")
    rz_rad: float = Field(description="rotation about Z, counter-clockwise positive, rad (0 at a truss joint)")


class SupportReaction(ToolOutput):
    node: str = Field(description="supported node")
    rx_kN: float = Field(description="reaction force in global X on the structure, kN (0 if ux is free)")
    ry_kN: float = Field(description="reaction force in global Y on the structure, kN (0 if uy is free)")
    mz_kNm: float = Field(description="reaction moment about Z on the structure, kN m (0 if rz is free)")


class MemberResult(ToolOutput):
    member: str = Field(description="member name")
    length_m: float = Field(description="member length, m")
    axial_start_kN: float = Field(description="axial force N at the start, tension positive, kN")
    shear_start_kN: float = Field(description="shear force V at the start (local y, V = dM/dx), kN")
    moment_start_kNm: float = Field(description="bending moment M at the start (+ = tension on local -y face), kN m")
    axial_end_kN: float = Field(description="axial force N at the end, tension positive, kN")
    shear_end_kN: float = Field(description="shear force V at the end, kN")
    moment_end_kNm: float = Field(description="bending moment M at the end, kN m")
    max_abs_moment_kNm: float = Field(description="largest |M| along the member (may be inside the span), kN m")
    max_abs_shear_kN: float = Field(description="largest |V| along the member, kN")
    max_span_deflection_mm: float = Field(
        description="largest deflection perpendicular to the member measured from the chord joining its displaced "
        "ends (the span deflection of a beam), sampled at 101 equally spaced points, mm"
    )
    max_tension_kN: float = Field(description="largest tension along the member, kN (0 if never in tension)")
    max_compression_kN: float = Field(
        description="largest compression along the member as a positive number, kN (0 if never in compression)"
    )


class EquilibriumCheck(ToolOutput):
    residual_fx_kN: float = Field(description="|sum of applied X forces + X reactions|, kN")
    residual_fy_kN: float = Field(description="|sum of applied Y forces + Y reactions|, kN")
    residual_mz_kNm: float = Field(description="|sum of moments about the origin of loads and reactions|, kN m")
    relative_residual: float = Field(
        description="largest residual relative to the applied loads (forces over the sum of |applied force "
        "components|, moment over that sum times the largest node distance from the origin plus the sum of "
        "|applied moments|); round-off size (~1e-12) for a correct solution, 0 when nothing is applied"
    )


class DisplacementSummary(ToolOutput):
    max_abs_ux_mm: float = Field(description="largest |ux| over the nodes, mm")
    max_abs_ux_node: str = Field(description="node where it occurs")
    max_abs_uy_mm: float = Field(description="largest |uy| over the nodes, mm")
    max_abs_uy_node: str = Field(description="node where it occurs")
    max_displacement_mm: float = Field(description="largest resultant nodal translation sqrt(ux^2 + uy^2), mm")
    max_displacement_node: str = Field(description="node where it occurs")
    max_column_drift_ratio: float | None = Field(
        description="largest |ux(top) - ux(bottom)| / height over the vertical members (storey drift ratio of a "
        "column segment); null when no member is vertical"
    )
    max_column_drift_member: str | None = Field(description="vertical member where it occurs")


class ResultSet(ToolOutput):
    name: str = Field(description="load case or combination name")
    kind: Literal["load_case", "combination"] = Field(description="what the name refers to")
    factors: dict[str, float] = Field(description="load factor per load case in this result set")
    displacements: list[NodeDisplacement] = Field(description="nodal displacements, in input node order")
    reactions: list[SupportReaction] = Field(description="support reactions, in input support order")
    members: list[MemberResult] = Field(description="member forces, in input member order")
    equilibrium: EquilibriumCheck = Field(description="global equilibrium check of this result")
    summary: DisplacementSummary = Field(description="largest displacements and column drift")


class FrameOutput(ToolOutput):
    results: list[ResultSet] = Field(description="one result set per combination (or per load case if none)")
    sign_conventions: str = Field(description="axes and sign conventions of every number reported")
    rotation_restrained_nodes: list[str] = Field(
        description="truss joints (only moment-released member ends meet there) whose free rotation was held "
        "automatically; it carries no moment"
    )
