"""`steel_frame_check`: a single-storey, single-bay steel building frame checked by tools alone, location to verdict.

seismic_hazard → roof loads → seismic_base_shear → load_combinations → section_properties → frame_analysis →
member_checks → ADEQUATE / INADEQUATE: MASSE's workflow for a second structure type, a typical industrial bent
(two W columns, a W roof beam and, when braced, one HSS diagonal). The public step functions are the ones MASSE's
roles call one by one; `steel_frame_check` chains them and keeps every tool output, and `steel_frame_assumptions`
lists each modelling choice with its clause.
"""

from __future__ import annotations

import math
from typing import Literal, cast

from pydantic import Field

from ..registry import ToolInput, ToolInputError, ToolOutput, register_tool
from .base_shear import SeismicBaseShearInput, SeismicBaseShearOutput, SeismicLevel, compute_base_shear
from .frame import analyse_frame
from .frame_model import (
    FrameInput,
    FrameMember,
    FrameNode,
    FrameOutput,
    LoadCase,
    LoadCombination,
    MemberDistributedLoad,
    NodalLoad,
    Support,
)
from .hazard import SeismicHazardInput, SeismicHazardOutput, seismic_hazard
from .load_combinations import LoadCombinationsInput, compute_load_combinations
from .member_checks import PHI as PHI_STEEL
from .member_checks import Member, MemberChecksInput, MemberChecksOutput, member_checks
from .rack import MemberVerdict, governing_per_member
from .sections import SectionPropertiesOutput, WShape, section_properties
from .steel_frame_problem import SteelFrameProblem
from .steel_shapes import mass_kg_per_m, section_input

__all__ = [
    "SteelFrameCheckInput",
    "SteelFrameCheckOutput",
    "SteelFrameDesignBasis",
    "SteelFrameLoadsOutput",
    "build_steel_frame",
    "check_steel_frame_members",
    "steel_frame_assumptions",
    "steel_frame_base_shear",
    "steel_frame_check",
    "steel_frame_combinations",
    "steel_frame_loads",
    "steel_frame_sections",
]

GRAVITY_M_S2 = 9.80665
# Forces below these are round-off of the solver (e.g. the brace under gravity, ~1e-12 kN), not load: treating them
# as zero keeps a slenderness or interaction check from being triggered by noise.
FORCE_NOISE_KN = 1e-6
MOMENT_NOISE_KNM = 1e-6
ROLES = {"left_column": "column", "right_column": "column", "beam": "beam", "brace": "brace"}


class SteelFrameDesignBasis(ToolInput):
    """Design choices of the check, with the code's values as defaults."""

    Fy_MPa: float = Field(
        default=350.0, gt=0, le=700, description="steel yield stress, MPa (350 = CSA G40.21 350W; HSS class C 350W)"
    )
    Rd: float = Field(
        default=1.5, gt=0, le=5, description="ductility-related force modification factor (NBC Table 4.1.8.9, "
        "steel conventional construction: 1.5)"
    )  # fmt: skip
    Ro: float = Field(
        default=1.3, gt=0, le=2, description="overstrength-related force modification factor (NBC Table 4.1.8.9, "
        "steel conventional construction: 1.3)"
    )  # fmt: skip
    importance_factor: float = Field(default=1.0, gt=0, le=1.5, description="earthquake importance factor IE")
    snow_fraction_in_W: float = Field(
        default=0.25, ge=0, le=1, description="share of the design snow load in the seismic weight (NBC 4.1.8.2: 25 %)"
    )
    K: float = Field(default=1.0, gt=0, le=3, description="effective length factor of columns, beam and brace")


class SteelFrameCheckInput(ToolInput):
    """A steel-frame problem and the design basis to check it with."""

    problem: SteelFrameProblem = Field(description="the frame as the problem states it (SI units)")
    basis: SteelFrameDesignBasis = Field(default_factory=SteelFrameDesignBasis, description="design choices")


