"""`rack_check`: a pallet-rack side frame checked end to end by the tools alone, from location to verdict.

seismic_hazard → storage_rack_loads → seismic_base_shear → frame model → load_combinations →
frame_analysis → section_properties → member_checks → ADEQUATE / INADEQUATE. This is MASSE's workflow with every
number computed by a tool, so it is both a product feature and the reference an agent's report is checked against.
Each step's full tool output is kept in the result, and every modelling choice is listed in `assumptions`.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import Field

from ..registry import ToolInput, ToolOutput, register_tool
from ..units import ureg
from .base_shear import SeismicBaseShearInput, SeismicBaseShearOutput, SeismicLevel, compute_base_shear
from .frame import analyse_frame
from .frame_model import FrameInput, FrameMember, FrameNode, FrameOutput, LoadCase, LoadCombination, NodalLoad, Support
from .hazard import SeismicHazardInput, SeismicHazardOutput, seismic_hazard
from .load_combinations import LoadCombinationsInput, compute_load_combinations
from .member_checks import Member, MemberChecksInput, MemberChecksOutput, member_checks
from .rack_loads import StorageRackLoadsInput, StorageRackLoadsOutput, storage_rack_loads
from .rack_problem import PointFt, RackProblem
from .sections import SectionPropertiesInput, SectionPropertiesOutput, section_properties

STEEL_UNIT_WEIGHT_KN_M3 = 77.0  # 7850 kg/m³ × g
POST_LINES = ("left", "right")


class RackDesignBasis(ToolInput):
    """Design choices of the check; the defaults are MASSE's for its racks where it states them."""

    Fy_MPa: float = Field(
        default=350.0, gt=0, le=1000, description="steel yield stress, MPa (350 = CSA G40.21 350W; MASSE used 50.8 ksi)"
    )
    Rd: float = Field(default=1.5, gt=0, le=5, description="ductility-related force modification factor (MASSE 1.5)")
    Ro: float = Field(default=1.3, gt=0, le=2, description="overstrength-related force modification factor (MASSE 1.3)")
    importance_factor: float = Field(default=1.0, gt=0, le=1.5, description="earthquake importance factor IE")
    seismic_weight_fraction: float = Field(
        default=1.0,
        gt=0,
        le=1,
        description="share of the pallet load counted as seismic weight: 1.0 (full contents, conservative in the "
        "cross-aisle direction); NBC 4.1.8.2 counts 60% of floor storage loads, MASSE used 0.8",
    )
    base_fixity: Literal["fixed", "pinned"] = Field(
        default="fixed", description="post bases: 'fixed' as the MASSE problems state, or 'pinned' base plates"
    )
    K: float = Field(default=1.0, gt=0, le=3, description="effective length factor of posts and braces")


class RackCheckInput(ToolInput):
    """A rack side-frame problem and the design basis to check it with."""

    problem: RackProblem = Field(description="the rack as the problem states it (imperial units)")
    basis: RackDesignBasis = Field(default_factory=RackDesignBasis, description="design choices")


class LevelLoad(ToolOutput):
    elevation_m: float = Field(description="beam level height above the floor, m")
    pallet_load_kN: float = Field(description="gravity load of the pallets carried by this frame at the level, kN")
    seismic_weight_kN: float = Field(description="seismic weight Wx lumped at the level, kN")
    seismic_force_kN: float = Field(description="lateral force Fx at the level (4.1.8.11.(7)), kN")


class MemberVerdict(ToolOutput):
    member: str = Field(description="frame member (post segment or brace)")
    role: str = Field(description="post or brace")
    combination: str = Field(description="the load combination that governs this member")
    axial_kN: float = Field(description="axial force in that combination, tension positive, kN")
    moment_kNm: float = Field(description="largest |M| along the member in that combination, kN m")
    governing_check: str | None = Field(description="the governing CSA S16 check")
    utilisation: float = Field(description="demand / resistance of the governing check")
    status: Literal["ADEQUATE", "INADEQUATE"]


class RackCheckOutput(ToolOutput):
    problem_id: str
    verdict: Literal["ADEQUATE", "INADEQUATE"] = Field(description="ADEQUATE only if every member passes")
    governing_member: str
    max_utilisation: float
    hazard: SeismicHazardOutput
    level_loads: list[LevelLoad] = Field(description="loads per beam level, lowest first")
    base_shear: SeismicBaseShearOutput
    post_section: SectionPropertiesOutput
    brace_section: SectionPropertiesOutput
    frame: FrameInput = Field(description="the analysis model that was built (SI units)")
    analysis: FrameOutput
    members: list[MemberVerdict] = Field(description="each member under its governing combination")
    checks: MemberChecksOutput = Field(description="the CSA S16 checks of every member in every combination")
    assumptions: list[str]


def _m(feet: float) -> float:
    return ureg.Quantity(feet, "ft").to("m").magnitude


def _mm(inches: float) -> float:
    return ureg.Quantity(inches, "inch").to("mm").magnitude


def _channel(dims) -> SectionPropertiesOutput:
    """Properties of a problem's U-channel; the web is `depth_in`, bending in the frame plane is about x-x."""
    section = {
        "shape": "channel",
        "depth_mm": _mm(dims.depth_in),
        "flange_width_mm": _mm(dims.width_in),
        "thickness_mm": _mm(dims.thickness_in),
    }
    return section_properties(SectionPropertiesInput.model_validate({"section": section}))


def _post_of(problem: RackProblem, point: PointFt) -> str:
    """The post line ('left' or 'right') a brace end lies on (the schema guarantees it lies on one)."""
    return "left" if point.x_ft < problem.frame_width_ft / 2 else "right"


def _brace_heights(problem: RackProblem) -> dict[str, list[float]]:
    """Heights (ft) where braces meet each post, sorted and de-duplicated: the post's in-plane brace points."""
    heights: dict[str, set[float]] = {line: set() for line in POST_LINES}
    for brace in problem.braces:
        for point in (brace.start, brace.end):
            heights[_post_of(problem, point)].add(point.y_ft)
    return {line: sorted(values) for line, values in heights.items()}


def _post_nodes(problem: RackProblem) -> dict[str, list[float]]:
    """Node heights (ft) on each post: base, top, beam levels and every brace end, sorted and de-duplicated."""
    fixed = {0.0, problem.frame_height_ft, *problem.level_elevations_ft}
    return {line: sorted(fixed.union(braced)) for line, braced in _brace_heights(problem).items()}


def _node_name(line: str, height_ft: float) -> str:
    return f"{line[0].upper()}@{height_ft:g}ft"


def build_side_frame(
    problem: RackProblem,
    basis: RackDesignBasis,
    post: SectionPropertiesOutput,
    brace: SectionPropertiesOutput,
    pallet_loads_kN: list[float],
    seismic_forces_kN: list[float],
    combinations: list[LoadCombination],
) -> FrameInput:
    """The side frame as a plane frame: posts as beam-columns split at every node, braces as pin-ended trusses.

    Load cases: D (member self-weight lumped at the member ends), L (pallet loads, half on each post at the level)
    and E (the level's seismic force, half at each post, acting +X).
    """
    E_MPa = ureg.Quantity(problem.E_ksi, "ksi").to("MPa").magnitude
    heights = _post_nodes(problem)
    x_of = {"left": 0.0, "right": _m(problem.frame_width_ft)}
    nodes = [
        FrameNode(name=_node_name(line, h), x_m=x_of[line], y_m=_m(h)) for line in POST_LINES for h in heights[line]
    ]
    members: list[FrameMember] = []
    for line in POST_LINES:
        for index, (low, high) in enumerate(zip(heights[line], heights[line][1:], strict=False), start=1):
            members.append(
                FrameMember(
                    name=f"{line}_post_{index}", start=_node_name(line, low), end=_node_name(line, high),
                    kind="beam_column", E_MPa=E_MPa, A_mm2=post.area_mm2, I_mm4=post.Ix_mm4,
                )
            )  # fmt: skip
    for index, member in enumerate(problem.braces, start=1):
        ends = [_node_name(_post_of(problem, p), p.y_ft) for p in (member.start, member.end)]
        members.append(
            FrameMember(
                name=f"brace_{index}", start=ends[0], end=ends[1], kind="truss", E_MPa=E_MPa, A_mm2=brace.area_mm2
            )
        )
    xy = {node.name: (node.x_m, node.y_m) for node in nodes}
    dead: dict[str, float] = {}
    for member in members:
        (x1, y1), (x2, y2) = xy[member.start], xy[member.end]
        weight_kN = member.A_mm2 * 1e-6 * math.hypot(x2 - x1, y2 - y1) * STEEL_UNIT_WEIGHT_KN_M3
        for end in (member.start, member.end):
            dead[end] = dead.get(end, 0.0) + weight_kN / 2
    live, quake = [], []
    for height, load, force in zip(problem.level_elevations_ft, pallet_loads_kN, seismic_forces_kN, strict=True):
        for line in POST_LINES:
            live.append(NodalLoad(node=_node_name(line, height), fy_kN=-load / 2))
            quake.append(NodalLoad(node=_node_name(line, height), fx_kN=force / 2))
    fixed = basis.base_fixity == "fixed"
    return FrameInput(
        nodes=nodes,
        members=members,
        supports=[Support(node=_node_name(line, 0.0), ux=True, uy=True, rz=fixed) for line in POST_LINES],
        load_cases=[
            LoadCase(name="D", nodal_loads=[NodalLoad(node=name, fy_kN=-w) for name, w in dead.items()]),
            LoadCase(name="L", nodal_loads=live),
            LoadCase(name="E", nodal_loads=quake),
        ],
        combinations=combinations,
    )