class SteelFrameLoadsOutput(ToolOutput):
    tributary_area_m2: float = Field(description="roof area carried by the frame: span × frame spacing, m²")
    dead_line_load_kN_per_m: float = Field(description="roof dead load on the beam: D × frame spacing, kN/m")
    snow_line_load_kN_per_m: float = Field(description="roof snow load on the beam: S × frame spacing, kN/m")
    roof_dead_kN: float = Field(description="roof dead load on the tributary area, kN")
    roof_snow_kN: float = Field(description="specified snow load on the tributary area, kN")
    snow_fraction_in_W: float = Field(description="share of the snow load counted in W")
    seismic_weight_kN: float = Field(description="W = (D + fraction × S) × tributary area, lumped at the eave, kN")


class SteelFrameCheckOutput(ToolOutput):
    problem_id: str
    verdict: Literal["ADEQUATE", "INADEQUATE"] = Field(description="ADEQUATE only if every member passes")
    governing_member: str = Field(description="member (combination) with the largest utilisation")
    max_utilisation: float
    hazard: SeismicHazardOutput
    loads: SteelFrameLoadsOutput
    base_shear: SeismicBaseShearOutput
    sections: dict[str, SectionPropertiesOutput] = Field(description="properties keyed column, beam (and brace)")
    frame: FrameInput = Field(description="the analysis model that was built")
    analysis: FrameOutput
    members: list[MemberVerdict] = Field(description="each member under its governing combination")
    checks: MemberChecksOutput = Field(description="the CSA S16 checks of every member in every combination")
    assumptions: list[str]


def steel_frame_loads(problem: SteelFrameProblem, basis: SteelFrameDesignBasis) -> SteelFrameLoadsOutput:
    """Step: roof line loads on the beam and the frame's seismic weight (NBC 4.1.8.2: W = D + 25 % of S)."""
    area = problem.span_m * problem.frame_spacing_m
    return SteelFrameLoadsOutput(
        tributary_area_m2=area,
        dead_line_load_kN_per_m=problem.roof_dead_kPa * problem.frame_spacing_m,
        snow_line_load_kN_per_m=problem.roof_snow_kPa * problem.frame_spacing_m,
        roof_dead_kN=problem.roof_dead_kPa * area,
        roof_snow_kN=problem.roof_snow_kPa * area,
        snow_fraction_in_W=basis.snow_fraction_in_W,
        seismic_weight_kN=(problem.roof_dead_kPa + basis.snow_fraction_in_W * problem.roof_snow_kPa) * area,
    )


def steel_frame_base_shear(
    hazard: SeismicHazardOutput, loads: SteelFrameLoadsOutput, problem: SteelFrameProblem, basis: SteelFrameDesignBasis
) -> SeismicBaseShearOutput:
    """Step: NBC 4.1.8.11 base shear, one level at the eave, site class C, braced or steel moment frame period."""
    return compute_base_shear(
        SeismicBaseShearInput(
            **{key: getattr(hazard, key) for key in ("Sa_0_2", "Sa_0_5", "Sa_1_0", "Sa_2_0", "Sa_5_0", "Sa_10_0")},
            PGA=hazard.PGA,
            site_class="C",
            levels=[SeismicLevel(name="roof", height_m=problem.eave_height_m, weight_kN=loads.seismic_weight_kN)],
            structure_type="braced_frame" if problem.lateral_system == "braced" else "steel_moment_frame",
            importance_factor=basis.importance_factor,
            Rd=basis.Rd,
            Ro=basis.Ro,
        )
    )


def steel_frame_combinations() -> list[LoadCombination]:
    """Step: the NBC Table 4.1.3.2.-A ULS combinations of D, S and ±E, as frame-analysis combinations."""
    factor_sets = compute_load_combinations(LoadCombinationsInput(D=1.0, S=1.0, E=1.0))
    return [LoadCombination(name=c.name, factors=c.factors) for c in factor_sets.uls_combinations]