def _panel_length_ft(problem: RackProblem, low: float, high: float, braced: list[float]) -> float:
    """Unbraced length in the frame plane of the post segment [low, high]: the brace panel containing it."""
    below = max((h for h in braced if h <= low + 1e-9), default=0.0)
    above = min((h for h in braced if h >= high - 1e-9), default=problem.frame_height_ft)
    return above - below


def _level_spacing_ft(problem: RackProblem, low: float, high: float) -> float:
    """Unbraced length out of the frame plane: between the beam levels (and floor, top) around the segment."""
    stops = [0.0, *problem.level_elevations_ft, problem.frame_height_ft]
    below = max(h for h in stops if h <= low + 1e-9)
    above = min(h for h in stops if h >= high - 1e-9)
    return above - below


def _effective_lengths(
    problem: RackProblem, frame: FrameInput, post: SectionPropertiesOutput, brace: SectionPropertiesOutput
) -> dict[str, tuple[float, float]]:
    """Per member the buckling length (mm) and radius of gyration (mm) of its more slender axis."""
    xy = {node.name: (node.x_m, node.y_m) for node in frame.nodes}
    braced = _brace_heights(problem)
    lengths: dict[str, tuple[float, float]] = {}
    for member in frame.members:
        (x1, y1), (x2, y2) = xy[member.start], xy[member.end]
        if member.kind == "truss":
            lengths[member.name] = (math.hypot(x2 - x1, y2 - y1) * 1000, brace.r_min_mm)
            continue
        line = "left" if member.name.startswith("left") else "right"
        low_ft, high_ft = (ureg.Quantity(y, "m").to("ft").magnitude for y in (y1, y2))
        in_plane = _mm(12 * _panel_length_ft(problem, low_ft, high_ft, braced[line]))
        out_of_plane = _mm(12 * _level_spacing_ft(problem, low_ft, high_ft))
        slender_in_plane = in_plane / post.rx_mm >= out_of_plane / post.ry_mm
        lengths[member.name] = (in_plane, post.rx_mm) if slender_in_plane else (out_of_plane, post.ry_mm)
    return lengths


def _members_to_check(
    problem: RackProblem,
    basis: RackDesignBasis,
    frame: FrameInput,
    analysis: FrameOutput,
    post: SectionPropertiesOutput,
    brace: SectionPropertiesOutput,
) -> list[Member]:
    """One CSA S16 check entry per member and combination ("member | combination"), forces from the analysis."""
    lengths = _effective_lengths(problem, frame, post, brace)
    entries = []
    for result in analysis.results:
        for force in result.members:
            is_brace = force.member.startswith("brace")
            section = brace if is_brace else post
            L_mm, r_mm = lengths[force.member]
            compression = force.max_compression_kN
            entries.append(
                Member(
                    name=f"{force.member} | {result.name}",
                    role="brace" if is_brace else "post",
                    A_mm2=section.area_mm2, r_mm=r_mm, I_mm4=section.Ix_mm4, S_mm3=section.Sx_mm3,
                    section_class=3, Fy_MPa=basis.Fy_MPa, K=basis.K, L_mm=L_mm, cold_formed=True,
                    Cf_kN=compression, Tf_kN=force.max_tension_kN if compression == 0 else 0.0,
                    Mf_kNm=0.0 if is_brace else force.max_abs_moment_kNm,
                )
            )  # fmt: skip
    return entries