def steel_frame_sections(problem: SteelFrameProblem) -> dict[str, SectionPropertiesOutput]:
    """Step: section properties of the column, beam and (braced frame) brace from their designations."""
    names = {"column": problem.column, "beam": problem.beam}
    if problem.brace is not None:
        names["brace"] = problem.brace
    return {role: section_properties(section_input(name, f"problem.{role}")) for role, name in names.items()}


def _self_weight_kN_per_m(designation: str) -> float:
    return mass_kg_per_m(designation) * GRAVITY_M_S2 / 1000


def build_steel_frame(
    problem: SteelFrameProblem,
    basis: SteelFrameDesignBasis,
    sections: dict[str, SectionPropertiesOutput],
    loads: SteelFrameLoadsOutput,
    base_shear: SeismicBaseShearOutput,
    combinations: list[LoadCombination],
) -> FrameInput:
    """Step: the bent as a plane frame, bases at y = 0, the beam at the eave, bending about the W shapes' x-x axis.

    Columns and beam are beam-columns (the beam's end moments released when braced); the brace is a pin-ended truss
    from the left base to the right eave. Load cases: D (roof line load plus every member's self-weight, the brace's
    lumped half at each end), S (roof snow line load) and E (the storey force V at the left eave, +X).
    """
    span, height, E = problem.span_m, problem.eave_height_m, problem.E_MPa
    braced = problem.lateral_system == "braced"
    column, beam = sections["column"], sections["beam"]
    nodes = [
        FrameNode(name="left_base", x_m=0.0, y_m=0.0),
        FrameNode(name="left_eave", x_m=0.0, y_m=height),
        FrameNode(name="right_base", x_m=span, y_m=0.0),
        FrameNode(name="right_eave", x_m=span, y_m=height),
    ]
    members = [
        FrameMember(
            name=f"{side}_column", start=f"{side}_base", end=f"{side}_eave", kind="beam_column", E_MPa=E,
            A_mm2=column.area_mm2, I_mm4=column.Ix_mm4,
        )
        for side in ("left", "right")
    ]  # fmt: skip
    members.append(
        FrameMember(
            name="beam", start="left_eave", end="right_eave", kind="beam_column", E_MPa=E, A_mm2=beam.area_mm2,
            I_mm4=beam.Ix_mm4, release_start_moment=braced, release_end_moment=braced,
        )
    )  # fmt: skip
    column_weight = _self_weight_kN_per_m(problem.column)
    dead_members = [
        MemberDistributedLoad(member="beam", direction="global_y", w_kN_per_m=-loads.dead_line_load_kN_per_m),
        MemberDistributedLoad(member="beam", direction="global_y", w_kN_per_m=-_self_weight_kN_per_m(problem.beam)),
        *(
            MemberDistributedLoad(member=name, direction="global_y", w_kN_per_m=-column_weight)
            for name in ("left_column", "right_column")
        ),
    ]
    dead_nodes: list[NodalLoad] = []
    if braced and problem.brace is not None:
        members.append(
            FrameMember(
                name="brace", start="left_base", end="right_eave", kind="truss", E_MPa=E,
                A_mm2=sections["brace"].area_mm2,
            )
        )  # fmt: skip
        half = _self_weight_kN_per_m(problem.brace) * math.hypot(span, height) / 2
        dead_nodes = [NodalLoad(node=node, fy_kN=-half) for node in ("left_base", "right_eave")]
    fixed = not braced and problem.base_fixity == "fixed"
    storey_force = sum(level.Fx_kN for level in base_shear.levels)
    return FrameInput(
        nodes=nodes,
        members=members,
        supports=[Support(node=f"{side}_base", ux=True, uy=True, rz=fixed) for side in ("left", "right")],
        load_cases=[
            LoadCase(name="D", nodal_loads=dead_nodes, member_distributed_loads=dead_members),
            LoadCase(
                name="S",
                member_distributed_loads=[
                    MemberDistributedLoad(
                        member="beam", direction="global_y", w_kN_per_m=-loads.snow_line_load_kN_per_m
                    )
                ],
            ),
            LoadCase(name="E", nodal_loads=[NodalLoad(node="left_eave", fx_kN=storey_force)]),
        ],
        combinations=combinations,
    )


def _w_class(
    w: WShape, area_mm2: float, Fy: float, Cf_kN: float, Mf_kNm: float, field: str
) -> tuple[int | None, float]:
    """(section class, area for Cr) of a W shape under one combination's forces, CSA S16-14 Tables 1 and 2.

    With bending (Table 2): flange b/t = (bf/2)/tf against 145, 170, 200 /√Fy; web h/w = (d − 2tf)/tw against
    1100 (1 − 0.39 ρ), 1700 (1 − 0.61 ρ), 1900 (1 − 0.65 ρ) /√Fy with ρ = Cf/(φ A Fy). A class 4 member in bending
    is outside member_checks: refused. In axial compression alone (Table 1: 200/√Fy, 670/√Fy) a class 4 shape gets
    the effective area of 13.3.5(a): each element cut to the class 3 width. Without bending the class is not needed.
    """
    root = math.sqrt(Fy)
    flange = w.flange_width_mm / 2 / w.flange_thickness_mm
    h = w.depth_mm - 2 * w.flange_thickness_mm  # clear depth between flanges, fillets ignored (conservative)
    web = h / w.web_thickness_mm
    if Mf_kNm > 0:
        rho = min(Cf_kN * 1e3 / (PHI_STEEL * area_mm2 * Fy), 1.0)
        flange_class = next((c for c, limit in ((1, 145), (2, 170), (3, 200)) if flange <= limit / root), 4)
        web_limits = ((1, 1100 * (1 - 0.39 * rho)), (2, 1700 * (1 - 0.61 * rho)), (3, 1900 * (1 - 0.65 * rho)))
        web_class = next((c for c, limit in web_limits if web <= limit / root), 4)
        section_class = max(flange_class, web_class)
        if section_class == 4:
            raise ToolInputError(
                field,
                f"the W shape is class 4 in bending at Fy = {Fy:g} MPa (CSA S16-14 Table 2: flange b/t = {flange:.3g}"
                f" vs {200 / root:.3g}, web h/w = {web:.3g} vs {1900 * (1 - 0.65 * rho) / root:.3g}); class 4 "
                "bending members are outside this check: choose a stockier shape",
            )
        return section_class, area_mm2
    area = area_mm2
    if Cf_kN > 0:
        if flange > 200 / root:
            area -= 4 * (w.flange_width_mm / 2 - 200 * w.flange_thickness_mm / root) * w.flange_thickness_mm
        if web > 670 / root:
            area -= (h - 670 * w.web_thickness_mm / root) * w.web_thickness_mm
    return None, area


def _significant(value: float, noise: float) -> float:
    return value if value > noise else 0.0


def _member_entries(
    problem: SteelFrameProblem,
    basis: SteelFrameDesignBasis,
    analysis: FrameOutput,
    sections: dict[str, SectionPropertiesOutput],
) -> list[Member]:
    """One CSA S16 check entry per member and combination ("member | combination"), forces from the analysis.

    Columns: L = eave height about both axes, so r_y (out of plane) governs Cr and I_x gives Ce in the plane.
    Beam: L = span, laterally supported by the roof deck, so only in-plane buckling (r_x) is possible. Brace: the
    full diagonal about its least r.
    """
    designations = {"column": problem.column, "beam": problem.beam, "brace": problem.brace}
    lengths = {"column": problem.eave_height_m, "beam": problem.span_m}
    lengths["brace"] = math.hypot(problem.span_m, problem.eave_height_m)
    entries = []
    for result in analysis.results:
        for force in result.members:
            role = ROLES[force.member]
            section = sections[role]
            Cf = _significant(force.max_compression_kN, FORCE_NOISE_KN)
            Tf = _significant(force.max_tension_kN, FORCE_NOISE_KN) if Cf == 0 else 0.0
            common = {
                "name": f"{force.member} | {result.name}", "role": role, "Fy_MPa": basis.Fy_MPa,
                "E_MPa": problem.E_MPa, "K": basis.K, "L_mm": lengths[role] * 1000, "Cf_kN": Cf, "Tf_kN": Tf,
            }  # fmt: skip
            if role == "brace":
                entries.append(Member(**common, A_mm2=section.area_mm2, r_mm=section.r_min_mm))
                continue
            Mf = _significant(force.max_abs_moment_kNm, MOMENT_NOISE_KNM)
            shape = cast(WShape, section_input(str(designations[role])).section)  # the schema allows W only
            section_class, area = _w_class(shape, section.area_mm2, basis.Fy_MPa, Cf, Mf, f"problem.{role}")
            entries.append(
                Member(
                    **common, A_mm2=area, r_mm=section.ry_mm if role == "column" else section.rx_mm,
                    I_mm4=section.Ix_mm4, S_mm3=section.Sx_mm3, Z_mm3=section.Zx_mm3, section_class=section_class,
                    i_shaped=True, Mf_kNm=Mf,
                )
            )  # fmt: skip
    return entries