def governing_per_member(checks: MemberChecksOutput, analysis: FrameOutput) -> list[MemberVerdict]:
    forces = {(f.member, r.name): f for r in analysis.results for f in r.members}
    best: dict[str, MemberVerdict] = {}
    for result in checks.members:
        member, combination = result.name.split(" | ", 1)
        force = forces[(member, combination)]
        axial = force.max_tension_kN if force.max_compression_kN == 0 else -force.max_compression_kN
        verdict = MemberVerdict(
            member=member, role=result.role, combination=combination, axial_kN=axial,
            moment_kNm=force.max_abs_moment_kNm, governing_check=result.governing_check,
            utilisation=result.utilisation, status=result.status,
        )  # fmt: skip
        if member not in best or verdict.utilisation > best[member].utilisation:
            best[member] = verdict
    return list(best.values())


def rack_loads(problem: RackProblem, basis: RackDesignBasis) -> StorageRackLoadsOutput:
    """Step: the pallet loads per level on the most loaded frame (storage_rack_loads)."""
    return storage_rack_loads(
        StorageRackLoadsInput(
            bays=problem.bays,
            pallets_per_beam=problem.pallets_per_beam,
            level_elevations_ft=problem.level_elevations_ft,
            pallet_weights_lb=problem.pallet_weights_lb,
            seismic_weight_fraction=basis.seismic_weight_fraction,
        )
    )


def rack_base_shear(
    hazard: SeismicHazardOutput, loads: StorageRackLoadsOutput, basis: RackDesignBasis
) -> SeismicBaseShearOutput:
    """Step: NBC 4.1.8.11 base shear and level forces, the rack taken as a braced frame on site class C."""
    return compute_base_shear(
        SeismicBaseShearInput(
            **{key: getattr(hazard, key) for key in ("Sa_0_2", "Sa_0_5", "Sa_1_0", "Sa_2_0", "Sa_5_0", "Sa_10_0")},
            PGA=hazard.PGA,
            site_class="C",
            levels=[
                SeismicLevel(name=f"level {i}", height_m=level.elevation_m, weight_kN=level.seismic_weight_kN)
                for i, level in enumerate(loads.levels, start=1)
            ],
            structure_type="braced_frame",
            importance_factor=basis.importance_factor,
            Rd=basis.Rd,
            Ro=basis.Ro,
        )
    )


def rack_combinations() -> list[LoadCombination]:
    """Step: the NBC Table 4.1.3.2.-A combinations of D, L (storage) and ±E, as frame-analysis combinations."""
    factor_sets = compute_load_combinations(LoadCombinationsInput(D=1.0, L=1.0, E=1.0, storage_occupancy=True))
    return [LoadCombination(name=c.name, factors=c.factors) for c in factor_sets.uls_combinations]


def rack_sections(problem: RackProblem) -> tuple[SectionPropertiesOutput, SectionPropertiesOutput]:
    """Step: properties of the post and brace channels."""
    return _channel(problem.column), _channel(problem.brace_section)


def check_rack_members(
    problem: RackProblem,
    basis: RackDesignBasis,
    frame: FrameInput,
    analysis: FrameOutput,
    post: SectionPropertiesOutput,
    brace: SectionPropertiesOutput,
) -> tuple[MemberChecksOutput, list[MemberVerdict]]:
    """Step: CSA S16 checks of every member in every combination, and each member's governing combination."""
    checks = member_checks(MemberChecksInput(members=_members_to_check(problem, basis, frame, analysis, post, brace)))
    return checks, governing_per_member(checks, analysis)


def level_loads(loads: StorageRackLoadsOutput, base_shear: SeismicBaseShearOutput) -> list[LevelLoad]:
    """The per-level summary of gravity load, seismic weight and seismic force."""
    return [
        LevelLoad(
            elevation_m=level.elevation_m,
            pallet_load_kN=level.frame_load_kN,
            seismic_weight_kN=force.weight_kN,
            seismic_force_kN=force.Fx_kN,
        )
        for level, force in zip(loads.levels, base_shear.levels, strict=True)
    ]


@register_tool("rack_check")
def rack_check(inp: RackCheckInput) -> RackCheckOutput:
    """Check a pallet-rack side frame end to end: hazard, base shear, frame analysis, CSA S16 checks, verdict.

    Chains seismic_hazard → storage_rack_loads → seismic_base_shear (NBC 2015 4.1.8.11, braced frame, site class C)
    → load_combinations (NBC Table 4.1.3.2.-A: D, L storage, ±E) → section_properties → frame_analysis →
    member_checks, and returns every intermediate result, the governing member and ADEQUATE / INADEQUATE.
    """
    problem, basis = inp.problem, inp.basis
    hazard = seismic_hazard(SeismicHazardInput(location=problem.location))
    loads = rack_loads(problem, basis)
    base_shear = rack_base_shear(hazard, loads, basis)
    post, brace = rack_sections(problem)
    frame = build_side_frame(
        problem,
        basis,
        post,
        brace,
        [level.frame_load_kN for level in loads.levels],
        [level.Fx_kN for level in base_shear.levels],
        rack_combinations(),
    )
    analysis = analyse_frame(frame)
    checks, members = check_rack_members(problem, basis, frame, analysis, post, brace)
    governing = max(members, key=lambda m: m.utilisation)
    return RackCheckOutput(
        problem_id=problem.problem_id,
        verdict=checks.verdict,
        governing_member=f"{governing.member} ({governing.combination})",
        max_utilisation=governing.utilisation,
        hazard=hazard,
        level_loads=level_loads(loads, base_shear),
        base_shear=base_shear,
        post_section=post,
        brace_section=brace,
        frame=frame,
        analysis=analysis,
        members=members,
        checks=checks,
        assumptions=rack_assumptions(problem, basis, loads),
    )


def rack_assumptions(problem: RackProblem, basis: RackDesignBasis, loads: StorageRackLoadsOutput) -> list[str]:
    """Every modelling choice of the rack check, in words, for the report."""
    frame_kind = "an interior frame" if loads.frame == "interior" else "an end frame (single bay)"
    return [
        f"The frame checked is {frame_kind}: it carries {loads.share_of_bay:g} × {problem.pallets_per_beam} pallets "
        "per level, half on each post (storage_rack_loads).",
        f"Seismic weight per level = {basis.seismic_weight_fraction:g} × its pallet load; the frame's self-weight is "
        "in the dead load D but not in W.",
        "Seismic forces by the equivalent static force procedure of NBC 2015 4.1.8.11 with the rack treated as a "
        f"braced frame (Ta = 0.025 hn, hn = top beam level), site class C, Rd = {basis.Rd:g}, Ro = {basis.Ro:g}, "
        f"IE = {basis.importance_factor:g}; each level's force is applied half at each post.",
        "Load combinations of NBC 2015 Table 4.1.3.2.-A for D, L and E in both directions, with the companion live "
        "load factor of storage areas (1.0).",
        f"Post bases {basis.base_fixity}; posts are continuous beam-columns, braces pin-ended trusses; linear "
        "elastic first-order analysis (PyNite).",
        "Post channel: web = the problem's depth, flanges = its width; frame-plane bending about the section's x-x "
        "axis. Post buckling length: the brace panel in the frame plane (r_x) or the beam-level spacing out of it "
        f"(r_y), whichever is more slender, K = {basis.K:g}. Braces buckle about their least axis over their full "
        "length.",
        f"Steel Fy = {basis.Fy_MPa:g} MPa, E = {problem.E_ksi:g} ksi; members checked to CSA S16-14 as class 3 "
        "sections (Mr = φ S Fy): indicative only for cold-formed rack sections, which CSA S136 and the rack "
        "standard (CSA A344 / ANSI MH16.1) govern.",
        "Not checked: load beams and their connectors, base plates and anchors, down-aisle sway frame, "
        "torsional-flexural buckling of the open posts.",
    ]