def check_steel_frame_members(
    problem: SteelFrameProblem,
    basis: SteelFrameDesignBasis,
    frame: FrameInput,
    analysis: FrameOutput,
    sections: dict[str, SectionPropertiesOutput],
) -> tuple[MemberChecksOutput, list[MemberVerdict]]:
    """Step: CSA S16 checks of every member in every combination, and each member's governing combination.

    `frame` is the model the analysis ran on; its member names must be the ones `build_steel_frame` gives.
    """
    unknown = [member.name for member in frame.members if member.name not in ROLES]
    if unknown:
        raise ToolInputError("frame.members", f"members {unknown} are not columns, beam or brace of a steel frame")
    checks = member_checks(MemberChecksInput(members=_member_entries(problem, basis, analysis, sections)))
    return checks, governing_per_member(checks, analysis)


def steel_frame_assumptions(
    problem: SteelFrameProblem, basis: SteelFrameDesignBasis, loads: SteelFrameLoadsOutput
) -> list[str]:
    """Every modelling choice of the steel-frame check, in words, for the report."""
    braced = problem.lateral_system == "braced"
    system = (
        "braced frame: the beam is pinned to the columns, one HSS diagonal from the left base to the right eave "
        "carries the storey shear in tension or compression, bases pinned"
        if braced
        else f"moment frame: rigid beam-column joints, {problem.base_fixity} bases, no brace"
    )
    brace = (
        " The brace is a pin-ended truss checked in tension (13.2) and compression (13.3.1, n = 1.34 for class C "
        "HSS) about its least r over the full diagonal length."
        if braced
        else ""
    )
    return [
        f"One interior frame of a single-storey building, span {problem.span_m:g} m, eave height "
        f"{problem.eave_height_m:g} m, carrying a {problem.frame_spacing_m:g} m wide strip of roof "
        f"({loads.tributary_area_m2:g} m²); {system}.",
        f"Roof loads as line loads on the beam: D = {problem.roof_dead_kPa:g} kPa × {problem.frame_spacing_m:g} m "
        f"= {loads.dead_line_load_kN_per_m:.4g} kN/m plus the members' self-weight (nominal mass × g); "
        f"S = {problem.roof_snow_kPa:g} kPa × {problem.frame_spacing_m:g} m = {loads.snow_line_load_kN_per_m:.4g} "
        "kN/m, uniform (no drift or unbalanced snow, NBC 4.1.6).",
        f"Seismic weight W = (D + {basis.snow_fraction_in_W:g} S) × tributary area = {loads.seismic_weight_kN:.4g} "
        "kN (NBC 4.1.8.2), lumped at the eave; the weight of the columns, the walls and the frame's members is "
        "ignored in W.",
        "Seismic forces by the equivalent static force procedure of NBC 2015 4.1.8.11 with the building as "
        + ("a braced frame (Ta = 0.025 hn)" if braced else "a steel moment frame (Ta = 0.085 hn^0.75)")
        + f", hn = eave height, site class C, Rd = {basis.Rd:g}, Ro = {basis.Ro:g} (Table 4.1.8.9, conventional "
        f"construction), IE = {basis.importance_factor:g}; the storey force acts at the left eave, +X, and is "
        "reversed by the combinations. The S16-14 27.11 requirements for conventional construction (connection "
        "design forces, height limits) are not checked.",
        "Load combinations of NBC 2015 Table 4.1.3.2.-A for D, S and ±E (1.4D; 1.25D or 0.9D + 1.5S; 1.0D ± 1.0E "
        "with or without 0.25S). Wind is not considered.",
        "Linear elastic first-order analysis (PyNite): second-order (P-Δ) effects, the notional loads and the U2 "
        "amplification of S16-14 8.4 are not included, so the check suits stiff, lightly loaded single-storey "
        "frames only.",
        f"Columns: {problem.column}, axial force + strong-axis bending (13.8, ω1 = 1.0, κ = 0.85 for class 1 and 2),"
        f" buckling over the full eave height both in the frame plane (r_x) and out of it (r_y, girts not counted "
        f"as bracing), K = {basis.K:g}; the more slender axis (r_y) sets Cr, I_x sets Ce.",
        f"Beam: {problem.beam}, bending about x-x, laterally supported by the roof deck (13.5, no "
        "lateral-torsional buckling); with axial force it buckles in the frame plane over the span (r_x).",
        "Section class of the W shapes per combination from CSA S16-14 Table 2 (bending with axial force, web "
        "limits reduced by Cf/φCy), Z for class 1 and 2, S for class 3; in axial compression alone a class 4 "
        "element (Table 1) is cut to its class 3 width (13.3.5(a) effective area)." + brace,
        f"Steel Fy = {basis.Fy_MPa:g} MPa for every member, E = {problem.E_MPa:g} MPa; shape dimensions from the "
        "CISC Handbook (fillets ignored, which is conservative for A, I, S and Z).",
        "Not checked: connections and base plates, shear (13.4), web crippling, deflections (SLS), drift "
        "(4.1.8.13), wind, the out-of-plane bracing system, and the S16 27 seismic design requirements.",
    ]


@register_tool("steel_frame_check")
def steel_frame_check(inp: SteelFrameCheckInput) -> SteelFrameCheckOutput:
    """Check a single-storey steel building frame end to end: hazard, base shear, analysis, CSA S16, verdict.

    Chains seismic_hazard → roof loads and seismic weight (NBC 4.1.8.2) → seismic_base_shear (NBC 2015 4.1.8.11,
    braced or steel moment frame, site class C) → load_combinations (NBC Table 4.1.3.2.-A: D, S, ±E) →
    section_properties (CISC shapes by designation) → frame_analysis → member_checks, and returns every
    intermediate result, each member's governing combination and ADEQUATE / INADEQUATE.
    """
    problem, basis = inp.problem, inp.basis
    hazard = seismic_hazard(SeismicHazardInput(location=problem.location))
    loads = steel_frame_loads(problem, basis)
    base_shear = steel_frame_base_shear(hazard, loads, problem, basis)
    sections = steel_frame_sections(problem)
    frame = build_steel_frame(problem, basis, sections, loads, base_shear, steel_frame_combinations())
    analysis = analyse_frame(frame)
    checks, members = check_steel_frame_members(problem, basis, frame, analysis, sections)
    governing = max(members, key=lambda m: m.utilisation)
    return SteelFrameCheckOutput(
        problem_id=problem.problem_id,
        verdict=checks.verdict,
        governing_member=f"{governing.member} ({governing.combination})",
        max_utilisation=governing.utilisation,
        hazard=hazard,
        loads=loads,
        base_shear=base_shear,
        sections=sections,
        frame=frame,
        analysis=analysis,
        members=members,
        checks=checks,
        assumptions=steel_frame_assumptions(problem, basis, loads),
    )
